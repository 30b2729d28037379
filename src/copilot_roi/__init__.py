"""Copilot ROI: Security Copilot cost, usage and value."""
