"""The Story page through Streamlit's AppTest, on a small invented library: two floods and a chess
tournament, from several outlets (texts written for this test)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
pytestmark = pytest.mark.slow

ARTICLES = [
    ("Floods hit Varnholm as river Elsa bursts its banks", "Daily Ledger",
     "The river Elsa burst its banks in Varnholm on Monday. Mayor Ilse Brandt said 300 homes in Varnholm were "
     "flooded. \"We have never seen the Elsa this high,\" Brandt said. A police officer who asked not to be named "
     "said the old town bridge was closed."),
    ("Varnholm evacuates old town after Elsa flood", "Northern Post",
     "Rescue crews evacuated the old town of Varnholm after the river Elsa flooded 300 homes, Mayor Ilse Brandt "
     "said. The regional water board denied that 300 homes in Varnholm were flooded."),
    ("Teodora Vlasic wins Oberhaus chess open", "Chess Weekly",
     "Grandmaster Teodora Vlasic won the Oberhaus chess open on Sunday. \"It was my hardest final,\" Vlasic told "
     "reporters in Oberhaus."),
]


@pytest.fixture()
def app(tmp_path, monkeypatch, nlp):
    from components.analysis import analyze_missing
    from components.articles import parse_article
    from components.store import Store
    from dashboard import state

    db = tmp_path / "story.db"
    store = Store(str(db))
    store.add_articles([parse_article(f"{t}\n\n{x}", title=t, outlet=o, date="2024-03-04", origin=f"test:{o}")
                        for t, o, x in ARTICLES])
    analyze_missing(store, nlp)
    store.engine.dispose()
    seeds = tmp_path / "no-seeds"
    seeds.mkdir()
    monkeypatch.setenv("SOURCELIGHT_DB", str(db))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    for f in (state.get_store, state.get_similarity, state.get_stories, state.get_corrections):
        f.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("views/story.py")
    yield at
    for f in (state.get_store, state.get_similarity, state.get_stories, state.get_corrections):
        f.clear()


def test_story_page_compares_outlets_and_moves_an_article(app):
    at = app.run()
    assert not at.exception
    pick = next(s for s in at.selectbox if s.label == "Story")
    assert pick.value is not None and "2 articles · 2 outlets" in pick.format_func(pick.value)
    assert at.query_params["story"] == pick.value
    profiles = next(df.value for df in at.dataframe if "unnamed" in df.value.columns)
    assert set(profiles["outlet"]) == {"Daily Ledger", "Northern Post"}
    ledger = profiles.set_index("outlet").loc["Daily Ledger"]
    assert ledger["unnamed"] > 0 and ledger["claims"] >= 2
    # every passage table links to the reading view at the passage
    links = [u for df in at.dataframe if "open" in df.value.columns for u in df.value["open"]]
    assert any("att=" in u and u.startswith("./read?article=") for u in links)
    # the water board's denial sits beside the mayor's statement of the same claim
    shown = " ".join(m.value for m in at.markdown)
    assert "**Denied** · Northern Post" in shown and "**Affirmed** · Daily Ledger" in shown
    # moving needs a named analyst, then is recorded and undoable
    move = next(b for b in at.button if b.label == "Move")
    assert move.disabled
    at.sidebar.text_input[0].set_value("Ana").run()
    next(s for s in at.selectbox if s.label == "Move it to").set_value("(a new story of its own)").run()
    next(b for b in at.button if b.label == "Move").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Moved."]
    captions = " ".join(c.value for c in at.caption)
    assert "Ana" in captions and "moved the article" in captions
    undo = next(b for b in at.button if b.label == "Undo")
    undo.click().run()
    assert not at.exception
    assert "(undone)" in " ".join(c.value for c in at.caption)
