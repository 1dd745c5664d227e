"""Changing the library itself: adding uploaded files (with what became of each), editing an
article's metadata, and deleting an article with everything that belongs to it.

``edit_metadata`` changes an article's title, outlet, author or date on its stored row (so every
view, export and briefing shows the new value) and records the change as one ``corrections`` row
(target ``article``: who, when, before → after), in the same transaction; it shows in the
article's history beside analysts' other changes. ``delete_article`` removes the article, its
analyses, corrections, notes, tags, story membership and cached vectors in one transaction, then
its rows from the similarity index (memory or index folder) — and nothing of any other article: a
story split recorded under the deleted article is handed to the next article it moved, so the
other articles stay where analysts put them. Each deletion is kept in ``article_deletions`` (who,
when, the article's metadata and what was removed), since the article's own history goes with it.
Both need the editor role when a signed-in ``components.access.User`` acts (a bare name is the
single-user mode's local analyst, who may). ``add_files`` loads and stores uploads and reports per
file: added, already in the library, rejected and why. Never imports Streamlit.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from components.access import User, as_user, require
from components.articles import load_bytes, parse_date
from components.corrections.records import Correction
from components.corrections.replay import resolve_active
from components.corrections.schema import (
    corrections_table,
    ensure_tables,
    notes_table,
    tag_events_table,
    tags_table,
)
from components.corrections.validation import _check_analyst
from components.errors import BadInput, SourcelightError, StoreError
from components.records import Article
from components.store import Store, analyses_table, articles_table, now

if TYPE_CHECKING:
    from components.similarity import SimilarityEngine
    from components.stories.service import StoryService

#: The metadata an editor may change, and the longest value each takes.
EDITABLE: dict[str, int] = {"title": 500, "outlet": 200, "author": 300, "date": 40}
ARTICLE = "article"  # the corrections target of a metadata edit

metadata = sa.MetaData()

#: One row per deleted article (no foreign key: the article is gone).
deletions_table = sa.Table(
    "article_deletions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("analyst", sa.String(100), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("before", sa.Text, nullable=False),  # JSON: the article's metadata and what was removed
)


@dataclass(frozen=True)
class Deletion:
    """One deleted article: who deleted it and when, its metadata (``before``) and ``removed``,
    the number of rows of each kind that went with it."""

    id: int
    article_id: str
    title: str
    analyst: str
    at: str
    before: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)

    def line(self) -> str:
        """One line for people: what was deleted, by whom, when."""
        return f"deleted {self.title or self.article_id!r} ({self.article_id[:12]}) · {self.analyst} · {self.at}"


@dataclass(frozen=True)
class FileOutcome:
    """What became of one uploaded file: the ids added, those already in the library, the corpus
    lines or the whole file rejected (with why), and warnings."""

    name: str
    added: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``added``, ``already in the library``, ``rejected`` or ``partly rejected``."""
        if self.added:
            return "partly rejected" if self.rejected else "added"
        if self.known:
            return "already in the library"
        return "rejected"

    def line(self) -> str:
        """One line naming the file and what became of it."""
        if self.status == "rejected":
            why = "; ".join(r for _, r in self.rejected[:3]) or "nothing could be read"
            return f"{self.name}: rejected — {why}"
        parts = []
        if self.added:
            parts.append(f"added {len(self.added)} article{'s' if len(self.added) != 1 else ''}")
        if self.known:
            parts.append(f"{len(self.known)} already in the library")
        if self.rejected:
            parts.append(f"{len(self.rejected)} rejected ({self.rejected[0][0]}: {self.rejected[0][1]})")
        return f"{self.name}: " + ", ".join(parts)


def _ensure(store: Store) -> None:
    ensure_tables(store.engine)
    try:
        metadata.create_all(store.engine)
    except sa.exc.IntegrityError:  # another process created it at the same moment
        pass
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot create the deletions table in {store.url!r}: {exc}") from exc


# ---- adding files --------------------------------------------------------------------------------


def add_files(store: Store, files: Iterable[tuple[str, bytes]]) -> list[FileOutcome]:
    """Load each ``(file name, bytes)`` and store its articles; one outcome per file, in order.

    A file that cannot be read at all is an outcome with its reason, never an exception: the
    other files are still added. Analysing and indexing what was added is the caller's (the
    page's background worker, or ``components.analysis.analyze_missing``).
    """
    out = []
    for name, data in files:
        try:
            report = load_bytes(data, name)
        except SourcelightError as exc:
            reason = str(exc)
            if reason.startswith(f"{name}: "):
                reason = reason[len(name) + 2:]
            out.append(FileOutcome(name, rejected=((name, reason),)))
            continue
        added, known = store.add_articles(report.articles) if report.articles else ([], [])
        rejected = tuple(report.rejected) + tuple((n, f"same text as another article in it ({why})")
                                                  for n, why in report.skipped)
        out.append(FileOutcome(name, tuple(added), tuple(known), rejected, tuple(report.warnings)))
    return out


# ---- editing metadata ----------------------------------------------------------------------------


def _clean_changes(article: Article, changes: Mapping[str, object]) -> tuple[dict, dict]:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise BadInput(f"cannot edit {', '.join(unknown)}: only {', '.join(EDITABLE)} can be edited")
    before, after = {}, {}
    for key, value in changes.items():
        if value is None:
            continue
        text = " ".join(str(value).split())
        if len(text) > EDITABLE[key]:
            raise BadInput(f"the {key} is {len(text)} characters long: keep it under {EDITABLE[key]}")
        if key == "title" and not text:
            raise BadInput("the title cannot be empty")
        if key == "date" and text:
            iso = parse_date(text)
            if not iso:
                raise BadInput(f"date {text!r} is not a date: write it as YYYY-MM-DD")
            text = iso
        old = getattr(article, key)
        if text != old:
            before[key], after[key] = old, text
    return before, after


def edit_metadata(store: Store, article_id: str, changes: Mapping[str, object], *, analyst: str | User,
                  similarity: SimilarityEngine | None = None) -> Correction:
    """Change an article's title, outlet, author or date (``changes``: field → new value; None
    leaves a field as it is), recorded in its history.

    The stored article is changed, so the reading view, the breakdowns, exports and briefing packs
    show the new values. A new title changes what the similarity index holds for the article: it
    is taken out of ``similarity`` (when given), to be indexed again with the title (the caller
    wakes the background worker or indexes it).

    Returns:
        The history row (target ``article``, action ``edit``; ``before`` and ``after`` hold the
        fields that changed).

    Raises:
        components.access.Forbidden: a signed-in user without the editor role.
        components.errors.BadInput: unknown article, unknown field, an empty title, a value too
            long, a date that is not one, or nothing that changes.
    """
    user = as_user(analyst)
    require(user, "edit_metadata")  # before the name check, which asks for the analyst role
    name = _check_analyst(analyst)
    _ensure(store)
    article = store.get_article(article_id)
    if article is None:
        raise BadInput(f"article {article_id!r} is not in the library")
    before, after = _clean_changes(article, changes)
    if not after:
        raise BadInput(f"article {article_id!r}: nothing to change (the values are the ones it has)")
    at = now()
    spans = {"article": article_id}
    row = {"article_id": article_id, "analyst": name, "at": at, "version": ARTICLE, "target": ARTICLE,
           "action": "edit", "spans": json.dumps(spans), "before": json.dumps(before, ensure_ascii=False),
           "after": json.dumps(after, ensure_ascii=False), "reverts": None}
    try:
        with store.engine.begin() as conn:  # the change and its history row together, or neither
            n = conn.execute(articles_table.update().where(articles_table.c.id == article_id)
                             .values(**after)).rowcount
            if n == 0:
                raise BadInput(f"article {article_id!r} was deleted a moment ago")
            cid = int(conn.execute(corrections_table.insert().values(**row)).inserted_primary_key[0])
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot save to {store.url!r}: {exc.__class__.__name__}: {exc}") from exc
    if similarity is not None and "title" in after:
        similarity.remove([article_id])
    return Correction(cid, article_id, name, at, ARTICLE, "edit", before, after, spans, ARTICLE)


def metadata_history(store: Store, article_id: str) -> list[Correction]:
    """An article's metadata edits, newest first."""
    _ensure(store)
    t = corrections_table
    q = sa.select(t).where(t.c.article_id == article_id, t.c.target == ARTICLE).order_by(t.c.id.desc())
    with store.engine.connect() as conn:
        rows = list(conn.execute(q))
    return [Correction(int(r.id), r.article_id, r.analyst, r.at, r.target, r.action, json.loads(r.before),
                       json.loads(r.after), json.loads(r.spans), r.version) for r in rows]


# ---- deleting ------------------------------------------------------------------------------------


def _story_chains_to_rehome(conn: sa.Connection, article_id: str) -> dict[str, list[int]]:
    """Story splits recorded under ``article_id`` that moved other articles too: the next article
    each moved → the ids of the split row and its undo rows (they must outlive the deletion)."""
    t = corrections_table
    rows = list(conn.execute(sa.select(t).where(t.c.article_id == article_id).order_by(t.c.id)))
    if not rows:
        return {}
    from components.corrections.ledger import _row_to_correction

    corrections = resolve_active([_row_to_correction(r) for r in rows])
    by_id = {c.id: c for c in corrections}

    def root(c: Correction) -> Correction:
        while c.reverts is not None and c.reverts in by_id:
            c = by_id[c.reverts]
        return c

    out: dict[str, list[int]] = {}
    for c in corrections:
        r = root(c)
        if r.target != "story" or r.action != "split":
            continue
        heir = next((a for a in r.spans.get("articles", []) if a != article_id), None)
        if heir is not None:
            out.setdefault(heir, []).append(c.id)
    return out


def _vector_hashes(article: Article, conn: sa.Connection) -> list[str]:
    from components.similarity.embed import content_hash

    hashes = {content_hash(article.title, article.text)}
    t = corrections_table  # earlier titles had vectors of their own
    for r in conn.execute(sa.select(t.c.before).where(t.c.article_id == article.id, t.c.target == ARTICLE)):
        old = json.loads(r.before).get("title")
        if old is not None:
            hashes.add(content_hash(old, article.text))
    return sorted(hashes)


def delete_article(store: Store, article_id: str, *, analyst: str | User,
                   similarity: SimilarityEngine | None = None, stories: StoryService | None = None) -> Deletion:
    """Delete an article and everything that is only its own, in one transaction: the article, its
    analyses, corrections, notes, tags, tag history, story membership and cached vectors; then its
    rows in ``similarity`` (memory or index folder) and ``stories``' grouping index, when given.
    Another article's rows are never touched, except that a story split recorded under this
    article is re-recorded under the next article it moved (so that article keeps its story).

    Returns:
        The deletion record (also kept in ``article_deletions``: see ``deletions``).

    Raises:
        components.access.Forbidden: a signed-in user without the editor role.
        components.errors.BadInput: the article is not in the library.
    """
    user = as_user(analyst)
    require(user, "delete_article")  # before the name check, which asks for the analyst role
    name = _check_analyst(analyst)
    _ensure(store)
    from components.similarity.embed import metadata as vector_metadata
    from components.similarity.embed import vectors as vectors_table
    from components.stories.service import metadata as story_metadata
    from components.stories.service import story_members

    for md in (story_metadata, vector_metadata):
        try:
            md.create_all(store.engine)
        except sa.exc.IntegrityError:
            pass
    article = store.get_article(article_id)
    if article is None:
        raise BadInput(f"article {article_id!r} is not in the library")
    at = now()
    removed: dict[str, int] = {}
    try:
        with store.engine.begin() as conn:
            for heir, ids in _story_chains_to_rehome(conn, article_id).items():
                conn.execute(corrections_table.update().where(corrections_table.c.id.in_(ids))
                             .values(article_id=heir))
            hashes = _vector_hashes(article, conn)
            c = corrections_table
            # undo rows point at the rows they revert: delete the newest first
            ids = list(conn.execute(sa.select(c.c.id).where(c.c.article_id == article_id)
                                    .order_by(c.c.id.desc())).scalars())
            for cid in ids:
                conn.execute(c.delete().where(c.c.id == cid))
            removed["corrections"] = len(ids)
            for key, table in (("notes", notes_table), ("tags", tags_table), ("tag_events", tag_events_table),
                               ("story_members", story_members), ("analyses", analyses_table)):
                removed[key] = conn.execute(table.delete().where(table.c.article_id == article_id)).rowcount
            removed["vectors"] = conn.execute(vectors_table.delete().where(
                vectors_table.c.content_hash.in_(hashes))).rowcount
            if conn.execute(articles_table.delete().where(articles_table.c.id == article_id)).rowcount == 0:
                raise BadInput(f"article {article_id!r} was deleted a moment ago")
            before = {"title": article.title, "outlet": article.outlet, "author": article.author,
                      "date": article.date, "url": article.url, "origin": article.origin,
                      "words": len(article.text.split()), "removed": removed}
            did = int(conn.execute(deletions_table.insert().values(
                article_id=article_id, title=article.title, analyst=name, at=at,
                before=json.dumps(before, ensure_ascii=False))).inserted_primary_key[0])
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot delete from {store.url!r}: {exc.__class__.__name__}: {exc}") from exc
    if similarity is not None:
        removed["index"] = similarity.remove([article_id])
    if stories is not None:
        stories.forget()
    return Deletion(did, article_id, article.title, name, at, before, removed)


def deletions(store: Store, limit: int = 200) -> list[Deletion]:
    """The articles deleted from the library, newest first."""
    _ensure(store)
    t = deletions_table
    with store.engine.connect() as conn:
        rows = list(conn.execute(sa.select(t).order_by(t.c.id.desc()).limit(limit)))
    out = []
    for r in rows:
        before = json.loads(r.before)
        out.append(Deletion(int(r.id), r.article_id, r.title, r.analyst, r.at, before, before.get("removed", {})))
    return out


def delete_articles(store: Store, article_ids: Sequence[str], *, analyst: str | User,
                    similarity: SimilarityEngine | None = None,
                    stories: StoryService | None = None) -> list[Deletion]:
    """``delete_article`` for each id in turn (each in its own transaction)."""
    return [delete_article(store, i, analyst=analyst, similarity=similarity, stories=stories)
            for i in dict.fromkeys(article_ids)]
