"""Pure per-article page work shared by every session: the sourcing breakdown and its chart.

Profiling the Read and Present pages' script runs (cProfile in the script thread, AppTest, the
41-article bench library) showed most of a run spent building the same things again: the plotly
chart of an article's sources (``components.charts.sources_figure`` and the theme's text colour,
about 0.2–0.3 s) and the breakdown frames (``article_breakdown``, ``breakdown_tree``, the
sourcing profile, 0.08–0.25 s), on every rerun and in every session, although they depend only on
the article's text and its effective attributions. They are kept here once per process.

The key is the article id (a hash of its canonical text) and a digest of the *effective*
attributions (model output with analysts' corrections applied, ``repr`` of the frozen records):
a correction, an undo or a re-analysis that changes what a source is or says changes the digest,
so the next run, in any session, builds afresh; nothing per-user (notes, tags, the analyst's name)
enters these values or their key. The frames go through ``st.cache_data`` (each caller gets its
own copy); a figure is kept with ``st.cache_resource`` (no pickling: unpickling a plotly figure
re-validates it, as slow as building it) and is **read-only**: ``st.plotly_chart`` only copies it
(``to_dict``), and callers that adjust it (sizes, legends) pass those adjustments here so they are
part of the cached value.

May import Streamlit and ``components``; pages import it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.charts import sources_figure, with_text_colour
from components.records import Attribution
from components.sources import article_breakdown, breakdown_tree, sourcing_profile

#: Articles kept per process (per theme and style for figures): a chart is a few tens of KB.
MAX_ARTICLES = 256
#: (article_breakdown, breakdown_tree, the sourcing profile's summary)
Frames = tuple[pd.DataFrame, pd.DataFrame, str]


def attributions_key(attributions: Sequence[Attribution]) -> str:
    """A digest naming one article's effective attributions exactly (every field of every record)."""
    return hashlib.blake2b(repr(tuple(attributions)).encode("utf-8"), digest_size=16).hexdigest()


@st.cache_data(show_spinner=False, max_entries=MAX_ARTICLES)
def _frames(article_id: str, key: str, _text: str, _atts: tuple[Attribution, ...]) -> Frames:
    del article_id, key  # the cache key only: the value is computed from the text and attributions
    return article_breakdown(_text, _atts), breakdown_tree(_text, _atts), sourcing_profile(_text, _atts).summary()


def breakdown(article_id: str, text: str, attributions: Sequence[Attribution]) -> Frames:
    """``(article_breakdown, breakdown_tree, sourcing_profile(...).summary())`` of one article,
    computed once per article and attributions (the frames are copies: a caller may change them)."""
    atts = tuple(attributions)
    return _frames(article_id, attributions_key(atts), text, atts)


@st.cache_resource(show_spinner=False, max_entries=MAX_ARTICLES)
def _figure(
    article_id: str, key: str, theme: str | None, style: str, _text: str, _atts: tuple[Attribution, ...]
) -> go.Figure:
    fig = sources_figure(_frames(article_id, key, _text, _atts)[0])
    adjust = json.loads(style)
    if adjust.get("layout"):
        fig.update_layout(**adjust["layout"])
    if adjust.get("hide_type_legend"):
        fig.update_traces(showlegend=False, selector={"legendgroup": "type"})
    return with_text_colour(fig, theme)


def theme() -> str | None:
    """The browser's theme type ("light" or "dark"; None without a browser: tests, bare mode)."""
    try:
        return st.context.theme.type
    except AttributeError:
        return None


def sources_chart(
    article_id: str,
    text: str,
    attributions: Sequence[Attribution],
    *,
    layout: dict | None = None,
    hide_type_legend: bool = False,
) -> go.Figure:
    """The article's ``sources_figure`` with ``layout`` applied, the type legend hidden when asked,
    in the session's theme's text colour (``components.charts.with_text_colour``); built once per
    article, attributions, theme and style.

    The figure is shared by every session: draw it with ``st.plotly_chart``, never change it
    (``dashboard.widgets.plotly_chart`` would recolour it in place).
    """
    atts = tuple(attributions)
    style = json.dumps({"layout": layout or {}, "hide_type_legend": hide_type_legend}, sort_keys=True)
    return _figure(article_id, attributions_key(atts), theme(), style, text, atts)
