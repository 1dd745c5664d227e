"""Sourcelight — entry point: ``streamlit run dashboard/app.py``. Pages are declared here."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from components.articles import WIKINEWS_CREDIT  # noqa: E402
from dashboard import state  # noqa: E402

st.set_page_config(page_title="Sourcelight", page_icon=":material/flashlight_on:", layout="wide")

PAGES = Path(__file__).resolve().parent / "pages"
# (file, title, icon, url path); a page whose file is absent is left out of the navigation.
PAGE_SPECS = [
    ("reading.py", "Read", ":material/article:", "read"),
    ("annotate.py", "Annotate", ":material/edit_note:", "annotate"),
    ("present.py", "Present", ":material/co_present:", "present"),
    ("sources.py", "Sources", ":material/hub:", "sources"),
    ("similar.py", "Search", ":material/search:", "search"),
    ("briefing.py", "Briefing", ":material/slideshow:", "briefing"),
    ("library.py", "Library", ":material/library_books:", "library"),
]
pages = [
    st.Page(PAGES / f, title=t, icon=i, url_path=u, default=(f == "reading.py"))
    for f, t, i, u in PAGE_SPECS
    if (PAGES / f).exists()
]
nav = st.navigation(pages)
with st.sidebar:
    state.analyst_box()
nav.run()
with st.sidebar:
    st.caption(f"Bundled articles: {WIKINEWS_CREDIT}")
