"""The bounds on the work one article may cause, in one place, and the notices an article over them gets.

Article text is hostile input on a shared server: one article must never be able to take the
analysis, the reading view or the process down for everyone. Each constant below caps one kind of
work; an article over a cap is analysed in part (the first part of its text, its first
attributions, its outer nesting levels) and its analysis carries a notice that says what was left
out, which the reading and annotation views show. The figures are far above what a news article
needs (the bundled 292 articles stay under every one; the longest has 56,130 characters) and
low enough that the worst article costs seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Mapping

# Characters of text that are parsed and searched for entities and attributions; the rest of a
# longer article is shown but not analysed (spaCy's parse is linear, about 70 µs a character).
MAX_ANALYSED_CHARS = 150_000
# Entity mentions kept per article (reading order).
MAX_ENTITIES = 20_000
# Attributions kept per article (reading order): a long article has about a hundred.
MAX_ATTRIBUTIONS = 1_000
# Nesting levels of reported speech kept ("A said that B said that C said ..."): deeper ones are
# dropped. Real reporting rarely nests more than three deep.
MAX_NESTING_DEPTH = 10
# Characters of one parse-derived content piece: a clause that runs on longer is cut there, so
# the work per attribution is bounded (5,000 unclosed nested quotes made every clause span the
# rest of the article: quadratic work).
MAX_CONTENT_CHARS = 3_000

LIMITS_KEY = "limits"  # Analysis.extra[LIMITS_KEY]: list of notices


def notices(extra: Mapping | None) -> list[str]:
    """The limit notices stored with an analysis (``Analysis.extra``), for display."""
    found = (extra or {}).get(LIMITS_KEY) or []
    return [str(n) for n in found if isinstance(n, str)]


def analysed_part(text: str) -> str:
    """The part of ``text`` that is analysed: all of it, or its first ``MAX_ANALYSED_CHARS``
    characters cut back to the last line break (or space) so no word is split."""
    if len(text) <= MAX_ANALYSED_CHARS:
        return text
    head = text[:MAX_ANALYSED_CHARS]
    cut = head.rfind("\n")
    if cut < MAX_ANALYSED_CHARS // 2:
        cut = head.rfind(" ")
    return head[:cut] if cut > 0 else head


def text_notice(full_length: int, analysed_length: int) -> list[str]:
    """The notice for an article whose text was analysed only in part (empty when it was not)."""
    if analysed_length >= full_length:
        return []
    return [f"Only the first {analysed_length:,} of {full_length:,} characters were analysed "
            f"(the limit is {MAX_ANALYSED_CHARS:,}); the rest is shown without marks."]
