"""The first hour, measured in a real browser (issue 12): a cold first start and the interactions
an analyst goes through, each at 1440x900 in Debian's Chromium driven by Playwright.

    .venv/bin/python bench/bench_first_start.py                 # the whole bundled library
    .venv/bin/python bench/bench_first_start.py --wikinews 40   # a smaller library (quick look)

Starts ``streamlit run dashboard/app.py`` over an empty temporary database with the bundled seeds
and the background worker on, as ``make app`` does on a fresh install, then prints:

- cold start → first article readable (``.sl-article`` visible on ``/``: its text, shown while the
  language model loads and analyses it), then analysed (the marked reading view replaces it);
- cold start → the sidebar says the library is analysed and searchable (the background worker);
- Read page first load of another analysed article, and a rerun (the "Show who said what" switch);
- choosing a source on the reading view's Sources tab; one Present step (→).

Interactions are timed from the action to the DOM change a reader waits for, median of ``--repeat``.
Prints the machine and its load average at the start and the end. Figures go into bench/README.md
by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_reading import machine  # noqa: E402  (one machine line for every bench)

SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seeds_folder(tmp: Path, wikinews: int | None) -> Path:
    if wikinews is None:
        return ROOT / "seeds"
    folder = tmp / "seeds"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    with WIKINEWS.open(encoding="utf-8") as f:
        lines = [line for _, line in zip(range(wikinews), f, strict=False)]
    (folder / "wikinews.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder


def timed(action, until) -> float:
    t0 = time.perf_counter()
    action()
    until()
    return time.perf_counter() - t0


def median_s(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, n={len(xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wikinews", type=int, default=None, help="only the seed and the first N Wikinews articles")
    ap.add_argument("--repeat", type=int, default=5, help="repeats of each interaction")
    ap.add_argument("--ready-timeout", type=float, default=1800, help="seconds to wait for the whole library")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"machine: {machine()}")
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        seeds = seeds_folder(tmp, args.wikinews)
        n_articles = 1 + (args.wikinews if args.wikinews is not None else sum(1 for _ in WIKINEWS.open()))
        port = free_port()
        env = dict(os.environ, SOURCELIGHT_DB=str(tmp / "cold.db"), SOURCELIGHT_SEEDS=str(seeds),
                   HF_HUB_OFFLINE="1", SOURCELIGHT_BACKGROUND="1")  # fmt: skip
        t_start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                while True:
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=1):
                            break
                    except OSError:
                        time.sleep(0.1)
                page.goto(f"{url}/", timeout=600_000)
                page.wait_for_selector(".sl-article", timeout=600_000)
                first = time.perf_counter() - t_start
                print(f"cold start → first article readable (its text): {first:.1f} s   target ≤ 5 s")
                page.wait_for_selector(".sl-article:not(.sl-preview)", timeout=600_000)
                marked = time.perf_counter() - t_start
                print(f"cold start → first article analysed (names, who said what marked): {marked:.1f} s")
                ready = f"Library ready: {n_articles} articles analysed and searchable"
                page.locator("[data-testid='stSidebar']").get_by_text(ready).wait_for(
                    timeout=args.ready_timeout * 1000)
                done = time.perf_counter() - t_start
                print(f"cold start → {n_articles} articles analysed and indexed (sidebar says ready): {done:.1f} s"
                      "   target ≤ 180 s")
                print(f"load average when ready: {load()}")

                ids = [json.loads(line)["id"] for line in WIKINEWS.open(encoding="utf-8")][: max(n_articles - 1, 1)]
                firsts, reruns, sources, steps = [], [], [], []
                for i in range(args.repeat):
                    other = _article_id(env, ids[(i * 7) % len(ids)])
                    firsts.append(timed(lambda other=other: page.goto(f"{url}/read?article={other}"),
                                        lambda: page.wait_for_selector(".sl-article", timeout=120_000)))
                    switch = page.get_by_text("Show who said what")
                    marks = page.locator(".sl-article .sl-content")
                    had = marks.count() > 0
                    reruns.append(timed(switch.click, lambda had=had: page.wait_for_function(
                        f"document.querySelectorAll('.sl-article .sl-content').length {'==' if had else '>'} 0",
                        timeout=120_000)))
                    switch.click()
                    page.wait_for_function("document.querySelectorAll('.sl-article .sl-content').length > 0",
                                           timeout=120_000)
                seed = _article_id(env, None)
                page.goto(f"{url}/read?article={seed}")
                page.wait_for_selector(".sl-article", timeout=120_000)
                page.get_by_role("tab", name="Sources").click()
                box = page.get_by_label("Show only one source's attributions")
                for i in range(args.repeat):
                    box.click()
                    option = page.get_by_role("option").nth(1 + i % 3)
                    sources.append(timed(option.click, lambda: page.wait_for_url("**source=*", timeout=120_000)))
                    page.goto(f"{url}/read?article={seed}")
                    page.wait_for_selector(".sl-article", timeout=120_000)
                    page.get_by_role("tab", name="Sources").click()
                    box = page.get_by_label("Show only one source's attributions")
                page.goto(f"{url}/present?article={seed}")
                page.wait_for_selector(".sl-spot", timeout=120_000)
                page.locator(".sl-present h1").click()  # focus the page, not a widget
                for i in range(args.repeat):
                    steps.append(timed(lambda: page.keyboard.press("ArrowRight"),
                                       lambda i=i: page.wait_for_url(f"**step={i + 1}*", timeout=120_000)))
                print(f"Read page first load (another analysed article): {median_s(firsts)}   target ≤ 2 s")
                print(f"Read page rerun ('Show who said what' switch):  {median_s(reruns)}   target ≤ 0.5 s")
                print(f"choosing a source (reading view, Sources tab):   {median_s(sources)}   target ≤ 0.5 s")
                print(f"a Present step (→):                               {median_s(steps)}   target ≤ 0.5 s")
                print(f"load average at the end: {load()}")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _article_id(env: dict, wikinews_id: str | None) -> str:
    """The library id (hash of the text) of the seed (None) or of a bundled Wikinews article."""
    sys.path.insert(0, str(ROOT))
    from components.store import Store

    store = Store(env["SOURCELIGHT_DB"])
    for s in store.list_articles():
        if (wikinews_id is None and s.origin.endswith(SEED.name)) or (wikinews_id and s.origin.endswith(wikinews_id)):
            return s.id
    raise SystemExit(f"article {wikinews_id or SEED.name} is not in the library")


if __name__ == "__main__":
    main()
