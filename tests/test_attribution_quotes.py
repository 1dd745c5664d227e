"""Quotation pairing (``attribution/quotes.py``): which marks open and close a quote, nested and
multi-paragraph quotes, mixed styles, and what is refused rather than guessed. Fast (no spaCy)."""
from __future__ import annotations

import pytest

from components.attribution.quotes import find_quotes


@pytest.mark.parametrize("text, expected", [
    ('He said "yes" and "no".', ['"yes"', '"no"']),
    ("a “b “c” d” e", ["“b “c” d”"]),  # nested curly quotes: the outer pair
    ("x “open\n“continued” y", ["“open\n“continued”"]),  # multi-paragraph convention
    ('x "stray\n\n“other” y', ["“other”"]),  # unclosed straight mark: refused, not guessed
    ("Trump Was ‘Mocking’ Clinton, it won’t end", ["‘Mocking’"]),  # ’ in won’t is no quote
    ("the ''quoted'' word", ["''quoted''"]),
])
def test_quote_pairing(text, expected):
    assert [text[s:e] for s, e in find_quotes(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ('"Oz has a pulpit,” said X.', ['"Oz has a pulpit,”']),  # straight opener, curly closer
    ('“Oz has a pulpit," said X.', ['“Oz has a pulpit,"']),  # curly opener, straight closer
    ('a 6" board and “b” c', ["“b”"]),  # inch mark after a digit opens nothing
])
def test_quote_pairing_mixed_styles(text, expected):
    assert [text[s:e] for s, e in find_quotes(text)] == expected
