"""Resolution of sources that refer back: pronouns, "the latter"/"the former", "the spokesman".

No coreference package installs offline, so these are rules, applied in reading order over the
sources found so far (the history) and the article's entity mentions:
- "he"/"she"/"him"/"her"/"his" → the latest person source, else the latest PERSON mention before
  it, if the gender agrees: "she"/"her" never names a person known to be male, "he"/"him"/"his"
  never one known to be female, and a person of unknown gender fits both. When the latest
  person source does not fit, the nearest earlier source or PERSON mention that fits wins; when
  nothing fits, the pronoun stays unnamed;
- "it"/"they" → the latest non-person source, else the latest organisation or place mention;
- "the latter"/"the former" → the last/first member of the latest coordinated source
  ("Both Pyongyang and Moscow ... but the latter asserts" → Moscow), else of the last two
  distinct names mentioned;
- "the spokesman", "the minister", ... → the latest source whose phrase used that noun
  ("Presidential spokesman Dmitry Peskov"), else the noun phrase as an unnamed source.
- a transcript's speaker label in capitals ("NG: …") → the one PERSON of the article with those
  initials (Natasha Gownaris), when exactly one has them.
A floating quote inherits the resolved name of the attribution it continues.

A person's gender (per canonical name) comes from the word lists in ``data/gender.json``: an
honorific in or right before a PERSON mention ("Mr. Smith"), a gendered role noun right before
it or in apposition ("spokeswoman Jen Psaki", "his wife, Melania") or in a source phrase
resolved to that person ("the congresswoman"), a strongly gendered first name ("Angela"), and a
"he"/"she" outside quotation marks already resolved to the person. Evidence both ways leaves the
gender unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from components.attribution.canonical import NameBook, classify, clean_name
from components.attribution.lexicon import Lexicon
from components.attribution.quotes import QuoteIndex

RELATIVE = {"who", "which", "that", "whom"}
LATTER = re.compile(r"^(the\s+)?(latter|former)$", re.I)
DEFINITE = re.compile(r"^(the|this|that)\s+", re.I)
INITIALS = re.compile(r"^[A-Z]{2,3}$")  # a transcript's speaker label ('NG: …')


@dataclass
class _Seen:
    pos: int
    names: list[str]
    stype: str
    head_words: set[str]


class Resolver:
    """Resolve each candidate's source to ``(canonical name, source type)``."""

    def __init__(self, doc, groups, lex: Lexicon, quotes: QuoteIndex | None = None):
        self.doc = doc
        self.lex = lex
        self.quotes = quotes
        self.book = NameBook(doc, groups, lex)
        self.history: list[_Seen] = []
        self.titles = {**lex.gender.honorifics, **lex.gender.role_nouns}
        self.titles_pronouns = {**self.titles, **lex.gender.pronouns}
        self.genders: dict[str, set[str]] = {}  # canonical name -> genders in the evidence
        for ms, me, label, name in self.book.mentions:
            sp = doc.char_span(ms, me, alignment_mode="expand") if label == "PERSON" else None
            if sp is not None and len(sp):
                # a title in or right before the name, a role noun in apposition either way
                root = sp.root
                near = [sp[0], *doc[max(sp.start - 1, 0) : sp.start]]
                near += [c for c in root.children if c.dep_ == "appos"]
                self._note(name, near + ([root.head] if root.dep_ == "appos" else []), self.titles)

    def resolve_all(self, cands) -> list[tuple[str | None, str | None]]:
        """Resolve candidates (in reading order); returns one pair per candidate."""
        done: dict[int, tuple[str | None, str | None]] = {}
        out = []
        for cand in cands:
            if cand.inherit_from is not None and id(cand.inherit_from) in done:
                out.append(done[id(cand.inherit_from)])
                continue
            if cand.src is None:
                res: tuple[str | None, str | None] = (None, None)
            else:
                res = self.resolve(cand)
            done[id(cand)] = res
            out.append(res)
        return out

    def _np(self, tok_i: int, fallback: tuple[int, int]):
        doc = self.doc
        if tok_i < 0:
            return doc.char_span(*fallback, alignment_mode="expand")
        tok = doc[tok_i]
        # the conjunct's own phrase, without its coordinated siblings
        left = tok.left_edge.i
        right = tok.i
        for c in tok.rights:
            if c.dep_ in ("cc", "conj", "punct", "relcl", "acl") and c.dep_ != "appos":
                break
            right = c.right_edge.i
        while left < tok.i and doc[left].dep_ in ("preconj", "cc", "punct"):
            left += 1
        return doc[left : right + 1]

    def resolve(self, cand) -> tuple[str, str]:
        s, e = cand.src
        heads = cand.conjuncts or [cand.src_tok]
        names: list[str] = []
        types: list[str] = []
        words: set[str] = set()
        for h in heads:
            np = self._np(h, (s, e))
            if np is not None and len(np) and np.start_char < s:
                # resolve the source as shown, not a phrase the parser wrapped around it
                np = self.doc.char_span(s, max(np.end_char, s + 1), alignment_mode="expand")
            if np is None or len(np) == 0:
                continue
            name, stype = self._one(np, s)
            if stype == "person":
                # 'the spokeswoman', 'Mrs. Clinton', and 'she' outside quotation marks (a
                # quoted speaker's 'he' is often someone else); not inside a possessive ('her
                # husband Bill')
                quoted = self.quotes is not None and self.quotes.overlapping(s, e)
                poss = {i for t in np if t.dep_ == "poss"
                        for i in range(t.left_edge.i, t.right_edge.i + 1)}
                self._note(name, [t for t in np if t.i not in poss],
                           self.titles if quoted else self.titles_pronouns)
            names.append(name)
            types.append(stype)
            words |= {t.lemma_.lower() for t in np if not t.is_punct}
        if not names:
            names, types = [clean_name(self.book.text[s:e])], ["unnamed"]
        self.history.append(_Seen(s, names, types[0], words))
        return "; ".join(names), types[0]

    def _one(self, np, pos: int) -> tuple[str, str]:
        text = np.text.strip()
        low = text.lower()
        head = np.root
        m = LATTER.match(low)
        if m:
            return self._latter(m.group(2), pos)
        if len(np) == 1 and low in RELATIVE and head.head.dep_ == "relcl":
            # 'Mr. Kamin, who emphasized ...': the relative pronoun names its antecedent
            ante = head.head.head
            return self._one(self._np(ante.i, (ante.idx, ante.idx + len(ante.text))), pos)
        if len(np) == 1 and head.pos_ == "PRON":
            return self._pronoun(low, pos)
        if INITIALS.match(text):
            named = self._initials(text)
            if named is not None:
                return named, "person"
        if DEFINITE.match(low) and not any(t.pos_ == "PROPN" for t in np):
            hl = head.lemma_.lower()
            if hl in self.lex.reference_heads:
                for seen in reversed(self.history):
                    if hl in seen.head_words and len(seen.names) == 1:
                        return seen.names[0], seen.stype
                # 'Presidential spokesman Dmitry Peskov met ... The spokesman said': a title
                # word right before an earlier person mention
                for ms, _, label, name in reversed(self.book.mentions):
                    if ms < pos and label == "PERSON":
                        before = self.doc.char_span(ms, ms + 1, alignment_mode="expand")
                        if before is None:
                            continue
                        i = before.start
                        titles = {t.lemma_.lower() for t in self.doc[max(i - 3, 0) : i]}
                        if hl in titles:
                            return name, "person"
        return classify(np, self.book)

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

    def _pronoun(self, low: str, pos: int) -> tuple[str, str]:
        if low in self.lex.person_pronouns:
            want = self.lex.gender.pronouns.get(low)

            def fits(name: str) -> bool:
                return want is None or self._gender(name) in (None, want)

            speakers = [(seen.pos, seen.names[0]) for seen in self.history
                        if seen.stype == "person" and len(seen.names) == 1]
            if speakers and fits(speakers[-1][1]):
                return speakers[-1][1], "person"
            # the latest speaker is of the other gender, or there is none: the nearest speaker
            # or PERSON mention before the pronoun that fits
            named = speakers + [(ms, name) for ms, _, label, name in self.book.mentions
                                if label == "PERSON"]
            fit = [(p, name) for p, name in named if p < pos and fits(name)]
            if fit:
                return max(fit, key=lambda c: c[0])[1], "person"
        elif low in self.lex.nonperson_pronouns:
            for seen in reversed(self.history):
                if seen.stype != "person" or low in ("they", "them"):
                    return "; ".join(seen.names), seen.stype
            for ms, _, label, name in reversed(self.book.mentions):
                if ms < pos and label in ("ORG", "GPE", "NORP"):
                    return name, "official"
        return low, "unnamed"

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

    def _latter(self, which: str, pos: int) -> tuple[str, str]:
        for seen in reversed(self.history):
            if len(seen.names) > 1:
                return (seen.names[-1] if which == "latter" else seen.names[0]), seen.stype
        distinct: list[tuple[str, str]] = []
        for ms, _, label, name in reversed(self.book.mentions):
            if ms >= pos or label not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            if all(name != d[0] for d in distinct):
                distinct.append((name, "person" if label == "PERSON" else "official"))
            if len(distinct) == 2:
                break
        if len(distinct) == 2:
            return distinct[0] if which == "latter" else distinct[1]
        return f"the {which}", "unnamed"
