"""The article library and its analyses, in one SQL database through SQLAlchemy Core.

A SQLite file by default (``data/sourcelight.db``, git-ignored), any SQLAlchemy URL by the
``SOURCELIGHT_DB`` setting (a PostgreSQL URL works unchanged). Articles are keyed by the hash of
their canonical text; an analysis by (article id, version), where the version names the spaCy
pipeline, its version and the rules version — so reopening an article never re-parses it, and a
new pipeline gets fresh analyses beside the old ones. Records are stored as JSON text (no pickle),
converted back to the frozen dataclasses of ``components.records`` on read.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from components.bulk import insert_rows
from components.errors import StoreError
from components.limits import LIMITS_KEY, notices
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span

DB_ENV = "SOURCELIGHT_DB"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "sourcelight.db"

metadata = sa.MetaData()

articles_table = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("outlet", sa.Text, nullable=False, default=""),
    sa.Column("author", sa.Text, nullable=False, default=""),
    sa.Column("place", sa.Text, nullable=False, default=""),
    sa.Column("date", sa.String(32), nullable=False, default=""),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("origin", sa.Text, nullable=False, default=""),
    sa.Column("layout", sa.Text, nullable=False, default="{}"),  # paragraphs, standfirst, warnings
    sa.Column("words", sa.Integer, nullable=False, default=0),
    sa.Column("added_at", sa.String(40), nullable=False),
)

analyses_table = sa.Table(
    "analyses",
    metadata,
    sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("version", sa.String(200), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)


def db_url(setting: str | None = None) -> str:
    """The SQLAlchemy URL for ``setting`` (a path or URL), ``SOURCELIGHT_DB``, or the default."""
    value = (setting if setting is not None else os.environ.get(DB_ENV, "")).strip()
    if not value:
        value = str(DEFAULT_DB)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets readers go on while one writer commits; busy_timeout makes a second writer wait
    # instead of failing at once; both matter when two analysts save at the same moment.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> sa.Engine:
    """Create an engine for ``url``; SQLite files get their folder, WAL and a busy timeout."""
    try:
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"check_same_thread": False})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database {url!r}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot create the database folder for {url!r}: {exc.strerror}") from exc
    return engine


def _insert_new(conn: sa.Connection, table: sa.Table, rows: list[dict], keys: list[str]) -> set[str] | None:
    """Insert ``rows``, leaving out any whose primary key is already there (insert-or-ignore):
    six processes ingesting the same texts at once must not die on ``IntegrityError``.

    Returns:
        The first key column of the rows inserted (SQLite and PostgreSQL), or None on another
        database, where a row already there makes the one insert fall back to a row-by-row one.
    """
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table).on_conflict_do_nothing(index_elements=keys).returning(table.c[keys[0]])
        # SQLAlchemy 2 batches an executemany with RETURNING ("insertmanyvalues") on both
        return set(conn.execute(stmt, rows).scalars())
    for row in rows:
        try:
            with conn.begin_nested():
                conn.execute(table.insert(), row)
        except sa.exc.IntegrityError:
            pass
    return None


# ---- records <-> JSON -------------------------------------------------------------------------


def _span(v) -> Span | None:
    return None if v is None else Span(int(v[0]), int(v[1]))


def analysis_to_dict(analysis: Analysis) -> dict:
    """A JSON-ready dict of an analysis (the stored form; also the export schema's core)."""
    return {
        "article_id": analysis.article_id,
        "version": analysis.version,
        "entities": [[e.start, e.end, e.label, e.group] for e in analysis.entities],
        "groups": [
            {"id": g.id, "name": g.name, "label": g.label, "mentions": [m.as_list() for m in g.mentions]}
            for g in analysis.groups
        ],
        "attributions": [attribution_to_dict(a) for a in analysis.attributions],
        "extra": analysis.extra,
    }


def attribution_to_dict(a: Attribution) -> dict:
    return {
        "source": a.source.as_list() if a.source else None,
        "source_canonical": a.source_canonical,
        "source_type": a.source_type,
        "cue": a.cue.as_list(),
        "content": [s.as_list() for s in a.content],
        "kind": a.kind,
        "nested_in": a.nested_in,
        "source_status": a.source_status,
        "source_antecedent_span": a.source_antecedent_span.as_list() if a.source_antecedent_span else None,
    }


def attribution_from_dict(d: dict) -> Attribution:
    return Attribution(
        source=_span(d.get("source")),
        source_canonical=d.get("source_canonical"),
        source_type=d.get("source_type"),
        cue=_span(d["cue"]),
        content=tuple(_span(s) for s in d["content"]),
        kind=d["kind"],
        nested_in=d.get("nested_in"),
        source_status=d.get("source_status") or ("named" if d.get("source_canonical") else "unresolved"),
        source_antecedent_span=_span(d.get("source_antecedent_span")),
    )


def _sound_nesting(attributions: list[Attribution]) -> tuple[list[Attribution], int]:
    """``attributions`` with every ``nested_in`` that points nowhere, at itself or round a cycle
    set to None (an analysis stored by an older version may hold one); and how many were."""
    n = len(attributions)
    parents = [a.nested_in if isinstance(a.nested_in, int) and 0 <= a.nested_in < n else None
               for a in attributions]
    state = [0] * n  # 0 unseen, 1 on the current path, 2 done
    for i in range(n):
        path = []
        p: int | None = i
        while p is not None and state[p] == 0:
            state[p] = 1
            path.append(p)
            nxt = parents[p]
            if nxt is not None and state[nxt] == 1:  # closes a cycle: cut it here
                parents[p] = None
                nxt = None
            p = nxt
        for q in path:
            state[q] = 2
    fixed = sum(1 for a, p in zip(attributions, parents, strict=True) if a.nested_in != p)
    if not fixed:
        return attributions, 0
    return [a if a.nested_in == p else replace(a, nested_in=p)
            for a, p in zip(attributions, parents, strict=True)], fixed


def analysis_from_dict(d: dict) -> Analysis:
    attributions, fixed = _sound_nesting([attribution_from_dict(a) for a in d.get("attributions", [])])
    extra = dict(d.get("extra") or {})
    if fixed:
        extra[LIMITS_KEY] = [*notices(extra), f"{fixed} stored nesting links that pointed nowhere or round a "
                             "cycle (an older version's analysis) were removed."]
    return Analysis(
        article_id=d["article_id"],
        version=d["version"],
        entities=tuple(Entity(s, e, label, group) for s, e, label, group in d["entities"]),
        groups=tuple(
            EntityGroup(g["id"], g["name"], g["label"], tuple(_span(m) for m in g["mentions"]))
            for g in d["groups"]
        ),
        attributions=tuple(attributions),
        extra=extra,
    )


def _article_row(a: Article) -> dict:
    layout = {
        "paragraphs": [p.as_list() for p in a.paragraphs],
        "standfirst": a.standfirst.as_list() if a.standfirst else None,
        "warnings": list(a.warnings),
    }
    return {
        "id": a.id,
        "text": a.text,
        "title": a.title,
        "outlet": a.outlet,
        "author": a.author,
        "place": a.place,
        "date": a.date,
        "url": a.url,
        "origin": a.origin,
        "layout": json.dumps(layout),
        "words": len(a.text.split()),
        "added_at": now(),
    }


def _article_from_row(r) -> Article:
    layout = json.loads(r.layout or "{}")
    return Article(
        id=r.id,
        text=r.text,
        title=r.title,
        outlet=r.outlet,
        author=r.author,
        place=r.place,
        date=r.date,
        url=r.url,
        paragraphs=tuple(_span(p) for p in layout.get("paragraphs", [])),
        standfirst=_span(layout.get("standfirst")),
        origin=r.origin,
        warnings=tuple(layout.get("warnings", [])),
    )


@dataclass(frozen=True)
class ArticleSummary:
    """One library row, without the text."""

    id: str
    title: str
    outlet: str
    author: str
    date: str
    origin: str
    words: int
    added_at: str


class Store:
    """The library: articles and analyses (and, through other modules, corrections, embeddings).

    Args:
        url: a SQLite path or SQLAlchemy URL; ``None`` reads ``SOURCELIGHT_DB``.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = db_url(url)
        self.engine = make_engine(self.url)
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {self.url!r}: {exc.__class__.__name__}: {exc}") from exc

    # -- articles --------------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> tuple[list[str], list[str]]:
        """Insert articles not yet in the library, in one transaction.

        Returns:
            (added ids, skipped ids) — skipped ones were already there (same text, same id).
        """
        articles = list(articles)
        if not articles:
            return [], []
        ids = [a.id for a in articles]
        added, skipped = [], []
        with self.engine.begin() as conn:
            known = set()
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                known |= set(
                    conn.execute(sa.select(articles_table.c.id).where(articles_table.c.id.in_(chunk))).scalars()
                )
            rows = []
            for a in articles:
                if a.id in known:
                    skipped.append(a.id)
                    continue
                known.add(a.id)
                rows.append(_article_row(a))
                added.append(a.id)
            if rows:
                inserted = _insert_new(conn, articles_table, rows, ["id"])
                if inserted is not None and len(inserted) < len(rows):
                    # another process added some of the same texts between our check and insert
                    added = [i for i in added if i in inserted]
                    skipped = [a.id for a in articles if a.id not in set(added)]
        return added, skipped

    def get_article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(articles_table).where(articles_table.c.id == article_id)).first()
        return _article_from_row(row) if row else None

    def get_articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Articles by id (all when ``ids`` is None), in the order asked (or library order)."""
        with self.engine.connect() as conn:
            q = sa.select(articles_table)
            if ids is not None:
                q = q.where(articles_table.c.id.in_(list(ids)))
            else:
                q = q.order_by(articles_table.c.origin, articles_table.c.id)
            found = {r.id: _article_from_row(r) for r in conn.execute(q)}
        return [found[i] for i in ids if i in found] if ids is not None else list(found.values())

    def list_articles(self) -> list[ArticleSummary]:
        cols = [articles_table.c[n] for n in ArticleSummary.__dataclass_fields__]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*cols).order_by(articles_table.c.origin, articles_table.c.id))
            return [ArticleSummary(*r) for r in rows]

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(articles_table)).scalar_one()

    # -- analyses --------------------------------------------------------------------------------

    def get_analysis(self, article_id: str, version: str) -> Analysis | None:
        with self.engine.connect() as conn:
            data = conn.execute(
                sa.select(analyses_table.c.data).where(
                    analyses_table.c.article_id == article_id, analyses_table.c.version == version
                )
            ).scalar()
        return analysis_from_dict(json.loads(data)) if data else None

    def put_analyses(self, analyses: Iterable[Analysis]) -> int:
        """Store analyses (replacing any of the same article and version) in one transaction."""
        rows = [
            {
                "article_id": a.article_id,
                "version": a.version,
                "data": json.dumps(analysis_to_dict(a), separators=(",", ":")),
                "created_at": now(),
            }
            for a in analyses
        ]
        if not rows:
            return 0
        t = analyses_table
        with self.engine.begin() as conn:
            for i in range(0, len(rows), 500):
                chunk = rows[i : i + 500]
                conn.execute(
                    t.delete().where(
                        sa.tuple_(t.c.article_id, t.c.version).in_([(r["article_id"], r["version"]) for r in chunk])
                    )
                )
                # a concurrent process may store the same analysis between delete and insert:
                # the same key means the same article and version, so either copy will do
                insert_rows(conn, t, chunk, ["article_id", "version"])  # COPY on PostgreSQL
        return len(rows)

    def put_analysis(self, analysis: Analysis) -> None:
        self.put_analyses([analysis])

    def has_analysis(self, article_id: str, version: str) -> bool:
        """Whether ``article_id`` has a stored analysis of ``version`` (no JSON is read)."""
        with self.engine.connect() as conn:
            q = sa.select(analyses_table.c.article_id).where(
                analyses_table.c.article_id == article_id, analyses_table.c.version == version
            )
            return conn.execute(q.limit(1)).first() is not None

    def analysed_ids(self, version: str) -> set[str]:
        with self.engine.connect() as conn:
            q = sa.select(analyses_table.c.article_id).where(analyses_table.c.version == version)
            return set(conn.execute(q).scalars())

    def missing_analyses(self, version: str) -> list[str]:
        """Ids of library articles with no analysis of ``version``."""
        done = self.analysed_ids(version)
        return [s.id for s in self.list_articles() if s.id not in done]

    def iter_analysed(self, version: str, ids: Sequence[str] | None = None) -> Iterator[tuple[Article, Analysis]]:
        """Every (article, analysis) of ``version``, in library order, in one query.

        The model's output as stored: what analysts corrected is read through
        ``components.effective``, never from here. With ``ids``, only those articles (ids
        without such an analysis are left out), in one query per 500 ids.
        """
        q = (
            sa.select(articles_table, analyses_table.c.data)
            .join(analyses_table, analyses_table.c.article_id == articles_table.c.id)
            .where(analyses_table.c.version == version)
            .order_by(articles_table.c.origin, articles_table.c.id)
        )
        chunks = [None] if ids is None else [list(ids)[i : i + 500] for i in range(0, len(ids), 500)]
        with self.engine.connect() as conn:
            for chunk in chunks:
                rows = conn.execute(q if chunk is None else q.where(articles_table.c.id.in_(chunk)))
                for row in rows:
                    yield _article_from_row(row), analysis_from_dict(json.loads(row.data))
