"""Online story grouping: each arriving article joins the most similar story or starts one.

A story keeps the sum of its members' unit vectors for each signal (words, names, embedding),
so its centroid is always current and an article is compared with a story in time proportional
to the article's own terms. An arriving article is scored against candidate stories (the best
``CANDIDATES`` by embedding centroid, plus the ``KEY_CANDIDATES`` stories sharing the most of its
rarer names and strongest words, each key weighted by its rarity among stories) by

    score = W_EMBEDDING * cos(embedding) + W_WORDS * cos(words) + W_NAMES * cos(names)
            - date penalty

and joins the best one when the score reaches ``THRESHOLD``; otherwise it founds a new story.
The date penalty grows from 0 at ``DATE_SLACK`` days outside the story's date range to
``DATE_WEIGHT`` at ``DATE_SLACK + DATE_SPAN`` days (unknown dates cost nothing). Without
embeddings (no index yet) the embedding's weight goes to the words, with a threshold measured
for that case. A story's id comes from its first article, so ids never change as stories grow;
``bench/bench_stories.py`` measured the constants (see bench/README.md, Stories).
"""
from __future__ import annotations

import hashlib
import heapq
import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from components.stories.features import DocumentFrequencies, StoryFeatures

#: Weights of the signals (they sum to 1) and the score an article needs to join a story.
#: Tuned on ECB+ (bench/README.md): the threshold and the embedding and name weights (words get
#: the rest). Tried and measured no better there: average link instead of the centroid, a
#: max-link term, merging stories whose centroids meet, keeping 300 words instead of 80.
W_EMBEDDING, W_WORDS, W_NAMES = 0.4, 0.45, 0.15
THRESHOLD = 0.44
#: Without embeddings: words and names only.
W_WORDS_LEXICAL, W_NAMES_LEXICAL = 0.6, 0.4
THRESHOLD_LEXICAL = 0.24
#: Dates: no penalty within DATE_SLACK days of the story's dates; DATE_SPAN days further, a weight
#: that no similarity outweighs (the same words a year apart are another event).
DATE_SLACK, DATE_SPAN, DATE_WEIGHT = 7, 30, 1.0
#: Candidate stories per arriving article by embedding, and by each rarer name / strong word.
CANDIDATES = 40
#: Candidate stories by shared names and words: those sharing the most (rarest) keys.
KEY_CANDIDATES = 40
#: A name or word carried by more stories than this does not make candidates (too common).
POSTING_LIMIT = 200
#: Words of an article kept (the most weighted): enough to tell events apart, bounded memory.
TOP_TERMS = 80
#: Strongest words of an article used to find candidate stories.
SEED_TERMS = 8


#: Sentinel date range of a story with no dates (it can meet any article).
_NO_DAY = 1 << 40


def story_id_for(article_id: str) -> str:
    """The id a story founded by ``article_id`` gets (stable: a hash of that article's id)."""
    return "s" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:10]


@dataclass
class _Story:
    id: str
    members: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    terms_sq: float = 0.0
    names: dict[str, float] = field(default_factory=dict)
    names_sq: float = 0.0
    days: list[int] = field(default_factory=list)
    row: int = -1  # row in the embedding-centroid matrix, -1 when no member has a vector


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, whether it founded it, and the winning score."""

    article_id: str
    story_id: str
    new: bool
    score: float


def _add_into(acc: dict[str, float], sq: float, vec: dict[str, float], sign: float) -> float:
    for k, v in vec.items():
        old = acc.get(k, 0.0)
        new = old + sign * v
        sq += new * new - old * old
        if abs(new) < 1e-9:
            acc.pop(k, None)
        else:
            acc[k] = new
    return max(sq, 0.0)


def _cos(vec: dict[str, float], acc: dict[str, float], sq: float) -> float:
    if sq <= 0 or not vec:
        return 0.0
    # map, not a generator: the same sum in the same order, about twice as fast (the hot loop)
    return sum(map(operator.mul, vec.values(), map(acc.get, vec.keys(), repeat(0.0)))) / math.sqrt(sq)


class StoryIndex:
    """The stories of a library in memory, grown one article at a time.

    ``assign`` decides an arriving article's story; ``place`` puts an article into a given story
    (replaying stored decisions and analysts' moves); ``remove`` takes it out again.
    """

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}
        self._weighted: dict[str, tuple[dict[str, float], dict[str, float], np.ndarray | None, int | None]] = {}
        self._terms_df = DocumentFrequencies()
        self._names_df = DocumentFrequencies()
        self._sums = np.zeros((64, dim), np.float32)
        self._unit = np.zeros((64, dim), np.float32)
        # each row's story date range (days); a story without dates reaches every day
        self._row_lo = np.full(64, -_NO_DAY, np.int64)
        self._row_hi = np.full(64, _NO_DAY, np.int64)
        self._row_story: list[str | None] = []
        self._free_rows: list[int] = []
        self._name_post: dict[str, set[str]] = {}
        self._term_post: dict[str, set[str]] = {}
        self._order: dict[str, int] = {}  # arrival number of each article

    def __len__(self) -> int:
        return len(self.story_of)

    # ------------------------------------------------------------------ weighting
    def _weigh(self, f: StoryFeatures) -> tuple[dict[str, float], dict[str, float]]:
        terms = self._terms_df.weigh(f.terms)
        if len(terms) > TOP_TERMS:
            terms = dict(heapq.nlargest(TOP_TERMS, terms.items(), key=lambda kv: kv[1]))
            norm = math.sqrt(sum(v * v for v in terms.values()))
            terms = {k: v / norm for k, v in terms.items()}
        return terms, self._names_df.weigh(f.names)

    # ------------------------------------------------------------------ scoring
    def _candidates(self, f: StoryFeatures, terms: dict[str, float], names: dict[str, float]) -> set[str]:
        out: set[str] = set()
        n_rows = len(self._row_story)
        if f.vector is not None and n_rows:
            if f.day is not None:
                # only stories the article could still join: DATE_SLACK + DATE_SPAN days or more
                # outside a story's dates, the date penalty outweighs any similarity
                reach = DATE_SLACK + DATE_SPAN
                rows = np.flatnonzero((self._row_lo[:n_rows] - f.day < reach) & (f.day - self._row_hi[:n_rows] < reach))
            else:
                rows = np.arange(n_rows)
            if len(rows):
                # einsum, not BLAS: a matrix-vector product gains nothing from BLAS threads, and
                # on a busy machine their start-up costs more than the product itself
                sims = np.einsum("ij,j->i", self._unit[rows], f.vector.astype(np.float32, copy=False))
                k = min(CANDIDATES, len(rows))
                top = rows[np.argpartition(-sims, k - 1)[:k]] if k < len(rows) else rows
                out.update(s for s in (self._row_story[r] for r in top.tolist()) if s is not None)
        # stories sharing the article's rarer names and strongest words, by the summed rarity of
        # the keys they share (a key carried by few stories counts more); only the best
        # KEY_CANDIDATES are scored, so a common key cannot make thousands of candidates
        n_stories = max(len(self.stories), 1)
        votes: dict[str, float] = {}
        keys = [self._name_post.get(k) for k in names]
        keys += [self._term_post.get(k) for k, _ in heapq.nlargest(SEED_TERMS, terms.items(), key=lambda kv: kv[1])]
        for post in keys:
            if post and len(post) <= POSTING_LIMIT:
                rarity = math.log(1.0 + n_stories / len(post))
                for sid in post:
                    votes[sid] = votes.get(sid, 0.0) + rarity
        if len(votes) > KEY_CANDIDATES:
            out.update(sid for sid, _ in heapq.nlargest(KEY_CANDIDATES, votes.items(), key=lambda kv: (kv[1], kv[0])))
        else:
            out.update(votes)
        return {sid for sid in out if sid in self.stories}

    def score(self, f: StoryFeatures, story_id: str,
              weighted: tuple[dict[str, float], dict[str, float]] | None = None) -> float:
        """How well article features ``f`` fit story ``story_id`` (see the module docstring)."""
        s = self.stories[story_id]
        terms, names = weighted if weighted is not None else self._weigh(f)
        words = _cos(terms, s.terms, s.terms_sq)
        nm = _cos(names, s.names, s.names_sq)
        if f.vector is not None and s.row >= 0:
            emb = float(self._unit[s.row] @ f.vector)
            total = W_EMBEDDING * emb + W_WORDS * words + W_NAMES * nm
        else:
            total = W_WORDS_LEXICAL * words + W_NAMES_LEXICAL * nm
        if f.day is not None and s.days:
            lo, hi = min(s.days), max(s.days)
            gap = max(lo - f.day, f.day - hi, 0)
            total -= DATE_WEIGHT * min(1.0, max(0, gap - DATE_SLACK) / DATE_SPAN)
        return total

    def assign(self, f: StoryFeatures) -> Assignment:
        """Put an arriving article into its best story, or a new one; returns where it went.

        An article already placed is left where it is (its current story is returned).
        """
        if f.article_id in self.story_of:
            return Assignment(f.article_id, self.story_of[f.article_id], False, 1.0)
        self._terms_df.add(f.terms.keys())
        self._names_df.add(f.names.keys())
        weighted = self._weigh(f)
        best, best_score = None, -math.inf
        for sid in self._candidates(f, *weighted):
            sc = self.score(f, sid, weighted)
            if sc > best_score or (sc == best_score and best is not None and sid < best):
                best, best_score = sid, sc
        threshold = THRESHOLD if f.vector is not None else THRESHOLD_LEXICAL
        if best is not None and best_score >= threshold:
            self._place(f, best, weighted)
            return Assignment(f.article_id, best, False, float(best_score))
        sid = self.new_story_id(f.article_id)
        self._place(f, sid, weighted)
        return Assignment(f.article_id, sid, True, float(max(best_score, 0.0)))

    def new_story_id(self, seed_article: str) -> str:
        """A story id for a story founded by ``seed_article``, unique among current stories."""
        base = story_id_for(seed_article)
        sid, n = base, 1
        while sid in self.stories and self.stories[sid].members:
            n += 1
            sid = f"{base}-{n}"
        return sid

    # ------------------------------------------------------------------ membership
    def place(self, f: StoryFeatures, story_id: str) -> None:
        """Put an article into ``story_id`` (created when new), counting it in the frequencies."""
        if f.article_id in self.story_of:
            self.move(f.article_id, story_id)
            return
        self._terms_df.add(f.terms.keys())
        self._names_df.add(f.names.keys())
        self._place(f, story_id, self._weigh(f))

    def _place(self, f: StoryFeatures, story_id: str, weighted) -> None:
        terms, names = weighted
        self._weighted[f.article_id] = (terms, names, f.vector, f.day)
        self._order.setdefault(f.article_id, len(self._order))
        self._join(f.article_id, story_id)

    def _join(self, article_id: str, story_id: str) -> None:
        terms, names, vec, day = self._weighted[article_id]
        s = self.stories.get(story_id)
        if s is None:
            s = self.stories[story_id] = _Story(story_id)
        s.members.append(article_id)
        s.terms_sq = _add_into(s.terms, s.terms_sq, terms, 1.0)
        s.names_sq = _add_into(s.names, s.names_sq, names, 1.0)
        for k in names:
            self._name_post.setdefault(k, set()).add(story_id)
        for k, _ in heapq.nlargest(SEED_TERMS, terms.items(), key=lambda kv: kv[1]):
            self._term_post.setdefault(k, set()).add(story_id)
        if day is not None:
            s.days.append(day)
        if vec is not None:
            if s.row < 0:
                s.row = self._take_row(story_id)
            self._set_range(s)
            self._sums[s.row] += vec
            norm = float(np.linalg.norm(self._sums[s.row]))
            self._unit[s.row] = self._sums[s.row] / norm if norm > 0 else 0.0
        self.story_of[article_id] = story_id

    def _set_range(self, s: _Story) -> None:
        if s.row >= 0:
            self._row_lo[s.row] = min(s.days) if s.days else -_NO_DAY
            self._row_hi[s.row] = max(s.days) if s.days else _NO_DAY

    def _take_row(self, story_id: str) -> int:
        if self._free_rows:
            row = self._free_rows.pop()
            self._row_story[row] = story_id
            return row
        row = len(self._row_story)
        if row >= len(self._sums):
            grow = len(self._sums)
            self._sums = np.vstack([self._sums, np.zeros((grow, self.dim), np.float32)])
            self._unit = np.vstack([self._unit, np.zeros((grow, self.dim), np.float32)])
            self._row_lo = np.concatenate([self._row_lo, np.full(grow, -_NO_DAY, np.int64)])
            self._row_hi = np.concatenate([self._row_hi, np.full(grow, _NO_DAY, np.int64)])
        self._row_story.append(story_id)
        return row

    def _leave(self, article_id: str) -> None:
        sid = self.story_of.pop(article_id)
        s = self.stories[sid]
        terms, names, vec, day = self._weighted[article_id]
        s.members.remove(article_id)
        s.terms_sq = _add_into(s.terms, s.terms_sq, terms, -1.0)
        s.names_sq = _add_into(s.names, s.names_sq, names, -1.0)
        if day is not None:
            s.days.remove(day)
        self._set_range(s)
        if vec is not None and s.row >= 0:
            self._sums[s.row] -= vec
            norm = float(np.linalg.norm(self._sums[s.row]))
            self._unit[s.row] = self._sums[s.row] / norm if norm > 1e-6 else 0.0
        if not s.members:
            if s.row >= 0:
                self._row_story[s.row] = None
                self._sums[s.row] = 0.0
                self._unit[s.row] = 0.0
                self._row_lo[s.row], self._row_hi[s.row] = -_NO_DAY, _NO_DAY
                self._free_rows.append(s.row)
            del self.stories[sid]
        # posting lists may keep a stale story id: candidates are re-scored, and unknown ones skipped
        for post in (self._name_post, self._term_post):
            for k in list(names if post is self._name_post else terms):
                p = post.get(k)
                if p is not None and sid not in self.stories:
                    p.discard(sid)

    def move(self, article_id: str, story_id: str) -> None:
        """Move a placed article into ``story_id`` (created when new)."""
        if article_id not in self.story_of:
            raise KeyError(article_id)
        if self.story_of[article_id] == story_id:
            return
        self._leave(article_id)
        self._join(article_id, story_id)

    def members(self, story_id: str) -> list[str]:
        """The story's articles in arrival order."""
        s = self.stories.get(story_id)
        return sorted(s.members, key=self._order.__getitem__) if s else []

    def groups(self) -> dict[str, list[str]]:
        """Every story's members in arrival order, stories by their first article's arrival."""
        out = {sid: self.members(sid) for sid in self.stories}
        return dict(sorted(out.items(), key=lambda kv: self._order[kv[1][0]]))


def group_all(features: Iterable[StoryFeatures], index: StoryIndex | None = None) -> StoryIndex:
    """Assign every article in arrival order (what the library does as articles arrive)."""
    index = index if index is not None else StoryIndex()
    for f in features:
        index.assign(f)
    return index
