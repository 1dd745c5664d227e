"""The service's article tags, with the history of who added and removed each.

``_Tags`` adds and removes tags (the change and its history row in one transaction) and lists them
by article and across the library. May import components.corrections.ledger and this package's
schema, records and validation.
"""
from __future__ import annotations

import sqlalchemy as sa

from components.access import User
from components.corrections.ledger import _Ledger
from components.corrections.records import Tag, TagCount, TagEvent
from components.corrections.schema import tag_events_table, tags_table
from components.corrections.validation import (
    _check_analyst,
    normalise_tag,
)
from components.errors import StoreError
from components.store import now


class _Tags(_Ledger):
    """Tags."""

    # -- tags --------------------------------------------------------------------------------------

    def add_tag(self, article_id: str, tag: str, *, analyst: str | User) -> bool:
        """Tag an article (and record who did, in the tag history); False when it already had the tag."""
        analyst, tag = _check_analyst(analyst), normalise_tag(tag)
        self._article(article_id)
        at = now()
        try:
            with self.engine.begin() as conn:
                conn.execute(tags_table.insert().values(article_id=article_id, tag=tag, analyst=analyst, at=at))
                conn.execute(tag_events_table.insert().values(
                    article_id=article_id, tag=tag, action="add", analyst=analyst, at=at))
        except sa.exc.IntegrityError:
            return False
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc
        return True

    def remove_tag(self, article_id: str, tag: str, *, analyst: str | User) -> bool:
        """Remove a tag from an article, recording who did and when in the tag history; returns
        False when it did not have the tag (nothing is recorded then)."""
        analyst, tag = _check_analyst(analyst), normalise_tag(tag)
        t = tags_table
        try:
            with self.engine.begin() as conn:
                gone = conn.execute(t.delete().where(t.c.article_id == article_id, t.c.tag == tag)).rowcount > 0
                if gone:  # same transaction: the removal and its record are saved together or not at all
                    conn.execute(tag_events_table.insert().values(
                        article_id=article_id, tag=tag, action="remove", analyst=analyst, at=now()))
                return gone
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def tag_history(self, article_id: str) -> list[TagEvent]:
        """Who added and removed which tag of an article, and when, newest first."""
        t = tag_events_table
        rows = self._read(sa.select(t).where(t.c.article_id == article_id).order_by(t.c.id.desc()))
        return [TagEvent(r.article_id, r.tag, r.action, r.analyst, r.at) for r in rows]

    def tags(self, article_id: str) -> list[Tag]:
        """An article's tags, alphabetical, with who added each and when."""
        t = tags_table
        rows = self._read(sa.select(t).where(t.c.article_id == article_id).order_by(t.c.tag))
        return [Tag(r.article_id, r.tag, r.analyst, r.at) for r in rows]

    def articles_with_tag(self, tag: str) -> list[str]:
        """Ids of the articles carrying ``tag`` (normalised as stored), oldest tagging first."""
        t = tags_table
        rows = self._read(sa.select(t.c.article_id).where(t.c.tag == normalise_tag(tag)).order_by(t.c.id))
        return [r.article_id for r in rows]

    def all_tags(self) -> list[TagCount]:
        """Every tag in the library with its number of articles, most used first."""
        t = tags_table
        n = sa.func.count(t.c.article_id)
        rows = self._read(sa.select(t.c.tag, n.label("n")).group_by(t.c.tag).order_by(n.desc(), t.c.tag))
        return [TagCount(r.tag, int(r.n)) for r in rows]
