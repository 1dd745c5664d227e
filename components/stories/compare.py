"""One story's outlet-by-outlet sourcing comparison, from the analysts' corrected analyses.

For the articles of a story (each with its *effective* attributions: model output plus analysts'
corrections) this builds: each outlet's sourcing profile (``components.sources``: named vs
unnamed share of attributed words, direct / mixed / reported share of claims, media reports,
officials); the sources every outlet cited and those only one outlet cited; the story's
*claims* — attributions in different articles that say the same thing, by the vectors the
similar-claims search compares (each attribution's content takes the stored passage vectors of
the similarity index that it lies in; an encoder, when given, embeds the contents themselves),
with shared content words only for attributions whose article has no stored vectors — each with
the outlets that carried it and from whom; and the claims whose
sources disagree: the same content under a denying cue in one place and an affirming cue in
another (``data/cue_polarity.json``). Every passage carries its reading-view link
(``./read?article=ID&att=N``). Pure functions over records: no database, no Streamlit.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from components.errors import BadInput
from components.records import Article, Attribution
from components.similarity.embed import Embedded, content_hash
from components.sources import NO_SOURCE, corpus_attributions, sourcing_profile
from components.stories.features import STOP_WORDS
from components.stories.service import Story, outlet_of

DATA = Path(__file__).resolve().parent / "data" / "cue_polarity.json"
READ_PAGE = "./read"
#: Two contents say the same thing at this cosine of their embeddings (MiniLM, as the
#: similar-claims search embeds passages) ...
CLAIM_COSINE = 0.78
#: ... or, compared through the stored passage vectors they lie in (sentence-packed passages of
#: up to 64 words, so a vector carries the claim's neighbouring sentences too), at this cosine
#: when the two are also each other's best match between their two articles. Measured with
#: all-MiniLM-L6-v2 on the invented articles of tests/test_stories_claims.py (one story, two
#: outlets, one passage per claim): the paraphrase sharing one content word 0.58, the other
#: claims of the story 0.0-0.29 (one measurement, not a tuned figure).
CLAIM_PASSAGE_COSINE = 0.5
#: ... or when this share of the shorter content's words (stop words left out) is in the other.
CLAIM_OVERLAP = 0.6
#: Contents shorter than this many content words are too slight to match ("it is true").
MIN_CLAIM_WORDS = 3

ClaimEncoder = Callable[[list[str]], np.ndarray]
#: ``article_id -> stored vectors or None``: the similarity engine's ``embedded``.
PassageVectors = Callable[[str], "Embedded | None"]
_WORD = re.compile(r"[a-z0-9][a-z0-9'’\-]*")


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, frozenset[str]]:
    """The cue-polarity lists (``deny``, ``affirm``, ``negations``), validated when loaded."""
    try:
        raw = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInput(f"{DATA}: the cue-polarity lexicon cannot be read ({exc})") from exc
    out = {}
    for key in ("deny", "affirm", "negations"):
        words = raw.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise BadInput(f"{DATA}: {key!r} must be a list of words")
        out[key] = frozenset(w.strip().lower() for w in words)
    return out


def cue_polarity(cue: str) -> str:
    """``"deny"``, ``"affirm"`` or ``"neutral"`` for a cue as written ("denied", "did not confirm")."""
    lex = cue_lexicon()
    text = cue.lower().replace("’", "'")
    words = re.findall(r"[a-z']+", text)
    negated = any(w in lex["negations"] or w.endswith("n't") for w in words)
    phrase = " ".join(words)
    if any(w in lex["deny"] for w in words) or any(" " in p and p in phrase for p in lex["deny"]):
        return "affirm" if negated else "deny"
    if any(w in lex["affirm"] for w in words) or any(" " in p and p in phrase for p in lex["affirm"]):
        return "deny" if negated else "affirm"
    return "neutral"


def read_link(article_id: str, att: int | None = None) -> str:
    """The reading view's address of an article, spotlighting attribution ``att``."""
    params = {"article": article_id}
    if att is not None:
        params["att"] = str(int(att))
    return f"{READ_PAGE}?{urlencode(params)}"


@dataclass(frozen=True)
class Passage:
    """One attribution of one article of the story, as the comparison shows it."""

    article_id: str
    attribution: int
    outlet: str
    title: str
    source: str
    source_type: str | None
    cue: str
    content: str
    kind: str
    polarity: str
    start: int
    end: int

    @property
    def link(self) -> str:
        return read_link(self.article_id, self.attribution)


@dataclass(frozen=True)
class OutletProfile:
    """How one outlet sourced the story, over its articles in it (shares are 0..1).

    ``named_share``/``unnamed_share``, ``media_share``, ``official_share`` are shares of
    attributed words (as ``SourcingProfile``); ``direct_share``, ``mixed_share`` and
    ``reported_share`` are shares of claims by kind.
    """

    outlet: str
    article_ids: tuple[str, ...]
    claims: int
    sources: int
    words: int
    named_share: float
    unnamed_share: float
    media_share: float
    official_share: float
    direct_share: float
    mixed_share: float
    reported_share: float


@dataclass(frozen=True)
class CitedSource:
    """A source cited in the story, the outlets that cited it and every passage."""

    source: str
    type: str | None
    outlets: tuple[str, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Claim:
    """Attributions in different articles that say the same thing."""

    id: int
    text: str
    outlets: tuple[str, ...]
    sources: tuple[str, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Disagreement:
    """A claim carried under a denying cue in one passage and an affirming cue in another."""

    claim: int
    denied: Passage
    affirmed: Passage


@dataclass(frozen=True)
class StoryComparison:
    """Everything the Story page and ``story ID --json`` show."""

    story: Story
    outlets: tuple[OutletProfile, ...]
    shared_sources: tuple[CitedSource, ...]
    single_outlet_sources: tuple[CitedSource, ...]
    claims: tuple[Claim, ...]
    disagreements: tuple[Disagreement, ...]
    claims_by: str  # "passage vectors" | "passage vectors and words" | "embeddings" | "words"

    def as_json(self) -> dict:
        """The ``story ID --json`` object (every passage with its ``link``)."""

        def passage(p: Passage) -> dict:
            return {**asdict(p), "link": p.link}

        def source(s: CitedSource) -> dict:
            return {"source": s.source, "type": s.type, "outlets": list(s.outlets),
                    "passages": [passage(p) for p in s.passages]}

        return {
            **self.story.as_json(),
            "outlet_profiles": [asdict(o) | {"article_ids": list(o.article_ids)} for o in self.outlets],
            "shared_sources": [source(s) for s in self.shared_sources],
            "single_outlet_sources": [source(s) for s in self.single_outlet_sources],
            "claims": [{"id": c.id, "text": c.text, "outlets": list(c.outlets), "sources": list(c.sources),
                        "passages": [passage(p) for p in c.passages]} for c in self.claims],
            "disagreements": [{"claim": d.claim, "denied": passage(d.denied), "affirmed": passage(d.affirmed)}
                              for d in self.disagreements],
            "claims_by": self.claims_by,
        }


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}


def _passages(items: Sequence[tuple[Article, Sequence[Attribution]]]) -> list[Passage]:
    long = corpus_attributions(items)
    outlets = {a.id: outlet_of(a) for a, _ in items}
    out, seen = [], set()
    for r in long.itertuples(index=False):
        key = (r.article_id, int(r.attribution_index))
        if key in seen:  # a coordinated "A; B" source gives one row per name: one passage, first name
            continue
        seen.add(key)
        out.append(Passage(
            article_id=r.article_id, attribution=int(r.attribution_index), outlet=outlets[r.article_id],
            title=r.title or "", source=r.source, source_type=r.type, cue=r.cue or "", content=r.content or "",
            kind=r.kind, polarity=cue_polarity(r.cue or ""), start=int(r.start), end=int(r.end),
        ))
    return out


def outlet_profiles(items: Sequence[tuple[Article, Sequence[Attribution]]]) -> list[OutletProfile]:
    """Each outlet's sourcing profile over its articles, outlets by number of claims."""
    by_outlet: dict[str, list[tuple[Article, Sequence[Attribution]]]] = {}
    for a, atts in items:
        by_outlet.setdefault(outlet_of(a), []).append((a, atts))
    out = []
    for outlet, pairs in by_outlet.items():
        claims = words = unnamed = media = official = 0
        kinds = {"direct": 0, "mixed": 0, "indirect": 0}
        names: set[str] = set()
        for a, atts in pairs:
            p = sourcing_profile(a.text, atts)
            claims += p.claims
            words += p.words
            unnamed += p.unnamed_words
            media += p.media_words
            official += p.official_words
            for att in atts:
                kinds[att.kind] = kinds.get(att.kind, 0) + 1
                for n in (att.source_canonical or "").split("; "):
                    if n.strip():
                        names.add(n.strip())

        def share(n: int, total: int) -> float:
            return round(n / total, 4) if total else 0.0

        out.append(OutletProfile(
            outlet=outlet, article_ids=tuple(a.id for a, _ in pairs), claims=claims, sources=len(names),
            words=words, named_share=share(words - unnamed, words) if words else 0.0,
            unnamed_share=share(unnamed, words), media_share=share(media, words),
            official_share=share(official, words), direct_share=share(kinds["direct"], claims),
            mixed_share=share(kinds["mixed"], claims), reported_share=share(kinds["indirect"], claims),
        ))
    out.sort(key=lambda o: (-o.claims, o.outlet))
    return out


def cited_sources(passages: Sequence[Passage], outlets: Sequence[str]) -> tuple[list[CitedSource], list[CitedSource]]:
    """(sources every outlet cited, sources only one outlet cited); the first is empty with one outlet."""
    by_source: dict[str, list[Passage]] = {}
    for p in passages:
        if p.source != NO_SOURCE:
            by_source.setdefault(p.source, []).append(p)
    every, single = [], []
    for name, ps in by_source.items():
        outs = tuple(dict.fromkeys(p.outlet for p in ps))
        types = [p.source_type for p in ps if p.source_type]
        cited = CitedSource(name, max(set(types), key=types.count) if types else None, outs, tuple(ps))
        if len(outlets) > 1 and len(outs) == len(outlets):
            every.append(cited)
        elif len(outs) == 1:
            single.append(cited)
    every.sort(key=lambda s: (-len(s.passages), s.source))
    single.sort(key=lambda s: (s.outlets[0], -len(s.passages), s.source))
    return every, single


def claim_vectors(
    items: Sequence[tuple[Article, Sequence[Attribution]]],
    passages: Sequence[Passage],
    stored: PassageVectors,
) -> list[np.ndarray | None]:
    """Each passage's claim vector from its article's stored passage vectors, or None.

    A claim's vector is the mean of the stored passages its content overlaps, weighted by the
    characters in common (a content rarely spans two). None when the article is not indexed, was
    indexed with another text (its content hash differs), or the content lies in no passage.
    """
    by_id = {a.id: (a, atts) for a, atts in items}
    held: dict[str, Embedded | None] = {}
    out: list[np.ndarray | None] = []
    for p in passages:
        article, atts = by_id[p.article_id]
        if article.id not in held:
            emb = stored(article.id)
            fresh = emb is not None and len(emb.passages) and emb.content_hash == content_hash(article.title,
                                                                                                article.text)
            held[article.id] = emb if fresh else None
        emb = held[article.id]
        if emb is None:
            out.append(None)
            continue
        spans = np.asarray(emb.spans, dtype=np.int64).reshape(-1, 2)
        weight = np.zeros(len(spans))
        for piece in atts[p.attribution].content:
            weight += np.clip(np.minimum(spans[:, 1], piece.end) - np.maximum(spans[:, 0], piece.start), 0, None)
        vec = weight @ np.asarray(emb.passages, dtype=np.float64)
        norm = float(np.linalg.norm(vec))
        out.append((vec / norm).astype(np.float32) if weight.sum() > 0 and norm > 0 else None)
    return out


def group_claims(
    passages: Sequence[Passage],
    encoder: ClaimEncoder | None = None,
    vectors: Sequence[np.ndarray | None] | None = None,
) -> list[list[int]]:
    """Groups of passage positions saying the same thing (two or more articles per group).

    Two passages of different articles are linked when their contents' embeddings have cosine
    ``CLAIM_COSINE`` or more (with ``encoder``); or, with ``vectors`` (:func:`claim_vectors`,
    aligned with ``passages``), when both have one, their cosine is ``CLAIM_PASSAGE_COSINE`` or
    more and each is the other's best match in the other's article (claims in one stored passage
    share its vector: the tie goes to the one sharing more words); when either has no vector (or
    neither ``encoder`` nor ``vectors`` is given), when ``CLAIM_OVERLAP`` of the shorter content's
    words are in the other. Groups are the connected passages.
    """
    words = [_content_words(p.content) for p in passages]
    ok = [i for i, w in enumerate(words) if len(w) >= MIN_CLAIM_WORDS]
    parent = list(range(len(passages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    def overlap(i: int, j: int) -> float:
        return len(words[i] & words[j]) / min(len(words[i]), len(words[j]))

    if encoder is not None and ok:
        raw = np.asarray(encoder([passages[i].content for i in ok]), dtype=np.float32)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        unit = raw / np.where(norms > 0, norms, 1.0)
        sims = unit @ unit.T
        for x, i in enumerate(ok):
            for y in range(x + 1, len(ok)):
                j = ok[y]
                if passages[i].article_id != passages[j].article_id and (
                        sims[x, y] >= CLAIM_COSINE or overlap(i, j) >= CLAIM_OVERLAP):
                    link(i, j)
    else:
        has = [i for i in ok if vectors is not None and vectors[i] is not None]
        hold = set(has)
        # words, wherever one of the two has no vector
        for x, i in enumerate(ok):
            for j in ok[x + 1:]:
                if passages[i].article_id != passages[j].article_id and not (i in hold and j in hold) \
                        and overlap(i, j) >= CLAIM_OVERLAP:
                    link(i, j)
        if has:
            unit = np.stack([vectors[i] for i in has]).astype(np.float32)
            sims = unit @ unit.T
            art = [passages[i].article_id for i in has]
            cols: dict[str, np.ndarray] = {}
            for y, aid in enumerate(art):
                cols.setdefault(aid, []).append(y)
            cols = {aid: np.asarray(ys) for aid, ys in cols.items()}
            # each passage's best match in every other article; claims of one stored passage tie
            # (one vector), and the tie goes to the one sharing more words, then the first
            best: dict[tuple[int, str], int] = {}
            for x in range(len(has)):
                for aid, ys in cols.items():
                    if aid == art[x]:
                        continue
                    row = sims[x, ys]
                    top = ys[row >= row.max() - 1e-6]
                    best[x, aid] = int(top[0]) if len(top) == 1 else \
                        int(max(top.tolist(), key=lambda y, x=x: (overlap(has[x], has[y]), -y)))
            for (x, _aid), y in best.items():
                if x < y and sims[x, y] >= CLAIM_PASSAGE_COSINE and best.get((y, art[x])) == x:
                    link(has[x], has[y])
    groups: dict[int, list[int]] = {}
    for i in ok:
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len({passages[i].article_id for i in g}) > 1]


def compare_story(
    story: Story,
    items: Sequence[tuple[Article, Sequence[Attribution]]],
    encoder: ClaimEncoder | None = None,
    stored: PassageVectors | None = None,
) -> StoryComparison:
    """The comparison of one story.

    Args:
        story: the story (its articles in order).
        items: ``(article, effective attributions)`` for the story's articles.
        encoder: ``texts -> vectors``: embed the claims' contents themselves (the similarity
            engine's encoder, when it is loaded anyway).
        stored: ``article_id -> stored vectors`` (the similarity engine's ``embedded``): claims
            are compared through the passage vectors the similar-claims search uses, and by
            shared content words where an article has none. Without either, by words alone.
    """
    passages = _passages(items)
    outlets = outlet_profiles(items)
    every, single = cited_sources(passages, [o.outlet for o in outlets])
    claims, disagreements = [], []
    vectors = claim_vectors(items, passages, stored) if stored is not None and encoder is None else None
    groups = group_claims(passages, encoder, vectors)
    if encoder is not None:
        claims_by = "embeddings"
    elif vectors is not None and any(v is not None for v in vectors):
        claims_by = "passage vectors" if all(v is not None for v in vectors) else "passage vectors and words"
    else:
        claims_by = "words"
    groups.sort(key=lambda g: (-len({passages[i].outlet for i in g}), -len(g), g[0]))
    for n, g in enumerate(groups, 1):
        ps = tuple(passages[i] for i in g)
        text = max((p.content for p in ps), key=lambda t: (len(_content_words(t)) <= 40, -abs(len(t) - 120)))
        claims.append(Claim(n, text, tuple(dict.fromkeys(p.outlet for p in ps)),
                            tuple(dict.fromkeys(p.source for p in ps)), ps))
        denied = [p for p in ps if p.polarity == "deny"]
        affirmed = [p for p in ps if p.polarity == "affirm"]
        pairs = [(d, a) for d in denied for a in affirmed if d.article_id != a.article_id or d.source != a.source]
        if pairs:
            d, a = pairs[0]
            disagreements.append(Disagreement(n, d, a))
    return StoryComparison(story, tuple(outlets), tuple(every), tuple(single), tuple(claims),
                           tuple(disagreements), claims_by)


def story_items(store, version: str, article_ids: Sequence[str]) -> list[tuple[Article, tuple[Attribution, ...]]]:
    """``(article, corrected attributions)`` of a story's analysed articles, read through the one
    read path for corrected analyses (:func:`components.effective.iter_effective`)."""
    from components.effective import iter_effective

    return [(article, eff.analysis.attributions) for article, eff in iter_effective(store, version, list(article_ids))]
