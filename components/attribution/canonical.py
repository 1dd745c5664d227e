"""Canonical names and source types for one source noun phrase.

A source phrase as written ("Presidential spokesman Dmitry Peskov", "the NYT", "US officials",
"South Korean President Yoon Suk Yeol's office") gets a canonical name and one of
``SOURCE_TYPES``: a named person ("person"), a government or official body ("official"), a
media outlet ("media"), or an unnamed or anonymous source ("unnamed"). Names come from the
entity groups when the caller has them, else from this article's own PERSON mentions (the
longest mention sharing a first or last name). Outlets and head-noun patterns are data files.
"""
from __future__ import annotations

import re

from components.attribution.lexicon import Lexicon, Outlet

LEADING_DET = re.compile(r"^(the|a|an|some|this|that|these|those|both|either)\s+", re.I)
POSSESSIVE = re.compile(r"(’s|'s|’|')$")
PERSON_LABELS = {"PERSON"}
BODY_LABELS = {"ORG", "GPE", "NORP", "FAC", "LOC"}
#: Prepositions that name a thing's author: "a statement by Minister X", "the map of gas routes by
#: Gas Europe" speak for X and Gas Europe (the gold convention too), not for a place or body that
#: only qualifies X's title ("US Secretary of State X" is X, never "United States").
AUTHOR_PREPS = frozenset({"by"})


def clean_name(name: str) -> str:
    """Drop a leading article, a trailing possessive and surrounding punctuation."""
    name = " ".join(name.split()).strip(" ,;:.\"“”‘’'")
    name = LEADING_DET.sub("", name)
    return POSSESSIVE.sub("", name).strip()


class NameBook:
    """Canonical names for entity mentions in one article (groups, or its own PERSON rules)."""

    def __init__(self, doc, groups, lex: Lexicon):
        self.doc = doc
        self.lex = lex
        text = doc.text  # Doc.text joins every token on each access: read it once
        self.text = text
        self.mentions: list[tuple[int, int, str, str]] = []  # start, end, label, canonical
        if groups:
            persons = self._person_spans(doc)
            for g in groups:
                label = self._group_label(g, persons)
                for m in g.mentions:
                    self.mentions.append((m.start, m.end, label, g.name))
        else:
            ents = [(self._extend(e), e.label_) for e in doc.ents]
            persons = [clean_name(sp.text) for sp, lab in ents if lab in PERSON_LABELS]
            full = sorted({p for p in persons if p}, key=lambda p: (-len(p.split()), persons.index(p)))
            for e, label in ents:
                name = clean_name(e.text)
                if not name:
                    continue
                if label in PERSON_LABELS:
                    name = self._longest(name, full)
                self.mentions.append((e.start_char, e.end_char, label, name))
        self._place_of_title()
        self._titled_people()
        self._surnames_as_people()
        self._bodies_of()
        self.mentions.sort()
        self.text_lower = text.lower()

    @staticmethod
    def _person_spans(doc) -> list[tuple[int, int, int]]:
        return [(e.start_char, e.end_char, len(clean_name(e.text).split()))
                for e in doc.ents if e.label_ in PERSON_LABELS]

    @staticmethod
    def _group_label(group, persons: list[tuple[int, int]]) -> str:
        """A group's label, except that a group whose full name the NER tagged as a person in
        one of its mentions is a person: the small model tags many lone surnames as ORG or GPE
        ('Rendell said'), and a group labelled by its majority would make 'Ed Rendell' a body
        that no 'he' can name."""
        if group.label in PERSON_LABELS or not group.mentions:
            return group.label
        want = len(group.name.split())
        for s, e, words in persons:
            if words >= want and any(m.start < e and s < m.end for m in group.mentions):
                return "PERSON"
        return group.label

    def _place_of_title(self) -> None:
        """'Prime Minister of [India Narendra Modi]': the small NER runs the place of a title
        'X of PLACE' into the holder's name. A person's name (or a run after a title) right
        after ' of ' whose first words are a place the article names on its own ('India') is
        the rest
        ('Narendra Modi'); every mention with that name gets the shorter one."""
        from components.attribution.identity import load_rules

        titles = load_rules().titles_in_names | self.lex.reference_heads
        # a place only ('of India'): 'President of the Iranian Chess Federation' is no place
        # ('Iranian', NORP) before a name
        places = {name for _, _, label, name in self.mentions if label in ("GPE", "LOC")}
        fixed: dict[str, str] = {}
        for ms, _me, label, name in self.mentions:
            words = name.split()
            if len(words) < 3 or self.text[max(ms - 4, 0):ms] != " of " or not all(
                    w[:1].isupper() for w in words):
                continue
            # a person by its label, or (the NER often calls the run a body) by the title
            before = self.text[:ms - 4].split()
            if label not in PERSON_LABELS and not (before and before[-1].lower() in titles):
                continue
            for k in range(len(words) - 2, 0, -1):  # the holder keeps two words at least
                if " ".join(words[:k]) in places:
                    fixed[name] = " ".join(words[k:])
                    break
        if fixed:
            self.mentions = [(ms, me, "PERSON" if name in fixed else label, fixed.get(name, name))
                             for ms, me, label, name in self.mentions]

    def _titled_people(self) -> None:
        """A name of two or more capitalised words the NER typed as a body or place, with a noun
        only a person can be in apposition either way ('Ann Lee, the government commissioner
        for energy'; ``person_titles`` in ``data/resolution.json``), is a person: every mention
        of that canonical name becomes one (and a lone surname of it, next)."""
        from components.attribution.identity import load_rules

        titles = load_rules().person_titles
        people: set[str] = set()
        for ms, me, label, name in self.mentions:
            words = name.split()
            if label not in BODY_LABELS or len(words) < 2 or not all(w[:1].isupper() for w in words):
                continue
            sp = self.doc.char_span(ms, me, alignment_mode="expand")
            if sp is None or not len(sp):
                continue
            root = sp.root
            appos = [c for c in root.children if c.dep_ == "appos" and c.i >= sp.end]
            if root.dep_ == "appos" and root.head.i < sp.start:
                appos.append(root.head)
            if any(a.pos_ == "NOUN" and a.lemma_.lower() in titles for a in appos):
                people.add(name)
        if people:
            self.mentions = [(ms, me, "PERSON" if name in people else label, name)
                             for ms, me, label, name in self.mentions]

    def _surnames_as_people(self) -> None:
        """A one-word mention the NER typed as a place or body ('Kidston', GPE) that is the
        surname of exactly one person named in full in the article ('Jarrod Kidston') is that
        person: who-said-what depends on it being a person."""
        full: dict[str, set[str]] = {}
        for _, _, label, name in self.mentions:
            parts = name.split()
            if label in PERSON_LABELS and len(parts) >= 2:
                full.setdefault(parts[-1], set()).add(name)
        for i, (ms, me, label, name) in enumerate(self.mentions):
            if label in PERSON_LABELS or " " in name:
                continue
            people = full.get(name, set())
            if len(people) == 1:
                self.mentions[i] = (ms, me, "PERSON", next(iter(people)))

    def _bodies_of(self) -> None:
        """A body the NER cut before 'of' ('Progressive Party' of 'Progressive Party of Working
        People'): its name runs over 'of' and the capitalised proper nouns after it, when they
        are no entity of their own or another body the NER split off ('Working People', ORG);
        a place after 'of' ('Bank of Ostmark', GPE) stays as tagged."""
        doc = self.doc
        if not self.mentions:
            return
        self.mentions.sort()
        by_start = {m[0]: m for m in self.mentions}
        dropped: set[tuple[int, int, str, str]] = set()
        for k, (ms, me, label, name) in enumerate(self.mentions):
            if label != "ORG" or self.text[me : me + 4] != " of " or self.mentions[k] in dropped:
                continue
            after = doc.char_span(me + 4, me + 5, alignment_mode="expand")  # only after ' of '
            i = after.start if after is not None and len(after) and after[0].idx == me + 4 else None
            nxt = by_start.get(me + 4)
            if nxt is not None:
                if nxt[2] != "ORG" or not all(t.pos_ == "PROPN" for t in doc.char_span(nxt[0], nxt[1]) or ()):
                    continue
                dropped.add(nxt)
                end = nxt[1]
            else:
                if i is None:
                    continue
                j = i
                while j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper() \
                        and doc[j].idx not in by_start:
                    j += 1
                if j == i or (j < len(doc) and doc[j].idx in by_start):
                    continue
                end = doc[j - 1].idx + len(doc[j - 1].text)
            self.mentions[k] = (ms, end, label, f"{name} of {self.text[me + 4:end]}")
        self.mentions = [m for m in self.mentions if m not in dropped]

    @staticmethod
    def _extend(ent):
        """A PERSON mention the NER cut short ('Yoon Suk' of 'Yoon Suk Yeol'): extend it over
        the proper nouns that follow it in the same compound chain."""
        if ent.label_ not in PERSON_LABELS:
            return ent
        doc, end = ent.doc, ent.end
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end - 1].dep_ == "compound" \
                and doc[end - 1].head.i >= end and not doc[end - 1].whitespace_ == "":
            end += 1
        return doc[ent.start : end]

    @staticmethod
    def _longest(name: str, full: list[str]) -> str:
        parts = name.split()
        if len(parts) > 1 and not any(name != f and name in f for f in full):
            return name
        for f in full:
            fp = f.split()
            if len(fp) <= len(parts):
                continue
            if parts[0] == fp[0] and len(parts) == 1 or parts[-1] == fp[-1] or \
                    " ".join(parts) in f:
                return f
        return name

    def in_span(self, s: int, e: int) -> list[tuple[int, int, str, str]]:
        return [m for m in self.mentions if m[0] < e and s < m[1]]

    def outlet(self, phrase: str) -> Outlet | None:
        key = clean_name(phrase).lower()
        hits = self.lex.outlet_by_alias.get(key) or self.lex.outlet_by_alias.get(phrase.lower())
        if not hits:
            return None
        if len(hits) == 1:
            return hits[0]
        # an ambiguous alias ('the Post'): prefer the outlet named in full in this article
        for o in hits:
            if o.name.lower() in self.text_lower or any(
                    len(a) > len(key) and a.lower() in self.text_lower for a in o.aliases):
                return o
        return hits[0]


def classify(np_tokens, book: NameBook) -> tuple[str, str]:
    """Canonical name and source type of a source noun phrase (a spaCy ``Span``).

    The rules, first match wins: a media outlet (whole phrase, or a named part of it); a named
    person heading the phrase (titles before the name are dropped); a body possessing a common
    head ("Yoon Suk Yeol's office"); an organisation or place heading the phrase ("the
    Kremlin", "A nervous Washington"); an anonymous head ("US officials", "a source"); an
    official head ("the foreign ministry"); a proper-noun head (a person); otherwise unnamed.
    """
    lex = book.lex
    text = np_tokens.text
    head = np_tokens.root
    hl = head.lemma_.lower()
    s, e = np_tokens.start_char, np_tokens.end_char
    outlet = book.outlet(text)
    if outlet is None:
        for m in book.in_span(s, e):
            if m[2] in ("ORG", "WORK_OF_ART", "GPE", "PERSON") and m[0] <= head.idx < m[1]:
                outlet = book.outlet(book.text[m[0] : m[1]])
                break
    if outlet is None and head.pos_ == "PROPN":
        # a name the NER missed ('The Bell'): the proper-noun run around the head
        outlet = book.outlet(" ".join(t.text for t in np_tokens if t.pos_ == "PROPN"))
    if outlet is not None:
        return outlet.name, "media"
    # a mention that starts before the phrase is not its name ('the Washington Post Trump',
    # one ORG to the small model, around the source 'Trump')
    mentions = [m for m in book.in_span(s, e) if m[0] >= s]
    head_mention = next((m for m in mentions if m[0] <= head.idx < m[1]), None)
    if head_mention is None and head.pos_ == "NOUN" and hl not in lex.reference_heads and \
            hl not in lex.unnamed_heads and hl not in lex.gender.role_nouns:
        # a thing, not a person: 'a man hired by Acme' is no word of Acme's
        author = _author(np_tokens, head, book)
        if author is not None:
            return author
    if head_mention is not None:
        label = head_mention[2]
        if label in PERSON_LABELS:
            return head_mention[3], "person"
        if label in BODY_LABELS or label == "ORG":
            return head_mention[3], ("media" if hl in lex.media_heads else "official")
    # a named person in apposition or as a compound before a title head: 'spokesman Peskov'
    for m in mentions:
        if m[2] in PERSON_LABELS:
            tok = book.doc.char_span(m[0], m[1], alignment_mode="expand")
            if tok is not None and tok.root.head.i == head.i and tok.root.dep_ in (
                    "appos", "compound", "nmod"):
                if name_modifies_person(tok.root, head):
                    continue
                if tok.root.dep_ == "compound" and hl in lex.official_heads:
                    # 'the Biden campaign', 'the Trump administration': the person's body, not
                    # the person ('Joe Biden's campaign' still names him for a reader)
                    return f"{m[3]}'s {head.text}", "official"
                return m[3], "person"
    poss = [c for c in head.children if c.dep_ == "poss"]
    if poss and hl not in ("'s", "’s"):
        owner_s, owner_e = poss[0].left_edge.idx, poss[0].idx + len(poss[0].text)
        owner = [m for m in book.in_span(owner_s, owner_e)]
        if owner:
            name = owner[-1][3]
            stype = "official" if hl in lex.official_heads or owner[-1][2] in BODY_LABELS \
                else "unnamed"
            return f"{name}'s {head.text}", stype
    if hl in lex.unnamed_heads or hl in lex.finding_heads:
        return common_name(np_tokens), "unnamed"
    if hl in lex.official_heads or hl in lex.media_heads:
        return common_name(np_tokens), ("media" if hl in lex.media_heads else "official")
    if _partitive_of_people(head, lex):
        # 'one of the Iranian chess players': a body or nationality that only qualifies the
        # people of a partitive does not name them
        return common_name(np_tokens), "unnamed"
    for m in mentions:
        if m[2] in BODY_LABELS:
            return m[3], "official"
    if head.pos_ == "PROPN":
        return clean_name(text), "person"
    return common_name(np_tokens), "unnamed"


def _partitive_of_people(head, lex: Lexicon) -> bool:
    """'One of the nurses', 'some of the Iranian players': a partitive head (``partitive_words``)
    whose 'of' group is a noun of people (person heads, role and unnamed-source nouns)."""
    from components.attribution.identity import load_rules

    rules = load_rules()
    if head.lower_ not in rules.partitive_words:
        return False
    people = rules.person_heads | lex.unnamed_heads | frozenset(lex.gender.role_nouns)
    return any(g.dep_ == "pobj" and g.pos_ == "NOUN" and g.lemma_.lower() in people
               for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children)


def name_modifies_person(name_root, head) -> bool:
    """A person's name before a person noun that is not that person: "the Wooster professor",
    "a Smith lawyer" are a professor and a lawyer of someone else (a college the small NER may
    tag as a person, a client), never the name itself. Only the nouns in
    ``modifier_name_heads`` (``data/resolution.json``): a noun that speaks for the name ("a
    Woolworths spokesperson", "Acme officials") keeps the name as its source, and a name in
    apposition ("the professor, Ann Lee") or heading the phrase ("professor Ann Lee") is the
    person."""
    from components.attribution.identity import load_rules

    if name_root.dep_ not in ("compound", "nmod") or head.pos_ != "NOUN":
        return False
    return head.lemma_.lower() in load_rules().modifier_name_heads or \
        head.lower_ in load_rules().modifier_name_heads


def _author(np_tokens, head, book: NameBook) -> tuple[str, str] | None:
    """The named author of a thing that speaks ("a tweet on Monday by Senator X"): the name or
    body of a ``by`` phrase on the head, when that phrase (inside the source phrase) names one."""
    # 'a statement by X', and 'a memo posted online by X' (the agent of a participle on the head)
    # (the resolver's phrase stops before a participle: its agent lies in the subject's
    # subtree, after the phrase)
    preps = [(c, False) for c in head.children if c.dep_ in ("prep", "agent")]
    preps += [(c, True) for v in head.children if v.dep_ == "acl" and v.tag_ == "VBN"
              for c in v.children if c.dep_ in ("prep", "agent")]
    for prep, participle in preps:
        if prep.lower_ not in AUTHOR_PREPS:
            continue
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or obj.left_edge.i < np_tokens.start or (
                not participle and obj.right_edge.i >= np_tokens.end):
            continue
        if obj.conjuncts:
            return None  # 'hosted by X and Y', 'a study by X and other researchers': not one author
        sub = book.doc[obj.left_edge.i : obj.right_edge.i + 1]
        name, stype = classify(sub, book)
        if stype != "unnamed":
            return name, stype
    return None


def common_name(np_tokens) -> str:
    """``clean_name`` of a phrase that names nobody ("Officials", "the website"), with the capital
    a sentence start gave its first word dropped, so "Officials said" and "officials said" are
    one source ("officials"). Proper nouns and acronyms keep their case ("US officials")."""
    name = clean_name(np_tokens.text)
    words = [t for t in np_tokens if clean_name(t.text)]
    first = next((t for t in words if name.startswith(t.text)), None)
    if first is None or first.pos_ == "PROPN" or first.text.isupper() or not first.text[:1].isupper():
        return name
    at_start = first.is_sent_start or first.i == 0 or first.nbor(-1).is_punct or first.nbor(-1).is_space
    return name[:1].lower() + name[1:] if at_start else name
