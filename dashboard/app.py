"""Sourcelight — entry point: ``streamlit run dashboard/app.py``. Pages are declared here."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from components.articles import WIKINEWS_CREDIT  # noqa: E402

st.set_page_config(page_title="Sourcelight", page_icon=":material/flashlight_on:", layout="wide")

PAGES = Path(__file__).resolve().parent / "pages"
pages = [
    st.Page(PAGES / "reading.py", title="Read", icon=":material/article:", url_path="read", default=True),
    st.Page(PAGES / "library.py", title="Library", icon=":material/library_books:", url_path="library"),
]
nav = st.navigation(pages)
with st.sidebar:
    st.caption(f"Bundled articles: {WIKINEWS_CREDIT}")
nav.run()
