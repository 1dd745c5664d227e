"""Where the machine is unsure of a speaker: one article's review queue and its ranked candidates.

Works from an article's analysis as stored — text, entity mentions and groups, attributions with
``source_status`` and ``source_antecedent_span`` — with analysts' corrections applied (read through
``components.effective``), never from a parse. An attribution needs review when (rules and word
lists in ``data/review.json``, each flag with the reason shown to the analyst):
- ``unresolved``: the resolver left its source open;
- ``rival``: it was resolved from a pronoun or description while another person or body that agrees
  with that phrase (gender, number, person or body) is mentioned in its window (its own sentence
  and ``window_sentences`` before it, outside what it said); "the latter" and "the former" pick
  by position, not agreement, and have no rivals;
- ``far``: the antecedent is more than ``far_sentences`` sentences before the source;
- ``after``: the antecedent comes only after the source;
- ``shared_surname``: its source is a bare surname that two or more people of the article share;
- ``description``: a definite description of a person ("the father", "this person"), or a pronoun,
  kept as (or resolved to) a description that names none of the article's people or bodies.
For each, a ranked list of candidate sources: the resolver's choice first when there is one, then
the article's people and bodies that agree with the source phrase — a shared surname's bearers
first, then those mentioned nearest before the source, then those mentioned only after it — each
with the reason for its rank. A person's gender comes from ``data/gender.json`` (first names,
honorifics and role nouns next to a mention), through the lexicon. An attribution whose source
an analyst has settled (a ``set_source`` or ``add`` correction in its provenance) is not in the
queue. ``accept`` and ``choose`` record the analyst's decision as an ordinary ``set_source``
correction (who, when, before → after, undoable), through ``components.corrections``. Never
imports Streamlit.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from components.access import User
from components.attribution.lexicon import load_lexicon
from components.corrections import MODEL, Correction, CorrectionsService, Provenance
from components.errors import BadInput
from components.records import Analysis, Article, Attribution, EntityGroup, Span

DATA = Path(__file__).with_name("data") / "review.json"
FLAGS = ("unresolved", "rival", "far", "after", "shared_surname", "description")
#: The corrections that settle who said it: a changed source, an attribution an analyst added.
SOURCE_ACTIONS = ("set_source", "add")
WORD = re.compile(r"[^\W_]+", re.UNICODE)
NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n\s*")


@dataclass(frozen=True)
class ReviewRules:
    """The validated contents of ``data/review.json``."""

    flag_text: dict[str, str]
    window_sentences: int
    far_sentences: int
    max_candidates: int
    person_labels: frozenset[str]
    body_labels: frozenset[str]
    words: dict[str, frozenset[str]]  # male, female, person, body, plural, any, ordered, person_heads
    abbreviations: frozenset[str]
    definite: frozenset[str]


def load_rules(path: Path = DATA) -> ReviewRules:
    """Load and check the review rules (``data/review.json`` unless another file is given).

    Raises:
        ValueError: the file is not JSON, or a field is missing or of the wrong type (named).
    """
    if path == DATA:
        return _default_rules()
    return _read_rules(path)


@lru_cache(maxsize=1)
def _default_rules() -> ReviewRules:
    return _read_rules(DATA)


def _read_rules(path: Path) -> ReviewRules:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot be read as JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: must hold one JSON object")

    def section(key: str) -> dict:
        val = raw.get(key)
        if not isinstance(val, dict):
            raise ValueError(f"{path.name}: missing section {key!r}")
        return val

    def number(key: str, least: int) -> int:
        val = section(key).get("value")
        if not isinstance(val, int) or isinstance(val, bool) or val < least:
            raise ValueError(f"{path.name}: '{key}.value' must be a whole number >= {least}")
        return val

    def words(sec: dict, key: str, where: str) -> frozenset[str]:
        vals = sec.get(key)
        if not isinstance(vals, list) or not all(isinstance(v, str) and v.strip() for v in vals):
            raise ValueError(f"{path.name}: '{where}.{key}' must be a list of words")
        return frozenset(v.strip().lower() for v in vals)

    flags = section("flags")
    texts = {}
    for flag in FLAGS:
        entry = flags.get(flag)
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not entry["text"].strip():
            raise ValueError(f"{path.name}: 'flags.{flag}.text' must say why such an attribution is reviewed")
        texts[flag] = entry["text"].strip()
    labels, wsec = section("labels"), section("words")
    word_lists = {k: words(wsec, k, "words") for k in
                  ("male", "female", "person", "body", "plural", "any", "ordered", "person_heads")}
    return ReviewRules(
        flag_text=texts,
        window_sentences=number("window_sentences", 0),
        far_sentences=number("far_sentences", 1),
        max_candidates=number("max_candidates", 1),
        person_labels=frozenset(w.upper() for w in words(labels, "person", "labels")),
        body_labels=frozenset(w.upper() for w in words(labels, "body", "labels")),
        words=word_lists,
        abbreviations=words(section("abbreviations"), "words", "abbreviations"),
        definite=words(section("definite"), "words", "definite"),
    )


# ---- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One source an analyst may choose for an attribution under review.

    ``group`` is the entity group it is (None for the resolver's choice when no entity names it,
    such as "the report's authors"); ``mention`` one of its mentions (the nearest before the
    source, else the first after it), which the correction records as whom the source means.
    """

    name: str
    source_type: str | None
    reason: str
    group: str | None = None
    label: str = ""
    mention: Span | None = None
    chosen: bool = False  # the resolver's (current) choice


@dataclass(frozen=True)
class ReviewItem:
    """One attribution an analyst is asked to check: why, and whom it could be."""

    index: int  # in the effective analysis's attributions
    attribution: Attribution
    flags: tuple[str, ...]  # of ``FLAGS``
    reasons: tuple[str, ...]  # the text of each flag, for the analyst
    phrase: str  # the source as written ("he", "the spokesman", "Smith")
    candidates: tuple[Candidate, ...]

    @property
    def why(self) -> str:
        """The reasons in one line."""
        return "; ".join(self.reasons)

    @property
    def chosen(self) -> Candidate | None:
        """The resolver's choice, when there is one (always the first candidate then)."""
        return self.candidates[0] if self.candidates and self.candidates[0].chosen else None


@dataclass(frozen=True)
class _Want:
    """What a source phrase can refer to: people and/or bodies, of a gender, as a name."""

    person: bool
    body: bool
    gender: str | None = None
    name_words: tuple[str, ...] = ()  # a bare name's words ("Smith")
    describes: str = ""  # for the reasons: "“he”: a man"

    @property
    def is_name(self) -> bool:
        return bool(self.name_words)


# ---- the article's evidence ----------------------------------------------------------------------


class _Article:
    """One article's sentences, mentions and the gender of each person group, built once."""

    def __init__(self, article: Article, analysis: Analysis, rules: ReviewRules) -> None:
        self.text = article.text
        self.rules = rules
        self.lex = load_lexicon()
        self.sent_starts = _sentence_starts(self.text, rules.abbreviations)
        self.groups = {g.id: g for g in analysis.groups
                       if g.label in rules.person_labels or g.label in rules.body_labels}
        mentions = sorted((m.start, m.end, g.id) for g in self.groups.values() for m in g.mentions)
        self.mention_starts = [m[0] for m in mentions]
        self.mentions = mentions
        self.by_group: dict[str, list[Span]] = {}
        for s, e, gid in mentions:
            self.by_group.setdefault(gid, []).append(Span(s, e))
        self.genders = {gid: self._gender(g) for gid, g in self.groups.items() if g.label in rules.person_labels}

    def sentence(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1

    def _gender(self, g: EntityGroup) -> tuple[str | None, str]:
        """(gender, the evidence) of a person group, or (None, '') with none or both ways."""
        gc = self.lex.gender
        found: dict[str, str] = {}
        first = NAME_WORD.findall(g.name)
        if first and first[0].lower() in gc.first_names:
            found.setdefault(gc.first_names[first[0].lower()], f"first name “{first[0]}”")
        for m in self.by_group.get(g.id, ()):
            before = WORD.findall(self.text[max(0, m.start - 24) : m.start])
            if before:
                w = before[-1].lower()
                for table in (gc.honorifics, gc.role_nouns):
                    if w in table:
                        found.setdefault(table[w], f"“{before[-1]}”")
            after = re.match(r",\s+(?:the|a|an|his|her)?\s*(\w+)", self.text[m.end : m.end + 40])
            if after and after.group(1).lower() in gc.role_nouns:
                w = after.group(1)
                found.setdefault(gc.role_nouns[w.lower()], f"“{w}”")
        if len(found) != 1:
            return None, ""
        ((gender, why),) = found.items()
        return gender, why

    def source_type(self, gid: str) -> str:
        g = self.groups[gid]
        if g.label in self.rules.person_labels:
            return "person"
        key = g.name.lower()
        if key in self.lex.outlet_by_alias or key.removeprefix("the ") in self.lex.outlet_by_alias:
            return "media"
        return "official"

    def overlapping(self, span: Span, name: str | None = None) -> str | None:
        """The group, among those with a mention overlapping ``span``, named ``name`` (an
        antecedent "Pyongyang and Moscow" resolved to "Moscow"), else the one overlapping most;
        None when no mention overlaps."""
        i = bisect_left(self.mention_starts, span.start)
        best, best_gid = 0, None
        key = (name or "").casefold()
        for s, e, gid in self.mentions[max(0, i - 8) : bisect_left(self.mention_starts, span.end)]:
            ov = min(e, span.end) - max(s, span.start)
            if ov > 0 and key and self.groups[gid].name.casefold() == key:
                return gid
            if ov > best:
                best, best_gid = ov, gid
        return best_gid

    def mention_of(self, gid: str, span: Span) -> Span | None:
        """The group's mention overlapping ``span`` most."""
        spans = [m for m in self.by_group.get(gid, ()) if min(m.end, span.end) > max(m.start, span.start)]
        return max(spans, key=lambda m: min(m.end, span.end) - max(m.start, span.start)) if spans else None


def _sentence_starts(text: str, abbreviations: frozenset[str]) -> list[int]:
    """Start offsets of the text's sentences (a full stop after an abbreviation or an initial
    ends none); linear in the text."""
    starts = [0]
    for m in _SENT_END.finditer(text):
        if m.group(0)[0] == ".":
            j = m.start()
            k = j
            while k > 0 and (text[k - 1].isalpha() or text[k - 1] == "."):
                k -= 1
            word = text[k:j].lower()
            if word in abbreviations or (len(word) == 1 and text[k].isupper()):
                continue
        end = m.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text) and end > starts[-1]:
            starts.append(end)
    return starts


def _want(phrase: str, art: _Article) -> _Want:
    """What the source phrase can refer to, read from its last word (its head in English)."""
    rules, lex, gc = art.rules, art.lex, art.lex.gender
    ws = rules.words
    words = [w for w in WORD.findall(phrase.lower()) if w != "s"]
    head = words[-1] if words else ""
    quoted = f"“{' '.join(phrase.split())}”"
    if head in ws["male"] or head in ws["female"]:
        gender = "male" if head in ws["male"] else "female"
        return _Want(True, False, gender, describes=f"{quoted}: a {'man' if gender == 'male' else 'woman'}")
    if head in ws["person"]:
        return _Want(True, False, describes=f"{quoted}: a person")
    if head in ws["body"]:
        return _Want(False, True, describes=f"{quoted}: a body")
    if head in ws["plural"]:
        return _Want(False, True, describes=f"{quoted}: a body (plural)")
    if head in ws["any"]:
        return _Want(True, True, describes=f"{quoted}: a person or a body")
    if head in gc.role_nouns:
        gender = gc.role_nouns[head]
        return _Want(True, False, gender, describes=f"{quoted}: a {'man' if gender == 'male' else 'woman'}")
    if head in lex.official_heads or head in lex.media_heads:
        return _Want(False, True, describes=f"{quoted}: a body")
    person_heads = ws["person_heads"] | lex.reference_heads | lex.unnamed_heads
    if head in person_heads:
        return _Want(True, False, describes=f"{quoted}: a person")
    if head.endswith("s") and (head[:-1] in person_heads or head[:-1] in lex.official_heads):
        return _Want(False, True, describes=f"{quoted}: a body (plural)")
    skip = set(gc.honorifics) | lex.reference_heads | ws["person_heads"] | rules.definite | ws["any"] \
        | {w for k in ("male", "female", "person", "body", "plural") for w in ws[k]}
    names = tuple(w for w in NAME_WORD.findall(phrase) if w[0].isupper() and w.lower().rstrip(".") not in skip)
    if names:
        gender = None
        for w in WORD.findall(phrase.lower()):
            gender = gender or gc.honorifics.get(w)
        return _Want(True, True, gender, name_words=names, describes=f"{quoted}: a name")
    return _Want(True, True, describes=f"{quoted}: a person or a body")


def _agrees(gid: str, want: _Want, art: _Article) -> tuple[bool, str]:
    """Whether group ``gid`` can be what the phrase refers to, and how it agrees (for the reason)."""
    g = art.groups[gid]
    if g.label in art.rules.person_labels:
        if not want.person:
            return False, ""
        gender, why = art.genders.get(gid, (None, ""))
        if want.gender and gender and gender != want.gender:
            return False, ""
        if gender:
            return True, f"a {'man' if gender == 'male' else 'woman'} ({why})"
        return True, "a person of no known gender"
    if not want.body:
        return False, ""
    return True, f"a body ({art.source_type(gid)})"


def _sentences_word(n: int) -> str:
    return f"{n} sentence{'s' * (n != 1)}"


def _where(art: _Article, source: Span, mention: Span) -> str:
    """Where a candidate's mention is, relative to the source: for its reason."""
    k, m = art.sentence(source.start), art.sentence(mention.start)
    if mention.end <= source.start:
        return "mentioned just before, in the same sentence" if k == m else f"mentioned {_sentences_word(k - m)} before"
    return "mentioned only after the source" + ("" if k == m else f" ({_sentences_word(m - k)} later)")


def _nearest(art: _Article, gid: str, source: Span, own: tuple[Span, ...]) -> tuple[Span, bool] | None:
    """The group's mention nearest before ``source`` (outside the attribution's own content),
    else its first mention after; with whether it is before."""
    spans = art.by_group.get(gid, ())
    outside = [m for m in spans if not any(c.start <= m.start and m.end <= c.end for c in own)]
    before = [m for m in outside if m.end <= source.start]
    if before:
        return before[-1], True
    after = [m for m in outside if m.start >= source.end] or [m for m in spans if m.start >= source.end]
    if after:
        return after[0], False
    rest = [m for m in spans if m.end <= source.start]
    return (rest[-1], True) if rest else None


# ---- the queue -----------------------------------------------------------------------------------


def source_decisions(corrections: Iterable[Correction]) -> frozenset[int]:
    """Ids of the active corrections that settle an attribution's source (a changed source, an
    attribution an analyst added): what ``review_queue`` takes as ``decided``."""
    return frozenset(c.id for c in corrections
                     if c.active and c.target == "attribution" and c.action in SOURCE_ACTIONS)


def review_queue(
    article: Article,
    analysis: Analysis,
    provenance: Provenance | None = None,
    *,
    decided: Collection[int] | None = None,
    rules: ReviewRules | None = None,
) -> list[ReviewItem]:
    """The attributions of ``analysis`` an analyst should check, in reading order.

    Args:
        article: the article (its canonical text).
        analysis: its analysis as shown (the effective analysis: corrections applied).
        provenance: the analysis's provenance: an attribution whose source an analyst settled is
            left out.
        decided: ids of the corrections that settle a source (``source_decisions``); an
            attribution touched by one of them is left out. When None, one touched by any
            analyst's correction is (a changed kind or cue included).
        rules: the review rules (``data/review.json`` by default).

    Returns:
        One ``ReviewItem`` per attribution in doubt, each with its reasons and ranked candidates.
    """
    rules = rules or load_rules()
    art = _Article(article, analysis, rules)
    origins = provenance.attributions if provenance is not None else ()
    settled = None if decided is None else set(decided)

    def done(i: int) -> bool:
        if i >= len(origins) or origins[i].by == MODEL:
            return False
        return settled is None or bool(settled.intersection(origins[i].corrections))

    items = []
    for i, a in enumerate(analysis.attributions):
        if a.source is None or done(i):
            continue
        item = _review(i, a, art)
        if item is not None:
            items.append(item)
    items.sort(key=lambda it: (it.attribution.source.start, it.index))
    return items


def unsure_reasons(items: list[ReviewItem]) -> dict[int, str]:
    """Attribution index → why it is in doubt: what the reading view marks and says on hover."""
    return {it.index: it.why for it in items}


def _review(index: int, a: Attribution, art: _Article) -> ReviewItem | None:
    rules, text = art.rules, art.text
    source = a.source
    phrase = source.text(text)
    want = _want(phrase, art)
    chosen = _chosen(a, art)
    flags: list[str] = []
    if a.source_status == "unresolved":
        flags.append("unresolved")
    agreeing = [gid for gid in art.groups if _agrees(gid, want, art)[0]]
    sharers: list[str] = []
    if want.is_name and len(want.name_words) == 1:
        surname = want.name_words[0].lower()
        sharers = [gid for gid in agreeing if art.groups[gid].label in rules.person_labels
                   and len(NAME_WORD.findall(art.groups[gid].name)) > 1
                   and NAME_WORD.findall(art.groups[gid].name)[-1].lower() == surname]
        if len({art.groups[g].name for g in sharers}) >= 2:
            flags.append("shared_surname")
    if a.source_status == "resolved" and a.source_antecedent_span is not None:
        ante = a.source_antecedent_span
        if ante.start >= source.end:
            flags.append("after")
        elif art.sentence(source.start) - art.sentence(ante.start) > rules.far_sentences:
            flags.append("far")
        ordered = bool(set(WORD.findall(phrase.lower())) & rules.words["ordered"])  # 'the latter'
        if not want.is_name and not ordered:
            lo_sent = max(0, art.sentence(source.start) - rules.window_sentences)
            lo = art.sent_starts[lo_sent]
            for gid in agreeing:
                if chosen is not None and gid == chosen.group:
                    continue
                if any(lo <= m.start and m.end <= source.start
                       and not any(c.start <= m.start and m.end <= c.end for c in a.content)
                       for m in art.by_group.get(gid, ())):
                    flags.append("rival")
                    break
    if a.source_status != "unresolved" and (chosen is None or chosen.group is None) and _describes_person(
            phrase, a.source_canonical or phrase, want, art):
        flags.append("description")
    if not flags:
        return None
    flags.sort(key=FLAGS.index)
    return ReviewItem(
        index=index,
        attribution=a,
        flags=tuple(flags),
        reasons=tuple(rules.flag_text[f] for f in flags),
        phrase=phrase,
        candidates=_rank(a, want, chosen, agreeing, set(sharers), art),
    )


def _describes_person(phrase: str, name: str, want: _Want, art: _Article) -> bool:
    """A definite description of a person, or a pronoun, whose name is a description too (no
    capitalised word after its first): 'The father' → 'father', 'she' → 'person'."""
    words = WORD.findall(phrase.lower())
    if not words or not want.person or want.is_name:
        return False
    ws = art.rules.words
    pronoun = len(words) == 1 and words[0] in ws["male"] | ws["female"] | ws["person"]
    if not pronoun and words[0] not in art.rules.definite:
        return False
    return not any(w[0].isupper() for w in NAME_WORD.findall(name)[1:]) and not (
        pronoun and name.strip().lower() == phrase.strip().lower())


def _chosen(a: Attribution, art: _Article) -> Candidate | None:
    """The resolver's (or the named source's) current choice as a candidate."""
    if a.source_status == "unresolved" or a.source is None:
        return None
    span = a.source_antecedent_span if a.source_status == "resolved" and a.source_antecedent_span else a.source
    gid = art.overlapping(span, a.source_canonical)
    if gid is None and a.source_canonical:
        key = a.source_canonical.casefold()
        gid = next((g.id for g in art.groups.values() if g.name.casefold() == key), None)
    how = "the resolver's choice" if a.source_status == "resolved" else "named in the source phrase"
    if gid is None:
        if not a.source_canonical:
            return None
        return Candidate(a.source_canonical, a.source_type, f"{how} (no entity of the article names it)", chosen=True)
    g = art.groups[gid]
    mention = art.mention_of(gid, span)
    if mention is None:
        near = _nearest(art, gid, a.source, a.content)
        mention = near[0] if near else None
    apart = mention is not None and not (mention.start < a.source.end and a.source.start < mention.end)
    where = f"; {_where(art, a.source, mention)}" if apart else ""
    return Candidate(a.source_canonical or g.name, a.source_type or art.source_type(gid), f"{how}{where}",
                     group=gid, label=g.label, mention=mention, chosen=True)


def _rank(a: Attribution, want: _Want, chosen: Candidate | None, agreeing: list[str], sharers: set[str],
          art: _Article) -> tuple[Candidate, ...]:
    """The resolver's choice, then agreeing groups: bearers of a shared surname first, then by
    nearest mention before the source, then by first mention after it."""
    ranked: list[tuple[tuple, Candidate]] = []
    for gid in agreeing:
        if chosen is not None and gid == chosen.group:
            continue
        near = _nearest(art, gid, a.source, a.content)
        if near is None:
            continue
        mention, before = near
        _, how = _agrees(gid, want, art)
        bits = [f"shares the name “{want.name_words[0]}”"] if gid in sharers else []
        bits += [how, _where(art, a.source, mention)]
        distance = a.source.start - mention.end if before else mention.start - a.source.end
        key = (gid not in sharers, not before, distance)
        g = art.groups[gid]
        ranked.append((key, Candidate(g.name, art.source_type(gid), "; ".join(bits), group=gid, label=g.label,
                                      mention=mention)))
    ranked.sort(key=lambda kc: kc[0])
    out = ([chosen] if chosen is not None else []) + [c for _, c in ranked]
    return tuple(out[: art.rules.max_candidates])


# ---- recording the analyst's decision -----------------------------------------------------------


def _current(svc: CorrectionsService, article_id: str, item: ReviewItem) -> None:
    """Refuse a decision on an attribution that changed since the queue was read."""
    attrs = svc.effective(article_id).analysis.attributions
    a = attrs[item.index] if 0 <= item.index < len(attrs) else None
    if a is None or (a.cue, a.content, a.source) != (item.attribution.cue, item.attribution.content,
                                                     item.attribution.source):
        raise BadInput(f"attribution #{item.index + 1} changed since the review list was read: reload it")


def accept(svc: CorrectionsService, article_id: str, item: ReviewItem, analyst: str | User) -> Correction:
    """Record that the analyst agrees with the machine: its choice of source, or, for an unresolved
    source, that the text does not say who. One ``set_source`` correction; the item leaves the queue.

    Raises:
        components.access.Forbidden: the user's role may not correct (a viewer).
        components.errors.BadInput: no analyst named, or the attribution changed meanwhile.
    """
    _current(svc, article_id, item)
    chosen = item.chosen
    if chosen is None:
        return svc.set_source(article_id, item.index, analyst=analyst, canonical=None)
    if chosen.mention is not None:
        return svc.set_source(article_id, item.index, analyst=analyst, entity=chosen.mention,
                              source_type=chosen.source_type)
    return svc.set_source(article_id, item.index, analyst=analyst, canonical=chosen.name,
                          source_type=chosen.source_type)


def choose(
    svc: CorrectionsService, article_id: str, item: ReviewItem, number: int, analyst: str | User
) -> Correction:
    """Record the analyst's choice of candidate ``number`` (1 = the first shown) as the source.

    Raises:
        components.access.Forbidden: the user's role may not correct (a viewer).
        components.errors.BadInput: no such candidate, no analyst named, or the attribution
            changed meanwhile.
    """
    if not isinstance(number, int) or not 1 <= number <= len(item.candidates):
        raise BadInput(f"candidate {number!r} is not offered for attribution #{item.index + 1} "
                       f"(there are {len(item.candidates)})")
    cand = item.candidates[number - 1]
    if cand.chosen:
        return accept(svc, article_id, item, analyst)
    _current(svc, article_id, item)
    return svc.set_source(article_id, item.index, analyst=analyst, entity=cand.mention,
                          source_type=cand.source_type)


def article_queue(store, version: str, article_id: str) -> tuple[Article, list[ReviewItem]]:
    """An article of the library and its review queue, through the one read path.

    Raises:
        components.errors.BadInput: unknown article, or no analysis of that version.
    """
    from components.effective import effective_analysis

    article = store.get_article(article_id)
    if article is None:
        raise BadInput(f"article {article_id!r} is not in the library")
    eff = effective_analysis(store, version, article_id)
    decided = source_decisions(CorrectionsService(store).corrections(article_id))
    return article, review_queue(article, eff.analysis, eff.provenance, decided=decided)
