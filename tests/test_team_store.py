"""The team set-up: ingest and the similarity cache on both store backends (a SQLite file and
the PostgreSQL server of ``SOURCELIGHT_TEST_PG_URL``; see ``test_store_postgres.py``).

The same behaviour is asserted on each: ingest adds, rejects bad files by name and skips what is
known; analyses written by the pipeline's batched writes read back unchanged; vectors cached by
one engine are found by the next without encoding again; and the pipeline's resume query
(``stages.pending``) sees exactly what is stored.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_similarity import CORPUS, FakeEncoder
from test_store_postgres import BACKENDS, open_store

from components.pipeline import stages
from components.records import Article, Span
from components.similarity import SimilarityEngine

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path, request)
    yield s
    s.engine.dispose()


@pytest.mark.slow
def test_cli_ingest_on_the_backend(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bin.txt").write_bytes(bytes(range(256)) * 4)
    env = dict(os.environ, HF_HUB_OFFLINE="1")

    def ingest(*paths: Path) -> str:
        proc = subprocess.run([sys.executable, "-m", "components", "--db", store.url, "ingest", *map(str, paths)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    out = ingest(folder)
    assert "added 1, skipped 0, rejected 1; analysed 1" in out and "bin.txt" in out
    (article,) = store.get_articles()
    assert article.title == "Kim Jong Un in Russia to cut suspected arms deal"
    (analysed,) = store.analysed_ids(next(iter(_versions(store))))
    assert analysed == article.id
    assert "added 0, skipped 1" in ingest(folder / "seed.txt")


def _versions(store) -> set[str]:
    import sqlalchemy as sa

    from components.store import analyses_table

    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(analyses_table.c.version)).scalars())


def _articles(n: int) -> list[Article]:
    out = []
    for i in range(n):
        text = f"Minister {i} met officials in Paris on Monday. “We will act,” the minister said."
        out.append(Article(id=f"a{i:04d}", text=text, title=f"Talks {i}", paragraphs=(Span(0, len(text)),)))
    return out


def test_batched_writes_and_the_resume_query(store):
    from components.records import Analysis, Entity, EntityGroup

    articles = _articles(1200)  # more than one 500-row chunk, and one page of multi-row INSERTs
    store.add_articles(articles)
    analyses = [Analysis(a.id, "v1", (Entity(0, 8, "PER", "g0"),), (EntityGroup("g0", "Minister", "PER",
                (Span(0, 8),)),), ()) for a in articles[:700]]
    embedded = stages.embed_batch(FakeEncoder(), articles[:300])
    stages.write_batch(store, analyses, embedded)
    assert store.analysed_ids("v1") == {a.id for a in articles[:700]}
    assert store.get_analysis("a0007", "v1") == analyses[7]
    # with vectors asked for, analysed articles without vectors are still to do
    assert [a.id for a in stages.pending(store, "v1", articles, embed=False)] == [a.id for a in articles[700:]]
    todo = stages.pending(store, "v1", articles, embed=True)
    assert [a.id for a in todo] == [a.id for a in articles[300:]]
    # writing a batch again replaces it with the same rows (idempotent), nothing doubles
    stages.write_batch(store, analyses[:10], embedded[:10])
    assert len(store.analysed_ids("v1")) == 700
    assert stages.embedded_keys(store, [stages.vector_key(a) for a in articles]) == {
        stages.vector_key(a) for a in articles[:300]}


def test_similarity_cache_on_the_backend(store):
    first = SimilarityEngine(store.engine, FakeEncoder())
    first.index_articles(CORPUS)
    enc = FakeEncoder()
    second = SimilarityEngine(store.engine, enc)
    stats = second.index_articles(CORPUS)
    assert enc.calls == 0 and stats.from_cache == len(CORPUS)
    for id_ in ("quake1", "vote2"):
        assert [m.id for m in first.similar(id_, 4)] == [m.id for m in second.similar(id_, 4)]
    assert [m.id for m in second.search_text("earthquake Chile", 3)][:1] in (["quake1"], ["quake2"], ["quake3"])
    # a restarted app gets back what was indexed, from the database alone
    restarted = SimilarityEngine(store.engine, FakeEncoder())
    stats = restarted.index_articles(CORPUS[:3], cached_only=True)
    assert stats.embedded == 0 and len(restarted) == 3


@pytest.mark.parametrize("path", ["auto", "executemany"])
def test_bulk_inserts_skip_known_keys_and_keep_every_byte(store, path):
    import sqlalchemy as sa

    from components import bulk
    from components.similarity.embed import metadata as vector_metadata
    from components.similarity.embed import vectors
    from components.store import analyses_table

    vector_metadata.create_all(store.engine)
    articles = _articles(120)  # above bulk.COPY_MIN_ROWS: COPY on PostgreSQL when "auto"
    store.add_articles(articles)
    text = "Ministers said “we act” — naïve\ttab\\slash\nline, 東京"
    rows = [{"article_id": a.id, "version": "v1", "data": f"{text} {i}", "created_at": "t"}
            for i, a in enumerate(articles)]
    keys = ["article_id", "version"]
    use = None if path == "auto" else False
    with store.engine.begin() as conn:
        bulk.insert_rows(conn, analyses_table, [dict(r, data="first") for r in rows[:10]], keys)
    with store.engine.begin() as conn:
        assert bulk.can_copy(conn) == (store.engine.dialect.name == "postgresql")
        bulk.insert_rows(conn, analyses_table, rows, keys, use_copy=use)
        vecs = [{"content_hash": f"{i:064x}", "model": "m", "scheme": "s", "seq": i % 3,
                 "start": i, "end": i + 1, "vector": bytes(range(256)) * 6} for i in range(60)]
        bulk.insert_rows(conn, vectors, vecs, use_copy=use)
    with store.engine.connect() as conn:
        got = dict(conn.execute(sa.select(analyses_table.c.article_id, analyses_table.c.data)).all())
        stored = conn.execute(sa.select(vectors.c.start, vectors.c.vector)).all()
    assert len(got) == 120 and [got[a.id] for a in articles[:10]] == ["first"] * 10  # kept
    assert got[articles[50].id] == f"{text} 50"
    assert len(stored) == 60 and all(v == bytes(range(256)) * 6 for _, v in stored)
    # a failed batch leaves nothing behind: the transaction takes back rows and the temporary table
    bad = [dict(v, content_hash="f" * 64) for v in vecs[:55]]
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        bulk.insert_rows(conn, vectors, bad + bad, use_copy=use)  # the same key twice
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(vectors)).scalar_one() == 60
