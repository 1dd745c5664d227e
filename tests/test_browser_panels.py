"""The reading view's side panels and the Sources page table at 1440x900 in a real browser.

At 1440 px with the sidebar open the side panel is about 360 px wide: every panel (Entities,
Sources, Who said what, Similar, Story) and the Sources page's table must show their essential
columns inside their box with no horizontal scrolling, and the spotlighted attribution's card must
not sit under the table's toolbar. The app runs over a temporary database with the bundled seeds
(``start_app`` in ``tests/conftest.py``); Debian's Chromium drives it through Playwright. Screenshots
go to the test's temporary folder only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The visible grids: their box, the scroller's widths, and the column headers drawn in view.
GRIDS = """(root) => [...root.querySelectorAll('[data-testid="stDataFrame"]')].filter(g => g.offsetParent).map(g => {
  const sc = g.querySelector('.dvn-scroller'); const r = g.getBoundingClientRect();
  return {left: r.left, right: r.right, scroll: sc ? sc.scrollWidth : 0, client: sc ? sc.clientWidth : 0,
          heads: [...g.querySelectorAll('th, [role=columnheader]')].map(h => h.textContent.trim())};
})"""


@pytest.fixture(scope="module")
def app_url(start_app):
    yield start_app(warm=".sl-article", warm_s=180).url


def seed_id() -> str:
    from components.articles import load_path

    return load_path(str(SEED)).articles[0].id


def open_tab(page, name: str):
    """Open a side-panel tab; returns its panel (the visible tab panel)."""
    page.get_by_role("tab", name=name).click()
    panel = page.locator("[role=tabpanel]:visible").first
    panel.wait_for(timeout=30_000)
    page.wait_for_timeout(2500)  # the grid settles (column widths)
    return panel


def grids_fit(panel, wanted: list[list[str]] | None, where: str) -> None:
    """Every grid in ``panel`` lies inside it, scrolls no column off to the right, and draws the
    ``wanted`` headers (one list per grid, in order; None: whatever grids the panel has)."""
    box = panel.bounding_box()
    grids = panel.evaluate(GRIDS)
    if wanted is not None:
        assert len(grids) == len(wanted), (where, grids)
        assert [g["heads"] for g in grids] == wanted, (where, grids)
    for g in grids:
        assert box["x"] - 1 <= g["left"] and g["right"] <= box["x"] + box["width"] + 1, (where, g, box)
        assert g["scroll"] <= g["client"] + 1, f"{where}: the table scrolls sideways ({g})"
    # Nothing else drawn in the panel runs out of it sideways either (long names, charts, captions).
    # (The grid's invisible corner resize handle sticks out by design: it is not drawn.)
    out = panel.evaluate("""p => { const r = p.getBoundingClientRect();
        return [...p.querySelectorAll('*')]
          .filter(e => e.offsetParent && e.getClientRects().length && !/resize$/.test(e.style.cursor))
          .map(e => [e.getBoundingClientRect().right - r.right, e.outerHTML.slice(0, 120)])
          .filter(([d]) => d > 1).slice(0, 5); }""")
    assert not out, f"{where}: drawn past the panel's right edge: {out}"


def test_side_panels_show_their_essential_columns_at_1440(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{app_url}/read?article={seed_id()}", timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=180_000)

    grids_fit(open_tab(page, "Entities"), [["Entity", "Type", "Mentions"]], "Entities")
    panel = open_tab(page, "Sources")
    breakdown = ["Source", "Type", "All", "Dir.", "Rep.", "Mix."]
    grids_fit(panel, [breakdown], "Sources")
    page.get_by_label("Show only one source's attributions").click()
    page.keyboard.type("Dmitry Peskov")
    page.keyboard.press("Enter")
    panel.get_by_text(", in reading order").wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    grids_fit(panel, [breakdown, ["#", "What was said", "Cue"]], "Sources, one source chosen")
    page.screenshot(path=str(tmp_path / "sources-panel.png"))

    panel = open_tab(page, "Who said what")
    grids_fit(panel, [["#", "Source", "What was said"]], "Who said what")
    page.get_by_label("Spotlight an attribution").click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    card = panel.locator(".sl-spotlit")
    card.wait_for(timeout=30_000)
    grid = panel.locator('[data-testid="stDataFrame"]')
    grid.hover()
    toolbar = panel.locator('[data-testid="stElementToolbar"]:visible').first
    toolbar.wait_for(timeout=10_000)
    c, t = card.bounding_box(), toolbar.bounding_box()
    assert t["y"] >= c["y"] + c["height"] - 1, f"the table's toolbar covers the spotlight card ({c}, {t})"
    page.screenshot(path=str(tmp_path / "who-said-what.png"))

    # Similar and Story show what the bundled library gives (the story the seed belongs to, or
    # that nothing is ready yet): whatever they draw fits.
    for name in ("Similar", "Story"):
        panel = open_tab(page, name)
        page.wait_for_timeout(5000)  # a story's tables come after its comparison is built
        grids_fit(panel, None, name)
        page.screenshot(path=str(tmp_path / f"{name.lower()}-panel.png"), full_page=True)
    page.close()


def test_sources_page_table_shows_every_column_at_1440(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{app_url}/read?article={seed_id()}", timeout=60_000)  # analyses the seed
    page.wait_for_selector(".sl-article", timeout=180_000)
    page.goto(f"{app_url}/sources", timeout=60_000)
    page.wait_for_function(f"() => ({GRIDS})(document).some(g => g.heads.includes('Cues'))", timeout=120_000)
    page.wait_for_timeout(2500)
    main = page.locator('[data-testid="stMain"]')
    tables = [g for g in main.evaluate(GRIDS) if "Cues" in g["heads"]]
    assert len(tables) == 1, tables
    g = tables[0]
    assert g["heads"] == ["Source", "Type", "Claims", "Articles", "Direct", "Reported", "Mixed", "Words",
                          "Outlets", "Cues", "Reported by"], g["heads"]
    assert g["scroll"] <= g["client"] + 1, f"the Sources table scrolls sideways ({g})"
    page.screenshot(path=str(tmp_path / "sources-page.png"), full_page=True)
    page.close()
