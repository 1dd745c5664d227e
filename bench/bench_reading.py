"""Benchmarks of the reading view (issue 2), each measured side by side with its baseline in one run.

    .venv/bin/python bench/bench_reading.py            # open+render, first analysis, ingest
    .venv/bin/python bench/bench_reading.py --app      # also: app cold start to first rendered article

Prints the figures and the machine. Figures are copied into bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from components.analysis import analysis_for, analyze_missing, pipeline_version  # noqa: E402
from components.articles import load_path  # noqa: E402
from components.attribution import extract_attributions  # noqa: E402
from components.effective import effective_analysis  # noqa: E402
from components.entities import group_entities  # noqa: E402
from components.nlp import load_nlp  # noqa: E402
from components.render import reading_html  # noqa: E402
from components.store import Store  # noqa: E402

SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {cpu}"


def ms(xs: list[float]) -> str:
    return f"median {statistics.median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f}, n={len(xs)})"


def bench_open_render(nlp, tmp: Path) -> None:
    seed = load_path(SEED).articles[0]
    store = Store(f"sqlite:///{tmp}/open.db")
    analysis_for(store, nlp, seed)  # analysed once
    version = pipeline_version(nlp)
    times = []
    for _ in range(30):
        t0 = time.perf_counter()
        art = store.get_article(seed.id)
        ana = effective_analysis(store, version, seed.id).analysis  # what the reading view opens
        reading_html(art, ana)
        times.append(time.perf_counter() - t0)
    print(f"open an analysed article + render (seed): {ms(times)}   target < 150 ms")


def bench_first_analysis(nlp, tmp: Path) -> None:
    from components.records import Analysis

    seed = load_path(SEED).articles[0]
    version = pipeline_version(nlp)
    bare, entities_only, full, att = [], [], [], []
    for i in range(12):
        t0 = time.perf_counter()
        doc = nlp(seed.text)
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        extract_attributions(doc)
        att.append(time.perf_counter() - t0)
        # Issue 2's scope: parse, entities, grouping, store.
        store = Store(f"sqlite:///{tmp}/ent{i}.db")
        t0 = time.perf_counter()
        doc = nlp(seed.text)
        ents, groups = group_entities(doc)
        store.add_articles([seed])
        store.put_analysis(Analysis(seed.id, version, tuple(ents), tuple(groups)))
        entities_only.append(time.perf_counter() - t0)
        # The product's whole first analysis, attributions included.
        store = Store(f"sqlite:///{tmp}/first{i}.db")
        t0 = time.perf_counter()
        analysis_for(store, nlp, seed)
        full.append(time.perf_counter() - t0)
    b = statistics.median(bare)
    print(f"bare nlp(text) on the seed:                       {ms(bare)}")
    print(
        f"parse + entities + grouping + store:              {ms(entities_only)} = "
        f"{statistics.median(entities_only) / b:.2f}x bare   target ≤ 1.3x"
    )
    print(f"full first analysis (+ attributions):             {ms(full)} = {statistics.median(full) / b:.2f}x bare")
    print(f"attribution alone on the parsed seed:             {ms(att)}")


def bench_ingest(nlp, tmp: Path) -> None:
    report = load_path(WIKINEWS)
    arts = report.articles
    words = sum(len(a.text.split()) for a in arts)
    t0 = time.perf_counter()
    for _ in nlp.pipe((a.text for a in arts), batch_size=32):
        pass
    bare = time.perf_counter() - t0
    store = Store(f"sqlite:///{tmp}/ingest.db")
    t0 = time.perf_counter()
    store.add_articles(arts)
    n = analyze_missing(store, nlp)
    full = time.perf_counter() - t0
    print(
        f"ingest {n} Wikinews articles ({words} words): {words / full:,.0f} words/s "
        f"vs bare nlp.pipe {words / bare:,.0f} words/s = {bare / full:.2f}x   target ≥ 0.8x"
    )


def bench_app_start(tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = "8599"
    env = dict(os.environ, SOURCELIGHT_DB=f"{tmp}/app.db")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            port,
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                ],
            )
            page = browser.new_page()
            deadline = time.time() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
            page.wait_for_selector(".sl-article mark.sl-ent", timeout=120_000)
            print(
                f"app cold start (empty database, models loading) to first rendered article: "
                f"{time.perf_counter() - t0:.1f} s"
            )
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", action="store_true", help="also time the app's cold start in Chromium")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    t0 = time.perf_counter()
    nlp = load_nlp()
    print(f"spaCy pipeline {nlp.meta['name']} {nlp.meta['version']} loaded in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_open_render(nlp, tmp)
        bench_first_analysis(nlp, tmp)
        bench_ingest(nlp, tmp)
        if args.app:
            bench_app_start(tmp)


if __name__ == "__main__":
    main()
