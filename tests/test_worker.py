"""Analysis in a child process (``components.worker``): the analysis lands in the library, and a
child that dies is one clear error after which the next analysis works."""

from __future__ import annotations

import os
import signal

import pytest

from components.articles import load_paste
from components.errors import SourcelightError
from components.store import Store
from components.worker import AnalysisWorker

pytestmark = pytest.mark.slow


def test_child_process_analyses_into_the_library_and_survives_a_dead_child(tmp_path):
    from components.nlp import model_name

    store = Store(str(tmp_path / "lib.db"))
    [article] = load_paste("Talks resume\n\nThe minister said the talks would resume on Monday in Rome.")
    worker = AnalysisWorker(model_name())
    try:
        version = worker.analyse(store.url, article, timeout=300)
        stored = store.get_analysis(article.id, version)
        assert stored is not None and stored.attributions  # "the minister said ..."
        pids = list(worker._pool._processes)
        assert pids and os.getpid() not in pids
        [other] = load_paste("Second story\n\nOfficials said the bridge would reopen.")
        future = worker.submit(store.url, other)
        os.kill(pids[0], signal.SIGKILL)  # the child is killed (as the kernel does for memory)
        with pytest.raises(Exception):  # noqa: B017 - BrokenProcessPool, or the result if it won the race
            future.result(timeout=300)
            raise RuntimeError("finished before the kill")
        try:
            worker.analyse(store.url, other, timeout=300)
        except SourcelightError as exc:  # the broken pool is reported once, then replaced
            assert "analysis process stopped" in str(exc)
            worker.analyse(store.url, other, timeout=300)
        assert store.get_analysis(other.id, version) is not None
    finally:
        worker.close()
