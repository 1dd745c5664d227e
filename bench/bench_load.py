"""The load test (issue 13): concurrent browser sessions read, choose sources and step Present
while another session uploads and analyses a heavy article. Local only, bounded in time.

    .venv/bin/python bench/bench_load.py                          # 10 sessions, 90 s, whole library
    .venv/bin/python bench/bench_load.py --sessions 3 --duration 30 --wikinews 10   # a quick look
    .venv/bin/python bench/bench_load.py --in-process             # the same, analysing on the page's thread
    .venv/bin/python bench/bench_load.py --navigate app --think 2-5 --browser-nice 10   # analysts inside the app
    .venv/bin/python bench/bench_load.py --library-db LIB.db --app-root /tmp/base       # another checkout, same library
    .venv/bin/python bench/bench_load.py --navigate app --think 2-5 --browser-nice 10 --ramp 20 --profile /tmp/p.json
        # readers arriving over 20 s; where the server's CPU goes: bench/profile_report.py /tmp/p.json
    .venv/bin/python bench/bench_load.py --navigate app --think 2-5 --browser-nice 10 --ramp 20 --warm-tour
        # the window times a reader's later visits: each session has drawn the chart and Present once
    .venv/bin/python bench/bench_load.py --navigate app --think 2-5 --browser-nice 10 --ramp 20 --warm-tour --browsers 2
        # ten readers on the server, two of them in real Chromium beside it, eight at the websocket

Modes (printed with every figure set): ``--navigate reload`` (the default, the hardest: every open
is a ``page.goto``, a new Streamlit session) or ``app`` (one load per session, then the sidebar's
article picker, the Present button and the sidebar's page links: Streamlit's client-side page
switch, one websocket; the extra kinds ``page``, and ``reload`` for a session loading the page
again after a failure); ``--think A-B`` seconds of pause after each interaction; ``--browser-nice
N`` runs the browser below the server, a stand-in for readers on their own machines. A failed
interaction is counted once and its cycle skipped.

Warm-up, then the timed window: sessions arrive spread over ``--ramp`` seconds, and each first
loads the Read page once (timeout ``--first-timeout``, tried again on failure); those first loads
and their failures are printed apart (``--warm-tour``: then also the Sources tab's chart, the
Present page and Read again, once, timed apart: a browser loads the chart's code the first time it
draws one). When every session has loaded (or given up), the timed
window of ``--duration`` seconds opens for all of them at once: every interaction in it counts,
every error in it is reported, and the server's CPU is measured over it. The heavy upload starts
10 s into the window.

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
upload was running (from its upload until the server's children, the analysis pool and the
encoder, have been idle for 2 s after its analysis was shown), the server's answers (each run
request a reader's page sent to the run's last message it received, on the browser's own network
clock: the latency less the browser's drawing), the server's own time and CPU per script run,
and the errors: exceptions in a page, Streamlit error boxes, timeouts.
Targets: p95 ≤ 1 s, no error, and the heavy upload never blocks the others.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
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
#: Until the reading view shows the article titled ``t`` (its heading) and the run is over.
SHOWING = ("([t]) => { const h = document.querySelector('.sl-article h1');"
           " return h && h.textContent === t && !document.querySelector('[data-testid=\"stStatusWidget\"]'); }")
#: Until the Read page is back after Present.
ON_READ = "document.querySelector('.sl-article') && !document.querySelector('.sl-present')"


@dataclass
class Results:
    """Latencies per kind (seconds, with whether a heavy analysis was running) and errors."""

    times: dict[str, list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    warmup: list[float] = field(default_factory=list)  # each session's first load, before the timed window
    warmup_errors: list[str] = field(default_factory=list)
    warmup_tour: list[float] = field(default_factory=list)  # --warm-tour: each session's first Sources/Present
    warmed: int = 0  # sessions done with their warm-up (loaded, or given up)
    measuring: asyncio.Event = field(default_factory=asyncio.Event)  # set when every session is warmed
    window: float = 0.0  # seconds of the timed window (from the last warm-up to the end)
    end: float = float("inf")  # when the timed window ends (monotonic clock), once it has opened
    warmup_cpu: float | None = None  # CPU seconds the server used during the warm-up
    window_load: str = ""  # the load average when the timed window opened
    window_wall: float = 0.0  # the same moment on the wall clock (to match the server's timed runs)
    heavy_running: bool = False
    # The server's answer to each request of a reader's page (seconds, with whether a heavy analysis
    # was running): from the browser sending a run request to receiving that run's last message, both
    # on the browser's own network clock (watch_answers). The latency less the browser's own drawing.
    answers: list[tuple[float, bool]] = field(default_factory=list)
    # --browsers: the wire sessions' answers per kind (request sent → its run's last message received,
    # on this script's clock), with whether a heavy analysis was running
    wire: dict[str, list[tuple[float, bool]]] = field(default_factory=lambda: defaultdict(list))
    heavy: list[str] = field(default_factory=list)
    interrupted: bool = False  # stopped by SIGTERM before the sessions ended
    server_cpu: float | None = None  # CPU seconds the server process used while the readers ran
    children_cpu: float | None = None  # the same for its children alive at the end (the analysis pool)
    browser_cpu: float | None = None  # the same for Playwright's driver and Chromium (alive at the end)
    machine_cpu: float | None = None  # CPU seconds the whole machine was busy (every process, /proc/stat)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Counted(Exception):
    """An interaction failed and its error is already counted: the session starts its next cycle."""


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def line(name: str, xs: list[float]) -> str:
    if not xs:
        return f"{name:<26} n=0"
    return f"{name:<26} p50 {pct(xs, 0.5):6.2f} s  p95 {pct(xs, 0.95):6.2f} s  max {max(xs):6.2f} s  n={len(xs)}"


def cli(env: dict, root: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "components", *args], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def git_head(root: Path) -> str:
    """The checkout's branch and commit, for the report."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
        branch = subprocess.run(["git", "-C", str(root), "branch", "--show-current"], capture_output=True, text=True)
    except OSError:
        return "not a git checkout"
    return f"{branch.stdout.strip() or 'detached'} {out.stdout.strip()[:60]}"


def think_range(text: str) -> tuple[float, float]:
    """``"2-5"`` → (2.0, 5.0); ``"3"`` → (3.0, 3.0); ``"0"`` → no pause."""
    lo, _, hi = text.partition("-")
    a, b = float(lo), float(hi or lo)
    if a < 0 or b < a:
        raise argparse.ArgumentTypeError(f"--think wants seconds 'A-B' with 0 <= A <= B, got {text!r}")
    return a, b


def mode_line(args) -> str:
    """Which mode the figures come from (printed with them, so no figure stands without it)."""
    nav = ("in-app (one full load per session, then the sidebar's article picker, page links and the"
           " Present button: Streamlit's client-side page switch, one websocket)" if args.navigate == "app"
           else "full reload (every open is a page.goto: a new Streamlit session, the bundle reparsed)")
    lo, hi = args.think
    think = "none (no pause between interactions)" if hi == 0 else f"{lo:g}-{hi:g} s, uniform, after each interaction"
    nice = ("the browser at the server's priority" if not args.browser_nice
            else f"Playwright's driver and Chromium at niceness +{args.browser_nice}"
                 " (a stand-in for readers on their own machines)")
    ramp = f"; sessions start spread over {args.ramp:g} s" if args.ramp else ""
    tour = "; warm-up tour (Sources chart, Present, Read) before the window" if args.warm_tour else ""
    wire = ""
    if args.browsers is not None and args.browsers < args.sessions:
        wire = (f"; {args.browsers} of the {args.sessions} sessions in real Chromium, the other "
                f"{args.sessions - args.browsers} at the websocket (wire sessions: readers whose browsers are on "
                f"their own machines, sending what a real reader's page sent, recorded over "
                f"{args.record_cycles} cycles before the warm-up)")
    return f"mode: navigation {nav}; think time {think}; {nice}{ramp}{tour}{wire}"


def warmed_up(res: Results, args) -> None:
    """One more session is done with its warm-up; the last one starts the timed window."""
    res.warmed += 1
    if res.warmed == args.sessions:
        res.window = args.duration
        res.end = time.monotonic() + args.duration
        res.window_load = load()
        res.window_wall = time.time()
        res.measuring.set()


def frame(ev) -> bytes | None:
    """The payload of a DevTools websocket frame event: binary frames only (Streamlit's messages)."""
    import base64

    r = ev.get("response", {})
    return base64.b64decode(r["payloadData"]) if r.get("opcode") == 2 else None


async def watch_answers(page, res: Results) -> None:
    """Time the server's answers on ``page``'s websocket (``res.answers``, timed window only): each
    run request the page sends (a BackMsg ``rerun_script``, not a fragment's automatic rerun) to the
    ``script_finished`` message that ends it (not one ended early for a newer run), both taken from
    Chrome's DevTools network events, whose timestamps are the browser's own: neither the driver's
    relaying nor the browser's drawing is in them. A request superseded before its run finished is
    paired with the newer one."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    cdp = await page.context.new_cdp_session(page)
    sent: dict[str, float] = {}  # websocket request id → when the oldest unanswered run request left

    def on_sent(ev) -> None:
        data = frame(ev)
        if data is None:
            return
        msg = BackMsg.FromString(data)
        if msg.WhichOneof("type") == "rerun_script" and not msg.rerun_script.is_auto_rerun:
            sent.setdefault(ev["requestId"], ev["timestamp"])

    def on_received(ev) -> None:
        data = frame(ev)
        if data is None or ev["requestId"] not in sent:
            return
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") != "script_finished":
            return
        if msg.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
            return  # st.rerun, st.switch_page or a newer request: the answer is the run after it
        t0 = sent.pop(ev["requestId"])
        if res.measuring.is_set() and time.monotonic() < res.end:
            res.answers.append((ev["timestamp"] - t0, res.heavy_running))

    cdp.on("Network.webSocketFrameSent", on_sent)
    cdp.on("Network.webSocketFrameReceived", on_received)
    await cdp.send("Network.enable")


async def session(n: int, browser, url: str, titles: dict[str, str], seed: str, res: Results, args,
                  tape: Tape | None = None, cycles: int | None = None):
    """One reader: arrive (``--ramp``), load the app once (the warm-up, timed apart), then open,
    rerun, choose a source, step Present, in turn, until the timed window ends (or after
    ``cycles`` cycles). ``tape``: every run request the page sends is kept there, under the cycle
    and the interaction it belongs to (the wire sessions' script, ``record``).

    ``args.navigate == "reload"``: every page is a ``page.goto``. ``"app"``: the warm-up's load,
    then the sidebar's article picker, the Present button and the sidebar's page links (a session
    whose page failed loads it again, timed as ``reload``). ``args.think``: a random pause (uniform
    seconds) after each interaction."""
    timeout_ms = int(args.timeout * 1000)
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
    ctx.set_default_timeout(timeout_ms)
    ctx.set_default_navigation_timeout(timeout_ms)
    page = await ctx.new_page()
    page.on("pageerror", lambda exc: res.errors.append(f"session {n}: page exception: {exc}"))
    await watch_answers(page, res)
    if tape is not None:
        await tape.listen(page)
    rnd = random.Random(n)
    ids = list(titles)
    others = [i for i in ids if i != seed] or ids

    async def pause() -> None:
        lo, hi = args.think
        if hi > 0:
            await asyncio.sleep(rnd.uniform(lo, hi))

    async def timed(kind: str, action, until) -> None:
        during = res.heavy_running
        t0 = time.perf_counter()
        try:
            if tape is not None:
                tape.kind = kind
            await action()
            await until()
            if tape is not None:
                tape.kind = None
        except Exception as exc:  # noqa: BLE001 - a timeout or a vanished element is an error of the run
            res.errors.append(f"session {n}: {kind}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            raise Counted from exc  # the rest of this cycle is skipped, not counted again
        res.times[kind].append((time.perf_counter() - t0, during or res.heavy_running))
        boxes = page.locator(ERROR_BOX)
        if await boxes.count():
            res.errors.append(f"session {n}: {kind}: error box: {(await boxes.first.inner_text())[:200]}")
        await pause()

    def showing(aid: str):
        """Until the reading view shows article ``aid`` (its title as the heading) and the run is over."""
        return lambda: page.wait_for_function(SHOWING, arg=[titles[aid]], timeout=timeout_ms)

    async def pick(aid: str) -> None:
        """The sidebar's article picker: open it, enter the start of the title (untimed: the
        browser's own work; entered at once, as a paste, so that twenty keystrokes each filtering
        the list do not load the machine the other readers share), then the timed part, taking
        the option, until the article shows."""
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
        await picker.click()
        await page.keyboard.insert_text(titles[aid][:20])
        await timed("open", page.get_by_role("option", name=titles[aid]).first.click, showing(aid))

    async def rerun() -> None:
        marks = page.locator(".sl-article .sl-content")
        had = await marks.count() > 0
        cond = f"document.querySelectorAll('.sl-article .sl-content').length {'==' if had else '>'} 0"
        await timed("rerun", lambda: page.get_by_text("Show who said what").click(),
                    lambda: page.wait_for_function(cond, timeout=timeout_ms))

    async def source() -> None:
        await page.get_by_role("tab", name="Sources").click()
        await page.get_by_label("Show only one source's attributions").click()
        option = page.get_by_role("option").nth(1 + rnd.randrange(3))
        await timed("source", option.click, lambda: page.wait_for_url("**source=*", timeout=timeout_ms))

    async def step() -> None:
        await page.locator(".sl-present h1").click()  # focus the page, not a widget
        await timed("present", lambda: page.keyboard.press("ArrowRight"),
                    lambda: page.wait_for_url("**step=1*", timeout=timeout_ms))

    async def reload_cycle() -> None:
        aid = rnd.choice(ids)
        await timed("open", lambda: page.goto(f"{url}/read?article={aid}"),
                    lambda: page.wait_for_selector(".sl-article", timeout=timeout_ms))
        await rerun()
        if time.monotonic() >= res.end:
            return
        await page.goto(f"{url}/read?article={seed}")
        await page.wait_for_selector(".sl-article", timeout=timeout_ms)
        await source()
        await page.goto(f"{url}/present?article={seed}")
        await page.wait_for_selector(".sl-spot", timeout=timeout_ms)
        await step()

    async def app_cycle() -> None:
        aid = rnd.choice(others)
        await pick(aid)
        await rerun()
        if time.monotonic() >= res.end:
            return
        await pick(seed)
        await source()
        await timed("page", lambda: page.get_by_role("button", name="Present this article").click(),
                    lambda: page.wait_for_selector(".sl-spot", timeout=timeout_ms))
        await step()
        expand = page.locator("[data-testid='stExpandSidebarButton']")
        if await expand.count() and await expand.is_visible():  # briefing mode folds the sidebar away
            await expand.click()
        nav_read = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Read")
        await timed("page", nav_read.click, lambda: page.wait_for_function(ON_READ, timeout=timeout_ms))

    async def start() -> None:
        await timed("reload", lambda: page.goto(f"{url}/read?article={seed}"),
                    lambda: page.wait_for_selector(".sl-article", timeout=timeout_ms))

    async def warm_up(deadline: float) -> bool:
        """The session's first load, with ``--first-timeout``, tried again until ``deadline``;
        timed and counted apart from the window (``res.warmup``, ``res.warmup_errors``)."""
        first_ms = int(args.first_timeout * 1000)
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                await page.goto(f"{url}/read?article={seed}", timeout=first_ms)
                await page.wait_for_selector(".sl-article", timeout=first_ms)
            except Exception as exc:  # noqa: BLE001 - counted, and tried again
                res.warmup_errors.append(f"session {n}: first load: {exc.__class__.__name__}: "
                                         f"{str(exc).splitlines()[0]}")
                continue
            res.warmup.append(time.perf_counter() - t0)
            if args.warm_tour:
                await tour(first_ms)
            return True
        return False

    async def tour(timeout: int) -> None:
        """``--warm-tour``: once, untimed in the window (``res.warmup_tour``), what a reader's first
        cycle draws for the first time in this browser: the Sources tab with its chart, the Present
        page, back to Read. A failure is a warm-up error; the session then starts the window."""
        t0 = time.perf_counter()
        try:
            await page.get_by_role("tab", name="Sources").click()
            await page.locator(".js-plotly-plot").first.wait_for(timeout=timeout)
            await page.get_by_role("button", name="Present this article").click()
            await page.wait_for_selector(".sl-spot", timeout=timeout)
            expand = page.locator("[data-testid='stExpandSidebarButton']")
            if await expand.count() and await expand.is_visible():
                await expand.click()
            await page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Read").click()
            await page.wait_for_function(ON_READ, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - counted apart, like a first load's failure
            res.warmup_errors.append(f"session {n}: warm-up tour: {exc.__class__.__name__}: "
                                     f"{str(exc).splitlines()[0]}")
            return
        res.warmup_tour.append(time.perf_counter() - t0)

    try:
        arrive = n * args.ramp / max(1, args.sessions)  # --ramp: readers arrive one by one
        deadline = time.monotonic() + args.ramp + 2 * args.first_timeout
        await asyncio.sleep(arrive)
        try:
            loaded = await warm_up(deadline)
        finally:
            warmed_up(res, args)
        await res.measuring.wait()  # every session has loaded (or given up): the timed window opens
        reload_first = args.navigate == "app" and not loaded
        done = 0
        while time.monotonic() < res.end and (cycles is None or done < cycles):
            done += 1
            try:
                if reload_first:
                    await start()
                    reload_first = False
                if tape is not None:
                    tape.cycles.append([])
                await (app_cycle() if args.navigate == "app" else reload_cycle())
            except Exception as exc:  # noqa: BLE001 - an interaction or a step between them failed: start again
                if tape is not None and tape.cycles:
                    tape.cycles.pop()  # a wire session replays whole cycles only
                if not isinstance(exc, Counted):
                    res.errors.append(f"session {n}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
                reload_first = args.navigate == "app"
    finally:
        await ctx.close()


@dataclass
class Tape:
    """What a real reader's page sent (``--browsers``): its first run request, then each cycle's run
    requests in order, each with the interaction it belongs to (``None``: an untimed step between
    interactions, such as opening the Sources tab)."""

    first: bytes | None = None
    cycles: list[list[tuple[str | None, bytes]]] = field(default_factory=list)
    kind: str | None = None  # the interaction under way (session's ``timed``)

    async def listen(self, page) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        cdp = await page.context.new_cdp_session(page)

        def on_sent(ev) -> None:
            data = frame(ev)
            if data is None:
                return
            msg = BackMsg.FromString(data)
            if msg.WhichOneof("type") != "rerun_script" or msg.rerun_script.is_auto_rerun:
                return  # heartbeats; a fragment's own reruns are the wire session's to make (AutoRerun)
            if self.first is None:
                self.first = data
            elif self.cycles:
                self.cycles[-1].append((self.kind, data))

        cdp.on("Network.webSocketFrameSent", on_sent)
        await cdp.send("Network.enable")


async def record(browser, url: str, titles: dict[str, str], seed: str, args) -> Tape:
    """``--browsers``: one more real reader, before the warm-up, goes through ``--record-cycles``
    cycles of the in-app round without pauses; what its page sent is the wire sessions' script."""
    tape = Tape()
    rec = Results()
    rec_args = argparse.Namespace(**vars(args))
    rec_args.sessions, rec_args.think, rec_args.ramp, rec_args.warm_tour = 1, (0.0, 0.0), 0.0, False
    rec_args.duration = 3600.0
    await session(-1, browser, url, titles, seed, rec, rec_args, tape=tape, cycles=args.record_cycles)
    if rec.errors or rec.warmup_errors or tape.first is None or not tape.cycles:
        raise SystemExit("recording the wire sessions' script failed: "
                         + "; ".join((rec.warmup_errors + rec.errors)[:5] or ["nothing recorded"]))
    kinds = [k for c in tape.cycles for k, _ in c]
    print(f"recorded {len(tape.cycles)} cycles of a real reader's page for the wire sessions: "
          f"{len(kinds)} run requests, {sum(k is not None for k in kinds)} of them interactions")
    return tape


#: The Present page's key component names its session's token; a replayed press carries the
#: recording's, which the wire session swaps for its own (same length: the message stays valid).
TOKEN = rb'"token": ?"([0-9a-f]{16})"'


async def wire_session(n: int, url: str, tape: Tape, res: Results, args) -> None:
    """A reader whose browser is on another machine, at the websocket: what a real reader's page
    sent (``tape``), sent again in order, each run request's answer awaited (its ``script_finished``)
    and timed as that interaction; a pause (``--think``) after each interaction. Like a browser it
    tells the server the cacheable messages it has already received, reruns a live fragment as the
    server's ``AutoRerun`` asks (between its own requests) and counts an exception or an error box
    in a run as an error. A failure is counted; the session then connects again and starts over."""
    import re

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    rnd = random.Random(1000 + n)
    host = url.split("//", 1)[1]
    state: dict = {}

    async def ask(ws, msg) -> tuple[float, list[str]]:
        """Send one run request; wait for the end of its run. Returns the seconds and errors seen."""
        rs = msg.rerun_script
        del rs.cached_message_hashes[:]
        rs.cached_message_hashes.extend(sorted(state["cached"]))
        if not rs.is_auto_rerun:
            state["last"] = msg.SerializeToString()
            state["auto"].clear()  # a whole run registers its live fragments again
        t0 = time.perf_counter()
        await ws.send(msg.SerializeToString())
        errors: list[str] = []
        while True:
            left = args.timeout - (time.perf_counter() - t0)
            if left <= 0:
                raise TimeoutError(f"no end of the run within {args.timeout:g} s")
            data = await asyncio.wait_for(ws.recv(), left)
            fm = ForwardMsg.FromString(data)
            what = fm.WhichOneof("type")
            if fm.metadata.cacheable and fm.hash:
                state["cached"].add(fm.hash)
            if what == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                if el.WhichOneof("type") == "exception":
                    errors.append(f"exception: {el.exception.type}: {el.exception.message[:120]}")
                elif el.WhichOneof("type") == "alert" and el.alert.format == el.alert.ERROR:
                    errors.append(f"error box: {el.alert.body[:120]}")
                found = re.search(TOKEN, data) if b"token" in data else None
                if found:
                    state["token"] = found.group(1)
            elif what == "auto_rerun":  # the interval starts again from this run
                interval = fm.auto_rerun.interval
                state["auto"][fm.auto_rerun.fragment_id] = [interval, time.monotonic() + interval]
            elif what == "stop_auto_rerun":
                for fragment in fm.stop_auto_rerun.fragment_ids:
                    state["auto"].pop(fragment, None)
            elif what == "script_finished" and (
                    fm.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN):
                return time.perf_counter() - t0, errors

    def replayed(data: bytes):
        """A recorded request as this session sends it: with its own Present token."""
        if state.get("token"):
            data = re.sub(TOKEN, lambda m: m.group(0)[:-17] + state["token"] + b'"', data)
        return BackMsg.FromString(data)

    async def poll(ws, lock: asyncio.Lock) -> None:
        """A live fragment's ``run_every``, as the browser keeps it: its rerun ``interval`` seconds
        after the run that drew it (or after its last rerun), sent between the reader's requests."""
        while True:
            if not state["auto"]:
                await asyncio.sleep(0.1)
                continue
            fragment, (interval, due) = min(state["auto"].items(), key=lambda kv: kv[1][1])
            if time.monotonic() < due:
                await asyncio.sleep(min(0.1, due - time.monotonic()))
                continue
            async with lock:
                if fragment not in state["auto"] or state["auto"][fragment][1] != due:
                    continue  # a whole run in between drew it again (or not at all)
                msg = BackMsg.FromString(state["last"])
                msg.rerun_script.is_auto_rerun, msg.rerun_script.fragment_id = True, fragment
                _, errors = await ask(ws, msg)
                res.errors += [f"wire session {n}: fragment rerun: {e}" for e in errors]
                if fragment in state["auto"]:
                    state["auto"][fragment] = [interval, time.monotonic() + interval]

    warmed = False

    async def visit() -> None:
        """Connect and load the page (the warm-up's first load; after a failure, a timed
        ``reload``), then the recorded cycles, in a loop, until the window ends."""
        nonlocal warmed
        state.clear()
        state.update(cached=set(), auto={})
        async with connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                           open_timeout=args.timeout) as ws:
            lock = asyncio.Lock()
            poller = asyncio.ensure_future(poll(ws, lock))
            try:
                async with lock:
                    s, errors = await ask(ws, replayed(tape.first))
                if errors:
                    raise RuntimeError(f"first load: {errors[0]}")
                if not warmed:
                    res.warmup.append(s)
                    warmed = True
                    warmed_up(res, args)
                    await res.measuring.wait()
                else:
                    res.times["reload"].append((s, res.heavy_running))
                while True:
                    for cycle in tape.cycles:
                        for kind, data in cycle:
                            if time.monotonic() >= res.end:
                                return
                            during = res.heavy_running
                            async with lock:
                                s, errors = await ask(ws, replayed(data))
                            if kind is None:
                                continue
                            res.wire[kind].append((s, during or res.heavy_running))
                            res.errors += [f"wire session {n}: {kind}: {e}" for e in errors]
                            lo, hi = args.think
                            if hi > 0:
                                await asyncio.sleep(rnd.uniform(lo, hi))
            finally:
                poller.cancel()

    await asyncio.sleep(n * args.ramp / max(1, args.sessions))
    while not warmed or time.monotonic() < res.end:
        try:
            await visit()
            return
        except Exception as exc:  # noqa: BLE001 - counted; then a new session, as a reader reloading
            text = f"wire session {n}: {exc.__class__.__name__}: {(str(exc).splitlines() or [''])[0]}"
            if not warmed:  # its first load: counted apart, like a browser's
                res.warmup_errors.append(text)
                warmed = True
                warmed_up(res, args)
                await res.measuring.wait()
            elif time.monotonic() < res.end:
                res.errors.append(text)

async def uploader(
    browser, url: str, copies: int, res: Results, tmp: Path, start_after: float, heavy_timeout_ms: int,
    heavy_grace: float, server_pid: int,
) -> None:
    """``start_after`` seconds into the timed window, upload ``copies`` heavy articles one after
    another and open each until it is analysed (given up ``heavy_grace`` s after the window). Each
    counts as running (``res.heavy_running``: the interactions "during heavy") from its upload until
    the work it started in the server's children (the analysis pool, the encoder) is over: until
    they have been idle for 2 s after its analysis was shown."""
    from components.articles import load_bytes

    await res.measuring.wait()
    heavy_deadline = res.end + heavy_grace
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
            # pending first (the text unmarked: .sl-preview), then the analysed text; given up once
            # the readers are done and --heavy-grace is spent
            left_ms = int(max(1.0, heavy_deadline - time.monotonic()) * 1000)
            await page.wait_for_selector(".sl-article:not(.sl-preview)", timeout=min(heavy_timeout_ms, left_ms))
            shown = time.perf_counter() - t0
            await children_idle(server_pid, res)
            res.heavy.append(f"heavy upload {k + 1}: page answered 'added' after {added:.1f} s, "
                             f"analysis shown after {shown:.1f} s, the server's children idle again "
                             f"(analysis, encoding) after {time.perf_counter() - t0 - 2:.1f} s")
            res.heavy_running = False
    except Exception as exc:  # noqa: BLE001
        res.errors.append(f"uploader: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        res.heavy_running = False
        await ctx.close()


async def children_idle(server_pid: int, res: Results, quiet: float = 2.0, most: float = 0.1) -> None:
    """Until the server's children (analysis pool, encoder) used under ``most`` CPU seconds in the
    last ``quiet`` seconds, or the window and its grace are over."""
    def used() -> float:
        return sum(cpu_seconds(p) for p in descendants(server_pid))

    marks = [(time.monotonic(), used())]
    while time.monotonic() < res.end + 120:
        await asyncio.sleep(0.5)
        marks.append((time.monotonic(), used()))
        old = [m for m in marks if m[0] <= marks[-1][0] - quiet]
        if old and marks[-1][1] - old[-1][1] < most:
            return


def machine_busy() -> float:
    """CPU seconds the machine has been busy since boot, all cores (``/proc/stat``: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    """Every live process under ``root`` (Linux ``/proc``)."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(") ", 1)  # "PID (COMM) STATE PPID ..."
            children[int(rest.split()[1])].append(int(head.split(" (", 1)[0]))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = set(), [root]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def renice_browser(server_pid: int, niceness: int) -> int:
    """Lower the priority of this script's processes other than the server's: Playwright's driver,
    Chromium and its renderers, every thread of each (Linux's niceness is per thread: a process's
    threads started before it was reniced keep their own; threads and renderers started later
    inherit it). Returns how many processes."""
    server = descendants(server_pid) | {server_pid}
    done = 0
    for pid in descendants(os.getpid()) - server:
        try:
            tids = [int(t.name) for t in Path(f"/proc/{pid}/task").iterdir()]
        except OSError:  # gone meanwhile
            continue
        for tid in tids:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), niceness))
            except OSError:
                continue
        done += 1
    return done


async def drive(url: str, titles: dict[str, str], seed: str, args, tmp: Path, server_pid: int) -> Results:
    from playwright.async_api import async_playwright

    res = Results()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if args.browser_nice:
            print(f"reniced {renice_browser(server_pid, args.browser_nice)} browser processes to +{args.browser_nice}")
        warm = await browser.new_page()
        await warm.goto(f"{url}/read?article={seed}", timeout=600_000)
        await warm.wait_for_selector(".sl-article", timeout=600_000)  # models loaded before timing
        await warm.close()
        browsers = args.sessions if args.browsers is None else args.browsers
        tasks = [session(n, browser, url, titles, seed, res, args) for n in range(browsers)]
        if browsers < args.sessions:
            tape = await record(browser, url, titles, seed, args)
            tasks += [wire_session(n, url, tape, res, args) for n in range(browsers, args.sessions)]
        tasks.append(uploader(browser, url, args.heavy, res, tmp, start_after=min(10, args.duration / 4),
                              heavy_timeout_ms=int(args.heavy_timeout * 1000), heavy_grace=args.heavy_grace,
                              server_pid=server_pid))

        async def server_cpu() -> None:  # the warm-up's CPU, then the timed window's
            warm = cpu_seconds(server_pid)
            await res.measuring.wait()
            before = cpu_seconds(server_pid)
            res.warmup_cpu = before - warm
            kids = {p: cpu_seconds(p) for p in descendants(server_pid)}
            server_tree = descendants(server_pid) | {server_pid}
            browsers = {p: cpu_seconds(p) for p in descendants(os.getpid()) - server_tree}
            busy = machine_busy()
            await asyncio.sleep(max(0.0, res.end - time.monotonic()))
            res.machine_cpu = machine_busy() - busy
            res.server_cpu = cpu_seconds(server_pid) - before
            res.children_cpu = sum(cpu_seconds(p) - kids.get(p, 0.0) for p in descendants(server_pid))
            server_tree = descendants(server_pid) | {server_pid}
            res.browser_cpu = sum(cpu_seconds(p) - browsers.get(p, 0.0) for p in descendants(os.getpid()) - server_tree)

        tasks.append(server_cpu())
        if args.browser_nice:
            async def keep_reniced() -> None:  # renderers forked by the zygote for new contexts
                while time.monotonic() < res.end:
                    renice_browser(server_pid, args.browser_nice)
                    await asyncio.sleep(2)
            tasks.append(keep_reniced())
        # SIGTERM (an outer `timeout`, or a kill): stop the sessions and report what was measured.
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        running = [asyncio.ensure_future(t) for t in tasks]
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait([asyncio.gather(*running), stopper], return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            res.interrupted = True
            for t in running:
                t.cancel()
            await asyncio.gather(*running, return_exceptions=True)
        stopper.cancel()
        await browser.close()
    return res


def server_runs(path: Path, res: Results) -> None:
    """The server's own time per whole script run in the timed window (``SOURCELIGHT_PROFILE_RUNS``,
    written by ``components/sampler.py``; an app without it writes nothing): the server's share of
    the latency, without the browser's."""
    if not path.exists():
        print("server-side script runs: not timed by this app")
        return
    import json

    by_page: dict[str, list[float]] = defaultdict(list)
    warm: list[float] = []
    cpu: list[float] = []
    slow: list[tuple[float, float, float | None, str]] = []
    for text in path.read_text(encoding="utf-8").splitlines():
        run = json.loads(text)
        if res.window_wall <= run["t"] <= res.window_wall + res.window:
            by_page[run["page"] or "home"].append(run["s"])
            if "cpu" in run:  # an app whose sampler times each run's own thread
                cpu.append(run["cpu"])
            slow.append((run["s"], run["t"] - res.window_wall, run.get("cpu"), run["page"] or "home"))
        elif run["t"] < res.window_wall:
            warm.append(run["s"])
    print("server-side, " + line("script runs in the warm-up", warm))
    print("server-side, each whole script run in the timed window (wall time on the server, no browser):")
    for page, xs in sorted(by_page.items()):
        print("  " + line(f"run of {page}", xs))
    print("  " + line("all runs", [x for xs in by_page.values() for x in xs]))
    if cpu:
        print("  " + line("their own thread's CPU", cpu) + "   (the rest of a run's wall time it waited)")
    for s, at, c, page in sorted(slow, reverse=True)[:5]:
        print(f"  slow run: {s:.2f} s of {page}, {at:.0f} s into the window"
              + (f", {c:.2f} s of its thread's CPU" if c is not None else ""))


def picker_titles(db: str) -> tuple[str, dict[str, str]]:
    """The seed article's id, and the titles the sidebar's picker can find an article by: only
    titled articles whose title is unique (and the seed's)."""
    from components.store import Store

    summaries = Store(db).list_articles()
    seed = next(s.id for s in summaries if s.origin.endswith(SEED.name))
    counts = defaultdict(int)
    for s in summaries:
        counts[s.title] += 1
    titles = {s.id: s.title for s in summaries if s.title and counts[s.title] == 1}
    titles.setdefault(seed, next(s.title for s in summaries if s.id == seed))
    return seed, titles


def start_app(root: Path, env: dict, port: int, out) -> subprocess.Popen:
    """``streamlit run dashboard/server.py`` of checkout ``root`` on a loopback ``port`` (what
    ``make app`` serves), its output to ``out``."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/server.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip


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
    ap.add_argument("--first-timeout", type=float, default=120,
                    help="seconds each session's first load (the warm-up, reported apart) may take before it is "
                         "tried again; the warm-up ends after --ramp plus twice this")
    ap.add_argument("--profile", type=Path, default=None, metavar="PATH",
                    help="the server samples where its CPU goes into PATH (components/sampler.py; "
                         "bench/profile_report.py PATH prints it)")
    ap.add_argument("--heavy-timeout", type=float, default=600,
                    help="seconds a heavy upload may take to be added, and again to show its analysis")
    ap.add_argument("--heavy-grace", type=float, default=120,
                    help="seconds after the readers stop that the heavy article may still take to show")
    ap.add_argument("--in-process", action="store_true",
                    help="analyse on the page's thread (SOURCELIGHT_ANALYSIS_PROCESS=0), for comparison")
    ap.add_argument("--navigate", choices=("reload", "app"), default="reload",
                    help="reload: every open is a page.goto (a new session; the default, the hardest); "
                         "app: one load per session, then the sidebar's picker and page links")
    ap.add_argument("--think", type=think_range, default=(0.0, 0.0), metavar="A-B",
                    help="seconds of think time after each interaction, uniform in A-B (default 0: none)")
    ap.add_argument("--warm-tour", action="store_true",
                    help="in the warm-up, after its first load each session also opens the Sources tab (its "
                         "chart), the Present page and Read again once, so that the window times later visits "
                         "(a reader's steady state; the tour is timed apart)")
    ap.add_argument("--ramp", type=float, default=0, metavar="S",
                    help="start the sessions spread evenly over S seconds (default 0: all at once)")
    ap.add_argument("--browser-nice", type=int, default=0, metavar="N",
                    help="run Playwright's driver and Chromium at niceness N (a stand-in for readers' own machines)")
    ap.add_argument("--browsers", type=int, default=None, metavar="K",
                    help="only K of the --sessions readers in real Chromium; the others are wire sessions, "
                         "sending at the websocket what a real reader's page sent (recorded first): readers whose "
                         "browsers are on their own machines, so that the server's load is ten readers' while "
                         "the browsers sharing its cores are K (needs --navigate app; default: all real)")
    ap.add_argument("--record-cycles", type=int, default=6, metavar="N",
                    help="cycles the wire sessions' script is recorded over (each a different article)")
    ap.add_argument("--library-db", type=Path, default=None,
                    help="start from a copy of this SQLite library (built from the same seeds: ingest and index "
                         "then add nothing), to compare runs on one library without analysing it each time; "
                         "when the file does not exist, the library is built and saved there")
    ap.add_argument("--app-root", type=Path, default=ROOT,
                    help="the checkout whose app is served and whose CLI builds the library (compare two branches)")
    args = ap.parse_args()
    if args.browsers is not None and not 0 <= args.browsers <= args.sessions:
        ap.error(f"--browsers wants 0..{args.sessions} (--sessions), got {args.browsers}")
    if args.browsers is not None and args.browsers < args.sessions and args.navigate != "app":
        ap.error("wire sessions (--browsers below --sessions) replay an in-app round: add --navigate app")
    sys.stdout.reconfigure(line_buffering=True)  # piped: each line as it comes, even if killed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` or kill: still stop the server

    print(f"machine: {machine()}")
    print(f"app: {args.app_root.resolve()} ({git_head(args.app_root)})")
    print(mode_line(args))
    print(f"load average at start: {load()}")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        seeds = seeds_folder(tmp, args.wikinews)
        env = dict(os.environ, SOURCELIGHT_DB=str(tmp / "load.db"), SOURCELIGHT_SEEDS=str(seeds), HF_HUB_OFFLINE="1")
        if args.in_process:
            env["SOURCELIGHT_ANALYSIS_PROCESS"] = "0"
        runs = tmp / "runs.jsonl"
        if args.profile:
            env["SOURCELIGHT_PROFILE_SAMPLES"] = str(args.profile.resolve())
        env["SOURCELIGHT_PROFILE_RUNS"] = str(runs)  # the server times its script runs (an app that can)
        t = time.perf_counter()
        if args.library_db and args.library_db.exists():
            shutil.copyfile(args.library_db, env["SOURCELIGHT_DB"])  # the same library for every run
            cli(env, args.app_root, "ingest", str(seeds))  # adds nothing when it was built from these seeds
            cli(env, args.app_root, "index")
            print(f"library copied from {args.library_db}, checked through the CLI: {time.perf_counter() - t:.0f} s")
        else:
            cli(env, args.app_root, "ingest", str(seeds))
            cli(env, args.app_root, "index")
            print(f"library analysed and indexed beforehand (CLI): {time.perf_counter() - t:.0f} s")
            if args.library_db:  # named but not there yet: kept for the next runs
                shutil.copyfile(env["SOURCELIGHT_DB"], args.library_db)
                print(f"library saved as {args.library_db} for the next runs")
        seed, titles = picker_titles(env["SOURCELIGHT_DB"])
        port = free_port()
        log = (tmp / "server.log").open("wb")
        proc = start_app(args.app_root, env, port, log)
        try:
            wait_listening(proc, port)
            res = asyncio.run(drive(f"http://127.0.0.1:{port}", titles, seed, args, tmp, proc.pid))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        print(mode_line(args))
        if res.interrupted:
            print("INTERRUPTED (SIGTERM): the figures below are what was measured until then")
        print(f"{args.sessions} sessions for {args.duration:.0f} s over {len(titles)} articles, "
              f"{args.heavy} heavy upload(s) (5,000 nested quotes, 114 KB), analysis "
              + ("on the page's thread" if args.in_process else "in the pool of child processes"))
        for text in res.heavy:
            print(text)
        print(line("warm-up: first load", res.warmup)
              + f"   (each session's first load, timeout {args.first_timeout:g} s, not in the figures below;"
              f" {len(res.warmup_errors)} failed)")
        if args.warm_tour:
            print(line("warm-up: Sources, Present, Read", res.warmup_tour)
                  + "   (--warm-tour: each session's first chart and Present page, not in the figures below)")
        if res.warmup_cpu is not None:
            print(f"server process CPU during the warm-up: {res.warmup_cpu:.1f} s")
        print(f"timed window: {res.window:.0f} s from the last warm-up, load average then {res.window_load}")
        everything: list[float] = []
        during: list[float] = []
        for kind in ("reload", "open", "rerun", "source", "page", "present"):
            if kind not in res.times:
                continue
            xs = [s for s, _ in res.times[kind]]
            everything += xs
            during += [s for s, busy in res.times[kind] if busy]
            print(line(kind, xs))
        print(line("overall" + (" (real browsers)" if res.wire else ""), everything) + "   target p95 ≤ 1 s")
        print(line("overall, during heavy", during))
        if res.wire:
            wired: list[float] = []
            print("wire sessions (request sent → its run's last message, on this script's clock; no drawing):")
            for kind, xs in sorted(res.wire.items()):
                wired += [s for s, _ in xs]
                print("  " + line(kind, [s for s, _ in xs]))
            print("  " + line("overall", wired) + "   target p95 ≤ 1 s")
            print("  " + line("overall, during heavy", [s for xs in res.wire.values() for s, busy in xs if busy]))
            everything = everything + wired  # the server's CPU per interaction below counts both
        print(line("server's answers", [s for s, _ in res.answers])
              + "   (request sent → its run's last message received, on the browser's network clock)")
        print(line("server's answers, during heavy", [s for s, busy in res.answers if busy]))
        if res.server_cpu is not None:
            n = len(everything)
            print(f"server process CPU in the timed window: {res.server_cpu:.1f} s"
                  + (f" ({res.server_cpu / n:.3f} s per completed interaction, n={n})" if n else "")
                  + f"; its children (analysis pool): {res.children_cpu:.1f} s")
            others = max(0.0, res.machine_cpu - res.server_cpu - res.children_cpu - res.browser_cpu)
            print(f"the rest of the machine in the timed window: Chromium and Playwright {res.browser_cpu:.1f} s, "
                  f"every process together {res.machine_cpu:.1f} s of {os.cpu_count() * res.window:.0f} core-seconds "
                  f"(so other jobs about {others:.1f} s)")
        server_runs(runs, res)
        print(f"errors in the timed window: {len(res.errors)}   target 0")
        for e in res.errors[:20]:
            print(f"  {e}")
        print(f"errors in the warm-up (first loads past {args.first_timeout:g} s, each tried again): "
              f"{len(res.warmup_errors)}")
        for e in res.warmup_errors[:10]:
            print(f"  {e}")
        print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
