"""Briefing mode in a real browser: a deep link opens the same spotlight, the keyboard steps, both themes.

Starts the app (``start_app`` in ``tests/conftest.py``) over a temporary database (the bundled seeds), drives Debian's
Chromium with Playwright, and saves ``docs/briefing-light.png`` and ``docs/briefing-dark.png`` (the
README shows them). The app has no fixed theme base, so it follows the browser's colour scheme,
which Playwright sets per page. Skips with the reason where Chromium is missing, except in CI.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_url(start_app):
    yield start_app().url


def seed_id() -> str:
    from components.articles import load_path

    return load_path(str(SEED)).articles[0].id


def params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def focused(page) -> str:
    """The attribution index spotlighted in the text (and in the spotlight card: they must agree)."""
    page.wait_for_selector(".sl-present .sl-content.sl-focus", timeout=60_000)
    in_text = page.locator(".sl-present .sl-content.sl-focus").first.get_attribute("data-att")
    assert page.locator(".sl-spot").first.get_attribute("data-att") == in_text
    return in_text


def marked_in_order(page) -> list[str]:
    """Indices of the attributions marked in the text, in reading order, each once."""
    seen = page.locator(".sl-present .sl-content").evaluate_all("els => els.map(e => e.dataset.att)")
    return list(dict.fromkeys(seen))


def test_deep_link_then_keyboard_steps(app_url, browser):
    aid = seed_id()
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, color_scheme="light")
    # The deep link is the fresh server's very first request: it must still get app.py's navigation.
    page.goto(f"{app_url}/present?article={aid}&source={quote('Dmitry Peskov')}&step=1", timeout=60_000)
    page.wait_for_selector(".sl-present .sl-content.sl-focus", timeout=180_000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 1
    first = focused(page)
    order = marked_in_order(page)
    assert len(order) >= 2 and first == order[0]  # only Peskov's attributions are marked; the first is lit
    assert page.locator(".sl-spot-src").inner_text() == "Dmitry Peskov"
    assert page.locator(".sl-spot-head", has_text=f"1 / {len(order)}").count() == 1

    # Keyboard only: → steps on, ← steps back; the URL follows each step.
    page.locator(".sl-present h1").click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('step=2')", timeout=30_000)
    page.wait_for_selector(f'.sl-present .sl-content.sl-focus[data-att="{order[1]}"]', timeout=30_000)
    assert focused(page) == order[1]
    assert params(page) == {"article": aid, "source": "Dmitry Peskov", "step": "2"}
    assert page.locator(".sl-spot-head", has_text=f"2 / {len(order)}").count() == 1
    DOCS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "briefing-light.png"))
    light_bg = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")

    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('step=1')", timeout=30_000)
    page.wait_for_selector(f'.sl-present .sl-content.sl-focus[data-att="{order[0]}"]', timeout=30_000)
    assert focused(page) == order[0]

    # A presentation clicker sends Page Down / Page Up: the same steps.
    page.keyboard.press("PageDown")
    page.wait_for_function("() => location.search.includes('step=2')", timeout=30_000)
    page.wait_for_selector(f'.sl-present .sl-content.sl-focus[data-att="{order[1]}"]', timeout=30_000)
    assert focused(page) == order[1]
    page.keyboard.press("PageUp")
    page.wait_for_function("() => location.search.includes('step=1')", timeout=30_000)
    page.wait_for_selector(f'.sl-present .sl-content.sl-focus[data-att="{order[0]}"]', timeout=30_000)
    assert focused(page) == order[0]
    assert page.get_by_role("button", name="Next (Page Down)").is_hidden()

    # A colleague opens the link as it now stands, in the dark theme, and sees the same spotlight.
    link = page.url
    page.close()
    dark = browser.new_page(viewport={"width": 1600, "height": 1000}, color_scheme="dark")
    dark.goto(re.sub(r"step=1", "step=2", link), timeout=60_000)
    assert focused(dark) == order[1]
    dark.wait_for_timeout(800)
    dark_bg = dark.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert dark_bg != light_bg  # the theme follows the system colour scheme
    text_colour = dark.evaluate("() => getComputedStyle(document.querySelector('.sl-present h1')).color")
    assert text_colour != "rgb(0, 0, 0)"
    dark.screenshot(path=str(DOCS / "briefing-dark.png"))
    dark.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_every_step_shows_the_whole_card(app_url, browser, size, scheme):
    """A projector (1280x720) and a full-HD screen, both themes: after each step the whole
    spotlight card is on screen below the header, the buttons read in full, the sidebar is folded
    away with its control to bring it back."""
    aid = seed_id()
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, color_scheme=scheme)
    page.goto(f"{app_url}/present?article={aid}", timeout=60_000)
    page.wait_for_selector(".sl-spot", timeout=180_000)
    # Briefing mode folds the editing sidebar away; the » control brings it back.
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    expand.wait_for(timeout=30_000)
    assert not page.locator("[data-testid='stSidebarUserContent']").is_visible()
    for name in ("Previous", "Next", "Overview"):
        button = page.get_by_role("button", name=name)
        full = button.evaluate("b => [...b.querySelectorAll('*')].every(e => e.scrollWidth <= e.clientWidth + 1)")
        assert full, f"{name} is cut at {size}"
    page.locator(".sl-present h1").click()
    for step in range(1, 5):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('step={step}')", timeout=60_000)
        page.locator(".sl-spot-head", has_text=f"{step} / ").wait_for(timeout=30_000)
        page.wait_for_timeout(700)  # the text box's smooth scroll
        top, bottom, header = page.evaluate(
            """() => { const r = document.querySelector('.sl-spot').getBoundingClientRect();
                       const h = document.querySelector('[data-testid="stHeader"]');
                       return [r.top, r.bottom, h ? h.getBoundingClientRect().bottom : 0]; }""")
        assert top >= header - 1 and bottom <= size[1] + 1, (step, size, scheme, top, bottom, header)
    expand.click()
    page.locator("[data-testid='stSidebarUserContent']").wait_for(timeout=30_000)
    assert page.get_by_label("Spotlight one source").count() == 1
    page.close()


def test_every_press_counts_once_even_while_the_page_redraws(app_url, browser):
    """Five → sent back to back (no wait) land on step 5, six more 0.5 s apart on 11; ←, Page Down,
    Page Up and quick clicks of Next each count once; the card, the URL and a reload agree."""
    aid = seed_id()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{app_url}/present?article={aid}", timeout=60_000)
    page.wait_for_selector(".sl-spot.sl-overview", timeout=180_000)
    total = int(re.search(r"(\d+) attributions", page.locator(".sl-spot-head").inner_text()).group(1))
    assert total >= 12
    page.locator(".sl-present h1").click()

    def lands_on(step: int) -> None:
        if step:
            page.locator(".sl-spot-head", has_text=f"{step} / {total}").wait_for(timeout=60_000)
        else:
            page.locator(".sl-spot.sl-overview").wait_for(timeout=60_000)
        page.wait_for_timeout(2500)  # any request still in flight has been answered by now
        head = page.locator(".sl-spot-head").inner_text()
        assert (head.startswith(f"{step} / {total}") if step else head.startswith("Overview")), (step, head)
        assert params(page).get("step") == (str(step) if step else None), (step, page.url)

    for _ in range(5):
        page.keyboard.press("ArrowRight")
    lands_on(5)
    page.reload()
    page.wait_for_selector(".sl-spot-head", timeout=60_000)
    lands_on(5)  # the URL restores the step

    page.locator(".sl-present h1").click()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
    lands_on(11)
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    lands_on(8)
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    page.keyboard.press("PageUp")
    lands_on(9)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    lands_on(11)
    page.keyboard.press("Home")
    lands_on(0)
    page.close()
