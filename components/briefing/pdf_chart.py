"""The PDF's source breakdown: the chart (bars as filled rectangles, stacked by kind) and the table.

Holds :class:`_PdfCharts`, which adds ``chart`` and ``table`` to :class:`_PdfText`'s page. May
import :mod:`components.briefing.common`, :mod:`components.briefing.model`,
:mod:`components.briefing.pdf_text`, :mod:`components.charts` and :mod:`components.records`; never
the items (:mod:`components.briefing.pdf_pack`).
"""

from __future__ import annotations

from collections.abc import Sequence

from components.briefing.common import CHART_LABEL_CHARS, _short
from components.briefing.model import SourceRow
from components.briefing.pdf_text import _PdfText, _rgb
from components.charts import KIND_COLOURS, KIND_LABELS, TYPE_COLOURS, UNKNOWN_TYPE_COLOUR, type_label
from components.records import KINDS


class _PdfCharts(_PdfText):
    """The source breakdown on the page: the chart (bars as filled rectangles) and the table."""

    def chart(self, rows: Sequence[SourceRow]) -> None:
        pdf = self.pdf
        if not rows:
            return
        label_w, row_h, bar_h = 62.0, 6.0, 4.2
        width = pdf.w - pdf.l_margin - pdf.r_margin
        plot_w = width - label_w - 10
        most = max(r.attributions for r in rows) or 1
        if pdf.get_y() + 8 + row_h * len(rows) > pdf.h - pdf.b_margin:
            pdf.add_page()
        x0, y = pdf.l_margin, pdf.get_y()
        self.font("", 8)
        for kind in KINDS:  # legend
            pdf.set_fill_color(*_rgb(KIND_COLOURS[kind]))
            pdf.rect(x0, y + 0.8, 3, 3, style="F")
            pdf.set_xy(x0 + 4, y)
            label = self.t(KIND_LABELS[kind])
            pdf.cell(pdf.get_string_width(label) + 2, 4.5, label)
            x0 += pdf.get_string_width(label) + 10
        y += 7
        x0 = pdf.l_margin
        for r in rows:
            pdf.set_fill_color(*_rgb(TYPE_COLOURS.get(r.type or "", UNKNOWN_TYPE_COLOUR)))
            pdf.rect(x0, y + 1.2, 2.6, 2.6, style="F")
            self.font("", 8)
            pdf.set_text_color(31, 35, 40)
            pdf.set_xy(x0 + 3.8, y)
            pdf.cell(label_w - 4, bar_h + 0.8, self.t(_short(r.source, CHART_LABEL_CHARS)))
            bx = x0 + label_w
            for kind in KINDS:
                count = getattr(r, kind)
                if count:
                    w = plot_w * count / most
                    pdf.set_fill_color(*_rgb(KIND_COLOURS[kind]))
                    pdf.rect(bx, y + 0.4, w, bar_h, style="F")
                    bx += w
            pdf.set_xy(bx + 1.5, y)
            pdf.cell(8, bar_h + 0.8, str(r.attributions))
            y += row_h
        pdf.set_xy(pdf.l_margin, y + 2)

    def table(self, rows: Sequence[SourceRow]) -> None:
        pdf = self.pdf
        if not rows:
            return
        heads = ("Source", "Type", "Atts", "Direct", "Indir.", "Mixed", "Words")
        width = pdf.w - pdf.l_margin - pdf.r_margin
        cols = [width - 34 - 5 * 14, 34] + [14] * 5
        self.font("B", 8.5)
        pdf.set_text_color(31, 35, 40)
        for w, h in zip(cols, heads, strict=True):
            pdf.cell(w, 5.5, h, border="B", align="R" if w == 14 else "L")
        pdf.ln(5.5)
        self.font("", 8.5)
        for r in rows:
            values = (_short(r.source, 48), type_label(r.type), r.attributions, r.direct, r.indirect, r.mixed, r.words)
            for w, v in zip(cols, values, strict=True):
                pdf.cell(w, 5, self.t(str(v)), align="R" if w == 14 else "L")
            pdf.ln(5)
        pdf.ln(2)
