"""Baseline for the navigation benchmark: Streamlit's bare shell, a page with nothing on it."""
