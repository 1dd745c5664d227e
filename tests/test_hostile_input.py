"""Hostile corpus files and concurrent ingest: one clear message per bad line, no process dies.

A JSONL line nested 200,000 deep is one rejected line naming the file and line, and the good lines
around it are added; six processes adding the same texts to one library at once all finish
(insert-or-ignore on SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from components.articles import fetch_url, load_bytes
from components.errors import BadInput
from tests.test_store_postgres import BACKENDS, _analysis, _article, open_store


def test_jsonl_line_nested_200000_deep_is_one_rejected_line():
    good1 = json.dumps({"title": "First", "text": "Ministers met on Monday. Nothing was agreed."})
    deep = "[" * 200_000 + "]" * 200_000
    good2 = json.dumps({"title": "Second", "text": "The council voted on Tuesday. The plan passed."})
    report = load_bytes("\n".join([good1, deep, good2]).encode(), "corpus.jsonl")
    assert [a.title for a in report.articles] == ["First", "Second"]
    [(where, why)] = report.rejected
    assert where == "corpus.jsonl line 2" and "nested too deeply" in why


def _ingest(url: str, texts: list[str], start, out) -> None:
    from components.store import Store

    store = Store(url)
    articles = [_article(t) for t in texts]
    start.wait()
    try:
        added, skipped = store.add_articles(articles)
        store.put_analyses(_analysis(a) for a in articles)
        out.put(("ok", len(added), len(skipped)))
    except Exception as exc:  # the test reports what killed the process
        out.put(("died", type(exc).__name__, str(exc)[:200]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_six_processes_ingesting_the_same_texts_all_finish(backend, tmp_path, request):
    store = open_store(backend, tmp_path, request)
    texts = [f"Ministers met in Paris on Monday. “We will act,” the minister said. Item {i}." for i in range(40)]
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_ingest, args=(store.url, texts, start, out)) for _ in range(6)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(r[0] == "ok" for r in results), results
    assert sum(r[1] for r in results) == 40  # each text added exactly once, by someone
    assert store.count_articles() == 40
    assert len(store.analysed_ids("v1")) == 40


# --- fetching URLs: no internal addresses, one deadline ------------------------------------------


class _Counting(BaseHTTPRequestHandler):
    hits: list[tuple[str, str]] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).hits.append((self.path, self.headers.get("Host", "")))
        if self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"Storm hits the coast\n\nA storm struck the coast on Tuesday.\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def counting_server():
    _Counting.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_allow_list(monkeypatch):
    monkeypatch.delenv("SOURCELIGHT_FETCH_ALLOW", raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.mark.parametrize("host, why", [
    ("127.0.0.1", "loopback"), ("localhost", "loopback"), ("2130706433", "loopback"),
    ("[::1]", "loopback"), ("[::ffff:127.0.0.1]", "loopback"), ("169.254.169.254", "link-local"),
    ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("172.16.5.4", "private"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "not public"),
])
def test_fetch_refuses_internal_addresses(counting_server, host, why):
    url = f"http://{host}:{counting_server}/secret"
    with pytest.raises(BadInput, match=f"is a {why} address") as info:
        fetch_url(url, timeout=3)
    assert str(info.value).startswith(url) and "SOURCELIGHT_FETCH_ALLOW" in str(info.value)
    assert _Counting.hits == []  # nothing was fetched


def test_allow_list_admits_an_internal_host_and_redirects_are_checked_again(counting_server, monkeypatch):
    monkeypatch.setenv("SOURCELIGHT_FETCH_ALLOW", "127.0.0.1")
    base = f"http://127.0.0.1:{counting_server}"
    [a] = fetch_url(f"{base}/story", timeout=3)
    assert a.title == "Storm hits the coast"
    with pytest.raises(BadInput, match="localhost is a loopback address"):
        fetch_url(f"{base}/to/http://localhost:{counting_server}/secret", timeout=3)
    assert [p for p, _ in _Counting.hits] == ["/story", f"/to/http://localhost:{counting_server}/secret"]
    [b] = fetch_url(f"{base}/to//story", timeout=3)  # a relative redirect to an allowed host
    assert b.url == f"{base}/story"


def test_fetch_connects_to_the_address_it_checked(counting_server, monkeypatch):
    import socket

    calls = []
    real = socket.getaddrinfo

    def fake(host, *args, **kw):
        calls.append(host)
        return real("127.0.0.1", *args, **kw) if host == "news.example" else real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    monkeypatch.setenv("SOURCELIGHT_FETCH_ALLOW", "news.example")
    fetch_url(f"http://news.example:{counting_server}/story", timeout=3)
    assert calls.count("news.example") == 1  # resolved once; the connection went to that answer
    assert _Counting.hits == [("/story", f"news.example:{counting_server}")]


def test_headers_one_byte_at_a_time_fail_at_the_deadline(monkeypatch):
    import socket
    import time

    monkeypatch.setenv("SOURCELIGHT_FETCH_ALLOW", "127.0.0.1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"a" * 200:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.4)  # each byte well inside any per-read timeout

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(BadInput, match="timed out after 2 s"):
            fetch_url(f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=2)
        assert time.monotonic() - started < 3.5  # the deadline, not 80 s of headers
    finally:
        stop.set()
        listener.close()
