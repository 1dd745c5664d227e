"""Quotation-mark warnings for an article's body paragraphs (quotations that never close, closing
marks with nothing open).

May import components.records; nothing else from components.
"""
from __future__ import annotations

from collections.abc import Iterable

from components.records import Span

_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"


def _first_curly(s: str) -> str:
    return next((c for c in s if c in _OPEN_QUOTES or c in _CLOSE_QUOTES), "")


def quotation_warnings(text: str, paragraphs: Iterable[Span]) -> list[str]:
    """Warnings for body paragraphs whose quotation marks do not pair up.

    A quotation may run over paragraphs: either each continuing paragraph re-opens it (the
    newspaper convention) or the next paragraph closes it. Anything else left open at the end of
    a paragraph, and any closing mark with nothing open, is reported with the paragraph's number
    (1-based, body paragraphs). German „…“ and Hungarian „…” pairs are understood; straight
    double quotes are paired in order.
    """
    paras = [span.text(text) for span in paragraphs]
    out: list[str] = []
    stack: list[str] = []  # open curly marks
    curly_from = 0  # paragraph where the open curly quotation began
    inside = False  # a straight quotation is open
    straight_from = 0
    for k, p in enumerate(paras):
        nxt = paras[k + 1].lstrip() if k + 1 < len(paras) else ""
        body = p.lstrip()
        if stack and body.startswith(tuple(_OPEN_QUOTES)):
            body = body[1:]  # re-opened by convention: the quotation goes on
        if inside and body.startswith('"'):
            body = body[1:]
        stray = False
        for ch in body:
            if ch == "„" or ch == "«":
                if not stack:
                    curly_from = k
                stack.append(ch)
            elif ch == "“":
                if stack and stack[-1] == "„":
                    stack.pop()  # German „…“
                else:
                    if not stack:
                        curly_from = k
                    stack.append(ch)
            elif ch in _CLOSE_QUOTES:
                if stack:
                    stack.pop()
                else:
                    stray = True
            elif ch == '"':
                inside = not inside
                if inside:
                    straight_from = k
        if stray:
            out.append(f"paragraph {k + 1} closes a quotation that was never opened")
        if stack:
            first = _first_curly(nxt)
            goes_on = nxt.startswith(tuple(_OPEN_QUOTES)) or (first != "" and first in _CLOSE_QUOTES)
            if not goes_on:
                out.append(f"paragraph {curly_from + 1} opens a quotation that never closes")
                stack.clear()
        if inside:
            goes_on = nxt.startswith('"') or nxt.count('"') % 2 == 1
            if not goes_on:
                out.append(
                    f'paragraph {straight_from + 1} opens a quotation (") that never closes'
                )
                inside = False
    return out
