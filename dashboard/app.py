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
from dashboard.progress import sidebar_progress  # noqa: E402

# The icon is an emoji the browser draws itself (a :material/ icon would be fetched from a font host).
st.set_page_config(page_title="Sourcelight", page_icon="🔦", layout="wide")

PAGES = Path(__file__).resolve().parent / "views"
# (file, title, icon, url path); a page whose file is absent is left out of the navigation.
PAGE_SPECS = [
    ("reading.py", "Read", ":material/article:", "read"),
    ("annotate.py", "Annotate", ":material/edit_note:", "annotate"),
    ("present.py", "Present", ":material/co_present:", "present"),
    ("sources.py", "Sources", ":material/hub:", "sources"),
    ("search.py", "Search", ":material/search:", "search"),
    ("briefing.py", "Briefing", ":material/slideshow:", "briefing"),
    ("library.py", "Library", ":material/library_books:", "library"),
]
pages = {u: st.Page(PAGES / f, title=t, icon=i, url_path=u) for f, t, i, u in PAGE_SPECS if (PAGES / f).exists()}


def _home() -> None:
    """The root URL opens the reading view at ``/read``, keeping the link's query parameters, so
    ``/read?article=ID`` is the one address of an article (the default page has no path of its own)."""
    st.switch_page(pages["read"], query_params=st.query_params.to_dict())


home = st.Page(_home, title="Sourcelight", url_path="home", default=True, visibility="hidden")
nav = st.navigation([home, *pages.values()])
if nav.url_path != "present":  # briefing mode shows no editing controls
    with st.sidebar:
        state.analyst_box()
nav.run()
sidebar_progress()  # after the page, so a first visit sees its article before the worker starts
with st.sidebar:
    st.caption(WIKINEWS_CREDIT)
