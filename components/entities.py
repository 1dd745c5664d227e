"""Named entities of one article, cleaned and grouped into one row per real-world entity.

spaCy's mentions are taken as they are, with two boundary repairs that a reader would notice:
a trailing possessive is dropped ("North Korea’s" → "North Korea") and a person's name cut short
by the model is extended over the capitalised proper nouns that follow ("Yoon Suk" + "Yeol").
Mentions are then grouped: the same normalised text (case, "the", possessives, aliases from
``data/entity_aliases.json``) is one entity; a short person mention ("Putin", "Kim", "Kim junior")
joins the full name that contains it, choosing the most-mentioned full name when several do
("Kim" → Kim Jong Un, not his father Kim Jong-Il, who stays a row of his own); an all-capitals
acronym joins the organisation whose initials it spells ("UN" → "United Nations").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from components.records import Entity, EntityGroup, Span

ENTITY_RULES_VERSION = "1"
DATA = Path(__file__).resolve().parent / "data"

#: spaCy label → what the reading view calls it. Order is the legend's order.
LABEL_NAMES: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "country / city",
    "LOC": "place",
    "NORP": "nationality / group",
    "FAC": "facility",
    "EVENT": "event",
    "LAW": "law / treaty",
    "PRODUCT": "product",
    "WORK_OF_ART": "work / title",
    "LANGUAGE": "language",
    "DATE": "date",
    "TIME": "time",
    "MONEY": "money",
    "PERCENT": "percent",
    "QUANTITY": "quantity",
    "CARDINAL": "number",
    "ORDINAL": "ordinal",
}
#: Labels shown by default: numbers and ordinals are noise for a reader until asked for.
DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "DATE")

# Words that qualify a person's name without being part of it ("Kim junior", "Bush Sr.").
_NAME_SUFFIXES = {"junior", "jr", "senior", "sr", "ii", "iii"}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w]+(?:[-'’][\w]+)*")


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Alias → canonical name, read from ``data/entity_aliases.json`` (validated on load)."""
    raw = json.loads((DATA / "entity_aliases.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for canonical, names in raw["aliases"].items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"entity_aliases.json: aliases of {canonical!r} must be a list of strings")
        table[normalise(canonical)] = canonical
        for n in names:
            table[normalise(n)] = canonical
    return table


def normalise(text: str) -> str:
    """Grouping key of a mention: NFKC, case-folded, no leading "the", no possessive, one space."""
    t = unicodedata.normalize("NFKC", text).strip()
    t = _POSSESSIVE.sub("", t)
    t = _LEADING_THE.sub("", t)
    t = t.replace("’", "'").replace(".", "")
    return " ".join(t.split()).casefold()


def _name_words(key: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", key) if w and w not in _NAME_SUFFIXES]


def clean_mentions(doc, text: str | None = None) -> list[tuple[int, int, str]]:
    """spaCy entities as (start, end, label) with the boundary repairs described above."""
    out: list[tuple[int, int, str]] = []
    if text is None:
        text = doc.text  # Doc.text is rebuilt from the tokens on every access: read it once
    ents = list(doc.ents)
    ent_starts = {e.start for e in ents}
    # Sentence starts computed once: Token.is_sent_start re-checks the whole Doc on every call.
    sent_starts = (
        {sent.start for sent in doc.sents} if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else set()
    )
    for e in ents:
        end_tok = e.end
        if e.label_ == "PERSON":
            # Extend a name cut short: "Yoon Suk" + "Yeol's" — capitalised proper nouns only.
            while (
                end_tok < len(doc)
                and end_tok not in ent_starts
                and doc[end_tok].pos_ == "PROPN"
                and doc[end_tok].text[:1].isupper()
                and end_tok not in sent_starts
            ):
                end_tok += 1
        span = doc[e.start : end_tok]
        start, end = span.start_char, span.end_char
        # Drop a trailing possessive, whether spaCy kept it as its own token or inside one.
        mention = text[start:end]
        m = re.search(r"\s*(?:['’]s?)$", mention)
        if m and len(mention) - len(m.group(0)) > 0 and (m.group(0).strip() in ("'s", "’s") or mention.endswith("s'")):
            end -= len(m.group(0))
        while end > start and not text[end - 1].isalnum() and text[end - 1] not in ".)":
            end -= 1
        if end > start:
            out.append((start, end, e.label_))
    return out


def _slug(text: str) -> str:
    s = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return s or "x"


def group_mentions(text: str, mentions: Iterable[tuple[int, int, str]]) -> tuple[list[Entity], list[EntityGroup]]:
    """Group (start, end, label) mentions of ``text`` into entities; see the module docstring.

    Returns:
        (entities in reading order, each with its group id; groups in order of first mention).
    """
    mentions = sorted(mentions)
    keys = [normalise(text[s:e]) for s, e, _ in mentions]
    alias = aliases()
    keys = [normalise(alias.get(k, k)) if k in alias else k for k in keys]

    # Person full names (two or more words) are the anchors short mentions attach to.
    full_counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for (s, _e, label), key in zip(mentions, keys, strict=True):
        first_seen.setdefault(key, s)
        if label == "PERSON" and len(_name_words(key)) >= 2:
            full_counts[key] += 1

    def person_anchor(key: str) -> str | None:
        words = _name_words(key)
        if not words or len(words) >= 2 and key in full_counts:
            return None
        cands = [
            f
            for f in full_counts
            if f != key and all(w in _name_words(f) for w in words) and len(_name_words(f)) > len(words)
        ]
        if not cands:
            return None
        return max(cands, key=lambda f: (full_counts[f], -first_seen[f]))

    # Organisation acronyms: "UN" joins "United Nations" when that name is in the article.
    multiword_orgs = {
        "".join(w[0] for w in k.split() if w not in {"of", "the", "and", "for"}): k
        for (s, e, label), k in zip(mentions, keys, strict=True)
        if label in {"ORG", "GPE", "NORP", "FAC", "EVENT"} and len(k.split()) >= 2
    }

    resolved: list[str] = []
    for (s, e, label), key in zip(mentions, keys, strict=True):
        target = key
        if label == "PERSON" or (key in {_name_words(f)[-1] for f in full_counts if _name_words(f)}):
            target = person_anchor(key) or key
        raw = text[s:e]
        if raw.isupper() and 2 <= len(raw) <= 6 and key.replace(" ", "") in multiword_orgs:
            target = multiword_orgs[key.replace(" ", "")]
        resolved.append(target)

    by_key: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(resolved):
        by_key[k].append(i)

    groups: list[EntityGroup] = []
    group_of: dict[int, str] = {}
    used_ids: set[str] = set()
    for key, idxs in sorted(by_key.items(), key=lambda kv: mentions[kv[1][0]][0]):
        labels = Counter(mentions[i][2] for i in idxs)
        label = labels.most_common(1)[0][0]
        # The name: the canonical alias, else the fullest written form (most words, then most used).
        forms = Counter(_display(text[mentions[i][0] : mentions[i][1]]) for i in idxs)
        name = alias.get(key) or max(forms, key=lambda f: (len(_name_words(normalise(f))), forms[f], -len(f)))
        gid = f"{label}:{_slug(name)}"
        n = 2
        while gid in used_ids:
            gid, n = f"{label}:{_slug(name)}-{n}", n + 1
        used_ids.add(gid)
        groups.append(EntityGroup(gid, name, label, tuple(Span(mentions[i][0], mentions[i][1]) for i in idxs)))
        for i in idxs:
            group_of[i] = gid
    entities = [Entity(s, e, label, group_of[i]) for i, (s, e, label) in enumerate(mentions)]
    return entities, groups


def _display(raw: str) -> str:
    t = " ".join(raw.split())
    t = _POSSESSIVE.sub("", t)
    return _LEADING_THE.sub("", t)


def group_entities(doc) -> tuple[list[Entity], list[EntityGroup]]:
    """Entities and entity groups of a parsed article (``doc.text`` is its canonical text)."""
    text = doc.text
    return group_mentions(text, clean_mentions(doc, text))
