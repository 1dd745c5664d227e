"""Source breakdowns: who is cited, how, and how much, per article and across the corpus.

Pure functions over ``Attribution`` records (see ``components.records``) that return pandas
frames the app, the CLI (``python -m components sources``) and the briefing share. A source is a
*canonical name*: an attribution whose ``source_canonical`` joins several names with ``"; "``
("Pyongyang; Moscow", a coordinated subject) counts once for each name, in each name's row.
An attribution with no source at all (no canonical name and no source span: "it is expected
that ...") is kept, under the pseudo-source ``NO_SOURCE`` of type ``"unnamed"``: an analyst wants
to see how much of an article rests on nobody in particular, and an unattributed claim is, for
sourcing purposes, the least identifiable source there is. That row is always listed last.
An attribution whose source the resolver left open (``source_status`` ``"unresolved"``: a "he"
or "the judge" with no sure antecedent) counts under the pseudo-source ``UNRESOLVED``, one
group of type ``"unnamed"`` listed just before ``NO_SOURCE``: never as a person named "he". A
pronoun, relative word or bare possessive ("you", "that", "'s") is never a source name.
Attributed words are ``\\w+`` tokens of the article text that overlap an attribution's content
spans, so a claim nested inside another counts for both sources (each did report it).
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from components.errors import BadInput
from components.records import KINDS, SOURCE_TYPES, Article, Attribution

NO_SOURCE = "(no source)"
"""The pseudo-source of attributions that name nobody (type ``"unnamed"``)."""

UNRESOLVED = "(unresolved)"
"""The pseudo-source of attributions whose source phrase refers to someone the text does not
settle ("he", "the judge" with no sure antecedent); type ``"unnamed"``."""

PSEUDO_SOURCES = (UNRESOLVED, NO_SOURCE)

_NEVER_NAMES = frozenset("""i me my mine we us our you your yours he him his she her hers it its
    they them their who whom whose which that this these those one s 's ’s""".split())

BREAKDOWN_COLUMNS = (
    "source", "type", "attributions", "direct", "indirect", "mixed", "words", "cues", "nested_in",
)
"""The contract columns of a breakdown, in order (``sources FILE --json`` rows)."""

CORPUS_COLUMNS = BREAKDOWN_COLUMNS + ("articles", "outlets")
"""A corpus breakdown: the contract columns plus article count and outlets citing the source."""

LONG_COLUMNS = (
    "article_id", "title", "outlet", "date", "attribution_index", "source", "type", "kind",
    "cue", "content", "start", "end", "words", "nested",
)
"""The long corpus frame: one row per (article, attribution, source name)."""

ATTRIBUTION_LIST_COLUMNS = (
    "attribution_index", "source_text", "cue", "content", "kind", "start", "end", "nested_in",
)
"""One source's attributions in one article (``attributions_of``)."""

CONTENT_JOINER = " … "
"""Joins the pieces of a content broken by its cue ("We will," he said, "go on.")."""

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- one article


@dataclass(frozen=True)
class _Prepared:
    """One attribution, checked against its text, with everything the frames need."""

    index: int
    names: tuple[str, ...]
    type: str | None
    kind: str
    cue: str
    source_text: str | None
    content: str
    start: int  # first character of source, cue or content
    end: int  # last character (exclusive) of source, cue or content
    tokens: frozenset[int]  # indices of the text's \w+ tokens that the content overlaps
    nested_in: int | None


def _clean(s: str) -> str:
    return _SPACE.sub(" ", s).strip()


def source_names(attribution: Attribution, text: str = "") -> tuple[str, ...]:
    """The canonical source names of one attribution, in order, without duplicates.

    A coordinated source ``"Pyongyang; Moscow"`` gives ``("Pyongyang", "Moscow")``. With no
    canonical name the source span as written is the name; with neither, ``(NO_SOURCE,)``.

    Args:
        attribution: the attribution.
        text: the article text its offsets point into (needed only for the span fallback).

    Returns:
        One or more names.
    """
    if attribution.source_status == "unresolved" and attribution.source is not None:
        return (UNRESOLVED,)
    if attribution.source_canonical and attribution.source_canonical.strip():
        names = [_clean(n) for n in attribution.source_canonical.split(";")]
    elif attribution.source is not None and text:
        names = [_clean(attribution.source.text(text))]
    else:
        names = []
    names = list(dict.fromkeys(n for n in names if n))
    if names and all(_is_never_name(n) for n in names):
        return (UNRESOLVED,)  # 'you', 'that', "'s": a word that names nobody
    names = [n for n in names if not _is_never_name(n)]
    return tuple(names) if names else (NO_SOURCE,)


def _is_never_name(name: str) -> bool:
    # an acronym in capitals ('WHO', 'US') is a name, not the pronoun it spells
    words = [w.lower() for w in re.findall(r"[\w'’]+", name) if w.lower() != "the"]
    if any(len(w) > 1 and w.isupper() for w in re.findall(r"[\w'’]+", name)):
        return False
    return not words or all(w in _NEVER_NAMES for w in words)


def _token_index(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in _WORD.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _tokens_in(starts: list[int], ends: list[int], s: int, e: int) -> range:
    """Indices of the tokens overlapping ``[s, e)``."""
    first = bisect.bisect_right(ends, s)  # first token ending after s
    last = bisect.bisect_left(starts, e)  # first token starting at or after e
    return range(first, max(first, last))


def _prepare(text: str, attributions: Sequence[Attribution]) -> list[_Prepared]:
    """Check every attribution against ``text`` and precompute names, words and extents.

    Raises:
        BadInput: a span past the end of the text, no content, an unknown kind or source type,
            or a ``nested_in`` that is not another attribution's index (or makes a cycle).
    """
    if not isinstance(text, str):
        raise BadInput(f"article text must be a string, not {type(text).__name__}")
    n = len(attributions)
    starts, ends = _token_index(text)
    prepared: list[_Prepared] = []
    for i, att in enumerate(attributions):
        where = f"attribution {i}"
        if not att.content:
            raise BadInput(f"{where} has no content span")
        if att.kind not in KINDS:
            raise BadInput(f"{where}: kind {att.kind!r} is not one of {', '.join(KINDS)}")
        if att.source_type is not None and att.source_type not in SOURCE_TYPES:
            raise BadInput(
                f"{where}: source type {att.source_type!r} is not one of {', '.join(SOURCE_TYPES)}"
            )
        spans = [att.cue, *att.content] + ([att.source] if att.source is not None else [])
        for span in spans:
            if span.end > len(text):
                raise BadInput(
                    f"{where}: span [{span.start}, {span.end}) runs past the end of the text "
                    f"({len(text)} characters): were these attributions made for another text?"
                )
        if att.nested_in is not None and not (
            isinstance(att.nested_in, int) and 0 <= att.nested_in < n and att.nested_in != i
        ):
            raise BadInput(
                f"{where}: nested_in {att.nested_in!r} is not the index of another of the "
                f"{n} attributions"
            )
        names = source_names(att, text)
        kind_type = "unnamed" if names[0] in PSEUDO_SOURCES else att.source_type
        tokens: set[int] = set()
        for piece in att.content:
            tokens.update(_tokens_in(starts, ends, piece.start, piece.end))
        prepared.append(
            _Prepared(
                index=i,
                names=names,
                type=kind_type,
                kind=att.kind,
                cue=_clean(att.cue.text(text)),
                source_text=_clean(att.source.text(text)) if att.source is not None else None,
                content=CONTENT_JOINER.join(_clean(p.text(text)) for p in att.content),
                start=min(s.start for s in spans),
                end=max(s.end for s in spans),
                tokens=frozenset(tokens),
                nested_in=att.nested_in,
            )
        )
    for p in prepared:  # nested_in must form a forest: no cycles
        seen = {p.index}
        parent = p.nested_in
        while parent is not None:
            if parent in seen:
                raise BadInput(f"attribution {p.index}: nested_in makes a cycle through {parent}")
            seen.add(parent)
            parent = prepared[parent].nested_in
    return prepared


def _container_names(prepared: list[_Prepared], p: _Prepared, own: str) -> tuple[str, ...]:
    """Names of the source(s) whose attribution directly contains ``p``, except ``own``."""
    if p.nested_in is None:
        return ()
    return tuple(n for n in prepared[p.nested_in].names if n != own)


def _join(names: Iterable[str]) -> str | None:
    names = list(dict.fromkeys(names))
    return "; ".join(names) if names else None


def _opt(value: Any) -> Any:
    """None for None/NaN/NaT (what pandas puts in a missing cell), else the value."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # lists and other non-scalars
        return value


_NULLABLE = ("type", "nested_in", "nested", "source_text", "reported_by")
_INTS = ("attributions", "direct", "indirect", "mixed", "words", "articles",
         "attribution_index", "start", "end")


def _frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame with ``columns`` in order: ints as int64 and nullable text kept as None (object)."""
    frame = pd.DataFrame(
        {c: pd.Series([r[c] for r in rows], dtype=object if c in _NULLABLE else None)
         for c in columns},
        columns=list(columns),
    )
    for c in columns:
        if c in _INTS:
            frame[c] = frame[c].astype("int64")
        elif c in _NULLABLE:
            frame[c] = frame[c].astype(object).where(frame[c].notna(), None)
    return frame


def _majority_type(types: Sequence[str | None]) -> str | None:
    """The most frequent non-null type (ties: the first seen); None when all are null."""
    known = [t for t in types if t is not None]
    if not known:
        return None
    counts = Counter(known)
    best = max(counts.values())
    return next(t for t in known if counts[t] == best)


def _long_records(prepared: list[_Prepared]) -> list[dict[str, Any]]:
    """One record per (attribution, source name), in reading order (by start, then index)."""
    records = []
    for p in sorted(prepared, key=lambda q: (q.start, q.index)):
        for name in p.names:
            records.append(
                {
                    "attribution_index": p.index,
                    "source": name,
                    "type": p.type,
                    "kind": p.kind,
                    "cue": p.cue,
                    "content": p.content,
                    "start": p.start,
                    "end": p.end,
                    "words": len(p.tokens),
                    "nested": _join(_container_names(prepared, p, name)),
                }
            )
    return records


def _aggregate(records: Sequence[dict[str, Any]], *, corpus: bool) -> pd.DataFrame:
    """Fold long records (already in reading/corpus order) into one row per source."""
    columns = list(CORPUS_COLUMNS if corpus else BREAKDOWN_COLUMNS)
    rows: dict[str, dict[str, Any]] = {}
    for order, r in enumerate(records):
        row = rows.get(r["source"])
        if row is None:
            row = rows[r["source"]] = {
                "source": r["source"], "types": [], "attributions": 0,
                "direct": 0, "indirect": 0, "mixed": 0, "words": 0,
                "cues": {}, "nested": {}, "articles": {}, "outlets": {}, "_first": order,
            }
        row["types"].append(_opt(r["type"]))
        row["attributions"] += 1
        row[r["kind"]] += 1
        row["words"] += int(r["words"])
        row["cues"][r["cue"].lower()] = None
        if _opt(r["nested"]):
            for name in r["nested"].split("; "):
                row["nested"][name] = None
        if corpus:
            row["articles"][r["article_id"]] = None
            if _opt(r["outlet"]):
                row["outlets"][r["outlet"]] = None
    out = []
    for row in rows.values():
        item = {
            "source": row["source"],
            "type": _majority_type(row["types"]),
            "attributions": row["attributions"],
            "direct": row["direct"],
            "indirect": row["indirect"],
            "mixed": row["mixed"],
            "words": row["words"],
            "cues": list(row["cues"]),
            "nested_in": _join(row["nested"]),
            "_last": (row["source"] == NO_SOURCE) * 2 + (row["source"] == UNRESOLVED),
            "_first": row["_first"],
        }
        if corpus:
            item["articles"] = len(row["articles"])
            item["outlets"] = list(row["outlets"])
        out.append(item)
    out.sort(key=lambda x: (x["_last"], -x["attributions"], x["_first"]))
    return _frame(out, columns)


def article_breakdown(text: str, attributions: Sequence[Attribution]) -> pd.DataFrame:
    """One row per canonical source of one article: who is cited, how and how much.

    A coordinated source ("Pyongyang; Moscow") gives each name its own row, and the shared
    attribution counts in each. Rows are sorted by number of attributions (most first), then by
    where the source first appears; ``NO_SOURCE`` (attributions naming nobody) always comes last.

    Args:
        text: the article's canonical text (every offset points into it).
        attributions: the article's attributions, in the order ``nested_in`` indexes.

    Returns:
        A frame with ``BREAKDOWN_COLUMNS``: ``source``; ``type`` (the source's most frequent
        type, None when never typed); ``attributions``, ``direct``, ``indirect``, ``mixed``
        (counts); ``words`` (``\\w+`` tokens of attributed content, summed over its
        attributions); ``cues`` (distinct cue strings, lowercased, first-seen order);
        ``nested_in`` (the source(s) whose attribution contains this source's claims, joined with
        ``"; "``, e.g. "The New York Times" for "US officials"; None when never nested). Empty
        input gives an empty frame with the same columns.

    Raises:
        BadInput: an attribution does not fit the text (see ``_prepare``).
    """
    return _aggregate(_long_records(_prepare(text, attributions)), corpus=False)


BREAKDOWN_TREE_COLUMNS = ("source", "level", "reported_by") + BREAKDOWN_COLUMNS[1:-1]
"""``breakdown_tree``: a breakdown with second-hand claims shown again under their reporter."""


def breakdown_tree(text: str, attributions: Sequence[Attribution]) -> pd.DataFrame:
    """The article's breakdown for reading, with each reporter's nested claims listed under it.

    Every source keeps its row of ``article_breakdown`` (level 0, its totals). Right under the row
    of a source whose attributions contain others' ("the NYT reported that US officials have been
    saying …"), one level-1 row per contained source counts only the claims inside that source's
    reports, with ``reported_by`` naming the reporter. Nesting deeper than one level shows each
    claim under its direct container.

    Args:
        text: the article's canonical text.
        attributions: its attributions, in the order ``nested_in`` indexes.

    Returns:
        A frame with ``BREAKDOWN_TREE_COLUMNS``: ``source``, ``level`` (0 or 1), ``reported_by``
        (level 1: the reporter; level 0: the sources containing some of this source's claims, with
        how many, e.g. "The New York Times (1 of 2)"), then the breakdown's counts for the row.

    Raises:
        BadInput: an attribution does not fit the text.
    """
    prepared = _prepare(text, attributions)
    records = _long_records(prepared)
    top = _aggregate(records, corpus=False)
    inside: dict[str, list[dict[str, Any]]] = {}  # reporter -> records of claims in its reports
    own: dict[str, list[dict[str, Any]]] = {}  # source -> its records
    for r in records:
        own.setdefault(r["source"], []).append(r)
        for reporter in (_opt(r["nested"]) or "").split("; "):
            if reporter:
                inside.setdefault(reporter, []).append(r)
    rows: list[dict[str, Any]] = []
    for row in top.to_dict(orient="records"):
        mine = own[row["source"]]
        nested = Counter(n for r in mine for n in (_opt(r["nested"]) or "").split("; ") if n)
        reported_by = "; ".join(f"{n} ({c} of {len(mine)})" for n, c in nested.items()) or None
        rows.append({**row, "level": 0, "reported_by": reported_by})
        if row["source"] in inside:
            for sub in _aggregate(inside[row["source"]], corpus=False).to_dict(orient="records"):
                rows.append({**sub, "level": 1, "reported_by": row["source"]})
    return _frame(rows, BREAKDOWN_TREE_COLUMNS)


def breakdown_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A breakdown frame as JSON-ready rows (plain ints, strings, lists and None).

    Args:
        df: a frame from ``article_breakdown`` or ``corpus_breakdown``.

    Returns:
        One dict per row, keys in column order (``sources FILE --json`` prints this list).
    """
    return [{c: _plain(v) for c, v in row.items()} for row in df.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    value = _opt(value)
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


# --------------------------------------------------------------------------- sourcing profile


@dataclass(frozen=True)
class SourcingProfile:
    """How an article is sourced, in numbers an analyst reads at a glance.

    Word shares are over the *distinct* attributed words of the article (``words``: ``\\w+``
    tokens overlapping any attribution's content, each counted once however deeply nested). A word
    counts for a source type when *some* attribution covering it, at any level of nesting, has a
    source of that type: the US officials' claim reported by the NYT is both "from unnamed
    sources" and "via media reports". So the shares can add up to more than 100%. Attributions
    with no source count as unnamed.

    Attributes:
        claims: number of attributions.
        sources: number of distinct named sources (``NO_SOURCE`` excluded).
        unsourced_claims: attributions that name no source.
        words: distinct attributed words.
        unnamed_words, media_words, official_words, person_words: attributed words resting on a
            source of that type (see above).
        single_source_claims: claims resting on one source only. A claim is an attribution; it
            rests on a single source when it names exactly one source (not a coordinated
            "A; B" and not ``NO_SOURCE``) and no attribution by a *different* source, outside its
            own nesting chain (the attributions containing it and those it contains), has content
            overlapping its content. A nesting chain is one line of reporting, not corroboration.
        nested_claims: second-hand claims, i.e. attributions nested inside another attribution.
    """

    claims: int
    sources: int
    unsourced_claims: int
    words: int
    unnamed_words: int
    media_words: int
    official_words: int
    person_words: int
    single_source_claims: int
    nested_claims: int

    def _share(self, n: int) -> float:
        return n / self.words if self.words else 0.0

    @property
    def unnamed_share(self) -> float:
        """Share of attributed words resting on unnamed (or no) sources, 0..1."""
        return self._share(self.unnamed_words)

    @property
    def media_share(self) -> float:
        """Share of attributed words that came via media reports, 0..1."""
        return self._share(self.media_words)

    @property
    def official_share(self) -> float:
        """Share of attributed words from officials and official bodies, 0..1."""
        return self._share(self.official_words)

    @property
    def person_share(self) -> float:
        """Share of attributed words from named persons, 0..1."""
        return self._share(self.person_words)

    def summary(self) -> str:
        """One line, e.g. ``"18 claims from 10 sources · 31% of attributed words from unnamed
        sources · 22% via media reports · 40% from officials · 7% from named persons ·
        9 single-source claims · 1 second-hand (nested)"``."""
        if not self.claims:
            return "No attributed claims found."

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        head = f"{plural(self.claims, 'claim')} from {plural(self.sources, 'source')}"
        if self.unsourced_claims:
            head += f" ({self.unsourced_claims} with no source)"
        parts = [
            head,
            f"{self.unnamed_share:.0%} of attributed words from unnamed sources",
            f"{self.media_share:.0%} via media reports",
            f"{self.official_share:.0%} from officials",
            f"{self.person_share:.0%} from named persons",
            plural(self.single_source_claims, "single-source claim"),
            f"{self.nested_claims} second-hand (nested)",
        ]
        return " · ".join(parts)


def _chain(prepared: list[_Prepared], i: int) -> set[int]:
    """``i``'s ancestors through ``nested_in`` (``i`` excluded)."""
    out, parent = set(), prepared[i].nested_in
    while parent is not None:
        out.add(parent)
        parent = prepared[parent].nested_in
    return out


def sourcing_profile(text: str, attributions: Sequence[Attribution]) -> SourcingProfile:
    """The sourcing profile of one article (see ``SourcingProfile`` for every definition).

    Args:
        text: the article's canonical text.
        attributions: its attributions.

    Returns:
        The profile; all zeros for no attributions.

    Raises:
        BadInput: an attribution does not fit the text.
    """
    prepared = _prepare(text, attributions)
    ancestors = [_chain(prepared, p.index) for p in prepared]
    all_words: set[int] = set()
    by_type: dict[str, set[int]] = {t: set() for t in SOURCE_TYPES}
    for p in prepared:
        all_words |= p.tokens
        if p.type in by_type:
            by_type[p.type] |= p.tokens
    single = 0
    for p in prepared:
        if len(p.names) != 1 or p.names[0] in PSEUDO_SOURCES:
            continue
        line = ancestors[p.index] | {q.index for q in prepared if p.index in ancestors[q.index]}
        corroborated = any(
            q.index != p.index
            and q.index not in line
            and set(q.names) != set(p.names)
            and q.names[0] not in PSEUDO_SOURCES
            and p.tokens & q.tokens
            for q in prepared
        )
        single += not corroborated
    named = {n for p in prepared for n in p.names if n not in PSEUDO_SOURCES}
    return SourcingProfile(
        claims=len(prepared),
        sources=len(named),
        unsourced_claims=sum(p.names == (NO_SOURCE,) for p in prepared),
        words=len(all_words),
        unnamed_words=len(by_type["unnamed"]),
        media_words=len(by_type["media"]),
        official_words=len(by_type["official"]),
        person_words=len(by_type["person"]),
        single_source_claims=single,
        nested_claims=sum(p.nested_in is not None for p in prepared),
    )


# --------------------------------------------------------------------------- choosing a source


def attribution_indices_for(
    attributions: Sequence[Attribution], source_name: str, text: str = ""
) -> list[int]:
    """Indices of the attributions that cite ``source_name`` (for highlighting them).

    Args:
        attributions: one article's attributions.
        source_name: a canonical name as shown in the breakdown (or ``NO_SOURCE``).
        text: the article text, needed only to name sources that lack a canonical name.

    Returns:
        Ascending indices; empty when the source is not cited (a stale choice clears).
    """
    return [i for i, a in enumerate(attributions) if source_name in source_names(a, text)]


def attributions_of(
    text: str, attributions: Sequence[Attribution], source_name: str
) -> pd.DataFrame:
    """One source's attributions in one article, in reading order.

    Args:
        text: the article's canonical text.
        attributions: its attributions.
        source_name: a canonical name from the breakdown (or ``NO_SOURCE``).

    Returns:
        A frame with ``ATTRIBUTION_LIST_COLUMNS``: ``attribution_index`` (into ``attributions``),
        ``source_text`` (the source as written, None when absent), ``cue``, ``content`` (pieces
        joined by " … "), ``kind``, ``start``/``end`` (the extent of source, cue and content),
        ``nested_in`` (the containing attribution's source, or None). Empty when not cited.

    Raises:
        BadInput: an attribution does not fit the text.
    """
    prepared = _prepare(text, attributions)
    rows = [
        {
            "attribution_index": p.index,
            "source_text": p.source_text,
            "cue": p.cue,
            "content": p.content,
            "kind": p.kind,
            "start": p.start,
            "end": p.end,
            "nested_in": _join(_container_names(prepared, p, source_name)),
        }
        for p in prepared
        if source_name in p.names
    ]
    frame = _frame(rows, ATTRIBUTION_LIST_COLUMNS)
    frame = frame.sort_values(["start", "attribution_index"], kind="stable")
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- corpus


def _parse_date(value: str | date | datetime | None, what: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise BadInput(f"{what} date {value!r} is not a date: use YYYY-MM-DD") from exc
    if pd.isna(ts):
        raise BadInput(f"{what} date {value!r} is not a date: use YYYY-MM-DD")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _article_date(article: Article) -> pd.Timestamp:
    """The article's date as a timestamp; NaT when unknown or not ISO 8601."""
    if not article.date:
        return pd.NaT
    ts = pd.to_datetime(article.date, errors="coerce", format="ISO8601")
    if pd.isna(ts):
        return pd.NaT
    return ts.tz_convert(None) if ts.tzinfo is not None else ts


def corpus_attributions(
    items: Iterable[tuple[Article, Sequence[Attribution]]], *, skipped: list[tuple[Article, str]] | None = None
) -> pd.DataFrame:
    """The long corpus frame: one row per (article, attribution, source name).

    Args:
        items: ``(article, attributions)`` pairs; offsets point into ``article.text``.

    Returns:
        A frame with ``LONG_COLUMNS``: ``article_id``, ``title``, ``outlet``, ``date``
        (datetime64, NaT when the article has none), ``attribution_index`` (into that article's
        attributions), ``source``, ``type``, ``kind``, ``cue`` (as written), ``content``,
        ``start``/``end`` (the extent of source, cue and content, for deep links), ``words``,
        ``nested`` (the containing attribution's source(s), or None). Rows are in corpus order,
        then reading order. A person cited by surname alone in one article ("Trump") is the
        person of that surname elsewhere ("Donald Trump") when exactly one such full name is
        cited in the corpus (:func:`merge_surnames`); ``source`` and ``nested`` say the full name.

    Args:
        skipped: when given, an article whose attributions do not fit its text is left out and
            ``(article, problem)`` appended here, so a library-wide view goes on and names it.

    Raises:
        BadInput: an article's attributions do not fit its text (the message names the article),
            when ``skipped`` is not given.
    """
    records: list[dict[str, Any]] = []
    for article, attributions in items:
        try:
            prepared = _prepare(article.text, attributions)
        except BadInput as exc:
            if skipped is None:
                raise BadInput(f"article {article.id}: {exc}") from exc
            skipped.append((article, str(exc)))
            continue
        meta = {
            "article_id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "date": _article_date(article),
        }
        for r in _long_records(prepared):
            records.append({**meta, **r})
    full = merge_surnames((r["source"], r["type"]) for r in records)
    for r in records:
        r["source"] = full.get(r["source"], r["source"])
        if r["nested"]:
            r["nested"] = "; ".join(full.get(n, n) for n in r["nested"].split("; "))
    frame = _frame(records, LONG_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


def merge_surnames(sources: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Surname-only person sources mapped to the one full name in ``sources`` ending with them.

    Within an article the entity grouping already makes "Trump" Donald Trump; across articles an
    article that only ever says "Trump" keeps the surname. Only persons, only a single capitalised
    word, and only when exactly one cited person of two or more words ends with it ("Johnson" stays
    as it is when both Boris Johnson and Lyndon Johnson are cited).

    Args:
        sources: ``(canonical name, type)`` pairs, repeats allowed.

    Returns:
        ``{surname: full name}`` for the surnames to merge.
    """
    persons = {name for name, stype in sources if stype == "person" and name}
    by_last: dict[str, set[str]] = {}
    for name in persons:
        words = name.split()
        if len(words) >= 2:
            by_last.setdefault(words[-1], set()).add(name)
    return {
        name: next(iter(by_last[name]))
        for name in persons
        if " " not in name and name[:1].isupper() and len(by_last.get(name, ())) == 1
    }


def _as_long(items: pd.DataFrame | Iterable[tuple[Article, Sequence[Attribution]]]) -> pd.DataFrame:
    return items if isinstance(items, pd.DataFrame) else corpus_attributions(items)


def corpus_breakdown(
    items: pd.DataFrame | Iterable[tuple[Article, Sequence[Attribution]]],
) -> pd.DataFrame:
    """One row per canonical source across the corpus.

    Args:
        items: ``(article, attributions)`` pairs, or a long frame from ``corpus_attributions``
            (possibly narrowed by ``filter_corpus``).

    Returns:
        A frame with ``CORPUS_COLUMNS``: the per-article columns summed over the corpus, plus
        ``articles`` (number of articles citing the source) and ``outlets`` (distinct outlets
        citing it, first-seen order). Same sorting as ``article_breakdown``.
    """
    long = _as_long(items)
    return _aggregate(long.to_dict(orient="records"), corpus=True)


def filter_corpus(
    long: pd.DataFrame,
    types: Iterable[str] | None = None,
    outlets: Iterable[str] | None = None,
    start: str | date | datetime | None = None,
    end: str | date | datetime | None = None,
) -> pd.DataFrame:
    """Narrow the long corpus frame by source type, outlet and date range.

    Args:
        long: from ``corpus_attributions``.
        types: keep these source types (None: all).
        outlets: keep these outlets (None: all).
        start: keep articles dated on or after this day (None: no lower bound).
        end: keep articles dated on or before this day (None: no upper bound). Undated articles
            are dropped as soon as either bound is given.

    Returns:
        The matching rows, index reset.

    Raises:
        BadInput: an unknown type, a date that does not parse, or ``start`` after ``end``.
    """
    mask = pd.Series(True, index=long.index)
    if types is not None:
        types = list(types)
        unknown = [t for t in types if t not in SOURCE_TYPES]
        if unknown:
            raise BadInput(
                f"source type {unknown[0]!r} is not one of {', '.join(SOURCE_TYPES)}"
            )
        mask &= long["type"].isin(types)
    if outlets is not None:
        mask &= long["outlet"].isin(list(outlets))
    lo, hi = _parse_date(start, "start"), _parse_date(end, "end")
    if lo is not None and hi is not None and lo > hi:
        raise BadInput(f"start date {start!r} is after end date {end!r}")
    day = long["date"].dt.normalize()
    if lo is not None:
        mask &= day >= lo.normalize()
    if hi is not None:
        mask &= day <= hi.normalize()
    return long[mask.fillna(False)].reset_index(drop=True)


def source_articles(long: pd.DataFrame, source: str) -> pd.DataFrame:
    """The articles that cite ``source``, newest first (undated last, then corpus order).

    Returns:
        Columns ``article_id``, ``title``, ``outlet``, ``date``, ``attributions``, ``direct``,
        ``indirect``, ``mixed``, ``words``, ``first_start`` (offset of its first attribution in
        that article, for a deep link).
    """
    columns = ["article_id", "title", "outlet", "date", "attributions", "direct", "indirect",
               "mixed", "words", "first_start"]
    rows = long[long["source"] == source]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(
        direct=rows["kind"] == "direct", indirect=rows["kind"] == "indirect",
        mixed=rows["kind"] == "mixed",
    )
    frame = rows.groupby("article_id", sort=False).agg(
        title=("title", "first"), outlet=("outlet", "first"), date=("date", "first"),
        attributions=("kind", "size"), direct=("direct", "sum"), indirect=("indirect", "sum"),
        mixed=("mixed", "sum"), words=("words", "sum"), first_start=("start", "min"),
    ).reset_index()
    frame["_order"] = range(len(frame))  # groupby(sort=False) keeps corpus order
    for c in ("attributions", "direct", "indirect", "mixed", "words", "first_start"):
        frame[c] = frame[c].astype("int64")
    frame = frame.sort_values(["date", "_order"], ascending=[False, True], na_position="last",
                              kind="stable")
    return frame[columns].reset_index(drop=True)


def outlet_unnamed_share(long: pd.DataFrame) -> pd.DataFrame:
    """How often each outlet relies on unnamed sources.

    Each attribution counts once, even when it names several sources (they share one type);
    attributions naming nobody count as unnamed. Articles without an outlet are grouped under
    ``"(unknown outlet)"``.

    Returns:
        Columns ``outlet``, ``articles``, ``attributions``, ``unnamed``, ``share`` (unnamed /
        attributions, 0..1), sorted by share (highest first), then attributions, then outlet.
    """
    columns = ["outlet", "articles", "attributions", "unnamed", "share"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    one = long.drop_duplicates(["article_id", "attribution_index"]).copy()
    one["outlet"] = one["outlet"].replace("", "(unknown outlet)").fillna("(unknown outlet)")
    one["is_unnamed"] = one["type"] == "unnamed"
    grouped = one.groupby("outlet", sort=False).agg(
        articles=("article_id", "nunique"),
        attributions=("attribution_index", "size"),
        unnamed=("is_unnamed", "sum"),
    ).reset_index()
    grouped["unnamed"] = grouped["unnamed"].astype("int64")
    grouped["share"] = grouped["unnamed"] / grouped["attributions"]
    grouped = grouped.sort_values(
        ["share", "attributions", "outlet"], ascending=[False, False, True], kind="stable"
    )
    return grouped[columns].reset_index(drop=True)


def source_timeline(long: pd.DataFrame, source: str, freq: str = "D") -> pd.DataFrame:
    """When ``source`` is cited: attribution and article counts per period.

    Args:
        long: from ``corpus_attributions``.
        source: a canonical source name.
        freq: a pandas period alias: ``"D"`` (day), ``"W"`` (week), ``"M"`` (month), ``"Y"``.

    Returns:
        Columns ``date`` (start of the period), ``attributions``, ``articles``, in date order;
        periods without citations are omitted, and so are undated articles.

    Raises:
        BadInput: ``freq`` is not a period alias pandas knows.
    """
    columns = ["date", "attributions", "articles"]
    try:
        pd.Period("2020-01-01", freq=freq)
    except (ValueError, TypeError) as exc:
        raise BadInput(f"timeline period {freq!r} is not one of D, W, M, Y") from exc
    rows = long[(long["source"] == source) & long["date"].notna()]
    if rows.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"),
                             "attributions": pd.Series(dtype="int64"),
                             "articles": pd.Series(dtype="int64")})
    period = rows["date"].dt.to_period(freq).dt.start_time
    grouped = rows.assign(date=period).groupby("date").agg(
        attributions=("attribution_index", "size"), articles=("article_id", "nunique")
    ).reset_index()
    return grouped[columns].sort_values("date").reset_index(drop=True)


def what_has_source_said(long: pd.DataFrame, source: str) -> pd.DataFrame:
    """Every attribution of one source across the corpus, oldest first, in reading order.

    Returns:
        Columns ``article_id``, ``title``, ``outlet``, ``date``, ``attribution_index``, ``kind``,
        ``cue``, ``content``, ``start``, ``end``, ``nested``: ``article_id`` + ``start`` open the
        article at the passage. Undated articles come last, in corpus order.
    """
    columns = ["article_id", "title", "outlet", "date", "attribution_index", "kind", "cue",
               "content", "start", "end", "nested"]
    rows = long[long["source"] == source]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    order = {a: i for i, a in enumerate(dict.fromkeys(rows["article_id"]))}
    rows = rows.assign(_order=rows["article_id"].map(order))
    rows = rows.sort_values(["date", "_order", "start", "attribution_index"],
                            na_position="last", kind="stable")
    return rows[columns].reset_index(drop=True)
