"""The corpus Sources page through Streamlit's AppTest, on a small library: the seed + 5 Wikinews.

The library is a temporary database whose seeds folder holds the seed article and the first five
Wikinews articles (three days of January 2019). One test analyses them with the page's own button;
the others start from a copy of a database analysed once for the module.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGE = "views/sources.py"
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    shutil.copy(SEED, folder / SEED.name)
    with WIKINEWS.open(encoding="utf-8") as f:
        lines = [next(f) for _ in range(5)]
    (folder / "wikinews_5.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def analysed_db(seeds, tmp_path_factory, nlp) -> Path:
    """A database holding the small library, every article analysed (built once)."""
    from components.analysis import analyze_missing
    from components.articles import load_seeds
    from components.store import Store

    path = tmp_path_factory.mktemp("db") / "analysed.db"
    store = Store(str(path))
    store.add_articles(load_seeds(seeds).articles)
    assert analyze_missing(store, nlp) == 6
    store.engine.dispose()
    return path


def _fresh_app(monkeypatch, db: Path, seeds: Path) -> AppTest:
    from dashboard import state

    monkeypatch.setenv("SOURCELIGHT_DB", str(db))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    state.get_store.clear()  # the store follows SOURCELIGHT_DB; the spaCy pipeline stays loaded
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page(PAGE)
    return at


@pytest.fixture()
def app(tmp_path, monkeypatch, seeds, analysed_db):
    db = tmp_path / "app.db"
    shutil.copy(analysed_db, db)
    yield _fresh_app(monkeypatch, db, seeds)
    from dashboard import state

    state.get_store.clear()


@pytest.fixture()
def bare_app(tmp_path, monkeypatch, seeds):
    yield _fresh_app(monkeypatch, tmp_path / "bare.db", seeds)
    from dashboard import state

    state.get_store.clear()


def widget(items, label: str):
    return next(w for w in items if w.label == label)


def top_table(at: AppTest):
    return next(df.value for df in at.dataframe if "cues" in df.value.columns)


def said_table(at: AppTest):
    return next(df.value for df in at.dataframe if "cue" in df.value.columns and "open" in df.value.columns)


def test_unanalysed_articles_are_announced_and_analysed_by_the_button(bare_app):
    at = bare_app
    at.run()
    assert not at.exception
    assert len(at.warning) == 1 and "6 of 6 articles are not analysed yet" in at.warning[0].value
    assert not any("cues" in df.value.columns for df in at.dataframe)  # nothing to show yet
    waiting = next(df.value for df in at.dataframe if "title" in df.value.columns and "cues" not in df.value.columns)
    assert len(waiting) == 6 and any("Kim Jong Un in Russia" in t for t in waiting["title"])  # named, not only counted
    assert all(u.startswith("./read?article=") for u in waiting["open"])
    button = widget(at.button, "Analyse 6 articles")
    button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Analysed 6 articles."]
    assert not at.warning
    assert not any(b.label.startswith("Analyse ") for b in at.button)
    assert any(c.value.startswith("6 analysed articles") for c in at.caption)
    assert "Dmitry Peskov" in set(top_table(at)["source"])


def test_empty_library_says_so(tmp_path, monkeypatch):
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    at = _fresh_app(monkeypatch, tmp_path / "empty.db", empty)
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == ["The library is empty: add articles on the Library page."]
    assert not at.dataframe and not at.warning


def test_top_sources_table_lists_the_corpus(app):
    app.run()
    assert not app.exception and not app.warning
    table = top_table(app)
    # The seed's sources and the Wikinews ones, most cited first.
    assert {"Dmitry Peskov", "US officials"} <= set(table["source"])
    named = table[table["source"] != "(no source)"]
    assert list(named["attributions"]) == sorted(named["attributions"], reverse=True)
    assert "(no source)" not in set(table["source"].iloc[:-1])  # listed last when present
    assert {"bne IntelliNews", "Wikinews"} <= {o for row in table["outlets"] for o in row}
    peskov = table[table["source"] == "Dmitry Peskov"].iloc[0]
    assert peskov["type"] == "Named person" and peskov["articles"] == 1
    assert len(app.get("plotly_chart")) == 2  # top sources, outlets (no source chosen: no timeline)


def test_filters_change_the_table(app):
    app.run()
    everything = top_table(app)
    assert set(everything["type"]) > {"Named person"}

    widget(app.multiselect, "Source type").set_value(["person"]).run()
    people = top_table(app)
    assert set(people["type"]) == {"Named person"}
    assert set(people["source"]) < set(everything["source"]) and "US officials" not in set(people["source"])

    widget(app.multiselect, "Source type").set_value([]).run()
    widget(app.multiselect, "Outlet").set_value(["bne IntelliNews"]).run()
    bne = top_table(app)
    assert all(list(o) == ["bne IntelliNews"] for o in bne["outlets"])
    assert {"Dmitry Peskov", "US officials", "The Bell"} <= set(bne["source"])
    assert set(bne["source"]) < set(everything["source"])

    widget(app.multiselect, "Outlet").set_value([]).run()
    widget(app.date_input, "Articles dated").set_value((date(2019, 1, 4), date(2019, 1, 5))).run()
    early = top_table(app)
    assert not app.exception
    assert "Dmitry Peskov" not in set(early["source"])
    assert {o for row in early["outlets"] for o in row} == {"Wikinews"}
    assert len(early) < len(everything)


def test_filters_that_match_nothing_say_so(app):
    app.run()
    widget(app.multiselect, "Outlet").set_value(["bne IntelliNews"]).run()
    widget(app.multiselect, "Source type").set_value(["media"]).run()
    assert not app.exception
    assert set(top_table(app)["type"]) == {"Media outlet"}
    widget(app.date_input, "Articles dated").set_value((date(2019, 1, 4), date(2019, 1, 6))).run()
    assert not app.exception
    assert any(i.value == "No attribution matches these filters." for i in app.info)


def test_choosing_a_source_lists_its_attributions_with_links(app, analysed_db):
    from components.analysis import pipeline_version
    from components.articles import load_path
    from components.nlp import load_nlp
    from components.store import Store

    app.run()
    widget(app.selectbox, "Source").set_value("Dmitry Peskov").run()
    assert not app.exception
    assert app.query_params["source"] == ["Dmitry Peskov"] or app.query_params["source"] == "Dmitry Peskov"
    assert any(m.value == "#### What has Dmitry Peskov said?" for m in app.markdown)
    said = said_table(app)
    seed = load_path(SEED).articles[0]
    analysis = Store(str(analysed_db)).get_analysis(seed.id, pipeline_version(load_nlp()))
    peskov = [i for i, a in enumerate(analysis.attributions) if "Dmitry Peskov" in (a.source_canonical or "")]
    assert len(said) == len(peskov) >= 2
    for link, content in zip(said["open"], said["content"], strict=True):
        path, query = link.split("?", 1)
        params = parse_qs(query)
        assert path == "./read" and params["article"] == [seed.id]  # the reading view's page
        att = analysis.attributions[int(params["att"][0])]
        assert "Dmitry Peskov" in att.source_canonical
        assert att.content[0].text(seed.text).strip(' “”"') in content
    assert any("not planned directly at the forum" in c for c in said["content"])
    articles = next(df.value for df in app.dataframe if "open" in df.value.columns and "direct" in df.value.columns)
    assert list(articles["title"]) == ["Kim Jong Un in Russia to cut suspected arms deal"]
    assert len(app.get("plotly_chart")) == 3  # top sources, timeline, outlets

    widget(app.selectbox, "Source").set_value("—").run()
    assert "source" not in app.query_params
    assert not any(m.value.startswith("#### What has") for m in app.markdown)


def test_source_in_the_url_is_chosen(app):
    app.query_params["source"] = "US officials"
    app.run()
    assert not app.exception
    assert widget(app.selectbox, "Source").value == "US officials"
    said = said_table(app)
    assert len(said) >= 1 and set(said["outlet"]) == {"bne IntelliNews"}
    assert "The New York Times" in set(said["nested"])  # one of their claims is relayed by the NYT


def test_unknown_source_in_the_url_says_so(app):
    app.query_params["source"] = "Nobody At All"
    app.run()
    assert not app.exception
    assert "Nobody At All" in app.warning[0].value
    assert widget(app.selectbox, "Source").value == "—"


def test_a_filtered_out_source_explains_why_it_is_not_shown(app):
    app.query_params["source"] = "Dmitry Peskov"
    app.run()
    widget(app.multiselect, "Outlet").set_value(["Wikinews"]).run()
    assert not app.exception
    assert any("Dmitry Peskov is not cited in the articles the filters keep" in i.value for i in app.info)
