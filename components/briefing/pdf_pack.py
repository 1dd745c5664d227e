"""A briefing as a PDF (A4): the items, their quotes and notes, laid out with fpdf2.

Holds :func:`to_pdf` and :class:`_PdfWriter`, which draws the title and each article (meta and
links, sourcing profile, chart and table, quotes with a bar in the kind's colour, shareable notes,
similar articles) on the page and text of :class:`_PdfCharts` / :class:`_PdfText`, in the font
:func:`_pdf_fonts` chose. May import :mod:`components.briefing.common`,
:mod:`components.briefing.model`, the other ``pdf_`` modules and :mod:`components.charts`; never
the store or another writer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from components.briefing.common import safe_url
from components.briefing.model import Briefing, BriefingItem, Quote
from components.briefing.pdf_chart import _PdfCharts
from components.briefing.pdf_fonts import _briefing_chars, _pdf_fonts
from components.briefing.pdf_text import _rgb
from components.charts import KIND_COLOURS, type_label


class _PdfWriter(_PdfCharts):
    """Lays out a briefing with fpdf2: text through one font family, bars as filled rectangles."""

    def quote(self, item: BriefingItem, q: Quote) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - pdf.b_margin - 22:
            pdf.add_page()
        top = pdf.get_y()
        left = pdf.l_margin
        pdf.set_left_margin(left + 4)
        pdf.set_x(left + 4)
        self.para(q.quoted, size=10.5, h=5.2, gap=0.8)
        where = ", ".join(b for b in (item.outlet, item.date) if b)
        nested = f", reported by {q.nested_in}" if q.nested_in else ""
        self.link_line(
            [
                (f"— {q.source} ({type_label(q.source_type)}), {q.kind_phrase}, cue “{q.cue}”{nested}"
                 f"{' · ' + where if where else ''} · ", None),
                (f"#{q.index + 1}\u00a0in\u00a0the\u00a0article", q.link),  # a link never splits
            ]
        )
        bottom = pdf.get_y()
        pdf.set_left_margin(left)
        pdf.set_fill_color(*_rgb(KIND_COLOURS.get(q.kind, "#d97706")))
        if pdf.page_no() and bottom > top:
            pdf.rect(left, top, 1.2, bottom - top - 1, style="F")
        pdf.set_x(left)
        pdf.ln(2)

    def write(self) -> bytes:
        pdf, b = self.pdf, self.b
        pdf.add_page()
        self.para(b.title, style="B", size=20, h=9, gap=1)
        count = f"{len(b.items)} article{'s' * (len(b.items) != 1)} · {b.quote_count} quotes"
        self.para(f"Prepared {b.created} with Sourcelight · {count}", size=9.5, colour=(90, 96, 104), gap=4)
        for n, item in enumerate(b.items, 1):
            if n > 1:
                pdf.add_page()
            self.para(f"{n}. {item.title}", style="B", size=15, h=7, gap=1)
            parts: list[tuple[str, str | None]] = []
            if item.meta:
                parts.append((item.meta + " · ", None))
            parts.append(("Open in Sourcelight", item.link))
            if safe_url(item.url):
                parts += [(" · ", None), ("Original", item.url)]
            self.link_line(parts)
            pdf.ln(1)
            self.para(f"Sourcing profile · {item.profile}", size=9.5, h=4.8, gap=3)
            if b.charts and item.sources:
                self.heading("Who is cited")
                self.chart(item.sources)
            self.table(item.sources)
            self.heading("Quotes")
            if not item.quotes:
                self.para("No quotes chosen.", style="I", size=9.5)
            for q in item.quotes:
                self.quote(item, q)
            if item.notes:
                self.heading("Analyst notes")
                for note in item.notes:
                    on = f"On “{note.quote}”: " if note.quote else ""
                    self.para(f"{on}{note.text} — {note.analyst}, {note.at[:10]}", size=9.5, h=4.8)
            if item.similar or item.similar_note:
                self.heading("Similar articles")
                if not item.similar:
                    self.para(item.similar_note, style="I", size=9.5, h=4.8)
                for s in item.similar:
                    tail = ", ".join(x for x in (s.outlet, s.date) if x)
                    self.link_line([(s.title, s.link), (f" — {tail}" if tail else "", None)], size=9.5)
        return bytes(pdf.output())


def to_pdf(briefing: Briefing) -> bytes:
    """The briefing as a PDF (A4), with the charts drawn as bars and clickable links.

    Text is set in Noto Sans (from the ``fontpkg-noto-sans`` package, embedded and subset), so
    curly quotes, dashes, Greek and Cyrillic print as written; without that package DejaVu Sans
    from the system is used, and failing that Helvetica with Latin-1 only.
    """
    with tempfile.TemporaryDirectory(prefix="sourcelight-pdf-") as tmp:
        fonts = _pdf_fonts(_briefing_chars(briefing), Path(tmp))
        return _PdfWriter(briefing, fonts).write()
