"""The Annotate page (``/annotate``) through Streamlit's AppTest.

The selection checks the page relies on are tested in ``tests/test_selection.py`` (AppTest cannot
drive the custom text-selection component; the browser test does). Everything else an analyst
does on the page — relabel, delete, note, tag, undo, with and without a name — is driven through the page and checked both on the page and in the corrections store.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "dashboard" / "views" / "annotate.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"


# ---- the page (AppTest) ------------------------------------------------------------------------


@pytest.fixture()
def app(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    st.cache_resource.clear()
    at = AppTest.from_file(PAGE, default_timeout=240)
    yield at
    st.cache_resource.clear()


def open_annotate(at: AppTest, analyst: str | None = "Ana") -> AppTest:
    """The Annotate page as an analyst named in the sidebar (``?analyst=`` fills that field).

    AppTest runs a page file on its own, without ``dashboard/app.py`` around it, so the sidebar
    field that ``app.py`` draws is absent here: its value is put in session state directly.
    """
    if analyst:
        at.query_params["analyst"] = analyst
        at.session_state["analyst"] = analyst
    at.run()
    # with SOURCELIGHT_ANALYSIS_PROCESS=1 the page first says the article is being analysed in the
    # pool, and fills in once it is (its poll reruns it; here the test does)
    end = time.monotonic() + 300
    while any(i.value.startswith("Analysing") for i in at.info) and time.monotonic() < end:
        time.sleep(0.5)
        at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def select(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def service():
    from dashboard import state

    return state.get_corrections()


def seed_id(at: AppTest) -> str:
    return select(at, "Article").value


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


def history_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_without_a_name_edits_are_refused(app):
    at = open_annotate(app, analyst=None)
    assert any("No analyst named" in i.value for i in at.info)
    button(at, "Delete").click().run()
    assert any("No analyst named" in e.value for e in at.error)
    assert service().history(seed_id(at)) == []
    # the page keeps working: the list is still there, nothing was removed
    assert select(at, "Attribution").options


@pytest.mark.slow
def test_relabel_an_entity_through_its_dialog(app):
    at = open_annotate(app)
    aid = seed_id(at)
    ents = service().effective(aid).analysis.entities
    text = service()._article(aid).text
    idx = next(i for i, e in enumerate(ents) if text[e.start : e.end] == "Dmitry Peskov")
    select(at, "Entity mention").set_value(idx).run()
    button(at, "Change type…").click().run()
    select(at, "New type").set_value("ORG")
    button(at, "Save").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("is now ORG" in t for t in toasts(at))
    (c,) = service().history(aid)
    assert (c.analyst, c.target, c.action, c.after) == ("Ana", "entity", "relabel", {"label": "ORG"})
    # visible on the page: the metrics and the entity list say an analyst changed it
    assert next(m.value for m in at.metric if m.label == "Entities: analyst") == "1"
    df = at.dataframe[0].value
    row = df[df["Text"] == "Dmitry Peskov"].iloc[0]
    assert row["Type"] == "ORG" and row["By"].startswith("Ana, ")
    assert "entity 'Dmitry Peskov': PERSON → ORG" in history_text(at)


@pytest.mark.slow
def test_delete_an_attribution_then_undo_it_from_the_history(app):
    at = open_annotate(app)
    aid = seed_id(at)
    before = len(service().effective(aid).analysis.attributions)
    select(at, "Attribution").set_value(2).run()
    button(at, "Delete").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Attribution #3 deleted" in t for t in toasts(at))
    assert len(service().effective(aid).analysis.attributions) == before - 1
    assert len(select(at, "Attribution").options) == before - 1
    assert next(m.value for m in at.metric if m.label == "Attributions: model") == str(before - 1)
    (c,) = service().history(aid)
    assert (c.analyst, c.action, c.active) == ("Ana", "delete", True)
    assert f"**#{c.id}** · Ana" in history_text(at) and "active" in history_text(at)

    button(at, "Undo").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any(f"#{c.id} undone" in t for t in toasts(at))
    assert len(service().effective(aid).analysis.attributions) == before
    undo, original = service().history(aid)
    assert (undo.action, undo.analyst, original.active) == ("undo", "Ana", False)
    assert f"undone (#{undo.id})" in history_text(at)
    assert len(select(at, "Attribution").options) == before
    assert [b.label for b in at.button if b.label in ("Undo", "Redo")] == ["Redo"]


@pytest.mark.slow
def test_add_a_note_and_tag_the_article(app):
    at = open_annotate(app)
    aid = seed_id(at)
    button(at, "Add a note on the article").click().run()
    at.text_area[0].input("Check the arms-deal claim against Reuters.")
    at.checkbox[0].check()
    button(at, "Save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Note added" in toasts(at)
    (note,) = service().notes(aid)
    assert (note.analyst, note.shareable, note.span) == ("Ana", True, None)
    assert any("Check the arms-deal claim against Reuters." in m.value and "shareable" in m.value for m in at.markdown)

    tags = next(m for m in at.multiselect if m.label == "Tags")
    tags.set_value(["Needs  Follow-up"]).run()
    assert not at.error, [e.value for e in at.error]
    assert [t.tag for t in service().tags(aid)] == ["needs follow-up"]
    assert service().articles_with_tag("needs follow-up") == [aid]
    assert next(m for m in at.multiselect if m.label == "Tags").value == ["needs follow-up"]
    assert "Tags saved" in toasts(at)
    # and removing it
    next(m for m in at.multiselect if m.label == "Tags").set_value([]).run()
    assert service().tags(aid) == []


@pytest.mark.slow
def test_a_refused_change_is_shown_and_the_page_keeps_working(app):
    at = open_annotate(app)
    aid = seed_id(at)
    button(at, "Add a note on the article").click().run()
    button(at, "Save").click().run()  # an empty note
    assert any("the note is empty" in e.value for e in at.error)
    assert service().notes(aid) == []
    button(at, "Cancel").click().run()
    assert not at.exception and select(at, "Attribution").options


@pytest.mark.slow
def test_export_buttons_for_the_article_and_the_library(app):
    at = open_annotate(app)
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    for name in ("JSONL", "spaCy DocBin", "CoNLL-2003", "brat (zip)", "CSV"):
        assert labels.count(name) == 2, labels  # this article, and the library


def _tag_filter_script():
    import streamlit as st

    from dashboard.widgets import tag_filter

    keep = tag_filter(key="lib")
    st.write("ALL" if keep is None else ",".join(sorted(keep)) or "NONE")


@pytest.mark.slow
def test_tag_filter_narrows_the_library_to_articles_with_every_chosen_tag(app):
    at = open_annotate(app)
    aid = seed_id(at)
    svc = service()
    from components.articles import load_paste

    (other,) = load_paste("Another report\n\nThe council met on Tuesday and said nothing new.")
    svc.store.add_articles([other])
    svc.add_tag(aid, "disinformation", analyst="Ana")
    svc.add_tag(aid, "needs follow-up", analyst="Ana")
    svc.add_tag(other.id, "disinformation", analyst="Bo")
    lib = AppTest.from_function(_tag_filter_script, default_timeout=60).run()
    assert lib.markdown[0].value == "ALL"
    box = lib.multiselect[0]
    assert box.options == ["disinformation (2)", "needs follow-up (1)"]
    box.set_value(["disinformation"]).run()
    assert lib.markdown[0].value == ",".join(sorted([aid, other.id]))
    box.set_value(["disinformation", "needs follow-up"]).run()
    assert lib.markdown[0].value == aid
