"""The service's attribution edits: change the source, cue, content or kind; delete or add one.

``_AttributionEdits`` checks each change against what the analyst sees and records it through
``_Ledger._record``. May import components.corrections.ledger and this package's anchoring,
records and validation; never notes, tags or the history.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.corrections.anchoring import SpanInput, _triple, check_span
from components.corrections.ledger import _Ledger
from components.corrections.records import Correction, EffectiveAnalysis
from components.corrections.validation import (
    _check_analyst,
    _check_attr_layout,
    _check_kind,
    _check_name,
    _check_source_type,
)
from components.errors import BadInput
from components.records import Article, Attribution, Span

_KEEP: Any = object()  # "leave this field as it is"


def _attr_json(a: Attribution, text: str) -> dict:
    return {
        "source": _triple(a.source, text) if a.source else None,
        "source_canonical": a.source_canonical,
        "source_type": a.source_type,
        "cue": _triple(a.cue, text),
        "content": [_triple(s, text) for s in a.content],
        "kind": a.kind,
    }


class _AttributionEdits(_Ledger):
    """Attribution corrections."""

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
