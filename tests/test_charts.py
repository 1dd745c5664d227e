"""Chart builders, checked on ``fig.data`` / ``fig.layout`` without rendering."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import charts as C
from components import sources as S
from components.errors import BadInput
from components.records import KINDS, SOURCE_TYPES, Article, Attribution, Span


def breakdown(rows: list[tuple]) -> pd.DataFrame:
    """A breakdown frame from (source, type, direct, indirect, mixed, words) tuples."""
    return pd.DataFrame(
        [
            {"source": s, "type": t, "attributions": d + i + m, "direct": d, "indirect": i,
             "mixed": m, "words": w, "cues": ["said"], "nested_in": None}
            for s, t, d, i, m, w in rows
        ],
        columns=list(S.BREAKDOWN_COLUMNS),
    )


ARTICLE = breakdown([
    ("Dmitry Peskov", "person", 2, 1, 0, 40),
    ("The Kremlin", "official", 0, 2, 1, 35),
    ("US officials", "unnamed", 0, 1, 0, 12),
])


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --------------------------------------------------------------------------- colours


def test_colour_constants_cover_types_and_kinds_as_plain_hex():
    assert set(C.TYPE_COLOURS) == set(SOURCE_TYPES)
    assert set(C.KIND_COLOURS) == set(KINDS)
    colours = [*C.TYPE_COLOURS.values(), *C.KIND_COLOURS.values(), C.UNKNOWN_TYPE_COLOUR]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize("background", ["#FFFFFF", "#0E1117"])  # light / Streamlit dark
def test_colours_keep_contrast_on_light_and_dark(background):
    for colour in [*C.TYPE_COLOURS.values(), *C.KIND_COLOURS.values(), C.UNKNOWN_TYPE_COLOUR]:
        assert _contrast(colour, background) >= 3.0, (colour, background)


def _assert_theme_neutral(fig: go.Figure) -> None:
    layout = fig.to_dict()["layout"]
    assert "template" not in layout  # the app's theme supplies fonts and text colour
    assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == C.TRANSPARENT
    assert "color" not in layout.get("font", {})


# --------------------------------------------------------------------------- per article


def test_sources_figure_stacks_kinds_per_source():
    fig = C.sources_figure(ARTICLE)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == [C.KIND_LABELS[k] for k in KINDS]
    assert [b.marker.color for b in bars] == [C.KIND_COLOURS[k] for k in KINDS]
    assert all(b.orientation == "h" for b in bars)
    assert all(b.y == ("Dmitry Peskov", "The Kremlin", "US officials") for b in bars)
    assert bars[0].x == (2, 0, 0) and bars[1].x == (1, 2, 1) and bars[2].x == (0, 1, 0)
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.title.text == "Attributions"
    assert fig.layout.yaxis.title.text == "Source"
    assert fig.layout.yaxis.autorange == "reversed"  # most cited on top
    _assert_theme_neutral(fig)


def test_sources_figure_marks_each_source_with_its_type_colour():
    fig = C.sources_figure(ARTICLE)
    ticks = fig.layout.yaxis.ticktext
    for tick, t in zip(ticks, ["person", "official", "unnamed"], strict=True):
        assert C.TYPE_COLOURS[t] in tick
    legend = [t for t in fig.data if t.type == "scatter"]
    assert [t.name for t in legend] == [C.TYPE_LABELS[t] for t in ("person", "official",
                                                                   "unnamed")]
    assert [t.marker.color for t in legend] == [C.TYPE_COLOURS[t] for t in ("person", "official",
                                                                           "unnamed")]


def test_sources_figure_long_and_unsafe_names():
    long_name = "South Korean President Yoon Suk Yeol's office"
    fig = C.sources_figure(breakdown([(long_name, "official", 0, 1, 0, 20),
                                      ("<b>Anon</b>", None, 1, 0, 0, 3)]))
    ticks = fig.layout.yaxis.ticktext
    assert long_name not in ticks[0] and ticks[0].endswith("…")
    assert fig.data[0].y[0] == long_name  # the value a click returns is the full name
    assert fig.data[0].customdata[0][0] == long_name  # and the hover shows it
    assert "&lt;b&gt;Anon&lt;/b&gt;" in ticks[1]
    assert C.UNKNOWN_TYPE_COLOUR in ticks[1]
    assert fig.data[0].customdata[1][1] == C.UNKNOWN_TYPE_LABEL


def test_sources_figure_height_grows_with_rows():
    small = C.sources_figure(ARTICLE)
    big = C.sources_figure(breakdown([(f"Source {i}", "person", 1, 0, 0, 5) for i in range(30)]))
    assert big.layout.height > small.layout.height + 20 * 27


def test_sources_figure_from_real_breakdown():
    text = "Peskov said talks were planned. The Kremlin confirmed that \u201cwe will talk.\u201d"
    atts = [
        Attribution(Span(0, 6), "Dmitry Peskov", "person", Span(7, 11), (Span(12, 30),),
                    "indirect"),
        Attribution(Span(32, 43), "The Kremlin", "official", Span(44, 53), (Span(59, 73),),
                    "mixed"),
    ]
    fig = C.sources_figure(S.article_breakdown(text, atts))
    assert fig.data[2].name == "Mixed" and fig.data[2].x == (0, 1)


@pytest.mark.parametrize(
    "builder, frame",
    [
        (C.sources_figure, S.article_breakdown("Nobody spoke.", [])),
        (C.corpus_sources_figure, S.corpus_breakdown([])),
        (C.outlet_unnamed_figure, S.outlet_unnamed_share(S.corpus_attributions([]))),
        (C.source_timeline_figure, S.source_timeline(S.corpus_attributions([]), "Kim")),
    ],
)
def test_empty_frames_give_an_explained_empty_figure(builder, frame):
    fig = builder(frame)
    assert len(fig.data) == 0
    assert len(fig.layout.annotations) == 1
    assert fig.layout.annotations[0].text.startswith("No ")
    assert fig.layout.xaxis.visible is False
    _assert_theme_neutral(fig)


def test_missing_columns_are_refused():
    with pytest.raises(BadInput, match="needs column"):
        C.sources_figure(pd.DataFrame({"source": ["Kim"]}))


# --------------------------------------------------------------------------- corpus


@pytest.fixture
def corpus_long() -> pd.DataFrame:
    def article(i: int, outlet: str, date: str, text: str, atts):
        return Article(id=f"a{i}", text=text, title=f"T{i}", outlet=outlet, date=date), atts

    t1 = "Peskov said no. Officials said yes."
    t2 = "Peskov said maybe. Reuters reported a deal."
    return S.corpus_attributions([
        article(1, "bne", "2023-09-12", t1, [
            Attribution(Span(0, 6), "Dmitry Peskov", "person", Span(7, 11), (Span(12, 14),),
                        "indirect"),
            Attribution(Span(16, 25), "officials", "unnamed", Span(26, 30), (Span(31, 34),),
                        "indirect"),
        ]),
        article(2, "Reuters", "2023-09-20", t2, [
            Attribution(Span(0, 6), "Dmitry Peskov", "person", Span(7, 11), (Span(12, 17),),
                        "direct"),
            Attribution(Span(19, 26), "Reuters", "media", Span(27, 35), (Span(36, 42),),
                        "indirect"),
        ]),
    ])


def test_corpus_sources_figure_colours_by_type_and_keeps_top(corpus_long):
    df = S.corpus_breakdown(corpus_long)
    fig = C.corpus_sources_figure(df, top=2)
    shown = [y for t in fig.data for y in t.y]
    assert sorted(shown) == sorted(df["source"].head(2))
    assert fig.layout.yaxis.categoryarray == tuple(df["source"].head(2))
    by_name = {t.name: t for t in fig.data}
    assert by_name[C.TYPE_LABELS["person"]].marker.color == C.TYPE_COLOURS["person"]
    assert by_name[C.TYPE_LABELS["person"]].x == (2,)
    assert all(t.orientation == "h" for t in fig.data)
    assert fig.layout.xaxis.title.text == "Attributions"
    full = C.corpus_sources_figure(df)
    assert {t.name for t in full.data} == {C.TYPE_LABELS[t] for t in ("person", "unnamed",
                                                                      "media")}
    peskov = by_name[C.TYPE_LABELS["person"]].customdata[0]
    assert peskov[0] == "Dmitry Peskov" and peskov[5] == 2 and peskov[6] == "bne, Reuters"
    _assert_theme_neutral(full)
    with pytest.raises(BadInput, match="top"):
        C.corpus_sources_figure(df, top=0)


def test_outlet_unnamed_figure(corpus_long):
    df = S.outlet_unnamed_share(corpus_long)
    fig = C.outlet_unnamed_figure(df)
    (bar,) = fig.data
    assert bar.y == ("bne", "Reuters") and bar.x == (0.5, 0.0)
    assert bar.marker.color == C.TYPE_COLOURS["unnamed"]
    assert bar.orientation == "h"
    assert fig.layout.xaxis.tickformat == ".0%"
    assert "unnamed" in fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text == "Outlet"
    _assert_theme_neutral(fig)


def test_source_timeline_figure(corpus_long):
    df = S.source_timeline(corpus_long, "Dmitry Peskov")
    fig = C.source_timeline_figure(df, "Dmitry Peskov", "person")
    (bar,) = fig.data
    assert [pd.Timestamp(x).strftime("%Y-%m-%d") for x in bar.x] == ["2023-09-12", "2023-09-20"]
    assert bar.y == (1, 1)
    assert bar.marker.color == C.TYPE_COLOURS["person"]
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.xaxis.title.text == "Date"
    assert fig.layout.yaxis.title.text == "Attributions"
    assert C.source_timeline_figure(df).data[0].marker.color == C.UNKNOWN_TYPE_COLOUR
    empty = C.source_timeline_figure(S.source_timeline(corpus_long, "Nobody"), "Nobody")
    assert empty.layout.annotations[0].text == "No dated attributions of Nobody."


@pytest.mark.parametrize("theme, colour", [("light", "#1f2328"), ("dark", "#e6e6e6"), (None, "#1f2328")])
def test_text_colour_follows_the_theme(theme, colour):
    from components.charts import with_text_colour

    fig = with_text_colour(C.empty_figure("nothing"), theme)
    assert fig.layout.font.color == colour and fig.layout.legend.font.color == colour
    assert fig.layout.xaxis.tickfont.color == colour and fig.layout.yaxis.title.font.color == colour
    assert all(a.font.color == colour for a in fig.layout.annotations)
