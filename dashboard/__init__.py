"""Sourcelight's Streamlit app: layout only; everything it shows comes from ``components``."""
