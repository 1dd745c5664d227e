"""Web pages' metadata made fit for an article (``components/articles/pagemeta.py``): site
suffixes cut from titles, the byline and never the site's name as the author; and through
``html_to_article`` (trafilatura) on invented pages shaped like real outlets' pages."""
from __future__ import annotations

import json

import pytest

from components.articles import html_to_article
from components.articles.pagemeta import clean_title, html_bylines, is_site_name, page_author

pytest.importorskip("trafilatura")


@pytest.mark.parametrize("title, sitename, url, expected", [
    ("Germany pledges coal exit by 2038 | DW | 19.01.2020", "DW.COM", "https://www.dw.com/en/x/a-1",
     "Germany pledges coal exit by 2038"),
    ("Floods close roads in Valdoria - BBC News", "BBC News", "https://www.bbc.co.uk/news/x", "Floods close roads in Valdoria"),
    ("Ministers meet in Korvena | Reuters", None, "https://www.reuters.com/world/x", "Ministers meet in Korvena"),
    ("Talks resume in Port Alder | World news | The Guardian", "the Guardian", "https://www.theguardian.com/x",
     "Talks resume in Port Alder"),
    ("Talks resume — The Guardian", None, None, "Talks resume"),
    ("Harbour reopens | Valdoria Herald", "Valdoria Herald", None, "Harbour reopens"),
    ("Harbour reopens - valdoriaherald.com", None, "https://valdoriaherald.com/a", "Harbour reopens"),
    ("BBC News - Harbour reopens", None, None, "Harbour reopens"),
    # negatives: a dash or bar inside the headline, a last part that is not the site's
    ("Ukraine - what we know so far", None, "https://www.example.org/x", "Ukraine - what we know so far"),
    ("Left | Right: the new politics", None, None, "Left | Right: the new politics"),
    ("Politics | Analysis", None, None, "Politics | Analysis"),  # sections alone are not a site
    ("Reuters", "Reuters", None, "Reuters"),  # nothing would be left: kept whole
    ("", None, None, ""),
])
def test_clean_title(title, sitename, url, expected):
    assert clean_title(title, sitename=sitename, url=url) == expected


@pytest.mark.parametrize("name, expected", [
    ("Deutsche Welle", True), ("DW", True), ("The Guardian", True), ("Reuters", True),
    ("Mira Holt", False), ("Dwight Eaves", False), ("", False),
])
def test_is_site_name(name, expected):
    assert is_site_name(name, url="https://www.dw.com/en/x") is expected


@pytest.mark.parametrize("extracted, expected", [
    ("Deutsche Welle", ""),
    ("Mira Holt; Deutsche Welle", "Mira Holt"),
    ("By Mira Holt, Staff Writer", "Mira Holt"),
    ("https://www.dw.com/authors/12", ""),
    ("Mira Holt and Deutsche Welle", "Mira Holt"),
    ("Mira Holt, Tomas Ferrin", "Mira Holt, Tomas Ferrin"),
    ("Reuters Staff", ""),
    ("DW newsroom", ""),
    (None, ""),
])
def test_page_author_never_the_site(extracted, expected):
    assert page_author(extracted, "<html><body><p>x</p></body></html>", sitename="DW",
                       url="https://www.dw.com/en/x") == expected


BODY = (
    "<p>Heavy rain flooded the river valley near Port Alder on Monday, and officials closed the coast road "
    "for the rest of the week while crews cleared the mud.</p>"
    "<p>“The water rose faster than we expected,” the mayor, Ilse Brandt, said at a news conference in the "
    "town hall, where families waited for news of their homes.</p>"
    "<p>Forecasters said more rain would fall on the valley before the weekend, and the regional government "
    "promised money for the repairs once the water had gone down.</p>"
)


def _page(title: str, head: str = "", byline: str = "") -> str:
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head><body><article>"
            f"<h1>{title.split(' | ')[0]}</h1>{byline}{BODY}</article></body></html>")


def test_dw_like_page_gives_headline_byline_date_and_site():
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": "Floods close roads in Valdoria | DW | 19.01.2020",
                     "author": [{"@type": "Person", "name": "Mira Holt"}],
                     "publisher": {"@type": "Organization", "name": "Deutsche Welle"}})
    html = _page("Floods close roads in Valdoria | DW | 19.01.2020",
                 '<meta name="author" content="Deutsche Welle">'
                 '<meta property="og:site_name" content="DW.COM">'
                 '<meta name="date" content="2020-01-19">'
                 f'<script type="application/ld+json">{ld}</script>')
    a = html_to_article(html, origin="dw.html", url="https://www.dw.com/en/floods/a-1")
    assert a.title == "Floods close roads in Valdoria"
    assert a.author == "Mira Holt"
    assert a.outlet and is_site_name(a.outlet, url="https://www.dw.com/")
    assert a.date == "2020-01-19"
    assert "Ilse Brandt" in a.text


def test_page_with_only_the_site_as_author_has_no_author():
    html = _page("Harbour reopens - BBC News", '<meta name="author" content="BBC News">'
                 '<meta property="og:site_name" content="BBC News">')
    a = html_to_article(html, origin="bbc.html", url="https://www.bbc.co.uk/news/x")
    assert a.title == "Harbour reopens" and a.author == ""


def test_byline_element_is_read_when_the_meta_author_is_the_site():
    html = _page("Harbour reopens | Reuters", '<meta name="author" content="Reuters">',
                 '<div class="article-byline">By <a rel="author" href="/a/1">Tomas Ferrin</a></div>')
    a = html_to_article(html, origin="r.html", url="https://www.reuters.com/world/x")
    assert (a.title, a.author) == ("Harbour reopens", "Tomas Ferrin")


def test_hostile_json_ld_is_survived():
    deep = "[" * 5000 + "]" * 5000
    html = _page("Harbour reopens | Valdoria Herald", f'<script type="application/ld+json">{deep}</script>'
                 '<script type="application/ld+json">{not json</script>')
    assert html_bylines(html) == []
    a = html_to_article(html, origin="h.html")  # no traceback, and the article is read
    assert a.title.startswith("Harbour reopens") and "Ilse Brandt" in a.text
