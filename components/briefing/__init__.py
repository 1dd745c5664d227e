"""Briefings: present one article step by step, and hand out a pack of several as HTML, PDF or Markdown.

A briefing is a pure, frozen record (:class:`Briefing` of :class:`BriefingItem`, each with the
article's metadata, its source breakdown, the chosen quotes, the analyst notes marked shareable and
links to similar articles) built by :func:`build_briefing` from the library and written out by
:func:`to_html`, :func:`to_markdown` and :func:`to_pdf`. Everything that comes from an article is
hostile input: the HTML escapes every value, draws its charts as inline SVG (no script, no network;
a Content-Security-Policy forbids both), and accepts only ``http(s)`` links; the Markdown
backslash-escapes every character that could become markup; the PDF is drawn text, never parsed.
Each quote carries its source, the outlet, the date and a link back to the article in the app
(``/read?article=ID&att=INDEX`` under :func:`base_url`). Briefing mode (the app's ``/present``
page) shares the step logic here: :func:`presentation_steps` and the deep-link record
:class:`PresentState`. Private notes never leave the library: only notes marked shareable are read.

The parts, each importing only those before it: ``common`` (formats, links back to the app, text
tidying), ``model`` (the records and the pure functions that make them), ``library`` (building a
briefing from the store: corrected analyses, shareable notes, similar articles, stories),
``present`` (briefing mode's state and steps), ``html_pack``, ``markdown_pack``, the PDF in
``pdf_fonts``, ``pdf_text``, ``pdf_chart`` and ``pdf_pack``, and ``cli`` (the ``brief`` command).
This package re-exports their public names, so ``from components.briefing import X`` keeps working.
"""

from __future__ import annotations

from components.briefing.cli import MIME_TYPES, brief_cli, choose, render
from components.briefing.common import (
    CHART_LABEL_CHARS,
    DEFAULT_BASE_URL,
    FORMATS,
    KIND_PHRASES,
    PRESENT_VIEWS,
    SIMILAR_K,
    article_link,
    base_url,
    safe_url,
)
from components.briefing.html_pack import CSP, HTML_CSS, chart_svg, esc, to_html
from components.briefing.library import (
    SimilarFinder,
    build_briefing,
    move,
    shareable_notes,
    similar_links,
    story_article_ids,
)
from components.briefing.markdown_pack import md, to_markdown
from components.briefing.model import (
    Briefing,
    BriefingItem,
    BriefNote,
    NoteLike,
    Quote,
    SimilarLink,
    SourceRow,
    make_item,
    make_quote,
    reading_order,
)
from components.briefing.pdf_fonts import DEJAVU_DIR
from components.briefing.pdf_pack import to_pdf
from components.briefing.present import PresentState, apply_presses, presentation_steps

__all__ = [
    "CHART_LABEL_CHARS",
    "CSP",
    "DEFAULT_BASE_URL",
    "DEJAVU_DIR",
    "FORMATS",
    "HTML_CSS",
    "KIND_PHRASES",
    "MIME_TYPES",
    "PRESENT_VIEWS",
    "SIMILAR_K",
    "BriefNote",
    "Briefing",
    "BriefingItem",
    "NoteLike",
    "PresentState",
    "Quote",
    "SimilarFinder",
    "SimilarLink",
    "SourceRow",
    "apply_presses",
    "article_link",
    "base_url",
    "brief_cli",
    "build_briefing",
    "chart_svg",
    "choose",
    "esc",
    "make_item",
    "make_quote",
    "md",
    "move",
    "presentation_steps",
    "apply_presses",
    "reading_order",
    "render",
    "safe_url",
    "shareable_notes",
    "similar_links",
    "story_article_ids",
    "to_html",
    "to_markdown",
    "to_pdf",
]
