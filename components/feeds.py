"""News feeds: RSS/Atom feeds kept in the library database, polled for new items.

A feed is a row of ``feeds`` (its URL, title, ETag, Last-Modified, when it was last checked, its
last error, consecutive failures and when to retry); the items already handled are rows of
``feed_items``. :meth:`FeedService.check` fetches the feed document with a conditional request
(``If-None-Match`` / ``If-Modified-Since``; a ``304`` means nothing new), parses it with
feedparser, fetches each new item's page exactly as a URL article is fetched (one call site,
:func:`fetch_item_page`), drops pages already in the library (same content hash, i.e. the same
article id) and near-duplicates of recent articles (MinHash estimate of the Jaccard overlap of
5-word shingles), and stores the rest. :meth:`FeedService.check_all` polls several feeds at once
in threads, each bounded by its own timeouts, so one slow or broken feed never blocks the others;
a failing feed is retried later with exponential backoff. New articles are then handed to the
``analyse``, ``index`` and stories hooks (analysis, similarity index, story grouping). Nothing
here imports Streamlit: the Library page and ``python -m components watch`` call it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import numpy as np
import sqlalchemy as sa

from components.access import User, require
from components.articles import MAX_BYTES, USER_AGENT, fetch_url
from components.errors import BadInput, SourcelightError, StoreError
from components.records import Article
from components.store import Store, articles_table, now

metadata = sa.MetaData()

feeds_table = sa.Table(
    "feeds",
    metadata,
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("modified", sa.Text, nullable=True),  # the server's Last-Modified, sent back as is
    sa.Column("added_at", sa.String(40), nullable=False),
    sa.Column("last_checked", sa.String(40), nullable=True),
    sa.Column("last_status", sa.String(20), nullable=False, default="new"),  # new | ok | not modified | failed
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("failures", sa.Integer, nullable=False, default=0),  # consecutive
    sa.Column("next_retry", sa.String(40), nullable=True),
    sa.Column("articles", sa.Integer, nullable=False, default=0),  # articles added from it so far
)

feed_items = sa.Table(
    "feed_items",
    metadata,
    sa.Column("feed_url", sa.String(2000), primary_key=True),
    sa.Column("item_key", sa.String(64), primary_key=True),  # sha1 of the item's id or link
    sa.Column("link", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # added | duplicate | near-duplicate | failed
    sa.Column("article_id", sa.String(64), nullable=True),
    sa.Column("tries", sa.Integer, nullable=False, default=1),
    sa.Column("at", sa.String(40), nullable=False),
)

#: Seconds allowed for fetching one feed document, and for one item's page.
FEED_TIMEOUT_S = 10.0
PAGE_TIMEOUT_S = 10.0
#: A whole feed (document and its new pages) stops fetching after this long; the items it did
#: not reach are fetched on the next poll, so one feed full of slow pages cannot hold up a round.
FEED_DEADLINE_S = 60.0
#: New items taken from one feed in one poll (the rest wait for the next poll).
MAX_ITEMS_PER_POLL = 50
#: A page that keeps failing is given up after this many polls.
MAX_ITEM_TRIES = 3
#: Feeds fetched at the same time.
WORKERS = 4
#: Backoff after consecutive failures: 1 min, 2 min, 4 min, ... at most 6 hours.
BACKOFF_BASE_S = 60
BACKOFF_MAX_S = 6 * 3600

#: Near-duplicate test: estimated Jaccard overlap of 5-word shingles. Syndicated copies of one
#: wire story (another headline, a changed byline or footer, a sentence trimmed) share well over
#: 0.8 of their shingles; separate reports of the same event, even close paraphrases, rarely pass
#: 0.3 (5-word runs are specific), so 0.8 drops republished copies and keeps every outlet's own report.
NEAR_DUPLICATE_JACCARD = 0.8
SHINGLE_WORDS = 5
MINHASH_PERMUTATIONS = 128
#: How many of the library's most recently added articles a new page is compared with.
RECENT_ARTICLES = 5000

_WORD = re.compile(r"\w+")
_MERSENNE = (1 << 61) - 1
_rng = np.random.default_rng(20261201)  # fixed: signatures must be comparable across runs
_HASH_A = _rng.integers(1, _MERSENNE, MINHASH_PERMUTATIONS, dtype=np.uint64)
_HASH_B = _rng.integers(0, _MERSENNE, MINHASH_PERMUTATIONS, dtype=np.uint64)


# ---------------------------------------------------------------------- near-duplicates
def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """The text's k-word shingles (lower-cased words), each as a 64-bit hash."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        words = words + [""] * (k - len(words)) if words else []
    out = set()
    for i in range(max(len(words) - k + 1, 0)):
        h = hashlib.blake2b(" ".join(words[i : i + k]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(h, "little") >> 3)  # 61 bits, below the Mersenne prime
    return out


def minhash(text: str) -> np.ndarray | None:
    """The MinHash signature of the text's shingles (None for a text with no words)."""
    sh = shingles(text)
    if not sh:
        return None
    x = np.fromiter(sh, dtype=np.uint64, count=len(sh))
    # (a*x + b) mod p with 61-bit values overflows uint64: take 32-bit keys and 31-bit
    # multipliers, so a*x + b stays below 2**64 (plenty for overlaps of a few thousand shingles).
    x = x & np.uint64(0xFFFFFFFF)
    a = _HASH_A[:, None] & np.uint64(0x7FFFFFFF)
    return ((a * x[None, :] + _HASH_B[:, None]) % np.uint64(_MERSENNE)).min(axis=1)


class NearDuplicates:
    """MinHash signatures of recent articles; :meth:`match` finds a stored near-copy of a text."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._sigs: list[np.ndarray] = []
        self._lock = threading.Lock()

    def add(self, article_id: str, text: str) -> None:
        sig = minhash(text)
        if sig is not None:
            with self._lock:
                self._ids.append(article_id)
                self._sigs.append(sig)
                if len(self._ids) > RECENT_ARTICLES:
                    del self._ids[0], self._sigs[0]

    def match(self, text: str) -> tuple[str, float] | None:
        """``(article id, estimated Jaccard)`` of the closest stored article at or over the threshold."""
        sig = minhash(text)
        with self._lock:
            if sig is None or not self._sigs:
                return None
            sims = (np.vstack(self._sigs) == sig).mean(axis=1)
            best = int(sims.argmax())
            return (self._ids[best], float(sims[best])) if sims[best] >= self.threshold else None


# ---------------------------------------------------------------------- records
@dataclass(frozen=True)
class Feed:
    """One feed as stored: where it is, what it is called, how its last check went."""

    url: str
    title: str
    added_at: str
    last_checked: str | None
    last_status: str
    last_error: str | None
    failures: int
    next_retry: str | None
    articles: int


@dataclass(frozen=True)
class FeedReport:
    """What one check of one feed did.

    Attributes:
        status: ``ok``, ``not modified`` (304) or ``failed`` (``error`` says why).
        added: ids of the articles added to the library.
        duplicates: pages already in the library (same text).
        near_duplicates: ``(link, article id it copies)``.
        failed_items: ``(link, reason)`` for pages that could not be fetched or read.
        left: new items left for the next poll (the feed's deadline or item cap was reached).
    """

    url: str
    status: str
    title: str = ""
    items: int = 0
    added: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    near_duplicates: tuple[tuple[str, str], ...] = ()
    failed_items: tuple[tuple[str, str], ...] = ()
    left: int = 0
    error: str | None = None
    next_retry: str | None = None

    def line(self) -> str:
        """The one progress line ``watch`` prints for this feed."""
        name = self.title or self.url
        if self.status == "failed":
            return f"{self.url}: failed: {self.error} (retry after {self.next_retry})"
        if self.status == "not modified":
            return f"{name}: not modified"
        parts = [f"{self.items} items", f"{len(self.added)} new"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already in the library")
        if self.near_duplicates:
            parts.append(f"{len(self.near_duplicates)} near-duplicates")
        if self.failed_items:
            link, why = self.failed_items[0]
            parts.append(f"{len(self.failed_items)} pages failed ({link}: {why})")
        if self.left:
            parts.append(f"{self.left} left for the next poll")
        return f"{name}: " + ", ".join(parts)


@dataclass(frozen=True)
class _Item:
    key: str
    link: str
    title: str
    date: str
    tries: int


@dataclass(frozen=True)
class _Polled:
    """A feed's fetch result before it is stored (made in a worker thread, stored in the caller's)."""

    url: str
    status: str
    title: str = ""
    etag: str | None = None
    modified: str | None = None
    items: int = 0
    pages: tuple[tuple[_Item, Article], ...] = ()
    failed: tuple[tuple[_Item, str], ...] = ()
    left: int = 0
    error: str | None = None


# ---------------------------------------------------------------------- fetching
def check_feed_url(url: str) -> str:
    """The URL stripped, or BadInput when it is not an http(s) URL with a host."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{url or 'feed URL'}: give an http:// or https:// feed address")
    if len(url) > 2000:
        raise BadInput(f"{url[:60]}...: a feed address of over 2000 characters")
    return url


def fetch_item_page(url: str, timeout: float = PAGE_TIMEOUT_S) -> Article:
    """One item's page as an article, fetched and extracted exactly as a URL article is.

    The only place feeds fetch pages (so the fetcher can be swapped in one line).
    """
    return fetch_url(url, timeout=timeout)[0]


def fetch_feed_document(
    url: str, etag: str | None, modified: str | None, timeout: float = FEED_TIMEOUT_S
) -> tuple[bytes | None, str | None, str | None]:
    """The feed document, conditionally: ``(body or None when 304, etag, last-modified)``.

    Raises:
        BadInput: an HTTP error, a network error, a timeout, or a body over the size cap.
    """
    headers = {"User-Agent": USER_AGENT,
               "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    # Through the hardened fetcher: every host and redirect resolved and refused when internal
    # (unless SOURCELIGHT_FETCH_ALLOW names it), one deadline for connect, headers and body.
    from components.fetch import http_get

    got = http_get(url, timeout=timeout, max_bytes=MAX_BYTES, headers=headers)
    if got.status == 304:
        return None, etag, modified
    return got.body, got.headers.get("ETag"), got.headers.get("Last-Modified")


def _item_date(entry) -> str:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return ""


def parse_feed(url: str, body: bytes) -> tuple[str, list[tuple[str, str, str, str]]]:
    """``(feed title, [(item id, link, title, date)])`` from an RSS or Atom document.

    Raises:
        BadInput: the document is not a feed (broken XML with no items, or an HTML page).
    """
    import feedparser

    parsed = feedparser.parse(body)
    title = str(parsed.get("feed", {}).get("title", "") or "").strip()
    items = []
    for e in parsed.get("entries") or []:
        link = str(e.get("link", "") or "").strip()
        if not link:
            continue
        items.append((str(e.get("id", "") or link), link, str(e.get("title", "") or "").strip(), _item_date(e)))
    # feedparser reads what it can of a damaged document ("bozo"): keep its items when it found
    # some, but a document broken before its first complete item is a failure, not an empty feed
    if parsed.get("bozo") and not items:
        why = parsed.get("bozo_exception")
        raise BadInput(f"{url}: not a readable RSS or Atom feed ({why.__class__.__name__}: {why})"
                       if why else f"{url}: not a readable RSS or Atom feed")
    if not parsed.get("version") and not items:
        raise BadInput(f"{url}: not an RSS or Atom feed")
    return title, items


def _key(item_id: str) -> str:
    return hashlib.sha1(item_id.encode("utf-8", "replace")).hexdigest()


def backoff_s(failures: int) -> int:
    """Seconds to wait before retrying a feed that failed ``failures`` times in a row."""
    return min(BACKOFF_BASE_S * 2 ** max(failures - 1, 0), BACKOFF_MAX_S)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------- the service
class FeedService:
    """The library's feeds: adding, removing, listing and checking them.

    Args:
        store: the library.
        analyse: called with the ids of new articles (``components.analysis.analyze_missing``).
        index: called with new articles (the similarity index).
        stories: called with the ids of new articles (``StoryService.update``).
        fetch_page: how an item's page is fetched (default :func:`fetch_item_page`).
        clock: the current time (tests move it to see backoff).
    """

    def __init__(
        self,
        store: Store,
        *,
        analyse: Callable[[list[str]], object] | None = None,
        index: Callable[[list[Article]], object] | None = None,
        stories: Callable[[list[str]], object] | None = None,
        fetch_page: Callable[[str, float], Article] = fetch_item_page,
        feed_timeout: float = FEED_TIMEOUT_S,
        page_timeout: float = PAGE_TIMEOUT_S,
        deadline: float = FEED_DEADLINE_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.engine = store.engine
        self.analyse, self.index, self.stories = analyse, index, stories
        self.fetch_page = fetch_page
        self.feed_timeout, self.page_timeout, self.deadline = feed_timeout, page_timeout, deadline
        self.clock = clock
        self._near: NearDuplicates | None = None
        self._lock = threading.Lock()
        try:
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot create the feeds tables in {store.url!r}: {exc}") from exc

    # -------------------------------------------------------------- the list of feeds
    def _run(self, query, *, write: bool = False) -> list:
        try:
            if write:
                with self.engine.begin() as conn:
                    conn.execute(query)
                    return []
            with self.engine.connect() as conn:
                return list(conn.execute(query))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"feeds in {self.store.url!r}: {exc.__class__.__name__}: {exc}") from exc

    def feeds(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        t = feeds_table
        rows = self._run(sa.select(t).order_by(t.c.added_at, t.c.url))
        return [Feed(r.url, r.title, r.added_at, r.last_checked, r.last_status, r.last_error, r.failures,
                     r.next_retry, r.articles) for r in rows]

    def get(self, url: str) -> Feed | None:
        return next((f for f in self.feeds() if f.url == url), None)

    def add(self, url: str, *, user: User | None = None) -> Feed:
        """Add a feed (nothing is fetched yet); adding a known feed returns it unchanged.

        Raises:
            BadInput: not an http(s) URL. Forbidden: ``user`` may not manage feeds.
        """
        if user is not None:
            require(user, "manage_feeds")
        url = check_feed_url(url)
        found = self.get(url)
        if found is None:
            self._run(feeds_table.insert().values(url=url, title="", added_at=now(), last_status="new",
                                                  failures=0, articles=0), write=True)
            found = self.get(url)
        return found

    def remove(self, url: str, *, user: User | None = None) -> None:
        """Stop following a feed (its articles stay in the library).

        Raises:
            BadInput: no such feed. Forbidden: ``user`` may not manage feeds.
        """
        if user is not None:
            require(user, "manage_feeds")
        if self.get(url) is None:
            raise BadInput(f"{url}: no such feed")
        try:
            with self.engine.begin() as conn:
                conn.execute(feed_items.delete().where(feed_items.c.feed_url == url))
                conn.execute(feeds_table.delete().where(feeds_table.c.url == url))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"feeds in {self.store.url!r}: {exc}") from exc

    def due(self) -> list[Feed]:
        """Feeds whose backoff has passed (or that never failed)."""
        at = _iso(self.clock())
        return [f for f in self.feeds() if not f.next_retry or f.next_retry <= at]

    # -------------------------------------------------------------- checking
    def _known_items(self, url: str) -> dict[str, tuple[str, int]]:
        t = feed_items
        return {r.item_key: (r.status, r.tries)
                for r in self._run(sa.select(t.c.item_key, t.c.status, t.c.tries).where(t.c.feed_url == url))}

    def _poll(self, feed: Feed, etag: str | None, modified: str | None) -> _Polled:
        """Fetch one feed and its new pages (runs in a worker thread; stores nothing)."""
        url = feed.url
        start = time.monotonic()
        try:
            body, new_etag, new_modified = fetch_feed_document(url, etag, modified, self.feed_timeout)
            if body is None:
                return _Polled(url, "not modified", feed.title, etag, modified)
            title, entries = parse_feed(url, body)
        except SourcelightError as exc:
            return _Polled(url, "failed", feed.title, etag, modified, error=str(exc))
        known = self._known_items(url)
        todo: list[_Item] = []
        for item_id, link, item_title, date in entries:
            key = _key(item_id)
            status, tries = known.get(key, (None, 0))
            if status is not None and (status != "failed" or tries >= MAX_ITEM_TRIES):
                continue
            if key in {i.key for i in todo}:
                continue
            todo.append(_Item(key, link, item_title, date, tries + 1))
        left = max(len(todo) - MAX_ITEMS_PER_POLL, 0)
        todo = todo[:MAX_ITEMS_PER_POLL]
        pages, failed = [], []
        for n, item in enumerate(todo):
            spent = time.monotonic() - start
            if spent > self.deadline:
                left += len(todo) - n
                break
            try:
                article = self.fetch_page(item.link, min(self.page_timeout, max(self.deadline - spent, 1.0)))
            except SourcelightError as exc:
                failed.append((item, str(exc)))
                continue
            # the feed names its outlet better than a page's site name (often just its host)
            article = dataclasses.replace(
                article,
                title=article.title or item.title,
                date=article.date or item.date,
                outlet=title or article.outlet,
                url=article.url or item.link,
            )
            pages.append((item, article))
        return _Polled(url, "ok", title, new_etag, new_modified, len(entries), tuple(pages), tuple(failed), left)

    def _near_duplicates(self) -> NearDuplicates:
        if self._near is None:
            near = NearDuplicates()
            t = articles_table
            rows = self._run(sa.select(t.c.id, t.c.text).order_by(t.c.added_at.desc()).limit(RECENT_ARTICLES))
            for r in reversed(rows):
                near.add(r.id, r.text)
            self._near = near
        return self._near

    def _store(self, polled: _Polled) -> FeedReport:
        """Store one feed's new pages (deduplicated) and its status; the report of the check."""
        at = self.clock()
        t = feeds_table
        row = self._run(sa.select(t.c.failures, t.c.articles).where(t.c.url == polled.url))
        failures, count = (row[0].failures, row[0].articles) if row else (0, 0)
        if polled.status == "failed":
            failures += 1
            retry = _iso(at + timedelta(seconds=backoff_s(failures)))
            self._run(t.update().where(t.c.url == polled.url).values(
                last_checked=_iso(at), last_status="failed", last_error=polled.error, failures=failures,
                next_retry=retry), write=True)
            return FeedReport(polled.url, "failed", polled.title, error=polled.error, next_retry=retry)
        near = self._near_duplicates()
        added, dups, nears, item_rows = [], [], [], []
        with self._lock:
            for item, article in polled.pages:
                copy = near.match(article.text)
                new_ids, _ = self.store.add_articles([article]) if copy is None else ([], [])
                if new_ids:
                    added.append(article.id)
                    near.add(article.id, article.text)
                    status = "added"
                elif copy is not None and copy[0] != article.id:
                    nears.append((item.link, copy[0]))
                    status = "near-duplicate"
                else:
                    dups.append(item.link)
                    status = "duplicate"
                item_rows.append(dict(feed_url=polled.url, item_key=item.key, link=item.link, status=status,
                                      article_id=copy[0] if copy else article.id, tries=item.tries, at=now()))
        for item, _why in polled.failed:
            item_rows.append(dict(feed_url=polled.url, item_key=item.key, link=item.link, status="failed",
                                  article_id=None, tries=item.tries, at=now()))
        try:
            with self.engine.begin() as conn:
                for r in item_rows:
                    conn.execute(feed_items.delete().where(sa.and_(
                        feed_items.c.feed_url == r["feed_url"], feed_items.c.item_key == r["item_key"])))
                if item_rows:
                    conn.execute(feed_items.insert(), item_rows)
                values = dict(last_checked=_iso(at), last_status=polled.status, last_error=None, failures=0,
                              next_retry=None, etag=polled.etag, modified=polled.modified,
                              articles=count + len(added))
                if polled.title:
                    values["title"] = polled.title
                conn.execute(t.update().where(t.c.url == polled.url).values(**values))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"feeds in {self.store.url!r}: {exc}") from exc
        return FeedReport(polled.url, polled.status, polled.title, polled.items, tuple(added), tuple(dups),
                          tuple(nears), tuple((i.link, why) for i, why in polled.failed), polled.left)

    def _after(self, added: list[str]) -> None:
        """Hand new articles to analysis, the similarity index and the stories."""
        if not added:
            return
        if self.analyse is not None:
            self.analyse(added)
        if self.index is not None:
            self.index(self.store.get_articles(added))
        if self.stories is not None:
            self.stories(added)

    def check_all(
        self,
        urls: Sequence[str] | None = None,
        *,
        due_only: bool = False,
        on_report: Callable[[FeedReport], None] | None = None,
        workers: int = WORKERS,
    ) -> list[FeedReport]:
        """Check feeds at once (``urls``, default every feed; ``due_only`` skips those in backoff).

        Feeds are fetched in ``workers`` threads, each bounded by its timeouts and deadline; each
        feed's result is stored (and ``on_report`` called) as soon as it arrives, so a slow feed
        does not delay the others' lines. New articles are then analysed, indexed and grouped.

        Raises:
            BadInput: a URL in ``urls`` is not a feed in the list.
        """
        feeds = self.due() if due_only else self.feeds()
        if urls is not None:
            known = {f.url: f for f in self.feeds()}
            missing = [u for u in urls if u not in known]
            if missing:
                raise BadInput(f"{missing[0]}: no such feed (add it first)")
            wanted = set(urls)
            feeds = [f for f in feeds if f.url in wanted]
        t = feeds_table
        state = {r.url: (r.etag, r.modified) for r in self._run(sa.select(t.c.url, t.c.etag, t.c.modified))}
        reports: list[FeedReport] = []
        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(feeds) or 1)), thread_name_prefix="feed")
        try:
            futures = [pool.submit(self._poll, f, *state.get(f.url, (None, None))) for f in feeds]
            from concurrent.futures import as_completed

            for fut in as_completed(futures):
                report = self._store(fut.result())
                reports.append(report)
                if on_report is not None:
                    on_report(report)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        self._after([a for r in reports for a in r.added])
        order = {f.url: i for i, f in enumerate(feeds)}
        return sorted(reports, key=lambda r: order[r.url])

    def check(self, url: str) -> FeedReport:
        """Check one feed now (even when it is in backoff)."""
        return self.check_all([url])[0]


def parse_every(value: str) -> float:
    """Seconds in a polling interval written ``30s``, ``15m`` or ``1h`` (at least 10 s).

    Raises:
        BadInput: anything else.
    """
    m = re.fullmatch(r"\s*(\d+)\s*([smh])\s*", value or "")
    if not m:
        raise BadInput(f"--every {value!r}: write a number and s, m or h (30s, 15m, 1h)")
    seconds = int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]
    if seconds < 10:
        raise BadInput(f"--every {value!r}: poll at most every 10 seconds")
    return float(seconds)


def watch(
    service: FeedService,
    urls: Iterable[str],
    *,
    every: float | None,
    on_report: Callable[[FeedReport], None],
    stop: threading.Event | None = None,
) -> list[FeedReport]:
    """Poll ``urls`` (added to the feed list when new) once, or every ``every`` seconds until
    ``stop`` is set; feeds in backoff are skipped until their retry time. Returns the last round."""
    urls = [service.add(u).url for u in urls]
    stop = stop or threading.Event()
    reports = service.check_all(urls, on_report=on_report)
    while every is not None and not stop.wait(every):
        reports = service.check_all(urls, due_only=True, on_report=on_report)
    return reports
