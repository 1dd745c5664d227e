"""Spans of the canonical text: finding a stored span again, and checking an analyst's selection.

``anchor_span`` re-finds a correction's span (and the text it covered) in an article, re-anchoring
text that moved; ``check_span`` validates and trims a selection from the UI (a ``SpanInput``);
the small helpers here turn spans into the stored ``[start, end, text]`` triples and quote text
for messages. May import components.records and components.errors only.
"""
from __future__ import annotations

from collections.abc import Sequence

from components.errors import BadInput
from components.records import Span

#: How far (characters) a span's text may have moved and still be re-anchored when it is not unique.
RELOCATE_WINDOW = 2000


class _Lost(Exception):
    """A correction's target cannot be found in this analysis (the message says why)."""


def _triple(span: Span, text: str) -> list:
    return [span.start, span.end, text[span.start : span.end]]


def _span_of(t: Sequence) -> Span:
    return Span(int(t[0]), int(t[1]))


def _quote(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def anchor_span(text: str, start: int, end: int, expected: str) -> tuple[Span | None, bool, str]:
    """Find where a stored span (and the text it covered) is in ``text`` now.

    Returns:
        (span, moved, reason): the span and False when the text is still at the same offsets;
        the new span and True when the text occurs once, or clearly nearest, elsewhere (within
        ``RELOCATE_WINDOW`` characters when it is not unique); (None, False, why) otherwise.
    """
    if 0 <= start <= end <= len(text) and text[start:end] == expected:
        return Span(start, end), False, ""
    if not expected.strip():
        return None, False, "the stored span has no text to look for"
    found = []
    i = text.find(expected)
    while i >= 0:
        found.append(i)
        i = text.find(expected, i + 1)
    if not found:
        return None, False, f"the text {_quote(expected)} is no longer in the article"
    if len(found) == 1:
        return Span(found[0], found[0] + len(expected)), True, ""
    found.sort(key=lambda o: abs(o - start))
    d0, d1 = abs(found[0] - start), abs(found[1] - start)
    if d0 <= RELOCATE_WINDOW and d0 < d1:
        return Span(found[0], found[0] + len(expected)), True, ""
    return None, False, f"the text {_quote(expected)} occurs {len(found)} times and none is clearly the one meant"



def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


#: A selection from the UI: a ``Span``, ``(start, end)`` or ``(start, end, selected_text)``.
SpanInput = Span | Sequence


def check_span(text: str, value: SpanInput, what: str) -> Span:
    """Validate a selection against the canonical text and trim surrounding whitespace.

    Args:
        text: the article's canonical text.
        value: ``Span``, ``(start, end)`` or ``(start, end, selected_text)``; with the text, it must
            read the same in the article (whitespace runs compared as one space, since browsers
            render newlines as spaces).
        what: what the span is, for the error message ("entity", "cue", ...).

    Raises:
        components.errors.BadInput: out of range, empty, whitespace only, or a different text.
    """
    expected = None
    if isinstance(value, Span):
        start, end = value.start, value.end
    else:
        try:
            start, end = int(value[0]), int(value[1])
            expected = value[2] if len(value) > 2 else None
        except (TypeError, ValueError, IndexError) as exc:
            raise BadInput(f"{what}: {value!r} is not a (start, end) pair of character offsets") from exc
    if not 0 <= start < end <= len(text):
        raise BadInput(f"{what} [{start}, {end}) is outside the article's text (0 to {len(text)} characters)")
    piece = text[start:end]
    if not piece.strip():
        raise BadInput(f"{what} [{start}, {end}) covers only whitespace: select some words")
    if expected is not None and " ".join(str(expected).split()) != " ".join(piece.split()):
        raise BadInput(
            f"{what} [{start}, {end}) reads {_quote(piece)} in the article, not {_quote(str(expected))}: "
            "the selection does not match the canonical text, select it again"
        )
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return Span(start, end)
