"""The analysis pool in a real browser: a heavy article's page says it is being analysed and then
fills in by itself (its poll fragment reruns the page), while another tab's Read page keeps
answering. The app runs as ``make app`` serves it, with the pool on (the app's default)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SEED

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The issue's reproduction (5,000 nested quotation marks, 114 KB).
HEAVY_TEXT = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(5000))


def test_heavy_article_is_pending_then_fills_in_while_another_tab_answers(tmp_path, start_app, browser):
    from components.articles import load_paste
    from components.store import Store

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    (seeds / "heavy.txt").write_text(HEAVY_TEXT, encoding="utf-8")
    heavy_id = load_paste(HEAVY_TEXT)[0].id
    app = start_app(env={"SOURCELIGHT_SEEDS": str(seeds), "SOURCELIGHT_ANALYSIS_PROCESS": "1",
                         "SOURCELIGHT_ANALYSIS_PROCESSES": "1"},
                    warm=".sl-article", warm_s=300)  # the seed analysed in the pool, models loaded
    assert heavy_id in {s.id for s in Store(str(app.db)).list_articles()}

    heavy = browser.new_page(viewport={"width": 1400, "height": 1000})
    reader = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        heavy.goto(f"{app.url}/read?article={heavy_id}", timeout=60_000)
        heavy.get_by_text("Analysing “Open”").wait_for(timeout=60_000)

        reader.goto(f"{app.url}/", timeout=60_000)
        reader.wait_for_selector(".sl-article .sl-content", timeout=120_000)
        reader.get_by_text("Show who said what").click()  # a rerun while the heavy analysis runs
        reader.wait_for_function("document.querySelectorAll('.sl-article .sl-content').length == 0",
                                 timeout=60_000)
        assert heavy.get_by_text("Analysing “Open”").count() == 1, "the heavy analysis ended before the rerun"

        # no reload: the heavy page's own poll brings the analysis when it is done
        heavy.wait_for_selector('.sl-article mark[data-group="DATE:4999"]', timeout=600_000)
        assert heavy.get_by_text("Analysing “Open”").count() == 0
        assert heavy.locator('[data-testid="stException"]').count() == 0
    finally:
        heavy.close()
        reader.close()
