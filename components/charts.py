"""Pure chart builders: pandas frames from ``components.sources`` in, ``go.Figure`` out.

Nothing here renders or imports Streamlit; tests read ``fig.data`` and ``fig.layout``. Colours
are plain hex strings shared with the reading view's CSS: one per source *type*
(``TYPE_COLOURS``) and one per attribution *kind* (``KIND_COLOURS``). Every colour has a relative
luminance between 0.12 and 0.30, so it keeps at least 3:1 contrast against both a white page and
Streamlit's dark background (#0E1117). Figures carry no Plotly template and transparent
backgrounds; ``with_text_colour`` sets their text in the light or dark theme's text colour.
An empty frame gives a figure with an explanatory note, never an exception.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.errors import BadInput
from components.records import KINDS, SOURCE_TYPES

TYPE_COLOURS: dict[str, str] = {
    "person": "#0072B2",  # blue
    "official": "#009E73",  # bluish green
    "media": "#B8860B",  # dark goldenrod
    "unnamed": "#C0609A",  # magenta
}
"""One colour per source type, the same everywhere in the app (charts and reading view)."""

UNKNOWN_TYPE_COLOUR = "#8A8A8A"
"""For a source whose type is not known (neutral grey)."""

KIND_COLOURS: dict[str, str] = {
    "direct": "#D05A1A",  # vermilion: the source's own words
    "indirect": "#5F7F99",  # slate: reported speech
    "mixed": "#8E6BC7",  # purple: reported speech with a quoted fragment
}
"""One colour per attribution kind."""

TYPE_LABELS: dict[str, str] = {
    "person": "Named person",
    "official": "Official body",
    "media": "Media outlet",
    "unnamed": "Unnamed source",
}
KIND_LABELS: dict[str, str] = {
    "direct": "Direct quote",
    "indirect": "Indirect (reported)",
    "mixed": "Mixed",
}
UNKNOWN_TYPE_LABEL = "Type unknown"

GRID_COLOUR = "rgba(128, 128, 128, 0.25)"
"""Grid lines: a half-tone grey that reads on light and dark backgrounds alike."""

TRANSPARENT = "rgba(0, 0, 0, 0)"
LABEL_CHARS = 32
"""Source names longer than this are shortened on the axis (the hover shows them in full)."""

ROW_HEIGHT = 28
"""Pixels per bar in horizontal bar charts, so long lists stay readable."""


def type_colour(source_type: str | None) -> str:
    """The colour of a source type (grey when unknown)."""
    return TYPE_COLOURS.get(source_type or "", UNKNOWN_TYPE_COLOUR)


def type_label(source_type: str | None) -> str:
    """The human label of a source type."""
    return TYPE_LABELS.get(source_type or "", UNKNOWN_TYPE_LABEL)


def _short(name: str, limit: int = LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _escape(text: Any) -> str:
    """Plotly treats ``<``…``>`` in labels as markup: escape what came from the text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _neutral(fig: go.Figure, *, height: int) -> go.Figure:
    """No template, transparent backgrounds, half-tone grid: the theme supplies the rest."""
    fig.layout.template = None
    fig.update_layout(
        paper_bgcolor=TRANSPARENT,
        plot_bgcolor=TRANSPARENT,
        height=height,
        margin={"l": 8, "r": 16, "t": 40, "b": 40},
        hoverlabel={"namelength": -1},
    )
    fig.update_xaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, automargin=True)
    fig.update_yaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR, automargin=True)
    return fig


TEXT_COLOURS = {"light": "#1f2328", "dark": "#e6e6e6"}
"""The app theme's text colours (``.streamlit/config.toml``): 15:1 on its light and dark pages."""


def with_text_colour(fig: go.Figure, theme: str | None) -> go.Figure:
    """``fig`` with its text (ticks, axis titles, legend, notes) in the theme's text colour.

    Streamlit's chart theme draws tick labels in a mid grey (3.7:1 on white), short of the 4.5:1
    asked of small text; the app calls this with the theme in use (``"light"`` or ``"dark"``,
    anything else counts as light) before drawing a figure. Returns the same figure.
    """
    colour = TEXT_COLOURS.get(theme or "light", TEXT_COLOURS["light"])
    fig.update_layout(font_color=colour, legend_font_color=colour, legend_title_font_color=colour)
    axis = {"tickfont_color": colour, "title_font_color": colour}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_annotations(font_color=colour)
    return fig


def empty_figure(message: str) -> go.Figure:
    """A figure with no data and ``message`` in its middle (hidden axes).

    Args:
        message: what the reader should know, e.g. "No attributions found in this article."

    Returns:
        The figure.
    """
    fig = go.Figure()
    fig.add_annotation(
        text=_escape(message), x=0.5, y=0.5, xref="paper", yref="paper",
        showarrow=False, font={"size": 14},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _neutral(fig, height=160)


def _check(df: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise BadInput(f"{what} needs column(s) {', '.join(missing)}; got {', '.join(df.columns)}")


def _tick_text(name: str, source_type: str | None) -> str:
    """A source's axis label: a square in its type colour, then the (shortened) name."""
    return f"<span style='color:{type_colour(source_type)}'>■</span> {_escape(_short(name))}"


def _type_legend(fig: go.Figure, types: Sequence[str | None]) -> None:
    """Legend-only markers naming the type colours used by the axis squares."""
    present = [t for t in (*SOURCE_TYPES, None) if t in set(types)]
    for t in present:
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=type_label(t),
                marker={"symbol": "square", "size": 11, "color": type_colour(t)},
                legendgroup="type", legendgrouptitle_text="Source type",
                hoverinfo="skip", showlegend=True,
            )
        )


def _legend_on_top() -> dict[str, Any]:
    return {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
            "bgcolor": TRANSPARENT}


def sources_figure(df: pd.DataFrame) -> go.Figure:
    """One article's sources as horizontal bars stacked by kind (direct / indirect / mixed).

    Bars keep the frame's order, top to bottom (``article_breakdown`` sorts most cited first).
    Each axis label starts with a square in the source type's colour; the hover gives the full
    name, type, count of that kind, total and attributed words. Bar ``y`` values are the full
    canonical names, so a click or selection maps straight back to a source.

    Args:
        df: from ``sources.article_breakdown`` (needs ``source``, ``type``, ``attributions``,
            ``direct``, ``indirect``, ``mixed``, ``words``).

    Returns:
        Three bar traces (one per kind, named by ``KIND_LABELS``, coloured by ``KIND_COLOURS``)
        plus legend-only markers for the source types present; or an explanatory empty figure.

    Raises:
        BadInput: a needed column is missing.
    """
    _check(df, ("source", "type", "attributions", *KINDS, "words"), "sources_figure")
    if df.empty:
        return empty_figure("No attributions found in this article.")
    names = [str(s) for s in df["source"]]
    types = [None if pd.isna(t) else t for t in df["type"]]
    custom = [
        [_escape(n), type_label(t), int(a), int(w)]
        for n, t, a, w in zip(names, types, df["attributions"], df["words"], strict=True)
    ]
    fig = go.Figure()
    for kind in KINDS:
        fig.add_trace(
            go.Bar(
                x=[int(v) for v in df[kind]], y=names, orientation="h", name=KIND_LABELS[kind],
                marker={"color": KIND_COLOURS[kind]}, customdata=custom,
                legendgroup="kind", legendgrouptitle_text="Kind",
                hovertemplate=(
                    "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
                    f"{KIND_LABELS[kind]}: %{{x}} of %{{customdata[2]}} attributions<br>"
                    "%{customdata[3]} attributed words<extra></extra>"
                ),
            )
        )
    _type_legend(fig, types)
    fig.update_layout(barmode="stack", legend=_legend_on_top(), clickmode="event+select")
    fig.update_xaxes(title_text="Attributions", dtick=1 if df["attributions"].max() <= 10 else None,
                     rangemode="tozero")
    fig.update_yaxes(
        title_text="Source", type="category", categoryorder="array", categoryarray=names,
        tickvals=names, ticktext=[_tick_text(n, t) for n, t in zip(names, types, strict=True)],
        autorange="reversed",
    )
    return _neutral(fig, height=120 + ROW_HEIGHT * len(names))


def corpus_sources_figure(df: pd.DataFrame, top: int = 20) -> go.Figure:
    """The corpus's most cited sources as horizontal bars coloured by source type.

    Args:
        df: from ``sources.corpus_breakdown`` (needs ``source``, ``type``, ``attributions``,
            ``direct``, ``indirect``, ``mixed``, ``words``, ``articles``, ``outlets``).
        top: how many sources to show (the first ``top`` rows: the frame is sorted).

    Returns:
        One bar trace per source type present (named by ``TYPE_LABELS``, coloured by
        ``TYPE_COLOURS``), most cited at the top; hover with full name, kinds, articles and
        outlets; or an explanatory empty figure.

    Raises:
        BadInput: ``top`` is not positive, or a needed column is missing.
    """
    if not isinstance(top, int) or top < 1:
        raise BadInput(f"top must be a positive number of sources, not {top!r}")
    _check(df, ("source", "type", "attributions", *KINDS, "words", "articles", "outlets"),
           "corpus_sources_figure")
    if df.empty:
        return empty_figure("No attributions in the selected articles.")
    shown = df.head(top)
    names = [str(s) for s in shown["source"]]
    types = [None if pd.isna(t) else t for t in shown["type"]]
    fig = go.Figure()
    for t in (*SOURCE_TYPES, None):
        rows = [i for i, ty in enumerate(types) if ty == t]
        if not rows:
            continue
        part = shown.iloc[rows]
        custom = [
            [_escape(r.source), type_label(t), int(r.direct), int(r.indirect), int(r.mixed),
             int(r.articles), _escape(_outlets_text(r.outlets)), int(r.words)]
            for r in part.itertuples(index=False)
        ]
        fig.add_trace(
            go.Bar(
                x=[int(v) for v in part["attributions"]], y=[names[i] for i in rows],
                orientation="h", name=type_label(t), marker={"color": type_colour(t)},
                customdata=custom,
                hovertemplate=(
                    "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
                    "%{x} attributions in %{customdata[5]} articles: %{customdata[2]} direct, "
                    "%{customdata[3]} indirect, %{customdata[4]} mixed<br>"
                    "%{customdata[7]} attributed words<br>Outlets: %{customdata[6]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="stack", legend={**_legend_on_top(), "title_text": "Source type"},
                      clickmode="event+select")
    fig.update_xaxes(title_text="Attributions", rangemode="tozero")
    fig.update_yaxes(
        title_text="Source", type="category", categoryorder="array", categoryarray=names,
        tickvals=names, ticktext=[_escape(_short(n)) for n in names], autorange="reversed",
    )
    return _neutral(fig, height=120 + ROW_HEIGHT * len(names))


def _outlets_text(outlets: Any, limit: int = 5) -> str:
    items = [str(o) for o in (outlets if isinstance(outlets, (list, tuple)) else [])]
    if not items:
        return "unknown"
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more} more" if more > 0 else "")


def outlet_unnamed_figure(df: pd.DataFrame) -> go.Figure:
    """How much each outlet relies on unnamed sources: one horizontal bar per outlet.

    Args:
        df: from ``sources.outlet_unnamed_share`` (needs ``outlet``, ``articles``,
            ``attributions``, ``unnamed``, ``share``).

    Returns:
        One bar trace in the "unnamed" type colour, x from 0 to 100%, outlets in the frame's
        order top to bottom, each bar labelled with its percentage; or an explanatory empty
        figure.

    Raises:
        BadInput: a needed column is missing.
    """
    _check(df, ("outlet", "articles", "attributions", "unnamed", "share"), "outlet_unnamed_figure")
    if df.empty:
        return empty_figure("No attributions in the selected articles.")
    outlets = [str(o) for o in df["outlet"]]
    custom = [
        [_escape(o), int(u), int(a), int(n)]
        for o, u, a, n in zip(outlets, df["unnamed"], df["attributions"], df["articles"],
                              strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=[float(s) for s in df["share"]], y=outlets, orientation="h",
            name=TYPE_LABELS["unnamed"], marker={"color": TYPE_COLOURS["unnamed"]},
            customdata=custom, texttemplate="%{x:.0%}", textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{x:.0%} from unnamed sources: %{customdata[1]} of "
                "%{customdata[2]} attributions in %{customdata[3]} articles<extra></extra>"
            ),
        )
    )
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title_text="Share of attributions from unnamed sources", tickformat=".0%",
                     range=[0, 1.08], tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_yaxes(
        title_text="Outlet", type="category", categoryorder="array", categoryarray=outlets,
        tickvals=outlets, ticktext=[_escape(_short(o)) for o in outlets], autorange="reversed",
    )
    return _neutral(fig, height=120 + ROW_HEIGHT * len(outlets))


def source_timeline_figure(
    df: pd.DataFrame, source: str | None = None, source_type: str | None = None
) -> go.Figure:
    """When a source is cited: attributions per period as bars on a date axis.

    Args:
        df: from ``sources.source_timeline`` (needs ``date``, ``attributions``, ``articles``).
        source: the source's name, for the hover and the empty message.
        source_type: its type, which picks the bar colour (grey when None).

    Returns:
        One bar trace (named after the source) or an explanatory empty figure.

    Raises:
        BadInput: a needed column is missing.
    """
    _check(df, ("date", "attributions", "articles"), "source_timeline_figure")
    who = source or "this source"
    if df.empty:
        return empty_figure(f"No dated attributions of {who}.")
    custom = [[_escape(who), int(a)] for a in df["articles"]]
    fig = go.Figure(
        go.Bar(
            x=pd.to_datetime(df["date"]).tolist(), y=[int(v) for v in df["attributions"]],
            name=_escape(who), marker={"color": type_colour(source_type)}, customdata=custom,
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}: %{y} attributions in "
                "%{customdata[1]} articles<extra></extra>"
            ),
        )
    )
    fig.update_layout(showlegend=False, bargap=0.2)
    fig.update_xaxes(title_text="Date", type="date")
    fig.update_yaxes(title_text="Attributions", rangemode="tozero", tickformat="d")
    return _neutral(fig, height=300)


STORY_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("named_share", "Named sources", TYPE_COLOURS["person"]),
    ("unnamed_share", "Unnamed sources", TYPE_COLOURS["unnamed"]),
    ("direct_share", "Direct quotes", KIND_COLOURS["direct"]),
    ("reported_share", "Reported speech", KIND_COLOURS["indirect"]),
    ("media_share", "Via media reports", TYPE_COLOURS["media"]),
    ("official_share", "From officials", TYPE_COLOURS["official"]),
)
"""The sourcing measures a story compares per outlet: (profile field, label, colour)."""


def story_outlets_figure(profiles: Sequence[Any]) -> go.Figure:
    """How each outlet sourced one story: grouped horizontal bars, one group per outlet.

    Args:
        profiles: ``components.stories.compare.OutletProfile`` records (or objects with the
            same share attributes, 0..1), in the order to show top to bottom.

    Returns:
        One bar trace per measure of ``STORY_MEASURES`` (named / unnamed share of attributed
        words, direct / reported share of claims, via media, from officials), x from 0 to 100%;
        or an explanatory empty figure when no outlet has an attributed claim.
    """
    rows = [p for p in profiles if getattr(p, "claims", 0)]
    if not rows:
        return empty_figure("No attributed claims in this story's articles.")
    outlets = [str(p.outlet) for p in rows]
    fig = go.Figure()
    for field_name, label, colour in STORY_MEASURES:
        fig.add_trace(go.Bar(
            x=[float(getattr(p, field_name)) for p in rows], y=outlets, orientation="h", name=label,
            marker={"color": colour},
            customdata=[[_escape(o), int(p.claims)] for o, p in zip(outlets, rows, strict=True)],
            hovertemplate=(f"<b>%{{customdata[0]}}</b><br>{label}: %{{x:.0%}} "
                           "(of %{customdata[1]} claims)<extra></extra>"),
        ))
    fig.update_layout(barmode="group", legend=_legend_on_top())
    fig.update_xaxes(title_text="Share", tickformat=".0%", range=[0, 1.02], tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=outlets, tickvals=outlets,
                     ticktext=[_escape(_short(o)) for o in outlets], autorange="reversed")
    return _neutral(fig, height=140 + ROW_HEIGHT * 3 * len(outlets))
