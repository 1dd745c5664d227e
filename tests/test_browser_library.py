"""The Library page in a real browser: three files uploaded at once are each named with what
became of them; a title edited after the confirm step shows on the Read page; an article deleted
after the confirm step is gone while the other remains.

The app runs with ``streamlit run`` over a temporary library of two invented articles (analysed
here), and Debian's Chromium drives it through Playwright (the shared ``start_app`` and
``browser`` fixtures of tests/conftest.py).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FLOOD = ("Floods close roads in Valdoria\n\nHeavy rain flooded the river valley near Port Alder on Monday. "
         "“The water rose faster than we expected,” the mayor, Ilse Brandt, said.")
MATCH = ("Chess final drawn in Korvena\n\nThe chess final in Korvena ended in a draw on Sunday. "
         "“It was a fair result,” said the champion, Tomas Ferrin.")
NEW = ("Harbour reopens in Port Alder\n\nThe harbour of Port Alder reopened on Friday after the floods. "
       "“Boats can come in again,” the harbour master, Ines Varga, said.")


def title_box(main, expected: str, seconds: float = 30):
    """The Title field once the rerun after choosing an article is over (the previous article's
    field has gone) and it holds ``expected``."""
    import time

    from playwright.sync_api import Error as PlaywrightError

    deadline = time.time() + seconds
    while True:
        # the page also has the paste form's Title field, which may come and go during a rerun:
        # take the one field holding the chosen article's title
        boxes = main.get_by_label("Title", exact=True)
        try:
            values = [b.input_value(timeout=2_000) for b in boxes.all()]
        except PlaywrightError:  # a field went away while being read: look again
            values = []
        if values.count(expected) == 1:
            return boxes.nth(values.index(expected))
        if time.time() > deadline:
            raise AssertionError(f"no single Title field holding {expected!r}: "
                                 f"{[b.input_value() for b in boxes.all()]}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def library(tmp_path_factory, nlp):
    """(database, empty seeds folder, {title: id}), the two articles analysed once."""
    from components.analysis import analyze_missing
    from components.articles import parse_article
    from components.store import Store

    tmp = tmp_path_factory.mktemp("library-app")
    seeds = tmp / "no-seeds"
    seeds.mkdir()
    db = tmp / "app.db"
    store = Store(str(db))
    arts = [parse_article(FLOOD, origin="test:flood"), parse_article(MATCH, origin="test:chess")]
    store.add_articles(arts)
    analyze_missing(store, nlp)
    store.engine.dispose()
    return db, seeds, {a.title: a.id for a in arts}


@pytest.fixture(scope="module")
def app_url(library, start_app):
    db, seeds, _ = library
    return start_app(db, env={"SOURCELIGHT_SEEDS": str(seeds), "SOURCELIGHT_BACKGROUND": "0"}).url


def test_upload_edit_and_delete(app_url, library, browser):
    _, _, ids = library
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{app_url}/library?analyst=Ana", timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("2 articles").wait_for(timeout=120_000)

    # three files at once: each is named with what became of it
    main.locator('input[type="file"]').set_input_files([
        {"name": "harbour.txt", "mimeType": "text/plain", "buffer": NEW.encode()},
        {"name": "chess-again.txt", "mimeType": "text/plain", "buffer": MATCH.encode()},
        {"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00IHDR" * 20},
    ])
    main.get_by_text("photo.txt", exact=False).first.wait_for(timeout=30_000)  # listed by the uploader
    main.get_by_role("button", name="Add uploaded files").click()
    main.get_by_text("harbour.txt: added 1 article").wait_for(timeout=180_000)
    main.get_by_text("chess-again.txt: 1 already in the library").wait_for(timeout=10_000)
    main.get_by_text("photo.txt: rejected", exact=False).wait_for(timeout=10_000)
    assert main.get_by_text("Added 1 article(s).").count() == 0
    main.get_by_text("3 articles").wait_for(timeout=30_000)

    # edit the title of the chess article, confirm, and read it on the Read page
    page.goto(f"{app_url}/library?analyst=Ana", timeout=60_000)
    main.get_by_text("Edit or delete an article").wait_for(timeout=60_000)
    main.get_by_label("Article", exact=True).click()
    page.get_by_role("option", name="Chess final drawn in Korvena").click()
    title = title_box(main, "Chess final drawn in Korvena")
    title.fill("Korvena chess final ends in a draw")
    title.press("Enter")
    main.get_by_role("button", name="Save changes…").click()
    main.get_by_text("Change title:", exact=False).wait_for(timeout=30_000)
    main.get_by_role("button", name="Confirm changes").click()
    main.get_by_text("Saved:", exact=False).wait_for(timeout=30_000)
    chess = ids["Chess final drawn in Korvena"]
    page.goto(f"{app_url}/read?article={chess}", timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=180_000)
    assert "Korvena chess final ends in a draw" in main.inner_text()

    # delete it after confirming: gone, and the flood article remains
    page.goto(f"{app_url}/library?analyst=Ana", timeout=60_000)
    main.get_by_text("Edit or delete an article").wait_for(timeout=60_000)
    main.get_by_label("Article", exact=True).click()
    page.get_by_role("option", name="Korvena chess final ends in a draw").click()
    title_box(main, "Korvena chess final ends in a draw")
    main.get_by_role("button", name="Delete this article…").click()
    main.get_by_text("cannot be undone", exact=False).wait_for(timeout=30_000)
    main.get_by_role("button", name="Yes, delete it").click()
    main.get_by_text("Deleted “Korvena chess final ends in a draw”.").wait_for(timeout=30_000)
    main.get_by_text("2 articles").wait_for(timeout=30_000)
    main.get_by_label("Article", exact=True).click()
    options = page.get_by_role("option").all_inner_texts()
    assert not any("Korvena" in o for o in options)
    assert any("Floods close roads in Valdoria" in o for o in options)
    page.keyboard.press("Escape")
    page.goto(f"{app_url}/read?article={ids['Floods close roads in Valdoria']}", timeout=60_000)
    page.wait_for_selector(".sl-article", timeout=120_000)
    assert "Ilse Brandt" in page.locator(".sl-article").inner_text()
    page.close()
