"""Background work on the library: analyse and index whatever is missing, off the page threads.

``LibraryWorker`` runs two daemon threads, one per job: *analysis* (``analyze_missing``, so the
Sources page and the breakdowns cover the whole library) and *index* (the similarity engine's
``index_articles``, so Search and Similar do). Each job runs when the worker starts and again each
time ``wake`` is called (an article was added), in small chunks so an interrupted run keeps what
it stored and a page reading the store sees the library fill up. ``status`` is a frozen snapshot
(done, total, an estimate of the time left) that any thread may read; nothing here blocks a caller.

The app holds one worker per server process (``dashboard.state.get_worker``); the CLI and the
first-start benchmark may make their own. Given an ``AnalysisPool`` (``components.worker``, what the
app does), the analysis job queues each article in the pool's child processes at background
priority (behind what pages ask for) instead of parsing on its own thread; an article whose
analysis fails there is named in the job's ``error`` and the job goes on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from components.analysis import analyze_articles, pipeline_version
from components.store import Store

#: Articles per analysis chunk (one transaction, one ``nlp.pipe`` call): small, so the page that
#: reads the store sees progress and an interruption loses little.
ANALYSIS_CHUNK = 8
#: Articles per indexing call (each call embeds its new texts and adds them to the index).
INDEX_CHUNK = 8
#: Seconds per article assumed before a job has measured its own rate (2-core machine figures).
PRIOR_SECONDS = {"analysis": 0.3, "index": 0.6}
#: How much lower the worker's threads run than the pages' (Linux niceness): enough that a page
#: rerun goes first, not so much that a shared machine starves the work (10 would).
NICENESS = 2
#: Setting that turns the background worker off (``0``, ``off``, ``false``, ``no``).
BACKGROUND_ENV = "SOURCELIGHT_BACKGROUND"


def background_enabled() -> bool:
    """Whether the app should run the background worker (``SOURCELIGHT_BACKGROUND``, default on)."""
    return os.environ.get(BACKGROUND_ENV, "1").strip().lower() not in {"0", "off", "false", "no"}


@dataclass(frozen=True)
class JobStatus:
    """Where one background job stands.

    ``done`` of ``total`` articles handled in the current run (``total`` 0: nothing to do);
    ``running`` while a run is under way; ``error`` the last run's failure, if any; ``failed``
    the messages of the articles the last run could not analyse (each names its article).
    """

    name: str
    done: int = 0
    total: int = 0
    running: bool = False
    started: float | None = None
    error: str | None = None
    failed: tuple[str, ...] = ()

    @property
    def pending(self) -> int:
        return max(self.total - self.done, 0) if self.running else 0

    @property
    def looking(self) -> bool:
        """Running, and not yet counted what is missing."""
        return self.running and self.total == 0

    def remaining_s(self, now: float | None = None) -> float | None:
        """Estimated seconds left (None when nothing is pending): the run's own rate once it has
        one, else ``PRIOR_SECONDS`` per article."""
        if not self.pending:
            return None
        now = time.monotonic() if now is None else now
        elapsed = now - self.started if self.started is not None else 0.0
        if self.done and elapsed > 0:
            return self.pending * elapsed / self.done
        guess = self.pending * PRIOR_SECONDS.get(self.name, 0.5) - elapsed
        return guess if guess > 0 else None  # slower than the prior: no figure until a batch is done


@dataclass(frozen=True)
class LibraryStatus:
    """Both jobs at one moment."""

    analysis: JobStatus
    index: JobStatus

    @property
    def busy(self) -> bool:
        return self.analysis.running or self.index.running

    def pending_text(self, job: str) -> str | None:
        """"Analysing 40 of 291 articles, about 1 min left" (None when that job has nothing pending)."""
        s = self.analysis if job == "analysis" else self.index
        verb = "Analysing" if job == "analysis" else "Indexing for search"
        if s.looking:
            return f"{verb}: looking for what is missing"
        if not s.pending:
            return None
        return f"{verb}: {s.done} of {s.total} articles, {about(s.remaining_s())}"


def about(seconds: float | None) -> str:
    """A rough duration for people: "about 40 s left", "about 3 min left"."""
    if seconds is None:
        return "estimating the time left"
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    return f"about {round(seconds / 60)} min left"


class LibraryWorker:
    """Analyses and indexes the library's missing articles in two background threads.

    Args:
        store: the library.
        nlp: the loaded spaCy pipeline (only read; shared with the pages).
        similarity: the shared ``SimilarityEngine`` (None: no indexing job).
        first: article ids to handle before the others (the article a first visit opens).
        pool: analyse in this ``components.worker.AnalysisPool`` (None: on the job's own thread).
        version: the version key of the analyses to make; needed when ``nlp`` is None (with a
            pool the pipeline lives in the pool's children, so the caller need not load it).
    """

    def __init__(
        self, store: Store, nlp, similarity=None, *, first: Sequence[str] = (), pool=None, version: str | None = None
    ) -> None:
        if nlp is None and (pool is None or version is None):
            raise ValueError("LibraryWorker needs the loaded pipeline, or a pool and the version key")
        self.store = store
        self.pool = pool
        self.nlp = nlp
        self.similarity = similarity
        self.first = list(first)
        self.version = version or pipeline_version(nlp)
        self._lock = threading.Lock()
        self._status = {"analysis": JobStatus("analysis"), "index": JobStatus("index")}
        self._wake = {name: threading.Event() for name in self._status}
        self._idle = {name: threading.Event() for name in self._status}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ control
    def start(self) -> LibraryWorker:
        """Start both jobs (once); each runs at once, then whenever ``wake`` is called."""
        if self._threads:
            return self
        jobs: dict[str, Callable[[], None]] = {"analysis": self._analyse}
        if self.similarity is not None:
            jobs["index"] = self._index
        else:
            self._idle["index"].set()
        for name, job in jobs.items():
            # Busy from this moment (not from when the thread first runs): a page drawn before the
            # thread has looked must not say the library is ready.
            self._set(name, running=True, done=0, total=0, started=time.monotonic())
            thread = threading.Thread(target=self._loop, args=(name, job), name=f"sourcelight-{name}", daemon=True)
            self._threads.append(thread)
            self._wake[name].set()
            thread.start()
        return self

    def wake(self) -> None:
        """Articles were added: look again for what is missing."""
        for name, event in self._wake.items():
            if name == "analysis" or self.similarity is not None:
                self._idle[name].clear()
                if not self.status_of(name).running:
                    self._set(name, running=True, done=0, total=0, started=time.monotonic())
                event.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for event in self._wake.values():
            event.set()
        for thread in self._threads:
            thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until both jobs have nothing left (True) or ``timeout`` seconds pass (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for event in self._idle.values():
            left = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not event.wait(left):
                return False
        return True

    def status_of(self, name: str) -> JobStatus:
        with self._lock:
            return self._status[name]

    def status(self) -> LibraryStatus:
        with self._lock:
            return LibraryStatus(self._status["analysis"], self._status["index"])

    # ------------------------------------------------------------------ jobs
    def _set(self, name: str, **changes) -> None:
        with self._lock:
            old = self._status[name]
            self._status[name] = JobStatus(**{**old.__dict__, **changes})

    def _loop(self, name: str, job: Callable[[], None]) -> None:
        _lower_priority()
        while not self._stop.is_set():
            self._wake[name].wait()
            if self._stop.is_set():
                return
            self._wake[name].clear()
            try:
                self._set(name, error=None)
                job()
                self._set(name, running=False)
            except Exception as exc:  # noqa: BLE001 — a background thread must never die silently
                self._set(name, running=False, error=f"{exc.__class__.__name__}: {exc}")
            if not self._wake[name].is_set():
                self._idle[name].set()

    def _ordered(self, ids: list[str]) -> list[str]:
        wanted = set(ids)
        first = [i for i in dict.fromkeys(self.first) if i in wanted]
        return first + [i for i in ids if i not in set(first)]

    def _analyse(self) -> None:
        todo = self._ordered(self.store.missing_analyses(self.version))
        self._set("analysis", done=0, total=len(todo), running=bool(todo), started=time.monotonic())
        done, failed = 0, []
        for start in range(0, len(todo), ANALYSIS_CHUNK):
            if self._stop.is_set():
                return
            chunk = todo[start : start + ANALYSIS_CHUNK]
            already = self.store.analysed_ids(self.version)  # a page may have analysed some meanwhile
            if self.pool is not None:
                failed += self._analyse_in_pool([i for i in chunk if i not in already])
            else:
                articles = self.store.get_articles([i for i in chunk if i not in already])
                self.store.put_analyses(analyze_articles(articles, self.nlp))
            done += len(chunk)
            self._set("analysis", done=done)
        self._set("analysis", failed=tuple(failed))  # the pool does not try them again until asked

    def _analyse_in_pool(self, ids: list[str]) -> list[str]:
        """Queue ``ids`` in the pool at background priority and wait; the failures' messages."""
        from components.worker import BACKGROUND

        wanted = set(ids)
        names = {a.id: a.title for a in self.store.list_articles() if a.id in wanted} if ids else {}
        futures = [self.pool.submit(self.store.url, i, name=names.get(i) or i, priority=BACKGROUND) for i in ids]
        failed = []
        for future in futures:
            exc = future.exception()
            if exc is not None:
                failed.append(str(exc))
        return failed

    def _index(self) -> None:
        engine = self.similarity
        todo = self._ordered([s.id for s in self.store.list_articles() if s.id not in engine])
        self._set("index", done=0, total=len(todo), running=bool(todo), started=time.monotonic())
        done = 0
        for start in range(0, len(todo), INDEX_CHUNK):
            if self._stop.is_set():
                return
            chunk = todo[start : start + INDEX_CHUNK]
            articles = [a for a in self.store.get_articles(chunk) if (a.title or "").strip() or a.text.strip()]
            engine.index_articles(articles)
            # An article deleted while its chunk was being embedded must not come back in the index.
            kept = {a.id for a in self.store.get_articles([a.id for a in articles])}
            if gone := [a.id for a in articles if a.id not in kept]:
                engine.remove(gone)
            done += len(chunk)
            self._set("index", done=done)


def _lower_priority() -> None:
    """Let page threads go first on a busy machine: this thread (and the encoder threads it starts)
    runs at a lower scheduling priority where the system allows it (Linux: per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError, PermissionError):
        pass
