"""Loading articles: bytes, files, folders, corpora, pasted text and URLs become ``Article`` records.

Every article has one canonical plain text (decoded, line endings made ``\\n``, nothing else
changed) and every offset in the product points into it; the article's id is a hash of that text,
so the same text always gets the same id. Metadata (headline, outlet, author, place, date,
standfirst) is taken from the caller when given and otherwise parsed from the top of the text;
body paragraphs exclude the headline, its repetition, the byline and trailing page furniture.
Input is hostile: sizes are capped before reading, binary data is refused, HTML is reduced to
plain text by trafilatura, only http(s) URLs are fetched, and every problem a user could cause
raises ``BadInput`` with the input's name and the problem, or is recorded as a warning when the
article can still be read.

The package re-exports its public API here, so ``from components.articles import X`` keeps
working. Its modules: ``limits`` (size caps and settings), ``report`` (``LoadReport``),
``canonical`` (canonical text, ids), ``decoding`` (bytes to text), ``metadata`` (dates, bylines,
datelines), ``layout`` (lines, paragraphs, headlines, furniture), ``quotation`` (quotation-mark
warnings), ``parse`` (``parse_article``), ``pagemeta`` (a page's title without the site's suffix, its
byline rather than the site's name), ``html`` (web pages), ``corpora`` (JSONL and CSV),
``loaders`` (uploads, files, folders, seeds, pastes) and ``urls`` (``fetch_url``, over
``components.fetch``). Importing this package imports all of them; each imports only the
modules below it in that list, components.errors, components.records, components.optional and
components.fetch.
"""
from __future__ import annotations

from components.articles.canonical import article_id, canonical_text
from components.articles.decoding import decode_bytes
from components.articles.html import html_to_article
from components.articles.limits import (
    CORPUS_EXTENSIONS,
    CORPUS_FIELDS,
    DEFAULT_SEEDS,
    FETCH_TIMEOUT_S,
    FURNITURE_LINES,
    HTML_EXTENSIONS,
    MARKDOWN_EXTENSIONS,
    MAX_ARTICLE_CHARS,
    MAX_BYTES,
    MAX_CORPUS_BYTES,
    NOT_ARTICLE_NAMES,
    SUPPORTED_EXTENSIONS,
    TEXT_EXTENSIONS,
    USER_AGENT,
    WIKINEWS_CREDIT,
    WIKINEWS_LICENCE_URL,
)
from components.articles.loaders import (
    iter_article_files,
    load_bytes,
    load_file,
    load_paste,
    load_path,
    load_paths,
    load_seeds,
)
from components.articles.metadata import parse_byline, parse_date
from components.articles.parse import parse_article
from components.articles.quotation import quotation_warnings
from components.articles.report import LoadReport
from components.articles.urls import fetch_url

__all__ = [
    "CORPUS_EXTENSIONS",
    "CORPUS_FIELDS",
    "DEFAULT_SEEDS",
    "FETCH_TIMEOUT_S",
    "FURNITURE_LINES",
    "HTML_EXTENSIONS",
    "MARKDOWN_EXTENSIONS",
    "MAX_ARTICLE_CHARS",
    "MAX_BYTES",
    "MAX_CORPUS_BYTES",
    "NOT_ARTICLE_NAMES",
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "USER_AGENT",
    "WIKINEWS_CREDIT",
    "WIKINEWS_LICENCE_URL",
    "LoadReport",
    "article_id",
    "canonical_text",
    "decode_bytes",
    "fetch_url",
    "html_to_article",
    "iter_article_files",
    "load_bytes",
    "load_file",
    "load_path",
    "load_paths",
    "load_paste",
    "load_seeds",
    "parse_article",
    "parse_byline",
    "parse_date",
    "quotation_warnings",
]
