"""Checking a text selection against an article's canonical text, and turning it into a span.

The dashboard's selection control (``dashboard/selection.py``) returns, per paragraph it touches,
the selection's start and end in UTF-16 code units from the paragraph's start together with the
text it covers. JavaScript counts UTF-16 units, Python counts code points: :func:`utf16_to_index`
converts (a character outside the Basic Multilingual Plane, such as an emoji, is two units and one
``str`` index), :func:`check_selection` refuses anything that does not read exactly the same in the
canonical text before a change is saved, and :func:`selection_span` turns the control's value into
one checked :class:`~components.records.Span`. Plain Python: may import ``components.errors`` and
``components.records``; never Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.errors import BadInput
from components.records import Span


def utf16_to_index(text: str, base: int, units: int) -> int:
    """The ``str`` index ``units`` UTF-16 code units after index ``base`` of ``text``.

    Raises:
        components.errors.BadInput: negative or non-integer values, a point past the end of the
            text, or a point inside a character (between the two halves of a surrogate pair).
    """
    if isinstance(base, bool) or isinstance(units, bool) or not isinstance(base, int) or not isinstance(units, int):
        raise BadInput(f"selection offsets {base!r}, {units!r} are not whole numbers")
    if not 0 <= base <= len(text) or units < 0:
        raise BadInput(f"selection offset {units} after {base} is outside the article's text (0 to {len(text)})")
    i, left = base, units
    while left > 0:
        if i >= len(text):
            raise BadInput(f"selection offset {units} after {base} runs past the end of the article's text")
        width = 2 if ord(text[i]) > 0xFFFF else 1
        if width > left:
            raise BadInput(f"selection offset {units} after {base} falls inside the character {text[i]!r}")
        left -= width
        i += 1
    return i


def _short(s: str, limit: int = 50) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def check_selection(text: str, start: int, end: int, selected_text: str) -> Span:
    """Check a selection against the canonical text; return it without surrounding whitespace.

    Args:
        text: the article's canonical text.
        start: index of the first selected character (Python ``str`` index).
        end: index after the last selected character.
        selected_text: what the browser says was selected; it must equal ``text[start:end]``.

    Raises:
        components.errors.BadInput: offsets that are not whole numbers or are out of range, an
            empty or whitespace-only selection, or a text that differs from the article's.
    """
    for v in (start, end):
        if isinstance(v, bool) or not isinstance(v, int):
            raise BadInput(f"selection offset {v!r} is not a whole number")
    if not 0 <= start < end <= len(text):
        raise BadInput(f"selection [{start}, {end}) is outside the article's text (0 to {len(text)} characters)")
    piece = text[start:end]
    if piece != selected_text:
        raise BadInput(
            f"selection [{start}, {end}) reads {_short(piece)} in the article, not {_short(str(selected_text))}: "
            "select the words again"
        )
    if not piece.strip():
        raise BadInput(f"selection [{start}, {end}) covers only whitespace: select some words")
    return Span(start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip())))


def selection_span(text: str, value: Mapping[str, Any]) -> Span:
    """The checked span of what the component returned (one piece per paragraph it touches).

    ``value`` is ``{"pieces": [{"p": paragraph_start, "s": utf16_start, "e": utf16_end, "text": str},
    ...]}``; pieces that cover nothing but whitespace (the end of a triple-clicked paragraph) are
    dropped, every other piece must read exactly the same in the article, and the result runs from
    the first piece's start to the last piece's end, trimmed.

    Raises:
        components.errors.BadInput: a malformed value or any piece that does not match the text.
    """
    pieces = value.get("pieces") if isinstance(value, Mapping) else None
    if not isinstance(pieces, list) or not pieces:
        raise BadInput("the selection holds no text: select some words in the article")
    spans: list[Span] = []
    for piece in pieces:
        if not isinstance(piece, Mapping) or not isinstance(piece.get("text"), str):
            raise BadInput(f"the selection piece {piece!r} is not readable: select the words again")
        base = piece.get("p")
        start = utf16_to_index(text, base, piece.get("s"))
        end = utf16_to_index(text, base, piece.get("e"))
        if start == end and not piece["text"]:
            continue
        if text[start:end] != piece["text"] or end <= start:
            check_selection(text, start, end, piece["text"])  # raises, saying what is wrong
        if piece["text"].strip():
            spans.append(Span(start, end))
    if not spans:
        raise BadInput("the selection covers only whitespace: select some words")
    spans.sort()
    for a, b in zip(spans, spans[1:], strict=False):
        if b.start < a.end:
            raise BadInput("the selection's parts overlap: select the words again")
    start, end = spans[0].start, spans[-1].end
    return check_selection(text, start, end, text[start:end])
