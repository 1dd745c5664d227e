"""The briefing model: frozen records of a pack and the pure functions that make them.

Holds :class:`Briefing` of :class:`BriefingItem` (an article's metadata, its source breakdown as
:class:`SourceRow`, its chosen :class:`Quote`, its shareable :class:`BriefNote` and
:class:`SimilarLink`), the :class:`NoteLike` protocol a note must fit, and :func:`make_quote`,
:func:`make_item` and :func:`reading_order`, which build them from an article and its analysis
without reading the library. May import :mod:`components.briefing.common`, :mod:`components.records`,
:mod:`components.sources`, :mod:`components.charts` and :mod:`components.errors`; never the store,
the corrections service or a writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from components.briefing.common import (
    DEFAULT_BASE_URL,
    KIND_PHRASES,
    _balanced,
    _squash,
    _strip_end_marks,
    article_link,
    base_url,
)
from components.charts import type_label
from components.errors import BadInput
from components.records import Analysis, Article, Attribution
from components.sources import CONTENT_JOINER, article_breakdown, source_names, sourcing_profile


class NoteLike(Protocol):
    """What a briefing reads from an analyst note (``components.corrections.Note`` fits)."""

    text: str
    analyst: str
    at: str
    quote: str
    shareable: bool


@dataclass(frozen=True)
class Quote:
    """One chosen attribution: who said what, how, and where to find it in the app."""

    index: int  # into the article's analysis (the number shown in the app is index + 1)
    source: str  # canonical name(s), joined with "; "; NO_SOURCE when nobody is named
    source_type: str | None
    kind: str
    cue: str
    content: str  # the content pieces joined with " … ", whitespace squashed
    nested_in: str | None  # source(s) of the attribution that reports this one
    link: str

    @property
    def source_label(self) -> str:
        """"Dmitry Peskov (Named person)"."""
        return f"{self.source} ({type_label(self.source_type)})"

    @property
    def kind_phrase(self) -> str:
        return KIND_PHRASES.get(self.kind, self.kind)

    @property
    def quoted(self) -> str:
        """The content as a pack sets it: only words the article marks as quoted stand in
        quotation marks. A direct quote is set in one pair of marks (the article's own marks at its
        ends are not doubled); reported speech is paraphrase, set without marks; a mixed
        attribution keeps exactly the marks the article puts around its quoted fragment."""
        if self.kind == "direct":
            return f"“{_strip_end_marks(self.content)}”"
        return _balanced(self.content)


@dataclass(frozen=True)
class SourceRow:
    """One row of an article's source breakdown (the chart's data)."""

    source: str
    type: str | None
    attributions: int
    direct: int
    indirect: int
    mixed: int
    words: int


@dataclass(frozen=True)
class BriefNote:
    """A shareable analyst note: on a passage (``quote`` is its text) or on the whole article."""

    text: str
    analyst: str
    at: str
    quote: str = ""


@dataclass(frozen=True)
class SimilarLink:
    """An article similar to a briefed one, with a link to it in the app."""

    article_id: str
    title: str
    outlet: str
    date: str
    link: str


@dataclass(frozen=True)
class BriefingItem:
    """One article of a briefing, with everything that is shown about it."""

    article_id: str
    title: str
    outlet: str
    author: str
    date: str
    url: str  # the original's address (only http(s) ones are linked)
    link: str  # the article in the app
    profile: str  # the sourcing profile in one line
    sources: tuple[SourceRow, ...]
    quotes: tuple[Quote, ...]
    notes: tuple[BriefNote, ...] = ()
    similar: tuple[SimilarLink, ...] = ()
    similar_note: str = ""  # why there are no similar-article links, when there are none

    @property
    def meta(self) -> str:
        bits = [self.outlet, self.author and f"By {self.author}", self.date]
        return " · ".join(b for b in bits if b)


@dataclass(frozen=True)
class Briefing:
    """A briefing pack: a title, when it was made, and its articles in the analyst's order."""

    title: str
    created: str
    items: tuple[BriefingItem, ...]
    charts: bool = True
    base_url: str = DEFAULT_BASE_URL
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def quote_count(self) -> int:
        return sum(len(i.quotes) for i in self.items)


def reading_order(attributions: Sequence[Attribution]) -> list[int]:
    """Attribution indices in the order a reader meets them (content start, then index)."""
    return sorted(range(len(attributions)), key=lambda i: (attributions[i].content_span.start, i))


def make_quote(article: Article, attributions: Sequence[Attribution], index: int, base: str) -> Quote:
    """The :class:`Quote` of attribution ``index`` of ``article``."""
    text = article.text
    a = attributions[index]
    parent = a.nested_in
    nested = None
    if parent is not None and 0 <= parent < len(attributions):
        nested = "; ".join(source_names(attributions[parent], text))
    return Quote(
        index=index,
        source="; ".join(source_names(a, text)),
        source_type=a.source_type,
        kind=a.kind,
        cue=_squash(a.cue.text(text)),
        content=_squash(CONTENT_JOINER.join(p.text(text) for p in a.content)),
        nested_in=nested,
        link=article_link(base, article.id, index),
    )


def make_item(
    article: Article,
    analysis: Analysis,
    *,
    attributions: Sequence[int] | None = None,
    notes: Sequence[NoteLike] = (),
    similar: Sequence[SimilarLink] = (),
    similar_note: str = "",
    base: str | None = None,
) -> BriefingItem:
    """One article's part of a briefing (pure: nothing is read from the library).

    Args:
        article: the article.
        analysis: its analysis (with analysts' corrections applied, when there are any).
        attributions: indices of the quotes to include, in the order wanted; None: all, in
            reading order.
        notes: the article's notes; only those marked shareable are kept.
        similar: links to similar articles.
        similar_note: why ``similar`` is empty (shown instead of the links).
        base: the app's address for links (default :func:`base_url`).

    Raises:
        BadInput: an attribution index does not exist in ``analysis``.
    """
    base = base or base_url()
    atts = analysis.attributions
    chosen = reading_order(atts) if attributions is None else list(dict.fromkeys(int(i) for i in attributions))
    bad = [i for i in chosen if not 0 <= i < len(atts)]
    if bad:
        raise BadInput(
            f"article {article.id}: no attribution #{', #'.join(str(i + 1) for i in bad)} "
            f"(it has {len(atts)})"
        )
    df = article_breakdown(article.text, atts)
    rows = tuple(
        SourceRow(
            source=str(r["source"]),
            type=None if r["type"] is None or r["type"] != r["type"] else str(r["type"]),
            attributions=int(r["attributions"]),
            direct=int(r["direct"]),
            indirect=int(r["indirect"]),
            mixed=int(r["mixed"]),
            words=int(r["words"]),
        )
        for r in df.to_dict(orient="records")
    )
    return BriefingItem(
        article_id=article.id,
        title=article.title or article.id,
        outlet=article.outlet,
        author=article.author,
        date=article.date,
        url=article.url,
        link=article_link(base, article.id),
        profile=sourcing_profile(article.text, atts).summary(),
        sources=rows,
        quotes=tuple(make_quote(article, atts, i, base) for i in chosen),
        notes=tuple(
            BriefNote(text=str(n.text), analyst=str(n.analyst), at=str(n.at), quote=str(getattr(n, "quote", "") or ""))
            for n in notes
            if getattr(n, "shareable", False)
        ),
        similar=tuple(similar),
        similar_note=similar_note if not similar else "",
    )
