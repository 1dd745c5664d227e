"""Analyst corrections, notes and tags: a layer over the model's output, never an edit of it.

Each change an analyst makes (relabel, remove or add an entity; merge, split, rename a group;
change an attribution's source, cue, content or kind; delete or add one; undo) is one row of the
``corrections`` table, inserted in its own transaction with who, when and before → after. Nothing
is ever read, modified and written back as a shared blob, so two analysts saving at the same moment
both keep their work, and a process killed mid-save leaves either the whole row or nothing. A
correction names its target by character spans and the text they covered, never by list position:
:func:`apply_corrections` replays the active ones over any analysis of the article (a newer pipeline
included), re-anchors spans whose text moved, and reports — never silently drops — those whose
target is gone. The result is a new ``Analysis`` plus the provenance (model, or analyst + who +
when) of every entity, group and attribution. Notes (on a passage or the whole article, shareable
or private: a private note is read only by its author, on every read path) and tags (with a
history of who added and removed each) live beside them in the same database. A method given a
signed-in ``components.access.User`` checks the user's role first. :class:`CorrectionsService` is the
API the app and the CLI call to make changes; every view reads the result through
``components.effective`` (one read path).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa

from components.access import Forbidden, User, as_user, can_see_note, require
from components.entities import normalise
from components.errors import BadInput, StoreError
from components.records import KINDS, SOURCE_TYPES, Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.store import Store, articles_table, now

metadata = sa.MetaData()

corrections_table = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("version", sa.String(200), nullable=False),  # the analysis it was made on (for the record)
    sa.Column("target", sa.String(20), nullable=False),  # entity | group | attribution | correction
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("spans", sa.Text, nullable=False),  # JSON: how to find the target, by spans + their text
    sa.Column("before", sa.Text, nullable=False),  # JSON
    sa.Column("after", sa.Text, nullable=False),  # JSON
    # An undo row points at the row it reverts. Unique: a row is undone at most once, which the
    # database enforces even when two analysts press "undo" at the same moment.
    sa.Column("reverts", sa.Integer, sa.ForeignKey("corrections.id"), nullable=True, unique=True),
)

notes_table = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("span_start", sa.Integer, nullable=True),
    sa.Column("span_end", sa.Integer, nullable=True),
    sa.Column("quote", sa.Text, nullable=False),  # the passage's text when the note was written
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("shareable", sa.Boolean, nullable=False),
    sa.Column("deleted_at", sa.String(40), nullable=True),  # notes are hidden, never destroyed
    sa.Column("deleted_by", sa.String(100), nullable=True),
)

tags_table = sa.Table(
    "tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False),
    sa.Column("tag", sa.String(60), nullable=False, index=True),
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.UniqueConstraint("article_id", "tag", name="uq_tags_article_tag"),
)


#: Every tag added or removed, by whom and when (the ``tags`` table holds only the current tags).
tag_events_table = sa.Table(
    "tag_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("tag", sa.String(60), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),  # add | remove
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)


def ensure_tables(engine: sa.Engine) -> None:
    """Create the corrections, notes and tags tables where they are missing.

    Raises:
        components.errors.StoreError: the database cannot be written.
    """
    for attempt in range(3):
        try:
            metadata.create_all(engine)
            return
        except sa.exc.IntegrityError:
            # Two processes creating the same table at once (PostgreSQL's catalog race): the other
            # one won, so look again.
            if attempt == 2:
                raise
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot create the corrections tables in {engine.url!r}: {exc}") from exc


# ---- records -----------------------------------------------------------------------------------

MODEL = "model"
ANALYST = "analyst"

ENTITY_ACTIONS = ("relabel", "delete", "add", "relabel_all")
GROUP_ACTIONS = ("merge", "split", "rename", "relabel")
ATTRIBUTION_ACTIONS = ("set_source", "set_cue", "set_content", "set_kind", "delete", "add")
UNDO_ACTIONS = ("undo", "redo")
_LABEL = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$")
#: How far (characters) a span's text may have moved and still be re-anchored when it is not unique.
RELOCATE_WINDOW = 2000


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


# ---- anchoring and replay ---------------------------------------------------------------------


class _Lost(Exception):
    """A correction's target cannot be found in this analysis (the message says why)."""


def _triple(span: Span, text: str) -> list:
    return [span.start, span.end, text[span.start : span.end]]


def _span_of(t: Sequence) -> Span:
    return Span(int(t[0]), int(t[1]))


def _quote(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def anchor_span(text: str, start: int, end: int, expected: str) -> tuple[Span | None, bool, str]:
    """Find where a stored span (and the text it covered) is in ``text`` now.

    Returns:
        (span, moved, reason): the span and False when the text is still at the same offsets;
        the new span and True when the text occurs once, or clearly nearest, elsewhere (within
        ``RELOCATE_WINDOW`` characters when it is not unique); (None, False, why) otherwise.
    """
    if 0 <= start <= end <= len(text) and text[start:end] == expected:
        return Span(start, end), False, ""
    if not expected.strip():
        return None, False, "the stored span has no text to look for"
    found = []
    i = text.find(expected)
    while i >= 0:
        found.append(i)
        i = text.find(expected, i + 1)
    if not found:
        return None, False, f"the text {_quote(expected)} is no longer in the article"
    if len(found) == 1:
        return Span(found[0], found[0] + len(expected)), True, ""
    found.sort(key=lambda o: abs(o - start))
    d0, d1 = abs(found[0] - start), abs(found[1] - start)
    if d0 <= RELOCATE_WINDOW and d0 < d1:
        return Span(found[0], found[0] + len(expected)), True, ""
    return None, False, f"the text {_quote(expected)} occurs {len(found)} times and none is clearly the one meant"


@dataclass
class _E:
    start: int
    end: int
    label: str
    group: str
    origin: Origin


@dataclass
class _G:
    id: str
    name: str
    label: str
    extra: list[Span]  # model mentions that are not entity spans (kept as they are)
    origin: Origin
    label_fixed: bool = False
    touched: bool = False


@dataclass
class _A:
    source: Span | None
    canonical: str | None
    stype: str | None
    cue: Span
    content: tuple[Span, ...]
    kind: str
    parent: _A | None
    origin: Origin
    entity: Span | None = None  # the entity mention the source refers to (an analyst's choice)
    touched: bool = False
    status: str = "named"  # the model's source_status, until an analyst names the source
    antecedent: Span | None = None


def _touch(origin: Origin, c: Correction) -> Origin:
    return Origin(ANALYST, c.analyst, c.at, origin.corrections + (c.id,))


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


class _State:
    """The mutable working copy that corrections are replayed on."""

    def __init__(self, article: Article, analysis: Analysis) -> None:
        self.text = article.text
        self.analysis = analysis
        self.ents = [_E(e.start, e.end, e.label, e.group, Origin()) for e in analysis.entities]
        self.groups: dict[str, _G] = {}
        by_group: dict[str, set[tuple[int, int]]] = {}
        for e in analysis.entities:
            by_group.setdefault(e.group, set()).add((e.start, e.end))
        for g in analysis.groups:
            spans = by_group.get(g.id, set())
            extra = [m for m in g.mentions if (m.start, m.end) not in spans]
            self.groups[g.id] = _G(g.id, g.name, g.label, extra, Origin())
        for e in self.ents:  # an entity whose group the analysis forgot gets one of its own
            if e.group not in self.groups:
                self.groups[e.group] = _G(e.group, self.text[e.start : e.end], e.label, [], Origin())
        self.attrs = [
            _A(a.source, a.source_canonical, a.source_type, a.cue, a.content, a.kind, None, Origin(),
               status=a.source_status, antecedent=a.source_antecedent_span)
            for a in analysis.attributions
        ]
        for a, src in zip(self.attrs, analysis.attributions, strict=True):
            if src.nested_in is not None and 0 <= src.nested_in < len(self.attrs):
                a.parent = self.attrs[src.nested_in]
        self.removed_entities: list[tuple[Entity, Origin]] = []
        self.removed_attributions: list[tuple[Attribution, Origin]] = []
        self.moved: list[Moved] = []
        self.current: Correction | None = None

    # -- finding targets ---------------------------------------------------------------------------

    def anchor(self, t: Sequence, what: str) -> Span:
        span, moved, reason = anchor_span(self.text, int(t[0]), int(t[1]), t[2])
        if span is None:
            raise _Lost(f"{what}: {reason}")
        if moved and self.current is not None:
            self.moved.append(Moved(self.current.id, what, t[2], _span_of(t), span))
        return span

    def entity_at(self, t: Sequence, what: str = "entity") -> _E:
        span = self.anchor(t, what)
        for e in self.ents:
            if e.start == span.start and e.end == span.end:
                return e
        raise _Lost(f"no {what} {_quote(t[2])} at [{span.start}, {span.end}) in this analysis")

    def group_at(self, t: Sequence, name: str | None) -> _G:
        try:
            return self.groups[self.entity_at(t, "group mention").group]
        except _Lost:
            if name:  # the mention is gone: a group of the same name is the same entity
                same = [g for g in self.groups.values() if g.name == name and self.mentions_of(g.id)]
                if len(same) == 1:
                    return same[0]
            raise

    def mentions_of(self, gid: str) -> list[_E]:
        return [e for e in self.ents if e.group == gid]

    def attribution_at(self, spans: dict) -> _A:
        cue = self.anchor(spans["cue"], "cue")
        content = [self.anchor(t, "content") for t in spans.get("content", [])]
        same_cue = [a for a in self.attrs if a.cue == cue]
        if not same_cue:
            raise _Lost(f"no attribution with the cue {_quote(spans['cue'][2])} at [{cue.start}, {cue.end})")
        if len(same_cue) == 1 or not content:
            return same_cue[0]
        return max(same_cue, key=lambda a: sum(_overlap(x, y) for x in a.content for y in content))

    # -- applying ----------------------------------------------------------------------------------

    def apply(self, c: Correction) -> None:
        self.current = c
        handler = getattr(self, f"_{c.target}_{c.action}", None)
        if handler is None:
            raise _Lost(f"unknown correction {c.target}/{c.action}")
        handler(c)

    def _remove_entity(self, e: _E, c: Correction) -> None:
        self.ents.remove(e)
        g = self.groups.get(e.group)
        if g is not None:
            g.touched = True
            g.origin = _touch(g.origin, c)
        self.removed_entities.append((Entity(e.start, e.end, e.label, e.group), _touch(e.origin, c)))

    def _entity_relabel(self, c: Correction) -> None:
        e = self.entity_at(c.spans["entity"])
        e.label = c.after["label"]
        e.origin = _touch(e.origin, c)
        self.groups[e.group].touched = True

    def _entity_delete(self, c: Correction) -> None:
        self._remove_entity(self.entity_at(c.spans["entity"]), c)

    def _entity_add(self, c: Correction) -> None:
        span = self.anchor(c.spans["entity"], "new entity")
        label = c.after["label"]
        overlapping = [e for e in self.ents if _overlap(Span(e.start, e.end), span) and (e.start, e.end) != tuple(
            span.as_list())]
        for e in overlapping:
            self._remove_entity(e, c)  # an added entity replaces the ones it overlaps
        same = [e for e in self.ents if (e.start, e.end) == (span.start, span.end)]
        if same:  # the model (now) finds it too: the analyst's label wins
            same[0].label = label
            same[0].origin = _touch(same[0].origin, c)
            self.groups[same[0].group].touched = True
            return
        gid = None
        if c.after.get("group"):
            try:
                gid = self.group_at(c.after["group"], c.after.get("group_name")).id
            except _Lost:
                gid = None  # the chosen group is gone: fall back to grouping by name
        if gid is None:
            key = normalise(span.text(self.text))
            for g in self.groups.values():
                members = self.mentions_of(g.id)
                if members and g.label == label and (
                    normalise(g.name) == key or any(normalise(self.text[m.start : m.end]) == key for m in members)
                ):
                    gid = g.id
                    break
        if gid is None:
            gid = f"c{c.id}"
            self.groups[gid] = _G(gid, span.text(self.text).strip(), label, [], Origin(), touched=True)
        g = self.groups[gid]
        g.touched = True
        g.origin = _touch(g.origin, c)
        self.ents.append(_E(span.start, span.end, label, gid, _touch(Origin(), c)))

    def _entity_relabel_all(self, c: Correction) -> None:
        name = c.spans["text"]
        hits = [e for e in self.ents if self.text[e.start : e.end] == name]
        if not hits:
            raise _Lost(f"no mention {_quote(name)} is marked in this analysis")
        for e in hits:
            e.label = c.after["label"]
            e.origin = _touch(e.origin, c)
            self.groups[e.group].touched = True

    def _group_merge(self, c: Correction) -> None:
        g = self.group_at(c.spans["group"], c.spans.get("group_name"))
        other = self.group_at(c.spans["other"], c.spans.get("other_name"))
        if other.id != g.id:
            for e in self.mentions_of(other.id):
                e.group = g.id
                e.origin = _touch(e.origin, c)
            g.extra.extend(other.extra)
            del self.groups[other.id]
        if c.after.get("name"):
            g.name = c.after["name"]
        g.touched = True
        g.origin = _touch(g.origin, c)

    def _group_split(self, c: Correction) -> None:
        g = self.group_at(c.spans["group"], c.spans.get("group_name"))
        moving = []
        for t in c.spans["mentions"]:
            try:
                e = self.entity_at(t, "mention")
            except _Lost:
                continue
            if e.group == g.id:
                moving.append(e)
        if not moving:
            raise _Lost(f"none of the mentions to split off is in the group {_quote(g.name)} any more")
        gid = f"c{c.id}"
        name = c.after.get("name") or self.text[moving[0].start : moving[0].end]
        label = c.after.get("label") or g.label
        self.groups[gid] = _G(gid, name, label, [], _touch(Origin(), c), label_fixed=bool(c.after.get("label")),
                              touched=True)
        for e in moving:
            e.group = gid
            e.origin = _touch(e.origin, c)
            if c.after.get("label"):
                e.label = label
        g.touched = True
        g.origin = _touch(g.origin, c)

    def _group_rename(self, c: Correction) -> None:
        g = self.group_at(c.spans["group"], c.spans.get("group_name"))
        g.name = c.after["name"]
        g.touched = True
        g.origin = _touch(g.origin, c)

    def _group_relabel(self, c: Correction) -> None:
        g = self.group_at(c.spans["group"], c.spans.get("group_name"))
        g.label = c.after["label"]
        g.label_fixed = True
        g.touched = True
        g.origin = _touch(g.origin, c)
        for e in self.mentions_of(g.id):
            e.label = g.label
            e.origin = _touch(e.origin, c)

    def _touch_attr(self, a: _A, c: Correction) -> None:
        a.origin = _touch(a.origin, c)
        a.touched = True

    def _attribution_set_source(self, c: Correction) -> None:
        a = self.attribution_at(c.spans)
        after = c.after
        if "source" in after:
            a.source = self.anchor(after["source"], "source") if after["source"] else None
        if "source_canonical" in after:
            a.canonical = after["source_canonical"]
            # the analyst's name replaces the machine's reading of the source
            a.status, a.antecedent = ("named" if a.canonical else "unresolved"), None
        if "source_type" in after:
            a.stype = after["source_type"]
        if "entity" in after:
            a.entity = self.anchor(after["entity"], "source entity") if after["entity"] else None
        self._touch_attr(a, c)

    def _attribution_set_cue(self, c: Correction) -> None:
        a = self.attribution_at(c.spans)
        a.cue = self.anchor(c.after["cue"], "cue")
        self._touch_attr(a, c)

    def _attribution_set_content(self, c: Correction) -> None:
        a = self.attribution_at(c.spans)
        a.content = tuple(self.anchor(t, "content") for t in c.after["content"])
        self._touch_attr(a, c)

    def _attribution_set_kind(self, c: Correction) -> None:
        a = self.attribution_at(c.spans)
        a.kind = c.after["kind"]
        self._touch_attr(a, c)

    def _attribution_delete(self, c: Correction) -> None:
        a = self.attribution_at(c.spans)
        self.attrs.remove(a)
        for other in self.attrs:
            if other.parent is a:
                other.parent = None
                other.touched = True  # its nesting is recomputed
        self.removed_attributions.append((self._record(a, None), _touch(a.origin, c)))

    def _attribution_add(self, c: Correction) -> None:
        d = c.after
        cue = self.anchor(d["cue"], "cue")
        content = tuple(self.anchor(t, "content") for t in d["content"])
        source = self.anchor(d["source"], "source") if d.get("source") else None
        entity = self.anchor(d["entity"], "source entity") if d.get("entity") else None
        existing = [a for a in self.attrs if a.cue == cue and a.content == content]
        a = existing[0] if existing else _A(source, None, None, cue, content, d["kind"], None, Origin())
        a.source, a.canonical, a.stype, a.kind, a.entity = source, d.get("source_canonical"), d.get(
            "source_type"), d["kind"], entity
        a.status, a.antecedent = ("named" if a.canonical else "unresolved"), None
        if not existing:
            self.attrs.append(a)
        self._touch_attr(a, c)

    # -- result ------------------------------------------------------------------------------------

    def _record(self, a: _A, nested_in: int | None) -> Attribution:
        canonical = a.canonical
        if a.entity is not None:  # follow the chosen entity's (possibly corrected) name
            for e in self.ents:
                if (e.start, e.end) == (a.entity.start, a.entity.end):
                    canonical = self.groups[e.group].name
                    break
        status, antecedent = a.status, a.antecedent
        if a.entity is not None:  # an analyst chose whom the source means
            status, antecedent = "resolved", a.entity
        return Attribution(a.source, canonical, a.stype, a.cue, a.content, a.kind, nested_in,
                           source_status=status, source_antecedent_span=antecedent)

    def build(self, applied: list[int]) -> tuple[Analysis, Provenance]:
        ents = sorted(self.ents, key=lambda e: (e.start, e.end))
        groups, group_origins = [], []
        for g in self.groups.values():
            members = [e for e in ents if e.group == g.id]
            if not members and not g.extra:
                continue
            label = g.label
            if g.touched and not g.label_fixed and members:
                counts = Counter(e.label for e in members)
                top = max(counts.values())
                label = next(e.label for e in members if counts[e.label] == top)
            mentions = tuple(sorted({Span(e.start, e.end) for e in members} | set(g.extra)))
            groups.append(EntityGroup(g.id, g.name, label, mentions))
            group_origins.append(g.origin)
        index = {id(a): i for i, a in enumerate(self.attrs)}
        attrs = []
        for a in self.attrs:
            if a.parent is not None and id(a.parent) in index and not a.touched and not a.parent.touched:
                nested = index[id(a.parent)]
            elif a.touched or (a.parent is not None and (a.parent.touched or id(a.parent) not in index)):
                nested = self._nesting(a)
            else:
                nested = None
            attrs.append(self._record(a, nested))
        analysis = Analysis(
            article_id=self.analysis.article_id,
            version=self.analysis.version,
            entities=tuple(Entity(e.start, e.end, e.label, e.group) for e in ents),
            groups=tuple(groups),
            attributions=tuple(attrs),
            extra=dict(self.analysis.extra),
        )
        prov = Provenance(
            entities=tuple(e.origin for e in ents),
            groups=tuple(group_origins),
            attributions=tuple(a.origin for a in self.attrs),
            removed_entities=tuple(self.removed_entities),
            removed_attributions=tuple(self.removed_attributions),
            moved=tuple(self.moved),
            applied=tuple(applied),
        )
        return analysis, prov

    def _nesting(self, a: _A) -> int | None:
        """Index of the smallest other attribution whose content piece holds all of ``a``."""
        mine = [a.cue, *a.content] + ([a.source] if a.source else [])
        lo, hi = min(s.start for s in mine), max(s.end for s in mine)
        best, best_len = None, None
        for i, o in enumerate(self.attrs):
            if o is a:
                continue
            for piece in o.content:
                if piece.start <= lo and hi <= piece.end and (best_len is None or len(piece) < best_len):
                    best, best_len = i, len(piece)
        return best


def resolve_active(corrections: Iterable[Correction]) -> list[Correction]:
    """The corrections with ``active`` and ``undone_by`` filled in from the undo rows, by id.

    A row is active unless an active row reverts it: undo deactivates, undo of the undo (redo)
    reactivates.
    """
    rows = sorted(corrections, key=lambda c: c.id)
    reverted_by = {c.reverts: c.id for c in rows if c.reverts is not None}
    memo: dict[int, bool] = {}

    def active(cid: int) -> bool:
        chain = [cid]  # walk the undo chain iteratively: it grows with every undo / redo
        while chain[-1] in reverted_by and chain[-1] not in memo:
            chain.append(reverted_by[chain[-1]])
        memo.setdefault(chain[-1], True)  # the end of a chain: nothing reverts it
        for prev, nxt in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
            memo[prev] = not memo[nxt]
        return memo[cid]

    out = []
    for c in rows:
        out.append(Correction(**{**c.__dict__, "active": active(c.id), "undone_by": reverted_by.get(c.id)}))
    return out


def apply_corrections(
    article: Article, analysis: Analysis, corrections: Iterable[Correction]
) -> EffectiveAnalysis:
    """Replay the active corrections, oldest first, over a copy of ``analysis``.

    Args:
        article: the article (its canonical text anchors the spans).
        analysis: the model's output, of any version; it is not modified.
        corrections: the article's corrections (undo rows included; inactive ones are skipped).

    Returns:
        ``(analysis, provenance, unanchored)``: a new ``Analysis``, the origin of each of its
        entities, groups and attributions, and the corrections that could not be applied here
        (with the reason), e.g. after re-analysis when the model no longer finds their target.
    """
    state = _State(article, analysis)
    applied, lost = [], []
    for c in resolve_active(corrections):
        if not c.active or c.target in ("correction", "story"):  # story rows: components.stories
            continue
        try:
            state.apply(c)
            applied.append(c.id)
        except _Lost as exc:
            lost.append(Unanchored(c, str(exc)))
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # a malformed stored row
            lost.append(Unanchored(c, f"the stored correction cannot be read ({exc.__class__.__name__}: {exc})"))
    new, prov = state.build(applied)
    return EffectiveAnalysis(new, prov, lost)


def _summary(c: Correction) -> str:
    b, a, s = c.before, c.after, c.spans

    def q(t: Any) -> str:
        return _quote(t[2]) if isinstance(t, list | tuple) and len(t) == 3 else "none"

    key = (c.target, c.action)
    if c.target == "correction":
        return f"{c.action} #{s.get('correction', c.reverts)}: {b.get('summary', '')}"
    if key == ("story", "move"):
        return f"moved the article from story {b.get('story')} to {a.get('story')}"
    if key == ("story", "split"):
        return f"split {len(s.get('articles', []))} article(s) out of story {b.get('story')} into {a.get('story')}"
    if key == ("entity", "relabel"):
        return f"entity {q(s['entity'])}: {b.get('label')} → {a.get('label')}"
    if key == ("entity", "delete"):
        return f"removed entity {q(s['entity'])} ({b.get('label')})"
    if key == ("entity", "add"):
        return f"added entity {q(s['entity'])} ({a.get('label')})"
    if key == ("entity", "relabel_all"):
        return f"every {_quote(s['text'])} → {a.get('label')} ({len(b.get('mentions', []))} mentions)"
    if key == ("group", "merge"):
        return f"merged {_quote(b.get('other', {}).get('name', ''))} into {_quote(b.get('group', {}).get('name', ''))}"
    if key == ("group", "split"):
        return f"split {a.get('name')!r} out of {_quote(b.get('name', ''))}"
    if key == ("group", "rename"):
        return f"renamed {_quote(b.get('name', ''))} → {_quote(a.get('name', ''))}"
    if key == ("group", "relabel"):
        return f"group {_quote(b.get('name', ''))}: {b.get('label')} → {a.get('label')}"
    cue = q(s.get("cue"))
    if key == ("attribution", "set_source"):
        return f"source of {cue}: {q(b.get('source'))} ({b.get('source_canonical')}) → " + (
            f"{q(a.get('source', b.get('source')))} ({a.get('source_canonical', b.get('source_canonical'))})"
        )
    if key == ("attribution", "set_cue"):
        return f"cue {cue} → {q(a.get('cue'))}"
    if key == ("attribution", "set_content"):
        return f"content of {cue}: {' … '.join(q(t) for t in b.get('content', []))} → " + " … ".join(
            q(t) for t in a.get("content", [])
        )
    if key == ("attribution", "set_kind"):
        return f"kind of {cue}: {b.get('kind')} → {a.get('kind')}"
    if key == ("attribution", "delete"):
        return f"removed attribution {cue} ({b.get('source_canonical') or q(b.get('source'))})"
    if key == ("attribution", "add"):
        return f"added attribution {cue} ({a.get('source_canonical') or q(a.get('source'))}, {a.get('kind')})"
    return f"{c.target} {c.action}"


# ---- the service the app calls ----------------------------------------------------------------

_KEEP: Any = object()  # "leave this field as it is"

#: A selection from the UI: a ``Span``, ``(start, end)`` or ``(start, end, selected_text)``.
SpanInput = Span | Sequence


def check_span(text: str, value: SpanInput, what: str) -> Span:
    """Validate a selection against the canonical text and trim surrounding whitespace.

    Args:
        text: the article's canonical text.
        value: ``Span``, ``(start, end)`` or ``(start, end, selected_text)``; with the text, it must
            read the same in the article (whitespace runs compared as one space, since browsers
            render newlines as spaces).
        what: what the span is, for the error message ("entity", "cue", ...).

    Raises:
        components.errors.BadInput: out of range, empty, whitespace only, or a different text.
    """
    expected = None
    if isinstance(value, Span):
        start, end = value.start, value.end
    else:
        try:
            start, end = int(value[0]), int(value[1])
            expected = value[2] if len(value) > 2 else None
        except (TypeError, ValueError, IndexError) as exc:
            raise BadInput(f"{what}: {value!r} is not a (start, end) pair of character offsets") from exc
    if not 0 <= start < end <= len(text):
        raise BadInput(f"{what} [{start}, {end}) is outside the article's text (0 to {len(text)} characters)")
    piece = text[start:end]
    if not piece.strip():
        raise BadInput(f"{what} [{start}, {end}) covers only whitespace: select some words")
    if expected is not None and " ".join(str(expected).split()) != " ".join(piece.split()):
        raise BadInput(
            f"{what} [{start}, {end}) reads {_quote(piece)} in the article, not {_quote(str(expected))}: "
            "the selection does not match the canonical text, select it again"
        )
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Span(start, end)


def normalise_tag(tag: str) -> str:
    """A tag as stored: lower case, single spaces, at most 60 characters.

    Raises:
        components.errors.BadInput: empty or too long.
    """
    t = " ".join(str(tag).split()).lower()
    if not t:
        raise BadInput("tag is empty: type a word such as 'disinformation'")
    if len(t) > 60:
        raise BadInput(f"tag {_quote(t)} is {len(t)} characters long: keep it under 60")
    return t


def _check_analyst(analyst: str | User, permission: str = "annotate") -> str:
    """The acting analyst's name, once their role is checked (a signed-in ``User``); a bare name is
    a local caller with every right (single-user mode, the CLI: see ``components.access.as_user``).

    Raises:
        components.access.Forbidden: the user's role lacks ``permission``.
    """
    if isinstance(analyst, User):
        require(analyst, permission)
        analyst = analyst.name
    name = " ".join(str(analyst or "").split())
    if not name:
        raise BadInput("no analyst name: say who you are (the name in the sidebar) before changing anything")
    if len(name) > 100:
        raise BadInput(f"analyst name {_quote(name)} is longer than 100 characters")
    return name


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.match(label):
        raise BadInput(f"entity label {label!r} is not valid: use an upper-case label such as PERSON, ORG or GPE")
    return label


def _check_name(name: str, what: str = "name") -> str:
    n = " ".join(str(name or "").split())
    if not n:
        raise BadInput(f"{what} is empty")
    if len(n) > 200:
        raise BadInput(f"{what} {_quote(n)} is longer than 200 characters")
    return n


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(f"attribution kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _check_source_type(source_type: str | None) -> str | None:
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise BadInput(f"source type {source_type!r} is not one of {', '.join(SOURCE_TYPES)} (or none)")
    return source_type


def _check_attr_layout(source: Span | None, cue: Span, content: Sequence[Span]) -> None:
    if not content:
        raise BadInput("an attribution needs at least one content span (what was said)")
    pieces = sorted(content)
    for a, b in zip(pieces, pieces[1:], strict=False):
        if _overlap(a, b):
            raise BadInput(f"content spans [{a.start}, {a.end}) and [{b.start}, {b.end}) overlap")
    for piece in pieces:
        if _overlap(cue, piece):
            raise BadInput(f"the cue [{cue.start}, {cue.end}) overlaps the content [{piece.start}, {piece.end})")
        if source is not None and _overlap(source, piece):
            raise BadInput(
                f"the source [{source.start}, {source.end}) overlaps the content [{piece.start}, {piece.end})"
            )
    if source is not None and _overlap(source, cue):
        raise BadInput(f"the source [{source.start}, {source.end}) overlaps the cue [{cue.start}, {cue.end})")


def _attr_json(a: Attribution, text: str) -> dict:
    return {
        "source": _triple(a.source, text) if a.source else None,
        "source_canonical": a.source_canonical,
        "source_type": a.source_type,
        "cue": _triple(a.cue, text),
        "content": [_triple(s, text) for s in a.content],
        "kind": a.kind,
    }


def _group_json(g: EntityGroup) -> dict:
    return {"id": g.id, "name": g.name, "label": g.label, "mentions": [m.as_list() for m in g.mentions]}


def _row_to_correction(r) -> Correction:
    return Correction(
        id=int(r.id),
        article_id=r.article_id,
        analyst=r.analyst,
        at=r.at,
        target=r.target,
        action=r.action,
        before=json.loads(r.before),
        after=json.loads(r.after),
        spans=json.loads(r.spans),
        version=r.version,
        reverts=r.reverts,
    )


def _row_to_note(r) -> Note:
    span = Span(r.span_start, r.span_end) if r.span_start is not None else None
    return Note(int(r.id), r.article_id, r.analyst, r.at, r.text, span, r.quote, bool(r.shareable))


class CorrectionsService:
    """Corrections, notes and tags of the library in ``store``; the API the app and CLI call.

    Every write is one short transaction that inserts (or, for tags, deletes) rows and never
    rewrites a shared record, so concurrent analysts and killed processes lose nothing. Reads
    needed to validate a change are made before the write transaction opens.

    Args:
        store: the library (its engine holds the tables; they are created when missing).
        version: the analysis version corrections are made on and shown over (the app's pipeline);
            needed by the methods that read or change an article's analysis.
    """

    def __init__(self, store: Store, version: str | None = None) -> None:
        self.store = store
        self.engine = store.engine
        self.version = version
        ensure_tables(self.engine)

    # -- reading -----------------------------------------------------------------------------------

    def _read(self, query) -> list:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(query))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def corrections(self, article_id: str) -> list[Correction]:
        """Every correction of an article, undo rows included, oldest first, ``active`` resolved."""
        return self.corrections_for([article_id]).get(article_id, [])

    def corrections_for(self, article_ids: Sequence[str] | None = None) -> dict[str, list[Correction]]:
        """Corrections of many articles (all when ``article_ids`` is None) in one query per 500 ids."""
        t = corrections_table
        rows = []
        if article_ids is None:
            rows = self._read(sa.select(t).order_by(t.c.id))
        else:
            ids = list(dict.fromkeys(article_ids))
            for i in range(0, len(ids), 500):
                rows += self._read(sa.select(t).where(t.c.article_id.in_(ids[i : i + 500])).order_by(t.c.id))
        grouped: dict[str, list[Correction]] = {}
        for r in rows:
            grouped.setdefault(r.article_id, []).append(_row_to_correction(r))
        return {k: resolve_active(v) for k, v in grouped.items()}

    def get(self, correction_id: int) -> Correction | None:
        """One correction by id (with ``active`` / ``undone_by`` resolved), or None."""
        rows = self._read(sa.select(corrections_table).where(corrections_table.c.id == int(correction_id)))
        if not rows:
            return None
        return next(c for c in self.corrections(rows[0].article_id) if c.id == int(correction_id))

    def history(self, article_id: str) -> list[Correction]:
        """An article's changes, newest first: who, when, ``summary`` (before → after), active or undone."""
        return list(reversed(self.corrections(article_id)))

    def _article(self, article_id: str) -> Article:
        article = self.store.get_article(article_id)
        if article is None:
            raise BadInput(f"article {article_id!r} is not in the library")
        return article

    def effective(self, article_id: str, version: str | None = None) -> EffectiveAnalysis:
        """The article's analysis (``version`` or the service's) with its corrections applied.

        The same read as every other view's: :func:`components.effective.effective_analysis`.

        Raises:
            components.errors.BadInput: unknown article, or no analysis of that version.
        """
        return self._context(article_id, version)[1]

    # -- writing -----------------------------------------------------------------------------------

    def _version(self, version: str | None) -> str:
        version = version or self.version
        if not version:
            raise BadInput("no analysis version given: create CorrectionsService(store, version)")
        return version

    def _context(self, article_id: str, version: str | None = None) -> tuple[Article, EffectiveAnalysis]:
        """The article and what the analyst sees of it: the one read path's effective analysis."""
        from components.effective import iter_effective  # it builds on this module

        return next(iter_effective(self.store, self._version(version), [article_id]))

    def _insert(self, table: sa.Table, row: dict) -> int:
        try:
            with self.engine.begin() as conn:
                return int(conn.execute(table.insert().values(**row)).inserted_primary_key[0])
        except sa.exc.IntegrityError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def _record(
        self,
        article: Article,
        eff: EffectiveAnalysis,
        analyst: str,
        target: str,
        action: str,
        spans: dict,
        before: dict,
        after: dict,
    ) -> Correction:
        draft = Correction(0, article.id, analyst, now(), target, action, before, after, spans, eff.analysis.version)
        # The change must apply to what the analyst sees; a refusal here is a bug caught before saving.
        lost = apply_corrections(article, eff.analysis, [draft]).unanchored
        if lost:
            raise BadInput(f"cannot apply this change to article {article.id!r}: {lost[0].reason}")
        row = {
            "article_id": article.id,
            "analyst": analyst,
            "at": draft.at,
            "version": draft.version,
            "target": target,
            "action": action,
            "spans": json.dumps(spans, ensure_ascii=False),
            "before": json.dumps(before, ensure_ascii=False),
            "after": json.dumps(after, ensure_ascii=False),
            "reverts": None,
        }
        cid = self._insert(corrections_table, row)
        return Correction(cid, article.id, analyst, draft.at, target, action, before, after, spans, draft.version)

    # entities

    @staticmethod
    def _entity(article: Article, eff: EffectiveAnalysis, span: SpanInput) -> tuple[Entity, EntityGroup]:
        sp = check_span(article.text, span, "entity")
        for e in eff.analysis.entities:
            if (e.start, e.end) == (sp.start, sp.end):
                group = next(g for g in eff.analysis.groups if g.id == e.group)
                return e, group
        raise BadInput(f"no entity {_quote(sp.text(article.text))} at [{sp.start}, {sp.end}) in article {article.id!r}")

    def relabel_entity(self, article_id: str, span: SpanInput, label: str, *, analyst: str) -> Correction:
        """Change one mention's type (e.g. PERSON → GPE)."""
        analyst, label = _check_analyst(analyst), _check_label(label)
        article, eff = self._context(article_id)
        e, g = self._entity(article, eff, span)
        if e.label == label:
            raise BadInput(f"entity {_quote(article.text[e.start:e.end])} is already {label}")
        return self._record(
            article, eff, analyst, "entity", "relabel",
            {"entity": _triple(e.span, article.text)}, {"label": e.label, "group": g.name}, {"label": label},
        )

    def remove_entity(self, article_id: str, span: SpanInput, *, analyst: str) -> Correction:
        """Remove a false entity mention."""
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        e, g = self._entity(article, eff, span)
        return self._record(
            article, eff, analyst, "entity", "delete",
            {"entity": _triple(e.span, article.text)}, {"label": e.label, "group": g.name}, {},
        )

    def add_entity(
        self, article_id: str, span: SpanInput, label: str, *, analyst: str, group: str | None = None
    ) -> Correction:
        """Add a missed entity from a text selection; it replaces model mentions it overlaps.

        Args:
            span: the selection (offsets checked against the canonical text, whitespace trimmed).
            label: its type.
            group: id of the entity group it belongs to; by default the group with the same
                normalised name and label, else a new group.
        """
        analyst, label = _check_analyst(analyst), _check_label(label)
        article, eff = self._context(article_id)
        sp = check_span(article.text, span, "new entity")
        if any((e.start, e.end, e.label) == (sp.start, sp.end, label) for e in eff.analysis.entities):
            raise BadInput(f"{_quote(sp.text(article.text))} is already marked as {label}")
        after: dict = {"label": label}
        if group is not None:
            g = next((g for g in eff.analysis.groups if g.id == group), None)
            if g is None:
                raise BadInput(f"entity group {group!r} is not in article {article_id!r}")
            after["group"] = _triple(self._anchor_mention(eff, g), article.text)
            after["group_name"] = g.name
        replaced = [
            [e.start, e.end, e.label] for e in eff.analysis.entities
            if _overlap(e.span, sp) and (e.start, e.end) != (sp.start, sp.end)
        ]
        return self._record(
            article, eff, analyst, "entity", "add",
            {"entity": _triple(sp, article.text)}, {"replaced": replaced}, after,
        )

    def relabel_all_mentions(self, article_id: str, name: str, label: str, *, analyst: str) -> Correction:
        """Relabel every marked mention whose text is exactly ``name`` ("apply to all mentions")."""
        analyst, label = _check_analyst(analyst), _check_label(label)
        article, eff = self._context(article_id)
        hits = [e for e in eff.analysis.entities if article.text[e.start : e.end] == name]
        if not hits:
            raise BadInput(f"no entity mention reads {_quote(name)} in article {article_id!r}")
        return self._record(
            article, eff, analyst, "entity", "relabel_all",
            {"text": name},
            {"mentions": [[e.start, e.end, e.label] for e in hits]},
            {"label": label},
        )

    # groups

    @staticmethod
    def _anchor_mention(eff: EffectiveAnalysis, g: EntityGroup) -> Span:
        spans = {(e.start, e.end) for e in eff.analysis.entities if e.group == g.id}
        return next((m for m in g.mentions if (m.start, m.end) in spans), g.mentions[0])

    def _group(self, article: Article, eff: EffectiveAnalysis, group_id: str) -> tuple[EntityGroup, list]:
        g = next((g for g in eff.analysis.groups if g.id == group_id), None)
        if g is None:
            raise BadInput(f"entity group {group_id!r} is not in article {article.id!r}")
        if not any(e.group == g.id for e in eff.analysis.entities):
            raise BadInput(f"entity group {group_id!r} has no marked mention to anchor a change to")
        return g, _triple(self._anchor_mention(eff, g), article.text)

    def merge_groups(
        self, article_id: str, group_id: str, other_id: str, *, analyst: str, name: str | None = None
    ) -> Correction:
        """Merge group ``other_id`` into ``group_id`` (one real-world entity); optionally rename it."""
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        if group_id == other_id:
            raise BadInput(f"cannot merge entity group {group_id!r} with itself")
        g, anchor = self._group(article, eff, group_id)
        o, other = self._group(article, eff, other_id)
        name = _check_name(name, "group name") if name is not None else g.name
        return self._record(
            article, eff, analyst, "group", "merge",
            {"group": anchor, "group_name": g.name, "other": other, "other_name": o.name},
            {"group": _group_json(g), "other": _group_json(o)},
            {"name": name},
        )

    def split_group(
        self,
        article_id: str,
        group_id: str,
        mentions: Sequence[SpanInput],
        *,
        analyst: str,
        name: str | None = None,
        label: str | None = None,
    ) -> Correction:
        """Move some mentions of a group into a new group of their own (named after the first)."""
        analyst = _check_analyst(analyst)
        label = _check_label(label) if label is not None else None
        article, eff = self._context(article_id)
        g, anchor = self._group(article, eff, group_id)
        members = {(e.start, e.end) for e in eff.analysis.entities if e.group == g.id}
        moving = []
        for m in mentions:
            sp = check_span(article.text, m, "mention")
            if (sp.start, sp.end) not in members:
                raise BadInput(
                    f"{_quote(sp.text(article.text))} at [{sp.start}, {sp.end}) is not a mention of {g.name!r}"
                )
            moving.append(sp)
        if not moving:
            raise BadInput("choose at least one mention to split off")
        if len(set(moving)) == len(members):
            raise BadInput(f"splitting off every mention of {g.name!r} leaves nothing behind: rename it instead")
        if {(m.start, m.end) for m in moving} & {(anchor[0], anchor[1])}:
            rest = sorted(members - {(m.start, m.end) for m in moving})
            anchor = _triple(Span(*rest[0]), article.text)
        after: dict = {"name": _check_name(name, "group name") if name else moving[0].text(article.text)}
        if label:
            after["label"] = label
        return self._record(
            article, eff, analyst, "group", "split",
            {"group": anchor, "group_name": g.name, "mentions": [_triple(m, article.text) for m in moving]},
            _group_json(g), after,
        )

    def rename_group(self, article_id: str, group_id: str, name: str, *, analyst: str) -> Correction:
        """Change a group's canonical name."""
        analyst, name = _check_analyst(analyst), _check_name(name, "group name")
        article, eff = self._context(article_id)
        g, anchor = self._group(article, eff, group_id)
        return self._record(
            article, eff, analyst, "group", "rename",
            {"group": anchor, "group_name": g.name}, _group_json(g), {"name": name},
        )

    def relabel_group(self, article_id: str, group_id: str, label: str, *, analyst: str) -> Correction:
        """Change the type of a group and of every one of its mentions."""
        analyst, label = _check_analyst(analyst), _check_label(label)
        article, eff = self._context(article_id)
        g, anchor = self._group(article, eff, group_id)
        return self._record(
            article, eff, analyst, "group", "relabel",
            {"group": anchor, "group_name": g.name}, _group_json(g), {"label": label},
        )

    # attributions

    @staticmethod
    def _attribution(article: Article, eff: EffectiveAnalysis, index: int) -> tuple[Attribution, dict]:
        attrs = eff.analysis.attributions
        if not isinstance(index, int) or not 0 <= index < len(attrs):
            raise BadInput(f"attribution {index!r} is not in article {article.id!r} (it has {len(attrs)})")
        a = attrs[index]
        return a, {"cue": _triple(a.cue, article.text), "content": [_triple(s, article.text) for s in a.content]}

    def _entity_span(self, article: Article, eff: EffectiveAnalysis, entity: SpanInput) -> tuple[Span, str]:
        e, g = self._entity(article, eff, entity)
        return e.span, g.name

    def set_source(
        self,
        article_id: str,
        attribution: int,
        *,
        analyst: str,
        source: SpanInput | None = _KEEP,
        canonical: str | None = _KEEP,
        source_type: str | None = _KEEP,
        entity: SpanInput | None = _KEEP,
    ) -> Correction:
        """Change who said it: the source span, its canonical name, its type, the entity it is.

        Args:
            attribution: index in the effective analysis's attributions.
            source: the span naming the speaker (a pronoun is fine), or None for no span.
            canonical: the speaker's canonical name.
            source_type: one of ``SOURCE_TYPES`` or None.
            entity: a mention of the entity the source refers to (e.g. whom "she" means); the
                canonical name then follows that entity's group name, corrections of it included.
        """
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        a, spans = self._attribution(article, eff, attribution)
        after: dict = {}
        if source is not _KEEP:
            sp = check_span(article.text, source, "source") if source is not None else None
            _check_attr_layout(sp, a.cue, a.content)
            after["source"] = _triple(sp, article.text) if sp else None
        if entity is not _KEEP:
            if entity is None:
                after["entity"] = None
            else:
                esp, gname = self._entity_span(article, eff, entity)
                after["entity"] = _triple(esp, article.text)
                if canonical is _KEEP:
                    after["source_canonical"] = gname
        if canonical is not _KEEP:
            after["source_canonical"] = _check_name(canonical, "source name") if canonical is not None else None
        if source_type is not _KEEP:
            after["source_type"] = _check_source_type(source_type)
        if not after:
            raise BadInput("set_source: give a source, canonical name, source type or entity to change")
        return self._record(article, eff, analyst, "attribution", "set_source", spans,
                            _attr_json(a, article.text), after)

    def set_cue(self, article_id: str, attribution: int, cue: SpanInput, *, analyst: str) -> Correction:
        """Change the cue (the words that mark the attribution: "said", "according to")."""
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        a, spans = self._attribution(article, eff, attribution)
        sp = check_span(article.text, cue, "cue")
        _check_attr_layout(a.source, sp, a.content)
        return self._record(article, eff, analyst, "attribution", "set_cue", spans,
                            _attr_json(a, article.text), {"cue": _triple(sp, article.text)})

    def set_content(
        self, article_id: str, attribution: int, content: Sequence[SpanInput], *, analyst: str
    ) -> Correction:
        """Change what was said: one or several content spans (a quote broken by its cue)."""
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        a, spans = self._attribution(article, eff, attribution)
        pieces = sorted(check_span(article.text, c, "content") for c in content)
        _check_attr_layout(a.source, a.cue, pieces)
        return self._record(article, eff, analyst, "attribution", "set_content", spans,
                            _attr_json(a, article.text), {"content": [_triple(p, article.text) for p in pieces]})

    def set_kind(self, article_id: str, attribution: int, kind: str, *, analyst: str) -> Correction:
        """Change the kind: direct, indirect or mixed."""
        analyst, kind = _check_analyst(analyst), _check_kind(kind)
        article, eff = self._context(article_id)
        a, spans = self._attribution(article, eff, attribution)
        if a.kind == kind:
            raise BadInput(f"attribution {attribution} is already {kind}")
        return self._record(article, eff, analyst, "attribution", "set_kind", spans,
                            _attr_json(a, article.text), {"kind": kind})

    def delete_attribution(self, article_id: str, attribution: int, *, analyst: str) -> Correction:
        """Remove a false attribution."""
        analyst = _check_analyst(analyst)
        article, eff = self._context(article_id)
        a, spans = self._attribution(article, eff, attribution)
        return self._record(article, eff, analyst, "attribution", "delete", spans, _attr_json(a, article.text), {})

    def add_attribution(
        self,
        article_id: str,
        *,
        analyst: str,
        cue: SpanInput,
        content: Sequence[SpanInput],
        kind: str,
        source: SpanInput | None = None,
        canonical: str | None = None,
        source_type: str | None = None,
        entity: SpanInput | None = None,
    ) -> Correction:
        """Add a missed attribution from selections. Nesting is worked out from the spans.

        The canonical name defaults to the group name of ``entity`` (or of the source span when
        it is an entity mention), else to the source's text.
        """
        analyst, kind = _check_analyst(analyst), _check_kind(kind)
        source_type = _check_source_type(source_type)
        article, eff = self._context(article_id)
        cue_sp = check_span(article.text, cue, "cue")
        pieces = sorted(check_span(article.text, c, "content") for c in content)
        src = check_span(article.text, source, "source") if source is not None else None
        _check_attr_layout(src, cue_sp, pieces)
        if any(a.cue == cue_sp and tuple(a.content) == tuple(pieces) for a in eff.analysis.attributions):
            raise BadInput("this attribution is already there: correct it instead of adding it again")
        ent = None
        if entity is not None:
            ent, gname = self._entity_span(article, eff, entity)
            canonical = canonical if canonical is not None else gname
        elif src is not None:
            same = [e for e in eff.analysis.entities if (e.start, e.end) == (src.start, src.end)]
            if same:
                ent = src
                if canonical is None:
                    canonical = next(g.name for g in eff.analysis.groups if g.id == same[0].group)
        if canonical is None and src is not None:
            canonical = " ".join(src.text(article.text).split())
        after = {
            "source": _triple(src, article.text) if src else None,
            "source_canonical": _check_name(canonical, "source name") if canonical is not None else None,
            "source_type": source_type,
            "cue": _triple(cue_sp, article.text),
            "content": [_triple(p, article.text) for p in pieces],
            "kind": kind,
            "entity": _triple(ent, article.text) if ent else None,
        }
        return self._record(
            article, eff, analyst, "attribution", "add",
            {"cue": after["cue"], "content": after["content"]}, {}, after,
        )

    # undo / redo

    def _toggle(self, correction_id: int, analyst: str | User, *, undo: bool) -> Correction:
        user = as_user(analyst)
        analyst = _check_analyst(analyst)
        rows = self._read(sa.select(corrections_table.c.article_id).where(corrections_table.c.id == int(correction_id)))
        if not rows:
            raise BadInput(f"correction #{correction_id} does not exist")
        by_id = {c.id: c for c in self.corrections(rows[0].article_id)}
        c = by_id[int(correction_id)]
        if undo and not c.active:
            raise BadInput(f"correction #{c.id} is already undone (by #{c.undone_by}): redo it instead")
        if not undo and c.active:
            raise BadInput(f"correction #{c.id} is not undone: nothing to redo")
        # Undo rows form one chain per correction (each row is reverted at most once): flipping any
        # row of the chain means reverting its last row.
        tail = c
        while tail.undone_by is not None:
            tail = by_id[tail.undone_by]
        root = c
        while root.reverts is not None:
            root = by_id[root.reverts]
        if root.analyst != analyst and not user.can("undo_any"):
            raise Forbidden(
                f"{analyst} ({user.role}) may not {'undo' if undo else 'redo'} correction #{root.id}: it is "
                f"{root.analyst}'s change, and undoing another analyst's change needs the editor role"
            )
        # the new row flips ``c``; say what that does to the analyst's original change
        flips_root_off = by_id[root.id].active
        action = "undo" if flips_root_off else "redo"
        at = now()
        before = {"active": root.active, "summary": root.summary, "via": c.id}
        after = {"active": not root.active}
        spans = {"correction": root.id}
        row = {
            "article_id": c.article_id, "analyst": analyst, "at": at, "version": c.version,
            "target": "correction", "action": action, "spans": json.dumps(spans),
            "before": json.dumps(before, ensure_ascii=False), "after": json.dumps(after), "reverts": tail.id,
        }
        try:
            cid = self._insert(corrections_table, row)
        except sa.exc.IntegrityError as exc:  # another analyst flipped the same chain a moment ago
            raise BadInput(f"correction #{c.id} was just undone or redone by someone else: reload the history") from exc
        return Correction(cid, c.article_id, analyst, at, "correction", action, before, after, spans, c.version,
                          reverts=tail.id)

    def undo(self, correction_id: int, analyst: str | User) -> Correction:
        """Revert a correction by recording an undo row; undoing an undo row is a redo.

        An analyst undoes their own changes; another analyst's change needs an editor.

        Raises:
            components.errors.BadInput: unknown id, or already undone (redo it instead).
            components.access.Forbidden: the change is someone else's and the user is no editor.
        """
        return self._toggle(correction_id, analyst, undo=True)

    def redo(self, correction_id: int, analyst: str | User) -> Correction:
        """Re-apply an undone correction (by reverting the undo that undid it).

        Raises:
            components.errors.BadInput: unknown id, or not undone.
        """
        return self._toggle(correction_id, analyst, undo=False)

    # -- notes -------------------------------------------------------------------------------------

    def add_note(
        self, article_id: str, text: str, *, analyst: str | User, span: SpanInput | None = None,
        shareable: bool = False,
    ) -> Note:
        """Note on a passage (``span``) or on the whole article. A private note (the default) is
        read only by its author; ``shareable`` ones by everyone, briefings included."""
        analyst = _check_analyst(analyst)
        body = str(text or "").strip()
        if not body:
            raise BadInput("the note is empty")
        if len(body) > 20000:
            raise BadInput(f"the note is {len(body)} characters long: keep it under 20,000")
        article = self._article(article_id)
        sp = check_span(article.text, span, "note passage") if span is not None else None
        row = {
            "article_id": article_id, "span_start": sp.start if sp else None, "span_end": sp.end if sp else None,
            "quote": sp.text(article.text) if sp else "", "analyst": analyst, "at": now(), "text": body,
            "shareable": bool(shareable), "deleted_at": None, "deleted_by": None,
        }
        nid = self._insert(notes_table, row)
        return Note(nid, article_id, analyst, row["at"], body, sp, row["quote"], bool(shareable))

    def notes(self, article_id: str, *, reader: str | User | None = None, shareable_only: bool = False) -> list[Note]:
        """The article's notes ``reader`` may read, oldest first (deleted ones left out).

        Args:
            reader: who is reading: shareable notes and the reader's own private ones are returned.
                None (nobody signed in, an export with no name given) returns shareable notes only.
            shareable_only: leave out the reader's own private notes too (briefings, Present).
        """
        t = notes_table
        name = reader.name if isinstance(reader, User) else reader
        q = sa.select(t).where(t.c.article_id == article_id, t.c.deleted_at.is_(None))
        if shareable_only or not name:
            q = q.where(t.c.shareable.is_(True))
        else:
            q = q.where(sa.or_(t.c.shareable.is_(True), t.c.analyst == name))
        notes = [_row_to_note(r) for r in self._read(q.order_by(t.c.id))]
        return [n for n in notes if can_see_note(None if shareable_only else name, n.analyst, n.shareable)]

    def delete_note(self, note_id: int, *, analyst: str | User) -> None:
        """Hide a note (it stays in the database with who deleted it and when). Authors delete their
        own notes; another analyst's shareable note needs an editor; another's private note is, to
        everyone else, not there.

        Raises:
            components.errors.BadInput: no such note visible to this user, or already deleted.
            components.access.Forbidden: a shareable note of someone else, and the user is no editor.
        """
        user = as_user(analyst)
        analyst = _check_analyst(analyst)
        t = notes_table
        rows = self._read(sa.select(t).where(t.c.id == int(note_id), t.c.deleted_at.is_(None)))
        if not rows or not can_see_note(analyst, rows[0].analyst, rows[0].shareable):
            raise BadInput(f"note #{note_id} does not exist or is already deleted")
        if rows[0].analyst != analyst and not user.can("undo_any"):
            raise Forbidden(f"{analyst} ({user.role}) may not delete {rows[0].analyst}'s note #{note_id}: "
                            "that needs the editor role")
        try:
            with self.engine.begin() as conn:
                n = conn.execute(
                    t.update().where(t.c.id == int(note_id), t.c.deleted_at.is_(None)).values(
                        deleted_at=now(), deleted_by=analyst)
                ).rowcount
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc
        if n == 0:
            raise BadInput(f"note #{note_id} does not exist or is already deleted")

    # -- tags --------------------------------------------------------------------------------------

    def add_tag(self, article_id: str, tag: str, *, analyst: str | User) -> bool:
        """Tag an article (and record who did, in the tag history); False when it already had the tag."""
        analyst, tag = _check_analyst(analyst), normalise_tag(tag)
        self._article(article_id)
        at = now()
        try:
            with self.engine.begin() as conn:
                conn.execute(tags_table.insert().values(article_id=article_id, tag=tag, analyst=analyst, at=at))
                conn.execute(tag_events_table.insert().values(
                    article_id=article_id, tag=tag, action="add", analyst=analyst, at=at))
        except sa.exc.IntegrityError:
            return False
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc
        return True

    def remove_tag(self, article_id: str, tag: str, *, analyst: str | User) -> bool:
        """Remove a tag from an article, recording who did and when in the tag history; returns
        False when it did not have the tag (nothing is recorded then)."""
        analyst, tag = _check_analyst(analyst), normalise_tag(tag)
        t = tags_table
        try:
            with self.engine.begin() as conn:
                gone = conn.execute(t.delete().where(t.c.article_id == article_id, t.c.tag == tag)).rowcount > 0
                if gone:  # same transaction: the removal and its record are saved together or not at all
                    conn.execute(tag_events_table.insert().values(
                        article_id=article_id, tag=tag, action="remove", analyst=analyst, at=now()))
                return gone
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def tag_history(self, article_id: str) -> list[TagEvent]:
        """Who added and removed which tag of an article, and when, newest first."""
        t = tag_events_table
        rows = self._read(sa.select(t).where(t.c.article_id == article_id).order_by(t.c.id.desc()))
        return [TagEvent(r.article_id, r.tag, r.action, r.analyst, r.at) for r in rows]

    def tags(self, article_id: str) -> list[Tag]:
        """An article's tags, alphabetical, with who added each and when."""
        t = tags_table
        rows = self._read(sa.select(t).where(t.c.article_id == article_id).order_by(t.c.tag))
        return [Tag(r.article_id, r.tag, r.analyst, r.at) for r in rows]

    def articles_with_tag(self, tag: str) -> list[str]:
        """Ids of the articles carrying ``tag`` (normalised as stored), oldest tagging first."""
        t = tags_table
        rows = self._read(sa.select(t.c.article_id).where(t.c.tag == normalise_tag(tag)).order_by(t.c.id))
        return [r.article_id for r in rows]

    def all_tags(self) -> list[TagCount]:
        """Every tag in the library with its number of articles, most used first."""
        t = tags_table
        n = sa.func.count(t.c.article_id)
        rows = self._read(sa.select(t.c.tag, n.label("n")).group_by(t.c.tag).order_by(n.desc(), t.c.tag))
        return [TagCount(r.tag, int(r.n)) for r in rows]
