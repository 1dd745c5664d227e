"""Web pages as articles: the main text of an HTML page, extracted with trafilatura (an optional
dependency, loaded through components.optional), then parsed like any text.

May import components.errors, components.optional and components.articles.parse / .pagemeta.
"""
from __future__ import annotations

from collections.abc import Iterable

from components.articles.pagemeta import clean_title, page_author
from components.articles.parse import parse_article
from components.errors import BadInput
from components.records import Article


def html_to_article(
    html: str, *, origin: str = "", url: str | None = None, warnings: Iterable[str] = ()
) -> Article:
    """The main text of a web page as an article, with trafilatura.

    Scripts, styles, navigation, comments and attributes are dropped; the article text is plain
    text (it may contain ``<`` characters, which rendering escapes). Title, author, date and site
    name come from the page's metadata.

    Raises:
        BadInput: no article text could be found in the page.
    """
    from components.optional import guarded, require

    needed_for = "Reading HTML pages"
    trafilatura = require("trafilatura", package="trafilatura", needed_for=needed_for)
    name = origin or url or "HTML"
    doc = guarded(
        lambda: trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        ),
        package="lxml_html_clean",
        needed_for=needed_for,
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise BadInput(f"{name}: no article text found in the HTML page")
    sitename = getattr(doc, "sitename", None) or None
    page_url = url or getattr(doc, "url", None)
    title = clean_title(getattr(doc, "title", None), sitename=sitename, url=page_url)
    author = page_author(getattr(doc, "author", None), html, sitename=sitename, url=page_url)
    return parse_article(
        text,
        origin=origin,
        title=title or None,
        author=author or None,
        outlet=sitename,
        date=getattr(doc, "date", None),
        url=url or getattr(doc, "url", None),
        warnings=warnings,
    )
