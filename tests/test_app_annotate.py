"""The Annotate page (``/annotate``) through Streamlit's AppTest, and the selection checks.

AppTest cannot drive the custom text-selection component (it runs in the browser; the browser test
does), so the offset checks it relies on are tested here directly, astral characters included.
Everything else an analyst does on the page — relabel, delete, note, tag, undo, with and without
a name — is driven through the page and checked both on the page and in the corrections store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.errors import BadInput
from components.records import Span
from dashboard.selection import check_selection, selection_span, utf16_to_index

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "dashboard" / "views" / "annotate.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"


# ---- the selection checks (fast) ---------------------------------------------------------------

ASTRAL = "Fans 😀 said: “Peskov 𝔘 spoke” 👍🏽 today."


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text, base, units, expected",
    [
        ("abc", 0, 0, 0),
        ("abc", 0, 3, 3),
        ("abc", 1, 1, 2),
        (ASTRAL, 0, u16("Fans 😀"), len("Fans 😀")),
        (ASTRAL, 0, u16("Fans 😀 said: “Peskov 𝔘"), len("Fans 😀 said: “Peskov 𝔘")),
        (ASTRAL, 5, 2, 6),  # the emoji is two UTF-16 units and one str index
        (ASTRAL, 0, u16(ASTRAL), len(ASTRAL)),
    ],
)
def test_utf16_to_index(text, base, units, expected):
    assert utf16_to_index(text, base, units) == expected


@pytest.mark.parametrize(
    "base, units, message",
    [
        (0, 6, "inside the character"),  # between the halves of 😀
        (0, u16(ASTRAL) + 1, "past the end"),
        (0, -1, "outside"),
        (len(ASTRAL) + 1, 0, "outside"),
        ("0", 1, "whole numbers"),
        (0, 1.5, "whole numbers"),
        (0, True, "whole numbers"),
    ],
)
def test_utf16_to_index_refuses(base, units, message):
    with pytest.raises(BadInput, match=message):
        utf16_to_index(ASTRAL, base, units)


def test_check_selection_accepts_and_trims():
    text = "The mayor said  “no”  today."
    assert check_selection(text, 4, 9, "mayor") == Span(4, 9)
    assert check_selection(text, 14, 22, "  “no”  ") == Span(16, 20)
    start = ASTRAL.index("Peskov")
    end = start + len("Peskov 𝔘")
    assert check_selection(ASTRAL, start, end, "Peskov 𝔘").text(ASTRAL) == "Peskov 𝔘"


@pytest.mark.parametrize(
    "start, end, selected, message",
    [
        (4, 9, "Mayor", "reads 'mayor' in the article, not 'Mayor'"),
        (4, 9, "mayor ", "not"),
        (9, 10, " ", "only whitespace"),
        (5, 5, "", "outside"),
        (9, 4, "", "outside"),
        (-1, 3, "The", "outside"),
        (20, 99, "x", "outside"),
        (4.0, 9, "mayor", "whole number"),
        (None, 9, "mayor", "whole number"),
    ],
)
def test_check_selection_refuses(start, end, selected, message):
    with pytest.raises(BadInput, match=message):
        check_selection("The mayor said no.", start, end, selected)


def test_selection_span_converts_utf16_pieces_and_joins_paragraphs():
    text = "Title\n\nFans 😀 cheered.\n\nThen 👍🏽 Peskov spoke."
    p1, p2 = text.index("Fans"), text.index("Then")
    # "cheered." in the first paragraph through "Peskov" in the second (a drag across paragraphs)
    pieces = [
        {"p": p1, "s": u16("Fans 😀 "), "e": u16("Fans 😀 cheered."), "text": "cheered."},
        {"p": p2, "s": 0, "e": u16("Then 👍🏽 Peskov"), "text": "Then 👍🏽 Peskov"},
    ]
    span = selection_span(text, {"pieces": pieces})
    assert span.text(text) == "cheered.\n\nThen 👍🏽 Peskov"
    # one paragraph, after two astral characters, with whitespace to trim
    one = {"p": p2, "s": u16("Then 👍🏽"), "e": u16("Then 👍🏽 Peskov "), "text": " Peskov "}
    assert selection_span(text, {"pieces": [one]}).text(text) == "Peskov"
    # a triple-click: the next paragraph's empty piece is dropped
    empty = {"p": p2, "s": 0, "e": 0, "text": ""}
    assert selection_span(text, {"pieces": [pieces[0], empty]}).text(text) == "cheered."


@pytest.mark.parametrize(
    "value, message",
    [
        ({}, "no text"),
        ({"pieces": []}, "no text"),
        ({"pieces": "x"}, "no text"),
        ({"pieces": [{"p": 0, "s": 0, "e": 5}]}, "not readable"),
        # offsets counted in code points by mistake: lands inside the emoji's surrogate pair... or reads wrong
        ({"pieces": [{"p": 7, "s": 6, "e": 13, "text": "cheered"}]}, "inside the character|reads"),
        ({"pieces": [{"p": 7, "s": 0, "e": 4, "text": "Fanz"}]}, "not 'Fanz'"),
        ({"pieces": [{"p": 7, "s": 4, "e": 5, "text": " "}]}, "only whitespace"),
        ({"pieces": [{"p": 7, "s": 0, "e": 999, "text": "Fans"}]}, "past the end"),
        ({"pieces": [{"p": 999, "s": 0, "e": 1, "text": "F"}]}, "outside"),
    ],
)
def test_selection_span_refuses(value, message):
    text = "Title\n\nFans 😀 cheered.\n\nThen 👍🏽 Peskov spoke."
    with pytest.raises(BadInput, match=message):
        selection_span(text, value)


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
