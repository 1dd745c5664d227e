"""The pending state of a page whose article is being analysed in the pool, and a failed analysis.

Layout only: the analyses are queued by ``dashboard.state`` (``ensure_analysed``, in the child
processes of ``components.worker``). A page that needs an analysis not made yet opens inside
``waiting(key=...)``: the page says which articles are being analysed and for how long, polls
every second in a fragment (nothing else of the page reruns) and reruns itself when they are
done; a failed analysis shows its message (naming the article) with a button to try again. The
page's thread never waits for an analysis, so the other sessions and this one stay responsive.

May import Streamlit, ``components`` and ``dashboard.state``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from components.textsafe import md
from components.worker import AnalysisFailed
from dashboard import state

#: Seconds between checks of a pending analysis.
POLL_S = 1.0


@dataclass
class Waiting:
    """Whether ``waiting`` drew a pending state or a failure instead of the page."""

    shown: bool = False


@contextmanager
def waiting(*, key: str, retry_ids=()) -> Iterator[Waiting]:
    """Run the block that opens articles; if their analysis is pending or failed, draw that and
    set ``shown`` (the page then returns). ``retry_ids``: what "Analyse again" retries (default:
    the articles named by the failure are not known, so the page passes its article)."""
    w = Waiting()
    try:
        yield w
    except state.AnalysisPending as exc:
        w.shown = True
        show_pending(exc.pending, exc.names, key=key)
    except AnalysisFailed as exc:
        w.shown = True
        show_failed(str(exc), list(retry_ids), key=key)


def _when(seconds: float | None) -> str:
    return "queued" if seconds is None else f"running for {seconds:.0f} s"


def show_pending(pending: dict[str, float | None], names: dict[str, str], *, key: str) -> None:
    """"Analysing “Title” (running for 12 s)…" and a poll that reruns the page when it is done."""
    ids = list(pending)
    if len(ids) == 1:
        aid = ids[0]
        st.info(
            f"Analysing “{md(names.get(aid, aid))}” ({_when(pending[aid])}). This page fills in by "
            "itself when it is done; other pages and articles can be used meanwhile.",
            icon=":material/pending:",
        )
    else:
        running = sum(1 for s in pending.values() if s is not None)
        st.info(
            f"Analysing {len(ids)} articles ({running} running, {len(ids) - running} queued). This page "
            "fills in by itself when they are done; other pages can be used meanwhile.",
            icon=":material/pending:",
        )
    _poll(tuple(ids))


@st.fragment(run_every=POLL_S)
def _poll(ids: tuple[str, ...]) -> None:
    """Rerun the whole page once none of ``ids`` is being analysed any more."""
    if not state.analysis_in_flight(ids):
        st.rerun()


def show_failed(message: str, ids: list[str], *, key: str) -> None:
    """The failure's message (it names the article), and a button to try it again."""
    st.error(md(message), icon=":material/error:")
    if ids and st.button("Analyse again", key=f"{key}_analyse_again", icon=":material/refresh:"):
        state.ensure_analysed(ids, retry=True)
        st.rerun()
