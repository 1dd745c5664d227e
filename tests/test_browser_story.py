"""The Story page in a real browser: one event from two outlets, side by side.

The app runs with ``streamlit run`` over a temporary library of invented articles (two reports of
a flood, one of a chess tournament; texts written for this test), grouped into stories and
analysed here, and Debian's Chromium drives it through Playwright (the shared ``start_app`` and
``browser`` fixtures of tests/conftest.py).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLES = [
    ("Floods hit Varnholm as river Elsa bursts its banks", "Daily Ledger",
     "The river Elsa burst its banks in Varnholm on Monday. Mayor Ilse Brandt said 300 homes in Varnholm were "
     "flooded. \"We have never seen the Elsa this high,\" Brandt said. A police officer who asked not to be named "
     "said the old town bridge was closed."),
    ("Varnholm evacuates old town after Elsa flood", "Northern Post",
     "Rescue crews evacuated the old town of Varnholm after the river Elsa flooded 300 homes, Mayor Ilse Brandt "
     "said. The regional water board denied that 300 homes in Varnholm were flooded."),
    ("Teodora Vlasic wins Oberhaus chess open", "Chess Weekly",
     "Grandmaster Teodora Vlasic won the Oberhaus chess open on Sunday. \"It was my hardest final,\" Vlasic told "
     "reporters in Oberhaus."),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory, nlp):
    """(database, empty seeds folder, the flood story's id), analysed and grouped once."""
    from components.analysis import analyze_missing
    from components.articles import parse_article
    from components.store import Store
    from components.stories.service import StoryService

    tmp = tmp_path_factory.mktemp("story-app")
    seeds = tmp / "no-seeds"
    seeds.mkdir()
    db = tmp / "app.db"
    store = Store(str(db))
    store.add_articles([parse_article(f"{t}\n\n{x}", title=t, outlet=o, date="2024-03-04", origin=f"test:{o}")
                        for t, o, x in ARTICLES])
    analyze_missing(store, nlp)
    svc = StoryService(store)
    svc.update()
    flood = next(s for s in svc.stories() if len(s.article_ids) == 2)
    store.engine.dispose()
    return db, seeds, flood.id


@pytest.fixture(scope="module")
def app_url(library, start_app):
    db, seeds, _ = library
    return start_app(db, env={"SOURCELIGHT_SEEDS": str(seeds)}).url


def test_story_page_shows_both_outlets_their_disagreement_and_links_to_the_passage(app_url, library, browser):
    # The session's one Chromium (tests/conftest.py): a second sync_playwright in the same
    # process fails while that one runs.
    _, _, story_id = library
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{app_url}/story?story={story_id}", timeout=60_000)
    page.get_by_text("How each outlet sourced it").wait_for(timeout=180_000)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("2 articles from 2 outlets", exact=False).first.wait_for(timeout=60_000)
    chart = main.locator(".js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    assert "Daily Ledger" in chart.inner_text() and "Northern Post" in chart.inner_text()
    main.get_by_text("Sources that disagree").wait_for(timeout=30_000)
    text = main.inner_text()
    assert "Denied" in text and "Affirmed" in text and "water board" in text
    assert "Chess Weekly" not in text  # another story's outlet is not on this one
    href = main.get_by_role("link", name="read the passage ↗").first.get_attribute("href")
    assert href and "att=" in href
    page.goto(f"{app_url}/{href.removeprefix('./').lstrip('/')}" if not href.startswith("http") else href,
              timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=120_000)
    assert "article=" in page.url and "att=" in page.url
    assert "Varnholm" in page.locator(".sl-article").inner_text()
    page.close()
