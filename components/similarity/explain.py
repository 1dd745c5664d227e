"""Why a search result is there: the sources two articles both cite, and who said a matched passage.

Pure functions over *effective* analyses (analysts' corrections applied), plus
:func:`analysed_effective`, which reads them through the one read path
(``components.effective.iter_effective``) for the results already analysed — so a deleted or
re-sourced attribution never explains a match. The app's Similar panel and Search page
(``dashboard/similar_panel.py``) lay these out. Imports ``components.effective`` and
``components.records``; never Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from components.effective import iter_effective
from components.records import Analysis, Article, Attribution, Span
from components.store import Store

NO_NAMED_SOURCE = "no named source"


def analysed_effective(store: Store, version: str, ids: Sequence[str]) -> dict[str, Analysis]:
    """The corrected analyses of those ``ids`` that have an analysis of ``version``; none computed.

    Two queries whatever the number of ids (analyses, then corrections), one more to know which
    are analysed. Ids not analysed (or not in the library) are left out.
    """
    analysed = store.analysed_ids(version)
    wanted = [i for i in dict.fromkeys(ids) if i in analysed]
    return {a.id: eff.analysis for a, eff in iter_effective(store, version, wanted)} if wanted else {}


def canonical_sources(attributions: Iterable[Attribution]) -> list[str]:
    """Canonical source names cited by ``attributions`` ("A; B" counts as A and B), first-seen order."""
    names: dict[str, str] = {}
    for a in attributions:
        for name in (a.source_canonical or "").split(";"):
            name = " ".join(name.split())
            if name:
                names.setdefault(name.casefold(), name)
    return list(names.values())


def shared_sources(mine: Analysis, other: Analysis) -> list[str]:
    """Canonical sources cited in both analyses (case-insensitive), in ``mine``'s order."""
    theirs = {n.casefold() for n in canonical_sources(other.attributions)}
    return [n for n in canonical_sources(mine.attributions) if n.casefold() in theirs]


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def attributions_in(analysis: Analysis, span: Span) -> list[int]:
    """Indices of attributions whose content or cue overlaps ``span``, in reading order."""
    return [
        i
        for i, a in enumerate(analysis.attributions)
        if _overlaps(a.cue, span) or any(_overlaps(c, span) for c in a.content)
    ]


def speaker(a: Attribution, text: str) -> str:
    """Who an attribution says said it: canonical name, else the source as written."""
    if a.source_canonical and a.source_canonical.strip():
        return " ".join(a.source_canonical.split())
    if a.source is not None:
        return " ".join(a.source.text(text).split())
    return NO_NAMED_SOURCE


@dataclass(frozen=True)
class PassageSpeakers:
    """Who said a passage of an article and who reported it.

    Attributes:
        attributions: indices (in the effective analysis) of the attributions in the passage.
        said_by: their speakers, first-seen order, no repeats.
        reported_by: the outlet, the author, then the sources whose reports the passage's
            attributions are nested in (not those already in the passage).
    """

    attributions: tuple[int, ...]
    said_by: tuple[str, ...]
    reported_by: tuple[str, ...]


def passage_speakers(article: Article, analysis: Analysis, span: Span) -> PassageSpeakers:
    """Who said the passage ``span`` of ``article`` (offsets into its text), by its effective analysis."""
    att_ids = attributions_in(analysis, span)
    atts = analysis.attributions
    said = dict.fromkeys(speaker(atts[i], article.text) for i in att_ids)
    reported = [r for r in (article.outlet, article.author) if r]
    for i in att_ids:
        parent = atts[i].nested_in
        if parent is not None and 0 <= parent < len(atts) and parent not in att_ids:
            reported.append(speaker(atts[parent], article.text))
    return PassageSpeakers(tuple(att_ids), tuple(said), tuple(dict.fromkeys(reported)))


def passage_spans(article: Article) -> list[Span]:
    """The passages "find similar claims" offers for ``article``: its paragraphs, or, when it has
    none recorded, its blank-line separated blocks that hold text (offsets into ``article.text``)."""
    if article.paragraphs:
        return list(article.paragraphs)
    spans, pos = [], 0
    for block in article.text.split("\n\n"):
        if block.strip():
            spans.append(Span(pos, pos + len(block)))
        pos += len(block) + 2
    return spans
