"""Limits and settings for loading articles: size caps, the fetch timeout and user agent, the
file types read, corpus fields, folder files that are not articles, page-furniture lines, the
Wikinews credit and the default seeds folder.

Plain constants (and ``_mb``, how a size is written in messages); imports nothing from
components.
"""
from __future__ import annotations

from pathlib import Path

#: Largest single-article file (txt, md, html) or fetched page, checked before reading it all.
MAX_BYTES = 10 * 1024 * 1024
#: Largest corpus file (jsonl, csv): a corpus holds many articles, so it may be bigger.
MAX_CORPUS_BYTES = 200 * 1024 * 1024
#: Longest article text in characters; spaCy refuses longer texts by default (``max_length``).
MAX_ARTICLE_CHARS = 1_000_000
#: Seconds a URL fetch may take in all (connect, headers and body together).
FETCH_TIMEOUT_S = 10.0
USER_AGENT = "Sourcelight/0.1 (news reading dashboard)"

TEXT_EXTENSIONS = (".txt", ".text")
MARKDOWN_EXTENSIONS = (".md", ".markdown")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
CORPUS_EXTENSIONS = (".jsonl", ".csv")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + MARKDOWN_EXTENSIONS + HTML_EXTENSIONS + CORPUS_EXTENSIONS

#: Fields a corpus line (JSONL object or CSV row) may carry; only ``text`` is required.
CORPUS_FIELDS = ("id", "title", "text", "date", "outlet", "author", "url")

#: Files in a folder that document it rather than being articles (compared lower-case).
NOT_ARTICLE_NAMES = frozenset(
    {"attribution.md", "readme.md", "readme.txt", "license.md", "license.txt", "changelog.md"}
)

#: Short lines that web pages leave at the end of a copied article (buttons, section links,
#: cookie banners). Only a run of these at the very end is dropped: inside the body a line
#: "News" could be real text. Compared lower-case, without trailing punctuation.
FURNITURE_LINES = frozenset(
    {
        "news", "dismiss", "close", "accept", "accept all", "ok", "got it", "cookie settings",
        "advertisement", "advertising", "sponsored", "share", "share this", "share this article",
        "share on facebook", "share on twitter", "tweet", "email", "print", "facebook", "twitter",
        "linkedin", "whatsapp", "copy link", "read more", "more", "see more", "show more",
        "related", "related articles", "related stories", "read next", "most read", "top stories",
        "comments", "leave a comment", "subscribe", "sign up", "log in", "login", "register",
        "back to top", "menu", "home", "search", "skip to content", "follow us", "newsletter",
    }
)

WIKINEWS_LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/"
#: One-line credit for the bundled Wikinews articles, for the app's footer and exports.
WIKINEWS_CREDIT = (
    "Bundled Wikinews articles (2019–2020) by Wikinews contributors, licensed CC BY 2.5 "
    f"({WIKINEWS_LICENCE_URL}); titles and URLs in seeds/ATTRIBUTION.md."
)

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
