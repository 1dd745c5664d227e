"""Cached resources shared by every page and session: the store, the spaCy pipeline, the seeds.

Streamlit shares ``st.cache_resource`` objects across sessions and threads: the Store's engine is
thread-safe (a connection pool) and the spaCy pipeline is only read. Loading the bundled seeds
inserts only articles the library does not have yet, so a restart costs one query. Articles are
analysed in the shared pool of child processes (``components.worker``), so a heavy one never
freezes the others: a page asks for an analysis without waiting (``ensure_analysed``) and shows a
pending state while it is made (``AnalysisPending``, drawn by ``dashboard.pending``).
``SOURCELIGHT_ANALYSIS_PROCESS=0`` analyses on the page's own thread instead (as the CLI does).

May import Streamlit, ``components`` and ``dashboard.auth`` (inside functions); every other
``dashboard`` module may import it, so it imports no page, panel or widget.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from typing import TYPE_CHECKING  # noqa: E402

from components.access import EDITOR, User  # noqa: E402
from components.nlp import load_nlp, model_name  # noqa: E402
from components.records import Analysis, Article  # noqa: E402
from components.store import Store  # noqa: E402
from components.worker import INTERACTIVE, AnalysisFailed, AnalysisPool, process_enabled, shared_pool  # noqa: E402

if TYPE_CHECKING:
    from components.corrections import CorrectionsService, EffectiveAnalysis

# What only an analysed page needs (the analysis and corrections modules, pandas through the
# effective read path, numpy and scipy through the pipeline stages) is imported where it is used:
# a cold start's first page shows the article's text after importing little more than the store.

ROOT = Path(__file__).resolve().parent.parent
SEED_ID_FILE = "000_b880dba6bbaee506.txt"


def seeds_dir() -> Path:
    return Path(os.environ.get("SOURCELIGHT_SEEDS", "").strip() or ROOT / "seeds")


@st.cache_resource(show_spinner="Opening the library…")
def get_store() -> Store:
    """The library, with the bundled seeds loaded on first use."""
    from components.articles import load_seeds

    store = Store()
    folder = seeds_dir()
    if folder.is_dir():
        report = load_seeds(folder)
        store.add_articles(report.articles)
    return store


@st.cache_resource(show_spinner="Loading the language model…")
def get_nlp():
    return load_nlp()


@st.cache_resource(show_spinner=False)
def version() -> str:
    """The current pipeline's version key, read from the installed model's meta.json: a page that
    only reads stored analyses (or hands the work to the analysis pool) never loads spaCy itself."""
    from components.analysis import version_of_installed

    return version_of_installed(model_name())


@st.cache_resource
def get_corrections() -> CorrectionsService:
    """Analysts' corrections, notes and tags, over analyses of the current pipeline version."""
    from components.corrections import CorrectionsService

    return CorrectionsService(get_store(), version())


def analysis_ready(article_id: str) -> bool:
    """Whether opening ``article_id`` can draw its analysis at once: it has a stored analysis of
    the current pipeline. When not (a new article; a first start, where the language model is
    still to be loaded too), the reading view shows the text while the analysis is made."""
    return get_store().has_analysis(article_id, version())


class AnalysisPending(Exception):
    """Articles a page needs are being analysed in the pool: the page says so and fills in by
    itself (``dashboard.pending``). ``pending`` maps each id to the seconds its analysis has run
    (None while queued); ``names`` to its title."""

    def __init__(self, pending: dict[str, float | None], names: dict[str, str]) -> None:
        super().__init__(f"{len(pending)} article(s) being analysed")
        self.pending, self.names = pending, names


def analysis_pool() -> AnalysisPool | None:
    """The shared analysis pool, or None where articles are analysed on the page's thread
    (``SOURCELIGHT_ANALYSIS_PROCESS=0``, or a library in memory that a child cannot open)."""
    if not process_enabled() or ":memory:" in get_store().url:
        return None
    return shared_pool(model_name())


def ensure_analysed(
    ids, *, retry: bool = False, wait: bool = False, priority: int = INTERACTIVE, progress=None
) -> tuple[dict[str, float | None], dict[str, str]]:
    """Make sure the articles ``ids`` have an analysis of the current version.

    In the pool (the default) the missing ones are queued and this returns at once, unless
    ``wait``; on the page's thread (``SOURCELIGHT_ANALYSIS_PROCESS=0``) they are analysed here,
    ``progress(done, total)`` after each. ``retry`` tries again articles whose analysis failed.

    Returns:
        (pending, failed): the ids still being analysed (seconds running, None while queued) and
        those whose analysis failed, with the message naming the article.
    """
    from components.analysis import analyze_missing
    from components.pipeline.stages import analysed_among

    store, v = get_store(), version()
    wanted = list(dict.fromkeys(ids))
    done = analysed_among(store, v, wanted)  # a query the size of the request, not of the library
    missing = [i for i in wanted if i not in done]
    if not missing:
        return {}, {}
    pool = analysis_pool()
    if pool is None:
        analyze_missing(store, get_nlp(), ids=missing, progress=progress)
        return {}, {}
    wanted = set(missing)
    names = {s.id: s.title or s.id for s in store.list_articles() if s.id in wanted}
    futures = [pool.submit(store.url, i, name=names.get(i, i), priority=priority, retry=retry) for i in missing]
    if wait:
        for n, future in enumerate(futures, 1):
            future.exception()  # waits; a failure is in pool.failures below
            if progress:
                progress(n, len(futures))
    return pool.in_flight(store.url, missing), pool.failures(store.url, missing)


def analysis_in_flight(ids) -> dict[str, float | None]:
    """Which of ``ids`` the pool is analysing now (empty on the in-process path)."""
    pool = analysis_pool()
    return {} if pool is None else pool.in_flight(get_store().url, ids)


def analysis_failures(ids) -> dict[str, str]:
    """Which of ``ids`` the pool could not analyse, with each message (empty on the in-process path)."""
    pool = analysis_pool()
    return {} if pool is None else pool.failures(get_store().url, ids)


def open_effective(article_id: str, *, ready: bool = False) -> tuple[Article, EffectiveAnalysis] | None:
    """The article and its analysis with analysts' corrections applied (model output computed once
    and stored; corrections are a layer read on top, with provenance and what no longer anchors),
    through the one read path every view uses (``components.effective``). ``ready``: the caller
    has just asked ``analysis_ready`` and it is stored, so the store is not asked again.

    Raises:
        AnalysisPending: its analysis is being made in the pool (the page shows a pending state).
        components.worker.AnalysisFailed: its analysis failed (too slow, too big, the child died).
    """
    from components.analysis import analysis_for
    from components.effective import effective_analysis

    store = get_store()
    article = store.get_article(article_id)
    if article is None:
        return None
    if not ready:
        pending, failed = ensure_analysed([article_id])
        if article_id in failed:
            raise AnalysisFailed(failed[article_id])
        if pending:
            raise AnalysisPending(pending, {article_id: article.title or article_id})
        if not store.has_analysis(article_id, version()):  # stored by now, unless analysed on this thread
            analysis_for(store, get_nlp(), article)
    return article, effective_analysis(store, version(), article_id)


def open_articles(article_ids) -> list[tuple[Article, Analysis] | None]:
    """``open_article`` for several articles, queueing every missing analysis at once.

    Raises:
        AnalysisPending: some are being analysed (all of them named).
        components.worker.AnalysisFailed: one failed.
    """
    ids = list(article_ids)
    pending, failed = ensure_analysed(ids)
    if failed:
        raise AnalysisFailed(next(iter(failed.values())))
    if pending:
        names = {s.id: s.title or s.id for s in get_store().list_articles() if s.id in pending}
        raise AnalysisPending(pending, names)
    return [open_article(i) for i in ids]


def open_article(article_id: str) -> tuple[Article, Analysis] | None:
    """The article and its effective analysis (model output + analysts' corrections)."""
    opened = open_effective(article_id)
    return None if opened is None else (opened[0], opened[1].analysis)


ANALYST_KEY = "analyst"
#: The name kept across pages that do not draw the box (briefing mode), where the widget's own
#: state would be dropped.
ANALYST_KEPT = "_analyst_name"


def analyst_box() -> str:
    """Single-user mode only: the sidebar field where the analyst says who they are, kept in the URL
    (``?analyst=``). With sign-in configured the signed-in user is the analyst and this is never drawn."""
    if signed_in_mode():
        return analyst()
    if ANALYST_KEY not in st.session_state:
        st.session_state[ANALYST_KEY] = st.query_params.get("analyst", "") or st.session_state.get(ANALYST_KEPT, "")
    name = st.text_input("Analyst", key=ANALYST_KEY, placeholder="your name — recorded with every change")
    st.session_state[ANALYST_KEPT] = name.strip()
    if name.strip():
        st.query_params["analyst"] = name.strip()
    else:
        st.query_params.pop("analyst", None)
    return name.strip()


def annotate_refusal(no_analyst: str, to_do: str) -> str | None:
    """Why the acting user may not correct analyses here (None when they may): ``no_analyst``
    when nobody is named, else a viewer is told to ask for the analyst role ``to_do`` …"""
    who = user()
    if who is None:
        return no_analyst
    if not who.can("annotate"):
        return (f"You are signed in as {who.name}, a {who.role}: viewers read and present. "
                f"Ask an editor for the analyst role {to_do}.")
    return None


def signed_in_mode() -> bool:
    """Whether sign-in is configured (a users file or an identity provider): then the URL and the
    name box say nothing about who is acting."""
    from dashboard import auth

    return auth.mode() != auth.NONE


def user() -> User | None:
    """Who is acting: the signed-in user (sign-in configured), else, in single-user mode, the name in
    the sidebar box with every right (the only person using this library); None when nobody is named."""
    from dashboard import auth

    if signed_in_mode():
        return auth.signed_in()
    name = str(st.session_state.get(ANALYST_KEY, st.session_state.get(ANALYST_KEPT, ""))).strip()
    return User(name, EDITOR) if name else None


def can(permission: str) -> bool:
    """Whether the acting user holds ``permission`` (``components.access.PERMISSIONS``); pages hide
    or disable the controls they lack. ``components/`` checks again when the change is made."""
    who = user()
    return who is not None and who.can(permission)


def analyst() -> str:
    """The acting analyst's name ('' when nobody is signed in or named yet)."""
    who = user()
    return who.name if who else ""


def default_article_id() -> str | None:
    """The seed article when it is in the library, else the first article."""
    summaries = get_store().list_articles()
    for s in summaries:
        if s.origin.endswith(SEED_ID_FILE):
            return s.id
    return summaries[0].id if summaries else None


def _release_similarity(engine) -> None:
    """When the cached engine is dropped (``st.cache_resource.clear()``), its encoder child stops
    with it, not only when the server exits."""
    engine.close()


@st.cache_resource(show_spinner=False, on_release=_release_similarity)
def get_similarity():
    """The similarity engine over this library (embeddings cached in the store's database).

    With ``SOURCELIGHT_INDEX_DIR`` set, it serves from that index folder (opened in seconds,
    shared by every replica) and appends only the articles it lacks. Otherwise it starts with
    the library's articles whose vectors are already stored (nothing is embedded, the encoder is
    not loaded); the Similar panel's "Build the similarity index" button adds the rest.
    Thread-safe and shared. With analysis in processes (the default), the encoder is a child process
    too (``components.similarity.encoder_process``): the server never imports torch.
    """
    from components.similarity import SimilarityEngine
    from components.similarity.engine import index_dir_setting

    encoder = None
    if process_enabled():
        import atexit

        from components.similarity.encoder_process import ChildEncoder

        encoder = ChildEncoder()
        atexit.register(encoder.close)
    store = get_store()
    folder = index_dir_setting()  # SOURCELIGHT_INDEX_DIR: open the shared index folder
    if folder is None:
        engine = SimilarityEngine(store.engine, encoder)
        engine.index_articles(store.get_articles(), cached_only=True)
        return engine
    engine = SimilarityEngine(store.engine, encoder, index_dir=folder, texts=lambda i: store.get_article(i).text)
    missing = [s.id for s in store.list_articles() if s.id not in engine]
    engine.index_articles(store.get_articles(missing), cached_only=True)
    return engine


def similarity_missing() -> int:
    """How many library articles the similarity engine does not hold yet."""
    engine = get_similarity()
    return sum(1 for s in get_store().list_articles() if s.id not in engine)


@st.cache_resource(show_spinner=False)
def get_stories():
    """The library's stories (shared; thread-safe). Vectors come from the similarity engine when it
    holds them, so stories use embeddings once the library is indexed."""
    from components.stories.service import StoryService

    return StoryService(get_store(), get_similarity().vector)


def story_comparison(story_id: str):
    """One story's comparison over its articles' corrected analyses (analysing any not yet analysed).

    Raises:
        AnalysisPending: some of its articles are being analysed.
    """
    from components.stories.compare import compare_story, story_items

    svc = get_stories()
    story = svc.story(story_id)
    store = get_store()
    pending, _failed = ensure_analysed(story.article_ids)  # a failed one is left out and named by the page
    if pending:
        names = {s.id: s.title or s.id for s in store.list_articles() if s.id in pending}
        raise AnalysisPending(pending, names)
    return compare_story(story, story_items(store, version(), story.article_ids), stored=get_similarity().embedded)


@st.cache_resource(show_spinner=False)
def get_worker():
    """The background worker of this server process: analyses and indexes whatever the library
    lacks, from the first page view on (None when ``SOURCELIGHT_BACKGROUND`` turns it off).

    Started once per process and shared by every session; the article a first visit opens is
    handled first. Pages read ``worker_status()``; adding articles calls ``library_changed()``.
    """
    from components.background import LibraryWorker, background_enabled

    if not background_enabled():
        return None
    first = default_article_id()
    pool = analysis_pool()
    # With the pool the children hold the pipeline: the server loads spaCy (and torch) only for
    # work done on its own threads, never on a first page's script run.
    return LibraryWorker(
        get_store(), None if pool is not None else get_nlp(), get_similarity(),
        first=[first] if first else [], pool=pool, version=version(),
    ).start()


def worker_status():
    """The background worker's ``LibraryStatus``, or None when there is no worker."""
    worker = get_worker()
    return None if worker is None else worker.status()


def library_changed() -> bool:
    """Articles were added or removed: the worker looks again for what is missing. Returns whether
    a worker will do it (False: the page must analyse and index by itself)."""
    worker = get_worker()
    if worker is None:
        return False
    worker.wake()
    return True


#: The article open in this session, kept across pages: the sidebar's page links drop the URL's
#: query string, so every page restores ``?article=`` from here when the URL has none.
OPEN_ARTICLE = "_open_article"


def open_article_id(known) -> str | None:
    """The article a page should open: the URL's ``?article=`` when the library has it, else the
    one this session had open on any page, else the seed (``default_article_id``)."""
    wanted = st.query_params.get("article")
    if wanted in known:
        return wanted
    kept = st.session_state.get(OPEN_ARTICLE)
    if kept in known:
        return kept
    return default_article_id()


def remember_article(article_id: str | None) -> None:
    """Make ``article_id`` the open article: in this session (for the next page) and in the URL."""
    if article_id is None:
        return
    st.session_state[OPEN_ARTICLE] = article_id
    if st.query_params.get("article") != article_id:
        st.query_params["article"] = article_id


def _index_new() -> None:
    """Index what the similarity engine lacks: the background worker does it when there is one,
    else it is done here (cached vectors are reused; only new texts are embedded)."""
    if library_changed():
        return
    from components.similarity.engine import index_library

    engine = get_similarity()
    store = get_store()
    new = [s.id for s in store.list_articles() if s.id not in engine]
    index_library(store.get_articles(new), None, engine=engine)


def feed_service():
    """The library's feeds; a check analyses, indexes and groups into stories what it adds."""
    from components.feeds import FeedService

    store = get_store()
    return FeedService(
        store,
        analyse=lambda ids: ensure_analysed(ids, wait=True),
        index=lambda _articles: _index_new(),
        stories=lambda ids: get_stories().update(ids),
    )
