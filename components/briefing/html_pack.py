"""A briefing as one self-contained HTML file: every value escaped, charts as inline SVG.

Holds :func:`to_html`, :func:`chart_svg` (attributions per source, stacked by kind), :func:`esc`,
the pack's styles (:data:`HTML_CSS`, light and dark) and its Content-Security-Policy (:data:`CSP`:
no script, no network). Only http(s) links are made clickable. May import
:mod:`components.briefing.common`, :mod:`components.briefing.model`, :mod:`components.charts` and
:mod:`components.records`; never the store or another writer.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from components.briefing.common import CHART_LABEL_CHARS, _short, safe_url
from components.briefing.model import Briefing, BriefingItem, Quote, SourceRow
from components.charts import KIND_COLOURS, KIND_LABELS, TYPE_COLOURS, UNKNOWN_TYPE_COLOUR, type_label
from components.records import KINDS


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def chart_svg(rows: Sequence[SourceRow], *, width: int = 680) -> str:
    """Attributions per source, stacked by kind, as an inline SVG (escaped, no script).

    Each row starts with a square in the source type's colour and the (shortened) name; bars use
    the app's kind colours; text takes the page's colour, so it reads in light and dark themes.
    """
    if not rows:
        return '<p class="bf-empty">No attributions found in this article.</p>'
    label_w, row_h, top, bar_h = 250, 26, 34, 18
    plot_w = width - label_w - 40
    most = max(r.attributions for r in rows) or 1
    height = top + row_h * len(rows) + 8
    out = [
        f'<svg class="bf-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Attributions per source, by kind">'
    ]
    x = 0
    for kind in KINDS:  # legend
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{KIND_COLOURS[kind]}"/>')
        out.append(f'<text x="{x + 16}" y="14" class="bf-t">{esc(KIND_LABELS[kind])}</text>')
        x += 24 + 8 * len(KIND_LABELS[kind])
    for n, r in enumerate(rows):
        y = top + n * row_h
        colour = TYPE_COLOURS.get(r.type or "", UNKNOWN_TYPE_COLOUR)
        out.append(f"<g><title>{esc(r.source)} ({esc(type_label(r.type))}): {r.attributions} attribution(s), "
                   f"{r.direct} direct, {r.indirect} indirect, {r.mixed} mixed, {r.words} words</title>")
        out.append(f'<rect x="0" y="{y + 4}" width="11" height="11" fill="{colour}"/>')
        out.append(f'<text x="16" y="{y + 14}" class="bf-t">{esc(_short(r.source, CHART_LABEL_CHARS))}</text>')
        bx = label_w
        for kind in KINDS:
            count = getattr(r, kind)
            if count:
                w = plot_w * count / most
                out.append(
                    f'<rect x="{bx:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{KIND_COLOURS[kind]}"/>'
                )
                bx += w
        out.append(f'<text x="{bx + 6:.1f}" y="{y + 14}" class="bf-t">{r.attributions}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _link(url: str | None, text: str) -> str:
    url = safe_url(url or "")
    return f'<a class="bf-link" href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>' if url else esc(text)


HTML_CSS = """
:root{color-scheme:light dark}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:60rem;padding:0 1.2rem;
  background:#fff;color:#1f2328;line-height:1.5}
@media (prefers-color-scheme: dark){body{background:#0e1117;color:#e6e6e6}a{color:#8ab4f8}}
h1{font-size:1.9rem;margin:0 0 .3rem 0}
h2{font-size:1.45rem;margin:2.5rem 0 .3rem 0;border-top:2px solid rgba(128,128,128,.35);padding-top:1rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem 0;text-transform:uppercase;letter-spacing:.04em;opacity:.85}
.bf-meta{opacity:.8;font-size:.92rem}
.bf-link{white-space:nowrap}
blockquote p.bf-paraphrase{font-style:normal}
blockquote p.bf-verbatim{font-style:italic}
.bf-profile{border-left:4px solid #b45309;padding:.3rem .7rem;margin:.8rem 0}
.bf-chart{max-width:100%;height:auto}
.bf-t{fill:currentColor;font:13px system-ui,sans-serif}
table{border-collapse:collapse;font-size:.88rem;margin:.6rem 0}
td,th{border-bottom:1px solid rgba(128,128,128,.35);padding:.25rem .55rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}
blockquote{margin:.9rem 0;padding:.5rem 1rem;border-left:5px solid #d97706;background:rgba(217,119,6,.07)}
blockquote.bf-indirect{border-left-style:dashed}
blockquote.bf-mixed{border-left-style:double;border-left-width:7px}
blockquote p{margin:0 0 .35rem 0;font-family:Georgia,'Times New Roman',serif;font-size:1.08rem}
blockquote footer{font-size:.88rem}
.bf-note{margin:.5rem 0}
.bf-note q{font-style:italic}
.bf-empty{opacity:.75;font-style:italic}
@media print{body{margin:0;max-width:none}h2{break-before:page}blockquote{break-inside:avoid}a{color:inherit}}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
"""The pack's Content-Security-Policy: no script, no network, no form, nothing but inline styles."""


def _quote_html(item: BriefingItem, q: Quote, n: int) -> str:
    nested = f" · reported by {esc(q.nested_in)}" if q.nested_in else ""
    where = " · ".join(esc(b) for b in (item.outlet, item.date) if b)
    return (
        f'<blockquote class="bf-quote bf-{esc(q.kind)}" id="{esc(item.article_id)}-q{q.index}">'
        f'<p class="{"bf-verbatim" if q.kind == "direct" else "bf-paraphrase"}">{esc(q.quoted)}</p>'
        f'<footer><strong class="bf-source">{esc(q.source)}</strong> ({esc(type_label(q.source_type))}) · '
        f"{esc(q.kind_phrase)} · cue “{esc(q.cue)}”{nested}"
        f"{' · ' + where if where else ''} · {_link(q.link, f'#{q.index + 1} in the article')}</footer>"
        "</blockquote>"
    )


def _item_html(item: BriefingItem, n: int, charts: bool) -> str:
    out = [f'<section class="bf-item" id="item-{n}"><h2>{n}. {esc(item.title)}</h2>']
    meta = esc(item.meta)
    links = [_link(item.link, "Open in Sourcelight")]
    if safe_url(item.url):
        links.append(_link(item.url, "Original"))
    out.append(f'<p class="bf-meta">{meta}{" · " if meta else ""}{" · ".join(links)}</p>')
    out.append(f'<p class="bf-profile"><strong>Sourcing profile</strong> · {esc(item.profile)}</p>')
    if charts:
        out.append(f"<h3>Who is cited</h3><figure>{chart_svg(item.sources)}</figure>")
    if item.sources:
        rows = "".join(
            f"<tr><td>{esc(r.source)}</td><td>{esc(type_label(r.type))}</td><td class=n>{r.attributions}</td>"
            f"<td class=n>{r.direct}</td><td class=n>{r.indirect}</td><td class=n>{r.mixed}</td>"
            f"<td class=n>{r.words}</td></tr>"
            for r in item.sources
        )
        out.append(
            "<table><thead><tr><th>Source</th><th>Type</th><th class=n>Attributions</th><th class=n>Direct</th>"
            f"<th class=n>Indirect</th><th class=n>Mixed</th><th class=n>Words</th></tr></thead><tbody>{rows}"
            "</tbody></table>"
        )
    out.append("<h3>Quotes</h3>")
    if item.quotes:
        out.extend(_quote_html(item, q, i) for i, q in enumerate(item.quotes, 1))
    else:
        out.append('<p class="bf-empty">No quotes chosen.</p>')
    if item.notes:
        out.append("<h3>Analyst notes</h3>")
        for note in item.notes:
            on = f"On <q>{esc(note.quote)}</q>: " if note.quote else ""
            out.append(f'<p class="bf-note">{on}{esc(note.text)} <span class="bf-meta">— {esc(note.analyst)}, '
                       f"{esc(note.at[:10])}</span></p>")
    if item.similar or item.similar_note:
        out.append("<h3>Similar articles</h3>")
        if item.similar:
            lis = "".join(
                f"<li>{_link(s.link, s.title)}"
                f"{' <span class=bf-meta>· ' + esc(' · '.join(b for b in (s.outlet, s.date) if b)) + '</span>' if s.outlet or s.date else ''}"  # noqa: E501
                "</li>"
                for s in item.similar
            )
            out.append(f"<ul>{lis}</ul>")
        else:
            out.append(f'<p class="bf-empty">{esc(item.similar_note)}</p>')
    out.append("</section>")
    return "".join(out)


def to_html(briefing: Briefing) -> str:
    """The briefing as one self-contained HTML file.

    No script and no network: charts are inline SVG, styles are inline, and a
    Content-Security-Policy (:data:`CSP`) forbids everything else. Every value is escaped and only
    http(s) links are made clickable. Light and dark themes follow the reader's system setting.
    """
    toc = "".join(
        f'<li><a href="#item-{n}">{esc(item.title)}</a> <span class="bf-meta">{esc(item.meta)}</span></li>'
        for n, item in enumerate(briefing.items, 1)
    )
    body = "".join(_item_html(item, n, briefing.charts) for n, item in enumerate(briefing.items, 1))
    count = f"{len(briefing.items)} article{'s' * (len(briefing.items) != 1)} · {briefing.quote_count} quotes"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(briefing.title)}</title><style>{HTML_CSS}</style></head><body>"
        f"<header><h1>{esc(briefing.title)}</h1>"
        f'<p class="bf-meta">Prepared {esc(briefing.created)} with Sourcelight · {count}</p></header>'
        f"<nav><ol>{toc}</ol></nav>{body}"
        f'<footer class="bf-meta"><p>Quotes and sources were found by Sourcelight and checked by analysts where '
        f"noted; links open the articles in Sourcelight at {esc(briefing.base_url)}.</p></footer>"
        "</body></html>"
    )
