"""Stories kept in the database: the machine's grouping, analysts' moves and splits on top.

The machine's decision for each article (its story, the score, in arrival order) is one row of
``story_members``, written when the article is grouped; the machine rewrites its own rows only
when the re-check of a grown story splits a group off into a new story (``grouping.recheck``),
and never those of articles an active analyst's change placed. Analysts' changes
are ordinary corrections (``corrections`` table, target ``"story"``: who, when, before → after,
undoable with :meth:`CorrectionsService.undo`): ``move`` puts one article into another story (or
a new one), ``split`` takes some articles out of a story into a new one. The stories anyone reads
are the machine's rows with the active corrections replayed in order (:func:`effective_members`),
so an undo shows at once everywhere. Story ids come from a story's first article and never change
as stories grow. :class:`StoryService` is what the app, the CLI and the feed watcher call.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from components.corrections.records import Correction
from components.corrections.replay import resolve_active
from components.corrections.schema import corrections_table
from components.corrections.service import CorrectionsService
from components.errors import BadInput, StoreError
from components.records import Article
from components.store import Store, articles_table, now
from components.stories.features import article_features
from components.stories.grouping import Assignment, StoryIndex, story_id_for

metadata = sa.MetaData()

story_members = sa.Table(
    "story_members",
    metadata,
    sa.Column("article_id", sa.String(64), sa.ForeignKey(articles_table.c.id), primary_key=True),
    sa.Column("story_id", sa.String(40), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),  # arrival order
    sa.Column("score", sa.Float, nullable=False),  # the winning score (0 for a new story)
    sa.Column("signals", sa.String(20), nullable=False),  # "embedding" | "lexical"
    sa.Column("at", sa.String(40), nullable=False),
)

STORY = "story"
UNKNOWN_OUTLET = "(unknown outlet)"
Vectors = Callable[[str], "np.ndarray | None"]


@dataclass(frozen=True)
class Story:
    """One story: its articles (arrival order), their outlets and dates.

    Attributes:
        id: stable id (from the story's first article).
        title: the first article's title (a label, not an editorial choice).
        article_ids: member articles in arrival order.
        outlets: distinct outlets, in order of first appearance.
        dates: distinct known dates (ISO), sorted.
    """

    id: str
    title: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    dates: tuple[str, ...]

    def as_json(self) -> dict:
        """The ``stories --json`` record."""
        return {
            "id": self.id,
            "title": self.title,
            "article_ids": list(self.article_ids),
            "outlets": list(self.outlets),
            "dates": list(self.dates),
            "first_date": self.dates[0] if self.dates else None,
            "last_date": self.dates[-1] if self.dates else None,
        }


def outlet_of(article: Article) -> str:
    """The article's outlet, else its web address's host, else ``UNKNOWN_OUTLET``."""
    if article.outlet.strip():
        return article.outlet.strip()
    if article.url:
        from urllib.parse import urlsplit

        host = urlsplit(article.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return UNKNOWN_OUTLET


def fresh_story_id(seed_article: str, taken: Iterable[str]) -> str:
    """The id a story founded by ``seed_article`` gets, unique among ``taken``."""
    taken = set(taken)
    base = story_id_for(seed_article)
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}-{n}"
    return sid


def effective_members(machine: Sequence[tuple[str, str]], corrections: Iterable[Correction]) -> dict[str, str]:
    """Article → story after replaying the active story corrections over the machine's rows.

    Args:
        machine: ``(article_id, story_id)`` in arrival order.
        corrections: story corrections (undo rows resolved: ``active`` filled in).
    """
    members = dict(machine)
    for c in sorted(corrections, key=lambda c: c.id):
        if not c.active or c.target != STORY:
            continue
        to = c.after.get("story")
        if not to:
            continue
        if c.action == "move":
            aid = c.spans.get("article")
            if aid in members:
                members[aid] = to
        elif c.action == "split":
            frm = c.spans.get("story")
            for aid in c.spans.get("articles", []):
                if members.get(aid) == frm:
                    members[aid] = to
    return members


def pinned_articles(corrections: Iterable[Correction]) -> set[str]:
    """The articles active story corrections placed (moved, or split off): the machine's re-check
    never moves them, so analysts' changes replay the same however the machine regroups."""
    out: set[str] = set()
    for c in corrections:
        if not c.active or c.target != STORY:
            continue
        if c.action == "move" and c.spans.get("article"):
            out.add(c.spans["article"])
        elif c.action == "split":
            out.update(c.spans.get("articles", []))
    return out


class StoryService:
    """The library's stories: grouping new articles, reading stories, analysts' moves and splits.

    Args:
        store: the library.
        vectors: ``article_id -> unit vector or None`` (the similarity engine's ``vector``);
            without it (or for articles it lacks) stories are grouped on words, names and dates.

    Thread-safe: the app shares one instance between sessions.
    """

    def __init__(self, store: Store, vectors: Vectors | None = None) -> None:
        self.store = store
        self.engine = store.engine
        self.vectors = vectors
        self.corrections = CorrectionsService(store)
        self._lock = threading.RLock()
        self._index: StoryIndex | None = None
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot create the stories table in {store.url!r}: {exc}") from exc

    # ------------------------------------------------------------------ reading
    def _read(self, query) -> list:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(query))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def _machine(self) -> list[tuple[str, str]]:
        t = story_members
        rows = self._read(sa.select(t.c.article_id, t.c.story_id).order_by(t.c.seq))
        return [(r.article_id, r.story_id) for r in rows]

    def story_corrections(self) -> list[Correction]:
        """Every story correction (and its undo rows), ``active`` resolved, oldest first."""
        t = corrections_table
        ids = [r.article_id for r in self._read(sa.select(t.c.article_id).where(t.c.target == STORY).distinct())]
        if not ids:
            return []
        out = []
        for rows in self.corrections.corrections_for(ids).values():
            out.extend(resolve_active(rows))
        return sorted(out, key=lambda c: c.id)

    def members(self) -> dict[str, str]:
        """Article → story, as analysts see it (machine grouping + active corrections)."""
        return effective_members(self._machine(), self.story_corrections())

    def stories(self) -> list[Story]:
        """Every story, largest first, then by first article; each with outlets and dates."""
        machine = self._machine()
        members = effective_members(machine, self.story_corrections())
        order = {aid: i for i, (aid, _) in enumerate(machine)}
        groups: dict[str, list[str]] = {}
        for aid, sid in members.items():
            groups.setdefault(sid, []).append(aid)
        articles = {a.id: a for a in self.store.get_articles(list(members))} if members else {}
        out = []
        for sid, ids in groups.items():
            ids = sorted((i for i in ids if i in articles), key=order.__getitem__)
            if ids:
                out.append(self._story(sid, [articles[i] for i in ids]))
        out.sort(key=lambda s: (-len(s.article_ids), order[s.article_ids[0]]))
        return out

    @staticmethod
    def _story(sid: str, arts: list[Article]) -> Story:
        return Story(
            id=sid,
            title=next((a.title for a in arts if a.title), arts[0].id),
            article_ids=tuple(a.id for a in arts),
            outlets=tuple(dict.fromkeys(outlet_of(a) for a in arts)),
            dates=tuple(sorted({a.date[:10] for a in arts if a.date})),
        )

    def story(self, story_id: str) -> Story:
        """One story by id.

        Raises:
            BadInput: no story has that id (it may have been emptied by moves).
        """
        for s in self.stories():
            if s.id == story_id:
                return s
        raise BadInput(f"story {story_id!r}: no such story (list them with `python -m components stories`)")

    def story_of(self, article_id: str) -> Story | None:
        """The story an article belongs to, or None when it has not been grouped yet."""
        sid = self.members().get(article_id)
        return None if sid is None else self.story(sid)

    def history(self, story_id: str | None = None) -> list[Correction]:
        """Story corrections, newest first (those touching ``story_id`` when given), undo rows too."""
        rows = self.story_corrections()
        if story_id is not None:
            touching = {c.id for c in rows if c.target == STORY and story_id in (
                c.before.get("story"), c.after.get("story"), c.spans.get("story"))}
            rows = [c for c in rows if c.id in touching or (c.target == "correction" and
                    c.spans.get("correction") in touching)]
        return list(reversed(rows))

    # ------------------------------------------------------------------ grouping
    def _features(self, article: Article):
        vec = self.vectors(article.id) if self.vectors is not None else None
        return article_features(article.id, article.title, article.text, article.date or None, vec)

    def _load_index(self) -> StoryIndex:
        """The in-memory index with every grouped article in its effective story."""
        machine = self._machine()
        corrections = self.story_corrections()
        members = effective_members(machine, corrections)
        index = StoryIndex()
        index.pinned = pinned_articles(corrections)
        ids = [aid for aid, _ in machine]
        for i in range(0, len(ids), 500):
            for a in self.store.get_articles(ids[i : i + 500]):
                index.place(self._features(a), members[a.id])
        return index

    def _sync(self, index: StoryIndex) -> None:
        """Bring the index's membership up to date with corrections made since it was built."""
        corrections = self.story_corrections()
        index.pinned = pinned_articles(corrections)
        for aid, sid in effective_members(self._machine(), corrections).items():
            if index.story_of.get(aid) not in (None, sid):
                index.move(aid, sid)

    def pending(self) -> list[str]:
        """Library articles not grouped yet, in the order they were added."""
        t, m = articles_table, story_members
        q = (sa.select(t.c.id).where(~t.c.id.in_(sa.select(m.c.article_id)))
             .order_by(t.c.added_at, t.c.origin, t.c.id))
        return [r.id for r in self._read(q)]

    def update(self, article_ids: Sequence[str] | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[Assignment]:
        """Group the library's new articles (or just ``article_ids`` among them), in arrival order.

        Each decision is saved at once (one short transaction per 200 articles), so an interrupted
        run keeps what it grouped; so are the machine's earlier rows a re-check rewrote (the
        articles it split off a grown story, ``Assignment.regrouped``).
        """
        with self._lock:
            todo = self.pending()
            if article_ids is not None:
                wanted = set(article_ids)
                todo = [i for i in todo if i in wanted]
            if self._index is None:
                self._index = self._load_index()
            else:
                self._sync(self._index)
            index = self._index
            t = story_members
            seq = (self._read(sa.select(sa.func.max(t.c.seq)))[0][0] or 0) + 1
            done: list[Assignment] = []
            for i in range(0, len(todo), 200):
                rows: dict[str, dict] = {}
                rewritten: dict[str, str] = {}  # stored rows a re-check moved: article -> story
                for a in self.store.get_articles(todo[i : i + 200]):
                    f = self._features(a)
                    got = index.assign(f)
                    done.append(got)
                    rows[a.id] = {"article_id": a.id, "story_id": got.story_id, "seq": seq, "score": got.score,
                                  "signals": "embedding" if f.vector is not None else "lexical", "at": now()}
                    for aid, sid in got.regrouped:
                        if aid in rows:
                            rows[aid]["story_id"] = sid
                        else:
                            rewritten[aid] = sid
                    seq += 1
                if rows or rewritten:
                    try:
                        with self.engine.begin() as conn:
                            if rows:
                                conn.execute(t.insert(), list(rows.values()))
                            for aid, sid in rewritten.items():
                                conn.execute(t.update().where(t.c.article_id == aid).values(story_id=sid, at=now()))
                    except sa.exc.IntegrityError:
                        self._index = None  # another process grouped some of them: rebuild next time
                        raise StoreError("stories: another process grouped these articles at the same "
                                         "moment; run again") from None
                if progress:
                    progress(len(done), len(todo))
            return done

    def forget(self) -> None:
        """Drop the in-memory grouping index (an article was deleted from the library): the next
        ``update`` rebuilds it from the stored membership."""
        with self._lock:
            self._index = None

    # ------------------------------------------------------------------ corrections
    def _insert(self, article_id: str, analyst: str, action: str, spans: dict, before: dict, after: dict) -> Correction:
        analyst = (analyst or "").strip()
        if not analyst:
            raise BadInput("name the analyst making this change (it is recorded with it)")
        if len(analyst) > 100:
            raise BadInput("analyst name: at most 100 characters")
        at = now()
        row = {"article_id": article_id, "analyst": analyst, "at": at, "version": STORY, "target": STORY,
               "action": action, "spans": json.dumps(spans), "before": json.dumps(before),
               "after": json.dumps(after), "reverts": None}
        try:
            with self.engine.begin() as conn:
                cid = int(conn.execute(corrections_table.insert().values(**row)).inserted_primary_key[0])
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot save to {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc
        return Correction(cid, article_id, analyst, at, STORY, action, before, after, spans, STORY)

    def move(self, article_id: str, to_story: str | None, *, analyst: str) -> Correction:
        """Move one article into story ``to_story``, or into a new story of its own (None).

        Raises:
            BadInput: the article is not grouped, the story does not exist, it is already there,
                or no analyst is named.
        """
        with self._lock:
            members = self.members()
            if article_id not in members:
                raise BadInput(f"article {article_id!r} is in no story yet: group the library first")
            frm = members[article_id]
            taken = set(members.values())
            if to_story is None:
                if sum(1 for s in members.values() if s == frm) == 1:
                    raise BadInput(f"article {article_id!r} is already alone in story {frm!r}")
                to_story = fresh_story_id(article_id, taken)
            elif to_story not in taken:
                raise BadInput(f"story {to_story!r}: no such story")
            elif to_story == frm:
                raise BadInput(f"article {article_id!r} is already in story {frm!r}")
            return self._insert(article_id, analyst, "move", {"article": article_id},
                                {"story": frm}, {"story": to_story})

    def split(self, story_id: str, article_ids: Sequence[str], *, analyst: str) -> Correction:
        """Take ``article_ids`` out of ``story_id`` into one new story.

        Raises:
            BadInput: unknown story, an article not in it, none or all of its articles chosen.
        """
        with self._lock:
            members = self.members()
            inside = [a for a, s in members.items() if s == story_id]
            if not inside:
                raise BadInput(f"story {story_id!r}: no such story")
            chosen = list(dict.fromkeys(article_ids))
            stray = [a for a in chosen if a not in inside]
            if stray:
                raise BadInput(f"article {stray[0]!r} is not in story {story_id!r}")
            if not chosen or len(chosen) == len(inside):
                raise BadInput(f"split story {story_id!r}: choose some of its articles, not none or all")
            order = {aid: i for i, (aid, _) in enumerate(self._machine())}
            chosen.sort(key=order.__getitem__)
            new = fresh_story_id(chosen[0], set(members.values()))
            return self._insert(chosen[0], analyst, "split", {"story": story_id, "articles": chosen},
                                {"story": story_id, "articles": len(inside)}, {"story": new})

    def undo(self, correction_id: int, *, analyst: str) -> Correction:
        """Undo a story correction (recorded as an undo row, like every other undo)."""
        c = self.corrections.get(correction_id)
        if c is None or (c.target != STORY and not (c.target == "correction" and c.version == STORY)):
            raise BadInput(f"correction #{correction_id} is not a story change")
        return self.corrections.undo(correction_id, analyst)
