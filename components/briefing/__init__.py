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
"""

from __future__ import annotations

import functools
import html
import os
import re
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from components.charts import KIND_COLOURS, KIND_LABELS, TYPE_COLOURS, UNKNOWN_TYPE_COLOUR, type_label
from components.effective import iter_effective
from components.errors import BadInput
from components.records import KINDS, Analysis, Article, Attribution
from components.sources import CONTENT_JOINER, article_breakdown, source_names, sourcing_profile
from components.store import Store

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


# --------------------------------------------------------------------------- the model


class NoteLike(Protocol):
    """What a briefing reads from an analyst note (``components.corrections.Note`` fits)."""

    text: str
    analyst: str
    at: str
    quote: str
    shareable: bool


@dataclass(frozen=True)
class Quote:
    """One chosen attribution: who said what, how, and where to find it in the app."""

    index: int  # into the article's analysis (the number shown in the app is index + 1)
    source: str  # canonical name(s), joined with "; "; NO_SOURCE when nobody is named
    source_type: str | None
    kind: str
    cue: str
    content: str  # the content pieces joined with " … ", whitespace squashed
    nested_in: str | None  # source(s) of the attribution that reports this one
    link: str

    @property
    def source_label(self) -> str:
        """"Dmitry Peskov (Named person)"."""
        return f"{self.source} ({type_label(self.source_type)})"

    @property
    def kind_phrase(self) -> str:
        return KIND_PHRASES.get(self.kind, self.kind)

    @property
    def quoted(self) -> str:
        """The content as a pack sets it: only words the article marks as quoted stand in
        quotation marks. A direct quote is set in one pair of marks (the article's own marks at its
        ends are not doubled); reported speech is paraphrase, set without marks; a mixed
        attribution keeps exactly the marks the article puts around its quoted fragment."""
        if self.kind == "direct":
            return f"“{_strip_end_marks(self.content)}”"
        return _balanced(self.content)


@dataclass(frozen=True)
class SourceRow:
    """One row of an article's source breakdown (the chart's data)."""

    source: str
    type: str | None
    attributions: int
    direct: int
    indirect: int
    mixed: int
    words: int


@dataclass(frozen=True)
class BriefNote:
    """A shareable analyst note: on a passage (``quote`` is its text) or on the whole article."""

    text: str
    analyst: str
    at: str
    quote: str = ""


@dataclass(frozen=True)
class SimilarLink:
    """An article similar to a briefed one, with a link to it in the app."""

    article_id: str
    title: str
    outlet: str
    date: str
    link: str


@dataclass(frozen=True)
class BriefingItem:
    """One article of a briefing, with everything that is shown about it."""

    article_id: str
    title: str
    outlet: str
    author: str
    date: str
    url: str  # the original's address (only http(s) ones are linked)
    link: str  # the article in the app
    profile: str  # the sourcing profile in one line
    sources: tuple[SourceRow, ...]
    quotes: tuple[Quote, ...]
    notes: tuple[BriefNote, ...] = ()
    similar: tuple[SimilarLink, ...] = ()
    similar_note: str = ""  # why there are no similar-article links, when there are none

    @property
    def meta(self) -> str:
        bits = [self.outlet, self.author and f"By {self.author}", self.date]
        return " · ".join(b for b in bits if b)


@dataclass(frozen=True)
class Briefing:
    """A briefing pack: a title, when it was made, and its articles in the analyst's order."""

    title: str
    created: str
    items: tuple[BriefingItem, ...]
    charts: bool = True
    base_url: str = DEFAULT_BASE_URL
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def quote_count(self) -> int:
        return sum(len(i.quotes) for i in self.items)


def reading_order(attributions: Sequence[Attribution]) -> list[int]:
    """Attribution indices in the order a reader meets them (content start, then index)."""
    return sorted(range(len(attributions)), key=lambda i: (attributions[i].content_span.start, i))


def make_quote(article: Article, attributions: Sequence[Attribution], index: int, base: str) -> Quote:
    """The :class:`Quote` of attribution ``index`` of ``article``."""
    text = article.text
    a = attributions[index]
    parent = a.nested_in
    nested = None
    if parent is not None and 0 <= parent < len(attributions):
        nested = "; ".join(source_names(attributions[parent], text))
    return Quote(
        index=index,
        source="; ".join(source_names(a, text)),
        source_type=a.source_type,
        kind=a.kind,
        cue=_squash(a.cue.text(text)),
        content=_squash(CONTENT_JOINER.join(p.text(text) for p in a.content)),
        nested_in=nested,
        link=article_link(base, article.id, index),
    )


def make_item(
    article: Article,
    analysis: Analysis,
    *,
    attributions: Sequence[int] | None = None,
    notes: Sequence[NoteLike] = (),
    similar: Sequence[SimilarLink] = (),
    similar_note: str = "",
    base: str | None = None,
) -> BriefingItem:
    """One article's part of a briefing (pure: nothing is read from the library).

    Args:
        article: the article.
        analysis: its analysis (with analysts' corrections applied, when there are any).
        attributions: indices of the quotes to include, in the order wanted; None: all, in
            reading order.
        notes: the article's notes; only those marked shareable are kept.
        similar: links to similar articles.
        similar_note: why ``similar`` is empty (shown instead of the links).
        base: the app's address for links (default :func:`base_url`).

    Raises:
        BadInput: an attribution index does not exist in ``analysis``.
    """
    base = base or base_url()
    atts = analysis.attributions
    chosen = reading_order(atts) if attributions is None else list(dict.fromkeys(int(i) for i in attributions))
    bad = [i for i in chosen if not 0 <= i < len(atts)]
    if bad:
        raise BadInput(
            f"article {article.id}: no attribution #{', #'.join(str(i + 1) for i in bad)} "
            f"(it has {len(atts)})"
        )
    df = article_breakdown(article.text, atts)
    rows = tuple(
        SourceRow(
            source=str(r["source"]),
            type=None if r["type"] is None or r["type"] != r["type"] else str(r["type"]),
            attributions=int(r["attributions"]),
            direct=int(r["direct"]),
            indirect=int(r["indirect"]),
            mixed=int(r["mixed"]),
            words=int(r["words"]),
        )
        for r in df.to_dict(orient="records")
    )
    return BriefingItem(
        article_id=article.id,
        title=article.title or article.id,
        outlet=article.outlet,
        author=article.author,
        date=article.date,
        url=article.url,
        link=article_link(base, article.id),
        profile=sourcing_profile(article.text, atts).summary(),
        sources=rows,
        quotes=tuple(make_quote(article, atts, i, base) for i in chosen),
        notes=tuple(
            BriefNote(text=str(n.text), analyst=str(n.analyst), at=str(n.at), quote=str(getattr(n, "quote", "") or ""))
            for n in notes
            if getattr(n, "shareable", False)
        ),
        similar=tuple(similar),
        similar_note=similar_note if not similar else "",
    )


# --------------------------------------------------------------------------- reading the library


def shareable_notes(store: Store, article_id: str) -> list[NoteLike]:
    """The article's notes marked shareable (private notes are never read)."""
    try:
        from components.corrections import CorrectionsService
    except ImportError:  # pragma: no cover
        return []
    return list(CorrectionsService(store).notes(article_id, shareable_only=True))


SimilarFinder = Callable[[Sequence[str]], tuple[Mapping[str, Sequence[SimilarLink]], str]]


def build_briefing(
    store: Store,
    version: str,
    article_ids: Sequence[str],
    *,
    attributions: Mapping[str, Sequence[int]] | None = None,
    notes: Mapping[str, Sequence[NoteLike]] | None = None,
    similar: SimilarFinder | Mapping[str, Sequence[SimilarLink]] | None = None,
    title: str = "",
    charts: bool = True,
    base: str | None = None,
    created: str | None = None,
) -> Briefing:
    """A briefing of ``article_ids`` (in that order) from the library.

    Each article's analysis is the corrected one, read through the one read path
    (:func:`components.effective.iter_effective`).

    Args:
        store: the library.
        version: the analysis version to read (the app's pipeline version).
        article_ids: the articles, in the order they appear in the pack.
        attributions: per article id, the attribution indices to quote, in order; an article
            missing from the mapping (or no mapping) gets all its attributions in reading order.
        notes: per article id, its notes (only shareable ones are kept); None reads the notes
            marked shareable from the corrections layer.
        similar: similar-article links per id, or a function of the ids returning
            ``(links per id, note)`` where ``note`` says why links are missing (e.g. the
            similarity index is not built); None leaves similar articles out.
        title: the pack's title (default: "Briefing: " and the first article's title).
        charts: include the breakdown charts.
        base: the app's address for links (default :func:`base_url`).
        created: when it was made (default: now, UTC, to the minute).

    Raises:
        BadInput: unknown ids (named), an article not analysed yet, or a bad attribution index.
    """
    base = (base or base_url()).rstrip("/")
    ids = list(dict.fromkeys(str(i) for i in article_ids))
    if not ids:
        raise BadInput("no article chosen: a briefing needs at least one article id")
    pairs = [(article, eff.analysis) for article, eff in iter_effective(store, version, ids)]
    links: Mapping[str, Sequence[SimilarLink]] = {}
    missing_note = ""
    if callable(similar):
        links, missing_note = similar([a.id for a, _ in pairs])
    elif similar is not None:
        links = similar
    items = []
    for article, analysis in pairs:
        article_notes = notes.get(article.id, ()) if notes is not None else shareable_notes(store, article.id)
        found = tuple(links.get(article.id, ()))
        note = missing_note if similar is not None and not found else ""
        if similar is not None and not found and not note:
            note = "No similar articles found in the library."
        items.append(
            make_item(
                article,
                analysis,
                attributions=(attributions or {}).get(article.id),
                notes=article_notes,
                similar=found,
                similar_note=note,
                base=base,
            )
        )
    if not title:
        title = f"Briefing: {items[0].title}" if len(items) == 1 else f"Briefing: {len(items)} articles"
    return Briefing(
        title=title,
        created=created or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        items=tuple(items),
        charts=charts,
        base_url=base,
    )


def similar_links(
    store: Store, article_ids: Sequence[str], *, k: int = SIMILAR_K, base: str | None = None
) -> tuple[dict[str, tuple[SimilarLink, ...]], str]:
    """Similar articles from the stored embeddings, without computing any (never slow).

    Only articles whose embeddings are already cached (``python -m components index``, or the
    app's Search page) take part; nothing is encoded here.

    Returns:
        ``(links per article id, note)``: ``note`` is empty when every id was found in the index,
        else it says what is missing and how to build the index.
    """
    base = (base or base_url()).rstrip("/")
    how = "build it with `python -m components index` or on the Search page"
    try:
        from components.similarity.embed import EmbeddingCache, content_hash
        from components.similarity.engine import SimilarityEngine
    except ImportError:
        return {}, "Similar-article search is not available in this installation."
    cached = EmbeddingCache(store.engine).load_all()
    if not cached:
        return {}, f"Similar articles: the similarity index is not built yet ({how})."
    library = [a for a in store.get_articles() if content_hash(a.title, a.text) in cached]
    by_id = {a.id: a for a in library}
    wanted = [i for i in article_ids if i in by_id]
    missing = [i for i in article_ids if i not in by_id]
    note = (
        f"Similar articles: {len(missing)} article(s) are not in the similarity index yet ({how})."
        if missing
        else ""
    )
    if not wanted or len(library) < 2:
        return {}, note or f"Similar articles: the similarity index is not built yet ({how})."
    engine = SimilarityEngine(store.engine)
    engine.index_articles(library)
    out = {}
    for i in wanted:
        out[i] = tuple(
            SimilarLink(
                article_id=m.id,
                title=by_id[m.id].title or m.id,
                outlet=by_id[m.id].outlet,
                date=by_id[m.id].date,
                link=article_link(base, m.id),
            )
            for m in engine.similar(i, k)
        )
    return out, note


def move(seq: Sequence[Any], index: int, delta: int) -> list[Any]:
    """``seq`` with the element at ``index`` moved by ``delta`` places (clamped to the ends)."""
    out = list(seq)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + delta, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


# --------------------------------------------------------------------------- briefing mode


@dataclass(frozen=True)
class PresentState:
    """What briefing mode shows, as carried in its URL (a deep link).

    Attributes:
        article: the article id (``?article=``).
        view: which attributions to step through: ``"all"`` or one kind (``?view=``).
        source: only this source's attributions (``?source=``), None for every source.
        step: 0 for the overview (nothing spotlighted), else 1.. the step (``?step=``).
        notes: show the notes marked shareable (``?notes=1``).
        picks: only these attributions (indices from 0, ``?atts=3,7,12``); empty for no hand-picking.
    """

    article: str | None = None
    view: str = "all"
    source: str | None = None
    step: int = 0
    notes: bool = False
    picks: tuple[int, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PresentState:
        """Read a deep link's query parameters; bad values fall back to the defaults."""

        def one(key: str) -> str | None:
            v = params.get(key)
            if isinstance(v, list | tuple):
                v = v[-1] if v else None
            return None if v is None else str(v)

        view = one("view") or "all"
        try:
            step = max(int(one("step") or 0), 0)
        except ValueError:
            step = 0
        picks = sorted({int(p) for p in (one("atts") or "").split(",") if p.strip().isdigit()})
        return cls(
            article=one("article") or None,
            view=view if view in PRESENT_VIEWS else "all",
            source=(one("source") or "").strip() or None,
            step=step,
            notes=(one("notes") or "").lower() in ("1", "true", "yes", "on"),
            picks=tuple(picks),
        )

    def params(self) -> dict[str, str]:
        """The query parameters of this state (defaults left out, so links stay short)."""
        out: dict[str, str] = {}
        if self.article:
            out["article"] = self.article
        if self.view != "all":
            out["view"] = self.view
        if self.source:
            out["source"] = self.source
        if self.step:
            out["step"] = str(self.step)
        if self.notes:
            out["notes"] = "1"
        if self.picks:
            out["atts"] = ",".join(str(i) for i in sorted(self.picks))
        return out

    def stepped(self, delta: int, total: int) -> PresentState:
        """The state ``delta`` steps on, kept within 0..``total``."""
        return replace(self, step=min(max(self.step + delta, 0), total))


def presentation_steps(
    text: str,
    attributions: Sequence[Attribution],
    *,
    source: str | None = None,
    view: str = "all",
    picks: Sequence[int] = (),
) -> list[int]:
    """The attribution indices briefing mode steps through, in reading order.

    Args:
        text: the article's canonical text.
        attributions: its attributions.
        source: only attributions citing this canonical source (as in the breakdown).
        view: ``"all"`` or one kind (``"direct"``, ``"indirect"``, ``"mixed"``).
        picks: only these indices, when given (hand-picked); indices out of range are ignored.

    Raises:
        BadInput: ``view`` is not one of :data:`PRESENT_VIEWS`.
    """
    if view not in PRESENT_VIEWS:
        raise BadInput(f"view {view!r}: choose one of {', '.join(PRESENT_VIEWS)}")
    chosen = set(picks)
    return [
        i
        for i in reading_order(attributions)
        if (view == "all" or attributions[i].kind == view)
        and (source is None or source in source_names(attributions[i], text))
        and (not chosen or i in chosen)
    ]


# --------------------------------------------------------------------------- HTML


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


CHART_LABEL_CHARS = 30
"""Source names longer than this are shortened in the charts (the tooltip and table give them in full)."""


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


# --------------------------------------------------------------------------- Markdown

# Markdown that text could trigger mid-line: emphasis, code, links and images ([ ]), HTML and
# autolinks (< >), entities (&), tables (|), strike-through (~), maths ($) and headings (#).
# Line-start markers (- + = > 1. 1)) are escaped too, for text that opens a line (a byline).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(text: str) -> str:
    """Text for Markdown: whitespace squashed and every character that could be markup escaped,
    including a list or heading marker it starts with ("1. Evil outlet" stays text)."""
    out = _MD_SPECIAL.sub(r"\\\1", _squash(str(text)))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)


def _md_url(url: str) -> str:
    """A URL safe inside ``[text](URL)``: spaces, brackets and parentheses percent-encoded."""
    return quote(url, safe=":/?&=#%+,;@!$'*~.-_")


def _md_link(url: str | None, text: str) -> str:
    url = safe_url(url or "")
    return f"[{md(text)}]({_md_url(url)})" if url else md(text)


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown (CommonMark/GFM): tables for the breakdowns, block quotes for quotes.

    Text from articles is backslash-escaped, so no article can inject links, HTML or formatting.
    """
    count = f"{len(briefing.items)} article{'s' * (len(briefing.items) != 1)} · {briefing.quote_count} quotes"
    out = [f"# {md(briefing.title)}", "", f"*Prepared {md(briefing.created)} with Sourcelight · {count}*", ""]
    for n, item in enumerate(briefing.items, 1):
        out.append(f"## {n}\\. {md(item.title)}")
        out.append("")
        links = [_md_link(item.link, "Open in Sourcelight")]
        if safe_url(item.url):
            links.append(_md_link(item.url, "Original"))
        meta = md(item.meta)
        out.append(f"{meta}{' · ' if meta else ''}{' · '.join(links)}")
        out.append("")
        out.append(f"**Sourcing profile:** {md(item.profile)}")
        out.append("")
        if item.sources:
            most = max(r.attributions for r in item.sources) or 1
            out.append("| Source | Type | Attributions | Direct | Indirect | Mixed | Words |" +
                       (" Chart |" if briefing.charts else ""))
            out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |" + (" --- |" if briefing.charts else ""))
            for r in item.sources:
                bar = f" {'█' * max(1, round(12 * r.attributions / most))} |" if briefing.charts else ""
                out.append(
                    f"| {md(r.source)} | {md(type_label(r.type))} | {r.attributions} | {r.direct} | {r.indirect} "
                    f"| {r.mixed} | {r.words} |{bar}"
                )
            out.append("")
        out.append("### Quotes")
        out.append("")
        if not item.quotes:
            out.extend(["*No quotes chosen.*", ""])
        for q in item.quotes:
            where = ", ".join(md(b) for b in (item.outlet, item.date) if b)
            nested = f", reported by {md(q.nested_in)}" if q.nested_in else ""
            out.append(f"> {md(q.quoted)}")
            out.append(">")
            out.append(
                f"> — **{md(q.source)}** ({md(type_label(q.source_type))}), {md(q.kind_phrase)}, cue “{md(q.cue)}”"
                f"{nested}{' · ' + where if where else ''} · {_md_link(q.link, f'#{q.index + 1} in the article')}"
            )
            out.append("")
        if item.notes:
            out.extend(["### Analyst notes", ""])
            for note in item.notes:
                on = f"On “{md(note.quote)}”: " if note.quote else ""
                out.append(f"- {on}{md(note.text)} — {md(note.analyst)}, {md(note.at[:10])}")
            out.append("")
        if item.similar or item.similar_note:
            out.extend(["### Similar articles", ""])
            if item.similar:
                for s in item.similar:
                    tail = ", ".join(md(b) for b in (s.outlet, s.date) if b)
                    out.append(f"- {_md_link(s.link, s.title)}{' — ' + tail if tail else ''}")
            else:
                out.append(f"*{md(item.similar_note)}*")
            out.append("")
    out.append(f"*Links open the articles in Sourcelight at {md(briefing.base_url)}.*")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- PDF

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_ASCII_FALLBACK = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "...", "\u00a0": " "})


@dataclass(frozen=True)
class _PdfFonts:
    family: str
    files: dict[str, str]  # style ("", "B", "I") -> path; empty for fpdf's core Helvetica
    covered: frozenset[int] | None  # code points the font draws; None: Latin-1 only (core font)


@functools.lru_cache(maxsize=8)
def _noto_static(chars: frozenset[int]) -> tuple[tuple[str, bytes], ...]:
    """Static Noto Sans regular/bold/italic cut down to ``chars`` (about a second per style).

    Noto Sans ships (in the ``fontpkg-noto-sans`` package) as variable fonts; a PDF wants static
    ones, and instancing the whole font takes ~10 s, so the font is first subset to the
    characters the briefing uses, then instanced.
    """
    import io

    import fontpkg_noto_sans
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    files = {"": "NotoSans[wdth,wght].ttf", "I": "NotoSans-Italic[wdth,wght].ttf"}
    out = []
    for styles, name in ((("", "B"), files[""]), (("I",), files["I"])):
        font = TTFont(Path(fontpkg_noto_sans.ROOT) / "files" / name)
        opts = subset.Options()
        opts.layout_features = ["kern", "liga"]
        opts.notdef_outline = True
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(chars | {0x20, 0x3F}))
        sub.subset(font)
        for style in styles:
            inst = instancer.instantiateVariableFont(
                font, {"wght": 700 if style == "B" else 400, "wdth": 100}, static=True
            )
            buf = io.BytesIO()
            inst.save(buf)
            out.append((style, buf.getvalue()))
    return tuple(out)


def _cmap(data_or_path: bytes | str) -> frozenset[int]:
    import io

    from fontTools.ttLib import TTFont

    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    return frozenset(TTFont(src).getBestCmap())


def _pdf_fonts(chars: frozenset[int], folder: Path) -> _PdfFonts:
    """Noto Sans from its PyPI package; else DejaVu Sans from the system; else Helvetica (Latin-1)."""
    try:
        made = _noto_static(chars)
    except ImportError:
        made = ()
    if made:
        files = {}
        for style, data in made:
            path = folder / f"NotoSans-{style or 'R'}.ttf"
            path.write_bytes(data)
            files[style] = str(path)
        return _PdfFonts("NotoSans", files, _cmap(made[0][1]))
    dejavu = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
    if all((DEJAVU_DIR / f).is_file() for f in dejavu.values()):
        files = {s: str(DEJAVU_DIR / f) for s, f in dejavu.items()}
        return _PdfFonts("DejaVuSans", files, _cmap(files[""]))
    return _PdfFonts("helvetica", {}, None)


def _briefing_chars(briefing: Briefing) -> frozenset[int]:
    bits: list[str] = [briefing.title, briefing.created, briefing.base_url]
    for item in briefing.items:
        bits += [item.title, item.meta, item.profile, item.link, item.url]
        for r in item.sources:
            bits += [r.source, type_label(r.type)]
        for q in item.quotes:
            bits += [q.source, q.content, q.cue, q.nested_in or "", q.kind_phrase, q.link, type_label(q.source_type)]
        for n in item.notes:
            bits += [n.text, n.analyst, n.at, n.quote]
        for s in item.similar:
            bits += [s.title, s.outlet, s.date, s.link]
        bits.append(item.similar_note)
    bits.append("0123456789 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;()#“”—…·–-'\"?/■")
    for k in KINDS:
        bits.append(KIND_LABELS[k])
    return frozenset(ord(c) for c in "".join(bits) if c.isprintable())


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _PdfWriter:
    """Lays out a briefing with fpdf2: text through one font family, bars as filled rectangles."""

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

    def heading(self, text: str, size: float = 11) -> None:
        if self.pdf.get_y() > self.pdf.h - self.pdf.b_margin - 20:
            self.pdf.add_page()
        self.pdf.ln(1.5)
        self.para(text.upper(), style="B", size=size - 1.5, colour=(90, 96, 104), gap=0.5)

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


# --------------------------------------------------------------------------- the command line


def render(briefing: Briefing, fmt: str) -> bytes:
    """The briefing in ``fmt`` (``html``, ``pdf`` or ``md``) as bytes ready to write or download.

    Raises:
        BadInput: an unknown format.
    """
    if fmt == "html":
        return to_html(briefing).encode("utf-8")
    if fmt == "md":
        return to_markdown(briefing).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(briefing)
    raise BadInput(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")


MIME_TYPES = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown"}


def brief_cli(
    store: Store,
    version: str | None,
    article_ids: Sequence[str],
    fmt: str,
    out_path: str | Path,
    nlp=None,
    *,
    similar: bool = False,
    base: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The ``brief`` command: a pack of ``article_ids`` with all their attributions and shareable notes.

    Articles not analysed yet are analysed first (with ``nlp``, loaded when needed).

    Args:
        store: the library.
        version: the analysis version (None: the version of ``nlp``'s pipeline).
        article_ids: the articles, in order.
        fmt: ``html``, ``pdf`` or ``md``.
        out_path: the file to write.
        nlp: the spaCy pipeline (loaded only when an article needs analysing, or for ``version``).
        similar: add similar-article links from the stored similarity index.
        base: the app's address for links (default :func:`base_url`).
        progress: called with (done, total) while analysing.

    Returns:
        The path written.

    Raises:
        BadInput: unknown format, unknown article ids (all named), or an unwritable output.
    """
    from components.analysis import analyze_missing, pipeline_version

    if fmt not in FORMATS:
        raise BadInput(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise BadInput("no article id given")
    known = {a.id for a in store.get_articles(ids)}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BadInput(f"article id(s) not in the library: {', '.join(unknown)}")
    if version is None or nlp is not None:
        if nlp is None:
            from components.nlp import load_nlp

            nlp = load_nlp()
        version = pipeline_version(nlp)
    analysed = store.analysed_ids(version)
    missing = [i for i in ids if i not in analysed]
    if missing:
        if nlp is None:
            from components.nlp import load_nlp

            nlp = load_nlp()
        analyze_missing(store, nlp, ids=missing, progress=progress)
    briefing = build_briefing(
        store, version, ids, similar=(lambda i: similar_links(store, i, base=base)) if similar else None, base=base
    )
    data = render(briefing, fmt)
    path = Path(out_path)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(f"output {out_path}: cannot write it ({exc.strerror or exc})") from None
    return path


def choose(items: Collection[str], wanted: str | None) -> str | None:
    """``wanted`` when it is one of ``items``, else None (stale deep-link values clear)."""
    return wanted if wanted is not None and wanted in items else None


def story_article_ids(store: Store, story_id: str) -> list[str]:
    """A story's articles, in arrival order: how a briefing pack includes a story.

    Raises:
        BadInput: no story has that id.
    """
    from components.stories.service import StoryService

    return list(StoryService(store).story(story_id).article_ids)
