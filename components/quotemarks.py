"""Pairing quotation marks: the one algorithm that both article loading (the warnings for
quotation marks that do not pair up, ``components.articles.quotation``) and attribution (the
quotation spans, ``components.attribution.quotes``) use, so the two never disagree.

Straight (``"``, and ``''`` as some wire texts write it), curly (``“ ”``), German (``„ “``),
Hungarian/Polish (``„ ”``) and French (``« »``) double quotes are paired inside a paragraph; a
quotation may nest another. A quotation that runs over several paragraphs follows the newspaper
convention: the paragraph ends without a closing mark and the next one opens with a fresh
opening mark of the same style, and the pair then covers both paragraphs. An opening mark that
is never closed, and not continued, is dropped rather than guessed at (the same refusal textacy
makes) and reported as unclosed; a closing mark with nothing open is reported as stray. Single
quotes are not paired here (see ``components.attribution.quotes``).

Pure text functions; imports nothing from components.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# '' (two apostrophes) is the quotation mark of some wire and archive texts: paired like "
QUOTE_CHAR = re.compile(r"''|[\"“”«»„]")
OPENERS = {"“", "«", "„"}
CLOSERS = {"”", "»"}


@dataclass(frozen=True)
class Mark:
    """A quotation mark left unpaired: where it is, the paragraph its quotation began in, and the
    paragraph at whose end (or inside which) it was given up (indices into the paragraphs)."""

    pos: int
    paragraph: int
    found_in: int


@dataclass(frozen=True)
class QuotePairing:
    """The result of pairing: half-open quotation spans (both marks included; inner pairs of a
    nested quotation only when the outer one never closes), opening marks never closed and
    closing marks with nothing open."""

    quotes: tuple[tuple[int, int], ...]
    unclosed: tuple[Mark, ...]
    stray: tuple[Mark, ...]


def pair_quotes(text: str, paras: list[tuple[int, int]]) -> QuotePairing:
    """Pair the double quotation marks of ``text`` within the half-open paragraph spans ``paras``.

    Returns:
        The pairing; ``quotes`` in the order they were closed (sort them for text order).
    """
    quotes: list[tuple[int, int]] = []
    unclosed: list[Mark] = []
    stray: list[Mark] = []
    stack: list[int] = []  # open marks: a quote may nest another ('“… he calls “hell” …”')
    began: dict[int, int] = {}  # open mark -> paragraph index
    pending: list[tuple[int, int]] = []  # inner pairs, used only if the outer one never closes
    skip: int | None = None  # position of a continuation mark opening the next paragraph
    for n, (ps, pe) in enumerate(paras):
        for m in QUOTE_CHAR.finditer(text, ps, pe):
            pos, ch = m.start(), m.group()
            if pos == skip:
                continue
            german_close = ch == "“" and bool(stack) and text[stack[-1]] == "„"  # „Zitat“
            if ch in OPENERS and not german_close:
                if stack and text[stack[-1]] not in OPENERS:
                    dropped = stack.pop()  # a straight mark left open inside: unclosed, dropped
                    unclosed.append(Mark(dropped, began[dropped], n))
                stack.append(pos)
                began.setdefault(pos, n)
            elif ch in CLOSERS or german_close:
                if stack and (text[stack[-1]] in OPENERS or _mixed_pair(text, stack[-1], pos)):
                    start = stack.pop()
                    if stack:
                        pending.append((start, pos + 1))
                    else:
                        quotes.append((start, pos + 1))
                        pending = []
                else:
                    stray.append(Mark(pos, n, n))
            elif stack and (text[stack[-1] : stack[-1] + len(ch)] == ch
                            or _mixed_pair(text, stack[-1], pos)):
                start = stack.pop()  # straight marks alternate
                if stack:
                    pending.append((start, m.end()))
                else:
                    quotes.append((start, m.end()))
                    pending = []
            else:
                stack.append(pos)
                began.setdefault(pos, n)
        skip = None
        if stack:
            open_at = stack[0]
            nxt = paras[n + 1] if n + 1 < len(paras) else None
            first = text[nxt[0]:].lstrip()[:2] if nxt else ""
            style = text[open_at : open_at + 2]
            if style == "''":
                same = first == "''"
            else:
                first = first[:1]
                same = first == '"' if style[0] == '"' else first in OPENERS
            if nxt and first and same and len(stack) == 1:
                # a stray straight mark is not continued by a curly one
                skip = nxt[0] + (len(text[nxt[0]:]) - len(text[nxt[0]:].lstrip()))
            else:
                quotes.extend(pending)
                pending = []
                unclosed.extend(Mark(p, began[p], n) for p in stack)
                stack = []
    return QuotePairing(tuple(quotes), tuple(unclosed), tuple(stray))


def _mixed_pair(text: str, open_at: int, close_at: int) -> bool:
    """A straight mark paired with a curly one ('"Oz has a huge bully pulpit,” said ...'):
    typing slips mix the styles; the pair counts when the first mark opens a word and the
    second closes one."""
    a, b = text[open_at], text[close_at]
    if {a, b} not in ({'"', "”"}, {"“", '"'}) or a == "”" or b == "“":
        return False
    opens = (open_at == 0 or not text[open_at - 1].isalnum()) and \
        open_at + 1 < len(text) and not text[open_at + 1].isspace()
    closes = close_at > 0 and not text[close_at - 1].isspace() and \
        (close_at + 1 >= len(text) or not text[close_at + 1].isalnum())
    return opens and closes
