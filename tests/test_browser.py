"""Real-browser tests: the running app in Debian's Chromium, driven by Playwright.

The app is started (``start_app`` in ``tests/conftest.py``: ``streamlit run`` on a free port) over a
temporary database that holds the seeds and one hostile article. Skips with the reason where
Chromium is missing, except in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = (
    "Hostile test article\n\n"
    "The mayor said “<script>window.__xss = 1</script>” in a statement.\n\n"
    'Officials said <img src=x onerror="window.__xss = 2"> and <a href="javascript:window.__xss=3">link</a>.\n\n'
    'A closing </div></div> tag and <svg onload="window.__xss=4"> were also quoted by Reuters.\n'
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, start_app):
    """(url, env) of the app over a database holding the hostile article (ingested by the CLI)."""
    tmp = tmp_path_factory.mktemp("app")
    db = tmp / "app.db"
    hostile = tmp / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    env = dict(os.environ, SOURCELIGHT_DB=str(db), HF_HUB_OFFLINE="1")
    subprocess.run(
        [sys.executable, "-m", "components", "ingest", str(hostile)], cwd=ROOT, env=env, check=True, capture_output=True
    )
    app = start_app(db)
    yield app.url, app.env


def test_seed_reading_view(app_url, browser):
    url, _ = app_url
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{url}/", timeout=60_000)
    page.wait_for_selector(".sl-article mark.sl-ent", timeout=120_000)
    peskov = page.locator('.sl-article mark.sl-ent-PERSON[data-label="PERSON"]', has_text="Dmitry Peskov")
    assert peskov.count() >= 1
    assert "person" in peskov.first.get_attribute("title").lower()
    # The highlight is visible: a non-transparent background colour.
    bg = peskov.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("h1", has_text="Kim Jong Un in Russia").count() >= 1
    assert page.locator(".sl-meta", has_text="bne IntelliNews").count() == 1
    DOCS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "reading-view.png"), full_page=False)
    page.close()


def test_hostile_article_does_not_execute(app_url, browser):
    url, env = app_url
    from components.articles import article_id, canonical_text

    aid = article_id(canonical_text(HOSTILE))
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/read?article={aid}", timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=120_000)
    page.wait_for_timeout(1500)
    body = page.locator(".sl-article").inner_text()
    assert "<script>window.__xss = 1</script>" in body  # shown as characters
    assert "onerror=" in body and "javascript:" in body and "</div></div>" in body
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".sl-article script, .sl-article img, .sl-article a, .sl-article svg").count() == 0
    assert dialogs == []
    page.close()


def test_rendered_page_is_inert(tmp_path, browser):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out.html"
    env = dict(os.environ, SOURCELIGHT_DB=str(tmp_path / "r.db"))
    subprocess.run(
        [sys.executable, "-m", "components", "render", str(hostile), "-o", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    page = browser.new_page()
    page.goto(out.as_uri())
    assert page.evaluate("() => window.__xss") is None
    assert "<script>window.__xss = 1</script>" in page.locator(".sl-article").inner_text()
    page.close()


def test_ticking_an_entity_row_marks_its_mentions(app_url, browser):
    url, _ = app_url
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{url}/", timeout=60_000)
    page.wait_for_selector(".sl-article mark.sl-ent", timeout=120_000)
    assert page.locator(".sl-article mark.sl-sel").count() == 0
    grid = page.locator('[data-testid="stDataFrame"]').first  # the Entities tab's table
    box = grid.bounding_box()
    # Rows are 35 px under a 35 px header; row 3 is Kim Jong Un (Russia and North Korea come first).
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 2 * 35 + 17)
    page.wait_for_function("document.querySelectorAll('.sl-article mark.sl-sel').length > 0", timeout=30_000)
    marked = {t.strip() for t in page.locator(".sl-article mark.sl-sel").all_inner_texts()}
    assert any(t.startswith("Kim Jong Un") for t in marked) and any(t.startswith("Kim") for t in marked)
    assert not any("Jong-Il" in t for t in marked)  # the father is another row
    page.close()
