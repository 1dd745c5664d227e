"""The part of the service every other part builds on: reading an article's corrections and
appending one.

``_Ledger`` holds the store, reads the corrections rows (``active`` resolved), gives the article
and what the analyst sees of it (through components.effective, the one read path), finds an entity
in that view, and ``_record`` checks that a change applies before inserting it as one row in its own
transaction. May import components.store, components.errors and this package's schema, records,
anchoring and replay; components.effective only inside a call (it builds on this package).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from components.corrections.anchoring import SpanInput, _quote, check_span
from components.corrections.records import Correction, EffectiveAnalysis
from components.corrections.replay import apply_corrections, resolve_active
from components.corrections.schema import corrections_table, ensure_tables
from components.errors import BadInput, StoreError
from components.records import Article, Entity, EntityGroup
from components.store import Store, now


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


class _Ledger:
    """Reading and appending corrections rows; the base of every part of ``CorrectionsService``."""

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

    # -- finding targets in what the analyst sees -------------------------------------------------

    @staticmethod
    def _entity(article: Article, eff: EffectiveAnalysis, span: SpanInput) -> tuple[Entity, EntityGroup]:
        sp = check_span(article.text, span, "entity")
        for e in eff.analysis.entities:
            if (e.start, e.end) == (sp.start, sp.end):
                group = next(g for g in eff.analysis.groups if g.id == e.group)
                return e, group
        raise BadInput(f"no entity {_quote(sp.text(article.text))} at [{sp.start}, {sp.end}) in article {article.id!r}")
