"""The reading view's HTML: hostile article text renders as visible characters, marks nest properly."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.render import mark_text, page_html, preview_html, reading_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "</div></p><div onclick=alert(1)>",
    "<svg/onload=alert(1)>",
    "<style>body{display:none}</style>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "<!-- comment --><![CDATA[x]]>",
    "&lt;script&gt; already escaped",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]
ALLOWED_TAGS = {"style", "div", "h1", "p", "mark", "span", "sup"}


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data):
        if not self.stack or self.stack[-1] != "style":
            self.text.append(data)


def hostile_article(payload: str) -> tuple[Article, Analysis]:
    text = f"Headline {payload}\n\nPeskov said “{payload}” in {payload} Moscow."
    body = text.index("Peskov")
    article = Article(id="x", text=text, title=f"Title {payload}", outlet=payload, paragraphs=(Span(body, len(text)),))
    p0 = body
    quote = text.index("“")
    mos = text.index("Moscow")
    analysis = Analysis(
        article_id="x",
        version="t",
        entities=(Entity(p0, p0 + 6, "PERSON", f"PERSON:{payload}"), Entity(mos, mos + 6, "GPE", "GPE:moscow")),
        groups=(
            EntityGroup(f"PERSON:{payload}", payload, "PERSON", (Span(p0, p0 + 6),)),
            EntityGroup("GPE:moscow", "Moscow", "GPE", (Span(mos, mos + 6),)),
        ),
        attributions=(
            Attribution(
                Span(p0, p0 + 6),
                payload,
                "person",
                Span(p0 + 7, p0 + 11),
                (Span(quote, text.index("”") + 1),),
                "direct",
            ),
        ),
    )
    return article, analysis


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_renders_as_visible_characters(payload):
    article, analysis = hostile_article(payload)
    out = reading_html(article, analysis, selected_group=f"PERSON:{payload}")
    parser = TagCollector()
    parser.feed(out)
    parser.close()
    assert parser.balanced
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> leaked from {payload!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} leaked"
            assert name in {
                "class",
                "title",
                "data-label",
                "data-tag",
                "data-group",
                "data-att",
                "data-kind",
                "data-start",
                "data-tip",
                "tabindex",
            }
            assert name != "tabindex" or value == "0"
            assert "javascript:" not in (value or "").replace(payload, "") or name in {"title", "data-group", "data-tip"}
    visible = "".join(parser.text)
    assert payload in visible  # what the article says is shown, as characters
    assert out.count("<style>") == 1


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_page_forbids_scripts(payload):
    article, analysis = hostile_article(payload)
    page = page_html(article, analysis)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page.lower().replace("&lt;script", "")


def test_marks_nest_across_boundaries():
    text = "Ann Lee said the plan works."
    from components.render import _Mark

    marks = [
        _Mark(0, 12, 0, '<span class="c">', "</span>"),  # outer: "Ann Lee said"
        _Mark(4, 16, 1, "<b>", "</b>"),  # crosses the outer end
    ]
    out = mark_text(text, 0, len(text), marks)
    assert out == '<span class="c">Ann <b>Lee said</b></span><b> the</b> plan works.'


def test_entities_by_type_and_selection():
    text = "Vladimir Putin met Kim in Moscow."
    article = Article(id="a", text=text, paragraphs=(Span(0, len(text)),))
    analysis = Analysis(
        "a",
        "t",
        entities=(Entity(0, 14, "PERSON", "p1"), Entity(19, 22, "PERSON", "p2"), Entity(26, 32, "GPE", "g")),
        groups=(
            EntityGroup("p1", "Vladimir Putin", "PERSON", (Span(0, 14),)),
            EntityGroup("p2", "Kim Jong Un", "PERSON", (Span(19, 22),)),
            EntityGroup("g", "Moscow", "GPE", (Span(26, 32),)),
        ),
    )
    only_people = reading_html(article, analysis, labels={"PERSON"})
    assert only_people.count('class="sl-ent sl-ent-PERSON') == 2 and 'sl-ent-GPE"' not in only_people
    selected = reading_html(article, analysis, labels={"PERSON", "GPE"}, selected_group="p2")
    assert 'sl-ent-PERSON sl-sel" data-label="PERSON" data-tag="person" data-group="p2"' in selected
    assert "sl-has-sel" in selected


def test_calm_default_type_labels_only_when_asked(seed_text):
    from components.articles import parse_article
    from components.records import Analysis, Entity

    article = parse_article("Talks\n\nDmitry Peskov spoke in Moscow.", origin="t")
    start = article.text.index("Dmitry")
    analysis = Analysis(article.id, "v", (Entity(start, start + 13, "PERSON", "PERSON:dmitry-peskov"),), (), ())
    calm = reading_html(article, analysis)
    assert 'class="sl-article"' in calm and 'class="sl-article sl-tags"' not in calm  # no type after each name
    assert 'data-tip="person' in calm and 'tabindex="0"' in calm  # hover and keyboard tooltip
    assert "[data-tip]:focus" in calm and ".sl-article.sl-tags .sl-ent[data-label]::after" in calm
    assert 'class="sl-article sl-tags"' in reading_html(article, analysis, type_labels=True)


def test_legend_drops_attribution_entries_when_they_are_hidden():
    from components.render import legend_html

    assert "sl-source" in legend_html(["PERSON"]) and "sl-cue" in legend_html(["PERSON"])
    off = legend_html(["PERSON"], attributions=False)
    assert "sl-source" not in off and "sl-content" not in off and "person" in off


def test_marks_take_keyboard_focus_except_where_words_are_selected_with_the_mouse():
    text = "Ulla Berg arrived."
    article = Article(id="a", text=text, title="T", paragraphs=(Span(0, len(text)),))
    group = EntityGroup(id="g", name="Ulla Berg", label="PERSON", mentions=(Span(0, 9),))
    analysis = Analysis(article_id="a", version="v", entities=(Entity(0, 9, "PERSON", "g"),), groups=(group,))
    assert 'tabindex="0"' in reading_html(article, analysis)
    assert "tabindex" not in reading_html(article, analysis, focusable=False)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_text_before_its_analysis_is_plain_and_escaped(payload):
    """While a first start loads the model, the reader gets the article's text: every paragraph,
    the title and the byline, no marks, and nothing the article says becomes markup."""
    article, analysis = hostile_article(payload)
    out = preview_html(article)
    parser = TagCollector()
    parser.feed(out)
    parser.close()
    assert parser.balanced
    assert {tag for tag, _ in parser.tags} <= {"style", "div", "h1", "p"}
    visible = "".join(parser.text)
    assert payload in visible and article.text[article.paragraphs[0].start:article.paragraphs[0].end] in visible
    body = out.split("</style>", 1)[1]
    assert "sl-preview" in body and "sl-ent" not in body and "sl-content" not in body
    assert body.count("<p") == len(article.paragraphs)
    marked = reading_html(article, analysis)
    assert "sl-preview" not in marked  # the analysed view is told apart from the text-only one
