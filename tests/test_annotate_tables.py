"""The Annotate page's tables (``components.annotate_tables``): what each row says, without Streamlit.

A small invented article with two mentions of one person, one of another, and two attributions
(one whose source is only a pronoun, one changed by an analyst), so each column is checked against
what the analyst reads: the words, the entity named, the source, and who the item comes from.
"""

from __future__ import annotations

from components.annotate_tables import (
    ATTRIBUTION_COLUMNS,
    ENTITY_COLUMNS,
    GROUP_COLUMNS,
    attribution_rows,
    entity_rows,
    group_rows,
    origin_label,
    quote,
)
from components.corrections import ANALYST, Origin, Provenance
from components.records import Analysis, Attribution, Entity, EntityGroup, Span

TEXT = 'Mara Vell said "the bridge stays shut" today. Vell added that Oskar Lind agreed. She left.'


def _span(words: str, after: int = 0) -> Span:
    i = TEXT.index(words, after)
    return Span(i, i + len(words))


MARA, VELL, OSKAR = _span("Mara Vell"), _span("Vell", 10), _span("Oskar Lind")
ANALYSIS = Analysis(
    "a1",
    "v",
    entities=(
        Entity(MARA.start, MARA.end, "PERSON", "g1"),
        Entity(VELL.start, VELL.end, "PERSON", "g1"),
        Entity(OSKAR.start, OSKAR.end, "PERSON", "g-unknown"),
    ),
    groups=(EntityGroup("g1", "Mara Vell", "PERSON", (MARA, VELL)),),
    attributions=(
        Attribution(MARA, "Mara Vell", "person", _span("said"), (_span("the bridge stays shut"),), "direct"),
        Attribution(_span("She"), None, None, _span("added"), (_span("Oskar Lind"), _span("agreed")), "indirect"),
    ),
)
BY_ANALYST = Origin(by=ANALYST, analyst="rita", at="2026-01-02 10:00")
PROVENANCE = Provenance(
    entities=(Origin(), Origin(), BY_ANALYST),
    groups=(Origin(),),
    attributions=(Origin(), BY_ANALYST),
)


def test_origin_says_model_or_the_analyst_and_when():
    assert origin_label(Origin()) == "model"
    assert origin_label(BY_ANALYST) == "rita, 2026-01-02 10:00"


def test_quote_is_one_line_cut_at_the_limit():
    assert quote("a\n  b c", Span(0, 7)) == "“a b c”"
    assert quote("x" * 100, Span(0, 100), limit=10) == "“" + "x" * 9 + "…”"
    assert quote(TEXT, None) == "—"


def test_entity_rows_name_the_words_the_entity_and_who():
    df = entity_rows(TEXT, ANALYSIS, PROVENANCE)
    assert tuple(df.columns) == ENTITY_COLUMNS
    assert df["#"].tolist() == [1, 2, 3]
    assert df["Text"].tolist() == ["Mara Vell", "Vell", "Oskar Lind"]
    assert df["Entity"].tolist() == ["Mara Vell", "Mara Vell", "g-unknown"]  # no group: its id
    assert df["At"].tolist() == [MARA.start, VELL.start, OSKAR.start]
    assert df["By"].tolist() == ["model", "model", "rita, 2026-01-02 10:00"]


def test_group_rows_count_mentions():
    df = group_rows(ANALYSIS, PROVENANCE)
    assert tuple(df.columns) == GROUP_COLUMNS
    assert df.to_dict("records") == [{"Entity": "Mara Vell", "Type": "PERSON", "Mentions": 2, "By": "model"}]


def test_attribution_rows_show_source_cue_content_and_who():
    df = attribution_rows(TEXT, ANALYSIS, PROVENANCE)
    assert tuple(df.columns) == ATTRIBUTION_COLUMNS
    first, second = df.to_dict("records")
    assert first == {"#": 1, "Source": "Mara Vell", "Type": "person", "Cue": "said",
                     "Kind": "direct", "Content": "the bridge stays shut", "By": "model"}
    # No canonical name: the source's own words, quoted; pieces of content joined.
    assert second["Source"] == "“She”" and second["Type"] == ""
    assert second["Content"] == "Oskar Lind … agreed"
    assert second["By"] == "rita, 2026-01-02 10:00"


def test_empty_analysis_gives_empty_frames_with_the_columns():
    empty = Analysis("a2", "v")
    assert entity_rows("", empty, Provenance()).empty
    assert tuple(attribution_rows("", empty, Provenance()).columns) == ATTRIBUTION_COLUMNS
    assert group_rows(empty, Provenance()).empty
