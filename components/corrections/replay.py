"""Replaying analysts' corrections over a model analysis: ``apply_corrections`` and ``resolve_active``.

``resolve_active`` works out from the undo rows which corrections are active; ``apply_corrections``
replays the active ones, oldest first, on a ``_State`` (the working copy with every target's
handlers) and builds the new ``Analysis``, its ``Provenance`` and the corrections it could not
apply. Pure: no database. May import components.records and the rest of this package's replay
(records, anchoring, working, replay_entities, replay_groups, replay_attributions); never the
service.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from components.corrections.anchoring import _Lost
from components.corrections.records import Correction, EffectiveAnalysis, Provenance, Unanchored
from components.corrections.replay_attributions import _AttributionReplay
from components.corrections.replay_entities import _EntityReplay
from components.corrections.replay_groups import _GroupReplay
from components.corrections.working import _A
from components.records import Analysis, Article, Entity, EntityGroup, Span


class _State(_EntityReplay, _GroupReplay, _AttributionReplay):
    """The working copy with the handlers of every target; ``apply`` dispatches a correction to
    ``_<target>_<action>``, ``build`` makes the result."""

    # -- applying ----------------------------------------------------------------------------------

    def apply(self, c: Correction) -> None:
        self.current = c
        handler = getattr(self, f"_{c.target}_{c.action}", None)
        if handler is None:
            raise _Lost(f"unknown correction {c.target}/{c.action}")
        handler(c)

    # -- result ------------------------------------------------------------------------------------

    def build(self, applied: list[int]) -> tuple[Analysis, Provenance]:
        ents = sorted(self.ents, key=lambda e: (e.start, e.end))
        by_group: dict[str, list] = defaultdict(list)  # one pass, not one per group (an article
        for e in ents:  # of thousands of names has thousands of groups)
            by_group[e.group].append(e)
        groups, group_origins = [], []
        for g in self.groups.values():
            members = by_group.get(g.id, [])
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
        if not c.active or c.target in ("correction", "story", "article"):  # story: components.stories;
            # article: metadata edits (components.library), made on the article's row itself
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
