"""Replaying entity corrections on the working copy: relabel, delete, add, relabel every mention.

``_EntityReplay`` holds the ``_entity_<action>`` handlers that ``_State.apply`` dispatches to.
May import components.entities and components.corrections.working (and the records and anchoring
it builds on); never the database or the service.
"""
from __future__ import annotations

from components.corrections.anchoring import _Lost, _overlap, _quote
from components.corrections.records import Correction, Origin
from components.corrections.working import _E, _G, _touch, _WorkingCopy
from components.entities import normalise
from components.records import Entity, Span


class _EntityReplay(_WorkingCopy):
    """The handlers of ``entity`` corrections."""

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
