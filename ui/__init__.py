"""Streamlit-side helpers shared by pages: the shared sidebar and session keys. No numbers here."""
