"""The sidebar's view of the background work: how much of the library is analysed and searchable.

Layout only: the numbers come from the shared worker (``state.worker_status``). While anything is
pending the panel is a fragment that redraws itself every two seconds without rerunning the page;
when the work finishes it reruns the page once, so what was waiting (the Sources page, Search)
shows the whole library. It is live only where that matters: on the pages that show the whole
library (``LIVE_PAGES``), and on every page while the library itself is being prepared (a first
start, a bulk import: ``LIVE_BACKLOG`` articles or more). One article added by one analyst does
not set every other reader polling (ten sessions each rerunning the fragment every two seconds,
and a fragment's drawing racing a page switch in the browser); elsewhere the panel is drawn with
each run of the page, and the session that waits for that article has the pending page's own poll.

May import Streamlit, ``components`` and ``dashboard.state``.
"""

from __future__ import annotations

import streamlit as st

from components.background import LibraryStatus
from components.textsafe import md
from dashboard import state

BUSY_KEY = "_library_busy"
REFRESH_S = 2.0
#: Pages (url paths) whose content covers the whole library: the panel redraws itself there while
#: work is pending, and reruns the page when it is done.
LIVE_PAGES = frozenset({"sources", "search", "story", "library", "briefing"})
#: Articles pending (analysis and indexing together) from which the panel is live on every page.
LIVE_BACKLOG = 5


def _draw(status: LibraryStatus) -> None:
    if status.busy:
        st.caption("**Preparing the library** in the background (pages keep working):")
        for job in ("analysis", "index"):
            s = status.analysis if job == "analysis" else status.index
            text = status.pending_text(job)
            if text:
                st.progress(s.done / s.total if s.total else 0.0, text=text)
    else:
        n = state.get_store().count_articles()
        st.caption(f":material/check_circle: Library ready: {n} articles analysed and searchable.")
    for s in (status.analysis, status.index):
        if s.error:
            st.warning(f"Background {s.name} stopped: {s.error}", icon=":material/error:")
    for message in status.analysis.failed[:5]:  # one article each; the rest of the library goes on
        st.warning(md(message), icon=":material/error:")


def _panel() -> None:
    status = state.worker_status()
    if status is None:
        return
    # One plain container, not ``st.empty().container()`` (an element replaced by a block at the
    # same path): under load the browser once got the sidebar's next element before this panel's
    # slot and failed on "Bad delta path index" (a white page for that session). A fragment run
    # removes its own stale elements when it ends, so nothing of the last drawing lingers.
    with st.container():
        _draw(status)
    if status.busy:
        st.session_state[BUSY_KEY] = True
    elif st.session_state.pop(BUSY_KEY, False):
        st.rerun()  # the work just finished: the whole page again, over the complete library


def live(status: LibraryStatus, page: str | None) -> bool:
    """Whether the panel should redraw itself on ``page`` (a url path; None: the page is not known)."""
    if not status.busy:
        return False
    backlog = status.analysis.pending + status.index.pending
    return page is None or page in LIVE_PAGES or backlog >= LIVE_BACKLOG or status.analysis.looking


def sidebar_progress(page: str | None = None) -> None:
    """The background-work panel; live (a self-refreshing fragment) while work is pending and
    ``live`` says this page needs it, else drawn once with the page's run.

    Call it last in the sidebar: nothing is written after a fragment in its container, so the
    delta paths of a full run and of the fragment's own reruns never disagree."""
    status = state.worker_status()
    if status is None:
        return
    with st.sidebar:
        if live(status, page):
            st.fragment(run_every=REFRESH_S)(_panel)()
        else:
            st.session_state.pop(BUSY_KEY, None)  # this run of the page already sees the library as it is
            with st.container():
                _draw(status)
