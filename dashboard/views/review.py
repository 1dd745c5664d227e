"""Review: step through the attributions the machine is unsure of and settle each from the keyboard.

The queue is ``components.attribution.review.review_queue`` over the open article's effective
analysis (the article followed as on the other pages: ``?article=``, else this session's open
article). One attribution at a time: the passage with it spotlighted and the candidate mentions
numbered, its source as written, why it is in doubt, and the ranked candidates with the reason
for each. The place in the queue is in the URL, ``/review?article=ID&item=N`` (N counts from 1, as
the card's "N / total"), so a reload, a shared link or Back lands on the same item; a value that is
not a position of the queue gets a note and the first item. Keys (``st.button(shortcut=...)``): J or
→ next, K or ← previous, A accept the machine's
choice (for an unresolved source: keep it unresolved), 1–5 choose a candidate, U undo this
session's last decision. Each decision is one ``set_source`` correction recorded with the acting
user — the same rows, history and undo as Annotate — and the item leaves the queue; a viewer, or
nobody named yet, gets the controls disabled and is told why (``components/`` checks the role
again).

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``); never another page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from components.attribution.review import (
    ReviewItem,
    accept,
    choose,
    review_queue,
    source_decisions,
    unsure_reasons,
)
from components.charts import type_label
from components.errors import SourcelightError
from components.render import CSS as READING_CSS
from components.render import esc, passage_html
from components.textsafe import md
from dashboard import state
from dashboard.widgets import library_labels

K = "rev"
POS = f"{K}_pos"  # the position in the queue (0-based), per article
ITEM = "item"  # the URL's place in the queue, counted from 1
WROTE = f"{K}_wrote"  # (article id, value) this page last wrote to ``?item=``: its own, never noted
LAST = f"{K}_last"  # (article id, correction id) of this session's last decision, for U
NO_ANALYST = (
    "No analyst named: type your name in the sidebar field “Analyst” before deciding anything "
    "(every decision is recorded with who made it)."
)
CSS = """<style>
.sl-review-card{font-family:system-ui,sans-serif;border-left:6px solid #b45309;padding:.5rem .9rem;
  margin:.2rem 0 .6rem 0;background:rgba(180,83,9,.08);border-radius:4px}
.sl-review-card .sl-review-phrase{font-size:1.2rem;font-weight:700}
.sl-review-card .sl-review-why{font-size:.95rem;margin-top:.2rem}
.st-key-rev_arrows{display:none}
</style>"""


def refusal() -> str | None:
    """Why the acting user may not decide here (None when they may)."""
    return state.annotate_refusal(NO_ANALYST, "to settle attributions")


def _act(fn: Callable, done: str) -> None:
    """Run one decision as the acting user: toast on the next run, ``st.error`` on a refusal."""
    who = state.user()
    why = refusal()
    if why or who is None:
        st.session_state[f"{K}_error"] = why or NO_ANALYST
        return
    try:
        c = fn(who)
    except SourcelightError as exc:
        st.session_state[f"{K}_error"] = str(exc)
        return
    st.session_state[LAST] = (c.article_id, c.id)
    st.session_state[f"{K}_toast"] = f"{done} (correction #{c.id})"


def _keep(article_id: str, pos: int, total: int) -> None:
    """Make ``pos`` the place in the queue: in this session and in the URL (``?item=``)."""
    st.session_state.setdefault(POS, {})[article_id] = pos
    if total:
        st.query_params[ITEM] = str(pos + 1)
        st.session_state[WROTE] = (article_id, str(pos + 1))
    else:
        st.query_params.pop(ITEM, None)


def _step(delta: int, total: int, article_id: str) -> None:
    pos = st.session_state.get(POS, {}).get(article_id, 0)
    _keep(article_id, min(max(pos + delta, 0), max(total - 1, 0)), total)


def position(article_id: str, total: int) -> tuple[int, str | None]:
    """The place in the queue to show (0-based) and, when the URL's ``?item=`` names none, a note.

    The URL wins (a reload, a shared link, Back), then this session's place; a value this page did
    not write that is not a whole number from 1 to ``total`` is named in the note (as text, never
    Markdown) and the first item is shown. The page's own value past a queue that shrank (the last
    item settled) is followed to the end without a note.
    """
    raw = st.query_params.get(ITEM)
    kept = st.session_state.get(POS, {}).get(article_id, 0)
    note = None
    if raw is None:
        pos = kept
    elif re.fullmatch(r"[0-9]{1,9}", raw) and 1 <= int(raw) <= total:
        pos = int(raw) - 1
    elif st.session_state.get(WROTE) == (article_id, raw):
        pos = kept
    else:
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        has = f"1 to {total}" if total else "none: nothing is left to review"
        note = (f"The link asks for review item {md(repr(shown))}, which is not a place in this article's "
                f"queue (items {has}); showing the first.")
        pos = 0
    pos = min(max(pos, 0), max(total - 1, 0))
    _keep(article_id, pos, total)
    return pos, note


def _undo_last() -> None:
    last = st.session_state.get(LAST)
    if not last:
        return
    _act(lambda who: state.get_corrections().undo(last[1], who), f"Decision #{last[1]} undone")
    if f"{K}_error" not in st.session_state:
        st.session_state.pop(LAST, None)


def _article_changed() -> None:
    """Another article picked: it opens at its own place, not at the last one's ``?item=``."""
    st.query_params.pop(ITEM, None)
    state.remember_article(st.session_state[f"{K}_article"])


def choose_article() -> str | None:
    """Sidebar picker of the library's articles, following the open article (URL, then session)."""
    labels = library_labels()
    if labels is None:
        return None
    wanted = st.query_params.get("article")
    if wanted is not None and wanted not in labels:
        st.warning(f"The link asks for article {md(repr(wanted))}, which is not in this library; showing another.")
        st.query_params.pop(ITEM, None)  # its place was in that article's queue
    # The URL (a followed link, another page's choice) sets the picker; the picker writes the URL.
    st.session_state[f"{K}_article"] = state.open_article_id(labels)
    with st.sidebar:
        choice = st.selectbox("Article", list(labels), format_func=labels.get, key=f"{K}_article",
                              on_change=_article_changed)
    state.remember_article(choice)
    return choice


def _card(item: ReviewItem, text: str, number: int, total: int) -> str:
    a = item.attribution
    now = (f"{esc(a.source_canonical)} <small>({esc(a.source_status)})</small>" if a.source_canonical
           else "nobody yet <small>(unresolved)</small>")
    content = " … ".join(p.text(text) for p in a.content)
    short = content if len(content) <= 240 else content[:239] + "…"
    return (
        f'<div class="sl-review-card" data-att="{item.index}"><div>{number} / {total} · attribution '
        f"#{item.index + 1} · cue “{esc(a.cue.text(text))}”</div>"
        f'<div class="sl-review-phrase">Source as written: “{esc(item.phrase)}” → {now}</div>'
        f'<div class="sl-review-why">Why review: {esc(item.why)}</div>'
        f'<div class="sl-review-why"><i>{esc(short)}</i></div></div>'
    )


def _keys(item: ReviewItem | None, pos: int, total: int, article_id: str, blocked: str | None) -> None:
    """The step and decision buttons, each with its key."""
    bar = st.container(horizontal=True, vertical_alignment="center", key=f"{K}_bar")
    bar.button("Previous (K)", icon=":material/arrow_back:", shortcut="K", key=f"{K}_prev", disabled=pos <= 0,
               on_click=_step, args=(-1, total, article_id), width="content")
    bar.button("Next (J)", icon=":material/arrow_forward:", shortcut="J", key=f"{K}_next", type="primary",
               disabled=pos >= total - 1, on_click=_step, args=(1, total, article_id), width="content")
    if item is not None:
        label = "Accept (A)" if item.chosen else "Keep unresolved (A)"
        helptext = (f"Agree that the source is {item.chosen.name}" if item.chosen
                    else "Agree that the text does not say who")
        bar.button(label, icon=":material/check:", shortcut="A", key=f"{K}_accept", disabled=blocked is not None,
                   help=blocked or helptext, on_click=_act,
                   args=(lambda who, it=item: accept(state.get_corrections(), article_id, it, who),
                         f"#{item.index + 1}: accepted"),
                   width="content")
    last = st.session_state.get(LAST)
    bar.button("Undo last (U)", icon=":material/undo:", shortcut="U", key=f"{K}_undo",
               disabled=blocked is not None or not last or last[0] != article_id, help=blocked,
               on_click=_undo_last, width="content")
    # The arrow keys step too, from buttons kept out of sight (one shortcut per button).
    with st.container(key=f"{K}_arrows"):
        st.button("Next (→)", shortcut="Right", key=f"{K}_next_arrow", disabled=pos >= total - 1,
                  on_click=_step, args=(1, total, article_id))
        st.button("Previous (←)", shortcut="Left", key=f"{K}_prev_arrow", disabled=pos <= 0,
                  on_click=_step, args=(-1, total, article_id))


def _candidates(item: ReviewItem, article_id: str, blocked: str | None) -> None:
    st.markdown("**Who said it?** Choose a source (keys 1–5):")
    if not item.candidates:
        st.caption("No person or body of the article fits this source: keep it unresolved (A), or correct it "
                   "on the Annotate page.")
    for n, cand in enumerate(item.candidates, 1):
        label = f"{n} · {cand.name} ({type_label(cand.source_type)})" + (" · current" if cand.chosen else "")
        st.button(
            md(label), shortcut=str(n), key=f"{K}_cand_{n}", disabled=blocked is not None, help=blocked,
            on_click=_act, width="content",
            args=(lambda who, it=item, k=n: choose(state.get_corrections(), article_id, it, k, who),
                  f"#{item.index + 1}: source set to {cand.name}"),
        )
        st.caption(md(cand.reason))


def page() -> None:
    toast = st.session_state.pop(f"{K}_toast", None)
    if toast:
        st.toast(md(toast), icon=":material/check_circle:")
    st.html(CSS)
    st.title("Review unsure attributions")
    article_id = choose_article()
    if article_id is None:
        return
    error = st.session_state.pop(f"{K}_error", None)
    if error:
        st.error(md(error))
    try:
        with st.spinner("Analysing…"):
            opened = state.open_effective(article_id)
    except SourcelightError as exc:
        st.error(md(exc))
        return
    if opened is None:
        st.error(f"Article {md(article_id)} is not in the library.")
        return
    article, (analysis, provenance, _unanchored) = opened
    decided = source_decisions(state.get_corrections().corrections(article_id))
    items = review_queue(article, analysis, provenance, decided=decided)
    total = len(items)
    pos, note = position(article_id, total)
    if note:
        st.warning(note, icon=":material/link_off:")
    blocked = refusal()
    if blocked:
        st.info(blocked, icon=":material/badge:")
    with st.sidebar:
        if st.button("Back to reading", icon=":material/article:", key=f"{K}_read", width="stretch"):
            who = {"analyst": state.analyst()} if state.analyst() and not state.signed_in_mode() else {}
            st.switch_page("views/reading.py", query_params={"article": article_id, **who})
        st.caption("Keys: J / → next · K / ← previous · A accept · 1–5 choose a source · U undo the last decision")
    item = items[pos] if items else None
    _keys(item, pos, total, article_id, blocked)
    if item is None:
        st.success("Nothing to review in this article: every source is named, resolved with confidence, "
                   "or already settled by an analyst.", icon=":material/task_alt:")
        return
    text_col, side = st.columns([3, 2], gap="large")
    with side:
        st.html(_card(item, article.text, pos + 1, total))
        _candidates(item, article_id, blocked)
    with text_col:
        st.html(
            f"<style>{READING_CSS}</style>"
            + passage_html(article, analysis, item.index, candidates=[c.mention for c in item.candidates],
                           unsure=unsure_reasons(items), provenance=provenance)
        )


page()
