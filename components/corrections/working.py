"""The mutable working copy that corrections are replayed on, and how a correction finds its target.

``_WorkingCopy`` holds the entities (``_E``), groups (``_G``) and attributions (``_A``) of one
analysis as plain mutable records, and finds the one a correction's stored spans name (re-anchored
when its text moved; ``_Lost`` when it is gone). The per-target handlers build on it
(components.corrections.replay_entities, replay_groups, replay_attributions). May import
components.records, components.corrections.records and components.corrections.anchoring.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.corrections.anchoring import _Lost, _overlap, _quote, _span_of, anchor_span
from components.corrections.records import ANALYST, Correction, Moved, Origin
from components.records import Analysis, Article, Attribution, Entity, Span


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


class _WorkingCopy:
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
