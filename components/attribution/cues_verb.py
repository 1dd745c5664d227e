"""Verb cues: a reporting verb from the lexicon, its subject as the source, and its content.

The content is the clause, infinitive, object or prepositional object that the verb's lexicon
frame allows, the clause the cue interrupts or trails ('..., The Bell reports.', ``_reverse``) or
the quotation right next to it (``_adjacent_quote``). ``VerbCues`` is a mixin of
``extract.Extractor``. May import ``components.attribution.base``; never another rule module,
``extract``, ``resolve`` or the service.
"""
from __future__ import annotations

from components.attribution.base import (
    GAP_ONLY_PUNCT,
    Cand,
    ExtractorBase,
    _cue_span,
    _end,
    _subject,
    _subtree_span,
)

CONTENT_DEPS_REVERSE = ("parataxis", "ccomp", "conj", "advcl", "dep", "ROOT")
MAX_REVERSE_CUE_TOKENS = 16
PRO_FORMS = {"so", "enough", "otherwise", "yes", "no", "nothing", "little", "much"}


def _core_end(verb) -> int:
    """Last token of a cue's core: the verb, an inverted subject and short adjuncts after it
    ('said Caddell', 'reported earlier this year'), up to punctuation or a clause."""
    end = verb.i
    for c in verb.rights:
        if c.is_punct or c.dep_ in ("advcl", "ccomp", "xcomp", "conj", "parataxis", "cc"):
            break
        end = c.right_edge.i
    return end


def _finite_conjunct_start(comp) -> int:
    """Where an infinitive content ends before a tensed verb coordinated with it: 'urged the
    embassy to reconsider and spoke with the minister' (an infinitive cannot coordinate with a
    past or present tense: the parser hung the speaker's next act on it). No such conjunct: no
    limit."""
    if comp.dep_ != "xcomp" or comp.tag_ != "VB":
        return 1 << 62
    for g in comp.children:
        if g.dep_ == "conj" and g.i > comp.i and g.tag_ in ("VBD", "VBZ") \
                and not any(k.dep_ in ("aux", "auxpass") for k in g.children):
            ccs = [k for k in comp.children if k.dep_ in ("cc", "punct") and comp.i < k.i < g.left_edge.i]
            return ccs[0].idx if ccs else g.left_edge.idx
    return 1 << 62


#: Tags of a tensed verb: the head of a clause of its own.
FINITE_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD"})


def _is_party(tok) -> bool:
    """Whether an object names a person, a group or a body ('attacked Clinton', 'them')."""
    if tok.pos_ == "PRON":
        return tok.lower_ in ("him", "her", "them")
    return tok.ent_type_ in ("PERSON", "ORG", "NORP") or tok.pos_ == "PROPN"


class VerbCues(ExtractorBase):
    """The verb-cue rules (``verb_cands``)."""

    def verb_cands(self) -> list[Cand]:
        out = []
        verbs = self.lex.verbs
        for tok in self.tokens:
            if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
                continue
            cue = verbs.get(tok.lemma_.lower())
            if cue is None:
                continue
            subj = _subject(tok, control=self.control)
            stranded = subj is None and tok.dep_ == "ROOT"
            if stranded:
                subj = self._stranded_subject(tok)
            if subj is None or subj.lower_ == "it" and tok.pos_ == "AUX":
                continue
            cand = self._verb_content(tok, cue, subj)
            if cand is not None and stranded:
                first = subj.i
                while first > 0 and self.doc[first - 1].pos_ == "PROPN" and \
                        self.doc[first - 1].ent_type_ == "PERSON" == subj.ent_type_:
                    first -= 1  # the person's name only, not the phrase that swallowed it
                cand.src = (self.doc[first].idx, _end(subj))
            if cand is not None:
                out.append(cand)
        return out

    def _stranded_subject(self, verb):
        """A name right before a subjectless root cue that the parser swallowed into the
        phrase before it ('In a meeting with the board of the Chicago Tribune Dalton said
        that ...'): only with a that-clause after the cue."""
        if not any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
            return None
        j = verb.i - 1
        while j >= 0 and self.doc[j].dep_ in ("aux", "neg", "advmod"):
            j -= 1
        if j < 0:
            return None
        prev = self.doc[j]
        if prev.pos_ == "PROPN" and prev.ent_type_ in ("PERSON", "ORG", "NORP") \
                and prev.head.i != verb.i and not prev.whitespace_ == "":
            return prev
        return None

    def _verb_content(self, verb, cue, subj) -> Cand | None:
        slots = cue.slots
        pieces: list[tuple[int, int] | None] = []
        chosen = []
        extra = None
        for c in verb.children:
            dep = c.dep_
            if dep == "ccomp" and "ccomp" in slots and c.i > verb.i - 60:
                if "finite" in slots and (c.tag_ in ("VB", "VBG") or c.tag_ == "VBP" and c.lower_ == c.lemma_) \
                        and not any(k.dep_ in ("mark", "aux") for k in c.children):
                    # 'they see their friends die' (a bare infinitive, tagged VB or, after a
                    # plural, VBP): perception, not a view ('see that they die' still counts)
                    continue
                chosen.append(c)
            elif dep == "xcomp" and "xcomp" in slots:
                chosen.append(c)
            elif dep in ("dobj", "attr") and "dobj" in slots and c.pos_ != "PRON":
                chosen.append(c)
                # 'dismissed Estonia as being in the “suburbs”': the 'as' complement goes along
                # 'praised Clarke for helping ...', 'blamed workers for ...': the reason too
                chosen.extend(g for g in verb.rights if g.i > c.i and
                              (g.dep_ == "oprd" or (g.dep_ == "prep" and g.lower_ in ("as", "for"))))
            elif dep == "prep" and "prep" in slots and c.lower_ in cue.preps:
                objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")
                        and g.ent_type_ not in ("DATE", "TIME")]  # 'called for Monday'
                if objs:
                    chosen.append(objs[0])
                    if c.i == verb.i + 1:
                        extra = c
                    # 'called on Trump to stop attacking': the infinitive after the object
                    chosen.extend(g for g in verb.rights if g.dep_ == "xcomp" and g.i > objs[0].i
                                  and g not in chosen)
            elif dep == "dobj" and "as" in slots and (c.pos_ != "PRON" or c.lower_.endswith("self")
                                                      or c.lower_.endswith("selves")) or (
                    dep == "dobj" and "dobj_person" in slots and _is_party(c)):
                # 'see the program as a way to ...' (an 'as' complement makes the object a
                # view); 'attacked Clinton for her vote' (a person or body as object)
                tail = [g for g in verb.rights if g.i > c.i and g.dep_ in ("prep", "advcl") and
                        (g.lower_ == "as" or "dobj_person" in slots and
                         g.lower_ in ("for", "over", "on", "about", "as"))]
                if tail or "dobj_person" in slots:
                    chosen.extend([c, *tail[:1]])
            elif dep == "prt" and c.lower_ in cue.preps:
                extra = c
        if any(c.dep_ == "ccomp" and c.i > verb.i for c in chosen):
            # 'X said A was hurt; Radio Y reported he had surgery': the parser hangs the first
            # report on the second verb as a clause before it; a clause of a verb that has its
            # own subject and a reporting sense, before a cue with its own clause after it, is
            # an attribution of its own, not the content of this one
            chosen = [c for c in chosen if not (
                c.dep_ == "ccomp" and c.i < verb.i and c.lemma_.lower() in self.lex.verbs
                and any(k.dep_ == "nsubj" for k in c.children))]
        if not chosen and "ccomp" in slots:
            # 'told a meeting of island leaders that few people understood ...': a that-clause
            # the parser hung on the object as a relative clause
            for c in verb.children:
                if c.dep_ == "dobj" and c.i > verb.i:
                    for g in c.subtree:
                        if g.dep_ == "relcl" and any(k.dep_ == "mark" and k.lower_ == "that"
                                                     and k.i < g.i for k in g.children):
                            chosen.append(g)
                            break
        if not chosen and "ccomp" in slots:
            # 'Holt has long maintained a review is what the board is doing': a clause without
            # 'that' that the parser split at its subject, making the subject the cue's object and
            # the rest either the verb the cue is the clausal subject of ('[Holt maintained a
            # review] is ...') or a conjunct or adverbial clause right after the object, with no
            # 'and' and no subject of its own; that clause
            # is the content (never the quotation before the sentence, which has its own speaker)
            clause = self._thatless_clause(verb)
            if clause:
                piece = self.piece(clause[0].left_edge.idx, _end(clause[1]))
                if piece:
                    return self._make(verb, _cue_span(verb, extra), subj, [piece], "verb")
        if not chosen and "named" in slots:
            # 'called half of Trump's supporters “deplorables”': object + quoted label
            objs = [c for c in verb.children if c.dep_ == "dobj"]
            labels = [c for c in verb.children
                      if c.dep_ in ("oprd", "xcomp", "advcl", "ccomp", "attr", "prep")
                      and c.i > verb.i and (c.dep_ == "oprd" or
                                            self.quotes.overlapping(*_subtree_span(c)))]
            if objs and labels:
                chosen.extend([objs[0], labels[0]])
            elif objs and any(g.dep_ in ("dobj", "oprd") and g.i > objs[0].i
                              for g in objs[0].children):
                # 'has called climate change a hoax': the parser hangs the label on the object
                chosen.append(objs[0])
        # a clause object ('said what ...') or a quoted object counts for speech verbs
        if not chosen and "quote" in slots:
            for c in verb.children:
                if c.dep_ == "dobj" and self.quotes.overlapping(*_subtree_span(c)):
                    chosen.append(c)
        if chosen and "reverse" in slots and all(
                c.dep_ == "ccomp" and c.i < verb.i
                and not self.quotes.overlapping(self.clip_start(c.left_edge.idx, verb.idx), verb.idx)
                for c in chosen):
            # 'X, but Y, the source added.' / 'Brightmill was a giant, Mr. Okafor said, until
            # ...': a clause before the cue is the whole sentence around the cue, not only the
            # clause the parser hung under it
            cand = self._reverse(verb, subj, _cue_span(verb, extra))
            if cand is not None:
                return cand
        subj_span = _subtree_span(subj)
        for c in chosen:
            s, e = _subtree_span(c)
            s, e = self.clip_start(s, verb.idx), self.clip_end(e, verb.idx)
            e = min(e, _finite_conjunct_start(c))
            if s <= subj_span[0] < e and c.i > verb.i:
                # 'The museum, Mr. Obama said, would make ...': the cue interrupts its content
                # (only when the clause's own subject is the part before the cue)
                if any(g.dep_ in ("nsubj", "nsubjpass", "expl") and g.i < subj.i
                       for g in c.children):
                    pieces.append(self.piece(s, subj.left_edge.idx))
                s = _end(verb.right_edge) if verb.right_edge.i < c.i else _end(verb)
            pieces.append(self.piece(s, e, that=c.dep_ == "ccomp"))
        cue_span = _cue_span(verb, extra)
        if chosen:
            if len(chosen) > 1 and all(c.left_edge.i > verb.i for c in chosen):
                # 'urged North Korea to adhere ...': object and infinitive read as one content
                ss = [p for p in pieces if p]
                if ss:
                    pieces = [(min(s for s, _ in ss), max(e for _, e in ss))]
            return self._make(verb, cue_span, subj, pieces, "verb")
        if "quote" in slots:
            # 'Asked about the fire, Okafor said, "We will not guess at causes."': a quotation right
            # after the cue wins over the clause before it
            ve = _end(self.doc[_core_end(verb)])
            vs = min(cue_span[0], subj.left_edge.idx)
            for qs, qe in self.quotes.overlapping(ve, ve + 4):
                if qs >= ve and self.text[ve:qs].strip() in (",", ":"):
                    pieces = [(qs, qe)]
                    # '“We will,” he said, “go on.”': the quote before the cue too
                    pieces += [(a, b) for a, b in self.quotes.overlapping(max(vs - 4, 0), vs)
                               if b <= vs and vs - b <= 3 and "\n" not in self.text[b:vs]
                               and GAP_ONLY_PUNCT.match(self.text[b:vs])]
                    return self._make(verb, cue_span, subj, pieces, "quote")
        if "reverse" in slots:
            cand = self._reverse(verb, subj, cue_span)
            if cand is not None:
                return cand
        if "quote" in slots or "reverse" in slots:
            return self._adjacent_quote(verb, subj, cue_span)
        return None

    def _thatless_clause(self, verb):
        """(first, last) tokens of a that-less clause split by the parser after a cue (see
        ``_verb_content``), or None."""
        objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubj", "attr") and c.i > verb.i]
        if not objs:
            return None
        obj = objs[0]
        rest = None
        if verb.dep_ == "csubj" and verb.head.i > obj.i:
            rest = verb.head
        else:
            for g in verb.children:
                if g.dep_ in ("conj", "advcl") and g.i > obj.i and g.pos_ in ("AUX", "VERB") \
                        and not any(k.dep_ in ("nsubj", "nsubjpass", "expl") for k in g.children) \
                        and not any(k.dep_ in ("cc", "punct") and obj.i < k.i < g.i for k in verb.children) \
                        and g.i == obj.right_edge.i + 1:
                    rest = g
                    break
        if rest is None or not (rest.tag_ in FINITE_TAGS or any(
                k.dep_ in ("aux", "auxpass") and k.tag_ in FINITE_TAGS for k in rest.children)):
            return None  # a clause has a tensed verb ('posted a photo showing him …' is none)
        if not any(k.i > rest.i and not k.is_punct for k in rest.children) or rest.i - obj.i > 2:
            # it says something after it, right after its subject's head ('a review is …'):
            # 'compared the results from … of all the faunal remains at the site' is a noun phrase
            return None
        last = rest.right_edge
        while last.i > obj.i and (last.is_punct or last.is_space):
            last = self.doc[last.i - 1]
        return obj, last

    def _reverse(self, verb, subj, cue_span) -> Cand | None:
        """'Content, X said.' / 'Content, X said, more content': the cue modifies its content.

        The cue's core is its subject, auxiliaries and the words after it ('the NYT reported
        earlier this year'); a trailing core takes the whole sentence before it as content,
        an interrupting core takes its clause on both sides.
        """
        doc = self.doc
        head = verb.head
        if head.i == verb.i and verb.dep_ != "ROOT" or verb.dep_ not in CONTENT_DEPS_REVERSE:
            return None
        if any(c.dep_ in ("dobj", "attr", "oprd", "ccomp", "xcomp") and c.i > verb.i
               and c.pos_ != "PRON" for c in verb.children):
            return None  # 'Trump attacked Clinton for ...': a cue with its own object is no
            # parenthetical 'he said'
        core_start = min(subj.left_edge.i if subj.i < verb.i else verb.i,
                         doc.char_span(*cue_span, alignment_mode="expand").start)
        core_end = _core_end(verb)
        if core_end - core_start + 1 > MAX_REVERSE_CUE_TOKENS or core_start == 0:
            return None
        before = doc[core_start - 1]
        if not (before.is_punct or before.is_quote):
            return None
        sent = verb.sent
        after = doc[core_end + 1] if core_end + 1 < len(doc) else None
        trailing = after is None or after.i >= sent.end or (
            after.is_punct and (after.i + 1 >= sent.end or after.text in (".", "!", "?")))
        if verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ in PRO_FORMS:
            return None  # 'Mexico said enough.', 'he said so': the content is the pro-form
        if trailing:
            start = min(sent.start, head.left_edge.i) if head.i != verb.i else sent.start
            start = self.clip_start(doc[start].idx, verb.idx)
            pieces = [self.piece(start, doc[core_start].idx)]
        elif head.i == verb.i:
            # 'Though X, he said, Y': the cue is the root; its clauses on both sides
            if not (after.is_punct or after.is_quote):
                return None
            start = self.clip_start(sent.start_char, verb.idx)
            end = self.clip_end(sent.end_char, verb.idx)
            pieces = [self.piece(start, doc[core_start].idx)]
            nxt = doc[after.i + 1] if after.i + 1 < sent.end else None
            participle = nxt is not None and nxt.tag_ == "VBG" and nxt.head.i == verb.i \
                and nxt.dep_ in ("advcl", "xcomp", "conj")  # not a gerund subject ('replacing
            # Clinton would be ...')
            reporting = participle and nxt.lemma_.lower() in self.lex.verbs  # 'arguing that'
            if nxt is not None and not reporting and (
                    not participle or self.quotes.overlapping(_end(after), end)):
                # '..., he said, adding that ...' / ', citing ...': a participle after the
                # cue is the speaker's next act or the writer's comment, not this content
                pieces.append(self.piece(_end(after), end))
        else:
            if not (after.is_punct or after.is_quote):
                return None
            while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
                head = head.head  # 'The difference now, he told me, is that ...': the clause
            while head.dep_ == "advcl" and head.head.i != head.i:
                head = head.head  # 'Though X was seamless, he said, Y would be ...': the main one
            hs, he = _subtree_span(head)
            hs = self.clip_start(hs, verb.idx)
            he = self.clip_end(he, verb.idx)
            pieces = [self.piece(hs, doc[core_start].idx), self.piece(_end(doc[core_end]), he)]
        pieces = [p for p in pieces if p]
        return self._make(verb, cue_span, subj, pieces, "reverse")

    def _adjacent_quote(self, verb, subj, cue_span) -> Cand | None:
        """'“…,” he said.' split by the parser into two sentences; 'he said: “…”'."""
        vs, ve = verb.left_edge.idx, _end(verb.right_edge)
        doc = self.doc
        pro_form = verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ in PRO_FORMS
        for qs, qe in self.quotes.overlapping(max(vs - 400, 0), min(ve + 400, len(self.text))):
            # (never across a paragraph break: 'In her book, Clinton noted ...' after a quote;
            # never for 'X said nothing' / 'said so': its content is the pro-form, and the quote
            # before it is someone else's: 'Ortiz said: “…” Her rival said nothing.')
            if qe <= vs and GAP_ONLY_PUNCT.match(self.text[qe:vs]) and vs - qe < 4 \
                    and "\n" not in self.text[qe:vs] and not pro_form:
                return self._make(verb, cue_span, subj, [(qs, qe)], "quote")
            if qs >= ve and GAP_ONLY_PUNCT.match(self.text[ve:qs]) and qs - ve < 4 \
                    and "\n" not in self.text[ve:qs]:
                return self._make(verb, cue_span, subj, [(qs, qe)], "quote")
        return None
