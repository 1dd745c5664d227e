"""Sourcelight — entry point: ``streamlit run dashboard/app.py``. Pages are declared here.

Before any page runs: the app refuses to serve beyond loopback unless sign-in is configured, and,
when it is, the session signs in (``dashboard/auth.py``).

May import Streamlit, ``components`` and the shared ``dashboard`` modules (``auth``, ``state``,
``progress``) and ``components.sampler`` (a diagnostic, off unless its setting is given); the pages in
``views/`` are named by path, never imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from components import sampler  # noqa: E402
from components.access import Forbidden, check_bind  # noqa: E402
from components.articles import WIKINEWS_CREDIT  # noqa: E402
from dashboard import auth, state  # noqa: E402
from dashboard.progress import sidebar_progress  # noqa: E402

_run = sampler.run_started()  # SOURCELIGHT_PROFILE_RUNS=PATH: this run's server time (off by default)

# The icon is an emoji the browser draws itself (a :material/ icon would be fetched from a font host).
st.set_page_config(page_title="Sourcelight", page_icon="🔦", layout="wide")

PAGES = Path(__file__).resolve().parent / "views"
# (file, title, icon, url path); a page whose file is absent is left out of the navigation.
PAGE_SPECS = [
    ("reading.py", "Read", ":material/article:", "read"),
    ("annotate.py", "Annotate", ":material/edit_note:", "annotate"),
    ("present.py", "Present", ":material/co_present:", "present"),
    ("review.py", "Review", ":material/rule:", "review"),
    ("sources.py", "Sources", ":material/hub:", "sources"),
    ("story.py", "Story", ":material/compare:", "story"),
    ("search.py", "Search", ":material/search:", "search"),
    ("briefing.py", "Briefing", ":material/slideshow:", "briefing"),
    ("library.py", "Library", ":material/library_books:", "library"),
]
pages = {u: st.Page(PAGES / f, title=t, icon=i, url_path=u) for f, t, i, u in PAGE_SPECS if (PAGES / f).exists()}


def _home() -> None:
    """The root URL opens the reading view at ``/read``, keeping the link's query parameters, so
    ``/read?article=ID`` is the one address of an article (the default page has no path of its own)."""
    st.switch_page(pages["read"], query_params=st.query_params.to_dict())


# Refuse to serve beyond this machine without sign-in: anyone who reached it could act as anyone.
try:
    check_bind(st.get_option("server.address"), auth.mode() != auth.NONE)
except Forbidden as refusal:
    print(f"Sourcelight: {refusal}", file=sys.stderr)
    st.error(str(refusal))
    st.stop()

home = st.Page(_home, title="Sourcelight", url_path="home", default=True, visibility="hidden")
# Declared before sign-in so that the page a link asked for (``/annotate?…``) opens once signed in
# (its menu of page names shows on the sign-in screen too; every page needs sign-in).
nav = st.navigation([home, *pages.values()])
if not auth.gate():  # sign-in configured and nobody signed in yet: the form is on screen, no page runs
    st.stop()
if auth.mode() != auth.NONE:
    st.query_params.pop("analyst", None)  # the URL names nobody once sign-in is configured
if nav.url_path != "present" and auth.mode() == auth.NONE:  # single-user mode: say who you are
    with st.sidebar:
        state.analyst_box()
_end = "stopped"  # st.rerun, st.switch_page and st.stop leave by an exception
try:
    nav.run()
    with st.sidebar:
        st.caption(WIKINEWS_CREDIT)
    # After the page, so a first visit sees its article before the worker starts; last in the sidebar.
    sidebar_progress(nav.url_path)
    _end = "done"
finally:
    sampler.run_finished(_run, nav.url_path, _end)
