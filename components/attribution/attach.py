"""Quotation attachment: content widened to its quotations, and quotations no cue claimed given a speaker.

``snap_to_quotes`` widens each content piece to the quotation it mostly overlaps; ``quote_cands``
attaches each unclaimed quotation to the attribution it continues, to a speech frame next to it
('“…,” said X'), to the verb that governs it, or, standing as its own sentence, to the most recent
speaker (a floating quote). ``QuoteAttachment`` is a mixin of ``extract.Extractor``. May import
``components.attribution.base``; never another rule module, ``extract``, ``resolve`` or the service.
"""
from __future__ import annotations

import re

from components.attribution.base import (
    EXPLETIVES,
    GAP_ONLY_PUNCT,
    WORDS,
    Cand,
    ExtractorBase,
    _cue_span,
    _end,
    _subject,
)

QUOTE_MARKS = re.compile(r"''|[\"“”«»]|(?<!\w)‘")
# a sentence end: not the dot of a title or an initial ('Mrs. Clinton', 'John G. Roberts')
SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)"
    r"(?<!\bGen)(?<!\bLt)(?<!\bCol)(?<!\bSgt)(?<!\bJr)(?<!\bSr)(?<!\bNo)(?<!\bvs)"
    r"(?<!\b[A-Z])[.!?]\s")
MAX_FLOAT_PARAGRAPHS = 2

#: Verbs that frame a quotation as the same speaker's next words without being cues on their
#: own ('X continued, “…”', 'she concluded: “…”'): with the lexicon's cues, the frame before a
#: quotation closed by a full stop wins over a verb of the next sentence.
CONTINUING = frozenset({"continue", "conclude"})


def _title_case(span) -> bool:
    """Whether most words of a quotation are capitalised, as in a title ('Gone with the Wind')."""
    words = [t for t in span if t.is_alpha][1:]
    words = [t for t in words if not t.is_stop] or words  # 'with', 'the' stay lower case
    if not words:
        return False
    return sum(t.text[0].isupper() for t in words) >= 0.6 * len(words)


class QuoteAttachment(ExtractorBase):
    """The quotation rules (``snap_to_quotes``, ``quote_cands``)."""

    def snap_to_quotes(self, cands: list[Cand]) -> None:
        """Widen content pieces to the quotations they mostly overlap."""
        for cand in cands:
            new = []
            for s, e in cand.content:
                for qs, qe in self.quotes.overlapping(s, e):
                    inter = min(e, qe) - max(s, qs)
                    if s > qs + 2 and self.para_of(qs) != self.para_of(qe - 1):
                        # a long multi-paragraph quotation: widen within this paragraph only
                        ps, pe = self.paras[self.para_of(s)]
                        qs, qe = max(qs, ps), min(qe, pe)
                    if inter >= 0.3 * (qe - qs) or (s <= qs + 2 and qe - 2 <= e) or \
                            inter >= 0.8 * (e - s) or (s <= qs < e < qe):
                        # (the last: content that opens a quotation runs to its end, as in
                        # 'characterized Kaine as, “a little desperate there, ...”')
                        # do not swallow the cue or source that sits inside a long quote
                        if cand.cue[0] >= qs and cand.cue[1] <= qe:
                            continue
                        s, e = min(s, qs), max(e, qe)
                new.append((s, e))
            cand.content = new

    def quote_cands(self, cands: list[Cand]) -> list[Cand]:
        """Attach quotations that no cue claimed (frames, continuations, floating quotes)."""
        # a cue inside a quotation ('I think ...' within a speaker's quote) does not claim it
        claimed = sorted(p for c in cands for p in c.content
                         if not any(qs <= c.cue[0] and c.cue[1] <= qe
                                    for qs, qe in self.quotes.overlapping(*p)))
        cands = sorted(cands, key=lambda c: c.region())
        added: list[Cand] = []
        for qs, qe in self.quotes.quotes:
            if any(s < qe and qs < e for s, e in claimed):
                continue
            words = len(WORDS.findall(self.text, qs, qe))
            if words == 0:
                continue
            prev = self._previous(cands + added, qs)
            # (a) continuation: '“A,” she said. “B.”' in the same paragraph
            if prev is not None and self.para_of(prev.region()[1]) == self.para_of(qs) \
                    and self._rest_of_sentence(prev, qs) \
                    and self.quotes.overlapping(*prev.covering()):
                prev.content.append((qs, qe))
                claimed.append((qs, qe))
                continue
            # (b) a frame next to the quote: '“…,” said X' / 'X wrote: “…”'
            cand = self._frame_for_quote(qs, qe)
            if cand is not None:
                added.append(cand)
                claimed.append((qs, qe))
                continue
            # (b2) the verb that governs the quote: 'exhorted Republicans to “vote …”'
            cand = self._governing_verb(qs, qe, words)
            if cand is not None:
                added.append(cand)
                claimed.extend(cand.content)
                continue
            # (c) floating: the quote is its own sentence; its speaker is the latest one
            if words >= 3 and self._starts_sentence(qs) and prev is not None \
                    and prev.src is not None \
                    and self.para_of(qs) - self.para_of(prev.region()[1]) <= MAX_FLOAT_PARAGRAPHS:
                src_of = prev.inherit_from or prev
                added.append(Cand(src_of.cue, -1, src_of.src, src_of.src_tok, [(qs, qe)],
                                  "float", inherit_from=src_of, conjuncts=src_of.conjuncts))
                claimed.append((qs, qe))
        return added

    def _governing_verb(self, qs: int, qe: int, words: int) -> Cand | None:
        """The verb whose complement holds the quotation, within three steps up the tree.

        A reporting verb from the lexicon takes any quotation ('called Trump a “bully”');
        another verb only a quotation of four words or more, so that scare quotes and quoted
        titles ('launched its “Smart Home” line') stay unattributed.
        """
        doc = self.doc
        span = doc.char_span(qs, qe, alignment_mode="expand")
        if span is None:
            return None
        roots = [t for t in span if not (span.start <= t.head.i < span.end)]
        if not roots:
            return None
        child, h = roots[0], roots[0].head
        for _ in range(3):
            if h.i == child.i:
                return None
            if h.pos_ == "VERB" and not (span.start <= h.i < span.end):
                break
            child, h = h, h.head
        else:
            return None
        if h.pos_ != "VERB" or h.i < span.start and child.i < h.i:
            return None
        if h.lemma_.lower() not in self.lex.verbs and (words < 4 or _title_case(span)):
            return None  # 'starred in “Gone with the Wind”': a quoted title, not speech
        subj = _subject(h, control=self.control)
        if subj is None or span.start <= subj.i < span.end or subj.lower_ in EXPLETIVES:
            return None
        if child.i < h.i:
            return None  # the quotation is in the subject or before the verb
        comps = [c for c in h.rights if c.dep_ in
                 ("dobj", "ccomp", "xcomp", "oprd", "prep", "advcl", "attr", "acomp", "dative")
                 and c.i <= child.i]
        start = min([c.left_edge.idx for c in comps] + [child.left_edge.idx])
        end = max(_end(child.right_edge), qe)
        if self.text[qe:end].lstrip()[:1] in (",", "-", "—", "–", ";", "("):
            end = qe  # 'likened the rules to “…” - a charge that ...': an aside after the quote
        start = self.clip_start(start, h.idx)
        return self._make(h, _cue_span(h), subj, [self.piece(start, end, that=True)], "govern")

    def _rest_of_sentence(self, prev: Cand, e: int) -> bool:
        """Whether the text between ``prev`` and ``e`` is only the tail of its cue's sentence
        ('“A,” Melanie said to the TV. “B.”'); a long tail only right after the cue."""
        s = prev.region()[1]
        gap = self.text[s:e]
        ends_with_cue = s in (prev.cue[1], prev.src[1] if prev.src else -1)
        if len(gap) > (300 if ends_with_cue else 60) or QUOTE_MARKS.search(gap):
            return False
        if SENTENCE_END.search(gap.rstrip().rstrip(".!?,:;—–-")):
            return False
        span = self.doc.char_span(s, e, alignment_mode="contract")
        # '“A,” Sanders said, suggesting questions, including “B”': a reporting participle
        # starts the speaker's next act, and the quotation after it belongs to that act
        # ('said Caddell, speaking of ...' is only a tail)
        return span is None or not any(
            t.tag_ == "VBG" and t.dep_ in ("advcl", "xcomp", "conj")
            and t.lemma_.lower() in self.lex.verbs for t in span)

    def _previous(self, cands: list[Cand], pos: int) -> Cand | None:
        """The attribution that ends last before ``pos``; a cue inside another attribution's
        source ('said Don Fowler, who has backed Clinton') describes that speaker and is
        skipped, so the quotation continues the speaker's own attribution."""
        doc = self.doc
        srcs = [(doc[c.src_tok].left_edge.i, doc[c.src_tok].right_edge.i) for c in cands
                if c.src_tok >= 0 and c.origin != "float"]
        best = None
        for c in cands:
            if c.cue_tok >= 0 and any(s <= c.cue_tok <= e for s, e in srcs):
                continue
            if c.region()[1] <= pos + 1 and (best is None or c.region()[1] > best.region()[1]):
                best = c
        if best is not None and best.src_tok >= 0 and not self._quoted(best):
            # '“A,” said X, ..., and has backed Y. “B.”': a second cue of the same speaker
            # without a quotation; the quotation continues that speaker's quoted attribution
            same = [c for c in cands if c.src_tok == best.src_tok and c is not best
                    and c.region()[1] <= pos + 1 and self._quoted(c)
                    and self.para_of(c.region()[1]) == self.para_of(pos)]
            if same:
                best = max(same, key=lambda c: c.region()[1])
        return best

    def _quoted(self, cand: Cand) -> bool:
        return any(self.quotes.overlapping(s, e) for s, e in cand.content)

    def _starts_sentence(self, qs: int) -> bool:
        j = qs - 1
        while j >= 0 and self.text[j] in " \t":
            j -= 1
        return j < 0 or self.text[j] in "\n.!?:”\"" or qs in self.para_starts

    def _frame_for_quote(self, qs: int, qe: int) -> Cand | None:
        doc = self.doc
        span = doc.char_span(qs, qe, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        # a quotation closed by a full stop inside its marks ('X continued, “… the White
        # House.” The White House refers to …') ended its sentence: the frame before it, when
        # there is one, is its cue, not a verb of the next sentence
        closed = self.text[qs:qe].rstrip("\"”’' ").endswith(".")
        before = self._frame_before(span, qs, qe)
        if closed:
            if before is not None and before.cue_tok >= 0 and (
                    doc[before.cue_tok].lemma_.lower() in self.lex.verbs
                    or doc[before.cue_tok].lemma_.lower() in CONTINUING):
                return before  # (any other verb before a colon, 'for the two nations to
                # resolve their differences: “…”', is no frame of its own)
        # after the quote: ', said X' / ', X said' / 'X said.' in the next words
        after = [t for t in doc[span.end : min(span.end + 8, len(doc))]
                 if t.idx < self._para_end(qs)]
        for t in after:
            if t.is_quote and t.idx > qe:
                break
            if t.pos_ in ("VERB",) and not t.dep_.startswith("aux"):
                subj = _subject(t)
                if subj is None or subj.i < span.start and not subj.idx >= qe:
                    if subj is None:
                        break
                gap_end = min(t.left_edge.idx, subj.left_edge.idx if subj.i >= span.end else t.idx)
                if GAP_ONLY_PUNCT.match(self.text[qe:gap_end]):
                    return self._make(t, _cue_span(t), subj, [(qs, qe)], "quote")
                break
        return before

    def _frame_before(self, span, qs: int, qe: int) -> Cand | None:
        """The frame before a quote: 'X said: “…”' / 'X said, “…”'."""
        doc = self.doc
        j = span.start - 1
        while j >= 0 and doc[j].is_punct and not doc[j].is_quote and doc[j].idx >= qs - 3:
            j -= 1
        if j >= 0 and doc[j].text in (":", ",") or (j >= 0 and qs - _end(doc[j]) <= 3
                                                   and self.text[_end(doc[j]):qs].strip() in
                                                   (":", ",")):
            k = j if doc[j].is_punct else j
            sent_start = doc[k].sent.start
            for t in reversed(doc[sent_start : k + 1]):
                if t.pos_ == "VERB":
                    subj = _subject(t)
                    if subj is not None and subj.i < t.i:
                        return self._make(t, _cue_span(t), subj, [(qs, qe)], "quote")
                    break
        return None

    def _para_end(self, pos: int) -> int:
        return self.paras[self.para_of(pos)][1] if self.paras else len(self.text)
