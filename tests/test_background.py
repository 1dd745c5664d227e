"""The background worker: it analyses and indexes what the library lacks, and again when woken."""

from __future__ import annotations

import time

import pytest

from components.analysis import pipeline_version
from components.articles import load_paste
from components.background import JobStatus, LibraryWorker, about, background_enabled
from components.similarity import SimilarityEngine
from components.store import Store
from tests.test_similarity import FakeEncoder

TEXTS = [
    "Port strike ends\n\nDock workers returned on Monday, union leader Marta Ruiz said.",
    "Rates rise again\n\nThe central bank raised rates, its governor told reporters on Friday.",
    "Bridge reopens\n\n\"It is safe now,\" the city engineer said of the old bridge.",
]


def _article(text):
    return load_paste(text)[0]


@pytest.mark.slow
def test_worker_fills_the_library_and_follows_additions(tmp_path, nlp):
    store = Store(str(tmp_path / "w.db"))
    store.add_articles([_article(t) for t in TEXTS[:2]])
    engine = SimilarityEngine(store.engine, FakeEncoder())
    worker = LibraryWorker(store, nlp, engine, first=[store.list_articles()[-1].id]).start()
    try:
        assert worker.wait_idle(120)
        version = pipeline_version(nlp)
        assert store.missing_analyses(version) == []
        assert all(s.id in engine for s in store.list_articles())
        status = worker.status()
        assert not status.busy and status.analysis.total == 2 and status.analysis.done == 2
        assert status.analysis.error is None and status.index.error is None
        # An article added later is analysed and indexed once the worker is woken.
        added, _ = store.add_articles([_article(TEXTS[2])])
        worker.wake()
        assert worker.wait_idle(120)
        assert store.get_analysis(added[0], version) is not None and added[0] in engine
        assert worker.status().analysis.total == 1
    finally:
        worker.stop()


class BrokenEngine:
    """A similarity engine whose indexing fails: the worker reports it and keeps analysing."""

    def __contains__(self, article_id):
        return False

    def index_articles(self, articles):
        raise OSError("disk full")


@pytest.mark.slow
def test_a_failing_job_is_reported_not_fatal(tmp_path, nlp):
    store = Store(str(tmp_path / "b.db"))
    store.add_articles([_article(TEXTS[0])])
    worker = LibraryWorker(store, nlp, BrokenEngine()).start()
    try:
        assert worker.wait_idle(120)
        status = worker.status()
        assert status.index.error == "OSError: disk full"
        assert status.analysis.error is None and store.missing_analyses(worker.version) == []
    finally:
        worker.stop()


@pytest.mark.slow
def test_an_article_deleted_while_it_is_indexed_does_not_come_back(tmp_path, nlp):
    """An editor deletes an article while the worker embeds its chunk: once the chunk is added,
    the worker sees the article is gone and takes it out again; the others stay indexed."""
    from components.library import delete_article

    store = Store(str(tmp_path / "d.db"))
    ids, _ = store.add_articles([_article(t) for t in TEXTS])
    victim = ids[1]
    engine = SimilarityEngine(store.engine, FakeEncoder())
    real_index = engine.index_articles

    def index_then_delete(articles):
        real_index(articles)
        if any(a.id == victim for a in articles) and store.get_article(victim) is not None:
            delete_article(store, victim, analyst="Ed", similarity=None)  # the race: after embedding

    engine.index_articles = index_then_delete
    worker = LibraryWorker(store, nlp, engine).start()
    try:
        assert worker.wait_idle(120)
        assert store.get_article(victim) is None and victim not in engine
        assert all(i in engine for i in ids if i != victim)
        assert worker.status().index.error is None
    finally:
        worker.stop()


def test_time_left_uses_the_measured_rate_then_the_prior():
    now = time.monotonic()
    running = JobStatus("analysis", done=10, total=40, running=True, started=now - 20)
    assert running.pending == 30 and running.remaining_s(now) == pytest.approx(60)
    fresh = JobStatus("index", done=0, total=10, running=True, started=now)
    assert fresh.remaining_s(now) == pytest.approx(6)
    assert JobStatus("index", done=0, total=10, running=True, started=now - 100).remaining_s(now) is None
    assert JobStatus("index", done=10, total=10).remaining_s(now) is None
    assert about(30) == "about 30 s left" and about(200) == "about 3 min left"
    assert about(None) == "estimating the time left"


@pytest.mark.parametrize("value, on", [("", True), ("1", True), ("0", False), ("off", False), ("No", False)])
def test_the_setting_turns_the_worker_off(monkeypatch, value, on):
    monkeypatch.setenv("SOURCELIGHT_BACKGROUND", value)
    assert background_enabled() is on


def test_a_worker_without_the_pipeline_needs_the_pool_and_the_version(tmp_path):
    # The app hands analysis to the pool's children and never loads spaCy for the worker; without
    # a pool (or without the version key to look for) the worker could analyse nothing.
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with pytest.raises(ValueError, match="pipeline"):
        LibraryWorker(store, None)
    with pytest.raises(ValueError, match="pipeline"):
        LibraryWorker(store, None, pool=object())
    worker = LibraryWorker(store, None, pool=object(), version="v-test")
    assert worker.version == "v-test" and worker.nlp is None
