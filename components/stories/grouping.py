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
for that case. A story's id comes from its first article, so ids never change as stories grow.

As a story grows (``RECHECK_SIZE`` members, then each doubling) it is re-checked: its members are
clustered with average linkage on their pairwise scores, and a group far from the rest (often
another event with the same team or people) becomes a story of its own; small stories that the
grown story now reaches join it. A re-check rewrites only the machine's own decisions: the
articles analysts placed (``StoryIndex.pinned``) never move.

``bench/bench_stories.py`` measured the constants (see bench/README.md, Stories).

The candidates are scored together in numpy: words and names share one vocabulary of integer
ids, and each story keeps its sums also as (ids, weights) arrays, so one gather over a dense
scratch copy of the article's weights gives every candidate's dot products.
"""
from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, islice, repeat

import numpy as np

from components.stories.features import StoryFeatures

#: Weights of the signals (they sum to 1) and the score an article needs to join a story.
#: Tuned on ECB+ (bench/README.md): the threshold and the embedding and name weights (words get
#: the rest). Tried and measured no better there: average link instead of the centroid, a
#: max-link term, merging stories whose centroids meet, keeping 300 words instead of 80.
#: With the re-check splitting folded stories apart, the threshold is lower than it was without
#: one (0.44): more reports of an event join it, and the re-check undoes the wrong joins.
W_EMBEDDING, W_WORDS, W_NAMES = 0.4, 0.45, 0.15
THRESHOLD = 0.40
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
#: The re-check of a growing story: when it reaches RECHECK_SIZE members, and again each time it
#: has grown by RECHECK_GROWTH times since, its members are clustered with average linkage on their
#: pairwise scores (the same weights as an article against a story, article against article); the
#: tree is cut where the average pairwise score between two groups falls below SPLIT_BELOW, and
#: each group of at least SPLIT_MIN members that is not the story's own becomes a story of its own
#: (the smaller groups, stragglers, rejoin whichever large group they are closest to). Members that
#: analysts placed (``pinned``) never move.
#: Measured on the odd ECB+ topics only (bench/README.md, Stories, third round).
RECHECK_SIZE, RECHECK_GROWTH = 8, 2.0
SPLIT_BELOW, SPLIT_MIN = 0.44, 3
#: At a re-check, stories of at most ATTACH_MAX members (founded early, when the grown story was
#: still too small to reach) join it when each of their members scores THRESHOLD against it now.
ATTACH_MAX = 2
#: The cut for a story whose members mostly lack embeddings (words and names only score lower).
SPLIT_BELOW_LEXICAL = 0.25


#: Prefix of a name in the vocabulary (words and names share one id space).
NAME_KEY = "\x00"

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
    # the term and name sums as arrays (vocabulary ids, weights) for vectorised scoring; rebuilt
    # from the dicts when a member joins or leaves (None: stale)
    arrays: tuple[np.ndarray, np.ndarray, int, int] | None = None
    lo: int = _NO_DAY  # the members' first and last day (lo > hi: no member has a date)
    hi: int = -_NO_DAY
    checked: int = 0  # members at the last re-check (0: never re-checked)

    def vectors(self) -> tuple[np.ndarray, np.ndarray, int, int]:
        """(vocabulary ids, weights) of the term sums then the name sums, and how many of each."""
        if self.arrays is None:
            t, n = self.terms, self.names
            size = len(t) + len(n)
            self.arrays = (np.fromiter(chain(t.keys(), n.keys()), np.int64, size),
                           np.fromiter(chain(t.values(), n.values()), np.float64, size), len(t), len(n))
        return self.arrays


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, whether it founded it, and the winning score.

    ``regrouped`` lists the machine's earlier decisions this arrival rewrote, as
    ``(article_id, story_id)`` pairs: the articles a re-check split off into a new story.
    """

    article_id: str
    story_id: str
    new: bool
    score: float
    regrouped: tuple[tuple[str, str], ...] = ()


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


class StoryIndex:
    """The stories of a library in memory, grown one article at a time.

    ``assign`` decides an arriving article's story; ``place`` puts an article into a given story
    (replaying stored decisions and analysts' moves); ``remove`` takes it out again.
    """

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}
        self._weighted: dict[str, tuple[dict[int, float], dict[int, float], np.ndarray | None, int | None]] = {}
        self._docs = 0  # articles counted in the document frequencies
        self._df = np.zeros(1024, np.int64)  # document frequency by vocabulary id
        self._sums = np.zeros((64, dim), np.float32)
        self._unit = np.zeros((64, dim), np.float32)
        # each row's story date range (days); a story without dates reaches every day
        self._row_lo = np.full(64, -_NO_DAY, np.int64)
        self._row_hi = np.full(64, _NO_DAY, np.int64)
        self._row_story: list[str | None] = []
        self._free_rows: list[int] = []
        self._name_post: dict[int, set[str]] = {}
        self._term_post: dict[int, set[str]] = {}
        self._order: dict[str, int] = {}  # arrival number of each article
        self._vocab: dict[str, int] = {}  # words, and names as NAME_KEY + name, to ids
        self._query = np.zeros(1024, np.float64)  # scratch: an article's weights by vocabulary id
        #: articles analysts placed: a re-check never moves them
        self.pinned: set[str] = set()

    def __len__(self) -> int:
        return len(self.story_of)

    # ------------------------------------------------------------------ weighting
    def _count_and_weigh(self, f: StoryFeatures) -> tuple[dict[int, float], dict[int, float]]:
        """Count the article in the document frequencies, then weigh its words and names.

        Returns TF-IDF weights (scikit-learn's smoothed idf, L2-normalised) keyed by vocabulary id
        (new words and names get ids here), strongest first; words cut to the ``TOP_TERMS``
        strongest and normalised again.
        """
        self._docs += 1
        terms = self._weigh_one(f.terms, "", TOP_TERMS)
        names = self._weigh_one(f.names, NAME_KEY, None)
        return terms, names

    def _weigh_one(self, tf: dict[str, float], prefix: str, top: int | None) -> dict[int, float]:
        if not tf:
            return {}
        vocab = self._vocab
        keys = [prefix + k for k in tf] if prefix else list(tf)
        ids = np.fromiter(map(vocab.get, keys, repeat(-1)), np.int64, len(keys))
        new = np.flatnonzero(ids < 0)
        for i in new.tolist():
            ids[i] = vocab.setdefault(keys[i], len(vocab))
        if len(vocab) > len(self._df):
            self._df = np.concatenate([self._df, np.zeros(max(len(vocab), len(self._df)), np.int64)])
            self._query = np.zeros(len(self._df), np.float64)
        df = self._df
        df[ids] += 1
        w = np.fromiter(tf.values(), np.float64, len(tf)) * (np.log((1 + self._docs) / (1 + df[ids])) + 1.0)
        norm = math.sqrt(float(w @ w))
        if norm <= 0:
            return {}
        order = np.argsort(-w, kind="stable")  # strongest first; equal weights keep their order
        if top is not None and len(order) > top:
            order = order[:top]
        kept = w[order]
        kept /= math.sqrt(float(kept @ kept))
        return dict(zip(ids[order].tolist(), kept.tolist(), strict=True))

    # ------------------------------------------------------------------ scoring
    def _candidates(self, f: StoryFeatures, terms: dict[int, float], names: dict[int, float]) -> set[str]:
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
        keys += [self._term_post.get(k) for k in islice(terms, SEED_TERMS)]  # strongest first
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

    def _dots(self, terms: dict[int, float], names: dict[int, float],
              arrays: list[tuple[np.ndarray, np.ndarray, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Dot products of the article's word and name vectors with each story's sums, in one numpy
        pass: the article's weights go into a dense scratch array by vocabulary id, which the
        stories' ids index."""
        n = len(arrays)
        q = self._query
        ids = np.fromiter(chain(terms.keys(), names.keys()), np.int64, len(terms) + len(names))
        q[ids] = np.fromiter(chain(terms.values(), names.values()), np.float64, len(ids))
        lens = np.fromiter(chain.from_iterable((a[2], a[3]) for a in arrays), np.int64, 2 * n)
        sums = np.zeros(2 * n)
        if lens.sum():
            prod = q[np.concatenate([a[0] for a in arrays])] * np.concatenate([a[1] for a in arrays])
            sums = np.bincount(np.repeat(np.arange(2 * n), lens), weights=prod, minlength=2 * n)
        q[ids] = 0.0
        return sums[0::2], sums[1::2]

    def _scores(self, f: StoryFeatures, sids: list[str],
                weighted: tuple[dict[int, float], dict[int, float]]) -> np.ndarray:
        """The scores of ``f`` against each of ``sids`` (vectorised over the stories)."""
        terms, names = weighted
        stories = [self.stories[sid] for sid in sids]
        arrays = [s.vectors() for s in stories]
        t_sq = np.fromiter((s.terms_sq for s in stories), np.float64, len(stories))
        n_sq = np.fromiter((s.names_sq for s in stories), np.float64, len(stories))
        words, nm = self._dots(terms, names, arrays)
        words = words / np.sqrt(np.where(t_sq > 0, t_sq, 1.0))
        nm = nm / np.sqrt(np.where(n_sq > 0, n_sq, 1.0))
        total = W_WORDS_LEXICAL * words + W_NAMES_LEXICAL * nm
        if f.vector is not None:
            rows = np.fromiter((s.row for s in stories), np.int64, len(stories))
            with_vec = rows >= 0
            if with_vec.any():
                emb = self._unit[rows[with_vec]] @ f.vector.astype(np.float32, copy=False)
                total[with_vec] = W_EMBEDDING * emb + W_WORDS * words[with_vec] + W_NAMES * nm[with_vec]
        if f.day is not None:
            lo = np.fromiter((s.lo for s in stories), np.int64, len(stories))
            hi = np.fromiter((s.hi for s in stories), np.int64, len(stories))
            dated = lo <= hi
            gap = np.maximum(np.maximum(lo - f.day, f.day - hi), 0)
            total -= np.where(dated, DATE_WEIGHT * np.minimum(1.0, np.maximum(0, gap - DATE_SLACK) / DATE_SPAN), 0.0)
        return total

    def assign(self, f: StoryFeatures) -> Assignment:
        """Put an arriving article into its best story, or a new one; returns where it went.

        An article already placed is left where it is (its current story is returned).
        """
        if f.article_id in self.story_of:
            return Assignment(f.article_id, self.story_of[f.article_id], False, 1.0)
        weighted = self._count_and_weigh(f)
        best, best_score = None, -math.inf
        cands = sorted(self._candidates(f, *weighted))
        if cands:
            scores = self._scores(f, cands, weighted)
            top = int(np.argmax(scores))  # the first of equal scores: the smallest story id
            best, best_score = cands[top], float(scores[top])
        threshold = THRESHOLD if f.vector is not None else THRESHOLD_LEXICAL
        if best is not None and best_score >= threshold:
            self._place(f, best, weighted)
            moved = self.recheck(best)
            return Assignment(f.article_id, self.story_of[f.article_id], False, float(best_score),
                              tuple(m for m in moved if m[0] != f.article_id))
        sid = self.new_story_id(f.article_id)
        self._place(f, sid, weighted)
        return Assignment(f.article_id, sid, True, float(max(best_score, 0.0)))

    # ------------------------------------------------------------------ re-check
    def pair_scores(self, article_ids: list[str]) -> np.ndarray:
        """Article-against-article scores of ``article_ids`` (a symmetric matrix), with the
        weights and date penalty an article meets against a story."""
        data = [self._weighted[a] for a in article_ids]
        n = len(data)

        def gram(which: int) -> np.ndarray:
            # a dense (members x their own vocabulary) matrix: a story's members share few enough
            # ids that this is cheaper than a sparse product over the whole vocabulary
            lens = [len(d[which]) for d in data]
            cols = np.fromiter(chain.from_iterable(d[which].keys() for d in data), np.int64, sum(lens))
            vals = np.fromiter(chain.from_iterable(d[which].values() for d in data), np.float64, sum(lens))
            used, inv = np.unique(cols, return_inverse=True)
            m = np.zeros((n, len(used)))
            m[np.repeat(np.arange(n), lens), inv] = vals
            return m @ m.T

        words, names = gram(0), gram(1)
        total = W_WORDS_LEXICAL * words + W_NAMES_LEXICAL * names
        has = np.array([d[2] is not None for d in data])
        if has.any():
            vec = np.stack([d[2] if d[2] is not None else np.zeros(self.dim, np.float32) for d in data])
            both = np.outer(has, has)
            emb = (vec @ vec.T).astype(np.float64)
            total = np.where(both, W_EMBEDDING * emb + W_WORDS * words + W_NAMES * names, total)
        days = np.array([d[3] if d[3] is not None else 0 for d in data], np.int64)
        dated = np.array([d[3] is not None for d in data])
        gap = np.abs(days[:, None] - days[None, :])
        pen = DATE_WEIGHT * np.minimum(1.0, np.maximum(0, gap - DATE_SLACK) / DATE_SPAN)
        return total - np.where(np.outer(dated, dated), pen, 0.0)

    def recheck(self, story_id: str, force: bool = False) -> list[tuple[str, str]]:
        """Re-cluster a grown story's members and split off groups far from the rest.

        Runs when the story has reached ``RECHECK_SIZE`` members and grown ``RECHECK_GROWTH``
        times since its last re-check (or always with ``force``). Returns the moves made,
        ``(article_id, new story id)``; analysts' placements (``pinned``) never move.
        """
        s = self.stories.get(story_id)
        if s is None:
            return []
        size = len(s.members)
        if not force and (size < RECHECK_SIZE or size < s.checked * RECHECK_GROWTH):
            return []
        s.checked = size
        members = self.members(story_id)
        groups = self._split_groups(members)
        moved: list[tuple[str, str]] = []
        if ATTACH_MAX:
            moved += self._attach_small(story_id)
        if len(groups) < 2:
            return moved
        keep = self._keeper(story_id, groups)
        for g in groups:
            if g is keep:
                continue
            movable = [a for a in g if a not in self.pinned]
            if len(movable) < SPLIT_MIN:
                continue
            sid = self.new_story_id(movable[0])
            for a in movable:
                self.move(a, sid)
                moved.append((a, sid))
            self.stories[sid].checked = len(movable)
        if moved:
            s.checked = len(s.members)
        return moved

    def _attach_small(self, story_id: str) -> list[tuple[str, str]]:
        """Small stories (at most ``ATTACH_MAX`` members with embeddings, none placed by analysts,
        among the ``CANDIDATES`` nearest by centroid) whose every member now scores at least
        ``THRESHOLD`` against the grown story join it."""
        s = self.stories[story_id]
        if s.row < 0:
            return []
        n_rows = len(self._row_story)
        if s.lo <= s.hi:
            # only stories within reach of the grown story's dates (as for an arriving article's
            # candidates): DATE_SLACK + DATE_SPAN days or more outside them, every member of a small
            # story meets the full date penalty, so it could never reach THRESHOLD
            reach = DATE_SLACK + DATE_SPAN
            rows = np.flatnonzero((self._row_lo[:n_rows] - s.hi < reach) & (s.lo - self._row_hi[:n_rows] < reach))
        else:
            rows = np.arange(n_rows)
        # einsum, not BLAS (see _candidates)
        sims = np.einsum("ij,j->i", self._unit[rows], self._unit[s.row])
        k = min(CANDIDATES, len(rows))
        top = rows[np.argpartition(-sims, k - 1)[:k]] if k < len(rows) else rows
        moved: list[tuple[str, str]] = []
        for r in top.tolist():
            sid = self._row_story[r]
            other = self.stories.get(sid) if sid is not None else None
            if other is None or sid == story_id or len(other.members) > ATTACH_MAX:
                continue
            arts = list(other.members)
            if any(a in self.pinned for a in arts):
                continue
            ok = True
            for a in arts:
                terms, names, vec, day = self._weighted[a]
                if vec is None:
                    ok = False
                    break
                score = float(self._scores(StoryFeatures(a, {}, {}, vec, day), [story_id], (terms, names))[0])
                if score < THRESHOLD:
                    ok = False
                    break
            if ok:
                for a in arts:
                    self.move(a, story_id)
                    moved.append((a, story_id))
        return moved

    def _keeper(self, story_id: str, groups: list[list[str]]) -> list[str]:
        """The group that keeps the story's id: the one holding the article that founded it (the
        id is a hash of it), else the one with the most members the machine placed (analysts'
        placements stay in the story whichever group keeps its id)."""
        base = story_id.split("-")[0]
        for g in groups:
            if any(story_id_for(a) == base for a in g):
                return g
        return max(groups, key=lambda g: (sum(a not in self.pinned for a in g), len(g)))

    def _split_groups(self, members: list[str]) -> list[list[str]]:
        """The members cut into groups by average linkage (see ``SPLIT_BELOW``), stragglers
        joined to their closest large group; one group when the story holds together."""
        from scipy.cluster.hierarchy import fcluster, linkage

        n = len(members)
        sims = self.pair_scores(members)
        dist = 1.0 - sims[np.triu_indices(n, 1)]
        with_vec = sum(self._weighted[a][2] is not None for a in members)
        cut = SPLIT_BELOW if 2 * with_vec >= n else SPLIT_BELOW_LEXICAL
        labels = fcluster(linkage(np.maximum(dist, 0.0), method="average"), t=1.0 - cut, criterion="distance")
        sizes = np.bincount(labels)
        large = [lab for lab in range(1, len(sizes)) if sizes[lab] >= SPLIT_MIN]
        if len(large) < 2:
            return [members]
        for i in range(n):
            if sizes[labels[i]] < SPLIT_MIN:  # a straggler: to the large group it is closest to
                labels[i] = max(large, key=lambda lab: float(sims[i, (labels == lab) & (np.arange(n) != i)].mean()))
        return [[members[i] for i in range(n) if labels[i] == lab] for lab in large]

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
        self._place(f, story_id, self._count_and_weigh(f))

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
        s.arrays = None
        s.terms_sq = _add_into(s.terms, s.terms_sq, terms, 1.0)
        s.names_sq = _add_into(s.names, s.names_sq, names, 1.0)
        for k in names:
            self._name_post.setdefault(k, set()).add(story_id)
        for k in islice(terms, SEED_TERMS):
            self._term_post.setdefault(k, set()).add(story_id)
        if day is not None:
            s.days.append(day)
            s.lo, s.hi = min(s.lo, day), max(s.hi, day)
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
        s.arrays = None
        s.terms_sq = _add_into(s.terms, s.terms_sq, terms, -1.0)
        s.names_sq = _add_into(s.names, s.names_sq, names, -1.0)
        if day is not None:
            s.days.remove(day)
            s.lo, s.hi = (min(s.days), max(s.days)) if s.days else (_NO_DAY, -_NO_DAY)
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
