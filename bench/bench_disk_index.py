"""Benchmarks for the similarity index served from disk (figures go to bench/similarity.md).

    .venv/bin/python bench/bench_disk_index.py ann --n 1000000          # build once, then measure
    .venv/bin/python bench/bench_disk_index.py engine --articles 100000 # build the folder, measure

ann: the article-vector graph alone over synthetic clustered 384-d unit vectors (the generator of
``bench_similarity.py``), built once into ``bench/out/`` and reused: time to open the saved
graph memory-mapped (``usearch`` ``restore(view=True)``), recall@10 against exact search and
p50/p95 for several search beams (``expansion_search``) and rescoring depths (``ANN_OVERSAMPLE``),
and the process RSS. engine: a whole ``SimilarityEngine`` index folder over synthetic articles
(``bench_similarity.synthetic_articles``, vectors injected, nothing encoded), appended in batches
as a writer would, then reopened read-only in a fresh process: open time, ``similar(id, k=10)``
and ``search_text(q, k=10)`` p50/p95 with encoding excluded, and RSS split into anonymous and
file-backed (memory-mapped) pages.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_similarity import clustered, machine, pct  # noqa: E402

OUT = ROOT / "bench" / "out"


def rss() -> dict[str, float]:
    """Resident memory of this process in MB: total, anonymous, file-backed (mmap'd index)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(val.split()[0]) / 1024
    return out


def ann(n: int, queries: int) -> None:
    from usearch.index import Index

    from components.similarity.index import CONNECTIVITY, EXPANSION_ADD, GRAPH_DTYPE

    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    vec_path, graph_path = OUT / f"ann_{n}.f32", OUT / f"ann_{n}.usearch"
    rng = np.random.default_rng(0)
    if not vec_path.exists():
        vecs = clustered(n, rng)
        vecs.tofile(vec_path)
        del vecs
    vecs = np.memmap(vec_path, np.float32, "r", shape=(n, 384))
    if not graph_path.exists():
        index = Index(ndim=384, metric="ip", dtype=GRAPH_DTYPE, connectivity=CONNECTIVITY,
                      expansion_add=EXPANSION_ADD)
        t = time.perf_counter()
        for s in range(0, n, 100_000):
            e = min(n, s + 100_000)
            index.add(np.arange(s, e, dtype=np.uint64), np.asarray(vecs[s:e]))
            print(f"  added {e:,} in {time.perf_counter() - t:.0f} s", flush=True)
        index.save(str(graph_path))
        print(f"built {n:,} (connectivity {CONNECTIVITY}, expansion_add {EXPANSION_ADD}, "
              f"{GRAPH_DTYPE}) in {time.perf_counter() - t:.0f} s")
        del index
    before = rss()
    t = time.perf_counter()
    view = Index.restore(str(graph_path), view=True)
    opened = time.perf_counter() - t
    print(f"open saved graph (view, memory-mapped): {opened * 1000:.0f} ms, {len(view):,} vectors;"
          f" RSS before {before}, after {rss()}")
    rng = np.random.default_rng(1)
    qs = np.asarray(vecs[rng.integers(0, n, queries)]) + 0.05 * rng.standard_normal((queries, 384))
    qs = (qs / np.linalg.norm(qs, axis=1, keepdims=True)).astype(np.float32)
    truth = []
    for s in range(0, n, 100_000):
        truth.append(np.asarray(vecs[s:s + 100_000]) @ qs.T)
    exact = np.concatenate(truth)
    top = [set(np.argpartition(-exact[:, j], 10)[:10].tolist()) for j in range(queries)]
    del exact, truth
    for es in (512, 2048):
        view.expansion_search = es
        for over in (10, 50, 100, 200):
            rec, lat = [], []
            for j, q in enumerate(qs):
                t = time.perf_counter()
                keys = np.asarray(view.search(q, over).keys, dtype=np.int64)
                scores = np.asarray(vecs[np.sort(keys)]) @ q
                got = np.sort(keys)[np.argsort(-scores)[:10]]
                lat.append((time.perf_counter() - t) * 1000)
                rec.append(len(top[j] & set(got.tolist())) / 10)
            print(f"  expansion_search {es}, rescore top {over}: recall@10 {np.mean(rec):.3f}, "
                  f"{pct(lat)} ({queries} queries)", flush=True)
    print(f"RSS at the end {rss()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("ann")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "ann":
        ann(args.n, args.queries)


if __name__ == "__main__":
    main()
