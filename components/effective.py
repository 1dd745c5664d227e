"""The one read path for what analysts corrected: the "effective" analysis of an article.

The model's analysis is stored untouched (``components.store``) and analysts' corrections are a
layer over it (``components.corrections``). Every consumer that shows or exports an analysis — the
reading view and its breakdowns, the corpus Sources page, search explanations, exports, briefing
packs and every command-line verb — reads it through :func:`iter_effective` (many articles, or the
whole library) or :func:`effective_analysis` (one), and the corpus views (the Sources page,
``sources --corpus``) through :func:`library_attributions`, so a deleted, added or re-sourced attribution
is the same everywhere at once. A library-wide read costs two queries whatever its size: one join
of articles with their analyses, and one for every correction. :func:`corrections_stamp` changes
with every correction, for caches keyed on what is shown. Imports ``components.store`` and
``components.corrections``; never Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd
import sqlalchemy as sa

from components.corrections.records import EffectiveAnalysis
from components.corrections.replay import apply_corrections
from components.corrections.schema import corrections_table, ensure_tables
from components.corrections.service import CorrectionsService
from components.errors import BadInput, StoreError
from components.records import Article
from components.sources import corpus_attributions
from components.store import Store


def iter_effective(
    store: Store, version: str, article_ids: Sequence[str] | None = None
) -> Iterator[tuple[Article, EffectiveAnalysis]]:
    """(article, effective analysis) for ``article_ids`` (in that order) or every analysed article.

    The ids are checked, and the analyses and corrections read, before this returns: a bad id
    raises here, not half-way through the iteration.

    Args:
        store: the library.
        version: the analysis version to read (the pipeline's, see ``analysis.pipeline_version``).
        article_ids: the articles wanted; None for every article with an analysis of ``version``,
            in library order.

    Returns:
        An iterator of (article, ``EffectiveAnalysis``): the corrected analysis, the provenance of
        each entity, group and attribution, and the corrections that no longer anchor.

    Raises:
        components.errors.BadInput: no version; ids not in the library (all named); an article
            with no analysis of ``version``.
    """
    if not version:
        raise BadInput("no analysis version given: say which pipeline's analyses to read")
    if article_ids is None:
        pairs = list(store.iter_analysed(version))
        corrections = CorrectionsService(store).corrections_for(None) if pairs else {}
    else:
        ids = list(dict.fromkeys(str(i) for i in article_ids))
        found = {a.id: (a, an) for a, an in store.iter_analysed(version, ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            known = {a.id for a in store.get_articles(missing)}
            unknown = [i for i in missing if i not in known]
            if unknown:
                raise BadInput(f"article id(s) not in the library: {', '.join(unknown)}")
            raise BadInput(f"article {missing[0]} has no analysis of version {version}: analyse it first")
        pairs = [found[i] for i in ids]
        corrections = CorrectionsService(store).corrections_for(ids) if ids else {}
    return (
        (article, apply_corrections(article, analysis, corrections.get(article.id, [])))
        for article, analysis in pairs
    )


def effective_analysis(store: Store, version: str, article_id: str) -> EffectiveAnalysis:
    """One article's analysis of ``version`` with its analysts' corrections applied.

    Raises:
        components.errors.BadInput: unknown article, or no analysis of that version.
    """
    return next(iter_effective(store, version, [article_id]))[1]


def library_attributions(
    store: Store, version: str, *, skipped: list[tuple[Article, str]] | None = None
) -> pd.DataFrame:
    """The long corpus frame (``components.sources.corpus_attributions``) of every analysed
    article in the library, analysts' corrections applied: what the Sources page and
    ``sources --corpus`` fold into breakdowns.

    Args:
        skipped: when given, an article that cannot be used is left out and ``(article,
            problem)`` appended here (a library-wide view names it and goes on); otherwise it raises.
    """
    items = ((a, eff.analysis.attributions) for a, eff in iter_effective(store, version))
    return corpus_attributions(items, skipped=skipped)


def corrections_stamp(store: Store) -> str:
    """A short string that changes whenever any correction is made or undone in ``store``.

    Corrections are only ever inserted (an undo is a row too), so the count and the highest id
    name the state of the layer; a cache of effective analyses keyed on it is never stale.
    """
    ensure_tables(store.engine)
    t = corrections_table
    try:
        with store.engine.connect() as conn:
            count, last = conn.execute(sa.select(sa.func.count(), sa.func.max(t.c.id))).one()
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot read {store.url!r}: {exc.__class__.__name__}: {exc}") from exc
    return f"{count}:{last or 0}"
