"""Reusable widgets for analysts' work: article labels, filtering the library by tag, export downloads.

Each is a function taking ``key`` that prefixes every widget key, so a page can show several.
They only lay out widgets and call ``components/`` (the corrections service and the exporters).

May import Streamlit, ``components`` and ``dashboard.state``; pages and panels import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from components.errors import SourcelightError
from dashboard import state

# The chart helpers (pandas, plotly) and the exporters are imported by the functions that use
# them: a page that draws neither (the first page of a cold start) does not wait for them.

FORMAT_LABELS = {
    "jsonl": "JSONL",
    "spacy": "spaCy DocBin",
    "conll": "CoNLL-2003",
    "brat": "brat (zip)",
    "csv": "CSV",
}
FORMAT_HELP = {
    "jsonl": "Our schema: entities, groups, attributions, each with provenance; notes, tags, removed items",
    "spacy": "A spaCy DocBin (.spacy): doc.ents plus attributions as span groups",
    "conll": "CoNLL-2003 BIO tags for entities",
    "brat": "brat standoff: a .txt and an .ann per article, with annotation.conf, zipped",
    "csv": "One row per attribution: source, cue, content, kind, provenance",
}


def plotly_chart(fig, **kwargs):
    """``st.plotly_chart`` with the figure's text in the current theme's text colour (readable)."""
    from components.charts import with_text_colour

    try:
        theme = st.context.theme.type
    except AttributeError:  # no browser context (tests, bare mode)
        theme = None
    return st.plotly_chart(with_text_colour(fig, theme), **kwargs)


#: The reading view's page (the root URL redirects there); relative, so links work under a base path.
READ_PAGE = "./read"
EMPTY_LIBRARY = "The library is empty: add articles on the Library page."


def read_link(article_id: str, att: int | None = None) -> str:
    """The reading view's URL for an article, spotlighting attribution ``att`` when given."""
    params = {"article": article_id}
    if att is not None:
        params["att"] = str(int(att))
    return f"{READ_PAGE}?{urlencode(params)}"


def article_labels(summaries) -> dict[str, str]:
    """How article pickers name each article: "title · outlet · date" (the id when untitled)."""
    return {s.id: " · ".join(b for b in (s.title or s.id, s.outlet, s.date) if b) for s in summaries}


def library_labels() -> dict[str, str] | None:
    """``article_labels`` of the whole library; None, having said so, when the library is empty."""
    summaries = state.get_store().list_articles()
    if not summaries:
        st.info(EMPTY_LIBRARY)
        return None
    return article_labels(summaries)


def tag_filter(*, key: str) -> set[str] | None:
    """A multiselect of the library's tags; returns the ids of the articles carrying every chosen
    tag, or None when no tag is chosen (no filtering)."""
    svc = state.get_corrections()
    counts = {t.tag: t.articles for t in svc.all_tags()}
    if not counts:
        st.caption("No article is tagged yet: tags are added on the Annotate page.")
        return None
    chosen = st.multiselect(
        "Only articles tagged",
        list(counts),
        format_func=lambda t: f"{t} ({counts.get(t, 0)})",
        key=f"{key}_tags",
        placeholder="any tag",
        help="Articles carrying every chosen tag",
    )
    if not chosen:
        return None
    keep: set[str] | None = None
    for tag in chosen:
        ids = set(svc.articles_with_tag(tag))
        keep = ids if keep is None else keep & ids
    return keep or set()


def _deferred(article_ids: list[str] | None, fmt: str):
    """The export, made when the button is pressed (on Streamlit's download thread). The spaCy
    pipeline is loaded then, and only for the formats that tokenise: drawing the buttons (the
    Library and Annotate pages) never loads it into the server, whose analyses are made in the
    pool's child processes."""
    from components.export import PIPELINE_FORMATS, export_bytes

    store, version = state.get_store(), state.version()
    reader = state.analyst() or None  # the exports hold shareable notes and this user's own private ones

    def make() -> bytes:
        try:
            nlp = state.get_nlp() if fmt in PIPELINE_FORMATS else None
            return export_bytes(store, version, fmt, article_ids, nlp, reader=reader)[0]
        except SourcelightError as exc:  # Streamlit commands are ignored here: the file says why
            return f"Sourcelight export failed: {exc}\n".encode()

    return make


def export_buttons(article_ids: Sequence[str] | None, *, key: str, name: str = "sourcelight") -> None:
    """One download button per export format (JSONL, spaCy, CoNLL, brat, CSV) of the effective
    analyses (model output with analysts' corrections) of ``article_ids``, or of every analysed
    article when None. Files are made only when a button is pressed, and carry the shareable notes
    plus the acting user's own private ones: nobody else's private note."""
    from components.export import FORMATS, MEDIA_TYPES

    ids = list(article_ids) if article_ids is not None else None
    if ids is None and not state.get_store().analysed_ids(state.version()):
        st.caption("Nothing analysed yet: open an article first.")
        return
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS, strict=True):
        default_name, mime = MEDIA_TYPES[fmt]
        suffix = default_name.split("sourcelight", 1)[1]
        col.download_button(
            FORMAT_LABELS[fmt],
            data=_deferred(ids, fmt),
            file_name=f"{name}{suffix}",
            mime=mime,
            key=f"{key}_{fmt}",
            help=FORMAT_HELP[fmt],
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
