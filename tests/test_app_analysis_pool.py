"""Pages over the analysis pool (``components.worker``, the app's default), through AppTest.

A page whose article is not analysed yet shows a pending state and returns at once; another
session's Read page answers while the issue's 5,000-nested-quotes article is being analysed; the
Annotate page works over the pool (it did not when the pool was ``multiprocessing``: Streamlit
installs the page script as ``__main__``, and a spawned child re-ran the page); an article over
the deadline becomes an error naming it, and the app goes on.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
READ = str(ROOT / "dashboard" / "views" / "reading.py")
ANNOTATE = str(ROOT / "dashboard" / "views" / "annotate.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
#: The issue's reproduction (114 KB): many seconds of analysis, in a child.
HEAVY_TEXT = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(5000))

pytestmark = pytest.mark.slow


@pytest.fixture()
def library(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    (seeds / "heavy.txt").write_text(HEAVY_TEXT, encoding="utf-8")
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.setenv("SOURCELIGHT_ANALYSIS_PROCESS", "1")
    monkeypatch.setenv("SOURCELIGHT_ANALYSIS_PROCESSES", "1")
    st.cache_resource.clear()
    yield monkeypatch
    st.cache_resource.clear()


def ids():
    from dashboard import state

    by_title = {s.title: s.id for s in state.get_store().list_articles()}
    return by_title["Open"], next(i for t, i in by_title.items() if t != "Open")


def pool():
    from components.nlp import model_name
    from components.worker import shared_pool

    return shared_pool(model_name())


def pending_text(at: AppTest) -> str:
    return " ".join(i.value for i in at.info if i.value.startswith("Analysing"))


def run_until_analysed(at: AppTest, seconds: float = 600) -> AppTest:
    """Rerun the page (what its poll does) until it no longer says it is analysing."""
    end = time.monotonic() + seconds
    at.run()
    while pending_text(at) and time.monotonic() < end:
        time.sleep(0.5)
        at.run()
    assert not at.exception, at.exception
    assert not pending_text(at), "still analysing"
    return at


def html_of(at: AppTest) -> str:
    return "".join(el.proto.body for el in at.get("html"))


def test_a_page_answers_while_a_heavy_article_is_analysed(library):
    reader = AppTest.from_file(READ, default_timeout=240)
    run_until_analysed(reader)  # the seed article, analysed in the pool
    assert "Kim Jong Un in Russia to cut suspected arms deal" in html_of(reader)
    heavy_id, seed_id = ids()

    # another session opens the heavy article: the page returns at once, saying it is pending
    other = AppTest.from_file(READ, default_timeout=240)
    other.query_params["article"] = heavy_id
    other.run()
    assert not other.exception, other.exception
    assert "Analysing “Open”" in pending_text(other)
    assert heavy_id in pool().in_flight(state_url())

    # meanwhile the first session's reruns complete: switch the attributions off and on again
    t = time.monotonic()
    next(tg for tg in reader.toggle if tg.label == "Show who said what").set_value(False).run()
    assert not reader.exception and 'class="sl-att sl-source"' not in html_of(reader)
    next(tg for tg in reader.toggle if tg.label == "Show who said what").set_value(True).run()
    assert not reader.exception and 'class="sl-att sl-source"' in html_of(reader)
    rerun_s = time.monotonic() - t
    # ... while the heavy analysis was still running (it takes many seconds in its child)
    assert heavy_id in pool().in_flight(state_url()), f"the heavy analysis ended within the {rerun_s:.1f} s of reruns"

    pool().submit(state_url(), heavy_id).result(timeout=600)
    run_until_analysed(other)
    page = html_of(other)
    assert "Open" in page and 'data-group="DATE:4999"' in page  # its text, with the analysis's marks


def test_annotate_works_over_the_pool(library):
    at = AppTest.from_file(ANNOTATE, default_timeout=240)
    at.query_params["analyst"] = "Ana"
    at.session_state["analyst"] = "Ana"
    run_until_analysed(at)
    from dashboard import state

    aid = next(s for s in at.selectbox if s.label == "Article").value
    before = len(state.get_corrections().effective(aid).analysis.attributions)
    assert before
    next(s for s in at.selectbox if s.label == "Attribution").set_value(0).run()
    next(b for b in at.button if b.label == "Delete").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(state.get_corrections().effective(aid).analysis.attributions) == before - 1


def test_an_article_over_the_deadline_is_an_error_naming_it_and_the_app_goes_on(library):
    library.setenv("SOURCELIGHT_ANALYSIS_DEADLINE", "1")
    at = AppTest.from_file(READ, default_timeout=240)
    run_until_analysed(at)
    heavy_id, seed_id = ids()
    at.query_params["article"] = heavy_id
    at.run()
    assert "Analysing “Open”" in pending_text(at)
    future = pool().submit(state_url(), heavy_id)
    future.exception(timeout=600)
    at.run()
    assert not at.exception, at.exception
    [error] = [e.value for e in at.error]
    assert "“Open”: the analysis took longer than 1 s and was stopped" in error
    assert any(b.label == "Analyse again" for b in at.button)
    # the app goes on: a link to the seed article opens it in the same session
    at.query_params["article"] = seed_id
    at.run()
    assert not at.exception and not at.error
    assert "Kim Jong Un in Russia to cut suspected arms deal" in html_of(at)


def state_url() -> str:
    from dashboard import state

    return state.get_store().url
