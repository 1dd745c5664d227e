"""The selection checks (``components.selection``): UTF-16 offsets, trimming, refusals.

AppTest cannot drive the custom text-selection component (it runs in the browser; the browser test
does), so the offset checks it relies on are tested here directly, astral characters included.
"""

from __future__ import annotations

import pytest

from components.errors import BadInput
from components.records import Span
from components.selection import check_selection, selection_span, utf16_to_index

ASTRAL = "Fans 😀 said: “Peskov 𝔘 spoke” 👍🏽 today."


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text, base, units, expected",
    [
        ("abc", 0, 0, 0),
        ("abc", 0, 3, 3),
        ("abc", 1, 1, 2),
        (ASTRAL, 0, u16("Fans 😀"), len("Fans 😀")),
        (ASTRAL, 0, u16("Fans 😀 said: “Peskov 𝔘"), len("Fans 😀 said: “Peskov 𝔘")),
        (ASTRAL, 5, 2, 6),  # the emoji is two UTF-16 units and one str index
        (ASTRAL, 0, u16(ASTRAL), len(ASTRAL)),
    ],
)
def test_utf16_to_index(text, base, units, expected):
    assert utf16_to_index(text, base, units) == expected


@pytest.mark.parametrize(
    "base, units, message",
    [
        (0, 6, "inside the character"),  # between the halves of 😀
        (0, u16(ASTRAL) + 1, "past the end"),
        (0, -1, "outside"),
        (len(ASTRAL) + 1, 0, "outside"),
        ("0", 1, "whole numbers"),
        (0, 1.5, "whole numbers"),
        (0, True, "whole numbers"),
    ],
)
def test_utf16_to_index_refuses(base, units, message):
    with pytest.raises(BadInput, match=message):
        utf16_to_index(ASTRAL, base, units)


def test_check_selection_accepts_and_trims():
    text = "The mayor said  “no”  today."
    assert check_selection(text, 4, 9, "mayor") == Span(4, 9)
    assert check_selection(text, 14, 22, "  “no”  ") == Span(16, 20)
    start = ASTRAL.index("Peskov")
    end = start + len("Peskov 𝔘")
    assert check_selection(ASTRAL, start, end, "Peskov 𝔘").text(ASTRAL) == "Peskov 𝔘"


@pytest.mark.parametrize(
    "start, end, selected, message",
    [
        (4, 9, "Mayor", "reads 'mayor' in the article, not 'Mayor'"),
        (4, 9, "mayor ", "not"),
        (9, 10, " ", "only whitespace"),
        (5, 5, "", "outside"),
        (9, 4, "", "outside"),
        (-1, 3, "The", "outside"),
        (20, 99, "x", "outside"),
        (4.0, 9, "mayor", "whole number"),
        (None, 9, "mayor", "whole number"),
    ],
)
def test_check_selection_refuses(start, end, selected, message):
    with pytest.raises(BadInput, match=message):
        check_selection("The mayor said no.", start, end, selected)


def test_selection_span_converts_utf16_pieces_and_joins_paragraphs():
    text = "Title\n\nFans 😀 cheered.\n\nThen 👍🏽 Peskov spoke."
    p1, p2 = text.index("Fans"), text.index("Then")
    # "cheered." in the first paragraph through "Peskov" in the second (a drag across paragraphs)
    pieces = [
        {"p": p1, "s": u16("Fans 😀 "), "e": u16("Fans 😀 cheered."), "text": "cheered."},
        {"p": p2, "s": 0, "e": u16("Then 👍🏽 Peskov"), "text": "Then 👍🏽 Peskov"},
    ]
    span = selection_span(text, {"pieces": pieces})
    assert span.text(text) == "cheered.\n\nThen 👍🏽 Peskov"
    # one paragraph, after two astral characters, with whitespace to trim
    one = {"p": p2, "s": u16("Then 👍🏽"), "e": u16("Then 👍🏽 Peskov "), "text": " Peskov "}
    assert selection_span(text, {"pieces": [one]}).text(text) == "Peskov"
    # a triple-click: the next paragraph's empty piece is dropped
    empty = {"p": p2, "s": 0, "e": 0, "text": ""}
    assert selection_span(text, {"pieces": [pieces[0], empty]}).text(text) == "cheered."


@pytest.mark.parametrize(
    "value, message",
    [
        ({}, "no text"),
        ({"pieces": []}, "no text"),
        ({"pieces": "x"}, "no text"),
        ({"pieces": [{"p": 0, "s": 0, "e": 5}]}, "not readable"),
        # offsets counted in code points by mistake: lands inside the emoji's surrogate pair... or reads wrong
        ({"pieces": [{"p": 7, "s": 6, "e": 13, "text": "cheered"}]}, "inside the character|reads"),
        ({"pieces": [{"p": 7, "s": 0, "e": 4, "text": "Fanz"}]}, "not 'Fanz'"),
        ({"pieces": [{"p": 7, "s": 4, "e": 5, "text": " "}]}, "only whitespace"),
        ({"pieces": [{"p": 7, "s": 0, "e": 999, "text": "Fans"}]}, "past the end"),
        ({"pieces": [{"p": 999, "s": 0, "e": 1, "text": "F"}]}, "outside"),
    ],
)
def test_selection_span_refuses(value, message):
    text = "Title\n\nFans 😀 cheered.\n\nThen 👍🏽 Peskov spoke."
    with pytest.raises(BadInput, match=message):
        selection_span(text, value)
