"""One analyst's correction, seen by every consumer of an analysis (one read path: components.effective).

A small library — the seed article, two Wikinews articles and one invented article that cites The
Bell and The New York Times — is analysed once for the module. An analyst then makes one change to
the seed: the New York Times report is re-sourced to "The Harbour Ledger" (a name written nowhere in
the library) and The Bell's attribution is deleted. Each test reads the library through one
consumer — the per-article breakdown, the command line, the corpus frame, the exports, the
briefing pack, the search explanations, the Sources page — and checks it shows what the analyst
corrected, not the model's raw output (which stays stored, untouched).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.records import Analysis, Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"
APP = str(ROOT / "dashboard" / "app.py")
ANALYST = "Ana Lyst"
NEW = "The Harbour Ledger"
BELL, NYT = "The Bell", "The New York Times"
#: Invented, in the form of a wire item: it cites the two outlets the analyst corrects in the seed.
HARBOUR = {
    "id": "harbour-1",
    "title": "Harbour talks resume",
    "outlet": "Invented Wire",
    "date": "2023-09-13",
    "text": (
        "The Bell reports that the port talks in Vladivostok will resume in March. The New York Times "
        "reported that the two delegations met twice last week.\n\n"
        "A spokesman for the harbour authority said the ships would wait."
    ),
}
pytestmark = pytest.mark.slow


class Library:
    """The corrected library: where it is, its version and the seed's model output before the change."""

    def __init__(self, db: Path, seeds: Path, version: str, seed: Article, harbour: Article, raw: Analysis):
        self.db, self.seeds, self.version, self.seed, self.harbour, self.raw = db, seeds, version, seed, harbour, raw

    def store(self):
        from components.store import Store

        return Store(str(self.db))

    def raw_index(self, source_text: str) -> int:
        """Index, in the model's analysis of the seed, of the attribution whose source reads so."""
        t = self.seed.text
        return next(i for i, a in enumerate(self.raw.attributions) if a.source and a.source.text(t) == source_text)


@pytest.fixture(scope="module")
def library(tmp_path_factory, nlp) -> Library:
    from components.analysis import analyze_missing, pipeline_version
    from components.articles import load_seeds
    from components.corrections import CorrectionsService
    from components.store import Store

    seeds = tmp_path_factory.mktemp("seeds")
    shutil.copy(SEED, seeds / SEED.name)
    with WIKINEWS.open(encoding="utf-8") as f:
        lines = [next(f) for _ in range(2)]
    lines.append(json.dumps(HARBOUR) + "\n")
    (seeds / "library.jsonl").write_text("".join(lines), encoding="utf-8")
    db = tmp_path_factory.mktemp("db") / "corrected.db"
    store = Store(str(db))
    articles = load_seeds(seeds).articles
    store.add_articles(articles)
    assert analyze_missing(store, nlp) == 4
    version = pipeline_version(nlp)
    seed = next(a for a in articles if a.origin.endswith(SEED.name))
    harbour = next(a for a in articles if a.title == HARBOUR["title"])
    raw = store.get_analysis(seed.id, version)
    lib = Library(db, seeds, version, seed, harbour, raw)

    # The one change: re-source the NYT report, then delete The Bell's attribution.
    svc = CorrectionsService(store, version)
    svc.set_source(seed.id, lib.raw_index("the NYT"), canonical=NEW, analyst=ANALYST)
    eff = svc.effective(seed.id).analysis
    bell = next(i for i, a in enumerate(eff.attributions) if a.source_canonical == BELL)
    svc.delete_attribution(seed.id, bell, analyst=ANALYST)
    store.engine.dispose()
    return lib


def names(attributions) -> set[str]:
    return {a.source_canonical for a in attributions}


def test_the_model_output_is_kept_and_the_correction_is_a_layer(library):
    store = library.store()
    assert store.get_analysis(library.seed.id, library.version) == library.raw  # never edited
    assert {BELL, NYT} <= names(library.raw.attributions) and NEW not in names(library.raw.attributions)


def test_the_reading_view_and_its_breakdown_show_the_correction(library, monkeypatch):
    from components.effective import effective_analysis
    from components.sources import article_breakdown
    from dashboard import state

    eff = effective_analysis(library.store(), library.version, library.seed.id)
    assert len(eff.analysis.attributions) == len(library.raw.attributions) - 1
    assert BELL not in names(eff.analysis.attributions) and NYT not in names(eff.analysis.attributions)
    ledger = next(i for i, a in enumerate(eff.analysis.attributions) if a.source_canonical == NEW)
    assert eff.provenance.attributions[ledger].analyst == ANALYST  # who changed it is known
    assert len(eff.provenance.removed_attributions) == 1

    breakdown = article_breakdown(library.seed.text, eff.analysis.attributions)
    assert NEW in set(breakdown["source"]) and not {BELL, NYT} & set(breakdown["source"])
    raw = article_breakdown(library.seed.text, library.raw.attributions)
    assert raw["attributions"].sum() == breakdown["attributions"].sum() + 1

    # What the Read page opens (dashboard.state, the same call every page makes).
    monkeypatch.setenv("SOURCELIGHT_DB", str(library.db))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(library.seeds))
    state.get_store.clear()
    state.get_corrections.clear()
    try:
        article, analysis = state.open_article(library.seed.id)
        assert analysis == eff.analysis and article.id == library.seed.id
    finally:
        state.get_store.clear()
        state.get_corrections.clear()


def _cli_json(library, capsys, *argv: str):
    from components.__main__ import main

    assert main(["--db", str(library.db), *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_cli_verb_shows_the_correction(library, capsys, tmp_path):
    from components.__main__ import main

    corpus = {r["source"]: r for r in _cli_json(library, capsys, "sources", "--corpus", "--json")}
    assert NEW in corpus and corpus[NEW]["attributions"] == 1
    # The Bell and the NYT are still cited by the invented article, once each (no longer by the seed).
    assert corpus[BELL]["attributions"] == 1 and corpus[NYT]["attributions"] == 1
    assert corpus["US officials"]["nested_in"] == NEW  # their claim is relayed by the new name

    one = {r["source"] for r in _cli_json(library, capsys, "sources", str(SEED), "--json")}
    assert NEW in one and not {BELL, NYT} & one

    analysed = _cli_json(library, capsys, "analyze", str(SEED), "--json")
    assert len(analysed["attributions"]) == len(library.raw.attributions) - 1
    assert NEW in {a["source_canonical"] for a in analysed["attributions"]}
    assert BELL not in {a["source_canonical"] for a in analysed["attributions"]}
    assert NEW in {s["source"] for s in analysed["sources"]}

    html = tmp_path / "seed.html"
    assert main(["--db", str(library.db), "render", str(SEED), "-o", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert NEW in page  # only the correction writes this name

    md = tmp_path / "seed.md"
    assert main(["--db", str(library.db), "brief", library.seed.id, "-o", str(md)]) == 0
    assert NEW in md.read_text(encoding="utf-8")

    out = tmp_path / "cli.jsonl"
    assert main(["--db", str(library.db), "export", "--format", "jsonl", "--article", library.seed.id, "-o", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert NEW in {a["source_canonical"] for a in record["attributions"]}
    capsys.readouterr()


def test_the_corpus_frame_of_the_sources_page_shows_the_correction(library):
    from components.effective import library_attributions
    from components.sources import corpus_breakdown

    long = library_attributions(library.store(), library.version)
    seed = long[long["article_id"] == library.seed.id]
    assert NEW in set(seed["source"]) and not {BELL, NYT} & set(seed["source"])
    assert NEW in set(seed["nested"].dropna())  # the US officials' claim is now relayed by the new name
    assert seed["attribution_index"].nunique() == len(library.raw.attributions) - 1
    rows = corpus_breakdown(long).set_index("source")
    assert rows.loc[BELL, "articles"] == 1 and rows.loc[NEW, "articles"] == 1  # The Bell: only the invented one


def test_exports_carry_the_correction_with_its_provenance(library, tmp_path):
    from components.export import csv_unguard, export

    store = library.store()
    export(store, library.version, "jsonl", tmp_path / "all.jsonl")
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    seed = next(r for r in records if r["article"]["id"] == library.seed.id)
    atts = seed["attributions"]
    assert len(atts) == len(library.raw.attributions) - 1 and BELL not in {a["source_canonical"] for a in atts}
    ledger = next(a for a in atts if a["source_canonical"] == NEW)
    assert ledger["provenance"]["by"] == "analyst" and ledger["provenance"]["analyst"] == ANALYST
    bell = library.raw.attributions[library.raw_index(BELL)]
    assert [r["cue_span"] for r in seed["removed"]["attributions"]] == [bell.cue.as_list()]

    export(store, library.version, "csv", tmp_path / "all.csv")
    with (tmp_path / "all.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if csv_unguard(r["article_id"]) == library.seed.id]
    canon = {csv_unguard(r["canonical"]) for r in rows}
    assert len(rows) == len(library.raw.attributions) - 1
    assert NEW in canon and not {BELL, NYT} & canon


def test_the_briefing_pack_shows_the_correction(library):
    from components.briefing import build_briefing, to_html, to_markdown

    bell = library.raw.attributions[library.raw_index(BELL)]
    bell_words = bell.content[0].text(library.seed.text)[:40]
    briefing = build_briefing(library.store(), library.version, [library.seed.id])
    item = briefing.items[0]
    assert NEW in {r.source for r in item.sources} and not {BELL, NYT} & {r.source for r in item.sources}
    assert len(item.quotes) == len(library.raw.attributions) - 1
    assert bell_words not in " ".join(q.content for q in item.quotes)
    for text in (to_markdown(briefing), to_html(briefing)):
        assert "Harbour Ledger" in text
        assert bell_words not in text


def test_search_explanations_use_the_corrected_analyses(library):
    from components.similarity.explain import analysed_effective, passage_speakers, shared_sources

    store = library.store()
    raw_harbour = store.get_analysis(library.harbour.id, library.version)
    assert {BELL, NYT} <= set(shared_sources(library.raw, raw_harbour))  # what the model alone says

    got = analysed_effective(store, library.version, [library.seed.id, library.harbour.id, "not-there"])
    assert set(got) == {library.seed.id, library.harbour.id}
    # Why the two articles match: the sources both cite. The seed no longer cites either outlet.
    assert not {BELL, NYT} & set(shared_sources(got[library.seed.id], got[library.harbour.id]))

    # Similar claims: who said a passage of the seed.
    bell = library.raw.attributions[library.raw_index(BELL)]
    raw_said = passage_speakers(library.seed, library.raw, bell.content[0])
    assert BELL in raw_said.said_by
    said = passage_speakers(library.seed, got[library.seed.id], bell.content[0])
    assert BELL not in said.said_by + said.reported_by
    relayed = library.raw.attributions[library.raw_index("the NYT")]
    who = passage_speakers(library.seed, got[library.seed.id], relayed.content[0])
    assert NEW in who.said_by + who.reported_by and NYT not in who.said_by + who.reported_by


@pytest.fixture()
def corrected_app(library, tmp_path, monkeypatch):
    from dashboard import state

    db = tmp_path / "app.db"
    shutil.copy(library.db, db)
    monkeypatch.setenv("SOURCELIGHT_DB", str(db))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(library.seeds))
    state.get_store.clear()
    state.get_corrections.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    yield at, db
    state.get_store.clear()
    state.get_corrections.clear()


def _table(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_the_sources_page_shows_the_correction_and_follows_the_next_one(corrected_app, library):
    from components.corrections import CorrectionsService
    from components.effective import effective_analysis
    from components.store import Store

    at, db = corrected_app
    at.switch_page("views/sources.py")
    at.run()
    assert not at.exception
    top = _table(at, "cues").set_index("source")
    assert top.loc[NEW, "attributions"] == 1
    assert top.loc[BELL, "attributions"] == 1 and top.loc[BELL, "articles"] == 1  # the invented article only

    next(w for w in at.selectbox if w.label == "Source").set_value(NEW).run()
    assert not at.exception
    said = next(df.value for df in at.dataframe if "cue" in df.value.columns and "open" in df.value.columns)
    assert len(said) == 1
    params = parse_qs(said["open"].iloc[0].split("?", 1)[1])
    eff = effective_analysis(Store(str(db)), library.version, library.seed.id).analysis
    # The link opens the reading view at that attribution, counted in the corrected analysis.
    assert params["article"] == [library.seed.id] and eff.attributions[int(params["att"][0])].source_canonical == NEW

    # Another analyst undoes the deletion: the page's cached frame follows on the next run.
    store = Store(str(db))
    svc = CorrectionsService(store, library.version)
    deleted = next(c for c in svc.corrections(library.seed.id) if c.action == "delete")
    svc.undo(deleted.id, "Bea Reviewer")
    next(w for w in at.selectbox if w.label == "Source").set_value("—").run()
    assert not at.exception
    top = _table(at, "cues").set_index("source")
    assert top.loc[BELL, "attributions"] == 2 and top.loc[BELL, "articles"] == 2


def test_the_read_page_breakdown_shows_the_correction(corrected_app, library):
    at, _ = corrected_app
    at.switch_page("views/reading.py")
    at.query_params["article"] = library.seed.id
    at.session_state["read_tab"] = "Sources"  # only the open side tab is drawn
    at.run()
    assert not at.exception
    table = _table(at, "reported_by")
    names = list(table["source"])
    assert BELL not in names and NYT not in names
    ledger = names.index(NEW)
    assert names[ledger + 1] == "↳ US officials"  # the claim it relays is listed under the new name
    assert table.iloc[ledger + 1]["reported_by"] == NEW


def test_briefing_mode_shows_the_correction(corrected_app, library):
    at, _ = corrected_app
    at.run()
    at.switch_page("views/present.py")
    at.query_params["article"] = library.seed.id
    at.run()
    assert not at.exception
    page = "".join(el.proto.body for el in at.get("html"))
    assert page.count('class="sl-att sl-cue"') == len(library.raw.attributions) - 1  # The Bell's is gone
    assert NEW in page
    sources = next(s for s in at.selectbox if s.label == "Spotlight one source").options
    assert NEW in sources and BELL not in sources and NYT not in sources
