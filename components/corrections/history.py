"""The service's history, undo and redo of corrections.

``_History`` lists an article's changes newest first, and undoes or redoes one by appending an
undo row that reverts the last row of its chain (the database refuses a second revert of the same
row). May import components.access, components.corrections.ledger and this package's schema,
records and validation.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from components.access import Forbidden, User, as_user
from components.corrections.ledger import _Ledger
from components.corrections.records import Correction
from components.corrections.schema import corrections_table
from components.corrections.validation import (
    _check_analyst,
)
from components.errors import BadInput
from components.store import now


class _History(_Ledger):
    """History, undo and redo."""

    def history(self, article_id: str) -> list[Correction]:
        """An article's changes, newest first: who, when, ``summary`` (before → after), active or undone."""
        return list(reversed(self.corrections(article_id)))

    # undo / redo

    def _toggle(self, correction_id: int, analyst: str | User, *, undo: bool) -> Correction:
        user = as_user(analyst)
        analyst = _check_analyst(analyst)
        rows = self._read(sa.select(corrections_table.c.article_id).where(corrections_table.c.id == int(correction_id)))
        if not rows:
            raise BadInput(f"correction #{correction_id} does not exist")
        by_id = {c.id: c for c in self.corrections(rows[0].article_id)}
        c = by_id[int(correction_id)]
        if c.target == "article":
            raise BadInput(f"correction #{c.id} edited the article's metadata: edit it again to change it back")
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
