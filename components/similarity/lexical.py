"""Lexical rankers: BM25 and overlap of capitalised names, in memory or memory-mapped from disk.

Article-to-article, BM25 is used as a vector space: each article is its row of BM25 term
weights, L2-normalised, and two articles are compared by cosine. On the ECB+ dev queries this
scores like TF-IDF (R-Prec 0.874) where feeding a whole article to ``get_scores`` as a query
scores 0.845. Free-text queries use plain BM25 scores. The title is counted twice (it names the
event). Entity overlap uses capitalised phrases ("Lindsay Lohan", "Betty Ford Center"): measured
as good as spaCy's NER for ranking (R-Prec 0.894 vs 0.892 fused) at 1/500 of the cost (0.07 s vs
40 s for 982 articles).

The weights are ``bm25s``'s "lucene" BM25, ``idf * tf / (tf + k1 (1 - b + b dl / avgdl))`` with
``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` over ``bm25s.tokenize`` tokens, computed here so
that rows can be appended to an index folder (``folder.py``) without touching the others:
appended rows are weighted with the corpus statistics of the moment they were added and earlier
rows keep theirs (as a search engine's segments do) until the folder is rebuilt. Each ranker's
rows are raw weights plus a norm, stored by row and by term (``SparseRows``).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import bm25s
import numpy as np
import scipy.sparse as sp

K1, B = 1.2, 0.75  # BM25's usual constants; the ranking barely moves over k1 0.8-2, b 0.5-1.

# A run of capitalised words on one line, allowing lower-case particles inside ("Bank of
# England", "Ehud Olmert"). Words that are capitalised only because they open a sentence are
# dropped from the front of a phrase (``_LEADING``).
_CAPS = re.compile(
    r"\b[A-Z][\w'’.\-]*\w(?:[ \t]+(?:(?:of|de|la|van|von|the|for|and|al|bin)[ \t]+)?"
    r"[A-Z][\w'’\-]*\w)*|\b[A-Z]{2,}\b"
)
_LEADING = frozenset(
    "The A An In On At He She It They We I You This That These Those But And Or If As By For "
    "From To With After Before When While Of His Her Their Our Its Mr Mrs Ms Dr There Here What "
    "Who Why How Where Which According Also Now Then Some Many More Most Other Such Not No Yes "
    "One Two Three Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February "
    "March April May June July August September October November December Today Yesterday "
    "Last Next Update Updated Posted".split()
)


def name_phrases(text: str) -> list[str]:
    """Capitalised phrases of ``text`` as they are written, leading sentence words removed."""
    out = []
    for m in _CAPS.finditer(text):
        words = m.group(0).strip(" .").split()
        while words and words[0] in _LEADING:
            words = words[1:]
        phrase = " ".join(words)
        if len(phrase) >= 2:
            out.append(phrase)
    return out


#: Postings entries one article-to-article cosine reads at most: the query article's terms are
#: taken heaviest first until their postings hold this many (common, light terms are then left
#: out). Only bites on large corpora: a 1M-article corpus has postings of up to 1M per common
#: word, about 150 distinct words per article. On ECB+ (982 articles) no article's postings
#: reach it, so its rankings are those of an unbounded read; on 1M synthetic articles 1M
#: entries instead of 3M keep 99% of the top 10 (``bench/similarity.md``) for a third of the reads.
POSTINGS_BUDGET = 1_000_000


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """``bm25s``'s tokenizer (lower case, English stop words removed), as string lists."""
    return bm25s.tokenize(list(texts), stopwords="en", show_progress=False, return_ids=False)


def _row_norms(indptr: np.ndarray, data: np.ndarray) -> np.ndarray:
    n = len(indptr) - 1
    owner = np.repeat(np.arange(n), np.diff(indptr))
    norms = np.sqrt(np.bincount(owner, np.asarray(data, np.float64) ** 2, minlength=n))
    norms[norms == 0] = 1.0
    return norms


class SparseRows:
    """One ranker's article vectors: raw weights by row (CSR arrays) with each row's L2 norm,
    and the same weights by term (CSC arrays: the postings) over the first ``csc_n`` rows.

    The arrays may be numpy arrays or memory-mapped files (``folder.py``). Rows appended after
    the postings were written are read from the row arrays (the tail) until a writer rebuilds the
    postings. Cosines use ``weights / norm``; a stored row never changes.
    """

    def __init__(self, indptr, indices, data, norms, n_cols: int,
                 postings: tuple[Any, Any, Any, int] | None = None):
        self.indptr, self.indices, self.data, self.norms = indptr, indices, data, norms
        self.n_cols = n_cols
        self._tail: sp.csc_matrix | None = None
        if postings is None:
            self.build_postings()
        else:
            self.cscptr, self.cscrows, self.cscdata, self.csc_n = postings

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def from_rows(cls, rows: list[tuple[np.ndarray, np.ndarray]], n_cols: int) -> SparseRows:
        """Rows given as ``(column ids, raw weights)``; postings built over all of them."""
        indptr, indices, data = pack_rows(rows)
        return cls(indptr, indices, data, _row_norms(indptr, data), n_cols)

    def build_postings(self) -> None:
        """(Re)build the term-major copy over every row."""
        mat = sp.csr_matrix((np.asarray(self.data), np.asarray(self.indices),
                             np.asarray(self.indptr)), shape=(self.n, max(self.n_cols, 1))).tocsc()
        mat.sort_indices()
        self.cscptr = mat.indptr.astype(np.int64)
        self.cscrows = mat.indices.astype(np.int32)
        self.cscdata = mat.data.astype(np.float32)
        self.csc_n = self.n
        self._tail = None

    def take(self, rows, normalised: bool = True) -> sp.csr_matrix:
        """Rows ``rows`` as a CSR matrix (unit vectors unless ``normalised`` is false)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lens = (ends - starts).astype(np.int64)
        ptr = np.zeros(len(rows) + 1, np.int64)
        ptr[1:] = np.cumsum(lens)
        if ptr[-1]:
            pos = np.repeat(starts - ptr[:-1], lens) + np.arange(ptr[-1])
            idx = np.asarray(self.indices[pos])
            dat = np.asarray(self.data[pos], np.float64)
            if normalised:
                dat = dat / np.repeat(np.asarray(self.norms)[rows], lens)
        else:
            idx, dat = np.zeros(0, np.int32), np.zeros(0, np.float64)
        return sp.csr_matrix((dat, idx, ptr), shape=(len(rows), max(self.n_cols, 1)))

    def column_sums(self, cols, weights, budget: int | None = None) -> np.ndarray:
        """``sum_t weights[t] * raw[:, cols[t]]`` for every row, a dense vector of ``n``.

        With ``budget``, terms are taken heaviest first until their postings hold that many
        entries (at least one term).
        """
        n = self.n
        out = np.zeros(n, np.float64)
        cols = np.asarray(cols, dtype=np.int64).reshape(-1)
        weights = np.asarray(weights, dtype=np.float64).reshape(-1)
        if not len(cols):
            return out
        known = cols < len(self.cscptr) - 1
        kc, kw = cols[known], weights[known]
        if budget is not None and len(kc):
            order = np.argsort(-np.abs(kw), kind="stable")
            lens = (self.cscptr[kc + 1] - self.cscptr[kc])[order]
            keep = max(int(np.searchsorted(np.cumsum(lens), budget, side="right")), 1)
            kc, kw = kc[order[:keep]], kw[order[:keep]]
        if len(kc) and self.csc_n:
            # each term's postings are one contiguous slice: copied whole (no index arrays,
            # no gather from the mapped file), weighted, and summed by row in one bincount
            starts = np.asarray(self.cscptr[kc]).tolist()
            ends = np.asarray(self.cscptr[kc + 1]).tolist()
            spans = [(a, b, w) for a, b, w in zip(starts, ends, kw.tolist(), strict=True) if b > a]
            if spans:
                rows = np.concatenate([self.cscrows[a:b] for a, b, _ in spans])
                vals = np.concatenate([np.multiply(self.cscdata[a:b], w, dtype=np.float64)
                                       for a, b, w in spans])
                out[: self.csc_n] = np.bincount(rows, vals, minlength=self.csc_n)
        if self.csc_n < n:
            if self._tail is None:
                self._tail = self.take(np.arange(self.csc_n, n), normalised=False).tocsc()
            inside = cols < self._tail.shape[1]
            vec = np.zeros(self._tail.shape[1])
            np.add.at(vec, cols[inside], weights[inside])
            out[self.csc_n:] = self._tail @ vec
        return out


def pack_rows(rows: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, ...]:
    """``(indptr, indices int32, data float32)`` of rows given as ``(columns, weights)``."""
    indptr = np.zeros(len(rows) + 1, np.int64)
    indptr[1:] = np.cumsum([len(c) for c, _ in rows])
    if not rows or not indptr[-1]:
        return indptr, np.zeros(0, np.int32), np.zeros(0, np.float32)
    indices = np.concatenate([np.asarray(c, np.int32) for c, _ in rows])
    data = np.concatenate([np.asarray(w, np.float32) for _, w in rows])
    return indptr, indices, data


class LexicalIndex:
    """BM25 and name-phrase vectors of a list of articles.

    ``LexicalIndex(titles, texts)`` indexes them in memory; ``folder.py`` keeps the same state on
    disk (``state()`` / ``from_state``) and appends rows with ``weigh``.
    """

    def __init__(self, titles: Sequence[str] = (), texts: Sequence[str] = ()):
        self.tokens: dict[str, int] = {}
        self.token_df: list[int] = []
        self.n_docs = 0
        self.total_len = 0
        self._vocab: dict[str, int] = {}  # name key (lower case) -> column
        self.name_keys: list[str] = []
        self.name_display: list[str] = []  # as first written in the corpus
        self.name_df: list[int] = []
        self.name_mixed: list[bool] = []  # written other than all in capitals somewhere
        bm25_rows, name_rows = self.weigh(titles, texts)
        self.bm25 = SparseRows.from_rows(bm25_rows, len(self.tokens))
        self.names_rows = SparseRows.from_rows(name_rows, len(self._vocab))
        self._acronyms_cache: set[str] | None = None

    # ----------------------------------------------------------------- building
    def weigh(self, titles: Sequence[str], texts: Sequence[str]):
        """Add articles to the vocabularies and statistics; return their raw rows.

        Returns:
            ``(bm25_rows, name_rows)``, each a list of ``(column ids, weights)`` per article,
            weighted with the statistics including these articles.
        """
        docs = [f"{t}\n{t}\n{x}" for t, x in zip(titles, texts, strict=True)]
        toks = tokenize(docs) if docs else []
        counted = []
        for doc in toks:
            c = Counter(doc)
            ids = np.fromiter((self.tokens.setdefault(w, len(self.tokens)) for w in c),
                              np.int64, len(c))
            counted.append((ids, np.fromiter(c.values(), np.float64, len(c)), len(doc)))
        grow = len(self.tokens) - len(self.token_df)
        self.token_df.extend([0] * grow)
        df = np.asarray(self.token_df, np.int64)
        for ids, _, _ in counted:
            df[ids] += 1
        self.token_df = df.tolist()
        self.n_docs += len(docs)
        self.total_len += sum(dl for *_, dl in counted)
        avgdl = self.total_len / max(self.n_docs, 1)
        idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
        bm25_rows = []
        for ids, tf, dl in counted:
            w = idf[ids] * tf / (tf + K1 * (1 - B + B * dl / max(avgdl, 1e-9)))
            order = np.argsort(ids)
            bm25_rows.append((ids[order], w[order]))
        phrases = [name_phrases(f"{t}\n{x}") for t, x in zip(titles, texts, strict=True)]
        counts = []
        for doc in phrases:
            c = Counter()
            for p in doc:
                key = p.lower()
                col = self._vocab.get(key)
                if col is None:
                    col = self._vocab[key] = len(self.name_keys)
                    self.name_keys.append(key)
                    self.name_display.append(p)
                    self.name_df.append(0)
                    self.name_mixed.append(False)
                if not p.isupper():
                    self.name_mixed[col] = True
                c[col] += 1
            for col in c:
                self.name_df[col] += 1
            counts.append(c)
        nidf = self.name_idf()
        name_rows = []
        for c in counts:
            ids = np.fromiter(sorted(c), np.int64, len(c))
            vals = np.array([1.0 + math.log(c[i]) for i in ids.tolist()]) * nidf[ids] \
                if len(ids) else np.zeros(0)
            name_rows.append((ids, vals))
        self._acronyms_cache = None
        return bm25_rows, name_rows

    def name_idf(self) -> np.ndarray:
        """Smoothed idf of every name key with the current statistics."""
        df = np.asarray(self.name_df, np.float64)
        return np.log((1 + self.n_docs) / (1 + df)) + 1.0

    def state(self) -> dict:
        """The vocabularies and statistics as plain JSON-able data (the arrays are saved apart)."""
        return {"tokens": list(self.tokens), "token_df": self.token_df, "n_docs": self.n_docs,
                "total_len": self.total_len, "name_keys": self.name_keys,
                "name_display": self.name_display, "name_df": self.name_df,
                "name_mixed": self.name_mixed}

    @classmethod
    def from_state(cls, state: dict, bm25: SparseRows, names: SparseRows) -> LexicalIndex:
        self = cls.__new__(cls)
        self.tokens = {w: i for i, w in enumerate(state["tokens"])}
        self.token_df = list(state["token_df"])
        self.n_docs, self.total_len = int(state["n_docs"]), int(state["total_len"])
        self.name_keys = list(state["name_keys"])
        self._vocab = {k: i for i, k in enumerate(self.name_keys)}
        self.name_display = list(state["name_display"])
        self.name_df = list(state["name_df"])
        self.name_mixed = [bool(x) for x in state["name_mixed"]]
        self.bm25, self.names_rows = bm25, names
        self._acronyms_cache = None
        return self

    # ---------------------------------------------------------------- searching
    def _rows(self, ranker: str) -> SparseRows:
        return self.bm25 if ranker == "bm25" else self.names_rows

    def rows(self, ranker: str) -> sp.csr_matrix:
        """Every article's unit vector under ``ranker`` ("bm25" or "entities"), one row each."""
        r = self._rows(ranker)
        return r.take(np.arange(r.n))

    def row_matrix(self, ranker: str, rows) -> sp.csr_matrix:
        """The unit vectors of ``rows`` under ``ranker``."""
        return self._rows(ranker).take(rows)

    def cosines(self, ranker: str, i: int) -> np.ndarray:
        """Cosine of article ``i`` with every article under ``ranker`` ("bm25" or "entities").

        Reads only the postings of ``i``'s own terms (heaviest first, up to ``POSTINGS_BUDGET``
        entries), so the cost follows how common they are, not the size of the corpus.
        """
        r = self._rows(ranker)
        vec = r.take([i])
        sums = r.column_sums(vec.indices, vec.data, POSTINGS_BUDGET)
        return sums / np.asarray(r.norms, np.float64)

    @property
    def _acronyms(self) -> set[str]:
        # keys written only in capitals in the corpus ("UN", "EU"): acronyms, matched case-aware
        if self._acronyms_cache is None:
            self._acronyms_cache = {k for k, mixed in zip(self.name_keys, self.name_mixed,
                                                          strict=True)
                                    if len(k) <= 5 and not mixed}
        return self._acronyms_cache

    def query_name_keys(self, text: str) -> Counter:
        """Known names (lower case) written anywhere in a free text, in any case.

        A query is often lower case or runs names together ("federer wimbledon final"), so runs of
        up to six words are looked up in the names of the corpus, longest first: "Kim Jong Un" is
        one name, not also "Kim" and "Un". A name the corpus writes only in capitals ("UN") matches
        a query word in capitals, or any case when the whole query is lower case.
        """
        raw = re.findall(r"[\w'’.\-]+", text)
        words = [w.lower() for w in raw]
        lower_query = text == text.lower()
        found: Counter = Counter()
        i = 0
        while i < len(words):
            for j in range(min(i + 6, len(words)), i, -1):
                key = " ".join(words[i:j]).strip(".")
                if key not in self._vocab:
                    continue
                if key in self._acronyms and not lower_query and not " ".join(raw[i:j]).strip(".").isupper():
                    continue
                found[key] += 1
                i = j
                break
            else:
                i += 1
        return found

    def _query_name_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = self.query_name_keys(text)
        cols = np.array([self._vocab[k] for k in counts], np.int64)
        idf = self.name_idf()
        vals = np.array([(1.0 + math.log(c)) * idf[self._vocab[k]] for k, c in counts.items()])
        norm = float(np.sqrt((vals ** 2).sum())) if len(vals) else 1.0
        return cols, vals / (norm or 1.0)

    def query_names(self, text: str) -> sp.csr_matrix:
        """The name-phrase vector of a free text, in this index's space (1 x vocabulary)."""
        cols, vals = self._query_name_vector(text)
        return sp.csr_matrix((vals, (np.zeros(len(cols), np.int64), cols)),
                             shape=(1, max(len(self._vocab), 1)))

    def name_text_scores(self, text: str) -> np.ndarray:
        """Cosine of a free text's names with every article's names."""
        cols, vals = self._query_name_vector(text)
        r = self.names_rows
        return r.column_sums(cols, vals) / np.asarray(r.norms, np.float64)

    def bm25_text_scores(self, text: str) -> np.ndarray:
        """Plain BM25 scores of every article for a free-text query (each query word counts
        as often as it is written, as in ``bm25s``)."""
        ids = [self.tokens[w] for w in tokenize([text])[0] if w in self.tokens]
        return self.bm25.column_sums(ids, np.ones(len(ids))).astype(np.float32)

    def row_names(self, i: int) -> dict[str, str]:
        """Article ``i``'s names: lower-case key -> as written in the corpus."""
        cols = self.names_rows.take([i], normalised=False).indices
        return {self.name_keys[c]: self.name_display[c] for c in cols.tolist()}

    def shared_names(self, i: int, j: int, limit: int = 8) -> tuple[str, ...]:
        """Names found in both articles ``i`` and ``j``, rarest first."""
        a = set(self.names_rows.take([i], normalised=False).indices.tolist())
        b = set(self.names_rows.take([j], normalised=False).indices.tolist())
        df = self.name_df
        ranked = sorted(a & b, key=lambda c: (df[c], self.name_keys[c]))
        return tuple(self.name_display[c] for c in ranked[:limit])
