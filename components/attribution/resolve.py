"""Resolution of sources that refer back: pronouns, "the latter"/"the former", "the spokesman".

No coreference package installs offline, so these are rules, applied in reading order over the
sources found so far (the history) and the article's entity mentions:
- "he"/"she"/"him"/"her" → the latest person source, else the latest PERSON mention before it;
- "it"/"they" → the latest non-person source, else the latest organisation or place mention;
- "the latter"/"the former" → the last/first member of the latest coordinated source
  ("Both Pyongyang and Moscow ... but the latter asserts" → Moscow), else of the last two
  distinct names mentioned;
- "the spokesman", "the minister", ... → the latest source whose phrase used that noun
  ("Presidential spokesman Dmitry Peskov"), else the noun phrase as an unnamed source.
A floating quote inherits the resolved name of the attribution it continues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from components.attribution.canonical import NameBook, classify, clean_name
from components.attribution.lexicon import Lexicon

RELATIVE = {"who", "which", "that", "whom"}
LATTER = re.compile(r"^(the\s+)?(latter|former)$", re.I)
DEFINITE = re.compile(r"^(the|this|that)\s+", re.I)


@dataclass
class _Seen:
    pos: int
    names: list[str]
    stype: str
    head_words: set[str]


class Resolver:
    """Resolve each candidate's source to ``(canonical name, source type)``."""

    def __init__(self, doc, groups, lex: Lexicon):
        self.doc = doc
        self.lex = lex
        self.book = NameBook(doc, groups, lex)
        self.history: list[_Seen] = []

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

    def _pronoun(self, low: str, pos: int) -> tuple[str, str]:
        if low in self.lex.person_pronouns:
            for seen in reversed(self.history):
                if seen.stype == "person" and len(seen.names) == 1:
                    return seen.names[0], "person"
            for ms, _, label, name in reversed(self.book.mentions):
                if ms < pos and label == "PERSON":
                    return name, "person"
        elif low in self.lex.nonperson_pronouns:
            for seen in reversed(self.history):
                if seen.stype != "person" or low in ("they", "them"):
                    return "; ".join(seen.names), seen.stype
            for ms, _, label, name in reversed(self.book.mentions):
                if ms < pos and label in ("ORG", "GPE", "NORP"):
                    return name, "official"
        return low, "unnamed"

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
