"""The similarity index served from a folder on disk (``components/similarity/folder.py``):
the same answers as the in-memory engine, appends without rebuilding, several readers and one
writer on one folder, and a clear message (and a way back) when the folder is missing or damaged.
Invented articles only, with the counting fake encoder of ``test_similarity``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from components.errors import SourcelightError
from components.similarity import SimilarityEngine, index_library
from components.similarity import folder as folder_mod
from components.similarity.folder import IndexFolder, IndexFolderError, open_writer
from components.similarity.index import MappedVectors
from tests.test_similarity import CORPUS, FakeEncoder, _random_corpus, brute_force, unit

ITEMS = CORPUS + _random_corpus(150, seed=4)
TEXTS = {i: x for i, _, x in ITEMS}


def answers(engine: SimilarityEngine) -> dict:
    """Everything a page shows: similar lists with scores and shared names, text search,
    similar claims with their spans."""
    out = {}
    for q in ("quake1", "vote2", "tennis1", ITEMS[40][0], ITEMS[-1][0]):
        out[q] = [(m.id, round(m.score, 6), m.shared_entities,
                   {k: round(v, 6) for k, v in m.rankers.items()}) for m in engine.similar(q, 8)]
    for q in ("Federer Wimbledon final", "earthquake in Chile", "budget vote"):
        out[q] = [(m.id, round(m.score, 6), m.shared_entities) for m in engine.search_text(q, 5)]
    out["claim"] = [(p.article_id, p.span, round(p.score, 6))
                    for p in engine.similar_passages("Federer lifted the trophy", 4)]
    return out


@pytest.fixture()
def built(tmp_path) -> Path:
    """A folder of float32 vectors: its answers equal the in-memory engine's to the digit."""
    path = tmp_path / "index"
    SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get,
                     vector_dtype="f32").index_articles(ITEMS)
    return path


def test_folder_gives_the_answers_of_the_in_memory_engine(built):
    memory = SimilarityEngine(None, FakeEncoder())
    memory.index_articles(ITEMS)
    reopened = SimilarityEngine(None, FakeEncoder(), index_dir=built, texts=TEXTS.get)
    assert len(reopened) == len(ITEMS) and "quake2" in reopened and "nope" not in reopened
    assert answers(reopened) == answers(memory)
    hit = reopened.similar_passages("Federer lifted the trophy", 1)[0]
    assert hit.span.text(reopened.text_of(hit.article_id)).endswith("lifted the trophy.")


def test_a_half_precision_folder_ranks_as_the_in_memory_engine(tmp_path):
    path = tmp_path / "index"
    SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get).index_articles(ITEMS)
    assert IndexFolder(path).vector_dtype == folder_mod.VECTOR_DTYPE == "f16"
    assert (path / "articles.f16").stat().st_size == len(ITEMS) * 384 * 2
    half = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get)
    memory = SimilarityEngine(None, FakeEncoder())
    memory.index_articles(ITEMS)
    for q in ("quake1", "vote2", "tennis1", ITEMS[40][0]):
        got, want = half.similar(q, 5), memory.similar(q, 5)
        assert [m.id for m in got] == [m.id for m in want]
        assert np.allclose([m.score for m in got], [m.score for m in want], atol=0.02)
    for q in ("Federer Wimbledon final", "earthquake in Chile"):
        assert [m.id for m in half.search_text(q, 5)] == [m.id for m in memory.search_text(q, 5)]


def test_sign_codes_find_the_nearest_rows_and_follow_every_append(tmp_path):
    from components.similarity.index import SignCodes, code_planes, sign_codes

    rng = np.random.default_rng(3)
    centres = unit(rng, 40)
    vecs = centres[rng.integers(0, 40, 3000)] + 0.05 * rng.standard_normal((3000, 384))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    codes = SignCodes(sign_codes(vecs, code_planes(384)), 384)
    ids = [f"v{i}" for i in range(3000)]
    approx = MappedVectors(vecs, ids, codes, 3000, exact_limit=0)
    assert approx.approximate
    for q in (vecs[5], vecs[2999]):
        assert 5 in codes.shortlist(vecs[5], 10, count=50)
        want = [ids[i] for i in brute_force(vecs, q, 10, exclude={5})]
        assert [i for i, _ in approx.search(q, 10, exclude=["v5"])] == want
    # a code is a function of its vector alone: appended rows need nothing rebuilt
    assert (sign_codes(vecs[:10], code_planes(384)) == codes.codes[:10]).all()


def test_stored_vectors_searched_like_brute_force_exact_and_through_a_saved_graph(tmp_path):
    from usearch.index import Index

    rng = np.random.default_rng(7)
    vecs = unit(rng, 400)
    path = tmp_path / "v.f32"
    vecs.tofile(path)
    mapped = np.memmap(path, np.float32, "r", shape=vecs.shape)
    ids = [f"v{i}" for i in range(400)]
    exact = MappedVectors(mapped, ids)
    graph = Index(ndim=384, metric="ip")
    graph.add(np.arange(300, dtype=np.uint64), vecs[:300])  # rows 300.. were appended since
    graph.save(str(tmp_path / "g.usearch"))
    approx = MappedVectors(mapped, ids, Index.restore(str(tmp_path / "g.usearch"), view=True),
                           300, exact_limit=0)
    assert approx.approximate and not exact.approximate
    for q in (vecs[5], vecs[350], unit(rng, 1)[0]):
        want = [ids[i] for i in brute_force(vecs, q, 10, exclude={5})]
        assert [i for i, _ in exact.search(q, 10, exclude=["v5"])] == want
        assert [i for i, _ in approx.search(q, 10, exclude=["v5"])] == want


def test_adding_articles_appends_without_rewriting_what_is_stored(tmp_path):
    path = tmp_path / "index"
    engine = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get)
    first = [i for i in ITEMS if not i[0].startswith("tennis")]
    engine.index_articles(first)
    before = {name: (path / name).read_bytes() for name in
              ("articles.f16", "passages.f16", "articles.codes", "passages.codes",
               "bm25.data", "names.data", "ids.txt")}
    reader = SimilarityEngine(None, FakeEncoder(), index_dir=path)  # opened before the append
    assert "tennis1" not in reader
    stats = engine.index_articles(ITEMS)
    assert (stats.embedded, stats.unchanged) == (2, len(first))
    for name, old in before.items():  # every stored byte is where it was
        assert (path / name).read_bytes()[: len(old)] == old
        assert (path / name).stat().st_size > len(old)
    assert [m.id for m in engine.similar("tennis1", 1)] == ["tennis2"]
    # the reader sees the new articles at its next query, without being reopened by hand
    assert [m.id for m in reader.similar("tennis2", 1)] == ["tennis1"]
    assert "Federer" in reader.search_text("Federer", 1)[0].shared_entities
    # appended rows weighed with the statistics of their time, earlier rows unchanged: the
    # story-mates still come first, as in one build
    memory = SimilarityEngine(None, FakeEncoder())
    memory.index_articles(ITEMS)
    for q in ("quake1", "vote1", "tennis2"):
        assert [m.id for m in reader.similar(q, 2)][:1] == [m.id for m in memory.similar(q, 2)][:1]


def test_two_reader_processes_share_one_folder_and_one_writer_holds_the_lock(built):
    code = ("import json, sys; from components.similarity import SimilarityEngine;"
            "from tests.test_similarity import FakeEncoder;"
            "e = SimilarityEngine(None, FakeEncoder(), index_dir=sys.argv[1]);"
            "print(json.dumps([m.id for m in e.similar('quake1', 5)]))")
    root = Path(__file__).resolve().parent.parent
    outs = [subprocess.run([sys.executable, "-c", code, str(built)], cwd=root, check=True,
                           capture_output=True, text=True).stdout for _ in range(2)]
    here = [m.id for m in SimilarityEngine(None, FakeEncoder(), index_dir=built).similar("quake1", 5)]
    assert [json.loads(o) for o in outs] == [here, here]
    writer = IndexFolder(built, writable=True)
    try:
        with pytest.raises(IndexFolderError, match="another process is writing"):
            IndexFolder(built, writable=True)
        with pytest.raises(IndexFolderError, match="another process is writing"):
            open_writer(built, wait_s=0.2)
        reader = IndexFolder(built)  # readers never wait for the writer
        with pytest.raises(IndexFolderError, match="read-only"):
            reader.append([], [], [])
    finally:
        writer.close()
    open_writer(built).close()  # free again


def test_missing_folder_for_a_reader_says_how_to_build_it(tmp_path):
    with pytest.raises(IndexFolderError, match=r"does not exist; build it with `python -m components index`"):
        IndexFolder(tmp_path / "nowhere")


@pytest.mark.parametrize("damage, message", [
    (lambda p: (p / "meta.json").unlink(), "no meta.json"),
    (lambda p: (p / "meta.json").write_text("{not json"), "meta.json unreadable"),
    (lambda p: (p / "meta.json").write_bytes(b"\x00\xff" * 10), "meta.json unreadable"),
    (lambda p: (p / "meta.json").write_text('{"format": 99}'), "is not format 3"),
    (lambda p: (p / "meta.json").write_text(
        (p / "meta.json").read_text().replace('"format": 3', '"format": 2')),
     "made by an older version (format 2"),
    (lambda p: (p / "articles.prefix").unlink(), "articles.prefix is shorter"),
    (lambda p: (p / "meta.json").write_text(
        (p / "meta.json").read_text().replace('"f16"', '"f8"')), "is not format 3"),
    (lambda p: (p / "lexical.json").unlink(), "lexical.json is missing"),
    (lambda p: (p / "articles.f16").write_bytes(b"\x00" * 100), "articles.f16 is shorter"),
    (lambda p: (p / "passages.codes").write_bytes(b"\x00" * 8), "passages.codes is shorter"),
    (lambda p: (p / "ids.txt").write_text("a\n"), "ids.txt holds fewer"),
    (lambda p: (p / "hashes.txt").write_text("a\n"), "hashes.txt holds fewer"),
])
def test_damaged_folder_is_refused_with_one_clear_message_and_rebuilt(tmp_path, damage, message):
    db = sa.create_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    path = tmp_path / "index"
    enc = FakeEncoder()
    index_library(ITEMS, db, encoder=enc, index_dir=path)
    damage(path)
    with pytest.raises(IndexFolderError) as err:
        SimilarityEngine(db, enc, index_dir=path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "rebuild" in str(err.value) and isinstance(err.value, SourcelightError)
    calls = enc.calls
    engine, stats = index_library(ITEMS, db, encoder=enc, index_dir=path, rebuild=True)
    assert enc.calls == calls and stats.from_cache == len(ITEMS)  # nothing embedded again
    assert (tmp_path / "index.damaged-1").is_dir()
    assert {m.id for m in engine.similar("quake1", 2)} == {"quake2", "quake3"}


def test_a_crash_mid_append_leaves_the_published_rows_and_the_next_writer_cuts_back(built):
    n = len(ITEMS)
    with open(built / "articles.f32", "ab") as f:  # half an append, never published
        f.write(b"\x01" * 5000)
    with open(built / "ids.txt", "a") as f:
        f.write("ghost\n")
    reader = SimilarityEngine(None, FakeEncoder(), index_dir=built)
    assert len(reader) == n and "ghost" not in reader
    open_writer(built).close()
    assert (built / "articles.f32").stat().st_size == n * 384 * 4
    assert "ghost" not in (built / "ids.txt").read_text()


def test_a_changed_text_under_a_known_id_is_refused_not_half_written(built):
    engine = SimilarityEngine(None, FakeEncoder(), index_dir=built, texts=TEXTS.get)
    with pytest.raises(SourcelightError, match="its text changed"):
        engine.index_articles([("quake1", "Earthquake hits Peru", "A new text.")])
    assert len(SimilarityEngine(None, FakeEncoder(), index_dir=built)) == len(ITEMS)


def test_codes_and_postings_follow_the_folder_as_it_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_mod, "POSTINGS_TAIL", 20)
    path = tmp_path / "index"
    engine = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get, exact_limit=60)
    for s in range(0, len(ITEMS), 40):
        engine.index_articles(ITEMS[: s + 40])
        assert (path / "articles.codes").stat().st_size == len(engine) * 64
    meta = json.loads((path / "meta.json").read_text())
    assert meta["bm25"]["csc"]["n"] > 60  # postings rebuilt once the tail grew
    assert engine._articles.approximate and engine._passages.approximate
    assert [m.id for m in engine.similar("tennis1", 1)] == ["tennis2"]
    assert engine.similar_passages("Federer lifted the trophy", 1)[0].article_id == "tennis1"
    assert len(list(path.glob("bm25.csc*.ptr"))) == 1  # older generations removed


def test_cli_index_into_a_folder_then_rebuild(tmp_path):
    root = Path(__file__).resolve().parent.parent
    folder = tmp_path / "ix"
    (folder).mkdir()
    (folder / "junk.txt").write_text("not an index")
    env = {"SOURCELIGHT_DB": str(tmp_path / "cli.db"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "components", "index", "--index-dir", str(folder)],
                         cwd=root, env=env, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert str(folder) in run.stderr and "rebuild" in run.stderr
    again = subprocess.run([sys.executable, "-m", "components", "index", "--index-dir", str(folder),
                            "--rebuild"], cwd=root, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert (folder / "meta.json").exists() and (tmp_path / "ix.damaged-1" / "junk.txt").exists()


def test_index_library_appends_a_large_library_in_parts(tmp_path, monkeypatch):
    from components.similarity import engine as engine_mod

    monkeypatch.setattr(engine_mod, "APPEND_BATCH", 50)
    seen: list[tuple[int, int]] = []
    engine, stats = index_library(ITEMS, None, lambda d, t: seen.append((d, t)),
                                  encoder=FakeEncoder(), index_dir=tmp_path / "index")
    assert stats.embedded == len(ITEMS) == len(engine)
    assert json.loads((tmp_path / "index" / "meta.json").read_text())["generation"] >= 4
    assert seen[-1] == (len(ITEMS), len(ITEMS)) and all(t == len(ITEMS) for _, t in seen)
    assert {m.id for m in engine.similar("quake1", 2)} == {"quake2", "quake3"}


def test_two_stage_shortlist_finds_the_exact_neighbours_of_a_clustered_set(monkeypatch):
    """Tight clusters under heavy noise (the 1M bench's shape, smaller): the 256-bit prefix
    stage keeps the rows whose whole codes then pick the shortlist, and rescoring that
    shortlist finds the exact top 10 as often as a scan of the whole codes does."""
    from components.similarity import index as index_mod
    from components.similarity.index import SignCodes, code_planes, code_prefix, sign_codes

    rng = np.random.default_rng(11)
    n = 20_000
    centres = rng.standard_normal((n // 20, 384)).astype(np.float32)
    vecs = centres[rng.integers(0, len(centres), n)] + 0.8 * rng.standard_normal((n, 384))
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    codes = sign_codes(vecs, code_planes(384))
    monkeypatch.setattr(index_mod, "PREFIX_KEEP", 2_000)
    monkeypatch.setattr(index_mod, "PREFIX_OVERSAMPLE", 10)
    scanned: list[tuple[int, int]] = []
    real = index_mod.hamming
    monkeypatch.setattr(index_mod, "hamming", lambda c, q: scanned.append(c.shape) or real(c, q))
    two = SignCodes(codes, 384, code_prefix(codes))
    one = SignCodes(codes, 384)
    queries = vecs[rng.integers(0, n, 40)] + 0.05 * rng.standard_normal((40, 384))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    recall = {"two": [], "one": []}
    for q in queries:
        truth = set(brute_force(vecs, q, 10))
        for name, sc in (("two", two), ("one", one)):
            rows = sc.shortlist(q, 10, count=200)
            got = rows[np.argsort(-(vecs[rows] @ q))[:10]]
            recall[name].append(len(truth & set(got.tolist())) / 10)
    assert scanned[:2] == [(n, 4), (2_000, 8)]  # the prefixes of all, whole codes of 2,000
    assert np.mean(recall["two"]) >= 0.95
    assert np.mean(recall["two"]) >= np.mean(recall["one"]) - 0.02


def test_code_prefixes_follow_appends_and_removals_and_a_reopened_folder_answers_alike(tmp_path):
    from components.similarity import index as index_mod

    path = tmp_path / "index"
    engine = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get, exact_limit=60)

    def check() -> None:
        for stem, rows in (("articles", len(engine)), ("passages", engine._folder.passages)):
            codes = np.fromfile(path / f"{stem}.codes", np.uint64).reshape(-1, 8)
            prefix = np.fromfile(path / f"{stem}.prefix", np.uint64).reshape(-1, 4)
            assert len(codes) == len(prefix) == rows
            assert (prefix == codes[:, :4]).all()

    for s in range(0, len(ITEMS), 60):
        engine.index_articles(ITEMS[: s + 60])
        check()
    assert engine._articles.approximate
    assert engine.remove(["quake3", ITEMS[50][0]]) == 2
    check()
    assert "quake3" not in engine
    with pytest.MonkeyPatch.context() as mp:  # the prefix stage in use even at this size
        mp.setattr(index_mod, "CODE_SHORTLIST", 20)
        mp.setattr(index_mod, "PREFIX_KEEP", 40)
        mp.setattr(index_mod, "PREFIX_OVERSAMPLE", 2)
        stages: list[int] = []
        real = index_mod.hamming
        mp.setattr(index_mod, "hamming", lambda c, q: stages.append(c.shape[1]) or real(c, q))
        reopened = SimilarityEngine(None, FakeEncoder(), index_dir=path, texts=TEXTS.get,
                                    exact_limit=60)
        assert answers(reopened) == answers(engine)
        assert {m.id for m in reopened.similar("quake1", 1)} == {"quake2"}
        assert stages[:2] == [4, 8]


def test_text_search_finds_every_row_of_a_repeated_text_without_the_hash_table(tmp_path):
    """Rows with one text share one passage range: a passage hit names all of them, found
    from ``passage_range`` alone (``hashes.txt`` and the hash table are not read for it)."""
    title, text = next((t, x) for i, t, x in ITEMS if i == "tennis1")
    items = ITEMS + [("tennis1-copy", title, text), ("tennis1-again", title, text)]
    path = tmp_path / "index"
    SimilarityEngine(None, FakeEncoder(), index_dir=path,
                     texts=dict(TEXTS, **{"tennis1-copy": text, "tennis1-again": text}).get
                     ).index_articles(items)
    folder = IndexFolder(path)
    for p in range(folder.passages):
        owner = int(folder.passage_spans[p, 0])
        assert sorted(folder.rows_of_passages(np.array([p]))) == \
            sorted(folder.hash_rows[folder.hashes[owner]])
    reader = SimilarityEngine(None, FakeEncoder(), index_dir=path, exact_limit=0)
    assert reader._folder._hashes is None  # hashes.txt of SHA-256 lines: not read at open
    found = {m.id for m in reader.search_text("Federer lifted the trophy", 5)}
    assert {"tennis1", "tennis1-copy", "tennis1-again"} <= found
    assert reader._folder._hash_rows is None
