"""The reading view as HTML: the article's text with entities and attributions marked inline.

Article text is hostile input, so the HTML is built from escaped text only: every character of the
article goes through ``html.escape``, every attribute value is escaped with quotes, class names
come from a fixed vocabulary, and the stand-alone page carries a Content-Security-Policy that
forbids scripts altogether. Overlapping marks (a source that is also a named entity, a quote nested
in a report) are flattened into non-overlapping segments, each carrying at most one element per
kind of mark (the innermost quote wins), so the HTML stays linear in the text however deep the
nesting. The app, the ``render`` command and the briefing pack all call these functions.
"""

from __future__ import annotations

import heapq
import html
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from components.entities import DEFAULT_LABELS, LABEL_NAMES
from components.limits import notices
from components.records import Analysis, Article, Attribution, EntityGroup, Span

# One colour per entity type; translucent so the text stays readable on light and dark themes.
ENTITY_COLOURS: dict[str, str] = {
    "PERSON": "rgba(66, 133, 244, 0.28)",
    "ORG": "rgba(234, 67, 53, 0.25)",
    "GPE": "rgba(52, 168, 83, 0.28)",
    "LOC": "rgba(0, 150, 136, 0.28)",
    "NORP": "rgba(251, 188, 5, 0.35)",
    "FAC": "rgba(121, 85, 72, 0.30)",
    "EVENT": "rgba(156, 39, 176, 0.25)",
    "LAW": "rgba(96, 125, 139, 0.32)",
    "PRODUCT": "rgba(255, 87, 34, 0.25)",
    "WORK_OF_ART": "rgba(233, 30, 99, 0.22)",
    "LANGUAGE": "rgba(63, 81, 181, 0.25)",
    "DATE": "rgba(158, 158, 158, 0.30)",
    "TIME": "rgba(158, 158, 158, 0.30)",
    "MONEY": "rgba(139, 195, 74, 0.30)",
    "PERCENT": "rgba(139, 195, 74, 0.30)",
    "QUANTITY": "rgba(139, 195, 74, 0.30)",
    "CARDINAL": "rgba(189, 189, 189, 0.30)",
    "ORDINAL": "rgba(189, 189, 189, 0.30)",
}
#: Entity fills in the text are this translucent at most: who said what is the page's primary layer,
#: entities a quieter one (the legend keeps the full colour, so a type is still easy to tell).
ENTITY_ALPHA = 0.14


def _quiet(colour: str) -> str:
    """``colour`` (an ``rgba(...)``) with its alpha capped at ``ENTITY_ALPHA``."""
    m = re.fullmatch(r"rgba\((\d+), (\d+), (\d+), ([0-9.]+)\)", colour)
    if not m:
        return colour
    r, g, b, a = m.groups()
    return f"rgba({r}, {g}, {b}, {min(float(a), ENTITY_ALPHA):g})"


# Direct speech solid, reported speech dashed, mixed double: visible without colour vision.
KIND_STYLES = {"direct": "solid", "indirect": "dashed", "mixed": "double"}
ATTRIBUTION_COLOUR = "#d97706"

CSS = (
    """
.sl-article{font-family:Georgia,'Times New Roman',serif;font-size:1.08rem;line-height:1.85;max-width:46rem;
  overflow-wrap:anywhere}
.sl-article h1{font-size:1.7rem;line-height:1.25;margin:0 0 .4rem 0}
.sl-meta{font-family:system-ui,sans-serif;font-size:.9rem;opacity:.8;margin-bottom:.8rem}
.sl-standfirst{font-style:italic;font-size:1.12rem;margin:.2rem 0 1rem 0}
.sl-article p{margin:0 0 1rem 0;white-space:pre-wrap}
.sl-ent{padding:0 .12em;border-radius:.25em;color:inherit}
.sl-article.sl-tags .sl-ent[data-label]::after{content:attr(data-tag);font:600 .6rem system-ui,sans-serif;
  opacity:.75;margin-left:.2em;vertical-align:super;white-space:nowrap}
[data-tip]{position:relative}
[data-tip]:focus{outline:2px solid #2563eb;outline-offset:1px}
[data-tip]:hover:not(:has([data-tip]:hover))::before,[data-tip]:focus:not(:has([data-tip]:focus))::before{
  content:attr(data-tip);position:absolute;left:0;bottom:calc(100% + 4px);z-index:20;width:max-content;
  max-width:24rem;white-space:normal;font:500 .78rem/1.35 system-ui,sans-serif;font-style:normal;
  background:#1f2328;color:#fff;padding:.3rem .5rem;border-radius:.3rem;pointer-events:none}
.sl-article.sl-has-sel .sl-ent:not(.sl-sel){background:transparent!important}
.sl-ent.sl-sel{outline:2px solid currentColor;outline-offset:1px}
.sl-content{border-bottom:2px solid """
    + ATTRIBUTION_COLOUR
    + """;padding-bottom:1px}
.sl-content.sl-direct{border-bottom-style:solid;background:rgba(217,119,6,.10)}
.sl-content.sl-indirect{border-bottom-style:dashed}
.sl-content.sl-mixed{border-bottom-style:double;border-bottom-width:4px}
.sl-content.sl-nested{border-bottom-color:#7c3aed;padding-bottom:4px}
.sl-source{font-weight:600;text-decoration:underline 2px """
    + ATTRIBUTION_COLOUR
    + """}
.sl-source.sl-unresolved{font-weight:400;outline:1px dotted #6b7280;text-decoration:none}
.sl-source.sl-unresolved::after{content:"?";font-size:.7em;vertical-align:super;color:#6b7280}
.sl-source.sl-unsure{outline:1px dashed #b45309;outline-offset:1px}
.sl-source.sl-unsure::after{content:"?";font-size:.7em;vertical-align:super;color:#b45309}
.sl-cue{font-style:italic;text-decoration:underline wavy """
    + ATTRIBUTION_COLOUR
    + """}
.sl-by-analyst{outline:2px dotted #2563eb;outline-offset:1px}
.sl-focus{outline:3px solid #7c3aed;outline-offset:2px;border-radius:2px}
.sl-cand{outline:2px solid #0d9488;outline-offset:1px;border-radius:2px}
.sl-cand-n{font:700 .7rem system-ui,sans-serif;color:#fff;background:#0d9488;border-radius:.6em;
  padding:0 .35em;margin-left:.2em}
.sl-n{font:700 .62rem system-ui,sans-serif;color:"""
    + ATTRIBUTION_COLOUR
    + """;margin-left:.1em}
.sl-legend{font-family:system-ui,sans-serif;font-size:.85rem;margin:.3rem 0 .8rem 0;line-height:2}
.sl-legend span{margin-right:.6rem;padding:.05rem .35rem;border-radius:.25em;display:inline-block;line-height:1.5}
.sl-legend{display:flex;flex-wrap:wrap;row-gap:.25rem;position:relative;z-index:0;overflow:hidden}
.sl-warn{font-family:system-ui,sans-serif;font-size:.85rem;border-left:3px solid #d97706;padding-left:.5rem}
"""
    + "".join(f".sl-ent-{label}{{background:{_quiet(colour)}}}\n" for label, colour in ENTITY_COLOURS.items())
    + "".join(f".sl-legend .sl-ent-{label}{{background:{colour}}}\n" for label, colour in ENTITY_COLOURS.items())
)

_SAFE_CLASS = re.compile(r"[^A-Za-z0-9_-]")


# Bidirectional embeddings, overrides and isolates ("gpj.exe" shown as "exe.jpg") become U+FFFD,
# one character for one, so every offset into the text still holds in the page.
_BIDI = {c: "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (bidi overrides neutralised)."""
    return html.escape(str(value).translate(_BIDI), quote=True)


def _cls(value: str) -> str:
    return _SAFE_CLASS.sub("", value)


@dataclass(frozen=True)
class _Mark:
    """One inline element over ``[start, end)``.

    Marks of one ``slot`` ("content", "entity", ...) are exclusive: where several cover a
    character only the one with the highest ``(prio, rank, start)`` is emitted, so a segment of
    text carries at most one element per slot however deep the quotes nest. A mark without a slot
    is its own slot. Elements of different slots nest by ``rank`` (outer marks lower).
    """

    start: int
    end: int
    rank: int  # outer marks have lower ranks
    open: str
    close: str
    slot: str = ""
    prio: int = 0


def mark_text(text: str, start: int, end: int, marks: Iterable[_Mark], inserts: dict[int, str] | None = None) -> str:
    """Escaped HTML of ``text[start:end]`` with ``marks`` (clipped to the range) properly nested.

    The range is cut into segments at every mark boundary and each segment gets, per slot, its
    one winning mark; elements that go on across a boundary stay open. A sweep over the sorted
    boundaries with one heap per slot keeps the cost ``O((marks + segments) log marks)`` and the
    HTML linear in the text (the old way reopened every covering mark at every boundary, which is
    quadratic for deeply nested quotes).
    """
    inserts = inserts or {}
    clipped = sorted(
        (m for m in marks if m.end > start and m.start < end and m.end > m.start), key=lambda m: max(m.start, start)
    )
    bounds = {start, end}
    for m in clipped:
        bounds.add(max(m.start, start))
        bounds.add(min(m.end, end))
    bounds.update(p for p in inserts if start < p <= end)
    points = sorted(bounds)
    heaps: dict[object, list[tuple[tuple[int, int, int], int, _Mark]]] = {}
    out: list[str] = []
    stack: list[_Mark] = []
    nxt = 0
    for a, b in zip(points, points[1:], strict=False):
        while nxt < len(clipped) and max(clipped[nxt].start, start) <= a:
            m = clipped[nxt]
            key: object = m.slot or ("", nxt)
            heapq.heappush(heaps.setdefault(key, []), ((-m.prio, -m.rank, -m.start), nxt, m))
            nxt += 1
        want: list[_Mark] = []
        for key in list(heaps):
            heap = heaps[key]
            while heap and heap[0][2].end <= a:
                heapq.heappop(heap)
            if heap:
                want.append(heap[0][2])
            else:
                del heaps[key]
        want.sort(key=lambda m: (m.rank, m.start, -m.end))
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        for m in reversed(stack[keep:]):
            out.append(m.close)
        for m in want[keep:]:
            out.append(m.open)
        stack = want
        out.append(esc(text[a:b]))
        if b in inserts:
            out.append(inserts[b])
    for m in reversed(stack):
        out.append(m.close)
    return "".join(out)


def attribution_title(text: str, a: Attribution, number: int) -> str:
    """Hover text of one attribution: number, source (canonical, type), cue and kind."""
    src = a.source_canonical or (a.source.text(text) if a.source else "no named source")
    if a.source_status == "unresolved" and a.source is not None:
        src = f"unresolved source “{a.source.text(text)}” (the text does not say who)"
    elif a.source_status == "resolved" and a.source is not None and a.source_canonical:
        src = f"{a.source_canonical} (resolved from “{a.source.text(text)}”)"
    kind = {"direct": "direct quote", "indirect": "reported speech", "mixed": "reported, with a quoted fragment"}
    typ = f" ({a.source_type})" if a.source_type else ""
    return f"#{number} · {src}{typ} · cue “{a.cue.text(text)}” · {kind.get(a.kind, a.kind)}"


def _status_cls(a: Attribution, unsure: bool = False) -> str:
    """' sl-unresolved' for a source the resolver left open (drawn with a dotted outline);
    ' sl-unsure' for a resolved or named one the review queue doubts (a dashed outline)."""
    if a.source_status == "unresolved":
        return " sl-unresolved"
    return " sl-unsure" if unsure else ""


def _depths(attributions: Sequence[Attribution]) -> list[int]:
    """Nesting depth of each attribution (0: top level), in linear time; a cycle or a dangling
    ``nested_in`` (an analysis stored by an older version) ends the chain instead of looping."""
    n = len(attributions)
    depth: list[int | None] = [None] * n
    for i in range(n):
        chain: list[int] = []
        on_chain: set[int] = set()
        p: int | None = i
        while p is not None and 0 <= p < n and depth[p] is None and p not in on_chain:
            chain.append(p)
            on_chain.add(p)
            p = attributions[p].nested_in
        base = depth[p] + 1 if p is not None and 0 <= p < n and depth[p] is not None else 0
        for q in reversed(chain):
            depth[q] = base
            base += 1
    return [d or 0 for d in depth]


def build_marks(
    article: Article,
    analysis: Analysis,
    *,
    labels: Collection[str] = DEFAULT_LABELS,
    selected_group: str | None = None,
    show_attributions: bool = True,
    attribution_filter: Collection[int] | None = None,
    focus: int | None = None,
    provenance=None,
    focusable: bool = True,
    unsure: Mapping[int, str] | None = None,
) -> tuple[list[_Mark], dict[int, str]]:
    """Marks (and number badges) for the reading view; see ``reading_html`` for the arguments."""
    text = article.text
    tab = ' tabindex="0"' if focusable else ""
    names = {g.id: g.name for g in analysis.groups}
    ent_origin = _origins(provenance, "entities", len(analysis.entities))
    att_origin = _origins(provenance, "attributions", len(analysis.attributions))
    marks: list[_Mark] = []
    for k, e in enumerate(analysis.entities):
        if e.label not in labels and e.group != selected_group:
            continue
        label = _cls(e.label)
        sel = " sl-sel" if e.group == selected_group else ""
        sel += " sl-by-analyst" if ent_origin[k] else ""
        tag = esc(LABEL_NAMES.get(e.label, e.label.lower()))
        title = esc(f"{LABEL_NAMES.get(e.label, e.label)} · {names.get(e.group, '')}{ent_origin[k]}")
        marks.append(
            _Mark(
                e.start,
                e.end,
                30,
                f'<mark class="sl-ent sl-ent-{label}{sel}" data-label="{label}" data-tag="{tag}" '
                f'data-group="{esc(e.group)}" title="{title}"{tab} data-tip="{title}">',
                "</mark>",
                slot="entity",
                prio=1 if e.group == selected_group else 0,
            )
        )
    inserts: dict[int, str] = {}
    unsure = unsure or {}
    if show_attributions:
        depths = _depths(analysis.attributions)
        for i, a in enumerate(analysis.attributions):
            if attribution_filter is not None and i not in attribution_filter:
                continue
            n = i + 1
            doubt = f" · to review: {unsure[i]}" if i in unsure else ""
            title = esc(attribution_title(text, a, n) + doubt + att_origin[i])
            focus_cls = " sl-focus" if focus == i else ""
            focus_cls += " sl-by-analyst" if att_origin[i] else ""
            kind = _cls(a.kind)
            nested = " sl-nested" if depths[i] else ""
            for piece in a.content:
                marks.append(
                    _Mark(
                        piece.start,
                        piece.end,
                        min(depths[i], 9),
                        f'<span class="sl-att sl-content sl-{kind}{nested}{focus_cls}" data-att="{i}" '
                        f'data-kind="{kind}" title="{title}"{tab} data-tip="{title}">',
                        "</span>",
                        slot="content",
                        # innermost quote wins a character; the spotlighted one always does
                        prio=depths[i] + (1_000_000 if focus == i else 0),
                    )
                )
            if a.source:
                marks.append(
                    _Mark(
                        a.source.start,
                        a.source.end,
                        10,
                        f'<span class="sl-att sl-source{_status_cls(a, i in unsure)}" data-att="{i}" title="{title}" '
                        f'data-tip="{title}">',
                        "</span>",
                        slot="source",
                    )
                )
            marks.append(
                _Mark(
                    a.cue.start,
                    a.cue.end,
                    11,
                    f'<span class="sl-att sl-cue" data-att="{i}" title="{title}" data-tip="{title}">',
                    "</span>",
                    slot="cue",
                )
            )
            inserts[a.cue.end] = inserts.get(a.cue.end, "") + f'<sup class="sl-n" title="{title}">{n}</sup>'
    return marks, inserts


def _origins(provenance, field: str, n: int) -> list[str]:
    """Per item: '' for model output, else " · changed by NAME, TIME" (from corrections' Provenance)."""
    origins = getattr(provenance, field, None) or ()
    out = []
    for i in range(n):
        o = origins[i] if i < len(origins) else None
        out.append(f" · changed by {o.analyst}, {o.at}" if o is not None and o.by != "model" else "")
    return out


def regions(article: Article) -> list[tuple[str, Span]]:
    """The displayed parts of an article: ("standfirst", span) then ("p", span) per paragraph."""
    parts: list[tuple[str, Span]] = []
    if article.standfirst:
        parts.append(("standfirst", article.standfirst))
    parts.extend(("p", p) for p in article.paragraphs)
    if not parts and article.text.strip():
        parts.append(("p", Span(0, len(article.text))))
    return parts


def meta_line(article: Article) -> str:
    """ "bne IntelliNews · Ben Aris · Berlin · 2023-09-12" (escaped)."""
    bits = [article.outlet, article.author and f"By {article.author}", article.place, article.date]
    return esc(" · ".join(b for b in bits if b))


def reading_html(
    article: Article,
    analysis: Analysis,
    *,
    labels: Collection[str] = DEFAULT_LABELS,
    selected_group: str | None = None,
    show_attributions: bool = True,
    attribution_filter: Collection[int] | None = None,
    focus: int | None = None,
    with_style: bool = True,
    provenance=None,
    type_labels: bool = False,
    focusable: bool = True,
    unsure: Mapping[int, str] | None = None,
) -> str:
    """The reading view of one article as an HTML fragment (escaped; safe to embed).

    Args:
        labels: entity labels to highlight (the legend's switches).
        selected_group: an entity-group id whose mentions are marked (others fade).
        show_attributions: mark sources, cues and contents.
        attribution_filter: only these attribution indices are marked (e.g. one source's).
        focus: an attribution index to spotlight.
        with_style: include the ``<style>`` block.
        provenance: ``components.corrections.Provenance`` of the analysis: what analysts changed is
            marked (dotted outline) and its hover text says who changed it and when.
        type_labels: print each entity's type after it ("person"); off by default for a calm
            long read (the legend, the hover and the keyboard-focus tooltip say the type).
        focusable: marks take keyboard focus (their tooltip shows on focus too); off where words
            are selected with the mouse (Annotate), since a focusable mark takes the press and
            Chromium then starts no text selection inside it.
        unsure: attribution index → why its source is in doubt (``components.attribution.review``):
            a resolved or named source there is drawn dashed, and the hover says why.
    """
    marks, inserts = build_marks(
        article,
        analysis,
        labels=labels,
        selected_group=selected_group,
        show_attributions=show_attributions,
        attribution_filter=attribution_filter,
        focus=focus,
        provenance=provenance,
        focusable=focusable,
        unsure=unsure,
    )
    sel = (" sl-has-sel" if selected_group else "") + (" sl-tags" if type_labels else "")
    out = [f"<style>{CSS}</style>"] if with_style else []
    out.append(f'<div class="sl-article{sel}">')
    if article.title:
        out.append(f"<h1>{esc(article.title)}</h1>")
    meta = meta_line(article)
    if meta:
        out.append(f'<div class="sl-meta">{meta}</div>')
    for warning in article.warnings:
        out.append(f'<div class="sl-warn">{esc(warning)}</div>')
    for notice in notices(analysis.extra):  # the article ran into a limit: analysed in part
        out.append(f'<div class="sl-warn sl-limit">Analysed in part: {esc(notice)}</div>')
    for kind, span in regions(article):
        body = mark_text(article.text, span.start, span.end, marks, inserts)
        cls = ' class="sl-standfirst"' if kind == "standfirst" else ""
        out.append(f'<p{cls} data-start="{span.start}">{body}</p>')
    out.append("</div>")
    return "".join(out)


def preview_html(article: Article, *, with_style: bool = True) -> str:
    """The article's text as the reading view sets it, with no marks: what a reader sees while its
    analysis is still being made (escaped; safe to embed)."""
    out = [f"<style>{CSS}</style>"] if with_style else []
    out.append('<div class="sl-article sl-preview">')
    if article.title:
        out.append(f"<h1>{esc(article.title)}</h1>")
    meta = meta_line(article)
    if meta:
        out.append(f'<div class="sl-meta">{meta}</div>')
    for kind, span in regions(article):
        cls = ' class="sl-standfirst"' if kind == "standfirst" else ""
        out.append(f'<p{cls} data-start="{span.start}">{esc(article.text[span.start:span.end])}</p>')
    out.append("</div>")
    return "".join(out)


#: The entity types marked in a review passage: the kinds of entity a source can be.
PASSAGE_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: A review passage reaches back at most this many paragraphs before its attribution.
MAX_CONTEXT = 3


def passage_html(
    article: Article,
    analysis: Analysis,
    index: int,
    *,
    candidates: Sequence[Span | None] = (),
    context: int = 1,
    unsure: Mapping[int, str] | None = None,
    provenance=None,
) -> str:
    """The paragraphs around attribution ``index``, with it spotlighted (review mode; escaped).

    Shows the paragraphs the attribution covers and ``context`` paragraphs before them (where a
    pronoun's antecedent usually is; further back to the first candidate named before it, and on
    to the nearest one named after it, up to ``MAX_CONTEXT`` paragraphs each way), the attribution
    alone marked (source, cue, content), people and bodies highlighted, and each candidate mention
    outlined with its number (1 for ``candidates[0]``). Linear in the text shown, like
    ``reading_html``.
    """
    a = analysis.attributions[index]
    lo = min([a.cue.start, *(p.start for p in a.content)] + ([a.source.start] if a.source else []))
    hi = max([a.cue.end, *(p.end for p in a.content)] + ([a.source.end] if a.source else []))
    parts = regions(article)
    first = next((k for k, (_, sp) in enumerate(parts) if sp.end > lo), 0)
    last = next((k for k, (_, sp) in enumerate(parts) if sp.end >= hi), len(parts) - 1)
    earlier = [m.start for m in candidates if m is not None and m.start < lo]
    back = next((k for k, (_, sp) in enumerate(parts) if sp.end > min(earlier)), first) if earlier else first
    # back to the earliest candidate named before it, but never more than ``MAX_CONTEXT`` paragraphs
    first = max(0, min(first - max(0, context), max(back, first - MAX_CONTEXT)))
    later = [m.start for m in candidates if m is not None and m.start >= hi]
    fwd = next((k for k, (_, sp) in enumerate(parts) if sp.end > min(later)), last) if later else last
    last = min(max(last, fwd), last + MAX_CONTEXT)  # on to the nearest candidate named after it
    marks, inserts = build_marks(article, analysis, labels=PASSAGE_LABELS, attribution_filter={index},
                                 focus=index, provenance=provenance, unsure=unsure, focusable=False)
    for n, m in enumerate(candidates, 1):
        if m is None:
            continue
        marks.append(_Mark(m.start, m.end, 29, f'<span class="sl-cand" data-cand="{n}">', "</span>", slot="cand"))
        inserts[m.end] = inserts.get(m.end, "") + f'<sup class="sl-cand-n">{n}</sup>'
    out = ['<div class="sl-article sl-passage">']
    for kind, span in parts[first : last + 1]:
        cls = ' class="sl-standfirst"' if kind == "standfirst" else ""
        body = mark_text(article.text, span.start, span.end, marks, inserts)
        out.append(f'<p{cls} data-start="{span.start}">{body}</p>')
    out.append("</div>")
    return "".join(out)


def legend_html(labels: Iterable[str], *, attributions: bool = True) -> str:
    """Colour legend of entity types and, when they are shown, attribution marks (escaped)."""
    chips = [f'<span class="sl-ent-{_cls(lb)}">{esc(LABEL_NAMES.get(lb, lb))}</span>' for lb in labels]
    if attributions:
        chips.append('<span class="sl-source">source</span><span class="sl-source sl-unresolved">'
                     'unresolved source</span><span class="sl-source sl-unsure">unsure source</span>'
                     '<span class="sl-cue">cue</span>')
        chips.append('<span class="sl-content sl-direct">direct</span>'
                     '<span class="sl-content sl-indirect">reported</span>')
        chips.append('<span class="sl-content sl-mixed">mixed</span><span class="sl-content sl-nested">nested</span>')
    chips.append('<span class="sl-by-analyst">changed by an analyst</span>')
    return f'<div class="sl-legend">{"".join(chips)}</div>'


def groups_table_html(groups: Sequence[EntityGroup]) -> str:
    rows = "".join(
        f"<tr><td>{esc(g.name)}</td><td>{esc(LABEL_NAMES.get(g.label, g.label))}</td><td>{len(g.mentions)}</td></tr>"
        for g in sorted(groups, key=lambda g: -len(g.mentions))
    )
    return f"<table><thead><tr><th>Entity</th><th>Type</th><th>Mentions</th></tr></thead><tbody>{rows}</tbody></table>"


def attributions_table_html(text: str, attributions: Sequence[Attribution]) -> str:
    rows = []
    for i, a in enumerate(attributions):
        content = " … ".join(p.text(text) for p in a.content)
        rows.append(
            f"<tr><td>{i + 1}</td><td>{esc(a.source_canonical or (a.source.text(text) if a.source else '—'))}</td>"
            f"<td>{esc(a.source_type or '')}</td><td>{esc(a.cue.text(text))}</td><td>{esc(a.kind)}</td>"
            f"<td>{esc(content)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>#</th><th>Source</th><th>Type</th><th>Cue</th><th>Kind</th><th>Content</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


PAGE_CSS = """
body{margin:2rem auto;max-width:64rem;padding:0 1rem;background:#fff;color:#1f2328}
@media (prefers-color-scheme: dark){body{background:#0e1117;color:#e6e6e6}}
table{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:.85rem;margin:1rem 0}
td,th{border-bottom:1px solid rgba(128,128,128,.35);padding:.25rem .5rem;text-align:left;vertical-align:top}
h2{font-family:system-ui,sans-serif;font-size:1.1rem;margin-top:2rem}
"""


def page_html(article: Article, analysis: Analysis, *, labels: Collection[str] = DEFAULT_LABELS) -> str:
    """One self-contained HTML page of the reading view (no scripts, no network, CSP forbids both)."""
    present = [lb for lb in LABEL_NAMES if lb in labels and any(e.label == lb for e in analysis.entities)]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f"<title>{esc(article.title or article.id)} — Sourcelight</title>"
        f"<style>{CSS}{PAGE_CSS}</style></head><body>"
        f"{legend_html(present)}"
        f"{reading_html(article, analysis, labels=labels, with_style=False)}"
        f"<h2>Who said what</h2>{attributions_table_html(article.text, analysis.attributions)}"
        f"<h2>Entities</h2>{groups_table_html(analysis.groups)}"
        f'<p class="sl-meta">Sourcelight · article {esc(article.id)} · analysis {esc(analysis.version)}</p>'
        "</body></html>"
    )
