"""The service's entity and entity-group edits: relabel, remove, add, relabel every mention; merge,
split, rename, relabel a group.

``_EntityEdits`` checks each change against what the analyst sees and records it through
``_Ledger._record``. May import components.corrections.ledger and this package's anchoring,
records and validation; never notes, tags or the history.
"""
from __future__ import annotations

from collections.abc import Sequence

from components.corrections.anchoring import SpanInput, _overlap, _quote, _triple, check_span
from components.corrections.ledger import _Ledger
from components.corrections.records import Correction, EffectiveAnalysis
from components.corrections.validation import (
    _check_analyst,
    _check_label,
    _check_name,
)
from components.errors import BadInput
from components.records import Article, EntityGroup, Span


def _group_json(g: EntityGroup) -> dict:
    return {"id": g.id, "name": g.name, "label": g.label, "mentions": [m.as_list() for m in g.mentions]}


class _EntityEdits(_Ledger):
    """Entity and group corrections."""

    # entities
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
