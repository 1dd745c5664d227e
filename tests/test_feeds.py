"""Feeds against a local HTTP server (127.0.0.1 only): RSS 2.0 and Atom feeds, a broken feed, a
feed that times out, duplicate and near-duplicate items, a page that times out, a 304 on the second
poll, backoff, and ``python -m components watch --once``. Every text is invented for these tests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from components.access import Forbidden, User
from components.errors import BadInput
from components.feeds import (
    NEAR_DUPLICATE_JACCARD,
    FeedService,
    NearDuplicates,
    backoff_s,
    minhash,
    parse_every,
)
from components.store import Store

FLOOD = [
    "The river Elsa burst its banks in the town of Varnholm early on Monday morning.",
    "Mayor Ilse Brandt said that about three hundred homes in the lower town were flooded overnight.",
    "Rescue crews in orange boats carried elderly residents from the flooded streets to the school gym.",
    "The regional water board said the dam upstream had released more water than planned on Sunday.",
    "Shopkeepers on the market square piled sandbags in front of their doors before the water arrived.",
    "A police officer said the old stone bridge would stay closed until engineers had inspected it.",
    "Farmers south of the town reported that whole fields of young barley were under water.",
    "The weather service expects more rain in the hills on Wednesday and warned of a second crest.",
]
CHESS = [
    "Grandmaster Teodora Vlasic won the Oberhaus chess open on Sunday after a tense final round.",
    "She beat the defending champion with the black pieces in a long endgame that lasted six hours.",
    "The tournament drew two hundred players from eleven countries to the old spa hotel in Oberhaus.",
    "Organisers said the prize fund had doubled since last year thanks to a local software company.",
    "Vlasic told reporters that she had prepared the opening with her coach for three weeks.",
    "The youngest player in the field, a twelve year old from the valley, finished in the top twenty.",
]
ORCHARD = [
    "A late frost damaged most of the apricot blossom in the orchards around Lindgrave this week.",
    "Growers lit small fires between the rows overnight in an attempt to keep the buds from freezing.",
    "The growers' association said the harvest could fall by half compared with an ordinary year.",
    "Several families who have farmed the slopes for generations said they had never seen such a frost.",
    "Local bakeries that depend on the fruit for their summer cakes are looking for other suppliers.",
]
BRIDGE = [
    "The city council of Marrow Point voted on Thursday to build a new footbridge over the harbour.",
    "The bridge will link the ferry terminal with the old fish market and is due to open in two years.",
    "Council members argued for three hours about the cost, which has risen since the first plans.",
    "A group of residents collected signatures against the design, which they called too tall.",
    "The architect said the deck would be lit at night with lamps that do not disturb nesting birds.",
]


def _page(title: str, sentences: list[str]) -> bytes:
    body = "".join(f"<p>{s}</p>" for s in sentences)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


NEAR = FLOOD[:-1] + ["Forecasters expect further rain in the hills on Wednesday."]


def _rss(base: str) -> bytes:
    items = [("a1", "Elsa floods Varnholm"), ("a2", "Vlasic wins Oberhaus open"),
             ("a1-copy", "Elsa floods Varnholm (syndicated)"), ("a1-near", "Varnholm under water"),
             ("slow", "A page that never answers in time")]
    xml = "".join(f"<item><title>{t}</title><link>{base}/{p}</link><guid>{base}/{p}</guid>"
                  f"<pubDate>Mon, 04 Mar 2024 08:00:00 GMT</pubDate></item>" for p, t in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Courier</title>'
            f"<link>{base}/</link><description>News</description>{xml}</channel></rss>").encode()


def _atom(base: str) -> bytes:
    entries = "".join(
        f'<entry><title>{t}</title><link href="{base}/{p}"/><id>urn:test:{p}</id>'
        f"<updated>2024-03-05T09:00:00Z</updated></entry>"
        for p, t in [("b1", "Frost hits Lindgrave orchards"), ("b2", "Marrow Point votes for footbridge")])
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Harbour Gazette</title><id>urn:test:gazette</id><updated>2024-03-05T09:00:00Z</updated>"
            f"{entries}</feed>").encode()


class _Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []  # (path, If-None-Match)

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client gave up (a timeout under test)
            pass

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        etag = self.headers.get("If-None-Match")
        type(self).seen.append((self.path, etag))
        pages = {"/a1": _page("Elsa floods Varnholm", FLOOD), "/a1-copy": _page("Elsa floods Varnholm", FLOOD),
                 "/a1-near": _page("Varnholm under water", NEAR), "/a2": _page("Vlasic wins", CHESS),
                 "/b1": _page("Frost hits orchards", ORCHARD), "/b2": _page("A footbridge", BRIDGE)}
        if self.path == "/rss.xml":
            self._send(_rss(base), "application/rss+xml")
        elif self.path == "/atom.xml":
            self._send(_atom(base), "application/atom+xml")
        elif self.path == "/broken.xml":
            self._send(b"<rss><channel><title>Half a feed</title><item><link>", "application/rss+xml")
        elif self.path == "/etag.xml":
            if etag == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(_atom(base), "application/atom+xml", {"ETag": '"v1"'})
        elif self.path in ("/slow", "/slow-feed.xml"):
            time.sleep(20)  # far beyond every timeout the tests set
            self._send(_page("Too late", ORCHARD), "text/html")
        elif self.path in pages:
            self._send(pages[self.path], "text/html; charset=utf-8")
        else:
            self.send_error(404)


@pytest.fixture()
def server(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("SOURCELIGHT_FETCH_ALLOW", "127.0.0.1")  # for the hardened fetcher
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def store(tmp_path):
    return Store(str(tmp_path / "feeds.db"))


def _service(store, **kw):
    return FeedService(store, feed_timeout=kw.pop("feed_timeout", 2.0), page_timeout=kw.pop("page_timeout", 0.5),
                       **kw)


def test_rss_and_atom_items_are_fetched_deduplicated_and_handed_on(server, store):
    analysed, grouped, indexed = [], [], []
    svc = _service(store, analyse=analysed.extend, stories=grouped.extend,
                   index=lambda arts: indexed.extend(a.id for a in arts))
    rss, atom = svc.add(f"{server}/rss.xml").url, svc.add(f"{server}/atom.xml").url
    lines = []
    started = time.monotonic()
    r_rss, r_atom = svc.check_all(on_report=lambda r: lines.append(r.line()))
    assert time.monotonic() - started < 15  # the 20 s page was cut off at 0.5 s, not waited for

    assert (r_rss.status, r_rss.title, r_rss.items) == ("ok", "Valley Courier", 5)
    assert len(r_rss.added) == 2
    assert r_rss.duplicates == (f"{server}/a1-copy",)  # same page twice: one article
    [(near_link, copied)] = r_rss.near_duplicates
    assert near_link == f"{server}/a1-near" and copied == r_rss.added[0]
    [(slow_link, why)] = r_rss.failed_items
    assert slow_link == f"{server}/slow" and "timed out after 0.5 s" in why
    assert (r_atom.status, r_atom.title, len(r_atom.added)) == ("ok", "Harbour Gazette", 2)

    arts = {a.url: a for a in store.get_articles()}
    assert set(arts) == {f"{server}/{p}" for p in ("a1", "a2", "b1", "b2")}
    flood = arts[f"{server}/a1"]
    assert flood.outlet == "Valley Courier" and flood.date == "2024-03-04"
    assert "three hundred homes" in flood.text
    assert arts[f"{server}/b1"].outlet == "Harbour Gazette" and arts[f"{server}/b1"].date == "2024-03-05"
    new = set(r_rss.added + r_atom.added)
    assert set(analysed) == set(grouped) == set(indexed) == new
    assert len(lines) == 2 and any("Valley Courier: 5 items, 2 new, 1 already in the library, 1 near-duplicates, "
                                   "1 pages failed" in line for line in lines)
    feeds = {f.url: f for f in svc.feeds()}
    assert feeds[rss].articles == 2 and feeds[rss].last_status == "ok" and feeds[atom].title == "Harbour Gazette"

    # second poll: nothing new; only the page that failed is tried again
    _Handler.seen.clear()
    r_rss, r_atom = svc.check_all()
    assert r_rss.added == () and r_atom.added == ()
    pages = sorted(p for p, _ in _Handler.seen if not p.endswith(".xml"))
    assert pages == ["/slow"]
    assert store.count_articles() == 4


def test_second_poll_sends_the_etag_and_honours_304(server, store):
    svc = _service(store)
    url = svc.add(f"{server}/etag.xml").url
    first = svc.check(url)
    assert first.status == "ok" and len(first.added) == 2
    _Handler.seen.clear()
    second = svc.check(url)
    assert second.status == "not modified" and second.line() == "Harbour Gazette: not modified"
    assert _Handler.seen == [("/etag.xml", '"v1"')]  # no page fetched again
    assert svc.get(url).last_status == "not modified"


def test_broken_and_slow_feeds_fail_alone_and_back_off(server, store):
    clock = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    svc = _service(store, feed_timeout=0.5, clock=lambda: clock[0])
    broken = svc.add(f"{server}/broken.xml").url
    slow = svc.add(f"{server}/slow-feed.xml").url
    good = svc.add(f"{server}/atom.xml").url
    started = time.monotonic()
    reports = {r.url: r for r in svc.check_all()}
    assert time.monotonic() - started < 15  # the 20 s feed did not hold up the round
    assert reports[good].status == "ok" and len(reports[good].added) == 2
    assert reports[broken].status == "failed" and "not a readable RSS or Atom feed" in reports[broken].error
    assert reports[slow].status == "failed" and "timed out after 0.5 s" in reports[slow].error
    assert reports[broken].line().startswith(f"{broken}: failed: ")

    feed = svc.get(broken)
    assert feed.failures == 1 and "not a readable RSS or Atom feed" in feed.last_error
    assert feed.next_retry == "2026-12-01T09:01:00+00:00"  # one minute later
    assert {f.url for f in svc.due()} == {good}  # both failing feeds wait
    clock[0] += timedelta(minutes=2)
    assert {f.url for f in svc.due()} == {good, broken, slow}
    svc.check_all([broken], due_only=True)
    assert svc.get(broken).failures == 2 and svc.get(broken).next_retry == "2026-12-01T09:04:00+00:00"
    assert backoff_s(3) == 240 and backoff_s(50) == 6 * 3600


def test_near_duplicate_threshold_separates_copies_from_other_reports():
    flood, near = " ".join(FLOOD), " ".join(NEAR)
    other = ("Varnholm woke to flooded streets on Monday after the Elsa rose over its banks. About three "
             "hundred houses in the lower town took water, the mayor, Ilse Brandt, told reporters. Boats "
             "took older residents to the school gym, and the old stone bridge was shut.")  # another report
    chess = " ".join(CHESS)
    idx = NearDuplicates()
    idx.add("flood", flood)
    assert idx.match(near)[0] == "flood" and idx.match(near)[1] >= NEAR_DUPLICATE_JACCARD
    assert idx.match(chess) is None
    assert idx.match(other) is None  # the same event told by another outlet is kept
    assert minhash("") is None and idx.match("") is None


def test_feed_list_add_remove_and_roles(server, store):
    svc = _service(store)
    f = svc.add(f"  {server}/rss.xml ")
    assert f.url == f"{server}/rss.xml" and f.last_status == "new"
    assert svc.add(f.url) == f  # adding twice keeps one
    with pytest.raises(BadInput, match="give an http:// or https:// feed address"):
        svc.add("file:///etc/passwd")
    with pytest.raises(Forbidden):
        svc.add(f"{server}/atom.xml", user=User("vera", "analyst"))
    with pytest.raises(Forbidden):
        svc.remove(f.url, user=User("vera", "viewer"))
    svc.check(f.url)
    svc.remove(f.url, user=User("erin", "editor"))
    assert svc.feeds() == [] and store.count_articles() == 2  # its articles stay
    with pytest.raises(BadInput, match="no such feed"):
        svc.remove(f.url)


def test_new_items_are_grouped_into_stories(server, store):
    from components.stories.service import StoryService

    stories = StoryService(store)
    svc = _service(store, stories=stories.update)
    svc.add(f"{server}/rss.xml")
    svc.check_all()
    grouped = stories.stories()
    assert sum(len(s.article_ids) for s in grouped) == 2 and all(s.outlets == ("Valley Courier",) for s in grouped)


@pytest.mark.parametrize("value, seconds", [("30s", 30), ("15m", 900), ("1h", 3600), (" 2m ", 120)])
def test_parse_every(value, seconds):
    assert parse_every(value) == seconds


@pytest.mark.parametrize("value", ["15", "fast", "1d", "5s", "-1m", ""])
def test_parse_every_refuses(value):
    with pytest.raises(BadInput, match="--every"):
        parse_every(value)


def test_cli_watch_once(server, tmp_path, capsys):
    from components.__main__ import main

    db = str(tmp_path / "cli.db")
    flags = ["--once", "--no-analyze", "--no-index"]
    rc = main(["--db", db, "watch", f"{server}/atom.xml", f"{server}/broken.xml", *flags])
    out = capsys.readouterr().out.splitlines()
    assert rc == 1  # a feed failed
    assert out[0] == "Harbour Gazette: 2 items, 2 new" or out[1] == "Harbour Gazette: 2 items, 2 new"
    assert any(line.startswith(f"{server}/broken.xml: failed: ") for line in out) and len(out) == 2

    rc = main(["--db", db, "watch", f"{server}/atom.xml", *flags])
    assert rc == 0 and capsys.readouterr().out.splitlines() == ["Harbour Gazette: 2 items, 0 new"]
    rc = main(["--db", db, "stories", "--json", "--no-embeddings"])
    assert rc == 0 and capsys.readouterr().out.count('"article_ids"') == 2  # the two items, grouped

    rc = main(["--db", db, "watch", "ftp://example.org/feed", *flags])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and err == ["error: ftp://example.org/feed: give an http:// or https:// feed address"]
    rc = main(["--db", db, "watch", f"{server}/atom.xml", "--every", "soon", "--no-analyze"])
    assert rc == 2 and "--every 'soon'" in capsys.readouterr().err


# ---------------------------------------------------------------------- Library → Feeds in the app
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture()
def library_app(tmp_path, monkeypatch, nlp):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import state

    seeds = tmp_path / "no-seeds"
    seeds.mkdir()
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.delenv("SOURCELIGHT_USERS", raising=False)
    monkeypatch.setattr(state, "load_nlp", lambda: nlp)
    indexed = []
    monkeypatch.setattr(state, "_index_new", lambda: indexed.append(True))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["analyst"] = "Erin"  # single-user mode: the named analyst holds every right
    at.switch_page("views/library.py")
    yield at, indexed
    st.cache_resource.clear()


def _feeds_table(at):
    return next(df.value for df in at.dataframe if "Address" in df.value.columns)


def _said(at) -> list[str]:
    return [m.value for m in (*at.success, *at.error, *at.warning)]


@pytest.mark.slow
def test_library_feeds_section_adds_checks_and_removes_a_feed(server, library_app):
    at, indexed = library_app
    at.run()
    assert not at.exception, at.exception
    assert any("No feeds yet" in c.value for c in at.caption)
    box = next(t for t in at.text_input if t.label.startswith("Feed address"))
    box.input("gopher://example.org/feed")
    next(b for b in at.button if b.label == "Add feed").click().run()
    assert "gopher://example.org/feed: give an http:// or https:// feed address" in _said(at)

    box = next(t for t in at.text_input if t.label.startswith("Feed address"))
    box.input(f"{server}/atom.xml")
    next(b for b in at.button if b.label == "Add feed").click().run()
    assert not at.exception, at.exception
    assert any(f"Following {server}/atom.xml" in s for s in _said(at))
    table = _feeds_table(at)
    assert list(table["Address"]) == [f"{server}/atom.xml"] and list(table["Status"]) == ["new"]

    next(b for b in at.button if b.label == "Check now").click().run()
    assert not at.exception, at.exception
    assert "Harbour Gazette: 2 items, 2 new" in _said(at)
    table = _feeds_table(at)
    assert list(table["Feed"]) == ["Harbour Gazette"] and list(table["Articles"]) == [2]
    assert list(table["Status"]) == ["ok"] and list(table["Last error"]) == [""]
    assert any(s.value.startswith("2 articles") for s in at.subheader)  # the library table below
    from dashboard import state

    store = state.get_store()
    assert not store.missing_analyses(state.version())  # analysed
    assert indexed and sum(len(s.article_ids) for s in state.get_stories().stories()) == 2  # indexed, grouped

    next(b for b in at.button if b.label == "Remove feed").click().run()
    assert not at.exception, at.exception
    assert any("No feeds yet" in c.value for c in at.caption)


@pytest.mark.slow
def test_library_feeds_section_shows_a_failing_feeds_error(server, library_app):
    at, _ = library_app
    at.run()
    next(t for t in at.text_input if t.label.startswith("Feed address")).input(f"{server}/broken.xml")
    next(b for b in at.button if b.label == "Add feed").click().run()
    next(b for b in at.button if b.label == "Check now").click().run()
    assert not at.exception, at.exception
    assert any(s.startswith(f"{server}/broken.xml: failed: ") for s in _said(at))
    table = _feeds_table(at)
    assert list(table["Status"]) == ["failed"] and "not a readable RSS or Atom feed" in table["Last error"][0]
    assert table["Retry after"][0]


def test_a_feed_at_an_internal_address_is_refused_without_the_allow_list(monkeypatch):
    from components.errors import BadInput
    from components.feeds import fetch_feed_document

    monkeypatch.delenv("SOURCELIGHT_FETCH_ALLOW", raising=False)
    for url in ("http://127.0.0.1:9/feed.xml", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/rss"):
        with pytest.raises(BadInput) as err:
            fetch_feed_document(url, None, None, timeout=2)
        assert "internal addresses are not fetched" in str(err.value) and url in str(err.value)
