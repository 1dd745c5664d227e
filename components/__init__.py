"""Sourcelight's engine: articles, analysis, storage, rendering. Plain Python, never Streamlit."""
from __future__ import annotations

__version__ = "0.1.0"
