"""The app's pages through Streamlit's AppTest: what a user does, and what they then see."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
pytestmark = pytest.mark.slow


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    yield at
    st.cache_resource.clear()


def html_of(at: AppTest) -> str:
    return "".join(el.proto.body for el in at.get("html"))


def select(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def open_tab(at: AppTest, tab: str) -> None:
    """Open one of the Read page's side tabs, as a click on it does (only the open tab is drawn)."""
    at.session_state["read_tab"] = tab
    at.run()
    assert not at.exception


def test_seed_opens_by_default_with_entities_and_attributions(app):
    app.run()
    assert not app.exception
    page = html_of(app)
    assert "Kim Jong Un in Russia to cut suspected arms deal" in page
    assert "bne IntelliNews · By Ben Aris · Berlin · 2023-09-12" in page
    assert 'data-label="PERSON"' in page and ">Dmitry Peskov</mark>" in page
    assert 'class="sl-att sl-source"' in page
    # the page furniture at the end is not body text
    assert ">Dismiss<" not in page and "Dismiss" not in page.split("sl-article", 1)[1]
    assert app.query_params["article"] == select(app, "Article").value
    # the bundled articles' licence credit is shown in the app (sidebar), with where the list is
    credit = [c.value for c in app.sidebar.caption if "Wikinews contributors" in c.value]
    assert credit and "CC BY 2.5" in credit[0] and "seeds/ATTRIBUTION.md" in credit[0]


def test_choosing_an_entity_marks_its_mentions(app):
    app.run()
    assert html_of(app).count(" sl-sel") == 0
    select(app, "Mark an entity's mentions").set_value("PERSON:dmitry-peskov").run()
    page = html_of(app)
    assert page.count(" sl-sel") == 2  # "Dmitry Peskov" and "Peskov"
    assert 'sl-sel" data-label="PERSON" data-tag="person" data-group="PERSON:dmitry-peskov"' in page
    assert "sl-has-sel" in page


def test_switching_entity_types_off(app):
    app.run()
    pills = app.get("button_group")[0]
    pills.set_value(["GPE"]).run()
    page = html_of(app)
    assert 'data-label="PERSON"' not in page and 'data-label="GPE"' in page


def test_entity_type_choices_follow_the_reader_to_another_article(app):
    app.run()
    app.get("button_group")[0].set_value(["GPE"]).run()
    from components.store import Store

    seed = select(app, "Article").value
    other = next(s.id for s in Store().list_articles() if s.id != seed)
    select(app, "Article").set_value(other).run()
    assert not app.exception and app.query_params["article"] == other
    page = html_of(app)
    # Places stay on and people stay off on the next article (it names both).
    assert 'data-label="GPE"' in page and 'data-label="PERSON"' not in page
    assert app.get("button_group")[0].value == ["GPE"]


def test_calm_reading_by_default_type_labels_on_request(app):
    app.run()
    page = html_of(app)
    assert 'class="sl-article sl-tags"' not in page and 'tabindex="0" data-tip="person' in page
    assert 'class="sl-source">source</span>' in page  # the legend explains the attribution marks
    next(t for t in app.toggle if t.label == "Type labels").set_value(True).run()
    assert 'class="sl-article sl-tags"' in html_of(app)
    next(t for t in app.toggle if t.label == "Show who said what").set_value(False).run()
    page = html_of(app)
    assert 'class="sl-source">source</span>' not in page and 'class="sl-att sl-cue"' not in page


def test_choosing_a_source_shows_only_its_attributions(app):
    app.run()
    open_tab(app, "Sources")
    full = html_of(app).count('class="sl-att sl-cue"')
    box = select(app, "Show only one source's attributions")
    box.set_value("Dmitry Peskov").run()
    page = html_of(app)
    assert 1 <= page.count('class="sl-att sl-cue"') < full
    listed = next(df.value for df in app.dataframe if "source_text" in df.value.columns)
    assert len(listed) == page.count('class="sl-att sl-cue"')
    assert all("Peskov" in s or s == "him" for s in listed["source_text"])
    assert "start" not in listed.columns and "attribution_index" not in listed.columns  # no raw offsets
    assert listed["#"].is_monotonic_increasing  # reading order, numbered as in "Who said what"


def test_only_the_open_side_tab_is_drawn(app):
    # Each drawn table and chart is sent and drawn again on every rerun: the closed tabs are not drawn.
    app.run()
    labels = {s.label for s in app.selectbox}
    assert "Mark an entity's mentions" in labels  # Entities is open at first
    assert not labels & {"Show only one source's attributions", "Spotlight an attribution"}
    assert not app.get("plotly_chart") and len(app.dataframe) == 1
    open_tab(app, "Sources")
    labels = {s.label for s in app.selectbox}
    assert "Show only one source's attributions" in labels and "Mark an entity's mentions" not in labels
    assert len(app.get("plotly_chart")) == 1


def test_what_was_chosen_in_a_closed_tab_still_marks_the_text(app):
    app.run()
    open_tab(app, "Sources")
    full = html_of(app).count('class="sl-att sl-cue"')
    select(app, "Show only one source's attributions").set_value("Dmitry Peskov").run()
    only = html_of(app).count('class="sl-att sl-cue"')
    assert 1 <= only < full
    open_tab(app, "Entities")
    # Still only Peskov's attributions, said above the text, and kept in the link.
    assert html_of(app).count('class="sl-att sl-cue"') == only
    assert any("Dmitry Peskov" in i.value for i in app.info)
    assert app.query_params["source"] == "Dmitry Peskov"
    box = select(app, "Mark an entity's mentions")
    box.set_value(box.options[1]).run()
    group = select(app, "Mark an entity's mentions").value
    assert group != "—" and " sl-sel" in html_of(app)
    open_tab(app, "Who said what")
    select(app, "Spotlight an attribution").set_value(2).run()
    assert 'sl-focus" data-att="2"' in html_of(app)
    open_tab(app, "Sources")  # the entity and the spotlight stay, their tabs closed
    page = html_of(app)
    assert " sl-sel" in page and 'sl-focus" data-att="2"' in page
    assert select(app, "Show only one source's attributions").value == "Dmitry Peskov"
    open_tab(app, "Entities")
    assert select(app, "Mark an entity's mentions").value == group
    open_tab(app, "Who said what")
    assert select(app, "Spotlight an attribution").value == 2


def breakdown_table(at: AppTest):
    return next(df.value for df in at.dataframe if "reported_by" in df.value.columns)


def test_breakdown_table_shows_nested_claims_under_their_reporter(app):
    app.run()
    open_tab(app, "Sources")
    table = breakdown_table(app)
    names = list(table["source"])
    nyt = names.index("The New York Times")
    assert names[nyt + 1] == "↳ US officials"  # the NYT's report contains US officials' claim
    sub = table.iloc[nyt + 1]
    assert (sub["attributions"], sub["reported_by"]) == (1, "The New York Times")
    top = table.iloc[names.index("US officials")]
    assert top["attributions"] == 2 and top["reported_by"] == "The New York Times (1 of 2)"


def test_choosing_a_row_of_the_breakdown_table_chooses_its_source_and_again_clears(app):
    app.run()
    open_tab(app, "Sources")
    names = list(breakdown_table(app)["source"])
    row = names.index("↳ US officials")
    app.session_state["read_src_table"] = {"selection": {"rows": [row], "columns": []}}
    app.run()
    assert not app.exception
    assert select(app, "Show only one source's attributions").value == "US officials"
    assert app.query_params["source"] == "US officials"
    app.session_state["read_src_table"] = {"selection": {"rows": [], "columns": []}}
    app.run()
    assert select(app, "Show only one source's attributions").value == "—"
    assert "source" not in app.query_params


def test_deep_link_opens_the_article(app):
    from components.articles import load_path

    wiki = load_path(Path(APP).parent.parent / "seeds" / "wikinews_2019_2020.jsonl").articles[3]
    app.query_params["article"] = wiki.id
    app.run()
    assert not app.exception
    assert select(app, "Article").value == wiki.id
    assert wiki.title in html_of(app)


def test_unknown_deep_link_says_so_and_opens_the_seed(app):
    app.query_params["article"] = "not-an-id"
    app.run()
    assert not app.exception
    assert "not-an-id" in app.warning[0].value
    assert "Kim Jong Un in Russia" in html_of(app)


def test_paste_adds_and_bad_paste_explains(app):
    app.switch_page("views/library.py").run()
    assert not app.exception
    app.text_area[0].set_value("   ").run()
    next(b for b in app.button if b.label == "Add pasted text").click().run()
    assert len(app.error) == 1 and "past" in app.error[0].value.lower()
    app.text_area[0].set_value("Test headline\n\nThe minister said the plan “will work”, Reuters reported.").run()
    next(b for b in app.button if b.label == "Add pasted text").click().run()
    assert any("Added 1" in s.value for s in app.success)


def test_fetch_refuses_other_schemes(app):
    app.switch_page("views/library.py").run()
    app.text_input[0].set_value("file:///etc/passwd").run()
    next(b for b in app.button if b.label == "Fetch").click().run()
    assert app.error and "http" in app.error[0].value


def test_deep_link_to_a_passage_spotlights_it(app):
    app.run()
    seed_id = select(app, "Article").value
    app2 = AppTest.from_file(APP, default_timeout=180)
    app2.query_params["article"] = seed_id
    app2.query_params["att"] = "2"
    app2.run()
    assert not app2.exception
    assert select(app2, "Spotlight an attribution").value == 2
    page = html_of(app2)
    assert page.count("sl-focus") >= 1 and 'sl-focus" data-att="2"' in page
    # Choosing another article drops the passage from the link.
    from components.articles import load_path

    other = load_path(Path(APP).parent.parent / "seeds" / "wikinews_2019_2020.jsonl").articles[0]
    select(app2, "Article").set_value(other.id).run()
    assert not app2.exception
    assert "att" not in app2.query_params and app2.query_params["article"] == other.id
    assert other.title in html_of(app2)


def test_analyst_corrections_show_with_provenance(app, tmp_path):
    app.query_params["analyst"] = "Ana"
    app.run()
    assert app.text_input[0].value == "Ana"  # the analyst named in the link
    from components.corrections import CorrectionsService
    from components.store import Store

    seed_id = select(app, "Article").value
    from dashboard.state import version as current_version  # the cached pipeline of this process

    store = Store()
    svc = CorrectionsService(store, current_version())
    text = store.get_article(seed_id).text
    start = text.index("Dmitry Peskov")
    svc.relabel_entity(seed_id, (start, start + len("Dmitry Peskov")), "ORG", analyst="Ana")
    app.run()
    page = html_of(app)
    assert "changed by Ana" in page and "sl-by-analyst" in page
    assert 'data-label="ORG"' in page.split("Dmitry Peskov</mark>")[0].rsplit("<mark", 1)[1]


def test_library_filters_by_tag(app):
    app.switch_page("views/library.py").run()
    assert not app.exception
    assert "292 articles" in app.subheader[0].value
    from components.corrections import CorrectionsService
    from components.store import Store
    from dashboard.state import version as current_version

    store = Store()
    seed = next(s for s in store.list_articles() if s.origin.endswith("000_b880dba6bbaee506.txt"))
    CorrectionsService(store, current_version()).add_tag(seed.id, "needs follow-up", analyst="Ana")
    app.run()
    app.multiselect[0].set_value(["needs follow-up"]).run()
    assert "1 articles" in app.subheader[0].value
    assert list(app.dataframe[0].value["Title"]) == ["Kim Jong Un in Russia to cut suspected arms deal"]
