"""Benchmark of the one read path for corrected analyses (issue 10): the library at once vs per article.

    .venv/bin/python bench/bench_effective.py                 # analyses the bundled corpus in a temp DB
    .venv/bin/python bench/bench_effective.py --db PATH       # reuse (and complete) an analysed library
    .venv/bin/python bench/bench_effective.py --limit 60      # the seed + the first 59 Wikinews articles

The bundled library (seeds/: the seed + 291 Wikinews articles, or ``--limit`` of them) is analysed
once (not timed); one analyst then deletes the first attribution of every fifth article (a realistic
layer of corrections). Then, each repeated, with the median and minimum and the number of SQL
statements one read sends:

1. the model's raw output for the whole library (``Store.iter_analysed``): the floor, no corrections;
2. the corrected library through ``components.effective.iter_effective`` (what the Sources page,
   ``sources --corpus`` and exports do): one join for articles and analyses, one query for every
   correction;
3. the same corrected library read one article at a time (``effective_analysis`` per id, as a page
   would if it looped): the pattern the one read path replaces.

Prints the machine (with its load: ratios are side by side in one run, so load hits both alike).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import sqlalchemy as sa  # noqa: E402

from components.analysis import analyze_missing, pipeline_version  # noqa: E402
from components.articles import load_seeds  # noqa: E402
from components.corrections import CorrectionsService  # noqa: E402
from components.effective import effective_analysis, iter_effective  # noqa: E402
from components.nlp import load_nlp  # noqa: E402
from components.store import Store  # noqa: E402

SEEDS = ROOT / "seeds"


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {cpu}{load}"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def statements(store: Store, fn) -> int:
    """How many SQL statements ``fn()`` sends to the store's database."""
    seen = [0]

    def count(*_args) -> None:
        seen[0] += 1

    sa.event.listen(store.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", count)
    return seen[0]


def prepare(db: str, nlp, limit: int | None) -> tuple[Store, str]:
    store = Store(db)
    articles = load_seeds(SEEDS).articles
    store.add_articles(articles[:limit] if limit else articles)
    version = pipeline_version(nlp)
    todo = len(store.missing_analyses(version))
    if todo:
        t0 = time.perf_counter()
        analyze_missing(store, nlp)
        print(f"(reference) analysing {todo} articles once: {time.perf_counter() - t0:.1f} s")
    svc = CorrectionsService(store, version)
    if not svc.corrections_for(None):
        for n, (article, eff) in enumerate(iter_effective(store, version)):
            if n % 5 == 0 and eff.analysis.attributions:
                svc.delete_attribution(article.id, 0, analyst="bench")
    return store, version


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--db", help="an analysed library to reuse (default: a temporary database)")
    p.add_argument("--limit", type=int, help="articles from seeds/ (default: all)")
    p.add_argument("-n", type=int, default=5, help="repeats (default 5)")
    args = p.parse_args()
    print(f"machine: {machine()}")
    nlp = load_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        store, version = prepare(args.db or str(Path(tmp) / "bench.db"), nlp, args.limit)
        ids = [a.id for a, _ in store.iter_analysed(version)]
        corrections = sum(len(v) for v in CorrectionsService(store).corrections_for(None).values())
        print(f"library: {len(ids)} analysed articles, {corrections} corrections")

        def raw() -> None:
            list(store.iter_analysed(version))

        def library() -> None:
            list(iter_effective(store, version))

        def one_by_one() -> None:
            for i in ids:
                effective_analysis(store, version, i)

        rows = [
            ("1. raw model output, whole library (iter_analysed)", raw),
            ("2. corrected, whole library (iter_effective)", library),
            ("3. corrected, one article at a time (effective_analysis)", one_by_one),
        ]
        medians = {}
        for label, fn in rows:
            q = statements(store, fn)
            xs = timed(fn, args.n)
            medians[label] = statistics.median(xs)
            print(
                f"{label:<58} median {medians[label] * 1000:8.1f} ms (min {min(xs) * 1000:.1f}, n={args.n}),"
                f" {q} SQL statements"
            )
        base, lib, one = (medians[label] for label, _ in rows)
        print(f"whole library at once vs one at a time: {one / lib:.1f}x faster; corrected vs raw: {lib / base:.2f}x")
        store.engine.dispose()


if __name__ == "__main__":
    main()
