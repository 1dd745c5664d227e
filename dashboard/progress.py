"""The sidebar's view of the background work: how much of the library is analysed and searchable.

Layout only: the numbers come from the shared worker (``state.worker_status``). While anything is
pending the panel is a fragment that redraws itself every two seconds without rerunning the page;
when the work finishes it reruns the page once, so what was waiting (the Sources page, Search)
shows the whole library.

May import Streamlit, ``components`` and ``dashboard.state``.
"""

from __future__ import annotations

import streamlit as st

from components.background import LibraryStatus
from components.textsafe import md
from dashboard import state

BUSY_KEY = "_library_busy"
REFRESH_S = 2.0


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


def sidebar_progress() -> None:
    """The background-work panel; live (a self-refreshing fragment) only while work is pending.

    Call it last in the sidebar: nothing is written after a fragment in its container, so the
    delta paths of a full run and of the fragment's own reruns never disagree."""
    status = state.worker_status()
    if status is None:
        return
    every = REFRESH_S if status.busy else None
    with st.sidebar:
        st.fragment(run_every=every)(_panel)()
