"""The Library page's edit and delete controls through Streamlit's AppTest, on a two-article
invented library: a title edited after the confirm step shows on the Read page and in the history;
an article deleted after the confirm step is gone while the other remains; nothing changes
without confirming, nor without a name."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
pytestmark = pytest.mark.slow

FLOOD = ("Floods close roads in Valdoria\n\nHeavy rain flooded the river valley near Port Alder on Monday. "
         "“The water rose faster than we expected,” the mayor, Ilse Brandt, said.")
MATCH = ("Chess final drawn in Korvena\n\nThe chess final in Korvena ended in a draw on Sunday. "
         "“It was a fair result,” said the champion, Tomas Ferrin.")


@pytest.fixture()
def app(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "flood.txt").write_text(FLOOD, encoding="utf-8")
    (seeds / "chess.txt").write_text(MATCH, encoding="utf-8")
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    monkeypatch.setenv("SOURCELIGHT_BACKGROUND", "0")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    yield at
    st.cache_resource.clear()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def text_input(at: AppTest, label: str):
    return next(t for t in at.text_input if t.label == label)


def ids_by_title() -> dict[str, str]:
    from components.store import Store

    return {s.title: s.id for s in Store().list_articles()}


def test_edit_a_title_after_confirming_and_see_it_on_read(app):
    app.query_params["analyst"] = "Ana"
    app.switch_page("views/library.py").run()
    assert not app.exception
    flood = ids_by_title()["Floods close roads in Valdoria"]
    next(s for s in app.selectbox if s.label == "Article").set_value(flood).run()
    text_input(app, "Title").set_value("Valdoria floods: coast road shut").run()
    button(app, "Save changes…").click().run()
    assert any("Valdoria floods: coast road shut" in w.value for w in app.warning)  # the confirm step
    assert "Floods close roads in Valdoria" in ids_by_title()  # nothing changed yet
    button(app, "Confirm changes").click().run()
    assert not app.exception
    assert any("Saved" in s.value for s in app.success)
    assert ids_by_title().get("Valdoria floods: coast road shut") == flood
    assert any("Metadata history" in e.label for e in app.expander)
    app.query_params["article"] = flood
    app.switch_page("views/reading.py").run()
    assert not app.exception
    assert "Valdoria floods: coast road shut" in "".join(el.proto.body for el in app.get("html"))


def test_delete_after_confirming_and_the_other_article_remains(app):
    app.query_params["analyst"] = "Ana"
    app.switch_page("views/library.py").run()
    ids = ids_by_title()
    chess, flood = ids["Chess final drawn in Korvena"], ids["Floods close roads in Valdoria"]
    assert "2 articles" in app.subheader[0].value
    next(s for s in app.selectbox if s.label == "Article").set_value(chess).run()
    button(app, "Delete this article…").click().run()
    assert any("Chess final drawn in Korvena" in w.value and "cannot be undone" in w.value for w in app.warning)
    button(app, "Cancel").click().run()
    assert set(ids_by_title().values()) == {chess, flood}  # cancelled: nothing deleted
    button(app, "Delete this article…").click().run()
    button(app, "Yes, delete it").click().run()
    assert not app.exception
    assert any("Deleted" in s.value for s in app.success)
    assert list(ids_by_title().values()) == [flood]
    assert "1 articles" in app.subheader[0].value
    assert list(app.dataframe[0].value["Title"]) == ["Floods close roads in Valdoria"]
    assert any("Deleted articles (1)" in e.label for e in app.expander)


def test_without_a_name_nothing_can_be_edited_or_deleted(app):
    app.switch_page("views/library.py").run()
    assert not app.exception
    assert any("Name yourself" in c.value for c in app.caption)
    assert not [b for b in app.button if b.label in ("Save changes…", "Delete this article…")]


@pytest.fixture()
def team(app, tmp_path, monkeypatch):
    """The same library behind sign-in: ``ana`` is an analyst, ``eda`` an editor."""
    from components import access

    users = tmp_path / "users.yaml"
    access.add_user(users, "ana", role="analyst", password="ana-pass-1234")
    access.add_user(users, "eda", role="editor", password="eda-pass-1234")
    monkeypatch.setenv("SOURCELIGHT_USERS", str(users))
    return {"ana": "ana-pass-1234", "eda": "eda-pass-1234"}


def signed_in_library(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["analyst"] = "Impostor"  # names nobody once sign-in is configured
    at.run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    at.switch_page("views/library.py").run()
    assert not at.exception
    return at


def test_signed_in_only_an_editor_may_edit_or_delete(team):
    ana = signed_in_library("ana", team["ana"])
    assert any("needs the editor role" in c.value for c in ana.caption)
    assert not [b for b in ana.button if b.label in ("Save changes…", "Delete this article…")]
    eda = signed_in_library("eda", team["eda"])
    flood = ids_by_title()["Floods close roads in Valdoria"]
    next(s for s in eda.selectbox if s.label == "Article").set_value(flood).run()
    button(eda, "Delete this article…").click().run()
    button(eda, "Yes, delete it").click().run()
    assert not eda.exception and flood not in ids_by_title().values()
    from components.library import deletions
    from components.store import Store

    assert deletions(Store())[0].analyst == "eda"  # the signed-in user, whatever ?analyst= says


def test_export_buttons_load_the_language_model_only_for_an_export_that_tokenises(app, monkeypatch):
    """Drawing the Library page's exports loads no spaCy pipeline into the server (its analyses are
    made in the pool's children); pressing spaCy DocBin does, and the file holds every article."""
    from spacy.tokens import DocBin

    from components.analysis import analyze_missing
    from components.nlp import load_nlp
    from components.store import Store
    from dashboard import state, widgets

    loads: list[str] = []
    real = state.get_nlp
    monkeypatch.setattr(state, "get_nlp", lambda: loads.append("nlp") or real())
    app.query_params["analyst"] = "Ana"
    app.switch_page("views/library.py").run()  # the library's first use loads the seeds
    analyze_missing(Store(), load_nlp())  # analysed, as the pool or the CLI would
    app.run()
    assert not app.exception
    assert "spaCy DocBin" in [d.proto.label for d in app.get("download_button")]
    assert loads == []  # the page is drawn; nothing loaded the pipeline
    csv = widgets._deferred(None, "csv")()
    assert b"Valdoria" in csv and loads == []  # a CSV export does not tokenise
    docbin = widgets._deferred(None, "spacy")()
    assert loads == ["nlp"]
    docs = list(DocBin().from_bytes(docbin).get_docs(real().vocab))
    assert len(docs) == 2 and sorted("Port Alder" in d.text for d in docs) == [False, True]
