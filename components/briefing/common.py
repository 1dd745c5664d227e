"""What every part of a briefing shares: the formats and views, links back to the app, and text tidying.

Holds the constants (:data:`FORMATS`, :data:`DEFAULT_BASE_URL`, :data:`KIND_PHRASES`,
:data:`PRESENT_VIEWS`, :data:`SIMILAR_K`, :data:`CHART_LABEL_CHARS`), the app's address and links to
an article in it (:func:`base_url`, :func:`article_link`), the one check that a link may be made
clickable (:func:`safe_url`), and the small text helpers the model and the writers use (whitespace
squashing, quotation marks at a quote's ends, shortened names). May import only the standard
library and :mod:`components.records`; never another part of :mod:`components.briefing`.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlsplit

from components.records import KINDS

FORMATS = ("html", "pdf", "md")
"""Output formats of a briefing pack (the ``brief --format`` choices)."""

DEFAULT_BASE_URL = "http://localhost:8501"
"""Where the app runs when ``SOURCELIGHT_BASE_URL`` is not set (links in packs point there)."""

KIND_PHRASES = {"direct": "direct quote", "indirect": "reported speech", "mixed": "reported, with a quoted fragment"}

PRESENT_VIEWS = ("all", *KINDS)
"""Which attributions briefing mode steps through: all of them, or one kind."""

SIMILAR_K = 5
"""Similar-article links per article in a briefing."""

_WS = re.compile(r"\s+")
_OPEN_QUOTES = "\"“‘'«„"
_CLOSE_QUOTES = "\"”’'»“"


def base_url() -> str:
    """The app's address for links in packs: ``SOURCELIGHT_BASE_URL`` or :data:`DEFAULT_BASE_URL`."""
    return (os.environ.get("SOURCELIGHT_BASE_URL", "").strip() or DEFAULT_BASE_URL).rstrip("/")


def article_link(base: str, article_id: str, attribution: int | None = None) -> str:
    """Link to an article in the app's reading view, optionally at one attribution.

    Args:
        base: the app's address, e.g. ``"http://localhost:8501"`` (no trailing slash needed).
        article_id: the article's id.
        attribution: index of an attribution to open the article at.

    Returns:
        ``BASE/read?article=ID`` plus ``&att=INDEX`` when an attribution is given.
    """
    link = f"{base.rstrip('/')}/read?article={quote(article_id, safe='')}"
    return link if attribution is None else f"{link}&att={int(attribution)}"


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) address, else None (never ``javascript:`` and the like)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\r\n\t "):
        return None
    return url


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


_MARKS = set(_OPEN_QUOTES + _CLOSE_QUOTES) - {"'"}  # an apostrophe at an end is a word's (the Smiths')


def _strip_end_marks(text: str) -> str:
    """``text`` without the quotation marks (and the spaces) at its two ends."""
    start, end = 0, len(text)
    while start < end and (text[start] in _MARKS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _MARKS or text[end - 1].isspace()):
        end -= 1
    core = text[start:end].strip()
    if len(core) > 1 and core[0] in "'‘" and core[-1] in "'’":  # single marks only as a pair
        core = core[1:-1].strip()
    return core


def _balanced(text: str) -> str:
    """``text`` without a quotation mark at either end that the text does not close (or open):
    a content span cut inside a quotation keeps no stray mark."""
    pairs = sum(1 for ch in text if ch in _MARKS)
    if pairs % 2 and text[-1:] in _MARKS:
        text = text[:-1].rstrip()
    elif pairs % 2 and text[:1] in _MARKS:
        text = text[1:].lstrip()
    return text


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


CHART_LABEL_CHARS = 30
"""Source names longer than this are shortened in the charts (the tooltip and table give them in full)."""
