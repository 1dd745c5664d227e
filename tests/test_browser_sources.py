"""Source breakdowns in a real browser: the reading view's Sources tab and the corpus page.

The app runs (``start_app`` in ``tests/conftest.py``) over a temporary library (the seed and the first 30 Wikinews
articles, analysed once here), and Debian's Chromium drives it through Playwright. The tests save
the README's screenshots: ``docs/breakdown.png`` and ``docs/corpus-sources.png``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"
N_WIKINEWS = 30
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def library(tmp_path_factory, nlp):
    """(database path, seeds folder, seed article, long corpus frame), analysed once."""
    from components.analysis import analyze_missing, pipeline_version
    from components.articles import load_seeds
    from components.sources import corpus_attributions
    from components.store import Store

    tmp = tmp_path_factory.mktemp("sources-app")
    seeds = tmp / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    with WIKINEWS.open(encoding="utf-8") as f:
        (seeds / "wikinews.jsonl").write_text("".join(next(f) for _ in range(N_WIKINEWS)), encoding="utf-8")
    db = tmp / "app.db"
    store = Store(str(db))
    articles = load_seeds(seeds).articles
    store.add_articles(articles)
    assert analyze_missing(store, nlp) == N_WIKINEWS + 1
    version = pipeline_version(nlp)
    long = corpus_attributions((a, an.attributions) for a, an in store.iter_analysed(version))
    store.engine.dispose()
    return db, seeds, articles[0], long


@pytest.fixture(scope="module")
def app_url(library, start_app):
    db, seeds, _, _ = library
    yield start_app(db, env={"SOURCELIGHT_SEEDS": str(seeds)}, warm=".sl-article", warm_s=180).url


@pytest.fixture(scope="module")
def context(app_url, browser):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    yield ctx
    ctx.close()


def _grid_text(grid) -> str:
    """The text of a Streamlit dataframe (its accessible table mirrors the canvas)."""
    return " | ".join(grid.locator("td").all_text_contents())


def test_breakdown_in_the_reading_view(app_url, context, library):
    _, _, seed, _ = library
    page = context.new_page()
    page.set_viewport_size({"width": 1500, "height": 1250})
    page.goto(f"{app_url}/?article={seed.id}", timeout=60_000)  # the reading view is the root page
    page.wait_for_selector(".sl-article", timeout=120_000)
    page.get_by_role("tab", name="Sources").click()
    panel = page.get_by_role("tabpanel").filter(has=page.locator(".js-plotly-plot"))
    chart = panel.locator(".js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    ticks = chart.locator(".ytick text").all_text_contents()
    assert any("Dmitry Peskov" in t for t in ticks), ticks
    assert any("US officials" in t for t in ticks), ticks
    assert panel.get_by_text("Sourcing profile").is_visible()
    table = panel.locator('[data-testid="stDataFrame"]').first
    table.locator("td", has_text="Dmitry Peskov").first.wait_for(state="attached", timeout=30_000)
    cells = _grid_text(table)
    assert "Dmitry Peskov" in cells and "The New York Times" in cells
    page.wait_for_timeout(1000)  # let the chart finish its entrance transition
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "breakdown.png"))
    page.close()


def _top_names(long, n: int = 20) -> list[str]:
    from components.sources import corpus_breakdown

    return list(corpus_breakdown(long)["source"].head(n))


def test_corpus_page_and_choosing_a_source_by_clicking_its_bar(app_url, context, library):
    _, _, _, long = library
    top = _top_names(long)
    page = context.new_page()
    page.goto(f"{app_url}/sources", timeout=60_000)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=120_000)
    assert page.get_by_role("heading", name="Sources across the library").is_visible()
    assert page.get_by_text(f"{N_WIKINEWS + 1} analysed articles").is_visible()
    assert page.get_by_text("not analysed yet").count() == 0
    ticks = chart.locator(".ytick text").all_text_contents()
    assert ticks[: len(top)] == [t if len(t) <= 32 else t[:31].rstrip() + "…" for t in top]
    assert "Dmitry Peskov" in ticks

    # Click the bar of the most cited source, just right of the axis, level with its label.
    name = top[0]
    label = chart.locator(".ytick text", has_text=name).first.bounding_box()
    plot = chart.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(plot["x"] + 6, label["y"] + label["height"] / 2)
    page.get_by_role("heading", name=f"What has {name} said?").wait_for(timeout=30_000)
    assert parse_qs(urlparse(page.url).query)["source"] == [name]
    assert page.get_by_role("combobox", name="Source", exact=True).input_value() == name
    page.mouse.move(5, 5)  # no hover label or mode bar in the screenshot
    page.set_viewport_size({"width": 1500, "height": 1600})
    page.wait_for_timeout(1500)
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "corpus-sources.png"))

    # A row of the table chooses too: tick the second source's row.
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    box = table.bounding_box()
    second = top[1]
    assert second in _grid_text(table)
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 + 17)  # row marker of the second data row
    page.get_by_role("heading", name=f"What has {second} said?").wait_for(timeout=30_000)
    assert parse_qs(urlparse(page.url).query)["source"] == [second]
    page.close()


def test_a_link_in_what_has_this_source_said_opens_the_passage(app_url, context, library):
    _, _, seed, long = library
    page = context.new_page()
    page.goto(f"{app_url}/sources?source=Dmitry+Peskov", timeout=60_000)
    page.get_by_role("heading", name="What has Dmitry Peskov said?").wait_for(timeout=120_000)
    said = page.locator('[data-testid="stDataFrame"]').last
    said.scroll_into_view_if_needed()
    said.locator("td").first.wait_for(state="attached", timeout=30_000)
    assert "not planned directly at the forum" in _grid_text(said)
    expected = long[long["source"] == "Dmitry Peskov"]
    assert said.locator("tr").count() == len(expected) + 1  # header + one row per attribution
    page.wait_for_timeout(1500)  # the grid settles (column widths) before it takes clicks
    box = said.bounding_box()
    before = len(context.pages)
    for _ in range(3):  # a click can land while the grid redraws: try again, at most twice
        page.mouse.click(box["x"] + 30, box["y"] + 52)  # first row, "Open" column
        deadline = time.time() + 10
        while len(context.pages) == before and time.time() < deadline:
            page.wait_for_timeout(200)
        if len(context.pages) > before:
            break
    assert len(context.pages) == before + 1, "clicking the link opened no tab"
    opened = context.pages[-1]
    opened.wait_for_selector(".sl-article", timeout=120_000)
    assert urlparse(opened.url).path == "/read"
    assert opened.get_by_text("Page not found").count() == 0
    query = parse_qs(urlparse(opened.url).query)
    assert query["article"] == [seed.id]
    first = long[long["source"] == "Dmitry Peskov"].sort_values("start").iloc[0]
    assert query["att"] == [str(first["attribution_index"])]
    assert opened.locator("h1", has_text="Kim Jong Un in Russia").count() >= 1
    opened.close()
    page.close()


def _luminance(css: str) -> float:
    """Relative luminance (0 dark .. 1 light) of an ``rgb(r, g, b)`` colour."""
    r, g, b = (int(float(v)) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_corpus_chart_labels_follow_the_theme(app_url, context, scheme):
    ctx = context.browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(f"{app_url}/sources", timeout=60_000)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=120_000)
    page.wait_for_timeout(800)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    label = chart.locator(".ytick text").first.evaluate("el => getComputedStyle(el).fill")
    bg, fg = _luminance(background), _luminance(label)
    assert (bg > 0.5) == (scheme == "light"), background
    contrast = (max(bg, fg) + 0.05) / (min(bg, fg) + 0.05)
    # Small text needs 4.5:1 (WCAG AA); Streamlit's chart theme alone gave tick labels 3.7:1 on white,
    # so the app sets the theme's text colour on every figure (charts.with_text_colour).
    assert contrast >= 4.5, f"axis labels {label} on {background}: contrast {contrast:.1f}"
    ctx.close()
