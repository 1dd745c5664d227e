"""The PDF writer's base: the fpdf2 page and its text (font, paragraphs, link lines, headings).

Holds :class:`_PdfText`, which opens the A4 document with the pack's fonts and sets text that the
font can draw (unknown characters become "?"), and :func:`_rgb` for the colours. The chart
(:mod:`components.briefing.pdf_chart`) and the items (:mod:`components.briefing.pdf_pack`) build on
it. May import :mod:`components.briefing.common`, :mod:`components.briefing.model`,
:mod:`components.briefing.pdf_fonts` and (through :mod:`components.optional`) fpdf2; never the
chart or the items.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from components.briefing.common import _WS, safe_url
from components.briefing.model import Briefing
from components.briefing.pdf_fonts import _ASCII_FALLBACK, _PdfFonts


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _PdfText:
    """The page and its text: one font family (unknown characters become "?"), paragraphs, link lines, headings."""

    def __init__(self, briefing: Briefing, fonts: _PdfFonts) -> None:
        from components.optional import require

        FPDF = require("fpdf", package="fpdf2", needed_for="PDF briefing packs").FPDF

        self.b = briefing
        self.fonts = fonts
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(True, margin=16)
        pdf.set_margins(18, 16, 18)
        for style, path in fonts.files.items():
            pdf.add_font(fonts.family, style=style, fname=path)
        pdf.set_title(self.t(briefing.title))
        pdf.set_creator("Sourcelight")
        pdf.set_creation_date(datetime.now(UTC))
        self.pdf = pdf

    def t(self, text: str, *, strip: bool = True) -> str:
        """Text the font can draw: unknown characters become "?" (Latin-1 only for the core font)."""
        text = _WS.sub(" ", str(text))
        text = text.strip() if strip else text
        if self.fonts.covered is None:
            return text.translate(_ASCII_FALLBACK).replace("·", "-").replace("■", "#").encode(
                "latin-1", "replace").decode("latin-1")
        cov = self.fonts.covered
        return "".join(c if ord(c) in cov or c == " " else "?" for c in text)

    def font(self, style: str = "", size: float = 10.5) -> None:
        self.pdf.set_font(self.fonts.family, style=style if style in self.fonts.files or not self.fonts.files
                          else "", size=size)

    def para(self, text: str, *, style: str = "", size: float = 10.5, h: float | None = None,
             colour: tuple[int, int, int] = (31, 35, 40), gap: float = 1.5) -> None:
        from fpdf.enums import XPos, YPos

        self.font(style, size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, h or size * 0.5, self.t(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def link_line(self, parts: Sequence[tuple[str, str | None]], *, size: float = 9) -> None:
        """One line of text pieces, those with a URL clickable."""
        self.font("", size)
        for text, url in parts:
            url = safe_url(url or "")
            self.pdf.set_text_color(*((26, 86, 219) if url else (90, 96, 104)))
            self.pdf.write(size * 0.5, self.t(text, strip=False), link=url or "")
        self.pdf.ln(size * 0.5 + 1.5)
        self.pdf.set_text_color(31, 35, 40)

    def heading(self, text: str, size: float = 11) -> None:
        if self.pdf.get_y() > self.pdf.h - self.pdf.b_margin - 20:
            self.pdf.add_page()
        self.pdf.ln(1.5)
        self.para(text.upper(), style="B", size=size - 1.5, colour=(90, 96, 104), gap=0.5)
