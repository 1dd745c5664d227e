"""Hostile corpus files and concurrent ingest: one clear message per bad line, no process dies.

A JSONL line nested 200,000 deep is one rejected line naming the file and line, and the good lines
around it are added; six processes adding the same texts to one library at once all finish
(insert-or-ignore on SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
import multiprocessing as mp

import pytest

from components.articles import load_bytes
from tests.test_store_postgres import BACKENDS, _analysis, _article, open_store


def test_jsonl_line_nested_200000_deep_is_one_rejected_line():
    good1 = json.dumps({"title": "First", "text": "Ministers met on Monday. Nothing was agreed."})
    deep = "[" * 200_000 + "]" * 200_000
    good2 = json.dumps({"title": "Second", "text": "The council voted on Tuesday. The plan passed."})
    report = load_bytes("\n".join([good1, deep, good2]).encode(), "corpus.jsonl")
    assert [a.title for a in report.articles] == ["First", "Second"]
    [(where, why)] = report.rejected
    assert where == "corpus.jsonl line 2" and "nested too deeply" in why


def _ingest(url: str, texts: list[str], start, out) -> None:
    from components.store import Store

    store = Store(url)
    articles = [_article(t) for t in texts]
    start.wait()
    try:
        added, skipped = store.add_articles(articles)
        store.put_analyses(_analysis(a) for a in articles)
        out.put(("ok", len(added), len(skipped)))
    except Exception as exc:  # the test reports what killed the process
        out.put(("died", type(exc).__name__, str(exc)[:200]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_six_processes_ingesting_the_same_texts_all_finish(backend, tmp_path, request):
    store = open_store(backend, tmp_path, request)
    texts = [f"Ministers met in Paris on Monday. “We will act,” the minister said. Item {i}." for i in range(40)]
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_ingest, args=(store.url, texts, start, out)) for _ in range(6)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(r[0] == "ok" for r in results), results
    assert sum(r[1] for r in results) == 40  # each text added exactly once, by someone
    assert store.count_articles() == 40
    assert len(store.analysed_ids("v1")) == 40
