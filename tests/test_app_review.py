"""The Review page (``/review``) and the reading view's way into it, through Streamlit's AppTest.

The library holds one invented article whose "he" the resolver leaves open (nobody named before
the quote is a man). The page must show it with its candidates, record the analyst's choice as a
correction (and the item then leaves the queue), refuse to act for nobody, and the reading view
must offer "Review 1 unsure attribution" and mark the source.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.test_browser_review import THREE  # invented: three sources in doubt

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "dashboard" / "views" / "review.py")
READ = str(ROOT / "dashboard" / "views" / "reading.py")
#: Invented: nobody before the quote is a man, so honest abstention leaves "he" open.
ARTICLE = (
    "Bridge vote delayed\n\n"
    "Maria Lopez, the mayor of Eastport, opened the meeting on Monday.\n\n"
    "“The plan is dead and everyone here knows it,” he said after the vote.\n\n"
    "Tom Reed, the opposition leader, said the council would try again in June."
)
pytestmark = pytest.mark.slow


def library_of(tmp_path, monkeypatch, name: str, text: str) -> None:
    """A fresh library whose only seed is ``text`` (the file ``name``), for the next app run."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    st.cache_resource.clear()


@pytest.fixture()
def seeded(tmp_path, monkeypatch):
    library_of(tmp_path, monkeypatch, "bridge.txt", ARTICLE)
    yield
    st.cache_resource.clear()


def run(page: str, analyst: str | None = "Ana") -> AppTest:
    at = AppTest.from_file(page, default_timeout=240)
    if analyst:  # the sidebar field app.py draws (absent when a page runs alone)
        at.query_params["analyst"] = analyst
        at.session_state["analyst"] = analyst
    at.run()
    assert not at.exception, at.exception
    return at


def html_of(at: AppTest) -> str:
    return "".join(el.proto.body for el in at.get("html"))


def button(at: AppTest, start: str):
    return next(b for b in at.button if b.label.startswith(start))


def service():
    from dashboard import state

    return state.get_corrections()


def test_choosing_a_candidate_records_a_correction_and_empties_the_queue(seeded):
    at = run(PAGE)
    page = html_of(at)
    assert "Source as written: “he”" in page and "sl-focus" in page and 'class="sl-cand"' in page
    labels = [b.label for b in at.button]
    tom = next(b for b in at.button if "Tom Reed" in b.label)
    assert tom.label.startswith("1 · ") or tom.label.startswith("2 · "), labels
    assert not any("Maria Lopez" in lb for lb in labels)  # "he" is not a woman's first name
    tom.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("source set to Tom Reed" in t.value for t in at.toast)
    aid = at.selectbox[0].value
    (c,) = service().history(aid)
    assert (c.analyst, c.action) == ("Ana", "set_source")
    text = state_store().get_article(aid).text
    (he,) = [a for a in service().effective(aid).analysis.attributions if a.source and a.source.text(text) == "he"]
    assert (he.source_canonical, he.source_status) == ("Tom Reed", "resolved")
    assert any("Nothing to review" in s.value for s in at.success)
    # U undoes that decision (an undo row, as on Annotate): the item is back in the queue
    button(at, "Undo last").click().run()
    assert not at.exception
    undo, first = service().history(aid)
    assert (undo.action, first.id, first.active) == ("undo", c.id, False)
    assert "Source as written: “he”" in html_of(at)


def state_store():
    from dashboard import state

    return state.get_store()


def test_without_a_name_the_decisions_are_disabled_and_nothing_is_stored(seeded):
    at = run(PAGE, analyst=None)
    assert any("No analyst named" in i.value for i in at.info)
    accept = button(at, "Keep unresolved") if any(b.label.startswith("Keep") for b in at.button) \
        else button(at, "Accept")
    assert accept.disabled
    assert all(b.disabled for b in at.button if b.label[:1].isdigit())
    assert service().history(at.selectbox[0].value) == []


def test_the_reading_view_marks_the_source_and_links_to_review(seeded):
    at = run(READ)
    page = html_of(at)
    assert "sl-source sl-unresolved" in page and "to review: the resolver left this source open" in page
    assert "unsure source" in page  # the legend
    assert any(b.label == "Review 1 unsure attribution" for b in at.button)


def test_a_signed_in_viewer_sees_the_queue_but_cannot_decide(seeded, monkeypatch):
    from components.access import VIEWER, User
    from dashboard import state

    monkeypatch.setattr(state, "user", lambda: User("Vic", VIEWER))
    at = run(PAGE, analyst=None)
    assert any("Vic, a viewer" in i.value for i in at.info)
    assert "Source as written: “he”" in html_of(at)  # reading the queue is allowed
    decisions = [b for b in at.button if b.label[:1].isdigit() or b.label.startswith(("Keep", "Accept", "Undo"))]
    assert decisions and all(b.disabled for b in decisions)
    assert service().history(at.selectbox[0].value) == []


def test_hostile_text_in_the_passage_and_card_is_shown_as_text(tmp_path, monkeypatch):
    hostile = ARTICLE.replace("The plan is dead", "The plan <img src=x onerror=alert(1)> is **dead**")
    library_of(tmp_path, monkeypatch, "hostile.txt", hostile)
    try:
        at = run(PAGE)
        page = html_of(at)
        assert "Source as written: “he”" in page
        assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    finally:
        st.cache_resource.clear()


@pytest.fixture()
def three(tmp_path, monkeypatch):
    library_of(tmp_path, monkeypatch, "harbour.txt", THREE)
    yield
    st.cache_resource.clear()


def run_at(item: str | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.query_params["analyst"] = "Ana"
    at.session_state["analyst"] = "Ana"
    if item is not None:
        at.query_params["item"] = item
    at.run()
    assert not at.exception, at.exception
    return at


def place(at: AppTest) -> str:
    """The card's "N / total"."""
    import re

    return re.search(r"(\d+) / (\d+) · attribution", html_of(at)).group(0).split(" ·")[0]


def test_the_place_in_the_queue_is_in_the_url_and_the_keys_move_it(three):
    at = run_at(None)
    assert place(at) == "1 / 3" and at.query_params["item"] == "1"
    button(at, "Next (J)").click().run()
    assert place(at) == "2 / 3" and at.query_params["item"] == "2"
    button(at, "Next (J)").click().run()
    assert place(at) == "3 / 3" and at.query_params["item"] == "3"
    assert not at.warning
    button(at, "Previous (K)").click().run()
    assert place(at) == "2 / 3" and at.query_params["item"] == "2"
    # a fresh session on that URL (a reload, a shared link) opens the same item
    again = run_at(at.query_params["item"])
    assert place(again) == "2 / 3" and "Source as written: “she”" in html_of(again)
    assert not again.warning


def test_settling_the_last_item_keeps_a_valid_place_without_a_note(three):
    at = run_at("3")
    assert place(at) == "3 / 3"
    button(at, "Accept (A)").click().run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert place(at) == "2 / 2" and at.query_params["item"] == "2"


@pytest.mark.parametrize("raw", ["0", "4", "-1", "abc", "²", "1e3", "9" * 40, "**bold** <img src=x> [a](http://t)"])
def test_a_position_outside_the_queue_is_named_and_the_first_item_shown(three, raw):
    at = run_at(raw)
    assert place(at) == "1 / 3" and at.query_params["item"] == "1"
    (note,) = [w.value for w in at.warning]
    assert "is not a place in this article's queue (items 1 to 3); showing the first" in note
    if "<" in raw:  # Markdown and HTML in the value are escaped, so they show as typed
        assert r"\*\*bold\*\* \<img src=x\> \[a\]\(http" in note


def test_a_rerun_of_the_read_page_asks_once_whether_the_article_is_analysed(seeded, monkeypatch):
    from components.pipeline import stages
    from components.store import Store

    at = run(READ)  # analysed now
    aid = at.query_params["article"]
    asked: list[str] = []
    has = Store.has_analysis
    among = stages.analysed_among  # dashboard.state imports it when it asks

    def counting_has(self, article_id, version):
        asked.append(article_id)
        return has(self, article_id, version)

    def counting_among(store, version, ids):
        asked.extend(ids)
        return among(store, version, ids)

    monkeypatch.setattr(Store, "has_analysis", counting_has)
    monkeypatch.setattr(stages, "analysed_among", counting_among)
    at.run()
    assert not at.exception and "sl-source sl-unresolved" in html_of(at)  # drawn from the stored analysis
    assert asked.count(aid) == 1, asked


def test_a_link_to_an_unknown_article_drops_its_place_too(three):
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.query_params.update({"analyst": "Ana", "article": "0123456789abcdef", "item": "2"})
    at.session_state["analyst"] = "Ana"
    at.run()
    assert not at.exception
    (note,) = [w.value for w in at.warning]
    assert "which is not in this library; showing another" in note
    assert place(at) == "1 / 3" and at.query_params["item"] == "1"
