"""Briefing mode: one article in large type for a projector or a screen share, stepped attribution by attribution.

The URL carries the state: ``/present?article=ID&view=all|direct|indirect|mixed&source=NAME&atts=I,J&step=N&notes=1``
(see ``components.briefing.PresentState``), so a colleague opening a copied link (or a reload)
sees the same article, subset and spotlight. The page opens on what the URL says; from then on
the session holds what is on screen and every control steps from that, writing the whole URL
after each run. (A request sent while a run was still drawing carries the URL from before that
run: stepping from it lost presses.) ← and →, Page Down / Page Up (what presentation clickers
send) and Home (the overview) are counted in the browser by a small key component, which numbers
every press and clicks of the step buttons, so presses made while the page redraws, which
Streamlit merges into one request, each count once.
No editing controls here, and private notes are never read: the switch shows shareable notes only.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from components.briefing import (
    KIND_PHRASES,
    PRESENT_VIEWS,
    PresentState,
    apply_presses,
    base_url,
    presentation_steps,
    shareable_notes,
)
from components.charts import type_label
from components.render import attribution_title, esc, reading_html
from components.sources import CONTENT_JOINER, source_names
from components.textsafe import md
from dashboard import page_cache, pending, state
from dashboard.widgets import library_labels

KEY = "present"
ALL = "All sources"
VIEW_LABELS = {"all": "All", "direct": "Direct quotes", "indirect": "Reported", "mixed": "Mixed"}

CSS = """<style>
.sl-present .sl-article,.sl-present .sl-article p{font-size:1.45rem;line-height:1.7;max-width:none}
.sl-present .sl-article p.sl-standfirst{font-size:1.5rem}
.sl-present .sl-article h1{font-size:2.2rem;line-height:1.2}
.sl-present .sl-meta{font-size:1.05rem;opacity:.95}
.sl-present .sl-n{font-size:.8rem}
.sl-present .sl-focus{outline:4px solid #7c3aed;outline-offset:3px;background:rgba(124,58,237,.20)!important}
.sl-present.sl-stepping .sl-content:not(.sl-focus){background:transparent;border-bottom-color:rgba(128,128,128,.5)}
.sl-spot{font-family:system-ui,sans-serif;border-left:8px solid #7c3aed;padding:.6rem 1rem;margin:.2rem 0 .6rem 0;
  background:rgba(124,58,237,.10);border-radius:4px}
.sl-spot .sl-spot-head{font-size:1.5rem;line-height:1.35}
.sl-spot .sl-spot-src{font-weight:700}
.sl-spot .sl-spot-kind{font-size:1.25rem;opacity:.95}
.sl-spot .sl-spot-text{font-family:Georgia,'Times New Roman',serif;font-size:1.45rem;line-height:1.5;margin-top:.4rem}
.sl-spot.sl-overview .sl-spot-head{font-size:1.3rem}
.sl-present-notes{font-family:system-ui,sans-serif;font-size:1.1rem}
.sl-present-notes q{font-style:italic}
.st-key-present_keys_box{display:none}
</style>"""


# Pixels of article text shown at once: with the step bar, fits a 1600×1000 (16:10) screen.
TEXT_HEIGHT = 700

# Scrolls the spotlighted attribution to the middle of the text box. Only an integer index from
# this page reaches it (never article text), so it adds nothing an article could script.
SCROLL_JS = """
export default function (component) {
  const want = Number((component.data || {}).att);
  if (!Number.isInteger(want)) return;
  let tries = 0;
  const go = () => {
    const el = document.querySelector(`.sl-present .sl-content.sl-focus[data-att="${want}"]`);
    if (el) {
      // Scroll only the text's own box: scrolling the page would slide the spotlight card under
      // the app's header on a short (1280x720) screen.
      let box = el.parentElement;
      const scrolls = (b) => b.scrollHeight > b.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(b).overflowY);
      while (box && !scrolls(box)) box = box.parentElement;
      if (!box || box === document.scrollingElement || box === document.body) return;
      const offset = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
      box.scrollTo({ top: box.scrollTop + offset - box.clientHeight / 3, behavior: "smooth" });
      return;
    }
    if (++tries < 60) setTimeout(go, 50);
  };
  go();
}
"""


# Counts ← → Page Down Page Up Home, and clicks of the step buttons, in the browser: each press gets
# the next number, and the recent ones go to the server as one state value ([[number, what], ...]),
# so however many requests Streamlit merges while a run draws, the last one still names every
# press. The listeners are installed once per browser tab and act only while this page's
# component is mounted; typing in a field is left alone. A new session (token) starts at 1.
KEYS_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const token = String((data || {}).token || "");
  let box = window.__slPresentKeys;
  if (!box || box.token !== token) box = window.__slPresentKeys = { token, seq: 0, events: [], send: null };
  box.send = setStateValue;
  // Pressed while a rerun remounted this component (a few seconds at most): send those presses now.
  // Older ones were made as the analyst left the page: never replayed on coming back.
  if (box.pending && Date.now() - box.pending < 5000) {
    setStateValue("presses", { token: box.token, events: box.events.slice() });
  }
  box.pending = 0;
  const push = (what) => {
    const b = window.__slPresentKeys;
    // No component mounted: counted only if this page is still on screen (a rerun is remounting
    // it), never after the analyst left Present for another page.
    if (!b || (!b.send && !document.querySelector(".st-key-present_keys_box"))) return false;
    b.seq += 1;
    b.events.push([b.seq, what]);
    if (b.events.length > 100) b.events.splice(0, b.events.length - 100);
    if (b.send) b.send("presses", { token: b.token, events: b.events.slice() });
    else b.pending = b.pending || Date.now();
    return true;
  };
  if (!window.__slPresentKeysInstalled) {
    window.__slPresentKeysInstalled = true;
    const KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Home: "home" };
    const BUTTONS = { present_next: "next", present_prev: "prev", present_home: "home" };
    document.addEventListener("keydown", (e) => {
      const what = KEYS[e.key];
      if (!what || e.repeat || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const t = e.target;
      const typing = "input, textarea, select, [contenteditable=''], [contenteditable='true'], [role='combobox']";
      if (t && t.closest && t.closest(typing)) return;
      if (push(what)) e.preventDefault();
    }, true);
    document.addEventListener("click", (e) => {
      const button = e.target && e.target.closest ? e.target.closest("button") : null;
      if (!button || button.disabled) return;
      const holder = button.closest("[class*='st-key-present_']");
      const key = holder && [...holder.classList].map((c) => c.slice(7)).find((c) => c in BUTTONS);
      if (key && push(BUTTONS[key])) { e.preventDefault(); e.stopPropagation(); }
    }, true);
  }
  return () => {
    if (window.__slPresentKeys && window.__slPresentKeys.send === setStateValue) window.__slPresentKeys.send = null;
  };
}
"""


@st.cache_resource
def _keys():
    """The key-counting component, registered once per process."""
    return st.components.v2.component("sourcelight_present_keys", js=KEYS_JS)


@st.cache_resource
def _scroller():
    """The scrolling component, registered once per process (re-registering logs a warning)."""
    return st.components.v2.component("sourcelight_present_scroll", js=SCROLL_JS)


#: URL parameters other pages own, kept as they are (the analyst's name, from the sidebar).
KEEP_PARAMS = ("analyst",)


#: Session keys: what is on screen; a state a control asked for, not yet drawn; the step count
#: on screen; this session's token for the key component and the number of its last press applied.
SHOWN, ASKED, TOTAL, TOKEN, PRESSED = (f"{KEY}_{k}" for k in ("shown", "asked", "total", "token", "pressed"))


def _set_params(ps: PresentState) -> None:
    """Make the URL say exactly ``ps`` (and nothing else but ``KEEP_PARAMS``).

    Written whole on every run, not only where the request's URL differs: that URL can be older
    than what the browser shows by now, and a write skipped as "unchanged" would leave it stale.
    (The browser adds a history entry only when the address actually changes.)
    """
    kept = {k: st.query_params[k] for k in KEEP_PARAMS if k in st.query_params}
    st.query_params.from_dict({**ps.params(), **kept})


def _from_url() -> PresentState:
    return PresentState.from_params(st.query_params.to_dict())


def _shown() -> PresentState:
    """What is on screen: the state every control steps from (the request's URL may lag behind)."""
    shown = st.session_state.get(SHOWN)
    return shown if isinstance(shown, PresentState) else _from_url()


def _ask(ps: PresentState) -> None:
    """Show ``ps`` from this run on (a callback's answer; the URL follows at the end of the run)."""
    st.session_state[SHOWN] = st.session_state[ASKED] = ps


def _on_article() -> None:
    # hand-picked attributions belong to the previous article: a new article starts without them
    _ask(PresentState(article=st.session_state[f"{KEY}_article"], notes=_shown().notes))


def _on_view() -> None:
    view = st.session_state[f"{KEY}_view"] or "all"
    _ask(replace(_shown(), view=view, step=0))


def _on_source() -> None:
    src = st.session_state[f"{KEY}_source"]
    _ask(replace(_shown(), source=None if src == ALL else src, step=0))


def _on_notes() -> None:
    _ask(replace(_shown(), notes=bool(st.session_state[f"{KEY}_notes"])))


def _on_picks() -> None:
    _ask(replace(_shown(), picks=tuple(sorted(st.session_state[f"{KEY}_picks"] or ())), step=0))


def _on_step(delta: int | None, total: int) -> None:
    """A step button pressed where no browser counts presses (AppTest; the browser's own clicks
    go through the key component)."""
    ps = _shown()
    _ask(replace(ps, step=0) if delta is None else ps.stepped(delta, total))


def _on_presses() -> None:
    """The key component's numbered presses: apply each one not applied yet, in order."""
    value = st.session_state.get(f"{KEY}_keys") or {}
    presses = value.get("presses") if hasattr(value, "get") else None
    if not isinstance(presses, dict) or presses.get("token") != st.session_state.get(TOKEN):
        return
    ps, last = apply_presses(_shown(), presses.get("events"), st.session_state.get(PRESSED, 0),
                             st.session_state.get(TOTAL, 0))
    st.session_state[PRESSED] = last
    _ask(ps)


def _spotlight_html(text: str, attributions, index: int | None, number: int, total: int) -> str:
    if index is None:
        what = f"{total} attribution{'s' * (total != 1)} to step through" if total else "Nothing to step through"
        hint = " · → next, ← previous, Home: overview" if total else ""
        return f'<div class="sl-spot sl-overview"><div class="sl-spot-head">Overview · {esc(what)}{hint}</div></div>'
    a = attributions[index]
    src = "; ".join(source_names(a, text))
    content = CONTENT_JOINER.join(p.text(text) for p in a.content)
    return (
        f'<div class="sl-spot" data-att="{index}"><div class="sl-spot-head">'
        f'<span>{number} / {total}</span> · <span class="sl-spot-src">{esc(src)}</span> '
        f"({esc(type_label(a.source_type))})</div>"
        f'<div class="sl-spot-kind">{esc(KIND_PHRASES.get(a.kind, a.kind))} · cue “{esc(a.cue.text(text))}”'
        f" · #{index + 1} in the article</div>"
        f'<div class="sl-spot-text">{esc(content)}</div></div>'
    )


def page() -> None:
    # Briefing mode opens with the editing sidebar folded away; its » control brings it back.
    st.set_page_config(initial_sidebar_state="collapsed")
    store = state.get_store()
    labels = library_labels()
    if labels is None:
        return
    # A control's answer wins over the request's URL, which may be from before the last run; with
    # none, the URL is the state (a deep link, a reload, or arriving from another page).
    asked = st.session_state.get(ASKED)
    ps = asked if isinstance(asked, PresentState) else _from_url()
    if ps.article not in labels:
        if ps.article is not None:
            st.warning(f"The link asks for article {md(repr(ps.article))}, which is not in this library; "
                       "showing another.")
        ps = PresentState(article=state.open_article_id(labels) or next(iter(labels)), notes=ps.notes)
    state.remember_article(ps.article)

    with pending.waiting(key=KEY, retry_ids=[ps.article]) as wait:
        opened = state.open_article(ps.article)
    if wait.shown:
        return
    if opened is None:
        st.error(f"Article {md(ps.article)} is not in the library.")
        return
    article, analysis = opened
    text, atts = article.text, analysis.attributions
    df, _tree, profile = page_cache.breakdown(article.id, text, atts)  # shared by every session
    sources = [str(s) for s in df["source"]]
    if ps.source is not None and ps.source not in sources:
        st.warning(f"{md(repr(ps.source))} is not cited in this article; stepping through every source.")
        ps = replace(ps, source=None, step=0)
    if any(i >= len(atts) for i in ps.picks):
        st.warning("The link hand-picks attributions this article does not have; they are left out.")
        ps = replace(ps, picks=tuple(i for i in ps.picks if i < len(atts)), step=0)
    steps = presentation_steps(text, atts, source=ps.source, view=ps.view, picks=ps.picks)
    if ps.step > len(steps):
        ps = replace(ps, step=len(steps))
    st.session_state[SHOWN] = ps
    st.session_state[TOTAL] = len(steps)
    _set_params(ps)

    # Widgets take their values from the URL (the deep link), and write it back when changed.
    st.session_state[f"{KEY}_article"] = ps.article
    st.session_state[f"{KEY}_view"] = ps.view
    st.session_state[f"{KEY}_source"] = ps.source or ALL
    st.session_state[f"{KEY}_notes"] = ps.notes
    st.session_state[f"{KEY}_picks"] = list(ps.picks)
    with st.sidebar:
        st.selectbox("Article", list(labels), format_func=labels.get, key=f"{KEY}_article", on_change=_on_article)
        st.segmented_control(
            "Step through", PRESENT_VIEWS, format_func=VIEW_LABELS.get, key=f"{KEY}_view", on_change=_on_view
        )
        st.selectbox("Spotlight one source", [ALL, *sources], key=f"{KEY}_source", on_change=_on_source)
        titles = {i: attribution_title(text, a, i + 1) for i, a in enumerate(atts)}
        st.multiselect(
            "Only these attributions",
            list(titles),
            format_func=titles.get,
            key=f"{KEY}_picks",
            on_change=_on_picks,
            placeholder="hand-pick some (optional)",
            help="Step through just the attributions chosen here (with the kind and source above).",
        )
        st.toggle(
            "Show shareable notes",
            key=f"{KEY}_notes",
            on_change=_on_notes,
            help="Only notes an analyst marked shareable; private notes are never shown here.",
        )
        link = f"{base_url()}/present?{urlencode(ps.params())}"
        st.caption("Link to this view (article, subset and step):")
        st.code(link, language=None, wrap_lines=True)

    total = len(steps)
    focus = steps[ps.step - 1] if ps.step else None
    # Buttons as wide as their labels, side by side (never "Pre…" on a 1280-pixel projector).
    bar = st.container(horizontal=True, vertical_alignment="center", key=f"{KEY}_bar")
    prev_col = next_col = home_col = where_col = bar
    # ← → Home are counted by the key component (below), not by st.button(shortcut=...): Streamlit
    # merges button presses made while a run draws into one.
    prev_col.button(
        "Previous",
        icon=":material/arrow_back:",
        help="← or Page Up",
        key=f"{KEY}_prev",
        disabled=ps.step == 0,
        on_click=_on_step,
        args=(-1, total),
        width="content",
    )
    next_col.button(
        "Next",
        icon=":material/arrow_forward:",
        help="→ or Page Down",
        key=f"{KEY}_next",
        type="primary",
        disabled=ps.step >= total,
        on_click=_on_step,
        args=(1, total),
        width="content",
    )
    home_col.button(
        "Overview",
        icon=":material/home:",
        help="Home",
        key=f"{KEY}_home",
        disabled=ps.step == 0,
        on_click=_on_step,
        args=(None, total),
        width="content",
    )
    # Presentation clickers send Page Down / Page Up: the key component counts them as → and ←.
    token = st.session_state.setdefault(TOKEN, secrets.token_hex(8))
    with st.container(key=f"{KEY}_keys_box"):
        _keys()(key=f"{KEY}_keys", data={"token": token}, on_presses_change=_on_presses)
    subset = [VIEW_LABELS[ps.view]] + ([ps.source] if ps.source else []) + (["hand-picked"] if ps.picks else [])
    where_col.markdown(f"**Step {ps.step} of {total}** · {' · '.join(md(x) for x in subset)}"
                       " · :gray[keys ← → Home]")
    text_col, side = st.columns([3, 2], gap="large")
    with text_col:
        # The text scrolls in its own box, so the spotlight card and the chart stay in view.
        box = st.container(height=TEXT_HEIGHT, border=False, key=f"{KEY}_text")
        stepping = " sl-stepping" if focus is not None else ""
        box.html(
            CSS
            + f'<div class="sl-present{stepping}">'
            + reading_html(
                article,
                analysis,
                labels=(),
                attribution_filter=set(steps) if (ps.source or ps.view != "all" or ps.picks) else None,
                focus=focus,
            )
            + "</div>"
        )
        if focus is not None:
            _scroller()(key=f"{KEY}_scroll_{focus}", data={"att": int(focus)})
    with side:
        st.html(_spotlight_html(text, atts, focus, ps.step, total))
        st.markdown("#### Sourcing profile")
        st.html(f"<div style='font-size:1.15rem'>{esc(profile)}</div>")
        # Projector sizes; the type squares on the axis already say the type, so only kinds get a legend.
        fig = page_cache.sources_chart(article.id, text, atts, hide_type_legend=True,
                                       layout={"font": {"size": 16}, "legend": {"title_text": ""}})
        st.plotly_chart(fig, key=f"{KEY}_chart", width="stretch", config={"displayModeBar": False})
        if ps.notes:
            st.markdown("#### Shareable notes")
            notes = shareable_notes(store, article.id)
            if not notes:
                st.caption("No notes on this article are marked shareable.")
            items = "".join(
                f"<p>{'On <q>' + esc(n.quote) + '</q>: ' if n.quote else ''}{esc(n.text)} "
                f"<small>— {esc(n.analyst)}, {esc(str(n.at)[:10])}</small></p>"
                for n in notes
            )
            if items:
                st.html(f'<div class="sl-present-notes">{items}</div>')
    # Drawn, and the URL written: from here the URL says it (until the next control asks).
    st.session_state.pop(ASKED, None)


page()
