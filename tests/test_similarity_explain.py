"""Why two articles match (``components.similarity.explain``): shared sources, the attributions in
a passage, the passages an article offers. Pure functions on small invented records (fast).
"""

from __future__ import annotations

import pytest

from components.records import Analysis, Article, Attribution, Span
from components.similarity.explain import attributions_in, canonical_sources, passage_spans, shared_sources


def att(source, cue, *content, nested_in=None):
    return Attribution(
        source=None, source_canonical=source, source_type="person", cue=Span(*cue),
        content=tuple(Span(*c) for c in content), kind="direct", nested_in=nested_in,
    )


def test_canonical_sources_split_coordinated_names_once_each():
    atts = [att("Pyongyang; Moscow", (0, 1), (2, 3)), att("moscow", (4, 5), (6, 7)), att(None, (8, 9), (9, 10)),
            att("  Dmitry   Peskov ", (10, 11), (12, 13))]
    assert canonical_sources(atts) == ["Pyongyang", "Moscow", "Dmitry Peskov"]


def test_shared_sources_are_those_both_cite_case_insensitively():
    mine = Analysis("a", "v", attributions=(att("Vladimir Putin; Kremlin", (0, 1), (2, 3)), att("NYT", (4, 5), (6, 7))))
    other = Analysis("b", "v", attributions=(att("kremlin", (0, 1), (2, 3)), att("Reuters", (4, 5), (6, 7))))
    assert shared_sources(mine, other) == ["Kremlin"]
    assert shared_sources(mine, Analysis("c", "v")) == []


@pytest.mark.parametrize(
    "span, expected",
    [
        (Span(0, 10), [0]),  # content overlaps
        (Span(20, 30), [1]),  # only the cue is inside
        (Span(10, 20), []),  # touches both ends, overlaps neither (half-open spans)
        (Span(0, 100), [0, 1, 2]),
        (Span(60, 70), [2]),  # the second piece of a quote broken by its cue
    ],
)
def test_attributions_overlapping_a_passage(span, expected):
    an = Analysis("a", "v", attributions=(
        att("A", (30, 35), (5, 10)),
        att("B", (25, 28), (35, 50)),
        att("C", (55, 58), (52, 55), (60, 65)),
    ))
    assert attributions_in(an, span) == expected


def test_passage_spans_are_the_recorded_paragraphs_or_the_text_blocks():
    text = "Title\n\nFirst block said.\n\n  \n\nSecond block."
    blocks = passage_spans(Article("a", text))
    assert [s.text(text) for s in blocks] == ["Title", "First block said.", "Second block."]
    recorded = (Span(7, 24),)
    assert passage_spans(Article("a", text, paragraphs=recorded)) == [Span(7, 24)]
