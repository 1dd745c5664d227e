"""Quotation marks in an article's canonical text: pairing, paragraphs and quoted share.

Straight (``"``) and curly (``“ ”``) double quotes are paired inside a paragraph. A quotation
that runs over several paragraphs follows the newspaper convention: the paragraph ends without a
closing mark and the next one opens with a fresh opening mark, and the pair then covers both
paragraphs. An opening mark that is never closed, and not continued, is dropped rather than
guessed at (the same refusal textacy makes). Single quotes are not paired: in English news they
are apostrophes or quotes nested inside double quotes.
"""
from __future__ import annotations

import re
from bisect import bisect_right

PARAGRAPH = re.compile(r"[^\n]+")
# '' (two apostrophes) is the quotation mark of some wire and archive texts: paired like "
QUOTE_CHAR = re.compile(r"''|[\"“”«»„]")
OPENERS = {"“", "«", "„"}
CLOSERS = {"”", "»"}
WORD = re.compile(r"\w+")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the non-empty lines of ``text`` (each line is a paragraph)."""
    return [(m.start(), m.end()) for m in PARAGRAPH.finditer(text) if m.group().strip()]


def find_quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Pair quotation marks; return half-open spans that include both marks, in text order."""
    paras = paragraphs(text) if paras is None else paras
    quotes: list[tuple[int, int]] = []
    stack: list[int] = []  # open curly marks: a quote may nest another ('“… he calls “hell” …”')
    pending: list[tuple[int, int]] = []  # inner pairs, used only if the outer one never closes
    skip: int | None = None  # position of a continuation mark opening the next paragraph
    for n, (ps, pe) in enumerate(paras):
        for m in QUOTE_CHAR.finditer(text, ps, pe):
            pos, ch = m.start(), m.group()
            if pos == skip:
                continue
            if ch in OPENERS:
                if stack and text[stack[-1]] not in OPENERS:
                    stack.pop()  # a straight mark left open inside: unclosed, dropped
                stack.append(pos)
            elif ch in CLOSERS:
                if stack and (text[stack[-1]] in OPENERS or _mixed_pair(text, stack[-1], pos)):
                    start = stack.pop()
                    if stack:
                        pending.append((start, pos + 1))
                    else:
                        quotes.append((start, pos + 1))
                        pending = []
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
                stack = []
    quotes.extend(_single_quotes(text, paras, quotes))
    quotes.sort()
    return quotes


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


SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n]|’(?=\w))+’(?!\w)")


def _single_quotes(text: str, paras, doubles) -> list[tuple[int, int]]:
    """Curly single quotes ‘…’ outside any double quotation: headline style ('Calls Clinton
    ‘A Disgrace’'). A ’ followed by a letter is an apostrophe ("Won’t") and does not close."""
    out = []
    for ps, pe in paras:
        for m in SINGLE.finditer(text, ps, pe):
            if not any(qs <= m.start() < qe for qs, qe in doubles):
                out.append((m.start(), m.end()))
    return out


class QuoteIndex:
    """Fast look-ups over an article's quotation spans."""

    def __init__(self, quotes: list[tuple[int, int]]):
        self.quotes = quotes
        self.starts = [s for s, _ in quotes]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotes that share at least one character with ``[start, end)``."""
        i = max(bisect_right(self.starts, start) - 1, 0)
        out = []
        while i < len(self.quotes) and self.quotes[i][0] < end:
            qs, qe = self.quotes[i]
            if qe > start:
                out.append((qs, qe))
            i += 1
        return out

    def quoted_share(self, text: str, spans: list[tuple[int, int]]) -> tuple[float, bool]:
        """Share of the word characters in ``spans`` that lie inside quotation marks.

        Returns:
            ``(share, has_whole_quote)``: the share in [0, 1], and whether at least one
            quotation lies wholly inside the spans (a quoted fragment, not a stray mark).
        """
        total = inside = 0
        whole = False
        for s, e in spans:
            qs_in = self.overlapping(s, e)
            for qs, qe in qs_in:
                if qs >= s and qe <= e:
                    whole = True
            for m in WORD.finditer(text, s, e):
                n = m.end() - m.start()
                total += n
                if any(qs <= m.start() and m.end() <= qe for qs, qe in qs_in):
                    inside += n
        return (inside / total if total else 0.0), whole
