"""Replaying entity-group corrections on the working copy: merge, split, rename, relabel.

``_GroupReplay`` holds the ``_group_<action>`` handlers that ``_State.apply`` dispatches to.
May import components.corrections.working (and the records and anchoring it builds on); never the
database or the service.
"""
from __future__ import annotations

from components.corrections.anchoring import _Lost, _quote
from components.corrections.records import Correction, Origin
from components.corrections.working import _G, _touch, _WorkingCopy


class _GroupReplay(_WorkingCopy):
    """The handlers of ``group`` corrections."""

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
