"""Noun, adjective and phrase cues: reporting nouns, reporting adjectives, multiword cues.

A reporting noun after a light verb or with a possessive ('expressed concern over', 'Trump's
claim that'), a reporting adjective ('is keen to') and a multiword cue whose last object is the
source ('according to X', 'as reported by X'). ``NounCues`` is a mixin of ``extract.Extractor``.
May import ``components.attribution.base``; never another rule module, ``extract``, ``resolve``
or the service.
"""
from __future__ import annotations

from components.attribution.base import (
    EXPLETIVES,
    Cand,
    ExtractorBase,
    _cue_span,
    _end,
    _subject,
    _subtree_span,
)


class NounCues(ExtractorBase):
    """The noun (``noun_cands``), adjective (``adj_cands``) and phrase (``phrase_cands``) rules."""

    def noun_cands(self) -> list[Cand]:
        out = []
        for tok in self.tokens:
            if tok.pos_ != "NOUN":
                continue
            cue = self.lex.nouns.get(tok.lemma_.lower())
            if cue is None:
                continue
            content_kids = [c for c in tok.rights
                            if (c.dep_ == "prep" and c.lower_ in cue.preps)
                            or (c.dep_ in ("acl", "ccomp") and "that" in cue.preps)
                            or (c.dep_ in ("acl", "xcomp") and "to" in cue.preps
                                and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.lefts))]
            if not content_kids:
                continue
            end = max(_end(c.right_edge) for c in content_kids)
            # PolNeAR's convention: the noun and its preposition belong to the cue ('has
            # expressed deep concern about | the policy', 'criticism of | the judge'); the
            # content is the preposition's object, or the clause ('claims that | ...')
            first = content_kids[0]
            if first.dep_ == "prep":
                objs = [g for g in first.children if g.dep_ in ("pobj", "pcomp")]
                if not objs:
                    continue
                start, cue_end = objs[0].left_edge.idx, _end(first)
            else:
                start, cue_end = first.left_edge.idx, _end(tok)
            head = tok.head
            if tok.dep_ == "dobj" and head.lemma_.lower() in self.lex.light_verbs:
                subj = _subject(head)
                if subj is None:
                    continue
                cue = (_cue_span(head)[0], cue_end)
                cand = self._make(head, cue, subj, [self.piece(start, end, that=True)], "noun")
            else:
                poss = [c for c in tok.lefts if c.dep_ == "poss"]
                if not poss or poss[0].pos_ not in ("PROPN", "NOUN", "PRON"):
                    continue
                cand = self._make(tok, (tok.idx, cue_end), poss[0],
                                  [self.piece(start, end, that=True)], "noun")
            if cand is not None:
                out.append(cand)
        return out

    def adj_cands(self) -> list[Cand]:
        out = []
        for tok in self.tokens:
            if tok.pos_ != "ADJ" or tok.lemma_.lower() not in self.lex.adjectives:
                continue
            if tok.dep_ != "acomp":
                continue
            head = tok.head
            subj = _subject(head)
            if subj is None or subj.lower_ in EXPLETIVES:
                continue
            kids = [c for c in tok.rights if c.dep_ in ("xcomp", "ccomp", "prep")]
            if not kids:
                continue
            s = min(c.left_edge.idx for c in kids)
            e = max(_end(c.right_edge) for c in kids)
            cue = (_cue_span(head)[0], _end(tok))
            cand = self._make(tok, cue, subj, [self.piece(s, e, that=True)], "adj")
            if cand is not None:
                out.append(cand)
        return out

    def phrase_cands(self) -> list[Cand]:
        """'According to X, content' and 'as reported by X': the source is the last object."""
        out = []
        doc = self.doc
        firsts = {p[0]: p for p in self.lex.phrases}
        for tok in self.tokens:
            words = firsts.get(tok.lower_)
            if words is None or tok.i + len(words) > len(doc):
                continue
            if tuple(t.lower_ for t in doc[tok.i : tok.i + len(words)]) != words:
                continue
            last = doc[tok.i + len(words) - 1]
            objs = [c for c in last.children if c.dep_ == "pobj"]
            if not objs:
                continue
            subj = objs[0]
            # the clause the phrase modifies: the nearest verbal ancestor
            anchor = tok.head
            while anchor.dep_ not in ("ROOT",) and anchor.pos_ not in ("VERB", "AUX") \
                    and anchor.head.i != anchor.i:
                anchor = anchor.head
            phrase_s = tok.idx
            phrase_e = max(_end(last.right_edge), _end(subj.right_edge))
            sent = tok.sent
            hs, he = _subtree_span(anchor)
            hs, he = max(hs, sent.start_char), min(he, sent.end_char)
            if hs <= phrase_s and phrase_e <= he:
                pieces = [self.piece(hs, phrase_s), self.piece(phrase_e, he)]
            else:
                pieces = [self.piece(phrase_e, he) if phrase_e < he else None]
            cand = self._make(tok, (tok.idx, _end(last)), subj, [p for p in pieces if p],
                              "phrase")
            if cand is not None:
                out.append(cand)
        return out
