"""The load test (issue 13): concurrent browser sessions read, choose sources and step Present
while another session uploads and analyses a heavy article. Local only, bounded in time.

    .venv/bin/python bench/bench_load.py                          # 10 sessions, 90 s, whole library
    .venv/bin/python bench/bench_load.py --sessions 3 --duration 30 --wikinews 10   # a quick look
    .venv/bin/python bench/bench_load.py --in-process             # the same, analysing on the page's thread

Builds a temporary library of the bundled seeds (``--wikinews N``: the seed article and the first
N Wikinews articles), analysed and indexed beforehand through the command line (``ingest``,
``index``), then starts ``streamlit run dashboard/server.py`` (what ``make app`` serves, the
analysis pool and background worker on, as by default) on a free loopback port. One Debian
Chromium drives ``--sessions`` browser contexts, each in a loop for ``--duration`` seconds:

- ``open``: go to ``/read?article=ID`` (a random analysed article) until the text is shown;
- ``rerun``: the "Show who said what" switch, until the marks are gone (or back);
- ``source``: the Sources tab's "Show only one source's attributions", one source chosen,
  until the URL says ``source=``;
- ``present``: ``/present?article=ID``, then → until the URL says ``step=1``.

Meanwhile one more context uploads ``--heavy`` articles on the Library page, one after another
(the issue's reproduction: 5,000 nested quotation marks, 114 KB; each copy made distinct), and
opens each on the Read page until its analysis is shown. Prints the machine and load average,
p50/p95 latency per interaction kind and overall, also for the interactions made while a heavy
analysis was running, and the errors: exceptions in a page, Streamlit error boxes, timeouts.
Targets: p95 ≤ 1 s, no error, and the heavy upload never blocks the others.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_first_start import ARGS, CHROMIUM, SEED, free_port, load, seeds_folder  # noqa: E402
from bench.bench_reading import machine  # noqa: E402

HEAVY_TEXT = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(5000))
ERROR_BOX = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@dataclass
class Results:
    """Latencies per kind (seconds, with whether a heavy analysis was running) and errors."""

    times: dict[str, list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    heavy_running: bool = False
    heavy: list[str] = field(default_factory=list)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def line(name: str, xs: list[float]) -> str:
    if not xs:
        return f"{name:<26} n=0"
    return f"{name:<26} p50 {pct(xs, 0.5):6.2f} s  p95 {pct(xs, 0.95):6.2f} s  max {max(xs):6.2f} s  n={len(xs)}"


def cli(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "components", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


async def session(n: int, browser, url: str, ids: list[str], seed: str, end: float, res: Results, timeout_ms: int):
    """One reader: open, rerun, choose a source, step Present, in turn, until ``end``."""
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await ctx.new_page()
    page.on("pageerror", lambda exc: res.errors.append(f"session {n}: page exception: {exc}"))
    rnd = random.Random(n)

    async def timed(kind: str, action, until) -> None:
        during = res.heavy_running
        t0 = time.perf_counter()
        try:
            await action()
            await until()
        except Exception as exc:  # noqa: BLE001 - a timeout or a vanished element is an error of the run
            res.errors.append(f"session {n}: {kind}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            return
        res.times[kind].append((time.perf_counter() - t0, during or res.heavy_running))
        boxes = page.locator(ERROR_BOX)
        if await boxes.count():
            res.errors.append(f"session {n}: {kind}: error box: {(await boxes.first.inner_text())[:200]}")

    try:
        while time.monotonic() < end:
            aid = rnd.choice(ids)
            await timed("open", lambda aid=aid: page.goto(f"{url}/read?article={aid}"),
                        lambda: page.wait_for_selector(".sl-article", timeout=timeout_ms))
            marks = page.locator(".sl-article .sl-content")
            had = await marks.count() > 0
            cond = f"document.querySelectorAll('.sl-article .sl-content').length {'==' if had else '>'} 0"
            await timed("rerun", lambda: page.get_by_text("Show who said what").click(),
                        lambda cond=cond: page.wait_for_function(cond, timeout=timeout_ms))
            if time.monotonic() >= end:
                break
            await page.goto(f"{url}/read?article={seed}")
            await page.wait_for_selector(".sl-article", timeout=timeout_ms)
            await page.get_by_role("tab", name="Sources").click()
            await page.get_by_label("Show only one source's attributions").click()
            option = page.get_by_role("option").nth(1 + rnd.randrange(3))
            await timed("source", option.click, lambda: page.wait_for_url("**source=*", timeout=timeout_ms))
            await page.goto(f"{url}/present?article={seed}")
            await page.wait_for_selector(".sl-spot", timeout=timeout_ms)
            await page.locator(".sl-present h1").click()  # focus the page, not a widget
            await timed("present", lambda: page.keyboard.press("ArrowRight"),
                        lambda: page.wait_for_url("**step=1*", timeout=timeout_ms))
    except Exception as exc:  # noqa: BLE001 - a step between timed interactions failed
        res.errors.append(f"session {n}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        await ctx.close()


async def uploader(
    browser, url: str, copies: int, res: Results, tmp: Path, start_after: float, heavy_timeout_ms: int
) -> None:
    """Upload ``copies`` heavy articles one after another and open each until it is analysed."""
    from components.articles import load_bytes

    await asyncio.sleep(start_after)
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await ctx.new_page()
    page.on("pageerror", lambda exc: res.errors.append(f"uploader: page exception: {exc}"))
    try:
        for k in range(copies):
            data = (HEAVY_TEXT + f"\n\nCopy {k}.").encode()
            path = tmp / f"heavy-{k}.txt"
            path.write_bytes(data)
            [article] = load_bytes(data, path.name).articles
            await page.goto(f"{url}/library")
            await page.locator("input[type=file]").first.set_input_files(str(path))
            t0 = time.perf_counter()
            res.heavy_running = True
            await page.get_by_role("button", name="Add uploaded files").click()
            await page.get_by_text("Added 1 article").first.wait_for(timeout=heavy_timeout_ms)
            added = time.perf_counter() - t0
            await page.goto(f"{url}/read?article={article.id}")
            await page.wait_for_selector(".sl-article", timeout=heavy_timeout_ms)  # pending first, then the text
            res.heavy.append(f"heavy upload {k + 1}: page answered 'added' after {added:.1f} s, "
                             f"analysis shown after {time.perf_counter() - t0:.1f} s")
            res.heavy_running = False
    except Exception as exc:  # noqa: BLE001
        res.errors.append(f"uploader: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        res.heavy_running = False
        await ctx.close()


async def drive(url: str, ids: list[str], seed: str, args, tmp: Path) -> Results:
    from playwright.async_api import async_playwright

    res = Results()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        warm = await browser.new_page()
        await warm.goto(f"{url}/read?article={seed}", timeout=600_000)
        await warm.wait_for_selector(".sl-article", timeout=600_000)  # models loaded before timing
        await warm.close()
        end = time.monotonic() + args.duration
        tasks = [session(n, browser, url, ids, seed, end, res, int(args.timeout * 1000)) for n in range(args.sessions)]
        tasks.append(uploader(browser, url, args.heavy, res, tmp, start_after=min(10, args.duration / 4),
                              heavy_timeout_ms=int(args.heavy_timeout * 1000)))
        await asyncio.gather(*tasks)
        await browser.close()
    return res


def wait_listening(proc: subprocess.Popen, port: int, seconds: float = 300) -> None:
    """Wait until the server answers its health check (it exits: stop with its status)."""
    import urllib.request

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with status {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer on port {port} within {seconds:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10, help="concurrent reading sessions (browser contexts)")
    ap.add_argument("--duration", type=float, default=90, help="seconds the readers run")
    ap.add_argument("--heavy", type=int, default=1, help="heavy articles uploaded one after another")
    ap.add_argument("--wikinews", type=int, default=None, help="only the seed and the first N Wikinews articles")
    ap.add_argument("--timeout", type=float, default=30, help="seconds before an interaction counts as an error")
    ap.add_argument("--heavy-timeout", type=float, default=600,
                    help="seconds a heavy upload may take to be added, and again to show its analysis")
    ap.add_argument("--in-process", action="store_true",
                    help="analyse on the page's thread (SOURCELIGHT_ANALYSIS_PROCESS=0), for comparison")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` or kill: still stop the server

    print(f"machine: {machine()}")
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        seeds = seeds_folder(tmp, args.wikinews)
        env = dict(os.environ, SOURCELIGHT_DB=str(tmp / "load.db"), SOURCELIGHT_SEEDS=str(seeds), HF_HUB_OFFLINE="1")
        if args.in_process:
            env["SOURCELIGHT_ANALYSIS_PROCESS"] = "0"
        t = time.perf_counter()
        cli(env, "ingest", str(seeds))
        cli(env, "index")
        print(f"library analysed and indexed beforehand (CLI): {time.perf_counter() - t:.0f} s")
        from components.store import Store

        summaries = Store(env["SOURCELIGHT_DB"]).list_articles()
        ids = [s.id for s in summaries]
        seed = next(s.id for s in summaries if s.origin.endswith(SEED.name))
        port = free_port()
        log = (tmp / "server.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_listening(proc, port)
            res = asyncio.run(drive(f"http://127.0.0.1:{port}", ids, seed, args, tmp))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        print(f"{args.sessions} sessions for {args.duration:.0f} s over {len(ids)} articles, "
              f"{args.heavy} heavy upload(s) (5,000 nested quotes, 114 KB), analysis "
              + ("on the page's thread" if args.in_process else "in the pool of child processes"))
        for text in res.heavy:
            print(text)
        everything: list[float] = []
        during: list[float] = []
        for kind in ("open", "rerun", "source", "present"):
            xs = [s for s, _ in res.times[kind]]
            everything += xs
            during += [s for s, busy in res.times[kind] if busy]
            print(line(kind, xs))
        print(line("overall", everything) + "   target p95 ≤ 1 s")
        print(line("overall, during heavy", during))
        print(f"errors: {len(res.errors)}   target 0")
        for e in res.errors[:20]:
            print(f"  {e}")
        print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
