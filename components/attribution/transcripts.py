"""Layout cues: transcript turns, headline quotes and signed quotes, marked by layout, not a verb.

'WALLACE: Let's start ...' and '((Valeria Gazzola)) No, ...' (transcript turns, whose words count
as quoted), 'Pat Caddell: Voters worried' (a headline quote) and '“…” ― Pamela Padilla' (a signed
quote). ``LayoutCues`` is a mixin of ``extract.Extractor``; it records every turn's content in
``turns`` for the hedge filter. May import ``components.attribution.base``; never another rule
module, ``extract``, ``resolve`` or the service.
"""
from __future__ import annotations

import re

from components.attribution.base import GAP_ONLY_PUNCT, Cand, ExtractorBase, _end

# an interview turn's label at a paragraph start: '((Valeria Gazzola))  No, I think …'
TURN_LABEL = re.compile(r"\(\(([^()\n]{1,60})\)\)[ \t]*:?[ \t]*")
# the signature after a quoted paragraph: '” ― Pamela Padilla'
SIGNATURE = re.compile(r"[\s\u00a0]*([―—–]|--?)[\s\u00a0]*([^\W\d][\w.'’ \-]{1,60}?)[\s\u00a0.]*$")


class LayoutCues(ExtractorBase):
    """The layout rules (``layout_cands``)."""

    def layout_cands(self) -> list[Cand]:
        """Speakers marked by layout rather than a verb.

        'WALLACE: Let's start ...' (a transcript turn), 'Pat Caddell: Voters worried' (a
        headline quote) and 'Pamela Padilla ― “…”' (a vox-pop line): a short name at the
        start of a paragraph, then a colon or a dash; the rest of the paragraph (or the
        quotation after the dash) is the content.
        """
        out = []
        doc = self.doc
        for ps, pe in self.paras:
            span = doc.char_span(ps, pe, alignment_mode="expand")
            if span is None or len(span) < 3:
                continue
            label = TURN_LABEL.match(self.text, ps, pe)
            if label is not None:
                out.extend(self._labelled_turn(label, pe))
                continue
            signed = self._signed_quote(ps, pe)
            if signed is not None:
                out.append(signed)
                continue
            first = span.start
            while first < span.end - 2 and doc[first].is_quote:
                first += 1  # a transcript quoted whole: '"WALLACE: ...'
            span = doc[first : span.end]
            sep = None
            for t in span[:7]:
                if t.text in (":", "―", "—", "–") and t.i > span.start:
                    sep = t
                    break
            if sep is None:
                continue
            name = doc[span.start : sep.i]
            if any(not (t.pos_ == "PROPN" or t.text.isupper() or t.is_title) or t.is_punct
                   for t in name) or any(c.isdigit() for c in name.text):
                continue  # ('5:45 p.m.: ...' is a live blog's time stamp, not a speaker)
            if name.text.lower() in self.lex.label_stoplist or \
                    name[0].lower_ in self.lex.label_stoplist:
                continue
            has_ent = any(e.label_ in ("PERSON", "ORG", "GPE", "NORP") for e in name.ents)
            caps = all(t.text.isupper() and len(t.text) > 1 for t in name)
            # a headline 'Pence: Flowers Won't Be at Debate' names its speaker without NER help
            headline = (ps, pe) == self.paras[0] and len(name) <= 3 and \
                all(t.pos_ == "PROPN" for t in name)
            if not (has_ent or caps or headline):
                continue
            rest = (_end(sep), pe)
            if sep.text != ":":
                q = self.quotes.overlapping(*rest)
                if not q or not GAP_ONLY_PUNCT.match(self.text[_end(sep):q[0][0]]):
                    continue
                rest = q[0]
            piece = self.piece(*rest)
            cand = self._make(None, (sep.idx, _end(sep)), name.root, [piece], "layout")
            if cand is not None:
                cand.src = (name.start_char, name.end_char)
                cand.verbatim = sep.text == ":" and (caps or (ps, pe) != self.paras[0])
                out.append(cand)
        return out

    def _labelled_turn(self, label: re.Match, pe: int) -> list[Cand]:
        """'((Valeria Gazzola))  No, I think …': an interview transcript's turn (Wikinews' layout).

        The rest of the paragraph is the speaker's words (verbatim). Every turn counts as quoted
        for hedges ('you see', 'I think' inside it); the interviewer's own turns ('((WN))', labels
        in ``interviewer_labels``) ask questions and are no attribution.
        """
        rest = self.piece(label.end(), pe)
        if rest is None:
            return []
        self.turns.append(rest)
        name = self.doc.char_span(label.start(1), label.end(1), alignment_mode="expand")
        if name is None or label.group(1).strip().lower() in self.lex.interviewer_labels:
            return []
        cue = (label.end(1), label.end(1) + 2)  # the closing '))' of the label
        cand = self._make(None, cue, name.root, [rest], "layout")
        if cand is None:
            return []
        cand.src = (name.start_char, name.end_char)
        cand.src_tok = name.root.i
        cand.verbatim = True
        return [cand]

    def _signed_quote(self, ps: int, pe: int) -> Cand | None:
        """'“…” ― Pamela Padilla': a paragraph of quotation signed by a name after a dash."""
        quotes = self.quotes.overlapping(ps, pe)
        if not quotes or self.text[ps:quotes[0][0]].strip() or quotes[-1][1] > pe:
            return None
        m = SIGNATURE.match(self.text, quotes[-1][1], pe)
        if m is None:
            return None
        name = self.doc.char_span(m.start(2), m.end(2), alignment_mode="expand")
        if name is None or not 1 <= len(name) <= 6 or \
                any(not (t.is_title or t.text.isupper() or t.pos_ == "PROPN") for t in name):
            return None
        content = [(q[0], q[1]) for q in quotes]
        cand = self._make(None, (m.start(1), m.end(1)), name.root, content, "layout")
        if cand is not None:
            cand.src = (name.start_char, name.end_char)
            cand.src_tok = name.root.i
            cand.verbatim = True
        return cand
