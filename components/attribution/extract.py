"""Rule-based attribution extraction (who said what) over a spaCy dependency parse.

Three passes over one parsed article. (1) Cues from the parse: a reporting verb from the
lexicon with its subject as the source and, as content, the clause, infinitive, object or
prepositional object that its lexicon frame allows, or the clause it interrupts or trails
("..., The Bell reports."); reporting nouns after light verbs ("expressed concern over"),
adjectives ("is keen to") and multiword cues ("according to"). (2) Quotations: each content is
widened to the whole quotation it overlaps, and each quotation no cue claimed is attached to a
speech frame next to it ("“…,” said X" with any verb), continued from the attribution it
follows, or, when it stands as its own sentence, given to the most recent speaker (a floating
quote). Short quotations inside a sentence with no frame are scare quotes or titles and are left
alone. (3) Sources are resolved to canonical names and types (``resolve.py``), and nesting is
computed from containment.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from components.attribution.lexicon import Lexicon, load_lexicon
from components.attribution.quotes import QuoteIndex, find_quotes, paragraphs
from components.records import Attribution, Span

QUOTE_MARKS = re.compile(r"''|[\"“”«»]|(?<!\w)‘")
# a sentence end: not the dot of a title or an initial ('Mrs. Clinton', 'John G. Roberts')
SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bSen)(?<!\bRep)(?<!\bGov)"
    r"(?<!\bGen)(?<!\bLt)(?<!\bCol)(?<!\bSgt)(?<!\bJr)(?<!\bSr)(?<!\bNo)(?<!\bvs)"
    r"(?<!\b[A-Z])[.!?]\s")
GAP_ONLY_PUNCT = re.compile(r"^[\s,.;:—–\-]*$")
# an interview turn's label at a paragraph start: '((Valeria Gazzola))  No, I think …'
TURN_LABEL = re.compile(r"\(\(([^()\n]{1,60})\)\)[ \t]*:?[ \t]*")
TRAILING_CONJ = re.compile(r"[\s,]+(and|but|or|as well as)[\s,]*$", re.I)
STRIP_CHARS = " \t\n,;:—–-"
# the signature after a quoted paragraph: '” ― Pamela Padilla'
SIGNATURE = re.compile(r"[\s\u00a0]*([―—–]|--?)[\s\u00a0]*([^\W\d][\w.'’ \-]{1,60}?)[\s\u00a0.]*$")
WORDS = re.compile(r"\w+")
SUBJ = ("nsubj",)
CONTENT_DEPS_REVERSE = ("parataxis", "ccomp", "conj", "advcl", "dep", "ROOT")
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
EXPLETIVES = {"it", "there"}
MAX_REVERSE_CUE_TOKENS = 16
SPEAKER_PRONOUNS = {"i", "we", "you", "me", "us"}
GENERIC_SUBJECTS = {"nobody", "anyone", "anybody", "everyone", "everybody", "no one", "someone",
                    "somebody", "whoever"}
MAX_FLOAT_PARAGRAPHS = 2
PRO_FORMS = {"so", "enough", "otherwise", "yes", "no", "nothing", "little", "much"}


@dataclass
class Cand:
    """A candidate attribution while rules are applied (char offsets into the text)."""

    cue: tuple[int, int]
    cue_tok: int  # token index of the cue's head word (-1 for inherited cues)
    src: tuple[int, int] | None
    src_tok: int  # token index of the source's head (-1: none)
    content: list[tuple[int, int]]
    origin: str
    inherit_from: Cand | None = None
    conjuncts: list[int] = field(default_factory=list)  # token indices of coordinated heads
    verbatim: bool = False  # a transcript turn: the speaker's words without quotation marks

    def region(self) -> tuple[int, int]:
        pts = [*self.content, self.cue] + ([self.src] if self.src else [])
        return min(s for s, _ in pts), max(e for _, e in pts)

    def covering(self) -> tuple[int, int]:
        return min(s for s, _ in self.content), max(e for _, e in self.content)


def _end(tok) -> int:
    return tok.idx + len(tok.text)


def _trim(text: str, s: int, e: int, *, that: bool = False) -> tuple[int, int]:
    """Strip whitespace and separating punctuation (and optionally a leading 'that')."""
    while s < e and text[s] in STRIP_CHARS:
        s += 1
    while e > s and (text[e - 1] in STRIP_CHARS or text[e - 1] == "."):
        if text[e - 1] == "." and e - 2 >= s and text[e - 2].isupper():
            break  # keep the dot of an abbreviation such as "U.S."
        e -= 1
    m = TRAILING_CONJ.search(text, s, e)
    if m and m.start() > s:
        e = m.start()
    if that and text[s : s + 5].lower() == "that " and e - s > 5:
        s += 5
        while s < e and text[s].isspace():
            s += 1
    return s, e


def _subtree_span(tok) -> tuple[int, int]:
    return tok.left_edge.idx, _end(tok.right_edge)


def _cue_span(verb, extra_right=None) -> tuple[int, int]:
    """The cue word with the auxiliaries, negation and adverbs right before it."""
    doc = verb.doc
    lefts = {c.i for c in verb.lefts if c.dep_ in ("aux", "auxpass", "neg", "advmod")}
    i = verb.i - 1
    start = verb
    while i >= 0 and i in lefts:
        start = doc[i]
        i -= 1
    end = verb
    for c in verb.rights:
        if c.dep_ == "prt" and c.i == verb.i + 1:
            end = c
    if extra_right is not None and extra_right.i == end.i + 1:
        end = extra_right
    return start.idx, _end(end)


def _subject(verb, depth: int = 0, control: frozenset[str] = frozenset(),
             came_from: int = -1):
    """The speaker of ``verb``: its subject, its passive agent, or one inherited up the tree."""
    for c in verb.children:
        if c.dep_ in SUBJ:
            if c.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                # 'Critics, who see ...': the relative pronoun is the source as written
                # (PolNeAR marks it); the resolver names its antecedent
                return c if verb.head.pos_ in ("NOUN", "PROPN") else verb.head
            if c.lower_ in EXPLETIVES and c.lower_ == "there":
                return None
            return c
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if any(c.dep_ in ("nsubjpass", "csubj", "csubjpass") for c in verb.children):
        pas = next(c for c in verb.children if c.dep_ in ("nsubjpass", "csubj", "csubjpass"))
        if 0 <= came_from < verb.i and (pas.pos_ == "PRON" or pas.ent_type_ == "PERSON"):
            return pas  # 'After saying X, she was whisked off': the one who said it
        return None  # passive without an agent: 'is expected to' names no speaker
    if depth < 3 and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        if verb.dep_ == "advcl" and verb.tag_ not in ("VBG",):
            return None  # 'when asked', 'if confirmed': not the same speaker frame
        if verb.dep_ == "xcomp" and control and verb.head.lemma_.lower() not in control:
            return None  # 'voted to condemn': only control verbs pass their subject down
        return _subject(verb.head, depth + 1, control, verb.i if verb.dep_ == "advcl" else -1)
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    if depth < 3 and verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" \
            and verb.head.lower_ in ("by", "after", "before", "in", "while", "without") \
            and verb.head.head.pos_ in ("VERB", "AUX"):
        # 'Obama responded by saying ...', 'She began by noting ...': the subject of the verb
        # the participle's preposition hangs on
        return _subject(verb.head.head, depth + 1, control, verb.i)
    return None


def _source_span(subj, avoid: list[tuple[int, int]], text: str) -> tuple[int, int]:
    """The subject's noun phrase; only its left part when the full phrase runs into content."""
    s, e = _subtree_span(subj)
    if any(s < ae and as_ < e for as_, ae in avoid):
        s, e = subj.left_edge.idx, _end(subj)
    first = subj.left_edge
    while first.i < subj.i and (first.dep_ in ("preconj", "cc") or first.is_punct):
        first = first.nbor()
        s = first.idx
    return _trim(text, s, e)


def _title_case(span) -> bool:
    """Whether most words of a quotation are capitalised, as in a title ('Gone with the Wind')."""
    words = [t for t in span if t.is_alpha][1:]
    words = [t for t in words if not t.is_stop] or words  # 'with', 'the' stay lower case
    if not words:
        return False
    return sum(t.text[0].isupper() for t in words) >= 0.6 * len(words)


def _core_end(verb) -> int:
    """Last token of a cue's core: the verb, an inverted subject and short adjuncts after it
    ('said Caddell', 'reported earlier this year'), up to punctuation or a clause."""
    end = verb.i
    for c in verb.rights:
        if c.is_punct or c.dep_ in ("advcl", "ccomp", "xcomp", "conj", "parataxis", "cc"):
            break
        end = c.right_edge.i
    return end


def _is_party(tok) -> bool:
    """Whether an object names a person, a group or a body ('attacked Clinton', 'them')."""
    if tok.pos_ == "PRON":
        return tok.lower_ in ("him", "her", "them")
    return tok.ent_type_ in ("PERSON", "ORG", "NORP") or tok.pos_ == "PROPN"


def _conjunct_heads(subj) -> list[int]:
    heads = [subj.i] + [c.i for c in subj.conjuncts if c.i > subj.i]
    return heads if len(heads) > 1 else []


class Extractor:
    """Apply the rules to one parsed document."""

    def __init__(self, doc, lex: Lexicon):
        self.doc = doc
        self.text = doc.text
        self.tokens = list(doc)  # Token objects are built on each access: once per article
        self.lex = lex
        self.paras = paragraphs(self.text)
        self.quotes = QuoteIndex(find_quotes(self.text, self.paras))
        self.para_starts = [s for s, _ in self.paras]
        self.control = lex.control_verbs | frozenset(lex.verbs)
        self.turns: list[tuple[int, int]] = []  # contents of transcript turns (layout_cands)

    # ----------------------------------------------------------------- helpers
    def para_of(self, pos: int) -> int:
        from bisect import bisect_right

        return max(bisect_right(self.para_starts, pos) - 1, 0)

    def clip_start(self, s: int, anchor: int) -> int:
        """Never let parse-derived content start before the anchor's paragraph."""
        return max(s, self.paras[self.para_of(anchor)][0]) if self.paras else s

    def clip_end(self, e: int, anchor: int) -> int:
        """Never let parse-derived content run past the anchor's paragraph."""
        return min(e, self.paras[self.para_of(anchor)][1]) if self.paras else e

    def piece(self, s: int, e: int, *, that: bool = False) -> tuple[int, int] | None:
        s, e = _trim(self.text, s, e, that=that)
        return (s, e) if WORDS.search(self.text, s, e) else None

    def _make(self, cue_tok, cue_span, subj, content, origin) -> Cand | None:
        content = [p for p in content if p]
        if not content:
            return None
        words = sum(len(WORDS.findall(self.text[s:e])) for s, e in content)
        if words < 2 and not (origin == "verb" and self._named(content)):
            return None  # 'denied it', 'said so': no content worth showing ('endorsed
            # Clinton', a named party, is a stance worth showing)
        src = None
        conj: list[int] = []
        if subj is not None:
            src = _source_span(subj, content + [cue_span], self.text)
            conj = _conjunct_heads(subj)
        return Cand(cue_span, cue_tok.i if cue_tok is not None else -1, src,
                    subj.i if subj is not None else -1, content, origin, conjuncts=conj)

    def _named(self, content: list[tuple[int, int]]) -> bool:
        """Whether a one-word content is a named person, group or body ('endorsed Clinton')."""
        if len(content) != 1:
            return False
        span = self.doc.char_span(*content[0], alignment_mode="expand")
        return span is not None and len(span) == 1 and \
            span[0].ent_type_ in ("PERSON", "ORG", "NORP")

    # ------------------------------------------------------------- verb cues
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
        for qs, qe in self.quotes.overlapping(max(vs - 400, 0), min(ve + 400, len(self.text))):
            # (never across a paragraph break: 'In her book, Clinton noted ...' after a quote)
            if qe <= vs and GAP_ONLY_PUNCT.match(self.text[qe:vs]) and vs - qe < 4 \
                    and "\n" not in self.text[qe:vs]:
                return self._make(verb, cue_span, subj, [(qs, qe)], "quote")
            if qs >= ve and GAP_ONLY_PUNCT.match(self.text[ve:qs]) and qs - ve < 4 \
                    and "\n" not in self.text[ve:qs]:
                return self._make(verb, cue_span, subj, [(qs, qe)], "quote")
        return None

    # ------------------------------------------------- nouns, adjectives, phrases
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
                                and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.lefts))
                            or (c.dep_ == "relcl" and False)]
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

    def _in_question(self, tok_i: int) -> bool:
        """Whether the sentence of token ``tok_i`` ends with a question mark (up to its line's end:
        the parser may run an interview's question into the next speaker's label)."""
        tok = self.doc[tok_i]
        rest = self.text[tok.idx : tok.sent.end_char].split("\n", 1)[0]
        return rest.rstrip(" \t\"'”’)]").endswith("?")

    def is_hedge(self, cand: Cand, turns: Sequence[tuple[int, int]] = ()) -> bool:
        """A cue a quoted speaker uses about themselves or nobody in particular ('“I think
        ...”', '“you know ...”', 'nobody knows'): not an attribution of its own. ``turns`` are
        the contents of transcript turns ('NG: … you see …'), which count as quoted here."""
        if cand.src_tok < 0:
            return False
        subj = self.doc[cand.src_tok].lower_
        if subj in GENERIC_SUBJECTS:
            return True
        if subj == "you" and self._in_question(cand.src_tok):
            return True  # an interviewer's question ('What do you think …?') attributes nothing yet
        inside = any(qs <= cand.cue[0] and cand.cue[1] <= qe
                     for qs, qe in [*self.quotes.overlapping(*cand.cue), *turns])
        return inside and subj in SPEAKER_PRONOUNS

    # ------------------------------------------------------------- layout forms
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

    # ------------------------------------------------------------- quotations
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
        # before the quote: 'X said: “…”' / 'X said, “…”'
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


def _dedupe(cands: list[Cand]) -> list[Cand]:
    """One attribution per cue: when two rules found the same cue keep the larger content."""
    by_cue: dict[tuple[int, int], Cand] = {}
    order = []
    for c in cands:
        key = c.cue if c.origin != "float" else (c.content[0][0], -1)
        old = by_cue.get(key)
        if old is None:
            by_cue[key] = c
            order.append(key)
        else:
            size = sum(e - s for s, e in c.content)
            if size > sum(e - s for s, e in old.content):
                by_cue[key] = c
    return [by_cue[k] for k in order]


def _cut_trailing_cues(cands: list[Cand], text: str) -> None:
    """'US officials have been saying that X, the NYT reported': the outer, trailing cue and
    its source are not part of the inner attribution's content (the inner one is nested)."""
    trailing = [c for c in cands if c.origin == "reverse" and c.content[-1][1] <= c.cue[0]]
    for outer in trailing:
        cut = min(outer.cue[0], outer.src[0] if outer.src else outer.cue[0])
        for c in cands:
            if c is outer or not c.content:
                continue
            cs, ce = c.covering()
            if cs < cut < ce and c.cue[1] <= cut and outer.content[0][0] <= c.cue[0]:
                c.content = [(s, min(e, cut)) for s, e in c.content if s < cut]
                c.content = [_trim(text, s, e) for s, e in c.content]


def _kind(ext: Extractor, cand: Cand) -> str:
    if cand.verbatim:
        return "direct"
    share, whole = ext.quotes.quoted_share(ext.text, cand.content)
    if share >= 0.85:
        return "direct"
    if share > 0 and whole:
        return "mixed"
    return "indirect"


def extract_candidates(doc, lex: Lexicon | None = None) -> tuple[Extractor, list[Cand]]:
    """Run the rules; return the extractor state and the candidates in reading order."""
    lex = lex or load_lexicon()
    ext = Extractor(doc, lex)
    layout = ext.layout_cands()
    turns = ext.turns + [piece for c in layout if c.verbatim for piece in c.content]
    cands = ext.verb_cands() + ext.noun_cands() + ext.adj_cands() + ext.phrase_cands() + layout
    cands = [c for c in _dedupe(cands) if not ext.is_hedge(c, turns)]
    _cut_trailing_cues(cands, ext.text)
    ext.snap_to_quotes(cands)
    cands += ext.quote_cands(cands)
    for c in cands:
        c.content = sorted(set(c.content))
        # merge overlapping pieces
        merged: list[tuple[int, int]] = []
        for s, e in c.content:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        c.content = merged
    cands.sort(key=lambda c: (c.region()[0], c.cue[0]))
    return ext, cands


def _nesting(cands: list[Cand]) -> list[int | None]:
    out: list[int | None] = []
    for i, c in enumerate(cands):
        best, best_size = None, None
        for j, o in enumerate(cands):
            if i == j:
                continue
            os_, oe = o.covering()
            if os_ <= c.cue[0] and c.cue[1] <= oe and all(os_ <= s and e <= oe for s, e in c.content):
                size = oe - os_
                if best_size is None or size < best_size:
                    best, best_size = j, size
        out.append(best)
    return out


def extract_attributions(doc, groups=None) -> list[Attribution]:
    """Find every attribution (who said what) in a parsed article.

    Args:
        doc: a spaCy ``Doc`` (tagger, parser, NER) whose ``.text`` is the canonical text.
        groups: optional ``EntityGroup`` sequence for the same text; when given, canonical
            source names come from the groups, otherwise from this module's own rules.

    Returns:
        ``Attribution`` records in reading order, with ``nested_in`` pointing into the list.
    """
    from components.attribution.resolve import Resolver

    ext, cands = extract_candidates(doc)
    resolver = Resolver(doc, groups, ext.lex, ext.quotes)
    names = resolver.resolve_all(cands)
    nested = _nesting(cands)
    out = []
    for cand, res, parent in zip(cands, names, nested, strict=True):
        out.append(Attribution(
            source=Span(*cand.src) if cand.src else None,
            source_canonical=res.name,
            source_type=res.stype,
            source_status=res.status,
            source_antecedent_span=Span(*res.antecedent) if res.antecedent else None,
            cue=Span(*cand.cue),
            content=tuple(Span(s, e) for s, e in cand.content),
            kind=_kind(ext, cand),
            nested_in=parent,
        ))
    return out
