"""When the sidebar's background-work panel redraws itself (``dashboard.progress.live``): on the
pages that show the whole library and while the library itself is being prepared, but not on a
reader's page because one article was added somewhere else."""

from __future__ import annotations

import pytest

from components.background import JobStatus, LibraryStatus
from dashboard.progress import LIVE_BACKLOG, live


def _status(analysing: int = 0, indexing: int = 0, *, counting: bool = False) -> LibraryStatus:
    analysis = JobStatus("analysis", done=0, total=0 if counting else analysing,
                         running=counting or analysing > 0, started=0.0)
    index = JobStatus("index", done=0, total=indexing, running=indexing > 0, started=0.0)
    return LibraryStatus(analysis, index)


@pytest.mark.parametrize("page", ["read", "present", "annotate", "review"])
def test_one_added_article_does_not_set_readers_polling(page):
    assert not live(_status(analysing=1, indexing=1), page)


@pytest.mark.parametrize("page", ["sources", "search", "story", "library", "briefing"])
def test_pages_over_the_whole_library_follow_the_work(page):
    assert live(_status(analysing=1), page)
    assert live(_status(indexing=1), page)


@pytest.mark.parametrize("page", ["read", "present", "sources"])
def test_a_library_being_prepared_is_followed_on_every_page(page):
    assert live(_status(analysing=LIVE_BACKLOG), page)  # a first start, a bulk import
    assert live(_status(counting=True), page)  # the worker is still counting what is missing


@pytest.mark.parametrize("page", ["read", "sources", None])
def test_nothing_pending_nothing_polls(page):
    assert not live(_status(), page)
