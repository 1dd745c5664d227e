"""Benchmark of the corpus Sources page (issue 4): from stored analyses to frames and figures.

    .venv/bin/python bench/bench_sources.py                 # analyses the bundled corpus in a temp DB
    .venv/bin/python bench/bench_sources.py --db PATH       # reuse (and complete) an analysed library

The bundled corpus (seeds/: the seed + 291 Wikinews articles) is analysed once (not timed, except
as a reference line); then, each repeated, with the median and minimum printed:

1. reading every stored analysis, corrections applied (``library_attributions``), into the long frame
   (``corpus_attributions``): what the page does when its ``st.cache_data`` entry is missing
   (first visit, or the library or its corrections changed);
2. one rerun's work on that frame: breakdown, filters, top-sources and outlet figures, and one
   chosen source's articles, timeline and "what has this source said?" table;
3. the whole page through Streamlit's AppTest (app.py + views/sources.py, a source chosen): first
   run with an empty data cache, then warm reruns. The spaCy pipeline and the store are loaded
   before timing (they are cached resources shared by every page and session).

Prints the figures and the machine. Figures are copied into bench/sources.md by hand.
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

from components.analysis import analyze_missing, pipeline_version  # noqa: E402
from components.articles import load_seeds  # noqa: E402
from components.charts import corpus_sources_figure, outlet_unnamed_figure, source_timeline_figure  # noqa: E402
from components.effective import corrections_stamp, library_attributions  # noqa: E402
from components.nlp import load_nlp  # noqa: E402
from components.sources import (  # noqa: E402
    corpus_breakdown,
    filter_corpus,
    outlet_unnamed_share,
    source_articles,
    source_timeline,
    what_has_source_said,
)
from components.store import Store  # noqa: E402

SEEDS = ROOT / "seeds"
SOURCE = "Dmitry Peskov"


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


def ms(xs: list[float]) -> str:
    return f"median {statistics.median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f}, n={len(xs)})"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def prepare(db: str, nlp) -> Store:
    store = Store(db)
    store.add_articles(load_seeds(SEEDS).articles)
    todo = len(store.missing_analyses(pipeline_version(nlp)))
    if todo:
        t0 = time.perf_counter()
        analyze_missing(store, nlp)
        took = time.perf_counter() - t0
        print(f"(reference) analysing {todo} articles once: {took:.1f} s, {todo / took:.1f} articles/s")
    return store


def bench_components(store: Store, version: str, n: int):
    def build():
        return library_attributions(store, version)

    long = build()
    articles = long["article_id"].nunique()
    attributions = len(long.drop_duplicates(["article_id", "attribution_index"]))
    print(
        f"library: {store.count_articles()} articles, {articles} with attributions, {attributions} attributions,"
        f" {long['source'].nunique()} sources, long frame {len(long)} rows"
    )
    print(f"1. stored analyses -> long frame (cache miss): {ms(timed(build, n))}")

    def fingerprint():
        store.list_articles()
        store.analysed_ids(version)
        corrections_stamp(store)

    print(f"   library fingerprint (every rerun):        {ms(timed(fingerprint, n))}")

    def rerun():
        full = corpus_breakdown(long)
        narrowed = filter_corpus(long)
        matching = filter_corpus(narrowed, types=None)
        breakdown = corpus_breakdown(matching)
        corpus_sources_figure(breakdown, top=20)
        outlet_unnamed_figure(outlet_unnamed_share(narrowed))
        what_has_source_said(matching, SOURCE)
        source_articles(matching, SOURCE)
        source_timeline_figure(source_timeline(matching, SOURCE, "M"), SOURCE, "person")
        return full

    print(f"2. one rerun: frames + figures, a source chosen: {ms(timed(rerun, n))}")


def bench_page(db: str, n: int) -> None:
    os.environ["SOURCELIGHT_DB"] = db
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import state

    state.get_store()  # cached resources, as on a running server
    state.get_nlp()

    def run(at: AppTest) -> float:
        t0 = time.perf_counter()
        at.run()
        took = time.perf_counter() - t0
        assert not at.exception, at.exception
        assert any(m.value == f"#### What has {SOURCE} said?" for m in at.markdown), "page did not render"
        return took

    cold = []
    for _ in range(max(3, n // 3)):
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        at.switch_page("views/sources.py")
        at.query_params["source"] = SOURCE
        cold.append(run(at))
    warm = [run(at) for _ in range(n)]
    print(f"3. whole page (AppTest), empty data cache:   {ms(cold)}   target < 1000 ms")
    print(f"   whole page (AppTest), warm rerun:          {ms(warm)}   target < 1000 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="an SQLite path or URL to reuse; default: a temporary file")
    parser.add_argument("-n", type=int, default=10, help="repeats per measure (default 10)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    nlp = load_nlp()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "sources.db")
        store = prepare(db, nlp)
        version = pipeline_version(nlp)
        bench_components(store, version, args.n)
        store.engine.dispose()
        bench_page(db, args.n)


if __name__ == "__main__":
    main()
