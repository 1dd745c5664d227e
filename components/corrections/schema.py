"""The database tables of analysts' work: corrections, notes, tags and the tag history.

``ensure_tables`` creates them where they are missing. Plain SQLAlchemy Core table definitions;
may import sqlalchemy, components.errors and components.store (the articles table they point at),
never the rest of this package.
"""
from __future__ import annotations

import sqlalchemy as sa

from components.errors import StoreError
from components.store import articles_table

metadata = sa.MetaData()

corrections_table = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("version", sa.String(200), nullable=False),  # the analysis it was made on (for the record)
    sa.Column("target", sa.String(20), nullable=False),  # entity | group | attribution | correction
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("spans", sa.Text, nullable=False),  # JSON: how to find the target, by spans + their text
    sa.Column("before", sa.Text, nullable=False),  # JSON
    sa.Column("after", sa.Text, nullable=False),  # JSON
    # An undo row points at the row it reverts. Unique: a row is undone at most once, which the
    # database enforces even when two analysts press "undo" at the same moment.
    sa.Column("reverts", sa.Integer, sa.ForeignKey("corrections.id"), nullable=True, unique=True),
)

notes_table = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("span_start", sa.Integer, nullable=True),
    sa.Column("span_end", sa.Integer, nullable=True),
    sa.Column("quote", sa.Text, nullable=False),  # the passage's text when the note was written
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("shareable", sa.Boolean, nullable=False),
    sa.Column("deleted_at", sa.String(40), nullable=True),  # notes are hidden, never destroyed
    sa.Column("deleted_by", sa.String(100), nullable=True),
)

tags_table = sa.Table(
    "tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False),
    sa.Column("tag", sa.String(60), nullable=False, index=True),
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.UniqueConstraint("article_id", "tag", name="uq_tags_article_tag"),
)


#: Every tag added or removed, by whom and when (the ``tags`` table holds only the current tags).
tag_events_table = sa.Table(
    "tag_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), nullable=False, index=True),
    sa.Column("tag", sa.String(60), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),  # add | remove
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)


def ensure_tables(engine: sa.Engine) -> None:
    """Create the corrections, notes and tags tables where they are missing.

    Raises:
        components.errors.StoreError: the database cannot be written.
    """
    for attempt in range(3):
        try:
            metadata.create_all(engine)
            return
        except sa.exc.IntegrityError:
            # Two processes creating the same table at once (PostgreSQL's catalog race): the other
            # one won, so look again.
            if attempt == 2:
                raise
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot create the corrections tables in {engine.url!r}: {exc}") from exc
