"""The Search page in a real browser: build the index, search, follow a result into the reading view.

The app runs (``start_app`` in ``tests/conftest.py``) over a temporary library: the seed, six Wikinews articles and
one article whose title is made of Markdown and HTML. Skips with the reason where Chromium is
missing, except in CI.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_browser import DOCS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIKI_LINES = (0, 99, 103, 213, 255, 261)
HOSTILE_TITLE = "[Navalny](javascript:window.__xss=1) **loud** <img src=x onerror=\"window.__xss=2\"> $x$ :red[y]"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, start_app):
    tmp = tmp_path_factory.mktemp("similar_app")
    seeds = tmp / "seeds"
    seeds.mkdir()
    shutil.copy(ROOT / "seeds" / "000_b880dba6bbaee506.txt", seeds)
    lines = (ROOT / "seeds" / "wikinews_2019_2020.jsonl").read_text(encoding="utf-8").splitlines()
    hostile = {
        "id": "hostile-title",
        "title": HOSTILE_TITLE,
        "text": "Navalny's doctors said the Kremlin critic was recovering in Berlin after the poisoning.",
        "outlet": "<b>Outlet</b>",
        "date": "2020-09-10",
    }
    (seeds / "wikinews.jsonl").write_text(
        "\n".join([lines[i] for i in WIKI_LINES] + [json.dumps(hostile)]) + "\n", encoding="utf-8"
    )
    app = start_app(tmp / "app.db", env={"SOURCELIGHT_SEEDS": str(seeds)}, warm=".sl-article")
    yield app.url


def test_build_search_and_open_a_result(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{app_url}/search", timeout=60_000)
    page.get_by_text("The similarity index is not built yet (8 articles to add)").wait_for(timeout=120_000)
    page.get_by_role("button", name="Build the similarity index").click()
    page.get_by_text("Similarity index ready: 8 articles").wait_for(timeout=180_000)

    box = page.get_by_role("textbox", name="Search the library")
    box.fill("Was Navalny poisoned?")
    box.press("Enter")
    first = page.locator('[data-testid="stMarkdownContainer"] a[href*="?article="]').first
    first.wait_for(timeout=60_000)
    assert "Navalny" in first.inner_text()
    assert page.get_by_text("Names from the query: Navalny").count() >= 1

    # The hostile title is shown as characters: no script ran, no link to javascript:, no image.
    page.get_by_text("**loud**", exact=False).first.wait_for(timeout=30_000)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0

    title = first.inner_text()
    with page.expect_popup() as opened:
        first.click()
    reading = opened.value
    reading.wait_for_selector(".sl-article", timeout=120_000)
    assert reading.locator("h1", has_text=title).count() >= 1
    assert "article=" in reading.url
    reading.close()

    box.fill("Kim Jong Un arms deal with Russia")
    box.press("Enter")
    page.locator('[data-testid="stMarkdownContainer"] a', has_text="Kim Jong Un in Russia").first.wait_for(
        timeout=60_000
    )
    DOCS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "similar.png"), full_page=False)
    page.close()


def test_similar_tab_of_the_reading_view(app_url, browser):
    """The reading view's Similar tab: similar articles with why, and similar claims, each a link."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/read", timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=120_000)
    page.get_by_role("tab", name="Similar").click()
    panel = page.get_by_role("tabpanel").filter(has_text="Find similar claims")
    panel.wait_for(timeout=120_000)
    build = panel.get_by_role("button", name="Build the similarity index")
    if build.count():  # this module's other test may have built it already
        build.click()
        page.get_by_text("Similarity index ready").wait_for(timeout=180_000)
    rows = panel.locator('[data-testid="stMarkdownContainer"] a[href*="read?article="]')
    rows.first.wait_for(timeout=120_000)
    assert panel.get_by_text("Shared names:").count() >= 1
    assert panel.get_by_text("Find claims like").count() >= 1
    assert "Kim Jong Un in Russia" not in rows.first.inner_text()  # never the open article itself
    title = rows.first.inner_text()
    with page.expect_popup() as opened:
        rows.first.click()
    other = opened.value
    other.wait_for_selector(".sl-article", timeout=120_000)
    assert other.locator("h1", has_text=title).count() >= 1
    other.close()
    page.close()
