"""The service's analyst notes: on a passage or the whole article, private or shareable.

``_Notes`` adds, reads (a private note only by its author, on every read path) and hides notes
(never destroyed). May import components.access, components.corrections.ledger and this package's
schema, records, anchoring and validation.
"""
from __future__ import annotations

import sqlalchemy as sa

from components.access import Forbidden, User, as_user, can_see_note
from components.corrections.anchoring import SpanInput, check_span
from components.corrections.ledger import _Ledger
from components.corrections.records import Note
from components.corrections.schema import notes_table
from components.corrections.validation import (
    _check_analyst,
)
from components.errors import BadInput, StoreError
from components.records import Span
from components.store import now


def _row_to_note(r) -> Note:
    span = Span(r.span_start, r.span_end) if r.span_start is not None else None
    return Note(int(r.id), r.article_id, r.analyst, r.at, r.text, span, r.quote, bool(r.shareable))


class _Notes(_Ledger):
    """Notes."""

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
