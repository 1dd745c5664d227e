"""Bulk writes to PostgreSQL: ``COPY`` (``components.bulk``) against SQLAlchemy ``executemany``.

    export SOURCELIGHT_TEST_PG_URL="$(scripts/start_test_postgres.sh)"
    .venv/bin/python bench/bench_store_bulk.py --articles 2000 --rounds 3

What the pipeline writes per batch, for ``--articles`` invented articles: one analysis row each
(JSON text of the size of a Wikinews article's analysis, about 6 kB) and its vector rows (a
title and seven passages, 1,536 bytes each). Each round writes both tables once by each path,
alternated, into emptied tables of a fresh schema, each in one transaction as
``Store.put_analyses`` and ``EmbeddingCache.save`` do; the figures are rows/s and the ratio.
Also timed on a SQLite file (``executemany`` only: the path SQLite keeps).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_similarity import machine  # noqa: E402

from components.bulk import insert_rows  # noqa: E402
from components.similarity.embed import metadata as vector_metadata  # noqa: E402
from components.similarity.embed import vectors  # noqa: E402
from components.store import analyses_table, articles_table, metadata  # noqa: E402


def rows_for(n: int) -> tuple[list[dict], list[dict]]:
    entity = {"start": 10, "end": 24, "label": "PERSON", "group": "g1", "text": "Minister Ahmed"}
    analysis = json.dumps({"entities": [entity] * 40, "attributions": [
        {"source": [0, 14], "cue": [15, 19], "content": [[20, 120]], "kind": "direct"}] * 12})
    analyses = [{"article_id": f"{i:016x}", "version": "bench-v1", "data": analysis,
                 "created_at": "2026-12-01T00:00:00.000+00:00"} for i in range(n)]
    vec = os.urandom(1536)
    vecs = [{"content_hash": f"{i:064x}", "model": "m", "scheme": "s", "seq": s, "start": s * 100,
             "end": s * 100 + 99, "vector": vec} for i in range(n) for s in range(8)]
    return analyses, vecs


def timed(engine: sa.Engine, table: sa.Table, rows: list[dict], keys, use_copy: bool) -> float:
    with engine.begin() as conn:
        conn.execute(table.delete())
    t = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(rows), 500):  # the chunks of Store.put_analyses
            insert_rows(conn, table, rows[i:i + 500], keys, use_copy=use_copy)
    took = time.perf_counter() - t
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == len(rows)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    base = os.environ.get("SOURCELIGHT_TEST_PG_URL", "").strip()
    if not base:
        sys.exit("set SOURCELIGHT_TEST_PG_URL (scripts/start_test_postgres.sh prints one)")
    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    schema = f"bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    pg = sa.create_engine(url)
    sqlite = sa.create_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    for engine in (pg, sqlite):
        metadata.create_all(engine)
        vector_metadata.create_all(engine)
    analyses, vecs = rows_for(args.articles)
    for engine in (pg, sqlite):  # the articles the analyses belong to (a foreign key)
        with engine.begin() as conn:
            conn.execute(articles_table.insert(), [
                {"id": a["article_id"], "text": "x", "added_at": a["created_at"]} for a in analyses])
    keys = {analyses_table.name: ["article_id", "version"], vectors.name: None}
    try:
        for table, rows in ((analyses_table, analyses), (vectors, vecs)):
            got: dict[str, list[float]] = {"executemany": [], "COPY": [], "sqlite": []}
            for r in range(args.rounds):
                order = (False, True) if r % 2 == 0 else (True, False)
                for use_copy in order:
                    got["COPY" if use_copy else "executemany"].append(
                        timed(pg, table, rows, keys[table.name], use_copy))
                got["sqlite"].append(timed(sqlite, table, rows, keys[table.name], False))
            best = {k: min(v) for k, v in got.items()}
            print(f"  {table.name}: {len(rows):,} rows; PostgreSQL executemany "
                  f"{len(rows) / best['executemany']:,.0f} rows/s, COPY "
                  f"{len(rows) / best['COPY']:,.0f} rows/s ({best['executemany'] / best['COPY']:.2f}x); "
                  f"SQLite executemany {len(rows) / best['sqlite']:,.0f} rows/s "
                  f"(best of {args.rounds}, alternated)", flush=True)
    finally:
        pg.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    print(f"load average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
