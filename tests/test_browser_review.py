"""Review mode in a real browser: from the reading view into review, settled with the keyboard.

The app runs (``start_app`` in ``tests/conftest.py``) over a temporary database whose only seed is
an invented article with two sources in doubt: a "he" the resolver leaves open (nobody named before
it is a man) and a "she" resolved to Anna Berg while Maria Lopez, another woman, is named just
before it. The analyst opens the reading view, sees both marked, follows "Review 2 unsure
attributions", steps with J and K, presses the number key of the candidate Tom Reed for "he", then
A to accept Anna Berg for "she". Both corrections must be stored with the analyst's name, the
reading view must show them changed by the analyst, and the Annotate page's history must list them.
Saves ``docs/review.png``. A second invented article, with three sources in doubt, shows that the
place in the queue is in the URL: J twice, a reload, and the same item is shown; to the reading view
and Back, and it is shown again.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: Invented.
ARTICLE = (
    "Bridge vote delayed\n\n"
    "Maria Lopez, the mayor of Eastport, opened the meeting on Monday.\n\n"
    "“The plan is dead and everyone here knows it,” he said after the vote.\n\n"
    "Anna Berg, a member of the council, disagreed with Maria Lopez. “We will build it next year,” she said.\n\n"
    "Tom Reed, the opposition leader, said the council would try again in June."
)
#: Invented: three sources in doubt, the same article with another "she" after a rival (Jane Fox).
THREE = ARTICLE.replace("Bridge vote delayed", "Harbour plan stalls").replace(
    "she said.\n\n",
    "she said.\n\nJane Fox, the harbour master, spoke next. Clara Diaz, a fisher, answered her. "
    "“Nobody asked us,” she said.\n\n",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory, start_app):
    tmp = tmp_path_factory.mktemp("review")
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / "bridge.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds / "harbour.txt").write_text(THREE, encoding="utf-8")
    return start_app(tmp / "app.db", env={"SOURCELIGHT_SEEDS": str(seeds)}, warm=".sl-article")


def article_id(app, title: str) -> str:
    from components.store import Store

    return next(s.id for s in Store(str(app.db)).list_articles() if s.title == title)


def card(page) -> str:
    return page.locator(".sl-review-card").inner_text()


def test_review_with_the_keyboard_stores_the_analysts_choices(app, browser):
    from components.corrections import CorrectionsService
    from components.store import Store

    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{app.url}/read?article={article_id(app, 'Bridge vote delayed')}&analyst=Ana", timeout=60_000)
    page.wait_for_selector(".sl-article .sl-source.sl-unresolved", timeout=120_000)
    assert page.locator(".sl-article .sl-source.sl-unsure").count() == 1
    aid = {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}["article"]
    page.get_by_role("button", name="Review 2 unsure attributions").click()
    page.wait_for_selector(".sl-review-card", timeout=60_000)
    assert "/review" in page.url and f"article={aid}" in page.url
    assert "“he”" in card(page) and "does not say who" in card(page) and "1 / 2" in card(page)
    page.wait_for_selector(".sl-passage .sl-content.sl-focus", timeout=30_000)  # the passage, spotlighted
    page.get_by_role("heading", name="Review unsure attributions").click()  # the keys go to the page, not a field
    page.keyboard.press("j")  # next: the "she"
    page.wait_for_function("() => document.querySelector('.sl-review-card').innerText.includes('2 / 2')",
                           timeout=30_000)
    assert "“she”" in card(page) and "Anna Berg" in card(page) and "fits this source" in card(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "review.png"))  # the README shows it
    page.keyboard.press("k")  # back to the "he"
    page.wait_for_function("() => document.querySelector('.sl-review-card').innerText.includes('1 / 2')",
                           timeout=30_000)
    tom = page.get_by_role("button", name=re.compile(r"^\d · Tom Reed"))
    page.keyboard.press(tom.inner_text().strip()[0])
    # settled, the "he" leaves the queue: the "she" is the one item left
    page.wait_for_function("() => document.querySelector('.sl-review-card').innerText.includes('1 / 1')",
                           timeout=60_000)
    assert "“she”" in card(page)
    page.keyboard.press("a")  # accept Anna Berg
    page.wait_for_selector("text=Nothing to review in this article", timeout=60_000)

    svc = CorrectionsService(Store(str(app.db)))
    she, he = svc.history(aid)  # newest first
    assert [(c.analyst, c.action, c.after.get("source_canonical")) for c in (he, she)] == [
        ("Ana", "set_source", "Tom Reed"), ("Ana", "set_source", "Anna Berg")]

    # the reading view shows them, changed by the analyst, and offers no review any more
    page.goto(f"{app.url}/read?article={aid}&analyst=Ana", timeout=60_000)
    page.wait_for_selector(".sl-article .sl-source", timeout=60_000)
    title = page.locator(".sl-article .sl-source", has_text=re.compile(r"^he$")).first.get_attribute("title")
    assert "Tom Reed (resolved from “he”)" in title and "changed by Ana" in title
    assert page.locator(".sl-article .sl-source.sl-unresolved, .sl-article .sl-source.sl-unsure").count() == 0
    assert page.get_by_role("button", name=re.compile("unsure attribution")).count() == 0
    # and the Annotate page's history lists both
    page.goto(f"{app.url}/annotate?article={aid}&analyst=Ana", timeout=60_000)
    page.get_by_role("tab", name="History").click(timeout=120_000)
    page.wait_for_selector(f"text=#{he.id}", timeout=60_000)
    history = page.locator('[data-testid="stTabs"]').inner_text()
    assert f"#{she.id}" in history and "Tom Reed" in history and "Anna Berg" in history
    page.close()


def shows(page, place: str) -> None:
    page.wait_for_function(f"() => (document.querySelector('.sl-review-card') || {{innerText: ''}})"
                           f".innerText.includes('{place}')", timeout=120_000)


def idle(page) -> None:
    """Wait until no script run is in progress (Streamlit's running indicator is gone), so that a
    key press reaches buttons that stay."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]')",
                           timeout=120_000)


def test_the_place_in_the_queue_is_in_the_url_and_survives_a_reload(app, browser):
    aid = article_id(app, "Harbour plan stalls")
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{app.url}/review?article={aid}&analyst=Ana", timeout=60_000)
    shows(page, "1 / 3")
    page.wait_for_selector(".sl-passage .sl-content.sl-focus", timeout=60_000)
    idle(page)
    page.get_by_role("heading", name="Review unsure attributions").click()  # the keys go to the page
    page.keyboard.press("j")
    shows(page, "2 / 3")
    idle(page)
    page.keyboard.press("j")
    shows(page, "3 / 3")
    page.wait_for_function("() => new URLSearchParams(location.search).get('item') === '3'", timeout=30_000)
    third = card(page)
    assert "“she”" in third and "Nobody asked us" in third
    page.reload(timeout=60_000)
    shows(page, "3 / 3")
    assert card(page) == third and f"article={aid}" in page.url
    assert page.locator('[data-testid="stAlert"]').count() == 0  # no note: the place is a valid one
    # to the reading view and Back: the same item again
    page.get_by_role("button", name="Back to reading").click()
    page.wait_for_url(re.compile(r"/read\?"), timeout=60_000)
    page.wait_for_selector(".sl-article .sl-source", timeout=120_000)
    page.go_back(timeout=60_000)
    shows(page, "3 / 3")
    assert card(page) == third
    page.close()
