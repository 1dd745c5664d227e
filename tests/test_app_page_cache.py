"""The per-article work the Read and Present pages share across sessions (``dashboard/page_cache``).

Each test opens pages as several AppTest sessions of one process (what one server's users are),
so the breakdown frames and the sources chart one session built are what the next one is served:
a correction, its undo and a re-analysis must still show in the next session at once, and no
analyst's private note may reach anyone else through anything shared.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
pytestmark = pytest.mark.slow

#: Invented names and note texts (nothing from an evaluation set).
NEW_NAME = "Zed Quorum"
PRIVATE = "Alice's private lead: phone the harbour office"
SHAREABLE = "Shareable: the date was checked against the port log"


@pytest.fixture()
def library(tmp_path, monkeypatch, nlp):
    """A library of the seed article, analysed on the page's thread, no background worker."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.setenv("SOURCELIGHT_ANALYSIS_PROCESS", "0")
    monkeypatch.setenv("SOURCELIGHT_BACKGROUND", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    from dashboard import state

    store = state.get_store()
    [summary] = store.list_articles()
    state.ensure_analysed([summary.id])
    yield summary.id
    st.cache_resource.clear()
    st.cache_data.clear()


def session(page: str, *, tab: str | None = None, **params: str) -> AppTest:
    """A new browser session opening ``page`` (``views/…``) with the URL's ``params`` (and on the
    Read page the side ``tab`` open: only the open tab is drawn)."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page(page)
    if tab is not None:
        at.session_state["read_tab"] = tab
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def chart_sources(at: AppTest) -> set[str]:
    """The source names the sources chart draws as bars (its bars' y values)."""
    [chart] = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    return {str(y) for trace in spec["data"] if trace.get("type") == "bar" for y in trace.get("y") or ()}


def table_sources(at: AppTest) -> set[str]:
    """The Read page's breakdown table's sources (its nested rows marked ↳)."""
    [table] = [d.value for d in at.dataframe if "reported_by" in d.value.columns]
    return {str(s).removeprefix("↳ ") for s in table["source"]}


def shown_text(at: AppTest) -> str:
    """Everything the page writes as HTML, Markdown, captions and notices."""
    parts = [el.proto.body for el in at.get("html")]
    parts += [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(parts)


def test_a_correction_its_undo_and_a_reanalysis_show_in_the_next_session(library):
    from components.corrections import CorrectionsService
    from dashboard import state

    aid = library
    first = session("views/reading.py", tab="Sources", article=aid)
    before = chart_sources(first)
    assert before and table_sources(first) == before
    present = session("views/present.py", article=aid)
    assert chart_sources(present) == before  # both pages' charts are now built and kept

    svc = CorrectionsService(state.get_store(), state.version())
    correction = svc.set_source(aid, 0, analyst="Ana", canonical=NEW_NAME)
    # Another session, after the correction: the chart, the table and Present all say the new name.
    second = session("views/reading.py", tab="Sources", article=aid)
    assert NEW_NAME in chart_sources(second) and NEW_NAME in table_sources(second)
    assert NEW_NAME in chart_sources(session("views/present.py", article=aid))
    # The session that was open before it sees it on its next rerun.
    first.run()
    assert NEW_NAME in chart_sources(first)

    svc.undo(correction.id, "Ana")
    third = session("views/reading.py", tab="Sources", article=aid)
    assert chart_sources(third) == before and NEW_NAME not in table_sources(third)
    assert chart_sources(session("views/present.py", article=aid)) == before

    # Re-analysed (the same article, the same version and no new correction): only what the new
    # analysis finds is drawn.
    store = state.get_store()
    analysis = store.get_analysis(aid, state.version())
    kept = analysis.attributions[0]
    store.put_analysis(replace(analysis, attributions=(replace(kept, nested_in=None),)))
    fourth = session("views/reading.py", tab="Sources", article=aid)
    assert chart_sources(fourth) == {kept.source_canonical} != before
    assert chart_sources(session("views/present.py", article=aid)) == {kept.source_canonical}


def test_a_private_note_reaches_nobody_through_the_shared_pages(library):
    from components.corrections import CorrectionsService
    from dashboard import state

    aid = library
    svc = CorrectionsService(state.get_store(), state.version())
    svc.add_note(aid, PRIVATE, analyst="Alice")
    svc.add_note(aid, SHAREABLE, analyst="Alice", shareable=True)
    # Alice's sessions build and keep the pages' shared work first.
    alice_read = session("views/reading.py", article=aid, analyst="Alice")
    alice_present = session("views/present.py", article=aid, analyst="Alice", notes="1")
    alice_annotate = session("views/annotate.py", article=aid, analyst="Alice")
    assert PRIVATE in shown_text(alice_annotate)  # her own private note, on her Annotate page
    assert SHAREABLE in shown_text(alice_present) and PRIVATE not in shown_text(alice_present)
    assert PRIVATE not in shown_text(alice_read)
    # Bob's sessions, served from what Alice's built: the shareable note only.
    for page, extra in (("views/reading.py", {}), ("views/present.py", {"notes": "1"}), ("views/annotate.py", {})):
        bob = session(page, article=aid, analyst="Bob", **extra)
        assert PRIVATE not in shown_text(bob), page
    assert SHAREABLE in shown_text(session("views/present.py", article=aid, analyst="Bob", notes="1"))
