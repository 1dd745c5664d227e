"""Analysis in child processes, so one heavy article never freezes the other users of a server.

spaCy's parse holds Python's global interpreter lock, so analysing an article on a page's own
thread slows every other session of the same server while it runs, and an article that blows up
(too slow, too much memory) would take the server with it. ``AnalysisPool`` keeps a bounded pool
of child processes (``python -m components.worker``, each loading the pipeline once) that analyse
one library article at a time and store the analysis themselves; the server only queues article
ids and reads the results from the store. Every article has a deadline and a memory limit: a
child over either is killed, and the article's future fails with one message naming it
(``AnalysisFailed``) while the pool starts a fresh child for the next one. An article that failed
is remembered and not tried again until asked (``retry=True``), so reopening it costs nothing.

Pages ask without waiting (``submit``, ``in_flight``) and show a pending state; the background
worker (``components.background``) queues behind them at a lower priority. The CLI and the tests
that need it keep the in-process path (``components.analysis``). The children talk JSON lines
over pipes (never pickle): the request names a database URL and an article id, the reply the
stored analysis's version or the error. The memory limit is checked on Linux (``/proc``).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from components.errors import SourcelightError

ROOT = Path(__file__).resolve().parent.parent

#: Settings: ``SOURCELIGHT_ANALYSIS_PROCESS`` (``0`` analyses on the page's thread, as the CLI
#: does), the pool's size, the per-article deadline (seconds) and memory limit (MB of one child).
PROCESS_ENV = "SOURCELIGHT_ANALYSIS_PROCESS"
PROCESSES_ENV = "SOURCELIGHT_ANALYSIS_PROCESSES"
DEADLINE_ENV = "SOURCELIGHT_ANALYSIS_DEADLINE"
MEMORY_ENV = "SOURCELIGHT_ANALYSIS_MEMORY_MB"
#: Within the limits of ``components.limits`` the worst article costs seconds on 2 cores; a
#: minute is far above that, and low enough that a stuck child is noticed.
DEFAULT_DEADLINE_S = 120.0
#: A child holding the small English pipeline uses about 300 MB; the worst bounded article a
#: few hundred more (the 5,000-nested-quotes article took 3.7 GB before the limits).
DEFAULT_MEMORY_MB = 2000
#: How long a new child may take to load the pipeline before it is given up (a loaded machine).
STARTUP_S = 300.0
#: Seconds between checks of a running child's memory and deadline.
POLL_S = 0.2
#: The children run at a lower scheduling priority than the server (Linux niceness), so the pages'
#: reruns go first on a busy machine.
NICENESS = 5

#: Priorities: what a page waits for goes before the background worker's backlog.
INTERACTIVE, BACKGROUND = 0, 1


class AnalysisFailed(SourcelightError):
    """One article's analysis failed in its child process (too slow, too big, or the child died);
    the message names the article. The server goes on."""


def process_enabled() -> bool:
    """Whether the app analyses in child processes (``SOURCELIGHT_ANALYSIS_PROCESS``, default on)."""
    return os.environ.get(PROCESS_ENV, "1").strip().lower() not in {"0", "off", "false", "no"}


@dataclass(frozen=True)
class PoolLimits:
    """The pool's size and what one article may cost in it."""

    processes: int = 1
    deadline_s: float = DEFAULT_DEADLINE_S
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> PoolLimits:
        """The settings' limits: by default one process per core beyond the first (at least
        one, at most two), ``DEFAULT_DEADLINE_S`` and ``DEFAULT_MEMORY_MB``.

        Raises:
            SourcelightError: a setting is not a positive number.
        """
        default_processes = max(1, min(2, (os.cpu_count() or 1) - 1))

        def number(name: str, default: float, kind=float):
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            try:
                value = kind(raw)
            except ValueError:
                value = 0
            if value <= 0:
                raise SourcelightError(f"{name}={raw!r}: expected a positive number")
            return value

        return cls(
            processes=number(PROCESSES_ENV, default_processes, int),
            deadline_s=number(DEADLINE_ENV, DEFAULT_DEADLINE_S),
            memory_mb=number(MEMORY_ENV, DEFAULT_MEMORY_MB, int),
        )


@dataclass
class _Job:
    db_url: str
    article_id: str
    name: str
    future: Future
    started: float | None = None


def child_env() -> dict[str, str]:
    """The environment of a child process of the app's (``python -m components.…``): this
    process's, offline for the models, with the checkout on the import path."""
    return dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))


class _Child:
    """One child process and the bytes it has written that are not a whole line yet."""

    def __init__(self, model: str) -> None:
        env = child_env()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "components.worker", model],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
        )  # fmt: skip
        self._buffer = b""
        self.version: str | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: dict) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def read_line(self, timeout: float) -> dict | None:
        """The next line the child writes, or None after ``timeout`` s; EOFError when it died."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        end = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = end - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def rss_mb(self) -> float | None:
        """The child's resident memory (Linux ``/proc``; None elsewhere or when it is gone)."""
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            return None
        return None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass


def _exit_text(code: int | None) -> str:
    if code is None:
        return "stopped answering"
    if code < 0:
        return f"was killed by signal {-code}" + (" (out of memory?)" if -code == 9 else "")
    return f"exited with status {code}"


class AnalysisPool:
    """A bounded pool of analysis processes shared by every session of the app.

    Args:
        model: the spaCy pipeline name (each child loads it once).
        limits: the number of processes, the per-article deadline and memory limit.
    """

    def __init__(self, model: str, limits: PoolLimits | None = None) -> None:
        self.model = model
        self.limits = limits or PoolLimits()
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._jobs: dict[tuple[str, str], _Job] = {}  # queued or running, by (database, article)
        self._failed: dict[tuple[str, str], str] = {}
        self._children: list[_Child | None] = [None] * self.limits.processes
        self._threads: list[threading.Thread] = []
        self._closed = False

    # ------------------------------------------------------------------ asking
    def submit(
        self, db_url: str, article_id: str, *, name: str = "", priority: int = INTERACTIVE, retry: bool = False
    ) -> Future:
        """Queue ``article_id`` (already in the library at ``db_url``) for analysis; its future's
        result is the stored analysis's version. Never waits. An article already queued or
        running gets the same future; one that failed before fails again at once with the same
        message unless ``retry``.
        """
        key = (db_url, article_id)
        with self._lock:
            if self._closed:
                raise SourcelightError("the analysis pool is closed")
            job = self._jobs.get(key)
            if job is not None:
                return job.future
            future: Future = Future()
            if key in self._failed and not retry:
                future.set_exception(AnalysisFailed(self._failed[key]))
                return future
            self._failed.pop(key, None)
            job = _Job(db_url, article_id, name or article_id[:12], future)
            self._jobs[key] = job
            self._start_threads()
        self._queue.put((priority, next(self._order), job))
        return future

    def analyse(self, db_url: str, article_id: str, *, name: str = "", timeout: float | None = None) -> str:
        """Analyse one article in a child process and wait for it.

        Raises:
            AnalysisFailed: the analysis failed, took too long or too much memory, or its child died.
        """
        return self.submit(db_url, article_id, name=name, retry=True).result(timeout=timeout)

    def in_flight(self, db_url: str, ids: Iterable[str] | None = None) -> dict[str, float | None]:
        """The articles of ``db_url`` queued or being analysed (among ``ids``), each with the
        seconds its analysis has been running (None while queued)."""
        wanted = None if ids is None else set(ids)
        now = time.monotonic()
        with self._lock:
            return {
                aid: (None if job.started is None else now - job.started)
                for (url, aid), job in self._jobs.items()
                if url == db_url and (wanted is None or aid in wanted)
            }

    def failures(self, db_url: str, ids: Iterable[str] | None = None) -> dict[str, str]:
        """The articles of ``db_url`` whose analysis failed (among ``ids``), with the message."""
        wanted = None if ids is None else set(ids)
        with self._lock:
            return {aid: msg for (url, aid), msg in self._failed.items()
                    if url == db_url and (wanted is None or aid in wanted)}

    def child_pids(self) -> list[int]:
        """The process ids of the running children (for tests and diagnostics)."""
        return [c.pid for c in self._children if c is not None and c.alive()]

    def close(self) -> None:
        """Stop the children; queued analyses fail as cancelled."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for _ in self._threads:
            self._queue.put((-1, next(self._order), None))
        for job in jobs:
            job.future.cancel()
        for i, child in enumerate(self._children):
            if child is not None:
                child.kill()
                self._children[i] = None

    # ------------------------------------------------------------------ the slots
    def _start_threads(self) -> None:
        if self._threads:
            return
        for slot in range(self.limits.processes):
            t = threading.Thread(target=self._serve, args=(slot,), name=f"sourcelight-analysis-{slot}", daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, slot: int) -> None:
        while True:
            _, _, job = self._queue.get()
            if job is None or self._closed:
                return
            if not job.future.set_running_or_notify_cancel():
                self._forget(job)
                continue
            try:
                version = self._run(slot, job)
            except AnalysisFailed as exc:
                with self._lock:
                    self._failed[(job.db_url, job.article_id)] = str(exc)
                self._forget(job)
                job.future.set_exception(exc)
            except BaseException as exc:  # noqa: BLE001 - a slot thread must never die silently
                self._forget(job)
                job.future.set_exception(AnalysisFailed(f"“{job.name}”: the analysis failed: {exc}"))
            else:
                self._forget(job)
                job.future.set_result(version)

    def _forget(self, job: _Job) -> None:
        with self._lock:
            if self._jobs.get((job.db_url, job.article_id)) is job:
                del self._jobs[(job.db_url, job.article_id)]

    def _child(self, slot: int, job: _Job) -> _Child:
        child = self._children[slot]
        if child is not None and child.alive():
            return child
        if child is not None:
            child.kill()
        child = _Child(self.model)
        self._children[slot] = child
        try:
            ready = child.read_line(STARTUP_S)
        except EOFError:
            ready = {"error": f"it {_exit_text(child.proc.poll())}"}
        if not ready or "ready" not in ready:
            child.kill()
            self._children[slot] = None
            why = (ready or {}).get("error") or f"it did not start within {STARTUP_S:.0f} s"
            raise AnalysisFailed(f"“{job.name}”: the analysis process could not start: {why}")
        child.version = ready["ready"]
        return child

    def _run(self, slot: int, job: _Job) -> str:
        child = self._child(slot, job)
        limits = self.limits
        with self._lock:
            job.started = time.monotonic()
        child.send({"db": job.db_url, "id": job.article_id})
        deadline = job.started + limits.deadline_s
        while True:
            if self._closed:
                child.kill()
                raise AnalysisFailed(f"“{job.name}”: the server stopped before its analysis finished")
            rss = child.rss_mb()
            if rss is not None and rss > limits.memory_mb:
                child.kill()
                self._children[slot] = None
                raise AnalysisFailed(
                    f"“{job.name}”: the analysis needed more than {limits.memory_mb:,} MB of memory "
                    "and was stopped; the article stays in the library unanalysed and the server goes on"
                )
            try:
                reply = child.read_line(min(POLL_S, max(deadline - time.monotonic(), 0.001)))
            except EOFError:
                code = child.proc.wait(timeout=10)
                child.kill()
                self._children[slot] = None
                raise AnalysisFailed(
                    f"“{job.name}”: the analysis process {_exit_text(code)} while analysing it; "
                    "the article stays in the library unanalysed and the server goes on"
                ) from None
            if reply is not None:
                if reply.get("ok"):
                    return str(reply["version"])
                raise AnalysisFailed(f"“{job.name}”: the analysis failed: {reply.get('error')}")
            if time.monotonic() >= deadline:
                child.kill()
                self._children[slot] = None
                raise AnalysisFailed(
                    f"“{job.name}”: the analysis took longer than {limits.deadline_s:g} s and was "
                    "stopped; the article stays in the library unanalysed and the server goes on"
                )


_SHARED: dict[tuple[str, PoolLimits], AnalysisPool] = {}
_SHARED_LOCK = threading.Lock()


def shared_pool(model: str, limits: PoolLimits | None = None) -> AnalysisPool:
    """The one pool of this process for ``model`` and ``limits`` (default: the settings'),
    shared by every session and library (requests name their database)."""
    limits = limits or PoolLimits.from_env()
    with _SHARED_LOCK:
        pool = _SHARED.get((model, limits))
        if pool is None:
            pool = _SHARED[(model, limits)] = AnalysisPool(model, limits)
        return pool


@atexit.register
def _close_shared() -> None:
    for pool in list(_SHARED.values()):
        pool.close()


# ---------------------------------------------------------------------- the child process
def child_main(model: str) -> int:
    """In the child: load ``model``, say ``{"ready": version}``, then analyse each requested
    ``{"db": URL, "id": ARTICLE_ID}`` into that library and answer ``{"ok": true, "version": V}``
    or ``{"ok": false, "error": MESSAGE}``. Ends when the parent closes the pipe."""
    proto = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to the log, not the protocol
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):
        pass

    def say(message: dict) -> None:
        proto.write(json.dumps(message) + "\n")
        proto.flush()

    try:
        from components.analysis import analysis_for, pipeline_version
        from components.nlp import load_nlp
        from components.store import Store

        nlp = load_nlp(model)
    except Exception as exc:  # noqa: BLE001 - told to the parent, which reports it
        say({"error": f"{exc.__class__.__name__}: {exc}"})
        return 1
    say({"ready": pipeline_version(nlp)})
    stores: dict[str, Store] = {}
    for line in sys.stdin:
        try:
            request = json.loads(line)
            url, aid = str(request["db"]), str(request["id"])
            store = stores.get(url) or stores.setdefault(url, Store(url))
            article = store.get_article(aid)
            if article is None:
                raise SourcelightError(f"article {aid} is not in the library")
            say({"ok": True, "version": analysis_for(store, nlp, article).version})
        except MemoryError:
            say({"ok": False, "error": "it ran out of memory"})
        except Exception as exc:  # noqa: BLE001 - one article's failure, reported by name upstream
            say({"ok": False, "error": f"{exc.__class__.__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1]))
