"""Parsing one article: ``parse_article`` turns a text into an ``Article`` (canonical text, id,
metadata given or parsed from the top of the text, body paragraphs, warnings).

May import components.errors, components.records and components.articles.canonical / .layout /
.limits / .metadata / .quotation; never the loaders, corpora, HTML or URL modules.
"""
from __future__ import annotations

from collections.abc import Iterable

from components.articles.canonical import article_id, canonical_text
from components.articles.layout import (
    _is_furniture,
    _lines,
    _looks_like_headline,
    _norm,
    _paragraphs,
    _strip_md_heading,
)
from components.articles.limits import MAX_ARTICLE_CHARS
from components.articles.metadata import _DATELINE_RE, _OUTLET_TAIL_RE, _looks_like_outlet, parse_byline, parse_date
from components.articles.quotation import quotation_warnings
from components.errors import BadInput
from components.records import Article, Span


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def parse_article(
    text: str,
    *,
    origin: str = "",
    title: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    date: str | None = None,
    url: str | None = None,
    place: str | None = None,
    warnings: Iterable[str] = (),
) -> Article:
    """Build an ``Article`` from a text, parsing the metadata that is not given.

    The top of the text is read for a headline (the first line, when it is short and does not end
    like a sentence, or a Markdown ``# `` heading), a repetition of it, a standfirst (the line
    before the byline; an ``" / Outlet"`` tail names the outlet and is left out of its span), a
    byline ("By X in Place Month D, YYYY", "By X | Outlet", "Published …", a date alone) and a
    dateline ("BERLIN (Reuters) -"). Short page-furniture lines at the end ("News", "Dismiss",
    see ``FURNITURE_LINES``) are dropped. The rest are body paragraphs: blank-line separated
    blocks, one paragraph per line unless the block is hard-wrapped.

    Args:
        text: the article text; it is made canonical (see ``canonical_text``) first.
        origin: where it came from (a path, ``"paste"``, a URL), used in messages.
        title, outlet, author, date, url, place: metadata known from elsewhere; given values win
            over parsed ones. ``date`` is normalised to ISO when it can be read.
        warnings: problems already found while loading (e.g. the encoding fallback).

    Returns:
        The article; problems that did not stop it (no paragraphs, unbalanced quotation marks)
        are in ``Article.warnings``.

    Raises:
        BadInput: the text is empty or only whitespace, or longer than ``MAX_ARTICLE_CHARS``.
    """
    name = origin or "text"
    text = canonical_text(text)
    if not text.strip():
        raise BadInput(f"{name}: there is no text (it is empty or only whitespace)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise BadInput(
            f"{name}: the text has {len(text):,} characters, over the limit of "
            f"{MAX_ARTICLE_CHARS:,} for one article; split it into articles"
        )
    warn = list(warnings)
    given = {
        "title": _clean(title), "outlet": _clean(outlet), "author": _clean(author),
        "date": _clean(date), "url": _clean(url), "place": _clean(place),
    }
    parsed: dict[str, str] = {}
    lines = _lines(text)
    n, i = len(lines), 0

    # Headline: the given title when the text repeats it, else a headline-like first line.
    headline = given["title"]
    if headline:
        if _norm(_strip_md_heading(lines[0].text)) == _norm(headline):
            i = 1
    elif _looks_like_headline(lines[0]):
        headline = parsed["title"] = _strip_md_heading(lines[0].text)
        i = 1
    while i < n and headline and _norm(_strip_md_heading(lines[i].text)) == _norm(headline):
        i += 1  # the headline repeated (web pages show it twice)

    # Byline within the next few lines; the line(s) between headline and byline are a standfirst.
    standfirst: Span | None = None
    by_index = next(
        (j for j in range(i, min(i + 3, n)) if parse_byline(lines[j].text) is not None), None
    )
    first_meta = i
    if by_index is not None:
        j = by_index
        while j < n and (found := parse_byline(lines[j].text)) is not None:
            for key, value in found.items():
                parsed.setdefault(key, value)
            j += 1
        i = j  # lines between the standfirst and the byline are header, not body
    has_room = by_index is not None and by_index > first_meta
    if first_meta < n and (has_room or (by_index is None and headline)):
        line = lines[first_meta]
        tail = _OUTLET_TAIL_RE.match(line.text)
        if tail and _looks_like_outlet(tail["outlet"]):
            standfirst = Span(line.start, line.start + len(tail["body"]))
            parsed.setdefault("outlet", tail["outlet"].strip())
            i = max(i, first_meta + 1)
        elif has_room:
            standfirst = Span(line.start, line.end)

    # Trailing page furniture, then body paragraphs.
    end = n
    while end > i and _is_furniture(lines[end - 1]):
        end -= 1
    paragraphs = _paragraphs(lines[i:end])
    if paragraphs:
        dl = _DATELINE_RE.match(paragraphs[0].text(text))
        if dl:
            parsed.setdefault("place", dl["place"].strip().title())
            if dl["outlet"]:
                parsed.setdefault("outlet", dl["outlet"].strip())

    date_value = given["date"]
    if date_value:
        iso = parse_date(date_value)
        if iso:
            date_value = iso
        else:
            warn.append(f"date {date_value!r} is not a recognised date; kept as given")
    else:
        date_value = parsed.get("date") or parsed.get("updated", "")

    if not paragraphs:
        warn.append("no body paragraphs: the text has only a headline or metadata")
    warn.extend(quotation_warnings(text, paragraphs))
    return Article(
        id=article_id(text),
        text=text,
        title=given["title"] or parsed.get("title", ""),
        outlet=given["outlet"] or parsed.get("outlet", ""),
        author=given["author"] or parsed.get("author", ""),
        place=given["place"] or parsed.get("place", ""),
        date=date_value,
        url=given["url"],
        paragraphs=tuple(paragraphs),
        standfirst=standfirst,
        origin=origin,
        warnings=tuple(warn),
    )
