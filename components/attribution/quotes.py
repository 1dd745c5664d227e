"""Quotation marks in an article's canonical text: pairing, paragraphs and quoted share.

Double quotes (straight, curly, German „…“, «French») are paired by
``components.quotemarks.pair_quotes``, the one algorithm the article loader's warnings use too:
inside a paragraph, or over several by the newspaper convention (the next paragraph re-opens the
quotation); an opening mark never closed is dropped rather than guessed at. This module adds
curly single quotes ‘…’ outside double quotes (straight single quotes are not paired: in English
news they are apostrophes or quotes nested inside double quotes), paragraphs, and look-ups over
the spans (``QuoteIndex``).

May import components.quotemarks; nothing else from components.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from components.quotemarks import pair_quotes

PARAGRAPH = re.compile(r"[^\n]+")
WORD = re.compile(r"\w+")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the non-empty lines of ``text`` (each line is a paragraph)."""
    return [(m.start(), m.end()) for m in PARAGRAPH.finditer(text) if m.group().strip()]


def find_quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Pair quotation marks; return half-open spans that include both marks, in text order.

    Double quotes are paired by ``components.quotemarks.pair_quotes`` (the algorithm article
    loading warns with too); curly single quotes outside them are added here.
    """
    paras = paragraphs(text) if paras is None else paras
    quotes = list(pair_quotes(text, paras).quotes)
    quotes.extend(_single_quotes(text, paras, quotes))
    quotes.sort()
    return quotes


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
