"""Who is who in one article: the people and bodies it names, with their titles and salience.

Built once per article from the parse and the entity mentions (``NameBook``), before any source
is resolved. For every mention it keeps the canonical name, the sentence, whether the mention is
the subject of its clause (salience: "He said" most often continues the subject of its own or
the previous sentence) and whether it sits inside a quotation. For every name it keeps the
titles and descriptions the text gives it, from name-title pairs ("Senate Minority Leader Chuck
Schumer", "retailer Tesco"), appositions either way ("Chuck Schumer, the Senate Minority
Leader", "The Vice President, Mike Pence") and predicate nominals ("Peskov is the spokesman"),
so that "the leader" or "the vice president" can be looked up; a body's own head word counts as
its title ("US Embassy in London" is "the embassy"). Word lists are in ``data/resolution.json``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "resolution.json"
BODY = ("ORG", "GPE", "NORP", "FAC", "LOC")


@dataclass(frozen=True)
class ResolutionRules:
    """The validated contents of ``data/resolution.json``."""

    never_names: frozenset[str]
    plural_pronouns: frozenset[str]
    subject_deps: frozenset[str]
    max_sentences_back: int
    title_deps: frozenset[str]
    titles_in_names: frozenset[str]
    person_heads: frozenset[str]
    person_titles: frozenset[str]
    anaphoric_person_nouns: frozenset[str]
    partitive_words: frozenset[str]
    family_role_nouns: frozenset[str]
    modifier_name_heads: frozenset[str]
    group_heads: frozenset[str]
    author_heads: frozenset[str]
    body_pronouns: frozenset[str]
    body_they_sentences: int


@lru_cache(maxsize=1)
def load_rules() -> ResolutionRules:
    """Load and check ``data/resolution.json`` once per process."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))

    def words(key: str, field_name: str) -> frozenset[str]:
        vals = raw.get(key, {}).get(field_name)
        if not isinstance(vals, list) or not all(isinstance(v, str) and v for v in vals):
            raise ValueError(f"{DATA.name}: '{key}.{field_name}' must be a list of words")
        return frozenset(v.lower() for v in vals)

    def number(key: str) -> int:
        val = raw.get(key, {}).get("value")
        if not isinstance(val, int) or isinstance(val, bool) or val < 0:
            raise ValueError(f"{DATA.name}: '{key}.value' must be a whole number >= 0")
        return val

    back = number("max_sentences_back")
    return ResolutionRules(
        never_names=words("never_names", "words"),
        plural_pronouns=words("plural_pronouns", "words"),
        subject_deps=words("subject_deps", "deps"),
        max_sentences_back=back,
        title_deps=words("title_deps", "deps"),
        titles_in_names=words("titles_in_names", "words"),
        person_heads=words("person_heads", "words"),
        person_titles=words("person_titles", "words"),
        anaphoric_person_nouns=words("anaphoric_person_nouns", "words"),
        partitive_words=words("partitive_words", "words"),
        family_role_nouns=words("family_role_nouns", "words"),
        modifier_name_heads=words("modifier_name_heads", "words"),
        group_heads=words("group_heads", "words"),
        author_heads=words("author_heads", "words"),
        body_pronouns=words("body_pronouns", "words"),
        body_they_sentences=number("body_they_sentences"),
    )


@dataclass(frozen=True)
class Mention:
    """One mention of a named entity, with what salience needs."""

    start: int
    end: int
    label: str
    name: str
    sent: int
    subject: bool
    quoted: bool
    plural_subject: tuple[str, ...] = ()  # the names coordinated with it as one subject


@dataclass
class WhoIsWho:
    """The article's people and bodies: mentions by sentence, titles by name."""

    mentions: list[Mention] = field(default_factory=list)
    by_sent: dict[int, list[Mention]] = field(default_factory=dict)
    titles: dict[str, set[str]] = field(default_factory=dict)  # title word -> canonical names
    labels: dict[str, str] = field(default_factory=dict)  # canonical name -> entity label
    groups: list[tuple[int, int, tuple[str, ...], str]] = field(default_factory=list)
    # coordinated names ('Quirin and Redouane'): start, end, names, 'person' or 'body' 
    first_span: dict[str, tuple[int, int]] = field(default_factory=dict)

    def with_title(self, word: str, before: int) -> list[Mention]:
        """Latest mention (before ``before``) of each entity the text gives the title ``word``."""
        names = self.titles.get(word, set())
        latest: dict[str, Mention] = {}
        for m in self.mentions:
            if m.name in names and m.start < before:
                latest[m.name] = m
        return sorted(latest.values(), key=lambda m: m.start)


def build(doc, book, quotes, rules: ResolutionRules | None = None, sents=None) -> WhoIsWho:
    """Build the who-is-who model of one parsed article.

    Args:
        doc: the spaCy ``Doc``.
        book: the article's ``NameBook`` (canonical names of mentions).
        quotes: the article's ``QuoteIndex`` (or None).
        rules: the resolution rules (loaded from the data file when None).
        sents: ``sentences(doc)`` when the caller has it (finding sentences walks the doc).
    """
    rules = rules or load_rules()
    sent_of = sentence_index(doc, sentences(doc) if sents is None else sents)
    who = WhoIsWho()
    for ms, me, label, name in book.mentions:
        sp = doc.char_span(ms, me, alignment_mode="expand")
        if sp is None or not len(sp):
            continue
        root = sp.root
        subject, plural = _subject_of_clause(root, rules)
        names: tuple[str, ...] = ()
        if plural:
            names = tuple(n for n in (_name_at(book, t) for t in plural) if n)
        quoted = quotes is not None and bool(quotes.overlapping(ms, me))
        m = Mention(ms, me, label, name, sent_of[root.i], subject, quoted, names)
        who.mentions.append(m)
        who.by_sent.setdefault(m.sent, []).append(m)
        who.labels.setdefault(name, label)
        who.first_span.setdefault(name, (ms, me))
        if not quoted:
            for word in _titles(sp, root, label, rules):
                who.titles.setdefault(word, set()).add(name)
    # coordinated names, for 'the defendants', 'the parties', 'they'
    seen_groups: set[tuple[str, ...]] = set()
    for m in list(who.mentions):
        sp = doc.char_span(m.start, m.end, alignment_mode="expand")
        if sp is None or not len(sp) or sp.root.dep_ == "conj":
            continue
        conj = [sp.root, *sp.root.conjuncts]
        names = tuple(dict.fromkeys(n for n in (_name_at(book, t) for t in conj) if n))
        labels = {who.labels.get(n, "") for n in names}
        # people when any of them is a PERSON (the small model reads some surnames as places)
        kind = "person" if "PERSON" in labels else ("body" if labels & set(BODY) else "")
        if kind and len(names) > 1 and names not in seen_groups:
            seen_groups.add(names)
            end = max(t.idx + len(t.text) for t in conj)
            who.groups.append((m.start, end, names, kind))
    # a surname the NER missed as a clause subject ('Waseem appeared ...'): the one PERSON of
    # the article whose name has that word
    covered = {i for m in who.mentions for i in range(m.start, m.end)}
    persons = {m.name for m in who.mentions if m.label == "PERSON"}
    for i in _propn_subjects(doc, rules):
        t = doc[i]
        if t.idx in covered:
            continue
        fits = {n for n in persons if t.text in n.split()}
        if len(fits) != 1:
            continue
        name = fits.pop()
        quoted = quotes is not None and bool(quotes.overlapping(t.idx, t.idx + len(t.text)))
        m = Mention(t.idx, t.idx + len(t.text), "PERSON", name, sent_of[t.i], True, quoted)
        who.mentions.append(m)
        who.by_sent.setdefault(m.sent, []).append(m)
    who.mentions.sort(key=lambda m: m.start)
    for ms in who.by_sent.values():
        ms.sort(key=lambda m: m.start)
    return who


def sentences(doc) -> list:
    """The article's sentences for salience: the parser's, cut after every paragraph break
    inside one (the small model sometimes runs a sentence over a line break: 'The mother said
    "…" / One of the children said "…"' as one sentence would make the first speaker of it
    the most salient for a 'this person' in the second paragraph)."""
    out = []
    for sent in doc.sents:
        start = sent.start
        if "\n" in sent.text.rstrip():
            for t in sent[:-1]:
                if t.is_space and "\n" in t.text and t.i + 1 < sent.end:
                    out.append(doc[start : t.i + 1])
                    start = t.i + 1
        out.append(doc[start : sent.end])
    return out


def sentence_index(doc, sents=None) -> list[int]:
    """The sentence number of every token, without making a Token object per token."""
    out = [0] * len(doc)
    for k, sent in enumerate(doc.sents if sents is None else sents):
        out[sent.start : sent.end] = [k] * (sent.end - sent.start)
    return out


def _propn_subjects(doc, rules: ResolutionRules) -> list[int]:
    """Indices of proper nouns that are clause subjects (read from arrays: no Token objects)."""
    from spacy.attrs import DEP, POS
    from spacy.symbols import PROPN

    if not len(doc):
        return []
    arr = doc.to_array([POS, DEP])
    deps = {doc.vocab.strings.add(d) for d in rules.subject_deps}
    return [i for i, (pos, dep) in enumerate(arr.tolist()) if pos == PROPN and dep in deps]


def _name_at(book, tok) -> str | None:
    for ms, me, label, name in book.mentions:
        if ms <= tok.idx < me and (label == "PERSON" or label in BODY):
            return name
    return None


def _subject_of_clause(root, rules: ResolutionRules):
    """(is the mention a clause subject, the coordinated subject heads when there are several)."""
    tok = root
    while tok.dep_ in ("compound", "flat", "appos") and tok.head is not tok:
        tok = tok.head
    first = tok
    while first.dep_ == "conj" and first.head is not first:
        first = first.head
    if first.dep_ not in rules.subject_deps:
        return False, ()
    conj = [first, *[c for c in first.conjuncts if c.i != first.i]]
    return True, (tuple(conj) if len(conj) > 1 else ())


def _titles(sp, root, label: str, rules: ResolutionRules) -> set[str]:
    """Title and description words the text attaches to one mention."""
    out: set[str] = set()
    doc = sp.doc
    inside = {t.i for t in sp}

    def add(tok) -> None:
        if tok.pos_ in ("NOUN", "PROPN") and tok.i not in inside or tok.pos_ == "NOUN":
            out.add(tok.lemma_.lower())

    # name-title pairs: 'President Donald Trump', 'retailer Tesco' (the title just before)
    i = sp.start - 1
    while i >= 0 and doc[i].dep_ in rules.title_deps and doc[i].head.i in inside:
        add(doc[i])
        i -= 1
    for t in sp:
        if t.pos_ == "NOUN" or (t.dep_ == "compound" and t.text[:1].isupper() and t.i < root.i
                                and label == "PERSON" and t.lower_ in rules.titles_in_names):
            out.add(t.lemma_.lower())
    # apposition, either way: 'Schumer, the leader' / 'The leader, Schumer'
    for c in root.children:
        if c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN") and c.i not in inside:
            out.add(c.lemma_.lower())
    if root.dep_ == "appos" and root.head.i not in inside and root.head.pos_ in ("NOUN", "PROPN"):
        out.add(root.head.lemma_.lower())
    # predicate nominal: 'Peskov is the spokesman'
    if root.dep_ in rules.subject_deps and root.head.lemma_ == "be":
        for c in root.head.children:
            if c.dep_ == "attr" and c.pos_ == "NOUN":
                out.add(c.lemma_.lower())
    if label in BODY:
        out.add(root.lemma_.lower())  # 'US Embassy in London' is 'the embassy'
    return out

