"""The frozen records of analysts' work: a stored ``Correction``, the ``Origin`` and ``Provenance``
of what the effective analysis holds, what moved or could not be applied, the
``EffectiveAnalysis`` itself, and notes and tags.

May import components.records and components.corrections.summary (a correction's one-line
summary); never the tables, the replay or the service.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from components.corrections.summary import _summary
from components.records import Analysis, Attribution, Entity, Span

MODEL = "model"
ANALYST = "analyst"

ENTITY_ACTIONS = ("relabel", "delete", "add", "relabel_all")
GROUP_ACTIONS = ("merge", "split", "rename", "relabel")
ATTRIBUTION_ACTIONS = ("set_source", "set_cue", "set_content", "set_kind", "delete", "add")
UNDO_ACTIONS = ("undo", "redo")


@dataclass(frozen=True)
class Correction:
    """One analyst change, as stored. ``spans`` says how to find the target (spans + their text).

    ``active`` and ``undone_by`` are computed when read: a row is active unless an active undo
    row reverts it (so undoing an undo is a redo).
    """

    id: int
    article_id: str
    analyst: str
    at: str
    target: str  # "entity" | "group" | "attribution" | "correction" (undo / redo)
    action: str
    before: dict
    after: dict
    spans: dict = field(default_factory=dict)
    version: str = ""
    reverts: int | None = None
    undone_by: int | None = None
    active: bool = True

    @property
    def summary(self) -> str:
        """One line for the history view: what changed, before → after."""
        return _summary(self)


@dataclass(frozen=True)
class Origin:
    """Where one entity, group or attribution comes from: the model, or analysts' corrections."""

    by: str = MODEL  # "model" | "analyst"
    analyst: str | None = None  # the last analyst who changed it
    at: str | None = None  # when
    corrections: tuple[int, ...] = ()  # every correction that touched it, oldest first

    @property
    def label(self) -> str:
        """``model`` or ``analyst: NAME, TIME``."""
        return MODEL if self.by == MODEL else f"{ANALYST}: {self.analyst}, {self.at}"

    def as_dict(self) -> dict:
        return {"by": self.by, "analyst": self.analyst, "at": self.at, "corrections": list(self.corrections)}


@dataclass(frozen=True)
class Moved:
    """A correction whose span text was found elsewhere in the article and re-anchored there."""

    correction_id: int
    what: str
    text: str
    old: Span
    new: Span


@dataclass(frozen=True)
class Unanchored:
    """A correction that could not be applied to this analysis, and why."""

    correction: Correction
    reason: str


@dataclass(frozen=True)
class Provenance:
    """Origins aligned with the effective analysis, plus what analysts removed and what moved."""

    entities: tuple[Origin, ...] = ()
    groups: tuple[Origin, ...] = ()
    attributions: tuple[Origin, ...] = ()
    removed_entities: tuple[tuple[Entity, Origin], ...] = ()
    removed_attributions: tuple[tuple[Attribution, Origin], ...] = ()
    moved: tuple[Moved, ...] = ()
    applied: tuple[int, ...] = ()  # ids of the corrections applied, in order


class EffectiveAnalysis(NamedTuple):
    """The model's analysis with the analysts' corrections applied (unpacks as a 3-tuple)."""

    analysis: Analysis
    provenance: Provenance
    unanchored: list[Unanchored]


@dataclass(frozen=True)
class Note:
    """An analyst's note on a passage (``span``) or on the whole article (``span`` is None)."""

    id: int
    article_id: str
    analyst: str
    at: str
    text: str
    span: Span | None = None
    quote: str = ""
    shareable: bool = False


@dataclass(frozen=True)
class Tag:
    """One tag on one article, and who put it there."""

    article_id: str
    tag: str
    analyst: str
    at: str


@dataclass(frozen=True)
class TagEvent:
    """One tag added to or removed from an article (``action`` is ``add`` or ``remove``)."""

    article_id: str
    tag: str
    action: str
    analyst: str
    at: str


class TagCount(NamedTuple):
    tag: str
    articles: int
