"""The stages of an ingest, as plain functions every engine calls: what is left to do, analyse a
batch (parse, entities, attribution), embed a batch, and write a batch to the store.

Everything is keyed by content hashes (an article's id is the hash of its text; its vectors are
keyed by the hash of title and text), so running a stage twice replaces a row with the same row:
an ingest killed at any point is resumed by running it again, and only what is not stored yet is
done. A batch is written vectors first, then analyses, each in one transaction, and an article
counts as done only when both are there; so a kill between the two redoes that batch, never leaves
half of it. One article that fails to analyse is reported by id and the rest of its batch goes on.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from components.analysis import analyze_articles, pipeline_version, version_of_installed  # noqa: F401 (re-exported)
from components.records import Analysis, Article
from components.similarity.embed import Embedded, EmbeddingCache, Encoder, content_hash, embed_articles, vectors
from components.store import Store, analyses_table


@dataclass(frozen=True)
class BatchResult:
    """What one batch produced: analyses, vectors, and ``(article id, reason)`` for failures."""

    analyses: tuple[Analysis, ...]
    embedded: tuple[Embedded, ...]
    failed: tuple[tuple[str, str], ...]


def vector_key(article: Article) -> str:
    """The key of an article's vectors in the embedding cache (the similarity engine's key)."""
    return content_hash(article.title, article.text)


def embedded_keys(store: Store, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` have vectors stored for the default encoder and passage scheme."""
    cache = EmbeddingCache(store.engine)
    found: set[str] = set()
    keys = list(keys)
    with store.engine.connect() as conn:
        for i in range(0, len(keys), 500):
            q = sa.select(vectors.c.content_hash).where(
                vectors.c.model == cache.model,
                vectors.c.scheme == cache.scheme,
                vectors.c.seq == 0,
                vectors.c.content_hash.in_(keys[i : i + 500]),
            )
            found |= set(conn.execute(q).scalars())
    return found


def analysed_among(store: Store, version: str, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` have an analysis of ``version`` stored (asked 500 at a time, so a run's
    check costs the size of the run, not of the library)."""
    t = analyses_table
    found: set[str] = set()
    ids = list(ids)
    with store.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            q = sa.select(t.c.article_id).where(t.c.version == version, t.c.article_id.in_(ids[i : i + 500]))
            found |= set(conn.execute(q).scalars())
    return found


def pending(store: Store, version: str, articles: Sequence[Article], *, embed: bool) -> list[Article]:
    """The articles whose analysis of ``version`` (or, with ``embed``, whose vectors) are not stored."""
    done = analysed_among(store, version, [a.id for a in articles])
    have = embedded_keys(store, [vector_key(a) for a in articles]) if embed else set()
    return [a for a in articles if a.id not in done or (embed and vector_key(a) not in have)]


def analyse_batch(nlp, articles: Sequence[Article]) -> tuple[list[Analysis], list[tuple[str, str]]]:
    """Analyse ``articles`` through ``nlp.pipe`` (``components.analysis.analyze_articles``).

    If the batch fails, its articles are redone one by one so that only the bad one is lost and
    it is named: returns ``(analyses, [(article id, reason), ...])``.
    """
    try:
        return list(analyze_articles(articles, nlp)), []
    except Exception:  # noqa: BLE001 - one article's failure is reported below, by id
        out: list[Analysis] = []
        failed: list[tuple[str, str]] = []
        for a in articles:
            try:
                out.extend(analyze_articles([a], nlp))
            except Exception as exc:  # noqa: BLE001
                failed.append((a.id, f"analysis failed ({exc.__class__.__name__}: {str(exc)[:200]})"))
        return out, failed


def embed_batch(encoder: Encoder, articles: Sequence[Article]) -> list[Embedded]:
    """Title and passage vectors of ``articles`` in one encoder call (the similarity engine's stage)."""
    if not articles:
        return []
    return embed_articles(encoder, [(a.title, a.text) for a in articles], [vector_key(a) for a in articles])


def write_batch(store: Store, analyses: Sequence[Analysis], embedded: Sequence[Embedded]) -> None:
    """Store a batch: vectors first, then analyses, each in one multi-row transaction."""
    if embedded:
        EmbeddingCache(store.engine).save(list(embedded))
    if analyses:
        store.put_analyses(analyses)


def run_batch(store: Store, nlp, encoder: Encoder | None, articles: Sequence[Article]) -> BatchResult:
    """Analyse, embed (when ``encoder`` is given) and store one batch; failed articles are left out."""
    analyses, failed = analyse_batch(nlp, articles)
    bad = {i for i, _ in failed}
    embedded = embed_batch(encoder, [a for a in articles if a.id not in bad]) if encoder is not None else []
    write_batch(store, analyses, embedded)
    return BatchResult(tuple(analyses), tuple(embedded), tuple(failed))
