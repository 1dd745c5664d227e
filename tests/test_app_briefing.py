"""Briefing mode (``/present``) and the briefing builder (``/briefing``) through Streamlit's AppTest."""

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


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def select(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def seed(at: AppTest):
    """The seed article and its analysis, as the app stores them (after one run)."""
    from components.effective import effective_analysis
    from components.store import Store
    from dashboard import state

    store = Store()
    summary = next(s for s in store.list_articles() if s.origin.endswith("000_b880dba6bbaee506.txt"))
    article = store.get_article(summary.id)
    return store, article, effective_analysis(store, state.version(), article.id).analysis


def open_present(at: AppTest, **params) -> AppTest:
    at.run()  # first run registers the pages (st.navigation)
    at.switch_page("views/present.py")
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_deep_link_round_trip_steps_through_one_source(app):
    app.run()
    store, article, analysis = seed(app)
    from components.briefing import presentation_steps

    peskov = presentation_steps(article.text, analysis.attributions, source="Dmitry Peskov")
    assert len(peskov) >= 2
    open_present(app, article=article.id, source="Dmitry Peskov", step="1")
    assert not app.exception
    # The URL is kept as given, and the widgets show what it says.
    assert app.query_params["article"] == article.id
    assert app.query_params["source"] == "Dmitry Peskov" and app.query_params["step"] == "1"
    assert select(app, "Spotlight one source").value == "Dmitry Peskov"
    page = html_of(app)
    assert f'sl-focus" data-att="{peskov[0]}"' in page
    assert page.count('class="sl-att sl-cue"') == len(peskov)  # only Peskov's attributions are marked
    assert f"1 / {len(peskov)}" in page and "Dmitry Peskov" in page.split('class="sl-spot-src"')[1][:40]
    assert "<h1>Kim Jong Un in Russia" in page

    button(app, "Next").click().run()
    assert not app.exception
    assert app.query_params["step"] == "2" and app.query_params["source"] == "Dmitry Peskov"
    page = html_of(app)
    assert f'sl-focus" data-att="{peskov[1]}"' in page and f'sl-focus" data-att="{peskov[0]}"' not in page
    assert f"2 / {len(peskov)}" in page

    button(app, "Previous").click().run()
    assert app.query_params["step"] == "1"
    assert f'sl-focus" data-att="{peskov[0]}"' in html_of(app)

    # A colleague opening the same link sees the same spotlight.
    other = AppTest.from_file(APP, default_timeout=180)
    open_present(other, **{k: app.query_params[k] for k in app.query_params})
    assert f'sl-focus" data-att="{peskov[0]}"' in html_of(other)


def test_stepping_stops_at_the_ends_and_overview_clears(app):
    app.run()
    _, article, analysis = seed(app)
    n = len(analysis.attributions)
    open_present(app, article=article.id, step=str(n + 5))  # a step past the end is clamped
    assert app.query_params["step"] == str(n)
    assert button(app, "Next").disabled
    button(app, "Overview").click().run()
    assert "step" not in app.query_params
    assert 'sl-focus" data-att' not in html_of(app) and button(app, "Previous").disabled
    button(app, "Next").click().run()
    assert app.query_params["step"] == "1"


def test_present_keeps_the_analyst_in_the_url(app):
    app.query_params["analyst"] = "alice"  # the link the analyst opened the app with
    app.run()
    assert app.query_params["analyst"] == "alice"
    _, article, _ = seed(app)
    open_present(app, article=article.id, bogus="x")
    button(app, "Next").click().run()
    assert app.query_params["step"] == "1" and app.query_params["analyst"] == "alice"
    assert "bogus" not in app.query_params  # anything else not the page's own is dropped


def test_choosing_a_kind_and_an_unknown_source(app):
    app.run()
    _, article, analysis = seed(app)
    open_present(app, article=article.id, source="Nobody at all", view="direct")
    assert not app.exception
    assert any("Nobody at all" in w.value for w in app.warning)
    assert "source" not in app.query_params and app.query_params["view"] == "direct"
    direct = sum(a.kind == "direct" for a in analysis.attributions)
    assert html_of(app).count('class="sl-att sl-cue"') == direct
    # Choosing a source in the sidebar writes it to the URL and restarts at the overview.
    select(app, "Spotlight one source").set_value("Kremlin").run()
    assert app.query_params["source"] == "Kremlin" and "step" not in app.query_params


def test_private_notes_stay_hidden_and_shareable_ones_show_on_request(app):
    app.run()
    store, article, _ = seed(app)
    from components.corrections import CorrectionsService

    svc = CorrectionsService(store)
    svc.add_note(article.id, "PRIVATE <b>do not show</b>", analyst="Ana")
    svc.add_note(article.id, "Shareable: check Peskov's <i>wording</i>", analyst="Ana", shareable=True)
    open_present(app, article=article.id)
    assert "PRIVATE" not in html_of(app) and "Shareable" not in html_of(app)
    next(t for t in app.toggle if t.label == "Show shareable notes").set_value(True).run()
    assert app.query_params["notes"] == "1"
    page = html_of(app)
    assert "Shareable: check Peskov&#x27;s &lt;i&gt;wording&lt;/i&gt;" in page
    assert "PRIVATE" not in page and "do not show" not in page
    assert not [b for b in app.button if "save" in b.label.lower() or "delete" in b.label.lower()]


def preview_of(at: AppTest) -> str:
    """The pack's preview (the Markdown export, shown on the page)."""
    return next(m.value for m in at.markdown if m.value.startswith("# "))


def test_builder_orders_articles_and_quotes(app):
    app.run()
    store, article, analysis = seed(app)
    from components.briefing import reading_order

    others = [s for s in store.list_articles() if s.id != article.id][:1]
    app.switch_page("views/briefing.py").run()
    assert not app.exception
    articles = next(m for m in app.multiselect if m.label == "Articles")
    assert articles.value == [article.id]  # the seed to start with
    articles.set_value([article.id, others[0].id]).run()
    assert not app.exception
    preview = preview_of(app)
    assert preview.index("1\\. Kim Jong Un in Russia") < preview.index(f"2\\. {others[0].title[:20]}")
    # Move the second article up: the pack's order follows.
    next(b for b in app.button if b.help == "Move up" and not b.disabled).click().run()
    preview = preview_of(app)
    assert preview.index(f"1\\. {others[0].title[:20]}") < preview.index("2\\. Kim Jong Un in Russia")
    # Pick two of the seed's quotes, the later one first: the pack keeps that order, and only those.
    order = reading_order(analysis.attributions)
    quotes = next(m for m in app.multiselect if m.key == f"brief_quotes_{article.id}")
    # The picker shows each quote's words too, not only its source and cue.
    words = article.text[analysis.attributions[0].content[0].start:analysis.attributions[0].content[0].end]
    assert words.strip('“”" ')[:30] in quotes.options[0], quotes.options[0]
    quotes.set_value([order[3], order[0]]).run()
    preview = preview_of(app)
    seed_part = preview.split("2\\. Kim Jong Un in Russia", 1)[1]
    assert seed_part.count("in the article](") == 2
    assert seed_part.index(f"\\#{order[3] + 1} in the article") < seed_part.index(f"\\#{order[0] + 1} in the article")
    assert len(app.get("download_button")) == 3


def test_builder_says_when_similar_articles_are_not_indexed(app):
    app.run()
    app.switch_page("views/briefing.py").run()
    next(t for t in app.toggle if t.label == "Include similar-article links").set_value(True).run()
    assert not app.exception
    assert any("similarity index is not built" in i.value for i in app.info)
    assert "similarity index is not built" in preview_of(app)


def test_reading_view_opens_its_article_in_briefing_mode_without_editing_controls(app):
    app.query_params["analyst"] = "alice"
    app.run()
    _, article, _ = seed(app)
    button(app, "Present this article").click().run()
    assert not app.exception
    assert app.query_params["article"] == article.id and app.query_params["analyst"] == "alice"
    assert "sl-present" in html_of(app)
    assert not [t for t in app.sidebar.text_input if t.label == "Analyst"]  # no editing controls here
    app.switch_page("views/reading.py").run()
    assert [t.value for t in app.sidebar.text_input if t.label == "Analyst"] == ["alice"]  # still known


def test_hand_picked_attributions_are_the_steps_and_stay_in_the_link(app):
    app.run()
    _, article, analysis = seed(app)
    n = len(analysis.attributions)
    open_present(app, article=article.id, atts=f"{n - 1},0,{n + 40}")
    assert not app.exception
    assert any("does not have" in w.value for w in app.warning)  # the index past the end is named and left out
    assert app.query_params["atts"] == f"0,{n - 1}"
    picks = next(m for m in app.multiselect if m.label == "Only these attributions")
    assert picks.value == [0, n - 1]
    page = html_of(app)
    assert page.count('class="sl-att sl-cue"') == 2 and "2 attributions to step through" in page
    button(app, "Next").click().run()
    assert 'sl-focus" data-att="0"' in html_of(app) and app.query_params["atts"] == f"0,{n - 1}"
    picks = next(m for m in app.multiselect if m.label == "Only these attributions")
    picks.set_value([]).run()  # clearing the picks steps through everything again
    assert "atts" not in app.query_params and "step" not in app.query_params
    assert f"{n} attributions to step through" in html_of(app)
