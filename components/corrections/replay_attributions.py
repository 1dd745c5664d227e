"""Replaying attribution corrections on the working copy: source, cue, content, kind, delete, add.

``_AttributionReplay`` holds the ``_attribution_<action>`` handlers that ``_State.apply``
dispatches to, and ``_record``, which turns a working attribution back into an ``Attribution``.
May import components.corrections.working (and the records and anchoring it builds on); never the
database or the service.
"""
from __future__ import annotations

from components.corrections.records import Correction, Origin
from components.corrections.working import _A, _touch, _WorkingCopy
from components.records import Attribution


class _AttributionReplay(_WorkingCopy):
    """The handlers of ``attribution`` corrections."""

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
