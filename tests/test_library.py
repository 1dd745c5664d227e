"""Changing the library (``components/library.py``): deleting an article removes all of its data
and nothing of another's (analysis, notes, tags, corrections, story, vectors in memory and in an
index folder: byte-equal before and after), editing metadata shows everywhere and is recorded,
both are editors' work when sign-in is on, uploads report file by file, and the CLI verbs.
Database tests run on SQLite and (marker ``postgres``) on PostgreSQL. Invented articles only."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sqlalchemy as sa
from test_store_postgres import BACKENDS, open_store

from components.access import ANALYST, EDITOR, VIEWER, Forbidden, User
from components.articles import parse_article
from components.corrections import CorrectionsService, corrections_table, notes_table, tag_events_table, tags_table
from components.errors import BadInput
from components.library import add_files, delete_article, deletions, edit_metadata, metadata_history
from components.records import Analysis, Attribution, Entity, EntityGroup, Span
from components.similarity import SimilarityEngine
from components.similarity.embed import vectors as vectors_table
from components.similarity.folder import IndexFolder
from components.store import analyses_table
from components.stories.service import StoryService, story_members
from tests.test_similarity import FakeEncoder

V = "v-test"
FLOOD = ("Floods close roads in Valdoria\n\nHeavy rain flooded the river valley near Port Alder on Monday. "
         "“The water rose faster than we expected,” the mayor, Ilse Brandt, said. Rescue crews moved "
         "families from the lower town.")
MATCH = ("Chess final drawn in Korvena\n\nThe chess final in Korvena ended in a draw on Sunday. "
         "“It was a fair result,” said the champion, Tomas Ferrin. Spectators applauded both players.")
THIRD = ("Valdoria floods: more rain expected\n\nForecasters said more rain would fall on Port Alder. "
         "“Stay away from the river,” police said.")


def _analysis(article) -> Analysis:
    t = article.text
    quote = t.index("“")
    end = t.index("”") + 1
    cue = t.index(" said") + 1
    name = next(n for n in ("Ilse Brandt", "Tomas Ferrin", "police") if n in t)
    s = t.index(name)
    return Analysis(
        article_id=article.id, version=V,
        entities=(Entity(s, s + len(name), "PERSON", "g0"),),
        groups=(EntityGroup("g0", name, "PERSON", (Span(s, s + len(name)),)),),
        attributions=(Attribution(Span(s, s + len(name)), name, "person", Span(cue, cue + 4),
                                  (Span(quote, end),), "direct"),),
    )


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path, request)
    yield s
    s.engine.dispose()


@pytest.fixture()
def library(store):
    """Three analysed articles, each with a note, a tag and a correction, grouped into one story
    by hand; their vectors embedded (and cached) in an in-memory engine."""
    arts = [parse_article(x, origin=f"{n}.txt", outlet=o) for n, x, o in
            (("flood", FLOOD, "Valdoria Herald"), ("chess", MATCH, "Korvena Post"), ("third", THIRD, "Alder News"))]
    store.add_articles(arts)
    store.put_analyses([_analysis(a) for a in arts])
    svc = CorrectionsService(store, V)
    for a in arts:
        svc.add_note(a.id, f"note on {a.title}", analyst="Ana", shareable=True)
        svc.add_tag(a.id, "checked", analyst="Ana")
        g = _analysis(a).groups[0]
        svc.relabel_entity(a.id, (g.mentions[0].start, g.mentions[0].end), "ORG", analyst="Ana")
    stories = StoryService(store)
    with store.engine.begin() as conn:
        conn.execute(story_members.insert(), [
            {"article_id": a.id, "story_id": "s-flood", "seq": i, "score": 0.0, "signals": "lexical", "at": "t"}
            for i, a in enumerate(arts)])
    engine = SimilarityEngine(store.engine, FakeEncoder())
    engine.index_articles(arts)
    return store, arts, svc, stories, engine


def _rows(store, article_id: str) -> dict:
    """Everything stored about one article, as comparable plain data (bytes where binary)."""
    out = {}
    with store.engine.connect() as conn:
        for name, t in (("analyses", analyses_table), ("notes", notes_table), ("tags", tags_table),
                        ("tag_events", tag_events_table), ("corrections", corrections_table),
                        ("story", story_members)):
            out[name] = [tuple(r) for r in conn.execute(sa.select(t).where(t.c.article_id == article_id))]
        a = store.get_article(article_id)
        from components.similarity.embed import content_hash

        out["vectors"] = [tuple(r) for r in conn.execute(
            sa.select(vectors_table).where(vectors_table.c.content_hash == content_hash(a.title, a.text))
            .order_by(vectors_table.c.seq))]
    out["article"] = store.get_article(article_id)
    return out


def test_delete_removes_the_article_and_all_its_data_and_nothing_else(library):
    store, (flood, chess, third), svc, stories, engine = library
    before = {a.id: _rows(store, a.id) for a in (chess, third)}
    chess_vec = engine.vector(chess.id).tobytes()
    assert all(before[chess.id][k] for k in ("analyses", "notes", "tags", "corrections", "story", "vectors"))
    d = delete_article(store, flood.id, analyst="Ana", similarity=engine, stories=stories)
    assert store.get_article(flood.id) is None
    with store.engine.connect() as conn:
        for t in (analyses_table, notes_table, tags_table, tag_events_table, corrections_table, story_members):
            assert conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.article_id == flood.id)).scalar() == 0
    assert flood.id not in engine and len(engine) == 2
    assert d.removed["analyses"] == 1 and d.removed["notes"] == 1 and d.removed["vectors"] > 0
    # the other articles: every stored row and the index vector unchanged, byte for byte
    assert {a.id: _rows(store, a.id) for a in (chess, third)} == before
    assert engine.vector(chess.id).tobytes() == chess_vec
    assert [m.id for m in engine.similar(chess.id, 5)] == [third.id]
    assert stories.members() == {chess.id: "s-flood", third.id: "s-flood"}
    # recorded: who and when, the metadata it had
    [rec] = deletions(store)
    assert (rec.article_id, rec.analyst, rec.title) == (flood.id, "Ana", flood.title)
    assert rec.before["outlet"] == "Valdoria Herald" and rec.removed["corrections"] == 1
    with pytest.raises(BadInput, match="not in the library"):
        delete_article(store, flood.id, analyst="Ana")


def test_a_story_split_recorded_under_the_deleted_article_keeps_the_others_where_analysts_put_them(library):
    store, (flood, chess, third), svc, stories, engine = library
    split = stories.split("s-flood", [flood.id, chess.id], analyst="Ana")  # recorded under flood
    assert split.article_id == flood.id
    new_story = split.after["story"]
    assert stories.members()[chess.id] == new_story
    delete_article(store, flood.id, analyst="Ana", stories=stories)
    assert stories.members() == {chess.id: new_story, third.id: "s-flood"}
    # the split stays in the history (now under the article it still moves) and can be undone
    assert any(c.action == "split" for c in stories.history(new_story))
    stories.undo(split.id, analyst="Ana")
    assert stories.members()[chess.id] == "s-flood"


def test_delete_from_an_index_folder_leaves_the_other_rows_byte_equal(library, tmp_path):
    store, (flood, chess, third), svc, stories, _ = library
    path = tmp_path / "index"
    texts = {a.id: a.text for a in (flood, chess, third)}
    engine = SimilarityEngine(store.engine, FakeEncoder(), index_dir=path, texts=texts.get)
    engine.index_articles([flood, chess, third])
    old = IndexFolder(path)
    keep = {i: old.ids.index(i) for i in (chess.id, third.id)}

    def row_bytes(f: IndexFolder, row: int) -> tuple:
        a, b = (int(x) for x in f.passage_range[row])
        return (np.asarray(f.article_vectors[row]).tobytes(), np.asarray(f.title_vectors[row]).tobytes(),
                np.asarray(f.passage_vectors[a:b]).tobytes(), f.hashes[row],
                f.lexical.bm25.take([row], normalised=False).data.tobytes(),
                f.lexical.names_rows.take([row], normalised=False).data.tobytes())

    before = {i: row_bytes(old, r) for i, r in keep.items()}
    delete_article(store, flood.id, analyst="Ana", similarity=engine)
    fresh = IndexFolder(path)  # what another process opening the folder now reads
    assert fresh.ids == [chess.id, third.id] and flood.id not in engine
    assert {i: row_bytes(fresh, fresh.ids.index(i)) for i in keep} == before
    assert fresh.lexical.n_docs == 2
    assert [m.id for m in SimilarityEngine(None, FakeEncoder(), index_dir=path).similar(chess.id, 5)] == [third.id]
    # the same text added again is indexed again (it is not "already in the folder")
    store.add_articles([flood])
    engine.index_articles([flood])
    assert flood.id in engine and IndexFolder(path).ids[-1] == flood.id


@pytest.mark.parametrize("role", [VIEWER, ANALYST])
def test_deleting_and_editing_need_an_editor_when_signed_in(library, role):
    store, (flood, *_), *_ = library
    with pytest.raises(Forbidden, match="editor"):
        delete_article(store, flood.id, analyst=User("Val", role))
    with pytest.raises(Forbidden, match="editor"):
        edit_metadata(store, flood.id, {"title": "New"}, analyst=User("Val", role))
    assert store.get_article(flood.id).title == flood.title
    edit_metadata(store, flood.id, {"title": "New"}, analyst=User("Eda", EDITOR))
    delete_article(store, flood.id, analyst=User("Eda", EDITOR))
    assert store.get_article(flood.id) is None


def test_edit_metadata_changes_the_article_everywhere_and_is_recorded(library, tmp_path):
    store, (flood, chess, _), svc, _, engine = library
    c = edit_metadata(store, flood.id, {"title": "  Valdoria floods:   roads shut ", "author": "Mira Holt",
                                        "date": "19.01.2020", "outlet": None}, analyst="Ana", similarity=engine)
    a = store.get_article(flood.id)
    assert (a.title, a.author, a.date, a.outlet) == ("Valdoria floods: roads shut", "Mira Holt", "2020-01-19",
                                                      "Valdoria Herald")
    assert c.before == {"title": flood.title, "author": "", "date": ""}
    assert c.after == {"title": "Valdoria floods: roads shut", "author": "Mira Holt", "date": "2020-01-19"}
    assert flood.id not in engine  # its indexed title is stale: indexed again by the caller
    # in the article's history, beside the analysts' other changes; not undoable as a correction
    history = svc.history(flood.id)
    assert history[0].target == "article" and "Mira Holt" in history[0].summary
    assert [h.id for h in metadata_history(store, flood.id)] == [c.id]
    with pytest.raises(BadInput, match="edit it again"):
        svc.undo(c.id, "Ana")
    # the corrected analysis still applies (the edit is no analysis correction)
    assert not svc.effective(flood.id).unanchored
    # exports and briefing packs read the stored article
    from components.briefing.library import build_briefing
    from components.briefing.markdown_pack import to_markdown
    from components.export import export

    out = tmp_path / "x.jsonl"
    export(store, V, "jsonl", out, [flood.id])
    rec = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "Valdoria floods: roads shut" in json.dumps(rec, ensure_ascii=False)
    assert "Mira Holt" in json.dumps(rec, ensure_ascii=False)
    assert "Valdoria floods: roads shut" in to_markdown(build_briefing(store, V, [flood.id]))
    # the Sources breakdowns read it too
    from components.effective import library_attributions

    edit_metadata(store, flood.id, {"outlet": "Alder Courier"}, analyst="Ana")
    long = library_attributions(store, V)
    assert set(long[long["article_id"] == flood.id]["outlet"]) == {"Alder Courier"}
    assert set(long[long["article_id"] == flood.id]["title"]) == {"Valdoria floods: roads shut"}
    # the other article is untouched
    assert store.get_article(chess.id) == chess


@pytest.mark.parametrize("changes, message", [
    ({"title": "   "}, "title cannot be empty"),
    ({"date": "next Tuesday"}, "not a date"),
    ({"title": "x" * 501}, "keep it under 500"),
    ({"text": "new text"}, "cannot edit text"),
    ({"outlet": "Valdoria Herald"}, "nothing to change"),
])
def test_edit_metadata_refuses_bad_values(library, changes, message):
    store, (flood, *_), svc, *_ = library
    with pytest.raises(BadInput, match=message):
        edit_metadata(store, flood.id, changes, analyst="Ana")
    assert store.get_article(flood.id) == flood
    assert not metadata_history(store, flood.id)


def test_add_files_names_each_file_and_what_became_of_it(store):
    store.add_articles([parse_article(MATCH, origin="old.txt")])
    outcomes = add_files(store, [("flood.txt", FLOOD.encode()), ("again.txt", MATCH.encode()),
                                 ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10),
                                 ("corpus.jsonl", (json.dumps({"id": "a", "title": "T", "text": THIRD}) + "\n{bad\n")
                                  .encode())])
    by = {o.name: o for o in outcomes}
    assert [o.name for o in outcomes] == ["flood.txt", "again.txt", "photo.txt", "corpus.jsonl"]
    assert by["flood.txt"].status == "added" and by["flood.txt"].line() == "flood.txt: added 1 article"
    assert by["again.txt"].status == "already in the library"
    assert by["again.txt"].line() == "again.txt: 1 already in the library"
    assert by["photo.txt"].status == "rejected" and "binary" in by["photo.txt"].line()
    assert by["corpus.jsonl"].status == "partly rejected" and "line 2" in by["corpus.jsonl"].line()
    assert store.count_articles() == 3


# ---- the command line ----------------------------------------------------------------------------


def test_cli_delete_and_edit_ask_for_yes_and_record_who(library, capsys, monkeypatch):
    store, (flood, chess, _), *_ = library
    from components.__main__ import main

    assert main(["--db", store.url, "delete", flood.id]) == 2
    assert "--yes" in capsys.readouterr().err and store.get_article(flood.id) is not None
    assert main(["--db", store.url, "edit", chess.id, "--title", "Draw in Korvena"]) == 2
    assert "--yes" in capsys.readouterr().err and store.get_article(chess.id).title == chess.title
    assert main(["--db", store.url, "edit", chess.id, "--title", "Draw in Korvena", "--date", "2021-03-04",
                 "--yes", "--analyst", "Cli", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["after"] == {"title": "Draw in Korvena", "date": "2021-03-04"} and rec["analyst"] == "Cli"
    assert store.get_article(chess.id).title == "Draw in Korvena"
    assert main(["--db", store.url, "delete", flood.id, "--yes", "--analyst", "Cli"]) == 0
    assert f"({flood.id})" in capsys.readouterr().out
    assert store.get_article(flood.id) is None
    assert main(["--db", store.url, "deletions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["analyst"] == "Cli"
    assert main(["--db", store.url, "delete", "nope", "--yes"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["--db", store.url, "edit", chess.id, "--date", "soon", "--yes", "--analyst", "Cli"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_removing_from_the_in_memory_index_answers_as_if_never_indexed():
    from tests.test_similarity import CORPUS

    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(CORPUS)
    assert engine.remove(["quake1", "nope"]) == 1 and engine.remove(["quake1"]) == 0
    fresh = SimilarityEngine(None, FakeEncoder())
    fresh.index_articles([c for c in CORPUS if c[0] != "quake1"])

    def answers(e):
        out = [[(m.id, round(m.score, 6)) for m in e.similar(q, 4)] for q in ("quake2", "vote1", "tennis2")]
        out.append([(m.id, round(m.score, 6)) for m in e.search_text("earthquake Chile rescue", 4)])
        out.append([(p.article_id, p.span) for p in e.similar_passages("the quake damaged houses", 4)])
        return out

    assert "quake1" not in engine and len(engine) == len(CORPUS) - 1
    assert answers(engine) == answers(fresh)


def test_an_article_deleted_while_the_library_is_analysed_does_not_stop_the_others(store, monkeypatch):
    import components.analysis as analysis_mod

    arts = [parse_article(x, origin=f"{n}.txt") for n, x in (("f", FLOOD), ("c", MATCH), ("t", THIRD))]
    store.add_articles(arts)
    monkeypatch.setattr(analysis_mod, "pipeline_version", lambda nlp: V)

    def analyse(articles, nlp):
        for i, a in enumerate(articles):
            if i == 1:  # an editor deletes the second article while the batch is analysed
                delete_article(store, arts[1].id, analyst="Eda")
            yield _analysis(a)

    monkeypatch.setattr(analysis_mod, "analyze_articles", analyse)
    analysis_mod.analyze_missing(store, nlp=None)
    assert store.analysed_ids(V) == {arts[0].id, arts[2].id}
    assert store.get_article(arts[1].id) is None


def test_removing_from_a_folder_searched_by_sign_codes_drops_their_codes_too(tmp_path):
    """Above its exact limit a folder searches by the sign codes written with each row: a delete
    rewrites the codes without the removed rows (the other rows' codes keep their bytes)."""
    import numpy as np

    from components.similarity.folder import _WORDS
    from tests.test_similarity import CORPUS, _random_corpus

    items = CORPUS + _random_corpus(30, seed=3)
    texts = {i: x for i, _, x in items}
    path = tmp_path / "index"
    engine = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=texts.get, exact_limit=5)
    engine.index_articles(items)
    ids = (path / "ids.txt").read_text().split()
    codes = np.fromfile(path / "articles.codes", np.uint64).reshape(-1, _WORDS)
    assert len(codes) == len(items)
    engine.remove(["quake1", "vote1"])
    meta = json.loads((path / "meta.json").read_text())
    assert meta["n"] == len(items) - 2
    kept = [r for r, i in enumerate(ids) if i not in {"quake1", "vote1"}]
    after = np.fromfile(path / "articles.codes", np.uint64).reshape(-1, _WORDS)
    assert after.tobytes() == codes[kept].tobytes()
    assert (path / "ids.txt").read_text().split() == [ids[r] for r in kept]
    reader = SimilarityEngine(None, FakeEncoder(), index_dir=path, exact_limit=5)
    found = [m.id for m in reader.similar("quake2", 5)]
    assert "quake1" not in found and "quake3" in found
    assert "vote1" not in [m.id for m in reader.search_text("budget vote Ottawa", 5)]
