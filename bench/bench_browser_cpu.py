"""What one reader's interactions cost the browser and the server, in CPU seconds (issue 13, Load).

    .venv/bin/python bench/bench_browser_cpu.py                       # 4 cycles, seed + 40 Wikinews articles
    .venv/bin/python bench/bench_browser_cpu.py --cycles 6 --library-db /tmp/LIB.db

One Chromium session, alone on the machine, goes through the load test's in-app cycle
(``bench_load.py --navigate app``): the picker to another article, the "Show who said what"
switch, the picker to the seed, the Sources tab and one source, the Present button, one → step,
the Read link. After each step it waits a second for the page to settle and charges the CPU that
Chromium with Playwright's driver and the server process (with its children) used meanwhile.

Then it prints what that means for the load test on this machine: ``--sessions`` readers, each
pausing ``--think`` seconds after each timed interaction, need ``sessions × CPU per cycle`` core-
seconds per cycle; the machine's cores give that in no less than ``sessions × CPU / cores``
seconds, so a reader's cycle cannot be shorter, and the mean latency of its timed interactions
is at least ``(that − untimed steps' time) / timed steps − think``, with every core busy (p95 is
far above the mean there). Readers on their own machines do not share a core with each other;
this bound is about the load test's rig, the browsers beside the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_first_start import ARGS, CHROMIUM, free_port, seeds_folder  # noqa: E402
from bench.bench_load import (  # noqa: E402
    ON_READ,
    SHOWING,
    cli,
    cpu_seconds,
    descendants,
    git_head,
    picker_titles,
    start_app,
    think_range,
    wait_listening,
)
from bench.bench_reading import machine  # noqa: E402

#: The load test's cycle (bench_load.app_cycle), in order; True: timed there, False: not timed.
STEPS = [
    ("open: picker opened, title entered", False), ("open: option taken", True), ("rerun", True),
    ("open seed: picker opened, title entered", False), ("open seed: option taken", True),
    ("Sources tab and the list opened", False), ("source: option taken", True), ("page: Present", True),
    ("present: → step", True), ("page: Read", True),
]  # fmt: skip


async def run(url: str, server_pid: int, titles: dict[str, str], seed: str, cycles: int, settle: float):
    from playwright.async_api import async_playwright

    me = os.getpid()
    cost: dict[str, list[tuple[float, float, float]]] = defaultdict(list)

    def browser_cpu() -> float:
        server = descendants(server_pid) | {server_pid}
        return sum(cpu_seconds(p) for p in descendants(me) - server)

    def server_cpu() -> float:
        return sum(cpu_seconds(p) for p in descendants(server_pid) | {server_pid})

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await (await browser.new_context(viewport={"width": 1440, "height": 900})).new_page()

        async def step(name: str, action) -> None:
            b0, s0, t0 = browser_cpu(), server_cpu(), time.perf_counter()
            await action()
            wall = time.perf_counter() - t0
            await asyncio.sleep(settle)
            cost[name].append((wall, browser_cpu() - b0, server_cpu() - s0))

        def showing(aid: str):
            return page.wait_for_function(SHOWING, arg=[titles[aid]])

        async def pick(aid: str, what: str) -> None:
            picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first

            async def enter() -> None:
                await picker.click()
                await page.keyboard.insert_text(titles[aid][:20])

            async def take() -> None:
                await page.get_by_role("option", name=titles[aid]).first.click()
                await showing(aid)

            await step(f"{what}: picker opened, title entered", enter)
            await step(f"{what}: option taken", take)

        async def rerun() -> None:
            had = await page.locator(".sl-article .sl-content").count() > 0
            await page.get_by_text("Show who said what").click()
            await page.wait_for_function(
                f"document.querySelectorAll('.sl-article .sl-content').length {'==' if had else '>'} 0")

        async def sources_tab() -> None:
            await page.get_by_role("tab", name="Sources").click()
            await page.get_by_label("Show only one source's attributions").click()

        async def present() -> None:
            await page.get_by_role("button", name="Present this article").click()
            await page.wait_for_selector(".sl-spot")

        async def arrow() -> None:
            await page.locator(".sl-present h1").click()
            await page.keyboard.press("ArrowRight")
            await page.wait_for_url("**step=1*")

        async def back() -> None:
            expand = page.locator("[data-testid='stExpandSidebarButton']")
            if await expand.count() and await expand.is_visible():
                await expand.click()
            await page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Read").click()
            await page.wait_for_function(ON_READ)

        await page.goto(f"{url}/read?article={seed}")
        await page.wait_for_selector(".sl-article", timeout=300_000)
        await asyncio.sleep(3)
        rnd = random.Random(1)
        others = [i for i in titles if i != seed]
        for c in range(cycles):
            await pick(rnd.choice(others), "open")
            await step("rerun", rerun)
            await pick(seed, "open seed")
            await step("Sources tab and the list opened", sources_tab)
            option = page.get_by_role("option").nth(1 + c % 3)

            async def choose(option=option) -> None:
                await option.click()
                await page.wait_for_url("**source=*")

            await step("source: option taken", choose)
            await step("page: Present", present)
            await step("present: → step", arrow)
            await step("page: Read", back)
        await browser.close()
    return cost


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=4)
    ap.add_argument("--settle", type=float, default=1.0, help="seconds after each step before its CPU is read")
    ap.add_argument("--wikinews", type=int, default=40)
    ap.add_argument("--library-db", type=Path, default=None, help="start from a copy of this library (bench_load's)")
    ap.add_argument("--sessions", type=int, default=10, help="readers in the capacity arithmetic")
    ap.add_argument("--think", type=think_range, default=(2.0, 5.0), metavar="A-B", help="their think time")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    print(f"app: {ROOT} ({git_head(ROOT)})")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        seeds = seeds_folder(tmp, args.wikinews)
        env = dict(os.environ, SOURCELIGHT_DB=str(tmp / "lib.db"), SOURCELIGHT_SEEDS=str(seeds), HF_HUB_OFFLINE="1")
        if args.library_db and args.library_db.exists():
            shutil.copyfile(args.library_db, env["SOURCELIGHT_DB"])
        cli(env, ROOT, "ingest", str(seeds))
        cli(env, ROOT, "index")
        seed, titles = picker_titles(env["SOURCELIGHT_DB"])
        port = free_port()
        proc = start_app(ROOT, env, port, subprocess.DEVNULL)
        try:
            wait_listening(proc, port)
            print(f"load average at start: {os.getloadavg()[0]:.2f}")
            cost = asyncio.run(run(f"http://127.0.0.1:{port}", proc.pid, titles, seed, args.cycles, args.settle))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"one session alone, {args.cycles} cycles, CPU charged over each step and {args.settle:g} s after it:")
    per_cycle = {"browser": 0.0, "server": 0.0}
    untimed_wall, timed = 0.0, 0
    for name, is_timed in STEPS:
        rows = cost[name]
        wall = statistics.median(r[0] for r in rows)
        b, s = statistics.mean(r[1] for r in rows), statistics.mean(r[2] for r in rows)
        per_cycle["browser"] += b
        per_cycle["server"] += s
        timed += is_timed
        untimed_wall += 0 if is_timed else wall
        print(f"  {name:<42} {'timed  ' if is_timed else 'untimed'}  wall {wall:5.2f} s   "
              f"browser {b:5.2f} s   server {s:5.2f} s   (n={len(rows)})")
    total = per_cycle["browser"] + per_cycle["server"]
    print(f"per cycle: browser {per_cycle['browser']:.2f} s, server {per_cycle['server']:.2f} s of CPU "
          f"(the browser {per_cycle['browser'] / total:.0%})")
    cores = os.cpu_count() or 1
    think = sum(args.think) / 2
    shortest = args.sessions * total / cores
    floor = (shortest - untimed_wall) / timed - think
    print(f"{args.sessions} such readers on {cores} cores, think {args.think[0]:g}-{args.think[1]:g} s: a cycle "
          f"takes at least {shortest:.1f} s with every core busy, so the mean latency of its {timed} timed "
          f"interactions is at least {max(floor, 0):.2f} s")
    cycle = timed * think + untimed_wall  # a cycle's length without any latency
    print(f"the server alone (the readers' browsers on their own machines) needs "
          f"{args.sessions * per_cycle['server'] / cycle:.2f} of the {cores} cores for the same readers")


if __name__ == "__main__":
    main()
