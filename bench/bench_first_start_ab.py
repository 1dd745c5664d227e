"""Issue 12's two unmet targets, two checkouts side by side: each round starts one checkout's app,
then the other's (the order alternates), so a loaded machine weighs on both alike.

    .venv/bin/python bench/bench_first_start_ab.py --base /tmp/first-base cold 3   # (a)
    .venv/bin/python bench/bench_first_start_ab.py --base /tmp/first-base read 2   # (b)

``cold``: ``streamlit run dashboard/app.py`` over an empty database with the seed and the first
``--wikinews`` bundled articles and the background worker on; the time from starting the process
to the first article's text (``.sl-article``) on ``/`` in Chromium at 1440x900.
``read``: over a library already analysed and indexed (made once with the CLI, copied for each
run): the seed opened, the sidebar saying the library is ready, then five Read page first loads of
other articles (a new session each, as ``bench_first_start.py`` times them).

Prints each run with the load average, the medians of both checkouts and their ratio. The base
checkout needs its own ``.venv`` (a symlink to the shared one will do).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_first_start import ARGS, CHROMIUM, SEED, WIKINEWS, free_port, load  # noqa: E402
from bench.bench_reading import machine  # noqa: E402


def start(checkout: Path, db: Path, seeds: Path):
    port = free_port()
    env = dict(os.environ, SOURCELIGHT_DB=str(db), SOURCELIGHT_SEEDS=str(seeds), HF_HUB_OFFLINE="1",
               SOURCELIGHT_BACKGROUND="1")  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(checkout / ".venv/bin/python"), "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    return proc, t0, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def prepared_library(folder: Path, seeds: Path) -> Path:
    """The seeds analysed and indexed with this checkout's CLI (the version key is the same on both)."""
    db = folder / "ready.db"
    env = dict(os.environ, SOURCELIGHT_DB=str(db), HF_HUB_OFFLINE="1")
    for verb in (["ingest", str(seeds)], ["index"]):
        subprocess.run([sys.executable, "-m", "components", *verb], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="the other checkout (e.g. a worktree of main)")
    ap.add_argument("mode", choices=["cold", "read"])
    ap.add_argument("rounds", type=int)
    ap.add_argument("--wikinews", type=int, default=40)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from components.store import Store

    sides = {"base": args.base.resolve(), "this": ROOT}
    print(f"machine: {machine()}\nbase: {sides['base']}  this: {ROOT}\nload average at start: {load()}")
    work = Path(tempfile.mkdtemp())
    seeds = work / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    with WIKINEWS.open(encoding="utf-8") as f:
        (seeds / "wikinews.jsonl").write_text("".join(line for _, line in zip(range(args.wikinews), f, strict=False)))
    ready = prepared_library(work, seeds) if args.mode == "read" else None
    ids = [s.id for s in Store(f"sqlite:///{ready}").list_articles()] if ready else []
    res: dict[str, list[float]] = {s: [] for s in sides}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for r in range(args.rounds):
                for side in ["base", "this"] if r % 2 == 0 else ["this", "base"]:
                    tmp = Path(tempfile.mkdtemp(dir=work))
                    db = tmp / "app.db"
                    if ready:
                        shutil.copy(ready, db)
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    at_start = load()
                    proc, t0, url = start(sides[side], db, seeds)
                    try:
                        page.goto(f"{url}/", timeout=600_000)
                        page.wait_for_selector(".sl-article", timeout=600_000)
                        first = time.perf_counter() - t0
                        if args.mode == "cold":
                            res[side].append(first)
                            print(f"round {r} {side}: cold start → first text {first:.2f} s (load {at_start})")
                            continue
                        page.wait_for_selector(".sl-article:not(.sl-preview)", timeout=600_000)
                        page.locator("[data-testid='stSidebar']").get_by_text("Library ready").wait_for(timeout=600_000)
                        times = []
                        for i in range(5):
                            other = ids[1 + (i * 7) % (len(ids) - 1)]
                            t = time.perf_counter()
                            page.goto(f"{url}/read?article={other}")
                            page.wait_for_selector(".sl-article", timeout=120_000)
                            times.append(time.perf_counter() - t)
                        res[side] += times
                        print(f"round {r} {side}: Read first load median {statistics.median(times):.2f} s "
                              f"{[round(x, 2) for x in times]} (load {at_start})")
                    finally:
                        page.close()
                        stop(proc)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {s: statistics.median(v) for s, v in res.items()}
    print(f"medians ({args.mode}): base {med['base']:.2f} s (n={len(res['base'])}), this {med['this']:.2f} s "
          f"(n={len(res['this'])}); this/base = {med['this'] / med['base']:.2f}; load average at the end: {load()}")


if __name__ == "__main__":
    main()
