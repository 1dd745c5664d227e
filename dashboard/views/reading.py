"""Reading view: the article with entities and attributions inline, panels beside it.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import contextlib
import zlib

import streamlit as st

from components.entities import DEFAULT_LABELS, LABEL_NAMES
from components.render import attribution_title, esc, legend_html, preview_html, reading_html
from components.textsafe import md
from dashboard import pending, state
from dashboard.widgets import library_labels

# pandas, plotly (the breakdown chart), the review queue and the Similar and Story panels are
# imported by the functions that draw an analysed article: a first start shows the text of an
# article still being analysed without waiting for them.

NONE = "—"
# The side panel is about 360 px wide at 1440 px with the sidebar open (less the 30-px tick
# column of a selectable table): each table shows its essential columns in pixel widths that fit
# it, with no horizontal scrolling; the rest of the frame stays with the data (the Sources page
# and Annotate show it all).
BREAKDOWN_LABELS = {
    "source": st.column_config.TextColumn("Source", width=90),
    "type": st.column_config.TextColumn("Type", width=74),
    "attributions": st.column_config.NumberColumn("All", help="Attributions to this source", width=40),
    "direct": st.column_config.NumberColumn("Dir.", help="Direct quotes", width=40),
    "indirect": st.column_config.NumberColumn("Rep.", help="Reported speech", width=40),
    "mixed": st.column_config.NumberColumn("Mix.", help="Mixed: partly quoted", width=40),
}
CLAIM_LABELS = {
    "#": st.column_config.NumberColumn("#", help="Its number in the article (Who said what tab)", width=32),
    "content": st.column_config.TextColumn("What was said", width=236),
    "cue": st.column_config.TextColumn("Cue", width=88),
}
ATTRIBUTION_LABELS = {
    "#": st.column_config.NumberColumn("#", width=32),
    "Source": st.column_config.TextColumn("Source", width=100),
    "Said": st.column_config.TextColumn("What was said", width=224),
}
NESTED_MARK = "↳ "
#: The entity types this session chose, kept across articles (the pills' own state is not).
KEPT_LABELS = "_read_labels_kept"


def choose_article(*, key: str) -> str | None:
    """Sidebar picker of the library's articles; the choice is kept in the URL (``?article=``)."""
    labels = library_labels()
    if labels is None:
        return None
    ids = list(labels)
    wanted = st.query_params.get("article")
    if wanted is not None and wanted not in labels:
        st.warning(f"The link asks for article {md(repr(wanted))}, which is not in this library; showing another.")
    if wanted not in labels:
        wanted = state.open_article_id(labels)  # the article open on the last page, else the seed
    url_article = st.query_params.get("article")
    if st.session_state.get(f"{key}_article") not in labels:
        st.session_state[f"{key}_article"] = wanted
    elif url_article in labels and url_article != st.session_state.get(f"{key}_url_seen"):
        # The URL changed from outside (a link was followed): it wins over the last choice.
        st.session_state[f"{key}_article"] = url_article
    with st.sidebar:
        choice = st.selectbox(
            "Article", ids, format_func=labels.get, key=f"{key}_article", help="Type to search titles"
        )
    state.remember_article(choice)
    st.session_state[f"{key}_url_seen"] = choice
    return choice


def entity_panel(analysis, *, key: str) -> str | None:
    """One row per real-world entity; choosing one (its table row, or the list) marks its mentions.

    Returns the chosen group id."""
    import pandas as pd

    groups = sorted(analysis.groups, key=lambda g: (-len(g.mentions), g.name))
    if not groups:
        st.caption("No named entities found.")
        return None
    df = pd.DataFrame(
        {
            "Entity": [g.name for g in groups],
            "Type": [LABEL_NAMES.get(g.label, g.label) for g in groups],
            "Mentions": [len(g.mentions) for g in groups],
        }
    )
    options = [NONE] + [g.id for g in groups]
    names = {g.id: f"{g.name} ({LABEL_NAMES.get(g.label, g.label)}, {len(g.mentions)})" for g in groups}
    # The table is drawn below the list but read first: a ticked row drives the list's value.
    rows = st.session_state.get(f"{key}_table", {}).get("selection", {}).get("rows", [])
    ticked = groups[rows[0]].id if rows and rows[0] < len(groups) else None
    if ticked != st.session_state.get(f"{key}_ticked"):
        st.session_state[f"{key}_ticked"] = ticked
        st.session_state[f"{key}_group"] = ticked or NONE
    chosen = st.selectbox(
        "Mark an entity's mentions", options, format_func=lambda i: names.get(i, i), key=f"{key}_group"
    )
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        height=320,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_table",
    )
    return None if chosen == NONE else chosen


def _clicked_source(event) -> str | None:
    """The source name of a clicked bar (bars carry the full name as their y value)."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    for p in points or []:
        name = p.get("y") if isinstance(p, dict) else None
        if name:
            return str(name)
    return None


def _table_source(key: str, names: list[str]) -> str | None | bool:
    """The source of the breakdown table's selected row (None: selection cleared; False: the
    table's selection has not changed since the last run)."""
    event = st.session_state.get(f"{key}_table")
    try:
        rows = list(event["selection"]["rows"])
    except (KeyError, TypeError):
        rows = []
    seen = st.session_state.get(f"{key}_table_seen", [])
    if rows == seen:
        return False
    st.session_state[f"{key}_table_seen"] = rows
    return names[rows[0]] if rows and rows[0] < len(names) else None


def sources_panel(article, analysis, *, key: str) -> list[int] | None:
    """Breakdown of the article's sourcing; choosing a source (a chart bar, a table row or the
    list) returns its attribution indices and lists them. Choosing the same bar or row again
    clears the choice. Claims inside another source's report are shown again under it (↳)."""
    from components.sources import attribution_indices_for, attributions_of
    from dashboard import page_cache  # pandas and plotly: only once an analysed article is drawn

    atts = analysis.attributions
    if not atts:
        st.caption("No attributions found in this article.")
        return None
    # Built once per article and its corrected attributions, shared by every session (page_cache).
    df, tree, profile = page_cache.breakdown(article.id, article.text, atts)
    st.markdown(f"**Sourcing profile** · {md(profile)}")
    # A narrow side panel: the type squares on the axis and the table's Type column say the type, so
    # only the kinds get a legend (both legends stacked left the bars a few pixels tall).
    fig = page_cache.sources_chart(article.id, article.text, atts, hide_type_legend=True,
                                   layout={"legend": {"title_text": "", "orientation": "h"}})
    event = st.plotly_chart(
        fig,
        key=f"{key}_chart",
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )
    options = [NONE] + list(df["source"])
    clicked = _clicked_source(event)
    if clicked != st.session_state.get(f"{key}_clicked"):
        # A new click (or a click that cleared the chart's selection) drives the list below.
        st.session_state[f"{key}_clicked"] = clicked
        st.session_state[f"{key}_source"] = clicked if clicked in options else NONE
    row_source = _table_source(key, list(tree["source"]))
    if row_source is not False:
        # A row chosen (or unchosen) in the table below, on the last run.
        st.session_state[f"{key}_source"] = row_source if row_source in options else NONE
    wanted = st.query_params.get("source")
    if wanted in options and f"{key}_source" not in st.session_state:
        st.session_state[f"{key}_source"] = wanted
    chosen = st.selectbox("Show only one source's attributions", options, key=f"{key}_source")
    if chosen == NONE:
        st.query_params.pop("source", None)
    else:
        st.query_params["source"] = chosen
    view = tree.copy()
    view["source"] = [NESTED_MARK + n if lv else n for n, lv in zip(view["source"], view["level"], strict=True)]
    view["cues"] = view["cues"].map(lambda c: ", ".join(c) if isinstance(c, list | tuple) else c)
    view["reported_by"] = view["reported_by"].fillna("")
    order = ["source", "type", "attributions", "direct", "indirect", "mixed", "words", "cues", "reported_by"]
    st.dataframe(
        view[order],
        hide_index=True,
        width="stretch",
        column_config=BREAKDOWN_LABELS,
        column_order=tuple(BREAKDOWN_LABELS),
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_table",
    )
    if chosen == NONE:
        return None
    claims = attributions_of(article.text, atts, chosen)
    claims.insert(0, "#", claims["attribution_index"] + 1)
    st.markdown(f"**{md(chosen)}**, in reading order")
    st.dataframe(
        claims.drop(columns=["attribution_index", "start", "end"]),
        hide_index=True,
        width="stretch",
        column_config=CLAIM_LABELS,
        column_order=tuple(CLAIM_LABELS),
    )
    return attribution_indices_for(atts, chosen)


def attribution_panel(article, analysis, *, key: str) -> int | None:
    """Every attribution in reading order; choosing one spotlights it and shows its details."""
    import pandas as pd

    atts = analysis.attributions
    if not atts:
        st.caption("No attributions found in this article.")
        return None
    text = article.text
    titles = {i: attribution_title(text, a, i + 1) for i, a in enumerate(atts)}
    wanted = st.query_params.get("att")
    if wanted is not None and f"{key}_att" not in st.session_state:
        # Deep link to a passage: ?article=ID&att=INDEX spotlights that attribution.
        st.session_state[f"{key}_att"] = int(wanted) if wanted.isdigit() and int(wanted) in titles else NONE
    chosen = st.selectbox(
        "Spotlight an attribution", [NONE] + list(titles), format_func=lambda i: titles.get(i, i), key=f"{key}_att"
    )
    if chosen == NONE:
        st.query_params.pop("att", None)
    else:
        st.query_params["att"] = str(chosen)
        a = atts[chosen]
        st.html(
            # the bottom margin keeps the table's toolbar (shown above the table on hover) off the card
            f'<div class="sl-spotlit" style="font-family:system-ui,sans-serif;margin-bottom:2.2rem">'
            f"<b>#{chosen + 1}</b> · source "
            f"<b>{esc(a.source_canonical or (a.source.text(text) if a.source else '—'))}</b> "
            f"({esc(a.source_type or 'unknown type')}) · cue <i>{esc(a.cue.text(text))}</i> · {esc(a.kind)}<br>"
            f"{esc(' … '.join(p.text(text) for p in a.content))}</div>"
        )
    # Who, and what was said, fit the 1440-px side panel; the chosen row's cue, kind and type are in the card.
    rows = [
        {
            "#": i + 1,
            "Source": a.source_canonical or (a.source.text(text) if a.source else NONE),
            "Said": " … ".join(p.text(text) for p in a.content),
            "Cue": a.cue.text(text),
            "Kind": a.kind,
            "Type": a.source_type or "",
            "Inside": (a.nested_in + 1) if a.nested_in is not None else None,
        }
        for i, a in enumerate(atts)
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config=ATTRIBUTION_LABELS,
        column_order=tuple(ATTRIBUTION_LABELS),  # cue, kind, type: in the spotlight card above
    )
    return None if chosen == NONE else chosen


def keep_panel_choices(names: tuple[str, ...]) -> None:
    """Keep the values of the lists ``names`` (widget keys) while their tab is closed: they are not
    drawn then, and Streamlit drops a widget's value at the end of a run that does not draw it.
    Writing the value back through Session State before any widget is drawn keeps it (Streamlit's
    documented way). Must run before the panels' widgets in the run."""
    for name in names:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def entity_choice(analysis, *, key: str) -> str | None:
    """The entity chosen in the Entities panel while its tab is closed (what entity_panel returns)."""
    st.session_state[f"{key}_ticked"] = None  # its table is not drawn: no row is ticked when it is again
    chosen = st.session_state.get(f"{key}_group", NONE)
    return chosen if any(g.id == chosen for g in analysis.groups) else None


def sources_choice(analysis, *, key: str) -> list[int] | None:
    """The attributions of the source chosen in the Sources panel while its tab is closed (what
    sources_panel returns)."""
    from components.sources import attribution_indices_for

    # Neither the chart nor the table is drawn: when they are again, nothing is clicked or ticked,
    # and that is not a new choice.
    st.session_state[f"{key}_clicked"] = None
    st.session_state[f"{key}_table_seen"] = []
    chosen = st.session_state.get(f"{key}_source", st.query_params.get("source", NONE))
    if chosen == NONE or not analysis.attributions:
        return None
    return attribution_indices_for(analysis.attributions, chosen) or None


def attribution_choice(analysis, *, key: str) -> int | None:
    """The attribution spotlighted in the Who-said-what panel while its tab is closed."""
    chosen = st.session_state.get(f"{key}_att", NONE)
    return chosen if isinstance(chosen, int) and 0 <= chosen < len(analysis.attributions) else None


#: Scrolls the reading view to the spotlighted passage (``data.att``) or to the first passage of
#: the one source shown (``data.first``), once per choice (the component's key names the choice).
SCROLL_JS = """
export default function (component) {
  const data = component.data || {};
  const att = Number(data.att);
  let tries = 0;
  const go = () => {
    const el = Number.isInteger(att)
      ? document.querySelector(`.sl-article .sl-content.sl-focus[data-att="${att}"]`)
      : document.querySelector(".sl-article .sl-content");
    if (el) { el.scrollIntoView({ block: "center" }); return; }
    if (++tries < 80) setTimeout(go, 50);
  };
  go();
}
"""


@st.cache_resource
def _scroller():
    """The scrolling component, registered once per process (re-registering logs a warning)."""
    return st.components.v2.component("sourcelight_read_scroll", js=SCROLL_JS)


def _deep_link_tab() -> None:
    """A link that arrives with ``&att=N`` opens the Who-said-what tab, with ``&source=`` the
    Sources tab (only on arrival: afterwards the reader's own tab choice stands)."""
    if st.query_params.get("att") is not None and "read_att_att" not in st.session_state:
        st.session_state["read_tab"] = "Who said what"
    elif st.query_params.get("source") is not None and "read_src_source" not in st.session_state:
        st.session_state["read_tab"] = "Sources"


def _spotlight_caption(article, analysis, focus: int | None, only) -> None:
    """Say, above the text, which attribution is spotlighted (or whose are shown), and scroll there."""
    text, atts = article.text, analysis.attributions
    if focus is not None and focus < len(atts):
        st.info(f"Spotlighted: {md(attribution_title(text, atts[focus], focus + 1))}", icon=":material/flashlight_on:")
        _scroller()(key=f"read_scroll_{article.id[:12]}_{focus}", data={"att": int(focus)})
    elif only:
        source = st.session_state.get("read_src_source")
        st.info(f"Showing only {md(str(source))}'s {len(only)} attribution{'s' * (len(only) != 1)}.",
                icon=":material/filter_alt:")
        _scroller()(key=f"read_scroll_{article.id[:12]}_src_{zlib.crc32(str(source).encode())}", data={"first": True})


def page() -> None:
    article_id = choose_article(key="read")
    if article_id is None:
        return
    notice = st.container()
    preview = None
    ready = state.analysis_ready(article_id)  # asked once a run: open_effective is told
    if not ready:
        # A new article, or a first start: its text can be read while it is analysed (and, on a
        # first start, while the language model loads); the marked view then replaces it.
        article = state.get_store().get_article(article_id)
        if article is not None:
            preview = st.empty()
            with preview.container():
                st.html(preview_html(article))
    # The spinner only when there is an analysis to wait for: each st.spinner starts a thread, and
    # starting one waits for it to run (a wait that grew to tenths of a second under load).
    analysing = (st.spinner("Analysing this article: names and who said what appear in a few seconds…")
                 if not ready else contextlib.nullcontext())
    with notice, pending.waiting(key="read", retry_ids=[article_id]) as wait, analysing:
        opened = state.open_effective(article_id, ready=ready)
    if wait.shown:
        return  # the text stays readable under the pending note; the page fills in by itself
    if preview is not None:
        preview.empty()
    if opened is None:
        st.error(f"Article {md(article_id)} is not in the library.")
        return
    from components.attribution.review import review_queue, source_decisions, unsure_reasons
    from dashboard.similar_panel import show_similar, show_similar_claims
    from dashboard.story_panel import show_article_story

    article, (analysis, provenance, unanchored) = opened
    for u in unanchored:
        st.warning(
            "An analyst's correction no longer fits the text after re-analysis: "
            f"{md(u.correction.summary)} — {md(u.reason)}"
        )
    if st.session_state.get("read_current") != article_id:
        if st.session_state.get("read_current") is not None:
            # Another article: choices made on the previous one no longer apply, nor do its deep-link parts.
            for k in (
                "read_src_source",
                "read_src_clicked",
                "read_src_table",
                "read_src_table_seen",
                "read_att_att",
                "read_ent_group",
                "read_ent_table",
                "read_ent_ticked",
            ):
                st.session_state.pop(k, None)
            for k in ("att", "source"):
                st.query_params.pop(k, None)
        st.session_state["read_current"] = article_id

    present = [lb for lb in LABEL_NAMES if any(e.label == lb for e in analysis.entities)]
    # The entity types chosen stay chosen from article to article (a type this article lacks keeps
    # its choice for the next one that has it).
    kept = set(st.session_state.get(KEPT_LABELS, DEFAULT_LABELS))
    if "read_labels" not in st.session_state or set(st.session_state["read_labels"]) - set(present):
        st.session_state["read_labels"] = [lb for lb in present if lb in kept]
    with st.sidebar:
        labels = st.pills(
            "Entity types",
            present,
            selection_mode="multi",
            format_func=lambda lb: LABEL_NAMES.get(lb, lb),
            key="read_labels",
        )
        st.session_state[KEPT_LABELS] = sorted((kept - set(present)) | set(labels))
        show_atts = st.toggle("Show who said what", value=True, key="read_show_atts")
        type_labels = st.toggle(
            "Type labels", value=False, key="read_type_labels",
            help="Print each name's type after it. The legend, hovering a name or tabbing to it say the type too.",
        )
        if st.button(
            "Present this article",
            icon=":material/co_present:",
            key="read_present",
            help="Briefing mode for a projector or a screen share: large type, step through the attributions",
            width="stretch",
        ):
            # single-user mode keeps the sidebar name in the URL; signed in, the URL names nobody
            who = {"analyst": state.analyst()} if state.analyst() and not state.signed_in_mode() else {}
            st.switch_page("views/present.py", query_params={"article": article_id, **who})
        decided = source_decisions(state.get_corrections().corrections(article_id))
        unsure = unsure_reasons(review_queue(article, analysis, provenance, decided=decided))
        if unsure and st.button(f"Review {len(unsure)} unsure attribution{'s' * (len(unsure) != 1)}",
                                icon=":material/rule:", key="read_review", width="stretch",
                                help="Step through the sources the machine is unsure of, and settle each"):
            who = {"analyst": state.analyst()} if state.analyst() and not state.signed_in_mode() else {}
            st.switch_page("views/review.py", query_params={"article": article_id, **who})

    _deep_link_tab()
    keep_panel_choices(("read_ent_group", "read_src_source", "read_att_att"))
    text_col, side = st.columns([3, 2], gap="large")
    with side:
        # Only the open tab is drawn (its tables, chart and lists are most of a run's elements, and
        # each one is sent and drawn again on every rerun). A closed panel's choice still marks the
        # text: the entity, the one source, the spotlighted attribution stay chosen (keep_panel_choices).
        ent_tab, src_tab, att_tab, sim_tab, story_tab = st.tabs(
            ["Entities", "Sources", "Who said what", "Similar", "Story"], key="read_tab", on_change="rerun"
        )
        if ent_tab.open is not False:
            with ent_tab:
                group = entity_panel(analysis, key="read_ent")
        else:
            group = entity_choice(analysis, key="read_ent")
        if src_tab.open is not False:
            with src_tab:
                only = sources_panel(article, analysis, key="read_src")
        else:
            only = sources_choice(analysis, key="read_src")
        if att_tab.open is not False:
            with att_tab:
                focus = attribution_panel(article, analysis, key="read_att")
        else:
            focus = attribution_choice(analysis, key="read_att")
        if sim_tab.open:
            with sim_tab:
                show_similar(article, analysis, key="read_sim")
                st.markdown("**Find similar claims**")
                show_similar_claims(article, analysis, focus, key="read_claims")
        if story_tab.open:
            with story_tab:
                show_article_story(article.id, key="read_story")
    with text_col:
        _spotlight_caption(article, analysis, focus, only)
        st.html(
            legend_html(labels, attributions=show_atts)
            + reading_html(
                article,
                analysis,
                labels=labels,
                selected_group=group,
                show_attributions=show_atts,
                attribution_filter=only,
                focus=focus,
                provenance=provenance,
                type_labels=type_labels,
                unsure=unsure,
            )
        )
        if article.url:
            st.caption(f"Original: {md(article.url)}")


page()
