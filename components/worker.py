"""Analysis in a separate process, so one heavy article never freezes the other users of a server.

spaCy's parse holds Python's global interpreter lock, so analysing an article on a page's own
thread slows every other session of the same server while it runs. ``AnalysisWorker`` runs
``analysis_for`` in a child process (the pipeline loaded there once) that stores the analysis in
the library; the page's thread only waits on the result (releasing the lock) and then reads it
from the store. Work per article is bounded by ``components.limits`` in the child as anywhere.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from components.records import Article


def _analyse(db_url: str, model: str, article: Article) -> str:
    """In the child: analyse ``article`` with ``model`` and store it in the library at ``db_url``."""
    from components.analysis import analysis_for
    from components.nlp import load_nlp
    from components.store import Store

    store = Store(db_url)
    try:
        return analysis_for(store, load_nlp(model), article).version
    finally:
        store.engine.dispose()


class AnalysisWorker:
    """A pool of analysis processes (one by default), shared by every session of the app.

    Args:
        model: the spaCy pipeline name (the child loads it once).
        processes: how many articles may be analysed at once.
    """

    def __init__(self, model: str, processes: int = 1) -> None:
        self.model, self.processes = model, processes
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.processes, mp_context=mp.get_context("spawn"))

    def submit(self, db_url: str, article: Article) -> Future:
        """Start analysing ``article`` into the library at ``db_url``; the future's result is the
        stored analysis's version."""
        try:
            return self._pool.submit(_analyse, db_url, self.model, article)
        except (BrokenProcessPool, RuntimeError):  # a child died (e.g. killed for memory): start anew
            self._pool = self._new_pool()
            return self._pool.submit(_analyse, db_url, self.model, article)

    def analyse(self, db_url: str, article: Article, timeout: float | None = None) -> str:
        """Analyse ``article`` in a child process and wait; a dead child is reported as such.

        Raises:
            components.errors.SourcelightError: the analysis failed or its process died.
        """
        from components.errors import SourcelightError

        try:
            return self.submit(db_url, article).result(timeout=timeout)
        except BrokenProcessPool:
            self._pool = self._new_pool()
            raise SourcelightError(
                f"article {article.id}: the analysis process stopped (out of memory?); the server goes on"
            ) from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_SHARED: dict[str, AnalysisWorker] = {}
_LOCK = threading.Lock()


def shared_worker(model: str) -> AnalysisWorker:
    """The one worker of this process for ``model`` (every session and library share it)."""
    with _LOCK:
        if model not in _SHARED:
            _SHARED[model] = AnalysisWorker(model)
        return _SHARED[model]
