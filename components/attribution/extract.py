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
computed from containment: an attribution is nested in the smallest other one whose content
covers it and that is strictly larger (or as large and earlier), so ``nested_in`` chains always end
(no cycle by construction). The work is bounded by ``components.limits``: a content piece is cut at
``MAX_CONTENT_CHARS``, only the first ``MAX_ATTRIBUTIONS`` are kept and levels deeper than
``MAX_NESTING_DEPTH`` are dropped; ``extract_with_notices`` says which of these happened.

The rules live in their own modules, combined here as ``Extractor``: ``base`` (the candidate
record, the shared state, parse helpers), ``cues_verb``, ``cues_noun`` (nouns, adjectives,
phrases), ``transcripts`` (layout cues) and ``attach`` (quotations). This module keeps the
pipeline, the hedge filter, dedup, nesting and kind; it may import those modules,
``components.attribution.lexicon``, ``components.limits`` and ``components.records``, and
``resolve`` and ``components.entities`` at call time; never the service.
"""
from __future__ import annotations

from collections.abc import Sequence

from components.attribution.attach import QuoteAttachment
from components.attribution.base import Cand, _trim
from components.attribution.cues_noun import NounCues
from components.attribution.cues_verb import VerbCues
from components.attribution.lexicon import Lexicon, load_lexicon
from components.attribution.transcripts import LayoutCues
from components.limits import MAX_ATTRIBUTIONS, MAX_CONTENT_CHARS, MAX_NESTING_DEPTH
from components.records import Attribution, Span

__all__ = ["Cand", "Extractor", "extract_attributions", "extract_candidates", "extract_with_notices"]

SPEAKER_PRONOUNS = {"i", "we", "you", "me", "us"}
GENERIC_SUBJECTS = {"nobody", "anyone", "anybody", "everyone", "everybody", "no one", "someone",
                    "somebody", "whoever"}


class Extractor(VerbCues, NounCues, LayoutCues, QuoteAttachment):
    """Apply the rules to one parsed document."""

    # ------------------------------------------------------------- hedges
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
    """For each candidate, the index of the smallest other one whose content covers its cue and
    content, among those strictly larger by (covering size, earlier index). The parent is always
    larger in that order, so following ``nested_in`` always ends: no cycle, whatever the rules
    produce (two candidates with the same covering used to be each other's parent)."""
    from bisect import bisect_left

    cover = [c.covering() for c in cands]
    need = []
    for c, (cs, ce) in zip(cands, cover, strict=True):
        need.append((min(cs, c.cue[0]), max(ce, c.cue[1])))
    order = sorted(range(len(cands)), key=lambda j: (cover[j][1] - cover[j][0], j))
    keys = [(cover[j][1] - cover[j][0], j) for j in order]
    out: list[int | None] = []
    for i in range(len(cands)):
        lo, hi = need[i]
        size = cover[i][1] - cover[i][0]
        best = None
        for k in range(bisect_left(keys, (size, -1)), len(order)):
            j = order[k]
            if j == i or (keys[k][0] == size and j > i):
                continue
            os_, oe = cover[j]
            if os_ <= lo and hi <= oe:
                best = j
                break
        out.append(best)
    return out


def _depth_of(parents: list[int | None]) -> list[int]:
    depth: list[int] = []
    for p in parents:  # parents come before children in the size order, not the list order
        d, q = 0, p
        while q is not None and d <= MAX_NESTING_DEPTH:
            d += 1
            q = parents[q]
        depth.append(d)
    return depth


def extract_attributions(doc, groups=None) -> list[Attribution]:
    """Find every attribution (who said what) in a parsed article.

    Args:
        doc: a spaCy ``Doc`` (tagger, parser, NER) whose ``.text`` is the canonical text.
        groups: the ``EntityGroup`` sequence for the same text (canonical source names come
            from the groups); when None they are made here with ``entities.group_entities``,
            so the ``attribute`` command line and the app's analysis name sources the same way.
            An empty sequence names sources from the parse's own entities.

    Returns:
        ``Attribution`` records in reading order, with ``nested_in`` pointing into the list.
    """
    return extract_with_notices(doc, groups)[0]


def extract_with_notices(doc, groups=None) -> tuple[list[Attribution], list[str]]:
    """``extract_attributions`` and the notices of the limits the article ran into (empty when
    it ran into none): what was cut or dropped, for the reading view to say so."""
    from components.attribution.resolve import Resolver

    if groups is None:
        from components.entities import group_entities

        groups = group_entities(doc)[1]
    ext, cands = extract_candidates(doc)
    notes: list[str] = []
    if ext.cut_pieces:
        notes.append(f"{ext.cut_pieces} reported passages longer than {MAX_CONTENT_CHARS:,} characters "
                     "were cut at that length.")
    if len(cands) > MAX_ATTRIBUTIONS:
        notes.append(f"Only the first {MAX_ATTRIBUTIONS:,} of {len(cands):,} attributions were kept.")
        cands = cands[:MAX_ATTRIBUTIONS]
    nested = _nesting(cands)
    depth = _depth_of(nested)
    if max(depth, default=0) > MAX_NESTING_DEPTH:
        keep = [i for i, d in enumerate(depth) if d <= MAX_NESTING_DEPTH]
        notes.append(f"{len(cands) - len(keep):,} attributions nested more than {MAX_NESTING_DEPTH} levels "
                     "deep were dropped.")
        new_index = {old: new for new, old in enumerate(keep)}
        cands = [cands[i] for i in keep]
        nested = [None if nested[i] is None else new_index[nested[i]] for i in keep]
    resolver = Resolver(doc, groups, ext.lex, ext.quotes)
    names = resolver.resolve_all(cands)
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
    return out, notes
