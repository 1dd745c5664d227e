"""What every attribution rule shares: the candidate record, the per-document state, parse helpers.

``Cand`` is an attribution while the rules are applied (character offsets into the text);
``ExtractorBase`` holds one parsed article's state (tokens, paragraphs, quotations, lexicon, the
transcript turns seen and the count of pieces cut at ``MAX_CONTENT_CHARS``) and the helpers that
clip, trim and cap content pieces and build a ``Cand``; the module-level helpers read the
dependency parse (a cue's span, its speaker, a subtree's span). The rule mixins (``cues_verb``,
``cues_noun``, ``transcripts``, ``attach``) build on it and ``extract.Extractor`` combines them.
May import ``components.attribution.lexicon``, ``components.attribution.quotes``,
``components.limits`` and the standard library; never another rule module, ``extract``,
``resolve`` or the service.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from components.attribution.lexicon import Lexicon
from components.attribution.quotes import QuoteIndex, find_quotes, paragraphs
from components.limits import MAX_CONTENT_CHARS

GAP_ONLY_PUNCT = re.compile(r"^[\s,.;:—–\-]*$")
TRAILING_CONJ = re.compile(r"[\s,]+(and|but|or|as well as)[\s,]*$", re.I)
STRIP_CHARS = " \t\n,;:—–-"
WORDS = re.compile(r"\w+")
SUBJ = ("nsubj",)
#: Subordinators of a background clause (reason, contrast): a participle after one is the
#: reporting clause's, when the background clause's subject is a thing (``_out_of_background``).
BACKGROUND_MARKS = frozenset({"as", "because", "since", "although", "though", "whereas"})
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
EXPLETIVES = {"it", "there"}


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
        head = verb.head
        if verb.dep_ == "advcl":
            head = _out_of_background(head)
        return _subject(head, depth + 1, control, verb.i if verb.dep_ == "advcl" else -1)
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    if depth < 3 and verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" \
            and verb.head.lower_ in ("by", "after", "before", "in", "while", "without") \
            and verb.head.head.pos_ in ("VERB", "AUX"):
        # 'Obama responded by saying ...', 'She began by noting ...': the subject of the verb
        # the participle's preposition hangs on
        return _subject(verb.head.head, depth + 1, control, verb.i)
    return None


def _out_of_background(head):
    """The clause a participle adjunct ('…, while noting …') really hangs on: the parser often
    attaches it to the last clause before it, and when that clause is a background clause of
    the reporting one ('X called it dubious, as the market is saturated and margins are thin,
    while noting Y') whose subject is a thing that cannot speak (a common noun, no entity), the
    speaker is the reporting clause's subject (X), not 'margins'."""
    top = head
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    if top.dep_ != "advcl" or top.head.i == top.i or not any(
            c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in top.children):
        return head
    subj = next((c for c in head.children if c.dep_ in SUBJ), None)
    if subj is None or subj.pos_ != "NOUN" or subj.ent_type_:
        return head
    return top.head


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


def _conjunct_heads(subj) -> list[int]:
    heads = [subj.i] + [c.i for c in subj.conjuncts if c.i > subj.i]
    return heads if len(heads) > 1 else []


class ExtractorBase:
    """One parsed article's state and the helpers every rule uses to make candidates."""

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
        self.cut_pieces = 0  # content pieces cut at MAX_CONTENT_CHARS

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

    def cap(self, s: int, e: int) -> int:
        """``e``, or the end of the first ``MAX_CONTENT_CHARS`` characters from ``s``."""
        if e - s > MAX_CONTENT_CHARS:
            self.cut_pieces += 1
            return s + MAX_CONTENT_CHARS
        return e

    def piece(self, s: int, e: int, *, that: bool = False) -> tuple[int, int] | None:
        s, e = _trim(self.text, s, self.cap(s, e), that=that)
        return (s, e) if WORDS.search(self.text, s, e) else None

    def _make(self, cue_tok, cue_span, subj, content, origin) -> Cand | None:
        content = [(p[0], self.cap(*p)) for p in content if p]
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
            subj, src = self._same_paragraph(subj, src, cue_span[0])
            conj = _conjunct_heads(subj) if subj is not None else []
        return Cand(cue_span, cue_tok.i if cue_tok is not None else -1, src,
                    subj.i if subj is not None else -1, content, origin, conjuncts=conj)

    def _same_paragraph(self, subj, src: tuple[int, int], cue: int):
        """The subject and source span, cut to the cue's paragraph.

        A speaker's phrase never runs across a paragraph break, but the parser sometimes makes
        one noun phrase of a sign-off line and the next paragraph's subject ('—One of the
        family's lawyers' + newline + 'Both officers indicated …'), or of a quotation's last
        line and the name starting the next one. The part in the cue's paragraph is the
        source, headed by its own root; when the phrase lies wholly outside, the noun phrase
        opening the cue's paragraph before the cue; nothing there: no source.
        """
        s, e = src
        k = self.para_of(cue)
        if not self.paras or self.para_of(s) == k == self.para_of(max(e - 1, s)):
            return subj, src
        ps, pe = self.paras[k]
        if s < pe and ps < e:
            s, e = _trim(self.text, max(s, ps), min(e, pe))
        elif cue > ps:  # the phrase lies wholly in another paragraph: what opens the cue's
            s, e = _trim(self.text, ps, cue)
        else:
            return None, None
        span = self.doc.char_span(s, e, alignment_mode="expand") if s < e else None
        if span is None or not len(span) or not WORDS.search(self.text, s, e) or \
                span.root.pos_ not in ("NOUN", "PROPN", "PRON", "NUM"):
            return None, None
        return span.root, (span.start_char, span.end_char)

    def _named(self, content: list[tuple[int, int]]) -> bool:
        """Whether a one-word content is a named person, group or body ('endorsed Clinton')."""
        if len(content) != 1:
            return False
        span = self.doc.char_span(*content[0], alignment_mode="expand")
        return span is not None and len(span) == 1 and \
            span[0].ent_type_ in ("PERSON", "ORG", "NORP")
