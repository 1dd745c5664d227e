"""Markdown injection through AppTest: what a link, a corpus file or another analyst puts in a page
shows as its characters. Links, images, ``:red[...]`` and ``$...$`` in query parameters, a JSONL
``url``, titles, note text, tags, analyst names and corrected source names never become markup."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.textsafe import md

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
SEED_ID = "8ae4f88acb06509a"
PAYLOAD = "![p](http://127.0.0.1:9/track) :red[X] $x^2$ \u202egpj.exe"
pytestmark = pytest.mark.slow

KINDS = ("markdown", "caption", "warning", "error", "info", "success", "toast", "title", "subheader")


@pytest.fixture()
def app(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)  # a one-article library: quick to analyse
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("SOURCELIGHT_SEEDS", str(seeds))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    yield at
    st.cache_resource.clear()


def bodies(at: AppTest) -> list[str]:
    """Every Markdown body on the page (main area and sidebar)."""
    out = []
    for kind in KINDS:
        out.extend(str(e.value) for e in at.get(kind))
    return out


def assert_literal(at: AppTest, marker: str = "track") -> None:
    found = [b for b in bodies(at) if marker in b]
    assert found, f"no Markdown on the page mentions {marker!r}"
    for body in found:
        # no unescaped link, image, directive or maths delimiter anywhere in it
        assert not re.search(r"(?<!\\)[\[\]$]", body), body
        assert "\u202e" not in body, body


def test_md_escapes_every_markup_form():
    out = md(PAYLOAD + " **b** <b>x</b> `c` # h :material/home: &amp;")
    assert not re.search(r"(?<!\\)[\[\]()$*`<>#&]", out)
    assert "\\:red" in out and "\\:material/home" in out and "http\\://" in out
    assert md("entity 'Kim': PERSON at 10:27") == "entity 'Kim': PERSON at 10:27"
    assert "\u202e" not in out and "\n" not in md("a\n\n# b")
    assert md("1. Evil") == "1\\. Evil" and md("- item") == "\\- item" and md("not-an-id") == "not-an-id"
    assert max(len(t) for t in md("x" * 500).split("\u200b")) <= 20  # long tokens can wrap


@pytest.mark.parametrize("page, param", [
    ("views/present.py", "source"),
    ("views/present.py", "article"),
    ("views/reading.py", "article"),
    ("views/annotate.py", "article"),
    ("views/sources.py", "source"),
])
def test_query_parameters_show_as_text(app, page, param):
    if page.endswith("sources.py"):
        app.run()  # the Read page analyses the one article, so Sources has something to show
        app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page(page)
    if param == "source" and page.endswith("present.py"):
        app.query_params["article"] = SEED_ID
    app.query_params[param] = PAYLOAD
    app.run()
    assert not app.exception
    assert_literal(app)


def test_corpus_url_title_notes_tags_and_names_show_as_text(app, tmp_path):
    from components.analysis import pipeline_version
    from components.articles import load_bytes
    from components.corrections import CorrectionsService
    from components.nlp import load_nlp
    from components.store import Store

    line = (
        '{"title": "Quiet day ' + PAYLOAD.replace("\u202e", "\\u202e") + '", '
        '"url": "http://example.org/x' + PAYLOAD.replace("\u202e", "\\u202e").replace(" ", "%20") + '", '
        '"text": "The minister said the plan would work. Officials in Rome agreed on Monday."}'
    )
    [article] = load_bytes(line.encode(), "hostile.jsonl").articles
    store = Store(str(tmp_path / "app.db"))
    store.add_articles([article])
    assert "track" in article.url and "track" in article.title
    svc = CorrectionsService(store, pipeline_version(load_nlp()))
    app.query_params["article"] = article.id
    app.run()  # the Read page opens (and analyses) it
    assert not app.exception
    assert_literal(app)  # "Original: <url>" and whatever else mentions it
    analyst = "Mallory " + PAYLOAD
    svc.add_note(article.id, "note " + PAYLOAD, analyst=analyst, shareable=True)  # Ann reads it: shareable
    svc.add_tag(article.id, "tag " + PAYLOAD.replace("\u202e", ""), analyst=analyst)
    svc.set_source(article.id, 0, analyst=analyst, canonical="Source " + PAYLOAD)
    annotate = AppTest.from_file(APP, default_timeout=180)
    annotate.switch_page("views/annotate.py")
    annotate.query_params["article"] = article.id
    annotate.query_params["analyst"] = "Ann"
    annotate.run()
    assert not annotate.exception
    assert_literal(annotate)
    joined = " ".join(bodies(annotate))
    assert "note \\!\\[p\\]" in joined and "Mallory \\!\\[p\\]" in joined and "tag \\!\\[p\\]" in joined
    assert "Source \\!\\[p\\]" in joined
