"""Sources across the library: who is cited, how often, by which outlets, and what they said.

Everything on this page comes from stored analyses with analysts' corrections applied
(``components.effective.library_attributions``, the read path every view shares): the long frame of every
attribution (``components.sources.corpus_attributions``) is built once per library state and kept
with ``st.cache_data``, keyed on the database, the analysis version, a fingerprint of the analysed
articles and the state of the corrections, so reruns (filters, choosing a source) only narrow and
fold that frame. Articles not yet analysed are counted, named as such, and can be analysed from
here. The chosen source lives in the
URL (``?source=NAME``) so a view can be shared; links open the reading view at one attribution
(``./read?article=ID&att=INDEX``, INDEX counting the article's attributions from 0).

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from components.charts import (
    corpus_sources_figure,
    outlet_unnamed_figure,
    source_timeline_figure,
    type_label,
)
from components.effective import corrections_stamp, library_attributions
from components.errors import BadInput
from components.records import SOURCE_TYPES
from components.sources import (
    corpus_breakdown,
    filter_corpus,
    outlet_unnamed_share,
    source_articles,
    source_timeline,
    what_has_source_said,
)
from components.textsafe import md
from dashboard import state
from dashboard.pending import show_pending
from dashboard.widgets import EMPTY_LIBRARY, plotly_chart, read_link

KEY = "src"
NONE = "—"
PERIODS = {"D": "Day", "W": "Week", "M": "Month"}


# --------------------------------------------------------------------------- data


def _fingerprint(ids: set[str]) -> str:
    return hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()


@st.cache_data(show_spinner="Reading stored analyses…", max_entries=8)
def corpus_frame(db_url: str, version: str, fingerprint: str, corrections: str) -> pd.DataFrame:
    """The long frame of every attribution, analysts' corrections applied (recomputed only when
    the key changes).

    ``db_url``, ``fingerprint`` (a hash of the analysed article ids) and ``corrections``
    (``components.effective.corrections_stamp``: it changes with every correction or undo) are only
    cache keys: the frame is read from the app's store through the one read path.
    """
    skipped: list = []
    long = library_attributions(state.get_store(), version, skipped=skipped)
    long.attrs["skipped"] = [(a.id, a.title, problem) for a, problem in skipped]
    return long


@st.cache_data(show_spinner=False, max_entries=64)
def _breakdown(long: pd.DataFrame) -> pd.DataFrame:
    return corpus_breakdown(long)


# --------------------------------------------------------------------------- panels


_DAY_MS = 86_400_000
# period → (tick format, tick step, bar width in ms)
_TICKS = {
    "D": ("%Y-%m-%d", _DAY_MS, 0.8 * _DAY_MS),
    "W": ("%Y-%m-%d", 7 * _DAY_MS, 0.8 * 7 * _DAY_MS),
    "M": ("%b %Y", "M1", 0.8 * 30 * _DAY_MS),
}


def _readable_dates(fig, freq: str):
    """Bars one period wide and date ticks at the period's grain (no clock times)."""
    fmt, step, width = _TICKS.get(freq, _TICKS["M"])
    xs = [x for trace in fig.data for x in (trace.x or ())]
    fig.update_xaxes(tickformat=fmt)
    fig.update_traces(width=width, offset=0, selector={"type": "bar"})  # a bar covers its period
    if len(xs) <= 3:  # plotly would otherwise tick every few hours around one or two bars
        fig.update_xaxes(dtick=step, ticklabelmode="instant")
        if len(xs) == 1:
            one = pd.Timestamp(xs[0])
            pad = pd.DateOffset(months=1) if freq == "M" else pd.Timedelta(days=7 if freq == "W" else 1)
            fig.update_xaxes(range=[one - pad, one + pad])
    return fig


def analysis_status(store, version: str, *, key: str) -> tuple[int, set[str]]:
    """Says how many articles are not analysed yet, with a button that analyses them.

    Returns:
        (number of articles in the library, ids of the analysed ones).
    """
    summaries = store.list_articles()
    done = store.analysed_ids(version)
    missing = [s.id for s in summaries if s.id not in done]
    finished = st.session_state.pop(f"{key}_analysed", None)
    if finished is not None:
        st.success(f"Analysed {finished} article{'s' if finished != 1 else ''}.")
    if not summaries or not missing:
        return len(summaries), done
    n = len(missing)
    status = state.worker_status()
    if status is not None:  # the background worker is on it: say how far, no button
        pending = status.pending_text("analysis") or f"Analysing {n} articles: starting"
        st.info(
            f"{pending}. Everything below covers the {len(done)} articles analysed so far and "
            "fills in by itself when the rest are done.",
            icon=":material/pending:",
        )
        return len(summaries), done
    in_flight = state.analysis_in_flight(missing)
    if in_flight:  # the pool is on it (this button, or another session's): say so, fill in when done
        show_pending(in_flight, {s.id: s.title or s.id for s in summaries}, key=key)
        return len(summaries), done
    for message in list(state.analysis_failures(missing).values())[:5]:
        st.error(md(message), icon=":material/error:")
    st.warning(
        f"**{n} of {len(summaries)} articles are not analysed yet** and are left out of "
        "everything below. Analysing takes a fraction of a second per article.",
        icon=":material/pending:",
    )
    with st.expander(f"Which {'ones' if n != 1 else 'one'}"):
        waiting = pd.DataFrame(
            [
                {"open": read_link(s.id), "title": s.title or s.id, "outlet": s.outlet, "date": s.date}
                for s in summaries
                if s.id not in done
            ]
        )
        st.dataframe(
            waiting,
            hide_index=True,
            width="stretch",
            height="auto" if n <= 8 else 320,
            column_config={
                "open": st.column_config.LinkColumn("Open", display_text="Read ↗", width="small"),
                "title": st.column_config.TextColumn("Title", width="large"),
                "outlet": "Outlet",
                "date": "Date",
            },
        )
    if st.button(f"Analyse {n} article{'s' if n != 1 else ''}", key=f"{key}_analyse", type="primary"):
        bar = st.progress(0.0, text=f"Analysing 0 of {n}…")

        def tick(i: int, total: int) -> None:
            bar.progress(i / max(total, 1), text=f"Analysing {i} of {total}…")

        in_flight, _failed = state.ensure_analysed(missing, retry=True, progress=tick)
        if not in_flight:  # analysed here (SOURCELIGHT_ANALYSIS_PROCESS=0): say how many
            st.session_state[f"{key}_analysed"] = n - len(state.get_store().missing_analyses(state.version()))
        st.rerun()
    return len(summaries), done


def _follow_bounds(box_key: str, lo: date, hi: date) -> None:
    """Keep the date filter in step with the data: a range that covered all dates keeps covering
    all of them when more articles arrive (the background analysis widens the library under an
    open page); a narrowed range is kept, clipped to the dates there are."""
    bounds_key = f"{box_key}_bounds"
    old = st.session_state.get(bounds_key)
    if old == (lo, hi) and box_key in st.session_state:
        return
    current = st.session_state.get(box_key)
    current = tuple(current) if isinstance(current, list | tuple) else ()
    if old is None or len(current) != 2 or tuple(current) == old:
        st.session_state[box_key] = (lo, hi)
    else:
        start, end = max(current[0], lo), min(current[1], hi)
        st.session_state[box_key] = (start, end) if start <= end else (lo, hi)
    st.session_state[bounds_key] = (lo, hi)


def filters(long: pd.DataFrame, *, key: str) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Type, outlet and date filters.

    Returns:
        (rows matching every filter, rows matching outlet and dates only, whether any is set).
    """
    outlets = sorted({o for o in long["outlet"].dropna() if o})
    dates = long["date"].dropna()
    c1, c2, c3 = st.columns([2, 2, 2])
    with c1:
        types = st.multiselect(
            "Source type",
            list(SOURCE_TYPES),
            format_func=type_label,
            key=f"{key}_types",
            placeholder="All types",
        )
    with c2:
        chosen_outlets = st.multiselect(
            "Outlet",
            outlets,
            key=f"{key}_outlets",
            placeholder="All outlets",
        )
    start = end = None
    with c3:
        if not dates.empty:
            lo, hi = dates.min().date(), dates.max().date()
            _follow_bounds(f"{key}_dates", lo, hi)
            picked = st.date_input(
                "Articles dated",
                min_value=lo,
                max_value=hi,
                key=f"{key}_dates",
                help="Undated articles are left out as soon as the range is narrowed.",
            )
            picked = tuple(picked) if isinstance(picked, list | tuple) else (picked,)
            if len(picked) == 2 and (picked[0], picked[1]) != (lo, hi):
                start, end = picked
            elif len(picked) == 1 and isinstance(picked[0], date) and picked[0] != lo:
                start = picked[0]  # the user is picking the range's second end
    try:
        narrowed = filter_corpus(long, outlets=chosen_outlets or None, start=start, end=end)
        matching = filter_corpus(narrowed, types=types or None)
    except BadInput as exc:
        st.error(md(exc))
        return long, long, False
    return matching, narrowed, bool(types or chosen_outlets or start or end)


def _table(breakdown: pd.DataFrame) -> pd.DataFrame:
    view = breakdown.copy()
    view["type"] = view["type"].map(type_label)
    view["nested_in"] = view["nested_in"].fillna("")
    return view[
        [
            "source",
            "type",
            "attributions",
            "articles",
            "direct",
            "indirect",
            "mixed",
            "words",
            "outlets",
            "cues",
            "nested_in",
        ]
    ]


def _choose_from_chart(chart_key: str, options: list[str], box_key: str) -> None:
    """``on_select`` callback of the top-sources chart: a clicked bar chooses its source."""
    points = st.session_state[chart_key].selection.points
    names = [p.get("y") for p in points if p.get("y") in options]
    if names:
        st.session_state[box_key] = names[0]


def _choose_from_table(table_key: str, names: list[str], options: list[str], box_key: str) -> None:
    """``on_select`` callback of the top-sources table: a selected row chooses its source."""
    rows = st.session_state[table_key].selection.rows
    if rows and 0 <= rows[0] < len(names) and names[rows[0]] in options:
        st.session_state[box_key] = names[rows[0]]


def top_sources(breakdown: pd.DataFrame, options: list[str], *, key: str) -> None:
    """The most cited sources: a chart (click a bar to choose) and the full table."""
    box = f"{key}_source"
    top = st.slider("Sources in the chart", 5, 50, 20, step=5, key=f"{key}_top")
    plotly_chart(
        corpus_sources_figure(breakdown, top=top),
        key=f"{key}_chart",
        width="stretch",
        on_select=partial(_choose_from_chart, f"{key}_chart", options, box),
        selection_mode="points",
        config={"displaylogo": False},
        alt="Bar chart of the most cited sources, coloured by source type",
    )
    names = list(breakdown["source"])
    st.dataframe(
        _table(breakdown),
        hide_index=True,
        width="stretch",
        height=320,
        key=f"{key}_table",
        on_select=partial(_choose_from_table, f"{key}_table", names, options, box),
        selection_mode="single-row",
        # Pixel widths that add up to the table's width at 1440 px with the sidebar open (about
        # 975 px, less the 30-px tick column): every column in view, none scrolled off to the right.
        column_config={
            "source": st.column_config.TextColumn("Source", width=150),
            "type": st.column_config.TextColumn("Type", width=98),
            "attributions": st.column_config.NumberColumn("Claims", help="Claims attributed to the source", width=60),
            "articles": st.column_config.NumberColumn("Articles", help="Articles citing the source", width=60),
            "direct": st.column_config.NumberColumn("Direct", help="Direct quotes", width=56),
            "indirect": st.column_config.NumberColumn("Reported", help="Reported speech", width=70),
            "mixed": st.column_config.NumberColumn("Mixed", help="Mixed: partly quoted", width=52),
            "words": st.column_config.NumberColumn("Words", help="Words of attributed content", width=56),
            "outlets": st.column_config.ListColumn("Outlets", width=120),
            "cues": st.column_config.ListColumn("Cues", width=120),
            "nested_in": st.column_config.TextColumn("Reported by", help="Sources that relay this one", width=100),
        },
    )
    st.caption("Click a bar or a row to choose that source below.")


def choose_source(options: list[str], *, key: str) -> str | None:
    """The source picker; the choice is kept in the URL (``?source=NAME``)."""
    box = f"{key}_source"
    wanted = st.query_params.get("source")
    if box not in st.session_state:  # first run of this page: the URL decides
        if wanted and wanted not in options:
            st.warning(f"The link asks for source {md(repr(wanted))}, which no analysed article cites.")
        st.session_state[box] = wanted if wanted in options else NONE
    elif st.session_state[box] not in options and st.session_state[box] != NONE:
        st.session_state[box] = NONE  # the library changed under a stale choice
    choice = st.selectbox(
        "Source",
        [NONE] + options,
        key=box,
        help="Type to search; or click a bar or a row above",
    )
    if choice == NONE:
        st.query_params.pop("source", None)
        return None
    st.query_params["source"] = choice
    return choice


def source_detail(long: pd.DataFrame, name: str, filtered: bool, *, key: str) -> None:
    """One source: its articles, a timeline, and every attribution with a link to the passage."""
    said = what_has_source_said(long, name)
    if said.empty:
        st.info(f"{md(name)} is not cited in the articles the filters keep: widen the filters above.")
        return
    rows = long[long["source"] == name]
    kinds = rows["type"].dropna()
    src_type = kinds.mode().iat[0] if not kinds.empty else None
    st.markdown(
        f"**{md(name)}** · {md(type_label(src_type))} · {len(said)} attribution{'s' if len(said) != 1 else ''} "
        f"in {said['article_id'].nunique()} article{'s' if said['article_id'].nunique() != 1 else ''}"
        + (" (within the filters)" if filtered else "")
    )
    st.markdown("**Articles citing this source**")
    arts = source_articles(long, name)
    first_att = said.groupby("article_id", sort=False)["attribution_index"].first()
    arts["open"] = [read_link(a, first_att.get(a)) for a in arts["article_id"]]
    st.dataframe(
        arts[["open", "title", "outlet", "date", "attributions", "direct", "indirect", "mixed", "words"]],
        hide_index=True,
        width="stretch",
        key=f"{key}_articles",
        height="auto" if len(arts) <= 8 else 320,
        column_config={
            "open": st.column_config.LinkColumn(
                "Open",
                display_text="Read ↗",
                width="small",
                help="Opens the article at this source's first attribution",
            ),
            "title": st.column_config.TextColumn("Title", width="large"),
            "outlet": "Outlet",
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "attributions": "Attributions",
            "direct": "Direct",
            "indirect": "Indirect",
            "mixed": "Mixed",
            "words": "Words",
        },
    )
    head, pick = st.columns([3, 2], vertical_alignment="bottom")
    head.markdown("**When this source is cited**")
    with pick:
        freq = (
            st.segmented_control(
                "Period",
                list(PERIODS),
                format_func=PERIODS.get,
                default="M",
                key=f"{key}_period",
                required=True,
                label_visibility="collapsed",
            )
            or "M"
        )
    plotly_chart(
        _readable_dates(source_timeline_figure(source_timeline(long, name, freq), name, src_type), freq),
        key=f"{key}_timeline",
        width="stretch",
        config={"displaylogo": False},
        alt=f"Timeline of attributions to {name}",
    )
    st.markdown(f"#### What has {md(name)} said?")
    view = said.assign(
        open=[read_link(a, i) for a, i in zip(said["article_id"], said["attribution_index"], strict=True)],
        nested=said["nested"].fillna(""),
    )
    st.dataframe(
        view[["open", "date", "content", "cue", "kind", "nested", "title", "outlet"]],
        hide_index=True,
        width="stretch",
        key=f"{key}_said",
        column_config={
            "open": st.column_config.LinkColumn(
                "Open",
                display_text="At passage ↗",
                width="small",
                help="Opens the article with this attribution spotlighted",
            ),
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "title": st.column_config.TextColumn("Article", width="medium"),
            "outlet": "Outlet",
            "kind": "Kind",
            "cue": "Cue",
            "content": st.column_config.TextColumn("What was said", width="large"),
            "nested": st.column_config.TextColumn("Reported by", help="The source relaying this claim"),
        },
    )


def outlets_panel(narrowed: pd.DataFrame, *, key: str) -> None:
    """How often each outlet relies on unnamed sources (type filter not applied: it is the point)."""
    share = outlet_unnamed_share(narrowed)
    plotly_chart(
        outlet_unnamed_figure(share),
        key=f"{key}_outlets_chart",
        width="stretch",
        config={"displaylogo": False},
        alt="Share of each outlet's attributions from unnamed sources",
    )
    st.caption(
        'Share of each outlet\'s attributions whose source is unnamed ("officials said", '
        '"a source close to…") or missing; the outlet and date filters apply, the type filter does not.'
    )


# --------------------------------------------------------------------------- page


def page(*, key: str = KEY) -> None:
    st.title("Sources across the library")
    store = state.get_store()
    version = state.version()
    total, done = analysis_status(store, version, key=key)
    if total == 0:
        st.info(EMPTY_LIBRARY)
        return
    if not done:
        st.info(
            "No article is analysed yet: "
            + ("the background analysis is on it (above)." if state.worker_status()
               else "analyse them with the button above.")
        )
        return
    long = corpus_frame(store.url, version, _fingerprint(done), corrections_stamp(store))
    for aid, title, problem in long.attrs.get("skipped", []):
        st.warning(f"Left out: article {md(title or aid)} ({md(aid)}): {md(problem)}")
    st.caption(
        f"{len(done)} analysed articles · {long[['article_id', 'attribution_index']].drop_duplicates().shape[0]}"
        " attributions"
    )
    if long.empty:
        st.info("The analysed articles contain no attributions.")
        return
    options = list(_breakdown(long)["source"])

    matching, narrowed, filtered = filters(long, key=key)
    st.subheader("Top sources")
    breakdown = _breakdown(matching)
    if breakdown.empty:
        st.info("No attribution matches these filters.")
    else:
        top_sources(breakdown, options, key=key)

    st.subheader("One source")
    name = choose_source(options, key=key)
    if name is not None:
        source_detail(matching, name, filtered, key=key)

    st.subheader("Outlets and unnamed sources")
    outlets_panel(narrowed, key=key)


page()
