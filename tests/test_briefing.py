"""Briefing packs and briefing mode's step logic (``components.briefing``).

A hand-built hostile article (markup, script, Markdown links, table pipes, characters the PDF font
lacks) goes through every writer: each chosen quote must come out whole, with its source, outlet,
date and link, and nothing from the article may become markup.
"""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from components import briefing as bf
from components.briefing import pdf_fonts
from components.errors import BadInput
from components.records import Analysis, Article, Attribution, Span
from components.store import Store

VERSION = "test-v1"
P1 = (
    'Evil <b>Corp</b> | Ltd said "<script>alert(1)</script> we [won](javascript:alert(2)) *all* `code` $x$ '
    '&amp; Пєсков — 中文 🙂".'
)
P2 = "Officials said <img src=x onerror=alert(3)> was fine in Berlin."
P3 = "Nobody said anything else here."
TEXT = f"{P1}\n\n{P2}\n\n{P3}"


def span_of(piece: str, text: str = TEXT) -> Span:
    start = text.index(piece)
    return Span(start, start + len(piece))


def hostile_pair() -> tuple[Article, Analysis]:
    src1 = "Evil <b>Corp</b> | Ltd"
    quote1 = P1[P1.index('"') : P1.rindex('"') + 1]
    atts = (
        Attribution(span_of(src1), src1, "media", span_of("said"), (span_of(quote1),), "direct"),
        Attribution(
            span_of("Officials"), "Officials", "unnamed", Span(TEXT.index("said", len(P1)), TEXT.index("said", len(P1)) + 4),
            (span_of("<img src=x onerror=alert(3)> was fine"),), "indirect",
        ),
    )
    paragraphs = tuple(span_of(p) for p in (P1, P2, P3))
    article = Article(
        id="hostile-1", text=TEXT, title='<script>alert("t")</script> A *hostile* [title](javascript:x)',
        outlet="Out<let> & Co", author="A. <i>Writer</i>", date="2024-01-02", url="javascript:alert(4)",
        paragraphs=paragraphs,
    )
    return article, Analysis(article.id, VERSION, attributions=atts)


def plain_pair(n: int) -> tuple[Article, Analysis]:
    text = f"Minister Jane Roe{n} said the plan number {n} would work.\n\nThe rest of article {n}."
    cue = span_of("said", text)
    article = Article(id=f"plain-{n}", text=text, title=f"Plain article {n}", outlet="Plain Times",
                      date=f"2024-02-0{n}", url=f"https://example.org/a{n}", paragraphs=(Span(0, len(text)),))
    att = Attribution(span_of(f"Minister Jane Roe{n}", text), f"Jane Roe{n}", "person", cue,
                      (span_of(f"the plan number {n} would work", text),), "indirect")
    return article, Analysis(article.id, VERSION, attributions=(att,))


@pytest.fixture()
def store(tmp_path):
    s = Store(str(tmp_path / "brief.db"))
    for article, analysis in (hostile_pair(), plain_pair(1), plain_pair(2)):
        s.add_articles([article])
        s.put_analysis(analysis)
    return s


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def quotes_of(b: bf.Briefing) -> list[bf.Quote]:
    return [q for item in b.items for q in item.quotes]


# --------------------------------------------------------------------------- the model


def test_build_keeps_order_choice_and_metadata(store):
    b = bf.build_briefing(store, VERSION, ["plain-2", "hostile-1"], attributions={"hostile-1": [1, 0]},
                          base="https://sl.example/", created="2024-03-01 09:00 UTC")
    assert [i.article_id for i in b.items] == ["plain-2", "hostile-1"]
    hostile = b.items[1]
    assert [q.index for q in hostile.quotes] == [1, 0]  # the analyst's order, not reading order
    q = hostile.quotes[1]
    assert q.source == "Evil <b>Corp</b> | Ltd" and q.source_type == "media" and q.kind == "direct"
    assert q.link == "https://sl.example/read?article=hostile-1&att=0"
    assert hostile.link == "https://sl.example/read?article=hostile-1"
    assert hostile.outlet == "Out<let> & Co" and hostile.date == "2024-01-02"
    assert [r.source for r in hostile.sources] == ["Evil <b>Corp</b> | Ltd", "Officials"]
    assert "2 claims from 2 sources" in hostile.profile
    assert b.items[0].quotes[0].content == "the plan number 2 would work"  # all, by default
    assert b.title == "Briefing: 2 articles" and b.quote_count == 3


def test_unknown_ids_are_all_named(store):
    with pytest.raises(BadInput) as err:
        bf.build_briefing(store, VERSION, ["plain-1", "nope-a", "nope-b"])
    assert "nope-a" in str(err.value) and "nope-b" in str(err.value) and "plain-1" not in str(err.value)
    with pytest.raises(BadInput, match="no analysis of version other"):
        bf.build_briefing(store, "other", ["plain-1"])
    with pytest.raises(BadInput, match="no attribution #8"):
        bf.build_briefing(store, VERSION, ["plain-1"], attributions={"plain-1": [7]})
    with pytest.raises(BadInput, match="at least one"):
        bf.build_briefing(store, VERSION, [])


def test_only_shareable_notes_go_into_a_pack(store):
    from components.corrections import CorrectionsService

    svc = CorrectionsService(store)
    svc.add_note("hostile-1", "PRIVATE remark", analyst="Ana")
    svc.add_note("hostile-1", "Check <this> | claim", analyst="Ben", shareable=True, span=span_of("Officials"))
    b = bf.build_briefing(store, VERSION, ["hostile-1"])
    notes = b.items[0].notes
    assert [n.text for n in notes] == ["Check <this> | claim"] and notes[0].quote == "Officials"
    for text in (bf.to_html(b), bf.to_markdown(b)):
        assert "PRIVATE" not in text and "Ben" in text
    # Notes given directly are filtered the same way.
    b2 = bf.build_briefing(store, VERSION, ["hostile-1"], notes={"hostile-1": svc.notes("hostile-1")})
    assert [n.text for n in b2.items[0].notes] == ["Check <this> | claim"]


def test_analyst_corrections_are_in_the_pack(store):
    from components.corrections import CorrectionsService

    svc = CorrectionsService(store, VERSION)
    svc.set_kind("plain-1", 0, "direct", analyst="Ana")
    b = bf.build_briefing(store, VERSION, ["plain-1"])
    assert b.items[0].quotes[0].kind == "direct"


# --------------------------------------------------------------------------- HTML


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(doc: str) -> _Collect:
    p = _Collect()
    p.feed(doc)
    return p


def test_html_is_escaped_self_contained_and_complete(store):
    b = bf.build_briefing(store, VERSION, ["hostile-1", "plain-1"], base="https://sl.example")
    doc = bf.to_html(b)
    p = parse(doc)
    tags = {t for t, _ in p.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    assert all(not k.startswith("on") for _, attrs in p.tags for k in attrs)
    hrefs = [a["href"] for t, a in p.tags if t == "a" and "href" in a]
    assert all(h.startswith(("https://", "#")) for h in hrefs)  # never javascript:
    csp = next(a["content"] for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "url(" not in doc and "@import" not in doc and " src=" not in doc.replace("&lt;img src=x", "")
    text = squash("".join(p.text))
    for q in quotes_of(b):
        assert squash(q.quoted) in text, q.quoted  # every quote, whole, as text
        assert f'href="{html.escape(q.link)}"' in doc
    assert "Evil <b>Corp</b> | Ltd" in text and "Out<let> & Co" in text and "2024-01-02" in text
    assert '<script>alert("t")</script> A *hostile*' in text  # the title, shown as characters
    # The chart is inline SVG with the sources as (escaped) text.
    assert doc.count("<svg") == 2 and "Evil &lt;b&gt;Corp&lt;/b&gt; | Ltd" in doc
    no_charts = bf.to_html(bf.build_briefing(store, VERSION, ["plain-1"], charts=False))
    assert "<svg" not in no_charts


def test_html_opens_without_network_in_a_sandboxed_parser(store):
    """The file size stays small: charts are SVG, not a 4.8 MB plotly.js bundle."""
    doc = bf.to_html(bf.build_briefing(store, VERSION, ["hostile-1", "plain-1", "plain-2"]))
    assert len(doc.encode()) < 60_000


# --------------------------------------------------------------------------- Markdown


def test_markdown_quotes_are_inert_and_complete(store):
    from markdown_it import MarkdownIt

    b = bf.build_briefing(store, VERSION, ["hostile-1", "plain-1"], base="https://sl.example")
    doc = bf.to_markdown(b)
    rendered = MarkdownIt("commonmark").enable("table").render(doc)
    p = parse(rendered)
    assert not [t for t, _ in p.tags if t in ("script", "img", "b", "i", "code")]
    hrefs = [a["href"] for t, a in p.tags if t == "a"]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    text = squash("".join(p.text))
    for q in quotes_of(b):
        assert squash(q.quoted) in text, q.quoted
        assert q.link in hrefs
        assert q.source in text
    assert "Out<let> & Co, 2024-01-02" in text
    # The hostile source name with its pipe stays in its table cell.
    row = next(r for r in rendered.split("<tr>") if "Evil" in r)
    assert row.count("<td") == 8


def test_markdown_escape_table():
    for raw in ("*a*", "_a_", "[x](y)", "<b>", "`c`", "a|b", "&amp;", "$x$", "~~s~~", "# h"):
        from markdown_it import MarkdownIt

        out = MarkdownIt("commonmark").render(f"x {bf.md(raw)}")
        assert html.unescape(re.sub(r"<[^>]+>", "", out)).strip() == f"x {raw}", raw


@pytest.mark.parametrize("raw", ["1. Evil outlet", "2020) x", "- item", "+ item", "= heading", "> quote"])
def test_markdown_line_start_markers_stay_text(raw):
    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark").render(bf.md(raw))
    assert out.startswith("<p>") and html.unescape(re.sub(r"<[^>]+>", "", out)).strip() == raw, out


# --------------------------------------------------------------------------- PDF


def test_pdf_text_and_links_round_trip(store):
    from pypdf import PdfReader

    b = bf.build_briefing(store, VERSION, ["hostile-1", "plain-1"], base="https://sl.example")
    data = bf.to_pdf(b)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    for q in quotes_of(b):
        expected = squash(q.quoted).replace("中文 🙂", "?? ?")  # glyphs the font lacks print as "?"
        assert expected in text, expected
        assert q.source in text
    assert "Пєсков" in text and "Out<let> & Co" in text and "2024-01-02" in text
    uris = {
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object()
    }
    assert {q.link for q in quotes_of(b)} <= uris
    assert not any("javascript" in u for u in uris)


def test_pdf_falls_back_to_latin1_without_a_unicode_font(store, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setattr(pdf_fonts, "_noto_static", lambda chars: ())
    monkeypatch.setattr(pdf_fonts, "DEJAVU_DIR", Path("/nonexistent"))
    data = bf.to_pdf(bf.build_briefing(store, VERSION, ["plain-1"]))
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "the plan number 1 would work" in text and "Jane Roe1" in text


# --------------------------------------------------------------------------- the command line


def test_brief_cli_writes_each_format_and_names_unknown_ids(store, tmp_path):
    for fmt in bf.FORMATS:
        out = bf.brief_cli(store, VERSION, ["plain-1", "hostile-1"], fmt, tmp_path / f"b.{fmt}")
        assert out.stat().st_size > 500
    assert "the plan number 1 would work" in (tmp_path / "b.md").read_text()
    with pytest.raises(BadInput, match="missing-1, missing-2"):
        bf.brief_cli(store, VERSION, ["missing-1", "plain-1", "missing-2"], "md", tmp_path / "x.md")
    with pytest.raises(BadInput, match="format 'docx'"):
        bf.brief_cli(store, VERSION, ["plain-1"], "docx", tmp_path / "x.docx")
    with pytest.raises(BadInput, match="cannot write"):
        bf.brief_cli(store, VERSION, ["plain-1"], "md", tmp_path / "no" / "such" / "dir" / "x.md")


@pytest.mark.slow
def test_brief_cli_analyses_missing_articles_first(tmp_path, nlp, seed_text):
    from components.analysis import pipeline_version
    from components.articles import load_path

    store = Store(str(tmp_path / "cli.db"))
    seed = load_path(str(Path(__file__).resolve().parent.parent / "seeds" / "000_b880dba6bbaee506.txt")).articles[0]
    store.add_articles([seed])
    assert store.get_analysis(seed.id, pipeline_version(nlp)) is None
    out = bf.brief_cli(store, None, [seed.id], "md", tmp_path / "seed.md", nlp=nlp)
    doc = out.read_text()
    assert store.get_analysis(seed.id, pipeline_version(nlp)) is not None
    assert "Dmitry Peskov" in doc
    assert "bne IntelliNews, 2023-09-12" in doc and f"article={seed.id}&att=" in doc


# --------------------------------------------------------------------------- similar articles


class FakeEncoder:
    """Deterministic unit vectors from word hashes: similar texts get similar vectors."""

    def encode(self, sentences, **_):
        out = np.zeros((len(sentences), 384), np.float32)
        for i, s in enumerate(sentences):
            for w in re.findall(r"\w+", s.lower()):
                out[i, hash(w) % 384] += 1
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out


def test_similar_links_need_the_index_and_say_so(store):
    links, note = bf.similar_links(store, ["plain-1"])
    assert links == {} and "not built" in note
    b = bf.build_briefing(store, VERSION, ["plain-1"], similar=lambda ids: bf.similar_links(store, ids))
    assert "not built" in b.items[0].similar_note and "not built" in bf.to_markdown(b)

    from components.similarity.engine import SimilarityEngine

    SimilarityEngine(store.engine, FakeEncoder()).index_articles(store.get_articles())
    links, note = bf.similar_links(store, ["plain-1"], k=2, base="https://sl.example")
    assert note == ""
    assert [s.article_id for s in links["plain-1"]][0] == "plain-2"
    assert links["plain-1"][0].link == "https://sl.example/read?article=plain-2"


# --------------------------------------------------------------------------- briefing mode


def test_presentation_steps_follow_reading_order_and_filters():
    article, analysis = hostile_pair()
    atts = analysis.attributions
    assert bf.presentation_steps(article.text, atts) == [0, 1]
    assert bf.presentation_steps(article.text, atts, source="Officials") == [1]
    assert bf.presentation_steps(article.text, atts, view="direct") == [0]
    assert bf.presentation_steps(article.text, atts, view="mixed") == []
    assert bf.presentation_steps(article.text, atts, picks=[1]) == [1]  # hand-picked
    assert bf.presentation_steps(article.text, atts, picks=[1, 0, 9]) == [0, 1]  # reading order; 9 ignored
    assert bf.presentation_steps(article.text, atts, picks=[1], view="direct") == []  # filters combine
    with pytest.raises(BadInput, match="view 'quotes'"):
        bf.presentation_steps(article.text, atts, view="quotes")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, bf.PresentState()),
        ({"article": "a1", "source": "Kremlin", "step": "3"}, bf.PresentState("a1", "all", "Kremlin", 3)),
        ({"article": "a1", "view": "direct", "notes": "1"}, bf.PresentState("a1", "direct", None, 0, True)),
        ({"article": "a1", "view": "bogus", "step": "-2"}, bf.PresentState("a1")),
        ({"article": "a1", "step": "two"}, bf.PresentState("a1")),
        ({"article": ["a0", "a1"], "source": "  "}, bf.PresentState("a1")),
        ({"article": "a1", "atts": "7,2,x,2,-1"}, bf.PresentState("a1", picks=(2, 7))),
    ],
)
def test_present_state_reads_deep_links(params, expected):
    assert bf.PresentState.from_params(params) == expected


def test_present_state_round_trip_and_clamping():
    ps = bf.PresentState("a1", "indirect", "US officials", 2, True, (3, 5))
    assert bf.PresentState.from_params(ps.params()) == ps
    assert ps.params()["atts"] == "3,5"
    assert bf.PresentState("a1").params() == {"article": "a1"}
    assert ps.stepped(1, 3).step == 3 and ps.stepped(5, 3).step == 3 and ps.stepped(-9, 3).step == 0


def test_move_and_safe_urls():
    assert bf.move(["a", "b", "c"], 2, -1) == ["a", "c", "b"]
    assert bf.move(["a", "b", "c"], 0, -1) == ["a", "b", "c"]
    assert bf.move(["a", "b", "c"], 0, 5) == ["b", "c", "a"]
    assert bf.move(["a"], 3, 1) == ["a"]
    assert bf.safe_url("https://x.org/a?b=1") == "https://x.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//x.org", "http://", "https://x.org/a b", ""):
        assert bf.safe_url(bad) is None, bad
    assert bf.article_link("http://h:1/", "a b/c", 3) == "http://h:1/read?article=a%20b%2Fc&att=3"


def test_base_url_setting(monkeypatch):
    monkeypatch.delenv("SOURCELIGHT_BASE_URL", raising=False)
    assert bf.base_url() == bf.DEFAULT_BASE_URL
    monkeypatch.setenv("SOURCELIGHT_BASE_URL", "https://sourcelight.example/app/")
    assert bf.base_url() == "https://sourcelight.example/app"


def _quote(kind: str, content: str) -> bf.Quote:
    return bf.Quote(index=0, source="Kremlin", source_type="org", kind=kind, cue="said", content=content,
                    nested_in=None, link="https://sl.example/read?article=a&att=0")


@pytest.mark.parametrize("kind, content, expected", [
    # Direct speech: one pair of marks, the article's own at the ends not doubled.
    ("direct", "“We will not retreat,”", "“We will not retreat,”"),
    ("direct", "We will not retreat", "“We will not retreat”"),
    ('direct', 'the duties and responsibilities,"', "“the duties and responsibilities,”"),
    ("direct", "'Never,' ", "“Never,”"),
    # Reported speech is paraphrase: never in quotation marks.
    ("indirect", "to secure supplies in what is anticipated to be a long war",
     "to secure supplies in what is anticipated to be a long war"),
    ("indirect", 'that the talks would go ahead"', "that the talks would go ahead"),  # a stray mark dropped
    # Mixed: exactly the marks the article puts around the quoted fragment.
    ("mixed", "the talks were “a waste of time”", "the talks were “a waste of time”"),
    ("mixed", "“a waste” of time, he said", "“a waste” of time, he said"),
])
def test_only_quoted_words_stand_in_quotation_marks(kind, content, expected):
    assert _quote(kind, content).quoted == expected


def test_reported_speech_is_paraphrase_in_every_format(store):
    from pypdf import PdfReader

    b = bf.build_briefing(store, VERSION, ["hostile-1", "plain-1"], base="https://sl.example")
    indirect = [q for q in quotes_of(b) if q.kind == "indirect"]
    assert indirect
    page = bf.to_html(b)
    doc = bf.to_markdown(b)
    pdf = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(bf.to_pdf(b))).pages))
    for q in indirect:
        words = squash(q.content)
        assert f"“{html.escape(words)}" not in page and f'class="bf-paraphrase">{html.escape(words, quote=True)}' in page
        assert f"“{bf.md(words)}" not in doc
        assert f"“{words[:20]}" not in pdf
    assert '""' not in page and "”“" not in page and "””" not in page
    # The link back to the article is never split across lines.
    assert ".bf-link{white-space:nowrap}" in page


def test_apply_presses_counts_each_new_press_once_and_skips_junk():
    from components.briefing import PresentState, apply_presses

    start = PresentState(article="a", step=2)
    presses = [[1, "next"], [2, "next"], [3, "prev"], [4, "next"], [5, "next"]]
    assert apply_presses(start, presses, 0, 10) == (PresentState(article="a", step=5), 5)
    assert apply_presses(start, presses, 3, 10) == (PresentState(article="a", step=4), 5)  # 1..3 already applied
    assert apply_presses(start, presses, 5, 10) == (start, 5)  # nothing new
    assert apply_presses(start, [[1, "next"]] * 3, 0, 10)[0].step == 3  # the same number counts once
    assert apply_presses(start, [[1, "next"], [2, "next"], [3, "next"]], 0, 3)[0].step == 3  # stops at the end
    assert apply_presses(start, [[1, "prev"], [2, "prev"], [3, "prev"]], 0, 9)[0].step == 0  # and at the start
    assert apply_presses(start, [[1, "next"], [2, "home"]], 0, 9) == (PresentState(article="a"), 2)
    junk = [None, [1], ["2", "next"], [True, "next"], [3, "jump"], [4, "next", 1], "x"]
    assert apply_presses(start, junk, 0, 9) == (start, 0)
    assert apply_presses(start, {"events": 1}, 0, 9) == (start, 0)
