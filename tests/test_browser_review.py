"""Review mode in a real browser: from the reading view into review, settled with the keyboard.

The app runs (``start_app`` in ``tests/conftest.py``) over a temporary database whose only seed is
an invented article whose "he" the resolver leaves open. The analyst opens the reading view, sees
the source marked unresolved, follows "Review 1 unsure attribution", presses J (next: there is
nothing further, so it stays), then the number key of the candidate Tom Reed. The correction must
be stored with the analyst's name, the reading view must show Tom Reed as the source, changed by
the analyst, and the Annotate page's history must list the change. Saves ``docs/review.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: Invented: nobody before the quote is a man, so honest abstention leaves "he" open.
ARTICLE = (
    "Bridge vote delayed\n\n"
    "Maria Lopez, the mayor of Eastport, opened the meeting on Monday.\n\n"
    "“The plan is dead and everyone here knows it,” he said after the vote.\n\n"
    "Tom Reed, the opposition leader, said the council would try again in June."
)


@pytest.fixture(scope="module")
def app(tmp_path_factory, start_app):
    tmp = tmp_path_factory.mktemp("review")
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / "bridge.txt").write_text(ARTICLE, encoding="utf-8")
    return start_app(tmp / "app.db", env={"SOURCELIGHT_SEEDS": str(seeds)}, warm=".sl-article")


def test_review_with_the_keyboard_stores_the_analysts_choice(app, browser):
    from components.corrections import CorrectionsService
    from components.store import Store

    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{app.url}/read?analyst=Ana", timeout=60_000)
    page.wait_for_selector(".sl-article .sl-source.sl-unresolved", timeout=120_000)
    aid = {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}["article"]
    page.get_by_role("button", name="Review 1 unsure attribution").click()
    page.wait_for_selector(".sl-review-card", timeout=60_000)
    assert "/review" in page.url and f"article={aid}" in page.url
    card = page.locator(".sl-review-card").inner_text()
    assert "“he”" in card and "does not say who" in card
    page.wait_for_selector(".sl-passage .sl-content.sl-focus", timeout=30_000)  # the passage, spotlighted
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "review.png"))  # the README shows it
    tom = page.get_by_role("button", name=re.compile(r"^\d · Tom Reed"))
    number = tom.inner_text().strip()[0]
    page.get_by_role("heading", name="Review unsure attributions").click()  # the keys go to the page, not a field
    page.keyboard.press("j")  # next: nothing further, the same item stays
    page.wait_for_timeout(800)
    assert "“he”" in page.locator(".sl-review-card").inner_text()
    page.keyboard.press(number)
    page.wait_for_selector("text=Nothing to review in this article", timeout=60_000)

    svc = CorrectionsService(Store(str(app.db)))
    (c,) = svc.history(aid)
    assert (c.analyst, c.target, c.action, c.after.get("source_canonical")) == (
        "Ana", "attribution", "set_source", "Tom Reed")

    # the reading view shows it, changed by the analyst
    page.goto(f"{app.url}/read?article={aid}&analyst=Ana", timeout=60_000)
    page.wait_for_selector(".sl-article .sl-source", timeout=60_000)
    src = page.locator(".sl-article .sl-source", has_text=re.compile(r"^he$")).first
    title = src.get_attribute("title")
    assert "Tom Reed (resolved from “he”)" in title and "changed by Ana" in title
    assert page.locator(".sl-article .sl-source.sl-unresolved").count() == 0
    assert page.get_by_role("button", name=re.compile("unsure attribution")).count() == 0
    # and the Annotate page's history lists it
    page.goto(f"{app.url}/annotate?article={aid}&analyst=Ana", timeout=60_000)
    page.get_by_role("tab", name="History").click(timeout=120_000)
    page.wait_for_selector(f"text=#{c.id}", timeout=60_000)
    assert "Tom Reed" in page.locator('[data-testid="stTabs"]').inner_text()
    page.close()
