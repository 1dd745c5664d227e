"""A CPU sampling profiler for the server process, for measuring where its time goes under load.

Off unless ``SOURCELIGHT_PROFILE_SAMPLES=PATH`` is set (``bench/bench_load.py --profile`` sets it):
then ``dashboard/server.py`` starts one daemon thread that, every few milliseconds, reads each
Python thread's own CPU clock (``time.pthread_getcpuclockid``) and charges the CPU that thread used
since the last sample to the stack it is in now (``sys._current_frames``). A thread that waited
(the event loop in ``epoll``, an idle script thread) used no CPU and is not charged, so the counts
are CPU seconds, not wall time. CPU used in a short burst between two samples is charged to where
the thread is at the second one, often the wait after it: the event loop's ``EpollSelector.select``
stands for its own small callbacks (websocket messages), not for time in the kernel. It also
records the whole process's CPU and that of its native threads (``/proc/self/task``) that Python
cannot see. For script threads (``ScriptRunner``) it also charges the wall time they did *not* use
CPU to their stack (``waits``): where a page's run stands still (a lock, the interpreter lock, a
core taken by others); ``bench/profile_report.py --waits PATH`` prints those. Every few seconds
and at exit it writes PATH as JSON: ``{"process_cpu_s", "sampled_cpu_s", "threads": {name:
cpu_s}, "stacks": {"thread;f1;f2…": cpu_s}, "waits": {…: s}}``;
``bench/profile_report.py PATH`` prints the top stacks and functions.

``SOURCELIGHT_PROFILE_RUNS=PATH`` (also set by ``--profile``) times every whole script run on the
server (``dashboard/app.py`` calls ``run_started`` and ``run_finished``): one JSON line per run,
``{"t": unix start, "s": seconds, "cpu": its thread's CPU seconds, "page": url path, "end": how it
ended}``, the server's own share of an interaction's latency, without the browser's.

Imports no Streamlit: a diagnostic beside the app (the engine's side of the house), not part of any page.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ENV = "SOURCELIGHT_PROFILE_SAMPLES"
RUNS_ENV = "SOURCELIGHT_PROFILE_RUNS"
INTERVAL_S = 0.005
WRITE_EVERY_S = 5.0
MAX_DEPTH = 60

_started = False
_runs_lock = threading.Lock()


def _frame_name(frame) -> str:
    code = frame.f_code
    path = code.co_filename
    for marker in ("site-packages/", "/lib/python3.11/", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{getattr(code, 'co_qualname', code.co_name)} ({path}:{frame.f_lineno})"


def _stack(frame) -> list[str]:
    names: list[str] = []
    while frame is not None and len(names) < MAX_DEPTH:
        names.append(_frame_name(frame))
        frame = frame.f_back
    return names[::-1]


def _process_cpu() -> float:
    t = os.times()
    return t.user + t.system


class Sampler:
    """Charges each Python thread's CPU to its current stack; see the module's docstring."""

    def __init__(self, path: Path, interval: float = INTERVAL_S) -> None:
        self.path, self.interval = path, interval
        self.stacks: dict[str, float] = defaultdict(float)
        self.waits: dict[str, float] = defaultdict(float)  # script threads' wall time without CPU
        self.last_wall = time.monotonic()
        self.threads: dict[str, float] = defaultdict(float)
        self.last: dict[int, float] = {}
        self.clocks: dict[int, int] = {}
        self.start_cpu = _process_cpu()
        self.start_wall = time.monotonic()
        self.samples = 0
        self.own_cpu = 0.0
        self.lock = threading.Lock()

    def _thread_cpu(self, ident: int) -> float | None:
        try:
            clock = self.clocks.get(ident)
            if clock is None:
                clock = self.clocks[ident] = time.pthread_getcpuclockid(ident)
            return time.clock_gettime(clock)
        except (OSError, OverflowError):
            return None

    def sample(self) -> None:
        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        frames = sys._current_frames()
        seen = set()
        now = time.monotonic()
        wall, self.last_wall = now - self.last_wall, now
        with self.lock:
            for ident, frame in frames.items():
                if ident == me:
                    continue
                cpu = self._thread_cpu(ident)
                if cpu is None:
                    continue
                seen.add(ident)
                # A thread first seen after the first sample was born since the last one: all its CPU is new.
                before = self.last.get(ident, 0.0 if self.samples else None)
                self.last[ident] = cpu
                thread = names.get(ident, str(ident)).split("-")[0]
                if before is not None and thread.startswith("ScriptRunner"):
                    waited = wall - max(cpu - before, 0.0)
                    if waited > 0:
                        self.waits[";".join([thread, *_stack(frame)])] += waited
                if before is None or cpu <= before:
                    continue
                used = cpu - before
                self.threads[thread] += used
                self.stacks[";".join([thread, *_stack(frame)])] += used
            for gone in set(self.last) - seen:
                self.last.pop(gone, None)
                self.clocks.pop(gone, None)
            self.samples += 1

    def native_threads(self) -> dict[str, float]:
        """CPU seconds of every OS thread of the process by its name (``/proc/self/task``)."""
        out: dict[str, float] = defaultdict(float)
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc/self/task").glob("*/stat"):
            try:
                head, rest = stat.read_text().rsplit(") ", 1)
                fields = rest.split()
                out[head.split(" (", 1)[1]] += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                continue
        return dict(out)

    def write(self) -> None:
        with self.lock:
            data = {
                "wall_s": time.monotonic() - self.start_wall,
                "process_cpu_s": _process_cpu() - self.start_cpu,
                "sampled_cpu_s": sum(self.threads.values()),
                "samples": self.samples,
                "sampler_cpu_s": self.own_cpu,
                "threads": dict(self.threads),
                "os_threads": self.native_threads(),
                "stacks": dict(self.stacks),
                "waits": dict(self.waits),
            }
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)

    def run(self) -> None:
        next_write = time.monotonic() + WRITE_EVERY_S
        while True:
            time.sleep(self.interval)
            self.own_cpu = time.thread_time()
            try:
                self.sample()
                if time.monotonic() >= next_write:
                    self.write()
                    next_write = time.monotonic() + WRITE_EVERY_S
            except Exception as exc:  # noqa: BLE001 - a diagnostic never takes the server down
                print(f"sampler: {exc.__class__.__name__}: {exc}", file=sys.stderr)
                return


def start_from_env() -> Sampler | None:
    """Start the sampler once per process when ``SOURCELIGHT_PROFILE_SAMPLES`` names a file."""
    global _started
    target = os.environ.get(ENV, "").strip()
    if not target or _started:
        return None
    _started = True
    sampler = Sampler(Path(target))
    threading.Thread(target=sampler.run, name="sourcelight-sampler", daemon=True).start()
    atexit.register(sampler.write)
    return sampler


def run_started() -> tuple[float, float, float] | None:
    """The start of a script run (wall clock, monotonic, this thread's CPU clock), or None when
    runs are not timed."""
    if not os.environ.get(RUNS_ENV):
        return None
    return time.time(), time.perf_counter(), time.thread_time()


def run_finished(started: tuple[float, float, float] | None, page: str, end: str = "done") -> None:
    """Append the run begun at ``started`` to the ``SOURCELIGHT_PROFILE_RUNS`` file: its start, its
    wall seconds (``s``) and the CPU seconds its own thread spent (``cpu``; the rest of ``s`` it
    waited: for the interpreter lock, a core or a lock of its own)."""
    target = os.environ.get(RUNS_ENV, "").strip()
    if started is None or not target:
        return
    line = json.dumps({"t": started[0], "s": time.perf_counter() - started[1],
                       "cpu": time.thread_time() - started[2], "page": page, "end": end})
    with _runs_lock, open(target, "a", encoding="utf-8") as f:
        f.write(line + "\n")
