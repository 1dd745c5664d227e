"""Briefing builder: choose articles and quotes, order them, download the pack as HTML, PDF or Markdown.

Layout only: the pack is a ``components.briefing.Briefing`` built by ``build_briefing`` and written by
``to_html`` / ``to_pdf`` / ``to_markdown`` — the same code as ``python -m components brief``. The
chosen articles and their order live in session state (``brief_order``); quotes are picked per
article, in the order picked. Only notes marked shareable go into a pack. Similar-article links come
from the stored similarity index and are left out, with a note saying so, when it is not built.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import streamlit as st

from components.briefing import (
    MIME_TYPES,
    build_briefing,
    make_quote,
    move,
    reading_order,
    render,
    shareable_notes,
    similar_links,
    to_markdown,
)
from components.errors import SourcelightError
from components.render import attribution_title
from components.textsafe import md
from dashboard import pending, state
from dashboard.widgets import library_labels

KEY = "brief"
ORDER = f"{KEY}_order"


def _sync_order() -> None:
    """Keep the order of chosen articles: new ones go last, removed ones drop out."""
    chosen = list(st.session_state.get(f"{KEY}_articles") or [])
    order = [i for i in st.session_state.get(ORDER, []) if i in chosen]
    st.session_state[ORDER] = order + [i for i in chosen if i not in order]


def _move(index: int, delta: int) -> None:
    st.session_state[ORDER] = move(st.session_state.get(ORDER, []), index, delta)


def _remove(article_id: str) -> None:
    st.session_state[ORDER] = [i for i in st.session_state.get(ORDER, []) if i != article_id]
    st.session_state[f"{KEY}_articles"] = [i for i in st.session_state.get(f"{KEY}_articles", []) if i != article_id]


@st.cache_data(ttl=120, show_spinner="Looking up similar articles…")
def _similar(ids: tuple[str, ...], library_size: int):
    """Similar-article links from the stored index (``library_size`` renews the cache when it grows)."""
    links, note = similar_links(state.get_store(), list(ids))
    return dict(links), note


def _found(links, note):
    """A ``build_briefing`` similar-article finder that returns links already looked up."""

    def finder(_ids):
        return links, note

    return finder


def _article_panel(n: int, total: int, article, analysis, labels: dict[str, str]) -> list[int]:
    """One chosen article: move up/down, remove, pick its quotes. Returns the chosen indices."""
    aid = article.id
    with st.container(border=True):
        head, up, down, drop = st.columns([8, 1, 1, 1], vertical_alignment="center")
        head.markdown(f"**{n}\\. {md(labels.get(aid, aid))}**")
        up.button(
            "",
            icon=":material/arrow_upward:",
            key=f"{KEY}_up_{aid}",
            help="Move up",
            disabled=n == 1,
            on_click=_move,
            args=(n - 1, -1),
        )
        down.button(
            "",
            icon=":material/arrow_downward:",
            key=f"{KEY}_down_{aid}",
            help="Move down",
            disabled=n == total,
            on_click=_move,
            args=(n - 1, 1),
        )
        drop.button(
            "",
            icon=":material/close:",
            key=f"{KEY}_drop_{aid}",
            help="Remove from the briefing",
            on_click=_remove,
            args=(aid,),
        )
        atts = analysis.attributions
        if not atts:
            st.caption("No attributions found in this article: the briefing shows its metadata and profile.")
            return []
        titles = {i: _pick_label(article, atts, i) for i in range(len(atts))}
        key = f"{KEY}_quotes_{aid}"
        if key not in st.session_state:
            st.session_state[key] = reading_order(atts)
        chosen = st.multiselect(
            "Quotes (in the order picked)",
            list(titles),
            format_func=titles.get,
            key=key,
            help="Remove the ones you don't want; re-add one to move it to the end.",
        )
        notes = shareable_notes(state.get_store(), aid)
        if notes:
            st.caption(f"{len(notes)} shareable note{'s' * (len(notes) != 1)} will be included.")
        return list(chosen)


#: Characters of an attribution's words shown in the quote picker.
PICK_WORDS = 90


def _pick_label(article, atts, i: int) -> str:
    """The quote picker's label: number, source, cue, kind, then the words themselves (as the pack
    will set them: quotation marks only around quoted words)."""
    q = make_quote(article, atts, i, "")
    words = q.quoted if len(q.quoted) <= PICK_WORDS else q.quoted[: PICK_WORDS - 1].rstrip() + "…"
    return f"{attribution_title(article.text, atts[i], i + 1)} — {words}"


def page() -> None:
    store = state.get_store()
    labels = library_labels()
    if labels is None:
        return
    st.title("Briefing pack")
    st.caption("Choose articles and quotes, order them, then download the pack. Private notes never leave the library.")
    if f"{KEY}_articles" not in st.session_state:
        first = state.open_article_id(labels)  # the article open on the last page, else the seed
        st.session_state[f"{KEY}_articles"] = [first] if first in labels else []
    opened = state.open_article_id(labels)
    if opened != st.session_state.get(f"{KEY}_seen_open"):  # another article was opened meanwhile
        st.session_state[f"{KEY}_seen_open"] = opened
        if opened in labels and opened not in st.session_state[f"{KEY}_articles"]:
            st.session_state[f"{KEY}_articles"] = [*st.session_state[f"{KEY}_articles"], opened]
    st.session_state[f"{KEY}_articles"] = [i for i in st.session_state[f"{KEY}_articles"] if i in labels]
    st.multiselect("Articles", list(labels), format_func=labels.get, key=f"{KEY}_articles", on_change=_sync_order)
    _sync_order()
    order: list[str] = st.session_state[ORDER]
    if not order:
        st.info("Choose at least one article.")
        return

    title = st.text_input("Title", key=f"{KEY}_title", placeholder="Briefing: …")
    opt1, opt2 = st.columns(2)
    charts = opt1.toggle("Include the breakdown charts", value=True, key=f"{KEY}_charts")
    with_similar = opt2.toggle(
        "Include similar-article links",
        value=False,
        key=f"{KEY}_similar",
        help="From the similarity index (built on the Search page or with `python -m components index`).",
    )

    version = state.version()
    picks: dict[str, list[int]] = {}
    with pending.waiting(key=KEY, retry_ids=order) as wait:
        opened = list(zip(order, state.open_articles(order), strict=True))
    if wait.shown:
        return
    for n, (aid, pair) in enumerate(opened, 1):
        if pair is None:
            st.error(f"Article {md(aid)} is not in the library.")
            return
        article, analysis = pair
        picks[aid] = _article_panel(n, len(order), article, analysis, labels)

    similar = None
    if with_similar:
        links, note = _similar(tuple(order), len(labels))
        if note:
            st.info(md(note))
        similar = _found(links, note)
    try:
        briefing = build_briefing(
            store, version, order, attributions=picks, similar=similar, title=title.strip(), charts=charts
        )
    except SourcelightError as exc:
        st.error(md(exc))
        return

    st.subheader("Download")
    st.caption(f"{len(briefing.items)} article(s) · {briefing.quote_count} quote(s)")
    stem = "briefing"
    cols = st.columns(3)
    for col, fmt, label in zip(cols, ("html", "pdf", "md"), ("HTML (one file)", "PDF", "Markdown"), strict=True):
        col.download_button(
            label,
            data=(lambda f=fmt: render(briefing, f)),
            file_name=f"{stem}.{fmt}",
            mime=MIME_TYPES[fmt],
            key=f"{KEY}_dl_{fmt}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )
    with st.expander("Preview", expanded=True):
        st.markdown(to_markdown(briefing))


page()
