"""Nearest-neighbour search over unit vectors by inner product (= cosine).

Exact (one numpy matrix-vector product) while the index holds at most ``EXACT_LIMIT`` vectors;
beyond that an HNSW graph from ``usearch`` answers, with the vectors also kept for exact
rescoring. The limit comes from ``bench/bench_similarity.py`` (see ``bench/similarity.md``):
exact search of 384-d float32 vectors on 2 cores has p95 27 ms at 100k and 68 ms at 1M (linear),
so it crosses the 50 ms p95 target near 500k; an HNSW graph costs minutes to build, so it only
pays beyond that.

An index folder (``folder.py``) searches its stored rows through ``Rows32`` (half- or
single-precision files handed out as float32) and, above the limit, through ``SignCodes``: one
512-bit sign code per vector (random hyperplanes, "SimHash"), written with the vector at every
append, scanned by Hamming distance for a shortlist that is rescored exactly. It needs no build
(a usearch graph of 1M vectors took over an hour on this machine's two loaded cores), never
goes stale after an append, and costs 64 bytes a vector (``bench/similarity.md``, "ANN recall").
The scan runs in two stages: the codes' first 256 bits, kept contiguous in a file of their own,
keep 20,000 rows, whose whole codes pick the shortlist (half the bit counting). A coarse
partition of the codes (IVF, 1,024 k-means lists) was tried and rejected: on the 1M clustered
set a query's neighbours fall in many lists (recall@10 0.58 probing 64 lists, 6% of the rows).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np

EXACT_LIMIT = 500_000
#: HNSW settings: graph degree and search beam. Recall@10 against exact is reported in the bench.
#: Half-precision graph vectors and a narrower build beam build 4.5x faster than float32/128
#: for the same recall (50k vectors, 2 cores: 16 s vs 71 s); results are rescored in float32.
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 2048  # 1M synthetic: recall@10 0.92 at p95 21 ms (512: 0.80, 128: 0.61)
GRAPH_DTYPE = "f16"
#: The graph is asked for at least this many neighbours, all rescored exactly in float32 and the
#: best kept: the half-precision graph mis-orders near-ties, and rescoring a deeper list repairs
#: that for the cost of reading a few hundred stored rows (bench/similarity.md, "ANN recall").
ANN_OVERSAMPLE = 100


#: Bits of a sign code, and the shortlist a code scan hands to exact rescoring (at least, and at
#: least ``CODE_OVERSAMPLE`` times what is wanted). Measured in ``bench_disk_index.py ann``.
CODE_BITS = 512  # a multiple of 256 (``hamming`` adds counts four words at a time)
#: 256 bits reached recall@10 0.937 at 1M with a 1,000-row shortlist (neighbours at cosine
#: 0.5 sit 4 deviations from the background, too few for a million rows); 512 bits double
#: that margin in variance (``bench/similarity.md``).
CODE_SHORTLIST = 1000
CODE_OVERSAMPLE = 4
#: Two-stage shortlist: the first ``CODE_PREFIX_WORDS`` words of each code (256 of 512 bits),
#: kept in a contiguous array of their own, pick the nearest ``max(PREFIX_KEEP,
#: PREFIX_OVERSAMPLE * shortlist)`` rows, and their whole codes pick the shortlist among
#: them. Half the bytes and bit counts of a full scan; recall@10 on 1M clustered vectors 0.996
#: against 0.998 (128-bit prefixes: 0.92; ``bench/similarity.md``, "ANN recall").
CODE_PREFIX_WORDS = 4
PREFIX_KEEP = 20_000
PREFIX_OVERSAMPLE = 20
#: Rows converted to float32 per block when a half-precision file is scanned in full.
SCAN_BLOCK = 65_536


class Rows32:
    """Rows of a memory-mapped ``(n, dim)`` matrix (float16 or float32 on disk) read as float32.

    Indexing returns float32 arrays; ``rows @ vector`` scans in blocks of ``SCAN_BLOCK`` rows, so
    a half-precision file is never converted whole (and never multiplied in float16).
    """

    def __init__(self, data: np.ndarray):
        self.data = data
        self.shape = data.shape
        self.dtype = np.dtype(np.float32)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, key) -> np.ndarray:
        return np.asarray(self.data[key], dtype=np.float32)

    def __matmul__(self, other: np.ndarray) -> np.ndarray:
        other = np.asarray(other, dtype=np.float32)
        n = len(self.data)
        out = np.empty((n,) + other.shape[1:], np.float32)
        for s in range(0, n, SCAN_BLOCK):
            out[s : s + SCAN_BLOCK] = np.asarray(self.data[s : s + SCAN_BLOCK], np.float32) @ other
        return out


def code_planes(dim: int) -> np.ndarray:
    """The fixed random hyperplanes of the sign codes (the same in every process and folder)."""
    return np.random.default_rng(14).standard_normal((dim, CODE_BITS)).astype(np.float32)


def sign_codes(vectors: np.ndarray, planes: np.ndarray) -> np.ndarray:
    """``(n, CODE_BITS // 64)`` uint64 sign codes of ``(n, dim)`` vectors."""
    bits = np.asarray(vectors, np.float32).reshape(-1, planes.shape[0]) @ planes > 0
    return np.ascontiguousarray(np.packbits(bits, axis=1)).view(np.uint64)


class SignCodes:
    """A shortlist of rows by Hamming distance of sign codes (see the module docstring).

    Args:
        codes: ``(n, CODE_BITS // 64)`` uint64, row ``i`` the code of vector ``i`` (memory-mapped).
        dim: the vectors' dimension.
        prefix: ``(n, CODE_PREFIX_WORDS)`` uint64, the first words of each code in a contiguous
            array (``code_prefix(codes)``, a file of its own in a folder); ``None`` scans whole
            codes only.
    """

    def __init__(self, codes: np.ndarray, dim: int, prefix: np.ndarray | None = None):
        self.codes = codes
        self.prefix = prefix
        self.planes = code_planes(dim)

    def __len__(self) -> int:
        return len(self.codes)

    def shortlist(self, query: np.ndarray, want: int, count: int | None = None) -> np.ndarray:
        """Rows of the ``count`` (default ``max(CODE_SHORTLIST, CODE_OVERSAMPLE * want)``)
        nearest codes by Hamming distance, in no order."""
        n = len(self.codes)
        count = min(n, count or max(CODE_SHORTLIST, CODE_OVERSAMPLE * want))
        if count >= n:
            return np.arange(n)
        q = sign_codes(query[None, :], self.planes)[0]
        keep = max(PREFIX_KEEP, PREFIX_OVERSAMPLE * count)
        if self.prefix is None or keep >= n // 2:
            return _nearest(hamming(self.codes, q), count)
        first = np.sort(_nearest(hamming(self.prefix, q[:CODE_PREFIX_WORDS]), keep))
        return first[_nearest(hamming(np.asarray(self.codes[first]), q), count)]


def code_prefix(codes: np.ndarray) -> np.ndarray:
    """The first ``CODE_PREFIX_WORDS`` words of each code, contiguous (``SignCodes(prefix=)``)."""
    return np.ascontiguousarray(np.asarray(codes)[:, :CODE_PREFIX_WORDS])


def hamming(codes: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``uint16`` Hamming distances of every row of ``codes`` (``(n, w)`` uint64, ``w`` a
    multiple of 4) to the code ``q`` (``w`` words), scanned in blocks with reused buffers."""
    n, words = codes.shape
    dist = np.empty(n, np.uint16)
    if n == 0:
        return dist
    block = min(n, SCAN_BLOCK)
    x = np.empty((block, words), np.uint64)
    counts = np.empty((block, words), np.uint8)
    q = np.ascontiguousarray(q)
    for s in range(0, n, block):
        part = codes[s : s + block]
        m = len(part)
        np.bitwise_xor(part, q, out=x[:m])
        np.bitwise_count(x[:m], out=counts[:m])
        # four words' bit counts are four bytes of a uint32: one multiply adds them up (a sum
        # of 256 would wrap to 0, which only an exactly opposite vector reaches, and exact
        # rescoring drops it)
        quads = counts[:m].view(np.uint32)
        sums = (quads * np.uint32(0x01010101)) >> np.uint32(24)
        out = dist[s : s + m]
        out[:] = sums[:, 0]
        for j in range(1, sums.shape[1]):
            out += sums[:, j].astype(np.uint16)
    return dist


def _nearest(dist: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` smallest distances (ties at the cut-off by position): a
    histogram of the possible distances, cheaper than a partition of n values."""
    if count >= len(dist):
        return np.arange(len(dist))
    cut = int(np.searchsorted(np.cumsum(np.bincount(dist, minlength=CODE_BITS + 1)), count))
    inside = np.flatnonzero(dist < cut)
    return np.concatenate([inside, np.flatnonzero(dist == cut)[: count - len(inside)]])


def graph_index(dim: int):
    """An empty usearch HNSW index with this module's settings."""
    from components.optional import require

    Index = require("usearch.index", package="usearch", needed_for="Approximate similarity search").Index
    return Index(ndim=dim, metric="ip", dtype=GRAPH_DTYPE, connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)


def search_rows(vectors: np.ndarray, query: np.ndarray, want: int, ann=None,
                ann_rows: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``vectors`` with the ``want`` best inner products with ``query``, best first.

    Exact (one product) without ``ann``; else the graph, which holds rows ``< ann_rows``, is
    asked for ``max(want, ANN_OVERSAMPLE)`` rows, the rows after ``ann_rows`` (appended since
    the graph was saved) are scored exactly, and everything found is rescored in float32.
    """
    n = len(vectors)
    want = min(want, n)
    if ann is None:
        all_scores = vectors @ query
        part = np.argpartition(-all_scores, want - 1)[:want]
        rows = part[np.argsort(-all_scores[part], kind="stable")]
        return rows, all_scores[rows]
    if isinstance(ann, SignCodes):
        rows = np.sort(ann.shortlist(query, want))
    else:
        found = ann.search(query, min(max(want, ANN_OVERSAMPLE), ann_rows))
        rows = np.unique(np.asarray(found.keys, dtype=np.int64))
    if ann_rows < n:
        tail = np.asarray(vectors[ann_rows:]) @ query
        top = np.argpartition(-tail, min(want, len(tail)) - 1)[:want] + ann_rows
        rows = np.concatenate([rows, top])
    scores = np.asarray(vectors[rows]) @ query  # exact inner products for the rows found
    order = np.argsort(-scores, kind="stable")[:want]
    return rows[order], scores[order]


class VectorIndex:
    """``add(ids, vectors)`` / ``search(query, k, exclude=...)`` over unit float32 vectors.

    Args:
        dim: vector dimension.
        exact_limit: above this many vectors, searches go through a usearch HNSW index
            (``0`` forces approximate search, ``None`` never uses it).
    """

    def __init__(self, dim: int, exact_limit: int | None = EXACT_LIMIT):
        self.dim = dim
        self.exact_limit = exact_limit
        self._vecs = np.zeros((0, dim), np.float32)
        self._n = 0
        self.ids: list[Hashable] = []
        self._row: dict[Hashable, int] = {}
        self._ann = None  # usearch.index.Index, built lazily
        self._ann_rows = 0  # rows already in the graph

    def __len__(self) -> int:
        return self._n

    @property
    def vectors(self) -> np.ndarray:
        """The stored vectors, row ``i`` belonging to ``ids[i]`` (a view: do not modify)."""
        return self._vecs[: self._n]

    def row(self, id_: Hashable) -> int:
        return self._row[id_]

    def add(self, ids: Sequence[Hashable], vectors: np.ndarray) -> None:
        """Add vectors, replacing those of known ids; ``vectors`` is ``(len(ids), dim)``."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        new_ids, new_rows = [], []
        for id_, vec in zip(ids, vectors, strict=True):
            row = self._row.get(id_)
            if row is None:
                new_ids.append(id_)
                new_rows.append(vec)
            else:
                self._vecs[row] = vec
                if self._ann is not None and row < self._ann_rows:
                    self._ann.remove(row)
                    self._ann.add(row, vec)
        if not new_ids:
            return
        need = self._n + len(new_ids)
        if need > len(self._vecs):
            grown = np.zeros((max(need, 2 * len(self._vecs), 1024), self.dim), np.float32)
            grown[: self._n] = self._vecs[: self._n]
            self._vecs = grown
        self._vecs[self._n : need] = np.stack(new_rows)
        for offset, id_ in enumerate(new_ids):
            self._row[id_] = self._n + offset
        self.ids.extend(new_ids)
        self._n = need

    def remove(self, ids: Iterable[Hashable]) -> int:
        """Drop the vectors of ``ids`` (unknown ids are ignored); the rows after them move up,
        and the approximate graph is rebuilt on the next search. Returns how many were dropped."""
        gone = {self._row[i] for i in ids if i in self._row}
        if not gone:
            return 0
        keep = np.fromiter((r for r in range(self._n) if r not in gone), np.int64)
        vecs = np.zeros((max(len(keep), 1024), self.dim), np.float32)
        vecs[: len(keep)] = self._vecs[keep]
        self._vecs = vecs
        self.ids = [self.ids[r] for r in keep.tolist()]
        self._row = {id_: i for i, id_ in enumerate(self.ids)}
        self._n = len(self.ids)
        self._ann, self._ann_rows = None, 0
        return len(gone)

    @property
    def approximate(self) -> bool:
        return self.exact_limit is not None and self._n > self.exact_limit

    def _sync_ann(self) -> None:
        if self._ann is None:
            self._ann = graph_index(self.dim)
        if self._ann_rows < self._n:
            keys = np.arange(self._ann_rows, self._n, dtype=np.uint64)
            self._ann.add(keys, self._vecs[self._ann_rows : self._n])
            self._ann_rows = self._n

    def build(self) -> None:
        """Bring the approximate graph up to date now (otherwise the next search does it)."""
        if self.approximate:
            self._sync_ann()

    def search(
        self, query: np.ndarray, k: int, exclude: Iterable[Hashable] = ()
    ) -> list[tuple[Hashable, float]]:
        """The ``k`` best ``(id, inner product)`` pairs, best first, leaving out ``exclude``."""
        exclude = set(exclude)
        k = min(k, self._n - len(exclude & self._row.keys()))
        if k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        want = k + len(exclude)
        if self.approximate:
            self._sync_ann()
            rows, scores = search_rows(self.vectors, query, want, self._ann, self._ann_rows)
        else:
            rows, scores = search_rows(self.vectors, query, want)
        out = []
        for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
            id_ = self.ids[row]
            if id_ not in exclude:
                out.append((id_, float(score)))
                if len(out) == k:
                    break
        return out


class MappedVectors:
    """The ``VectorIndex`` reading interface over stored rows: vectors memory-mapped from an
    index folder and, when there are more than ``exact_limit``, a saved graph opened as a view.

    Args:
        vectors: ``(n, dim)`` float32 rows (a ``numpy.memmap``).
        ids: the id of each row, or ``None`` when the id of a row is ``key(row)``.
        graph: a usearch index holding rows ``< graph_rows`` (or ``None``).
        key: maps a row to its id when ``ids`` is ``None``.
    """

    def __init__(self, vectors: np.ndarray, ids: list | None, graph=None, graph_rows: int = 0,
                 exact_limit: int | None = EXACT_LIMIT, key=None):
        self._vecs = vectors
        self.ids = ids
        self._row = {id_: i for i, id_ in enumerate(ids)} if ids is not None else None
        self._graph, self._graph_rows = graph, graph_rows
        self.exact_limit = exact_limit
        self._key = key
        self.dim = vectors.shape[1]

    def __len__(self) -> int:
        return len(self._vecs)

    @property
    def vectors(self) -> np.ndarray:
        return self._vecs

    def row(self, id_: Hashable) -> int:
        return self._row[id_]

    @property
    def approximate(self) -> bool:
        return self.exact_limit is not None and len(self) > self.exact_limit \
            and self._graph is not None

    def id_of(self, row: int) -> Hashable:
        return self.ids[row] if self.ids is not None else self._key(row)

    def search_rows(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of the ``k`` best inner products with ``query`` and their scores, best
        first (``search`` without turning rows into ids)."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        if self.approximate:
            return search_rows(self._vecs, query, k, self._graph, self._graph_rows)
        return search_rows(self._vecs, query, k)

    def search(self, query: np.ndarray, k: int, exclude: Iterable[Hashable] = ()
               ) -> list[tuple[Hashable, float]]:
        """As ``VectorIndex.search``."""
        exclude = set(exclude)
        known = len(exclude & self._row.keys()) if self._row is not None else 0
        k = min(k, len(self) - known)
        if k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        want = k + len(exclude)
        if self.approximate:
            rows, scores = search_rows(self._vecs, query, want, self._graph, self._graph_rows)
        else:
            rows, scores = search_rows(self._vecs, query, want)
        out = []
        for row, score in zip(rows.tolist(), scores.tolist(), strict=True):
            id_ = self.id_of(row)
            if id_ not in exclude:
                out.append((id_, float(score)))
                if len(out) == k:
                    break
        return out
