"""Paragraph layout of an article's canonical text: non-blank lines with their offsets,
paragraphs (blank-line separated blocks, one per line unless hard-wrapped), headline-like lines
and trailing page furniture.

May import components.records and components.articles.limits / .metadata.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from components.articles.limits import FURNITURE_LINES
from components.articles.metadata import parse_byline
from components.records import Span


@dataclass(frozen=True)
class _Line:
    start: int  # of the stripped line
    end: int
    text: str
    gap_before: bool  # a blank line (or the start of the text) precedes it


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    gap = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(_Line(start, start + len(stripped), stripped, gap))
            gap = False
        else:
            gap = True
        pos += len(raw) + 1
    return out


_SENTENCE_END = tuple(".!?:;\"”’»)…")


def _is_hard_wrapped(block: list[_Line]) -> bool:
    """True when a block's lines are one paragraph wrapped at a width, not one paragraph each."""
    if len(block) < 2 or max(len(ln.text) for ln in block) > 100:
        return False
    open_ends = sum(1 for ln in block[:-1] if not ln.text.endswith(_SENTENCE_END))
    return open_ends >= (len(block) - 1) / 2


def _paragraphs(lines: list[_Line]) -> list[Span]:
    blocks: list[list[_Line]] = []
    for ln in lines:
        if ln.gap_before or not blocks:
            blocks.append([ln])
        else:
            blocks[-1].append(ln)
    spans: list[Span] = []
    for block in blocks:
        if _is_hard_wrapped(block):
            spans.append(Span(block[0].start, block[-1].end))
        else:
            spans.extend(Span(ln.start, ln.end) for ln in block)
    return spans


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).casefold()


def _strip_md_heading(s: str) -> str:
    return re.sub(r"^#{1,6}\s+", "", s).strip()


def _looks_like_headline(line: _Line) -> bool:
    if re.match(r"^#{1,6}\s+\S", line.text):
        return True
    s = line.text
    return (
        len(s) <= 200
        and len(s.split()) <= 30
        and not s.endswith((".", ",", ";", ":", "…"))
        and parse_byline(s) is None
    )


def _is_furniture(line: _Line) -> bool:
    return len(line.text) <= 40 and line.text.strip(" .:!»›>|-").casefold() in FURNITURE_LINES
