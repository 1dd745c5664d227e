"""The Annotate page in a real browser: select words with the mouse, add an entity, see it marked.

The app runs (``start_app`` in ``tests/conftest.py``) over a temporary database whose seeds are the
seed article and a small article full of astral characters (emoji, mathematical letters), where
JavaScript's UTF-16 offsets and Python's code-point offsets differ. The mouse drags across the words
exactly as an analyst would; the correction must then be in the store with the analyst's name and
the exact text selected, and the reading page must mark it as changed by an analyst.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
DOCS = ROOT / "docs"
ASTRAL = (
    "Emoji rally report\n\n"
    "Fans 😀 cheered loudly as 𝔘lla Berg 👍🏽 arrived at the stadium.\n\n"
    "The organiser said “we are 🎉 delighted” after the match.\n"
)
pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The viewport box of the nth occurrence of ``needle`` in the selection control's text, scrolled
# into view: where the mouse starts and ends its drag.
BOX_JS = """([needle, nth]) => {
  const root = document.querySelector('.sl-pick');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let i = n.data.indexOf(needle); i >= 0; i = n.data.indexOf(needle, i + 1)) {
      if (seen++ !== nth) continue;
      n.parentElement.scrollIntoView({block: 'center'});
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + needle.length);
      const rects = r.getClientRects();
      const a = rects[0], b = rects[rects.length - 1];
      return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, start_app):
    """(url, database path, {name: article id}) of a running app, its models loaded."""
    from components.articles import load_seeds

    tmp = tmp_path_factory.mktemp("annotate")
    seeds = tmp / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    (seeds / "astral.txt").write_text(ASTRAL, encoding="utf-8")
    ids = {("seed" if a.title.startswith("Kim Jong Un") else "astral"): a.id for a in load_seeds(seeds).articles}
    running = start_app(tmp / "app.db", env={"SOURCELIGHT_SEEDS": str(seeds)}, warm=".sl-article")
    yield running.url, running.db, ids


def drag_select(page, needle: str, nth: int = 0) -> None:
    """Select the words with the mouse: press at the first character, drag to the last, release."""
    page.evaluate(BOX_JS, [needle, nth])  # scrolls it into view
    page.wait_for_timeout(300)
    box = page.evaluate(BOX_JS, [needle, nth])
    assert box, f"{needle!r} is not in the article"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=10)
    page.mouse.up()


def open_annotate(browser, url: str, article_id: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{url}/annotate?article={article_id}&analyst=Ana", timeout=60_000)
    page.wait_for_selector(".sl-pick p[data-start]", timeout=120_000)
    page.wait_for_timeout(500)
    return page


def add_entity(page, label: str, *, refused: str | None = None) -> None:
    """Add entity → pick the type → Save; with ``refused``, expect that error in the dialog and cancel."""
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Add entity").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    dialog.get_by_label("Type").click()
    page.get_by_role("option", name=label).click()
    dialog.get_by_role("button", name="Save").click()
    if refused:
        dialog.locator('[data-testid="stAlertContentError"]', has_text=refused).wait_for(timeout=30_000)
        dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="detached", timeout=30_000)


def stored_history(db: Path, article_id: str):
    from components.corrections import CorrectionsService
    from components.store import Store

    store = Store(str(db))
    try:
        return CorrectionsService(store).history(article_id)
    finally:
        store.engine.dispose()


def test_select_words_add_an_entity_and_see_it_marked(app, browser):
    url, db, ids = app
    page = open_annotate(browser, url, ids["seed"])
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.locator("input").first.input_value() == "Ana"

    drag_select(page, "military band")
    sidebar.get_by_text("“military band”").wait_for(timeout=30_000)
    add_entity(page, "organisation (ORG)")

    mark = page.locator(".sl-pick mark.sl-by-analyst", has_text="military band")
    mark.wait_for(timeout=30_000)
    assert mark.get_attribute("data-label") == "ORG"
    assert "changed by Ana" in mark.get_attribute("title")
    (c,) = stored_history(db, ids["seed"])
    assert (c.analyst, c.target, c.action, c.after["label"]) == ("Ana", "entity", "add", "ORG")
    assert c.spans["entity"][2] == "military band"

    # the docs picture: the new mark, and a fresh selection ready for the next change
    drag_select(page, "olive green train")
    sidebar.get_by_text("“olive green train”").wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".sl-pick mark.sl-by-analyst").first.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(800)
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "annotate.png"), full_page=False)
    page.close()

    reading = browser.new_page(viewport={"width": 1500, "height": 1000})
    reading.goto(f"{url}/read?article={ids['seed']}&analyst=Ana", timeout=60_000)
    marked = reading.locator(".sl-article mark.sl-by-analyst", has_text="military band")
    marked.wait_for(timeout=120_000)
    assert "changed by Ana" in marked.get_attribute("title")
    reading.close()


def test_selection_after_astral_characters_keeps_exact_offsets(app, browser):
    url, db, ids = app
    page = open_annotate(browser, url, ids["astral"])
    sidebar = page.locator('[data-testid="stSidebar"]')
    # The model already found this name: the refusal is shown in the dialog, nothing is stored.
    drag_select(page, "𝔘lla Berg")
    sidebar.get_by_text("“𝔘lla Berg”").wait_for(timeout=30_000)
    add_entity(page, "person (PERSON)", refused="is already marked as PERSON")
    assert stored_history(db, ids["astral"]) == []
    # After 😀, 𝔘 and 👍🏽 (four characters, eight UTF-16 units) the offsets still land exactly.
    drag_select(page, "the stadium")
    sidebar.get_by_text("“the stadium”").wait_for(timeout=30_000)
    add_entity(page, "facility (FAC)")
    page.locator(".sl-pick mark.sl-by-analyst", has_text="the stadium").wait_for(timeout=30_000)
    page.close()
    (c,) = stored_history(db, ids["astral"])
    start, end, text = c.spans["entity"]
    assert (c.analyst, text) == ("Ana", "the stadium")
    assert (start, end) == (ASTRAL.index("the stadium"), ASTRAL.index("the stadium") + len("the stadium"))
