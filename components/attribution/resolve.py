"""Speaker resolution: each source mention resolved to a name, or honestly left unresolved.

A stage of its own over the who-is-who model of the article (``identity.py``: mentions with
their sentence, subjecthood and quotation, titles per name, coordinated groups). Rules, in
reading order of the sources (the history is what a reader has seen), each giving a
``Resolution`` (name, type, ``source_status``, antecedent span):
- "he"/"she"/"it"/"they": agreement first (gender from ``data/gender.json``; number: "they"
  needs a plural antecedent, coordinated names or a plural noun; person or body), then salience:
  clause subjects before other mentions, the pronoun's own sentence and then up to
  ``max_sentences_back`` before it, earlier sources counted as subjects; mentions inside a
  quotation are skipped for a pronoun outside it, so a quoted content's own subject or object
  is never the speaker. Nothing agreeing → unresolved;
- "the latter"/"the former" → the last/first of the latest coordinated source or two names;
- "the mayor", "the embassy": the earlier source with that head, else the one entity the text
  gives that title (or the one of several mentioned nearby); a person's title nobody holds →
  unresolved; plural descriptions ("the researchers", "the defendants") → the group's fullest
  description or the coordinated names before them, else unresolved;
- relative words name their clause's antecedent ("X, who said", "X, according to which");
- a name in apposition to a title, or closing a title phrase after a body, is the person;
- a transcript's capital initials ("NG: …") → the one PERSON with them;
- "the report", "the research team" → the author the article gave that finding, else the one
  research group named by its institution; "the officers" far back → the one coordinated group
  given that title; "the parties" → the article's one coordinated source; "they"/"we" inside
  what a person said → the one body their own source phrase names; "the minister" → a holder
  of the title named since the earlier source, just before (several: unresolved).
- "this person", "that man" point back like a person pronoun; "one of them" is one of the
  group of the latest partitive or plural source ("One of the nurses" → "one of the nurses";
  coordinated names: unresolved);
- "the father", "the mother" of a family named by one surname ("Tom and Maria Vance") → its one
  member of that gender (several or none: unresolved);
- "she"/"he" with no agreeing named person in reach → a clause subject that describes a person
  of that gender ("after a woman, aged 40, called …" → "woman").
Sentences for salience are the parser's, cut at paragraph breaks (``identity.sentences``).
A floating quote inherits the resolution of the attribution it continues. A name made only of
pronouns or relative words is never given (``data/resolution.json``, ``never_names``); an
acronym in capitals ("WHO", "US") is a name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from components.attribution import identity
from components.attribution.canonical import (
    NameBook,
    classify,
    clean_name,
    common_name,
    name_modifies_person,
)
from components.attribution.lexicon import Lexicon
from components.attribution.quotes import QuoteIndex

RELATIVE = {"who", "which", "that", "whom"}
LATTER = re.compile(r"^(the\s+)?(latter|former)$", re.I)
DEFINITE = re.compile(r"^(the|this|that|these|those|both)\s+", re.I)  # refers back: "both officers" too
INITIALS = re.compile(r"^[A-Z]{2,3}$")  # a transcript's speaker label ('NG: …')


def _pronoun_form(name: str, never: frozenset[str]) -> bool:
    """A name made only of ``never`` words (case folded, "the" dropped), or of no word at all."""
    words = [w for w in re.findall(r"\w+", name.casefold()) if w != "the"]
    return not words or all(w in never for w in words)


@dataclass(frozen=True)
class Resolution:
    """How one source was named: canonical name, type, status and the antecedent's span."""

    name: str | None
    stype: str | None
    status: str  # 'named' | 'resolved' | 'unresolved'
    antecedent: tuple[int, int] | None = None


UNRESOLVED = Resolution(None, None, "unresolved")


@dataclass
class _Seen:
    pos: int
    names: list[str]
    stype: str
    head_words: set[str]
    sent: int = 0
    ante: tuple[int, int] | None = None
    plural: bool = False
    personish: bool = False  # a person, or a description of one ('the head of the unit')
    extra: dict = field(default_factory=dict)


class Resolver:
    """Resolve each candidate's source to a ``Resolution`` (name, type, status, antecedent)."""

    def __init__(self, doc, groups, lex: Lexicon, quotes: QuoteIndex | None = None):
        self.doc = doc
        self.lex = lex
        self.quotes = quotes
        self.rules = identity.load_rules()
        self.book = NameBook(doc, groups, lex)
        self.sents = identity.sentences(doc)
        self.who = identity.build(doc, self.book, quotes, self.rules, self.sents)
        self.sent_of = identity.sentence_index(doc, self.sents)
        self.history: list[_Seen] = []
        # (content start, content end, the source phrase, its resolution) of each resolved
        # attribution, for a 'they'/'we' inside what a body's officer said
        self.spoken: list[tuple[int, int, tuple[int, int], Resolution]] = []
        self._noun_toks: list | None = None
        self._person_word_set: frozenset[str] | None = None
        self.titles = {**lex.gender.honorifics, **lex.gender.role_nouns}
        self.titles_pronouns = {**self.titles, **lex.gender.pronouns}
        self.person_heads = (set(lex.reference_heads) | set(lex.gender.role_nouns)
                             | set(lex.unnamed_heads) | set(self.rules.person_heads)) \
            - set(lex.official_heads)
        self.genders: dict[str, set[str]] = {}  # canonical name -> genders in the evidence
        for ms, me, label, name in self.book.mentions:
            sp = doc.char_span(ms, me, alignment_mode="expand") if label == "PERSON" else None
            if sp is not None and len(sp):
                # a title in or right before the name, a role noun in apposition either way
                root = sp.root
                near = [sp[0], *doc[max(sp.start - 1, 0) : sp.start]]
                near += [c for c in root.children if c.dep_ == "appos"]
                self._note(name, near + ([root.head] if root.dep_ == "appos" else []), self.titles)

    def resolve_all(self, cands) -> list[Resolution]:
        """Resolve candidates (in reading order); returns one ``Resolution`` per candidate."""
        done: dict[int, Resolution] = {}
        out: list[Resolution | None] = [None] * len(cands)
        # in the order the sources appear in the text, so the history is what a reader has seen
        order = sorted(range(len(cands)), key=lambda i: (
            cands[i].src[0] if cands[i].src else cands[i].cue[0], cands[i].inherit_from is not None, i))
        for i in order:
            cand = cands[i]
            if cand.inherit_from is not None and id(cand.inherit_from) in done:
                out[i] = done[id(cand.inherit_from)]
                continue
            if cand.src is None:
                res = Resolution(None, None, "named")  # no source in the text: nothing to resolve
            else:
                res = self.resolve(cand)
            done[id(cand)] = res
            out[i] = res
            if cand.src is not None and cand.content and res.stype == "person":
                self.spoken.append((min(a for a, _ in cand.content), max(b for _, b in cand.content),
                                    cand.src, res))
        for i, cand in enumerate(cands):  # a continuation resolved before what it continues
            if cand.inherit_from is not None and id(cand.inherit_from) in done:
                out[i] = done[id(cand.inherit_from)]
        return [r if r is not None else UNRESOLVED for r in out]

    def _np(self, tok_i: int, fallback: tuple[int, int]):
        doc = self.doc
        if tok_i < 0:
            return doc.char_span(*fallback, alignment_mode="expand")
        tok = doc[tok_i]
        # the conjunct's own phrase, without its coordinated siblings
        left = tok.left_edge.i
        right = tok.i
        for c in tok.rights:
            if c.dep_ == "punct":
                continue  # a comma before an apposition: 'The Vice President, Mike Pence'
            if c.dep_ in ("cc", "conj", "relcl", "acl"):
                break
            right = c.right_edge.i
        while left < tok.i and doc[left].dep_ in ("preconj", "cc", "punct"):
            left += 1
        return doc[left : right + 1]

    def _sent(self, pos: int) -> int:
        sp = self.doc.char_span(pos, pos + 1, alignment_mode="expand")
        return self.sent_of[sp.start] if sp is not None and len(sp) else 0

    def resolve(self, cand) -> Resolution:
        s, e = cand.src
        heads = cand.conjuncts or [cand.src_tok]
        parts: list[Resolution] = []
        words: set[str] = set()
        plural = False
        personish = False
        for h in heads:
            np = self._np(h, (s, e))
            if np is not None and len(np) and np.start_char < s:
                # resolve the source as shown, not a phrase the parser wrapped around it
                np = self.doc.char_span(s, max(np.end_char, s + 1), alignment_mode="expand")
            if np is None or len(np) == 0:
                continue
            res = self._one(np, s)
            if res.stype == "person" and res.name:
                # 'the spokeswoman', 'Mrs. Clinton', and 'she' outside quotation marks (a
                # quoted speaker's 'he' is often someone else); not inside a possessive ('her
                # husband Bill')
                quoted = self.quotes is not None and self.quotes.overlapping(s, e)
                poss = {i for t in np if t.dep_ == "poss"
                        for i in range(t.left_edge.i, t.right_edge.i + 1)}
                self._note(res.name, [t for t in np if t.i not in poss],
                           self.titles if quoted else self.titles_pronouns)
            parts.append(res)
            words |= {t.lemma_.lower() for t in np if not t.is_punct}
            plural = plural or np.root.tag_ in ("NNS", "NNPS")
            group = self._partitive_of(np.root)
            personish = personish or np.root.lemma_.lower() in self.person_heads or (
                group is not None and group.lemma_.lower() in self.person_heads)
        res = self._combine(parts, (s, e))
        if len(heads) == 1 and res.status == "named" and res.name and np is not None:
            res = self._missed_conjuncts(np, res)
        if res.name and self._never_name(res.name):
            res = UNRESOLVED
        elif res.name:
            spelled = "; ".join(self._spelled_out(n) for n in res.name.split("; "))
            if spelled != res.name:
                res = Resolution(spelled, res.stype, res.status, res.antecedent)
        names = res.name.split("; ") if res.name else []
        if names:
            self.history.append(_Seen(s, names, res.stype or "unnamed", words, self._sent(s),
                                      res.antecedent or (s, e), plural or len(names) > 1,
                                      personish or res.stype == "person"))
        return res

    def _trailing_name(self, np) -> str | None:
        """Two or more proper nouns closing ``np`` after every other entity mention, less
        leading title words ('Representative Adam Schiff' → 'Adam Schiff'); a PERSON mention
        there gives its canonical name."""
        body = [(ms, me) for ms, me, label, _ in self.book.in_span(np.start_char, np.end_char)
                if label != "PERSON"]
        run = []
        for t in reversed([t for t in np if not t.is_punct]):
            if t.pos_ != "PROPN":
                break
            if any(ms <= t.idx < me for ms, me in body):
                # the small NER often runs a body into the holder's name ('Ambassador to
                # [the United Nations Karen Holt]'): the name's words the article gives a
                # person elsewhere, or a known first name, still close the title phrase
                if not (t.text in self._person_words() or (
                        t.lower_ in self.lex.gender.first_names and run)):
                    break
            run.insert(0, t)
        titles = self.rules.titles_in_names | self.lex.reference_heads
        while run and run[0].lower_.rstrip(".") in titles:
            run.pop(0)
        if len(run) < 2 or run[0].i == np.start:
            return None
        if any(m[2] == "PERSON" and m[1] <= run[0].idx
               for m in self.book.in_span(np.start_char, np.end_char)):
            return None  # another person named before the run: a coordination, not a title
        people = [m for m in self.book.in_span(run[0].idx, run[-1].idx + len(run[-1].text))
                  if m[2] == "PERSON"]
        if people:
            return people[-1][3]
        # without a body mention before it, a proper-noun run is only a name with a known
        # first name (else 'The Senate Minority Leader' would be one)
        if body or run[0].lower_ in self.lex.gender.first_names:
            return " ".join(t.text for t in run)
        return None

    def _person_words(self) -> frozenset[str]:
        """The words of the article's PERSON names (made once, on first need)."""
        if self._person_word_set is None:
            self._person_word_set = frozenset(
                w for _, _, label, name in self.book.mentions if label == "PERSON"
                for w in name.split() if w[:1].isupper())
        return self._person_word_set

    def _missed_conjuncts(self, np, res: Resolution) -> Resolution:
        """'retailer Tesco and retailer Salling Group': a name the parser hung on the other
        as a modifier with its own 'and' is a coordinated source too."""
        extra: list[str] = []
        for t in np:
            if t.dep_ in ("nmod", "compound") and any(c.dep_ == "cc" and c.lower_ == "and" for c in t.children):
                for _s, _e, label, name in self.book.in_span(t.idx, t.idx + len(t.text)):
                    if label in ("PERSON", "ORG") and name not in res.name.split("; ") and name not in extra:
                        extra.append(name)
        if not extra:
            return res
        return Resolution("; ".join([*extra, res.name]), res.stype, res.status, res.antecedent)

    def _combine(self, parts: list[Resolution], span: tuple[int, int]) -> Resolution:
        """One resolution for coordinated heads ('Durbin and Schiff' → 'Dick Durbin; Adam Schiff').

        Descriptions coordinated with one named person are that person's titles ('geostrategy
        expert and former security official, Avinoam Idan' is Avinoam Idan).
        """
        if not parts:
            return UNRESOLVED
        if len(parts) == 1:
            return parts[0]
        named_people = [p for p in parts if p.stype == "person" and p.name and p.status != "unresolved"]
        if len(named_people) == 1 and all(p is named_people[0] or p.stype == "unnamed" for p in parts):
            return named_people[0]
        if any(p.status == "unresolved" for p in parts):
            return UNRESOLVED
        names = []
        for p in parts:
            if p.name not in names:
                names.append(p.name)
        status = "resolved" if any(p.status == "resolved" for p in parts) else "named"
        ante = next((p.antecedent for p in parts if p.antecedent), None)
        return Resolution("; ".join(names), parts[0].stype, status, ante)

    def _fullest(self, lemma: str, pos: int) -> Resolution | None:
        """The earlier phrase with head ``lemma`` that names its group by an entity ('researchers
        from Pennsylvania State University'), when exactly one does."""
        found: dict[str, tuple[int, int]] = {}
        for t in self._nouns():
            if t.idx >= pos:
                break
            if t.lemma_.lower() != lemma:
                continue
            preps = [c for c in t.rights if c.dep_ == "prep" and c.lower_ in ("from", "of", "at")]
            for p in preps:
                s, e = t.idx, p.right_edge.idx + len(p.right_edge.text)
                if any(m[2] in ("ORG", "GPE", "PERSON") for m in self.book.in_span(p.idx, e)):
                    found.setdefault(self.book.text[s:e], (s, e))
        if len(found) != 1:
            return None
        name, span = next(iter(found.items()))
        return Resolution(name, "unnamed", "resolved", span)

    def _authors(self, np, pos: int) -> Resolution | None:
        """Who stands behind 'the report' or 'the research team': the author the article gave
        the same finding before ('a report by the WHO', 'the agency's report'), else the one
        phrase naming a research group by its institution ('researchers from Penn State')."""
        head = np.root
        hl = head.lemma_.lower()
        for t in self._nouns():
            if t.idx >= np.start_char:
                break
            if t.lemma_.lower() != hl:
                continue
            owners = [c for c in t.children if c.dep_ == "poss"]
            owners += [g for c in t.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")
                       for g in c.children if g.dep_ == "pobj"]
            for o in owners:
                for ms, me, label, name in self.book.in_span(o.idx, o.idx + len(o.text)):
                    if label in ("PERSON", "ORG", "NORP", "GPE"):
                        stype = "person" if label == "PERSON" else "official"
                        return Resolution(name, stype, "resolved", (ms, me))
        found: dict[str, Resolution] = {}
        for lemma in sorted(self.rules.author_heads):
            res = self._fullest(lemma, pos)
            if res is not None:
                found.setdefault(res.name or "", res)
        if len(found) == 1:
            return next(iter(found.values()))
        return None

    def _titled_group(self, hl: str, pos: int) -> Resolution | None:
        """'the officers' far after 'officers Antoine Quirin and Nicolas Redouane': the one
        coordinated group of people the article gave that title."""
        holders = self.who.titles.get(hl, set())
        fits = {names: (start, end) for start, end, names, kind in self.who.groups
                if start < pos and kind == "person" and holders & set(names)}
        if len(fits) != 1:
            return None
        names, span = next(iter(fits.items()))
        return Resolution("; ".join(names), "person", "resolved", span)

    def _group(self, hl: str, pos: int) -> Resolution | None:
        """'the defendants', 'the parties': the latest coordinated names before them of the
        right kind (people for a person noun, bodies for 'parties'), within the window."""
        if hl in self.person_heads:
            kinds = ("person",)
        elif hl in self.rules.group_heads:
            kinds = ("person", "body")
        else:
            return None
        k = self._sent(pos)
        for start, end, names, kind in reversed(self.who.groups):
            if start >= pos or kind not in kinds:
                continue
            if k - self._sent(start) > self.rules.max_sentences_back * 2:
                break
            return Resolution("; ".join(names), "person" if kind == "person" else "official",
                              "resolved", (start, end))
        if kinds == ("person",):
            return self._titled_group(hl, pos)
        # 'the parties' long after 'Tesco and Salling Group announced': the one coordinated
        # source the article has had
        spoke = {tuple(seen.names): seen for seen in self.history if len(seen.names) > 1 and seen.pos < pos}
        if len(spoke) == 1:
            seen = next(iter(spoke.values()))
            return Resolution("; ".join(seen.names), seen.stype, "resolved", seen.ante)
        return None

    def _nouns(self) -> list:
        """The article's common nouns, in order (made once, on first need)."""
        if self._noun_toks is None:
            from spacy.attrs import POS
            from spacy.symbols import NOUN

            pos = self.doc.to_array([POS]).tolist() if len(self.doc) else []
            self._noun_toks = [self.doc[i] for i, p in enumerate(pos) if p == NOUN]
        return self._noun_toks

    def _never_name(self, name: str) -> bool:
        """Whether ``name`` is made only of pronouns, relative words or a bare possessive, read
        word by word as the shared scorer reads names (runs of letters and digits, case folded,
        "the" dropped: "who's" is "who" + "s"). An acronym in capitals ("WHO", "US") is a name;
        ``_spelled_out`` gives it in full where it reads as a pronoun."""
        if any(len(w) > 1 and w.isupper() for w in re.findall(r"\w+", name)):
            return False
        return _pronoun_form(name, self.rules.never_names)

    def _spelled_out(self, name: str) -> str:
        """An acronym that reads as a pronoun ("WHO", "US", "IT") as the article's full name of
        that body ("World Health Organization"), so no listing shows it as "who"; the acronym
        as it was when the article never spells it out."""
        if not _pronoun_form(name, self.rules.never_names):
            return name
        acronym = "".join(re.findall(r"\w+", name))
        for _, _, label, full in self.book.mentions:
            full = full.split("(")[0].strip()  # 'World Health Organization (WHO', one mention
            words = [w for w in re.findall(r"[\w'’-]+", full) if w[:1].isupper()]
            if label != "PERSON" and len(words) > 1 and "".join(w[0] for w in words) == acronym:
                return full
        return clean_name(name).strip("()[] ")

    def _one(self, np, pos: int) -> Resolution:
        text = np.text.strip()
        low = text.lower()
        head = np.root
        m = LATTER.match(low)
        if m:
            return self._latter(m.group(2), pos)
        acronym = len(text) > 1 and text.isupper()  # 'WHO', 'US' are names, not pronouns
        if len(np) == 1 and low in RELATIVE and not acronym:
            clause = head.head
            for _ in range(3):  # 'an agreement, according to which ...': up to the clause
                if clause.dep_ == "relcl" or clause.head is clause:
                    break
                clause = clause.head
            if clause.dep_ == "relcl" and clause.head.pos_ in ("NOUN", "PROPN"):
                # 'Mr. Kamin, who emphasized ...': the relative pronoun names its antecedent
                ante = clause.head
                ant_np = self._np(ante.i, (ante.idx, ante.idx + len(ante.text)))
                res = self._one(ant_np, pos)
                if res.name and res.status != "unresolved":
                    return Resolution(res.name, res.stype, "resolved",
                                      res.antecedent or (ant_np.start_char, ant_np.end_char))
            return self._relative_after_comma(head, pos)
        if len(np) == 2 and np[0].lower_ in ("this", "that") and \
                head.lemma_.lower() in self.rules.anaphoric_person_nouns:
            # 'this person', 'that man': they only point back, like 'he'/'she'
            want = self.lex.gender.role_nouns.get(head.lemma_.lower())
            return self._pronoun(low, pos, agree=(want, True, False))
        group = self._partitive_of(head)
        if group is not None and group.pos_ == "PRON" and group.lower_ in self.rules.plural_pronouns:
            return self._one_of_them(head.lower_, pos)
        if len(np) == 1 and head.pos_ == "PRON" and not acronym:
            return self._pronoun(low, pos)
        if INITIALS.match(text):
            named = self._initials(text)
            if named is not None:
                return Resolution(named, "person", "resolved", self.who.first_span.get(named))
        named_inside = [m for m in self.book.in_span(np.start_char, np.end_char)
                        if (m[2] == "PERSON" or m[0] <= head.idx < m[1])
                        and not (m[2] == "PERSON" and self._modifier_name(m, head))]
        title_head = head.lemma_.lower() in self.lex.reference_heads or \
            head.lower_ in self.rules.titles_in_names
        trailing = self._trailing_name(np)
        if trailing is not None and (title_head or head.lemma_.lower() in self.person_heads):
            # 'incoming chair of the House Intelligence Committee Representative Adam Schiff':
            # the title's holder is the name that closes the phrase, not the body inside it
            return Resolution(trailing, "person", "named")
        holder = self._possessed_title_holder(head)
        if holder is not None:
            return Resolution(holder, "person", "named")
        appos = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        if (title_head or head.lemma_.lower() in self.person_heads) and appos and \
                not any(m[2] == "PERSON" for m in named_inside):
            # 'The Vice Chancellor, Marta Soler, said': the name in apposition to a title is
            # the person, whatever label the NER gave it
            name_toks = self.doc[appos[0].left_edge.i : appos[0].i + 1]
            return Resolution(clean_name(name_toks.text), "person", "named")
        if DEFINITE.match(low) and not named_inside and (
                title_head or not any(t.pos_ == "PROPN" for t in np)):
            found = self._description(np, pos)
            if found is not None:
                return found
        name, stype = classify(np, self.book)
        return Resolution(name, stype, "named")

    def _possessed_title_holder(self, head) -> str | None:
        """"The Acme Institute of Health's director, Dr. Ann Lee": the small parser makes the
        body the head and hangs the title and the name on it as appositions; the title
        possessed by the body ('s director) with one person's name after it is that person,
        not the body."""
        if head.pos_ != "PROPN":
            return None
        titles = [c for c in head.children if c.dep_ in ("appos", "conj") and c.pos_ == "NOUN"
                  and c.i > 0 and self.doc[c.i - 1].dep_ == "case"
                  and c.lemma_.lower() in self.person_heads | self.lex.reference_heads
                  and (c.dep_ == "appos" or self._and_inside_name(head, c))]
        if not titles:
            return None
        # the name after the title, in the title's subtree ('director, Dr. Ann Lee') or hung on
        # the body next to it; the phrase shown for a conjunct may stop before either
        after = titles[0].idx + len(titles[0].text)
        edge = max(titles[0].right_edge.i, head.right_edge.i)
        people = {m[3] for m in self.book.in_span(after, self.doc[edge].idx + len(self.doc[edge]))
                  if m[2] == "PERSON" and m[0] >= after}
        return next(iter(people)) if len(people) == 1 else None

    def _and_inside_name(self, head, conj) -> bool:
        """The 'and' that made ``conj`` a conjunct of ``head`` lies inside one entity mention
        ('[Institute of Allergy and Infectious Disease's] director'): part of a body's name,
        not a second source."""
        ccs = [t for t in self.doc[head.i + 1 : conj.i] if t.dep_ == "cc"]
        return bool(ccs) and any(ms <= head.idx and ccs[0].idx < me for ms, me, _, _ in
                                 self.book.in_span(head.idx, ccs[0].idx + 1))

    def _modifier_name(self, m, head) -> bool:
        """A mention that only qualifies a person noun ('the Wooster professor'): not a name
        of the source, so the phrase is read as a description (``name_modifies_person``)."""
        tok = self.doc.char_span(m[0], m[1], alignment_mode="expand")
        return tok is not None and len(tok) > 0 and tok.root.head.i == head.i and \
            name_modifies_person(tok.root, head)

    def _fullest_name(self, m) -> str:
        """A body's fullest name in the article: 'US Embassy' said as 'US Embassy in London'."""
        if m.label == "PERSON":
            return m.name
        for mm in self.who.mentions:
            if mm.name != m.name:
                continue
            after = self.book.text[mm.end : mm.end + 4]
            if after in (" in ", " of "):
                nxt = [x for x in self.who.mentions if x.start == mm.end + 4 and x.label in ("GPE", "LOC")]
                if nxt:
                    return f"{m.name}{after}{self.book.text[nxt[0].start:nxt[0].end]}"
        return m.name

    def _relative_after_comma(self, rel, pos: int) -> Resolution:
        """'a border agreement, according to which …' parsed without a relative clause: the
        noun phrase that ends right before the comma opening the construction."""
        i = rel.i - 1
        while i > rel.i - 4 and i > 0 and self.doc[i].pos_ in ("ADP", "VERB"):
            i -= 1  # 'according to', 'under', 'in'
        if i < 1 or i == rel.i - 1 or self.doc[i].text != ",":
            return UNRESOLVED
        noun = self.doc[i - 1]
        if noun.pos_ not in ("NOUN", "PROPN"):
            return UNRESOLVED
        ant_np = self._np(noun.i, (noun.idx, noun.idx + len(noun.text)))
        if ant_np is None or not len(ant_np):
            return UNRESOLVED
        res = self._one(ant_np, pos)
        if not res.name or res.status == "unresolved":
            return UNRESOLVED
        return Resolution(res.name, res.stype, "resolved", res.antecedent or (ant_np.start_char, ant_np.end_char))

    def _description(self, np, pos: int) -> Resolution | None:
        """'the spokesman', 'the president', 'the embassy': the one entity the article gives
        that title, else (a person's title) unresolved, else None (classify it as written)."""
        head = np.root
        hl = head.lemma_.lower()
        if head.tag_ in ("NNS", "NNPS"):
            # 'the researchers' after 'researchers from Penn State': the fullest description
            # the article gave that group; else the group as written
            found = self._fullest(hl, pos) or self._group(hl, pos)
            if found is None and (hl in self.rules.person_heads or hl in self.rules.group_heads):
                # 'the defendants', 'the parties' with no group named before: who they are
                # is open, and 'defendants' read as a name would hide that
                return UNRESOLVED
            return found
        if hl in self.lex.finding_heads or hl in self.rules.author_heads:
            # 'the report', 'the research team': a finding or a team speaks for its authors
            found = self._authors(np, pos)
            if found is not None:
                return found
        for seen in reversed(self.history):
            if hl in seen.head_words and len(seen.names) == 1 and seen.stype in ("person", "official", "media") \
                    and seen.names[0].lower() != hl:
                # another holder of the title mentioned since that source, in this sentence or
                # the one before, is nearer: 'minister X said … Italian minister Y sent a
                # letter, but the minister said' is Y; other holders since then: open
                later = {m.name: m for m in self.who.with_title(hl, pos)
                         if m.start > seen.pos and m.name not in seen.names}
                k = self._sent(pos)
                near = [m for m in later.values() if k - m.sent <= 1]
                if len(near) == 1:
                    m = near[0]
                    stype = "person" if m.label == "PERSON" else "official"
                    return Resolution(self._fullest_name(m), stype, "resolved", (m.start, m.end))
                if later:
                    return UNRESOLVED
                return Resolution(seen.names[0], seen.stype, "resolved", seen.ante)
        if hl in self.rules.family_role_nouns and len(np) == 2:
            family = self._family_member(hl)
            if family is not None:
                return family
        mods = {t.lemma_.lower() for t in np if t.i != head.i and t.pos_ in ("NOUN", "ADJ", "PROPN")}
        hits = self.who.with_title(hl, pos)
        if len(hits) > 1 and mods:
            narrowed = [m for m in hits if mods & {w for w, names in self.who.titles.items() if m.name in names}]
            hits = narrowed or hits
        if len(hits) > 1:
            # several with that title: the one mentioned in the last few sentences, if only one is
            k = self._sent(pos)
            near = [m for m in hits if k - m.sent <= self.rules.max_sentences_back]
            hits = near if len(near) == 1 else hits
        if len(hits) == 1:
            m = hits[0]
            stype = "person" if m.label == "PERSON" else "official"
            return Resolution(self._fullest_name(m), stype, "resolved", (m.start, m.end))
        if hl in self.lex.reference_heads and hl not in self.lex.official_heads:
            # 'the judge', 'the father': a person's title; naming it as a source would read
            # as a name. The referent is open.
            return UNRESOLVED
        return None

    def _family_member(self, noun: str) -> Resolution | None:
        """'The father said' in an article naming a family by one surname ('Tom and Rita
        Vance'): the one member of the noun's gender; several or none of it: unresolved; no
        family named (two people sharing a surname): None, the phrase is read as written."""
        by_surname: dict[str, set[str]] = {}
        for _, _, label, name in self.book.mentions:
            parts = name.split()
            if label == "PERSON" and len(parts) >= 2:
                by_surname.setdefault(parts[-1], set()).add(name)
        members = {n: self.who.first_span.get(n) for names in by_surname.values() if len(names) > 1
                   for n in names}
        for start, end, names, kind in self.who.groups:
            # 'Tom and Rita Vance': a first name coordinated with a full name shares its surname
            if kind == "person" and len(names) == 2:
                short, full = sorted(names, key=lambda n: len(n.split()))
                if len(short.split()) == 1 and len(full.split()) >= 2:
                    members.setdefault(f"{short} {full.split()[-1]}", (start, end))
                    members.setdefault(full, self.who.first_span.get(full))
        if not members:
            return None
        want = self.lex.gender.role_nouns.get(noun)
        fits = sorted(n for n in members if want is not None and self._gender(n) == want)
        if len(fits) != 1:
            return UNRESOLVED
        return Resolution(fits[0], "person", "resolved", members[fits[0]])

    def _note(self, name: str, toks, words: dict[str, str]) -> None:
        """Record the genders that ``words`` among ``toks`` give the person ``name``."""
        for t in toks:
            g = words.get(t.lower_.rstrip(".")) or words.get(t.lemma_.lower())
            if g:
                self.genders.setdefault(name, set()).add(g)

    def _gender(self, name: str) -> str | None:
        """``"female"``, ``"male"``, or None when there is no evidence or it goes both ways."""
        found = set(self.genders.get(name, ()))
        first = name.split()[0].lower().rstrip(".") if name.strip() else ""
        if g := self.lex.gender.first_names.get(first) or self.lex.gender.honorifics.get(first):
            found.add(g)
        return found.pop() if len(found) == 1 else None

    def _partitive_of(self, head):
        """The group of a partitive head ('One of [the nurses]', 'one of [them]'), else None."""
        if head.lemma_.lower() not in self.rules.partitive_words and head.lower_ not in self.rules.partitive_words:
            return None
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                return next((g for g in c.children if g.dep_ == "pobj"), None)
        return None

    def _one_of_them(self, word: str, pos: int) -> Resolution:
        """'One of the nurses said … One of them said': 'them' is the group of the latest
        partitive or plural source within ``max_sentences_back`` sentences, and the source is
        'one of' that group; coordinated names ('Ann Lee and Bo Park … one of them') or no
        group in reach leave it open (which one is unknown)."""
        k0 = self._sent(pos)
        for seen in reversed(self.history):
            if seen.pos >= pos:
                continue
            if k0 - seen.sent > self.rules.max_sentences_back:
                break
            if len(seen.names) != 1:
                if seen.plural:
                    return UNRESOLVED
                continue
            name = seen.names[0]
            first, _, rest = name.partition(" of ")
            if rest and first.lower() in self.rules.partitive_words:
                return Resolution(f"{word.lower()} of {rest}", seen.stype, "resolved", seen.ante)
            if seen.plural:
                group = name if name.split()[0][:1].isupper() else f"the {name}"
                return Resolution(f"{word.lower()} of {group}", seen.stype, "resolved", seen.ante)
        return UNRESOLVED

    def _pronoun(self, low: str, pos: int, agree: tuple[str | None, bool, bool] | None = None) -> Resolution:
        """A pronoun source by agreement and salience: the subject of its own sentence before
        it, then of the sentences before (at most ``max_sentences_back``; quoted ones do not
        count towards it for an earlier speaker: ``_last_turn``), sources first; a
        candidate of the other gender, number or kind is skipped; nothing fits → unresolved.
        ``agree`` (gender or None, person, plural) stands in for the pronoun's own agreement
        ('this person', 'that man' point back as a person pronoun does)."""
        if agree is None and low in ("i", "me", "we", "us"):
            # the speaker of a transcript turn or of the quotation around it
            speakers = [seen for seen in self.history if seen.stype == "person" and len(seen.names) == 1]
            if speakers and low in ("i", "me"):
                seen = speakers[-1]
                return Resolution(seen.names[0], "person", "resolved", seen.ante)
            return self._speakers_body(pos) if low in ("we", "us") else UNRESOLVED
        if agree is not None:
            want, person, plural = agree
        else:
            want = self.lex.gender.pronouns.get(low)
            person = low in self.lex.person_pronouns
            plural = low in self.rules.plural_pronouns
        quoted_pron = self.quotes is not None and bool(self.quotes.overlapping(pos, pos + len(low)))
        k0 = self._sent(pos)
        window = range(k0, max(k0 - self.rules.max_sentences_back, 0) - 1, -1)
        group_noun = False
        for subjects_only in (True, False):
            found = self._salient(window, pos, person, plural, want, quoted_pron, subjects_only)
            if found is not None:
                if found.status == "unresolved" and plural:
                    group_noun = True
                    break  # a plural noun subject nobody named: what else is known decides
                return found
        if not plural:
            return self._last_turn(k0, pos, want, window) if person and not quoted_pron else UNRESOLVED
        found = self._speakers_body(pos)
        if found.status == "unresolved" and not group_noun and low in self.rules.body_pronouns \
                and not quoted_pron:
            found = self._body_they(k0, pos)
        return found

    def _body_they(self, k0: int, pos: int) -> Resolution:
        """'The Trade Council met in Lisbon. On Tuesday they said the tariffs stay': a 'they' with
        no plural antecedent at all, whose own sentence or the ones just before
        (``body_they_sentences``) have exactly one organisation as a clause subject or a source,
        no person named at all and no plural noun, is that organisation (British and newsroom
        usage). Two bodies, a person, or a plural noun ('interviewed twenty farmers. They
        said') leave it open."""
        lo = max(k0 - self.rules.body_they_sentences, 0)
        bodies: dict[str, tuple[int, int]] = {}
        people = False
        for k in range(k0, lo - 1, -1):
            for m in self.who.by_sent.get(k, []):
                if m.start >= pos or m.quoted:
                    continue
                if m.label == "PERSON":
                    people = True  # 'the Council met Jordan Okafor. They said': who is open
                elif m.label == "ORG" and m.subject and not m.plural_subject:
                    bodies.setdefault(m.name, (m.start, m.end))
        for seen in self.history:
            if lo <= seen.sent <= k0 and seen.pos < pos and len(seen.names) == 1:
                if seen.stype == "person" or seen.personish:
                    people = True
                elif seen.stype in ("official", "media") and self.who.labels.get(seen.names[0]) == "ORG":
                    bodies.setdefault(seen.names[0], seen.ante or (seen.pos, seen.pos))
        if people or len(bodies) != 1:
            return UNRESOLVED
        for k in range(k0, lo - 1, -1):
            for t in self._sent_tokens(k):
                if t.idx < pos and t.tag_ in ("NNS", "NNPS") and t.ent_type_ != "ORG" and not (
                        self.quotes is not None and self.quotes.overlapping(t.idx, t.idx + 1)):
                    return UNRESOLVED  # '... interviewed twenty farmers. They said': them
        name, span = next(iter(bodies.items()))
        return Resolution(name, "official" if not self.book.outlet(name) else "media", "resolved", span)

    def _last_turn(self, k0: int, pos: int, want: str | None, window) -> Resolution:
        """Turn-taking: '“A.” Clinton said. “B. C. D.” “E,” she continued': sentences wholly
        inside a quotation are the speaker's turn, not new discourse, so they do not count
        towards ``max_sentences_back``. Over the sentences this adds, only an earlier source
        that agrees (a speaker whose turn it was) names the pronoun; other mentions there do not."""
        seen_k = set(window)
        counted = 0
        k = k0
        extra: list[int] = []
        while k >= 0 and counted <= self.rules.max_sentences_back:
            if k not in seen_k:
                extra.append(k)
            if k == k0 or not self._quoted_sentence(k):
                counted += 1
            k -= 1
        for k in extra:
            fits = [seen for seen in self.history if seen.sent == k and seen.pos < pos
                    and self._agrees_seen(seen, True, False, want)]
            if fits:
                seen = fits[-1]
                return Resolution("; ".join(seen.names), seen.stype, "resolved", seen.ante)
        return UNRESOLVED

    def _quoted_sentence(self, k: int) -> bool:
        """Whether sentence ``k`` lies inside a quotation (its words, all but a few characters)."""
        if self.quotes is None:
            return False
        sent = self._sent_tokens(k)
        if not len(sent):
            return False
        s, e = sent.start_char, sent.end_char
        covered = sum(min(e, qe) - max(s, qs) for qs, qe in self.quotes.overlapping(s, e))
        return covered >= 0.9 * (e - s) - 3

    def _speakers_body(self, pos: int) -> Resolution:
        """'Dave Lewis, CEO of Tesco, stated they did not …': a plural pronoun inside what a
        person said, whose own source phrase ties them to exactly one body, is that body."""
        inside = [sp for sp in self.spoken if sp[0] <= pos < sp[1]]
        if not inside:
            return UNRESOLVED
        cs, ce, (ss, se), _res = min(inside, key=lambda sp: sp[1] - sp[0])
        bodies = {(name, ms, me) for ms, me, label, name in self.book.in_span(ss, se) if label == "ORG"}
        if len({b[0] for b in bodies}) != 1:
            return UNRESOLVED
        name, ms, me = min(bodies, key=lambda b: b[1])
        return Resolution(name, "official", "resolved", (ms, me))

    def _salient(self, window, pos: int, person: bool, plural: bool, want: str | None,
                 quoted_pron: bool, subjects_only: bool) -> Resolution | None:
        """The most salient agreeing candidate, nearest sentence first."""
        for k in window:
            cands: list[tuple[int, int, Resolution]] = []
            for seen in self.history:
                if seen.sent != k or seen.pos >= pos:
                    continue
                if self._agrees_seen(seen, person, plural, want):
                    cands.append((0, seen.pos, Resolution("; ".join(seen.names), seen.stype,
                                                          "resolved", seen.ante)))
            for m in self.who.by_sent.get(k, []):
                if m.start >= pos or (m.quoted and not quoted_pron):
                    continue
                if subjects_only and not m.subject:
                    continue
                if m.subject and plural and m.plural_subject and len(m.plural_subject) == 1:
                    continue  # 'Wong and three co-authors': one name of a group
                res = self._agrees_mention(m, person, plural, want)
                if res is not None:
                    cands.append((0 if m.subject else 1, m.start, res))
            if plural:
                # a plural noun subject ('The officers … They indicated'): the group it names
                for t in self._sent_tokens(k):
                    if t.idx < pos and t.tag_ == "NNS" and t.dep_ in self.rules.subject_deps \
                            and not (self.quotes is not None and self.quotes.overlapping(t.idx, t.idx + 1)):
                        res = self._fullest(t.lemma_.lower(), t.idx) or self._group(t.lemma_.lower(), t.idx)
                        cands.append((0, t.idx, res or UNRESOLVED))
            if not cands and person and not plural and want is not None \
                    and not self._named_in_reach(window, pos, want, quoted_pron):
                # 'after one of their daughters escaped … She said': a clause subject that
                # describes a person of the pronoun's gender, when no named person who agrees
                # is in reach at all (a name found further back wins over a description)
                cands = self._gendered_descriptions(k, pos, want, quoted_pron)
            if cands:
                cands.sort(key=lambda c: (c[0], c[1]))
                return cands[0][2]
        return None

    def _named_in_reach(self, window, pos: int, want: str, quoted_pron: bool) -> bool:
        """Whether a named person who agrees with ``want`` is a source or a mention in the
        ``window`` sentences before ``pos``."""
        ks = set(window)
        if any(seen.sent in ks and seen.pos < pos and seen.stype == "person"
               and self._agrees_seen(seen, True, False, want) for seen in self.history):
            return True
        return any(m.start < pos and not (m.quoted and not quoted_pron)
                   and self._agrees_mention(m, True, False, want) is not None
                   for k in ks for m in self.who.by_sent.get(k, []))

    def _subject_after_prep(self, t) -> bool:
        """'after one of their daughters, aged 17, escaped': the small parser reads the
        subordinator as a preposition and the clause's subject as its object; a finite verb
        right after the phrase shows the clause."""
        if t.dep_ != "pobj" or t.head.lower_ not in ("after", "before", "until", "since", "when"):
            return False
        finite = ("VBD", "VBZ", "VBP")
        if any(c.dep_ == "acl" and c.tag_ in finite and c.i > t.i for c in t.children):
            return True  # '… after a woman, aged 40, called for help' (the verb hung on her)
        nxt = t.right_edge.i + 1
        return nxt < len(self.doc) and self.doc[nxt].tag_ in finite

    def _gendered_descriptions(self, k: int, pos: int, want: str, quoted_pron: bool):
        """Clause subjects of sentence ``k`` (before ``pos``, outside quotations unless the
        pronoun is quoted) that are common-noun descriptions of a person of gender ``want``:
        the head ('the woman') or a partitive's group ('one of the daughters') is a gendered
        role noun (``data/gender.json``); named as written ('one of the daughters')."""
        out = []
        roles = self.lex.gender.role_nouns
        for t in self._sent_tokens(k):
            if t.idx >= pos or t.pos_ not in ("NOUN", "NUM", "PRON"):
                continue
            if t.dep_ not in self.rules.subject_deps and not self._subject_after_prep(t):
                continue
            group = self._partitive_of(t)
            noun = group if group is not None and group.pos_ == "NOUN" else t
            if noun.pos_ != "NOUN" or roles.get(noun.lemma_.lower()) != want or noun.ent_type_:
                continue
            if not quoted_pron and self.quotes is not None and self.quotes.overlapping(t.idx, t.idx + 1):
                continue
            np = self._np(t.i, (t.idx, t.idx + len(t.text)))
            if np is None or not len(np):
                continue
            end = max((x.i for x in np if x.i <= noun.i), default=t.i)
            phrase = self.doc[np.start : end + 1]
            out.append((0, t.idx, Resolution(common_name(phrase), "unnamed", "resolved",
                                             (phrase.start_char, phrase.end_char))))
        return out

    def _sent_tokens(self, k: int):
        return self.sents[k] if 0 <= k < len(self.sents) else ()

    def _agrees_seen(self, seen: _Seen, person: bool, plural: bool, want: str | None) -> bool:
        if plural:
            return seen.plural
        if seen.plural:
            return False
        if person:
            return seen.personish and (want is None or self._gender(seen.names[0]) in (None, want))
        return not seen.personish and seen.stype != "person"

    def _agrees_mention(self, m, person: bool, plural: bool, want: str | None) -> Resolution | None:
        if plural:
            if m.plural_subject and len(m.plural_subject) > 1:
                return Resolution("; ".join(dict.fromkeys(m.plural_subject)), "person" if m.label == "PERSON"
                                  else "official", "resolved", (m.start, m.end))
            return None
        if person:
            if m.label != "PERSON" or len(m.plural_subject) > 1:
                return None
            if want is not None and self._gender(m.name) not in (None, want):
                return None
            return Resolution(m.name, "person", "resolved", (m.start, m.end))
        if m.label in ("ORG", "NORP", "GPE") and not m.plural_subject:
            return Resolution(m.name, "official", "resolved", (m.start, m.end))
        return None

    def _initials(self, initials: str) -> str | None:
        """The one person of the article whose name has these initials ('NG: …' in an interview
        transcript is Natasha Gownaris), or None when none or several do."""
        found = {
            name
            for _, _, label, name in self.book.mentions
            if label == "PERSON" and len(name.split()) >= 2
            and "".join(w[0] for w in name.split() if w[:1].isupper()) == initials
        }
        return found.pop() if len(found) == 1 else None

    def _latter(self, which: str, pos: int) -> Resolution:
        for seen in reversed(self.history):
            if len(seen.names) > 1:
                return Resolution(seen.names[-1] if which == "latter" else seen.names[0], seen.stype,
                                  "resolved", seen.ante)
        distinct: list[tuple[str, str, tuple[int, int]]] = []
        for ms, me, label, name in reversed(self.book.mentions):
            if ms >= pos or label not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            if all(name != d[0] for d in distinct):
                distinct.append((name, "person" if label == "PERSON" else "official", (ms, me)))
            if len(distinct) == 2:
                break
        if len(distinct) == 2:
            d = distinct[0] if which == "latter" else distinct[1]
            return Resolution(d[0], d[1], "resolved", d[2])
        return UNRESOLVED
