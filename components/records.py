"""Frozen records that flow through the product.

Every offset is a character offset into one article's canonical plain text (``Article.text``),
half-open ``[start, end)``, so ``text[span.start:span.end]`` is the span. Third-party objects
(spaCy ``Doc``/``Span``, dicts from JSON) are converted to these records at the boundary.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` in an article's canonical text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def text(self, text: str) -> str:
        """Return the slice of ``text`` this span covers."""
        return text[self.start : self.end]

    def as_list(self) -> list[int]:
        return [self.start, self.end]

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Article:
    """One article: canonical text plus metadata parsed from it or given with it.

    ``paragraphs`` are the body paragraphs only (headline, byline and page furniture excluded);
    ``standfirst`` is the summary line under the headline when there is one.
    """

    id: str
    text: str
    title: str = ""
    outlet: str = ""
    author: str = ""
    place: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) when known
    url: str = ""
    paragraphs: tuple[Span, ...] = ()
    standfirst: Span | None = None
    origin: str = ""  # where it came from: a file path, "paste", a URL, "corpus:<file>"
    warnings: tuple[str, ...] = ()  # problems found while loading that did not stop it


@dataclass(frozen=True)
class Entity:
    """One named-entity mention; ``group`` is the id of its ``EntityGroup``."""

    start: int
    end: int
    label: str
    group: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class EntityGroup:
    """One real-world entity in an article: canonical name, label and all mention spans."""

    id: str
    name: str
    label: str
    mentions: tuple[Span, ...]


@dataclass(frozen=True)
class Attribution:
    """Who said what: source, cue, content and kind, with nesting.

    ``kind`` is ``"direct"``, ``"indirect"`` or ``"mixed"``. ``content`` may hold several spans
    (a quote broken by its cue). ``nested_in`` is the index, in the same analysis, of the
    attribution whose content contains this one. ``source_type`` is one of ``SOURCE_TYPES``.
    ``source_status`` says how the source's name was found (one of ``SOURCE_STATUSES``):
    ``"named"`` (the name is in the source phrase), ``"resolved"`` (from an antecedent elsewhere,
    ``source_antecedent_span``: "she" → the earlier "Agnès Callamard") or ``"unresolved"`` (a
    pronoun or description whose referent the evidence does not settle; ``source_canonical`` is
    then None, never the pronoun).
    """

    source: Span | None
    source_canonical: str | None
    source_type: str | None
    cue: Span
    content: tuple[Span, ...]
    kind: str
    nested_in: int | None = None
    source_status: str = "named"
    source_antecedent_span: Span | None = None

    @property
    def content_span(self) -> Span:
        """The smallest span covering every content piece."""
        return Span(min(s.start for s in self.content), max(s.end for s in self.content))


SOURCE_TYPES = ("person", "official", "media", "unnamed")
KINDS = ("direct", "indirect", "mixed")
SOURCE_STATUSES = ("named", "resolved", "unresolved")


@dataclass(frozen=True)
class Analysis:
    """Everything the machine found in one article, for one pipeline version."""

    article_id: str
    version: str  # pipeline name + version + rules version
    entities: tuple[Entity, ...] = ()
    groups: tuple[EntityGroup, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)
