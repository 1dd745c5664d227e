"""Markdown injection in a real browser: an image link and a colour directive in ``?source=`` on
/present fetch nothing and show as plain characters (a local server counts any hit)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from tests.test_browser import app_url  # noqa: F401 - the running app over the hostile article

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SEED_ID = "8ae4f88acb06509a"


class _Tracker(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def tracker():
    _Tracker.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_present_source_parameter_fetches_nothing_and_shows_no_red(app_url, browser, tracker):  # noqa: F811
    url, _ = app_url
    payload = f"![p](http://127.0.0.1:{tracker}/track) :red[X]"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/present?article={SEED_ID}&source={quote(payload)}", timeout=60_000)
    alert = page.locator('[data-testid="stAlert"]', has_text="is not cited in this article")
    alert.first.wait_for(timeout=180_000)
    page.wait_for_timeout(1500)
    text = alert.first.inner_text()
    assert f"![p](http://127.0.0.1:{tracker}/track)" in text and ":red[X]" in text
    assert alert.first.locator("img").count() == 0
    reds = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stAlert"] span, [data-testid="stAlert"] p')]
            .filter(el => el.textContent.trim() === 'X').length"""
    )
    assert reds == 0  # ":red[X]" did not become a coloured span holding "X"
    assert _Tracker.hits == []
    page.close()
