"""Entity cleaning and grouping: one row per real-world entity."""

from __future__ import annotations

import pytest

from components.entities import group_entities, group_mentions, normalise


def names_of(text, groups):
    return {g.name: sorted({text[m.start : m.end] for m in g.mentions}) for g in groups}


@pytest.mark.slow
def test_seed_groups(nlp, seed_text):
    entities, groups = group_entities(nlp(seed_text))
    by_name = names_of(seed_text, groups)
    assert {"Kim Jong Un", "Kim"} <= set(by_name["Kim Jong Un"])
    assert by_name["Kim Jong-Il"] == ["Kim Jong-Il"]  # the father stays apart
    assert set(by_name["Vladimir Putin"]) == {"Vladimir Putin", "Putin"}
    assert set(by_name["Dmitry Peskov"]) == {"Dmitry Peskov", "Peskov"}
    assert "Yoon Suk Yeol" in by_name  # a name cut short by the model is completed
    assert by_name["North Korea"].count("North Korea’s") == 0  # possessive dropped
    # Every entity points at a group that lists its span.
    spans = {g.id: set(g.mentions) for g in groups}
    assert all(e.span in spans[e.group] for e in entities)
    # "Kim junior" is Kim Jong Un, not his father.
    junior = seed_text.index("Kim junior")
    kim_un = next(g for g in groups if g.name == "Kim Jong Un")
    assert any(m.start == junior for m in kim_un.mentions)


@pytest.mark.parametrize(
    "text, mentions, expected",
    [
        ("The UN met. The United Nations said.", [(4, 6, "ORG"), (12, 30, "ORG")], [["The United Nations", "UN"]]),
        (
            "US and U.S. and the United States",
            [(0, 2, "GPE"), (7, 11, "GPE"), (16, 33, "GPE")],
            [["U.S.", "US", "the United States"]],
        ),
        ("Joe Biden and Jill Biden. Biden spoke.", [(0, 9, "PERSON"), (14, 24, "PERSON"), (26, 31, "PERSON")], None),
        ("Smith met Jones.", [(0, 5, "PERSON"), (10, 15, "PERSON")], [["Smith"], ["Jones"]]),
    ],
)
def test_grouping_rules(text, mentions, expected):
    _, groups = group_mentions(text, mentions)
    got = sorted(sorted({text[m.start : m.end] for m in g.mentions}) for g in groups)
    if expected is None:
        # Ambiguous surname: joins one of the full names (the first, equally mentioned), never both.
        assert len(groups) == 2 and sum(len(g.mentions) for g in groups) == 3
    else:
        assert got == sorted(expected)


def test_normalise():
    assert normalise("the Kremlin’s") == normalise("Kremlin") == "kremlin"
    assert normalise("U.S.") == "us"
