"""Quotation-mark warnings for an article's body paragraphs: quotations that never close and
closing marks with nothing open, found by ``components.quotemarks.pair_quotes``, the same
pairing attribution uses for its quotation spans (so a quotation warned about here is exactly
one attribution does not see).

May import components.records and components.quotemarks; nothing else from components.
"""
from __future__ import annotations

from collections.abc import Iterable

from components.quotemarks import OPENERS, pair_quotes
from components.records import Span


def quotation_warnings(text: str, paragraphs: Iterable[Span]) -> list[str]:
    """Warnings for body paragraphs whose quotation marks do not pair up.

    A quotation may run over paragraphs when each continuing paragraph re-opens it (the
    newspaper convention). Anything else left open at the end of a paragraph, and any closing
    mark with nothing open, is reported with the paragraph's number (1-based, body paragraphs),
    once per paragraph and kind; an unpaired straight mark that ends a word ('grave."') is
    reported as closing, one that starts a word as opening. German „…“, Hungarian „…” and French «…» pairs are
    understood; straight double quotes are paired in order.
    """
    paras = [(span.start, span.end) for span in paragraphs]
    pairing = pair_quotes(text, paras)
    found: list[tuple[int, int, int, str]] = []  # (paragraph found in, kind, position, message)
    for mark in pairing.stray:
        found.append((mark.found_in, 0, mark.pos,
                      f"paragraph {mark.found_in + 1} closes a quotation that was never opened"))
    for mark in pairing.unclosed:
        if text[mark.pos] in OPENERS:
            found.append((mark.found_in, 1, mark.pos,
                          f"paragraph {mark.paragraph + 1} opens a quotation that never closes"))
        elif _ends_a_word(text, mark.pos):  # 'grave."' at a paragraph's end: it closes
            found.append((mark.found_in, 0, mark.pos,
                          f"paragraph {mark.found_in + 1} closes a quotation that was never opened"))
        else:
            sign = text[mark.pos : mark.pos + 2] if text.startswith("''", mark.pos) else '"'
            found.append((mark.found_in, 2, mark.pos,
                          f"paragraph {mark.paragraph + 1} opens a quotation ({sign}) that never closes"))
    out: list[str] = []
    for _, _, _, message in sorted(found):
        if message not in out:
            out.append(message)
    return out


def _ends_a_word(text: str, pos: int) -> bool:
    """Whether the straight mark at ``pos`` reads as a closing one: it follows a word or its
    punctuation and no word follows it (only how the warning words it; pairing is unchanged)."""
    width = 2 if text.startswith("''", pos) else 1
    after = pos + width
    return (
        pos > 0
        and not text[pos - 1].isspace()
        and text[pos - 1] not in "([{"
        and (after >= len(text) or not text[after].isalnum())
    )
