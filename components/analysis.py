"""The analysis stage: parse an article once, find its entities and attributions, store the result.

An ``Analysis`` is keyed by the article's id (hash of its text) and a version string naming the
spaCy pipeline, the entity rules and the attribution rules; ``analysis_for`` returns the stored one
when it exists, so reopening an article never re-parses it. ``analyze_missing`` batches the
library's unanalysed articles through ``nlp.pipe`` (the fast path for ingest). The work per
article is bounded by ``components.limits``: an article over a limit is analysed in part and its
analysis says so (``Analysis.extra["limits"]``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from components.attribution import RULES_VERSION
from components.attribution.extract import extract_with_notices
from components.entities import ENTITY_RULES_VERSION, group_entities
from components.limits import LIMITS_KEY, MAX_ENTITIES, analysed_part, text_notice
from components.nlp import pipeline_id
from components.records import Analysis, Article
from components.store import Store

Progress = Callable[[int, int], None]


def pipeline_version(nlp) -> str:
    """Version key of analyses made with ``nlp`` and the current rules."""
    return f"{pipeline_id(nlp)}+ent{ENTITY_RULES_VERSION}+att{RULES_VERSION}"


def version_of_installed(model: str) -> str:
    """``pipeline_version`` of the installed spaCy package ``model``, read from its meta.json
    without loading the pipeline, or even importing spaCy (what a driver needs to know what is
    left to do, and what a page needs to find stored analyses in well under a second)."""
    import importlib.util

    from components.errors import ModelNotInstalled

    meta = None
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        try:
            meta = json.loads((Path(spec.origin).parent / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
    if not isinstance(meta, dict):  # not a packaged pipeline laid out as usual: ask spaCy
        import spacy.util

        try:
            meta = spacy.util.get_model_meta(spacy.util.get_package_path(model))
        except (OSError, ModuleNotFoundError, ValueError) as exc:
            raise ModelNotInstalled(f"spaCy pipeline {model!r} is not installed ({exc.__class__.__name__})") from exc
    return pipeline_version(SimpleNamespace(meta=meta))


def analyze_doc(article_id: str, doc, version: str, *, full_length: int | None = None) -> Analysis:
    """Build the analysis of one parsed article.

    Args:
        doc: the parse of the article's canonical text, or of its ``analysed_part``.
        full_length: the length of the whole text when ``doc`` holds only its first part.
    """
    notes = text_notice(full_length if full_length is not None else len(doc.text), len(doc.text))
    entities, groups = group_entities(doc)
    if len(entities) > MAX_ENTITIES:
        notes.append(f"Only the first {MAX_ENTITIES:,} of {len(entities):,} entity mentions were kept.")
        entities = entities[:MAX_ENTITIES]
        kept = {(e.start, e.end) for e in entities}
        groups = [
            type(g)(g.id, g.name, g.label, tuple(m for m in g.mentions if (m.start, m.end) in kept))
            for g in groups
        ]
        groups = [g for g in groups if g.mentions]
    attributions, att_notes = extract_with_notices(doc, groups)
    notes += att_notes
    return Analysis(
        article_id=article_id,
        version=version,
        entities=tuple(entities),
        groups=tuple(groups),
        attributions=tuple(attributions),
        extra={LIMITS_KEY: notes} if notes else {},
    )


def analyze(article: Article, nlp) -> Analysis:
    """Parse and analyse one article (nothing stored); a text over the limit in part."""
    part = analysed_part(article.text)
    return analyze_doc(article.id, nlp(part), pipeline_version(nlp), full_length=len(article.text))


def analysis_for(store: Store, nlp, article: Article) -> Analysis:
    """The stored analysis of ``article`` for the current pipeline, computing and storing it once."""
    version = pipeline_version(nlp)
    found = store.get_analysis(article.id, version)
    if found is not None:
        return found
    analysis = analyze(article, nlp)
    store.add_articles([article])
    store.put_analysis(analysis)
    return analysis


def analyze_articles(
    articles: Sequence[Article], nlp, *, batch_size: int = 32, progress: Progress | None = None
) -> Iterable[Analysis]:
    """Analyse many articles through ``nlp.pipe``, yielding analyses in input order."""
    version = pipeline_version(nlp)
    texts = (analysed_part(a.text) for a in articles)
    for i, (article, doc) in enumerate(zip(articles, nlp.pipe(texts, batch_size=batch_size), strict=True), 1):
        yield analyze_doc(article.id, doc, version, full_length=len(article.text))
        if progress:
            progress(i, len(articles))


def analyze_missing(
    store: Store, nlp, *, ids: Sequence[str] | None = None, progress: Progress | None = None, chunk: int = 64
) -> int:
    """Analyse the library's articles that have no analysis of the current version; store them.

    Args:
        ids: restrict to these article ids (default: the whole library).
        progress: called with (done, total) after each article.
        chunk: articles per database transaction (an interrupted run keeps what it stored).

    Returns:
        The number of articles analysed.
    """
    version = pipeline_version(nlp)
    todo = store.missing_analyses(version)
    if ids is not None:
        wanted = set(ids)
        todo = [i for i in todo if i in wanted]
    total, done = len(todo), 0
    for start in range(0, total, chunk):
        articles = store.get_articles(todo[start : start + chunk])
        batch = []
        for analysis in analyze_articles(articles, nlp):
            batch.append(analysis)
            done += 1
            if progress:
                progress(done, total)
        try:
            store.put_analyses(batch)
        except sa.exc.IntegrityError:
            # an article was deleted from the library while it was analysed: store the others
            present = {a.id for a in store.get_articles([b.article_id for b in batch])}
            store.put_analyses([b for b in batch if b.article_id in present])
    return done
