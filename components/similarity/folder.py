"""An index folder: everything the similarity engine searches, kept on disk and memory-mapped.

Why this shape (measured in ``bench/similarity.md``, "Serving from disk"): the engine's best
article-to-article ranker is the cosine of BM25 *vectors*, and its neighbour re-rank multiplies
those vectors of a thousand articles at a time. A search engine's index (tantivy) or the
database's full-text search (PostgreSQL ``ts_rank``) answer "which documents match these terms"
but cannot hand back per-article term vectors, so they would change the ranking that was
measured. The folder therefore stores the same arrays the in-memory engine computes — rows of
raw weights by article and by term (the postings), article, title and passage vectors (float16
by default: half the disk and page cache, the same rankings, ``bench/similarity.md``) and a
512-bit sign code per vector (``index.SignCodes``: the approximate search once there are more
than ``index.EXACT_LIMIT`` vectors, written with each append, nothing to build) — as flat files
that every reader memory-maps. Pages are read on demand and shared by every process that maps them, so
several app replicas on one machine share one copy in the page cache. Texts stay in the store.

Files (``n`` articles, ``m`` passages, ``DIM`` floats per vector):

- ``meta.json``: format, model, counts, the vectors' precision (``vectors``: ``f16`` or ``f32``)
  and which generation of postings is current; written last, by rename, so a reader never sees
  a half-written append.
- ``ids.txt``, ``hashes.txt``: one line per row; ``articles.<v>``, ``titles.<v>``: ``(n, DIM)``
  (``<v>`` is ``f16`` or ``f32``); ``passages.<v>``: ``(m, DIM)``; ``articles.codes``,
  ``passages.codes``: ``(n|m, CODE_BITS / 64)`` uint64 sign codes, and ``articles.prefix``,
  ``passages.prefix``: their first ``index.CODE_PREFIX_WORDS`` words again, contiguous (the
  first stage of a shortlist; format 3); ``passage_spans.i64``:
  ``(m, 3)`` owner row, start, end; ``passage_range.i64``: ``(n, 2)`` each row's passages
  (shared by rows with the same text).
- ``bm25.*`` and ``names.*``: ``indptr``/``indices``/``data``/``norms`` by row, and
  ``csc<gen>.ptr``/``rows``/``data``, the postings over the first rows (later ones are read by row
  until a writer rebuilds the postings); ``lexical.json``: vocabularies and statistics.
- ``write.lock``: held (``flock``) by the one writer; readers never write.

Appending writes new rows at the ends of the files, then ``lexical.json``, then ``meta.json``;
a writer that finds files longer than ``meta.json`` says (a crash mid-append) cuts them back.
Removing articles (``IndexFolder.remove``: a deleted article) rewrites each file without their
rows, aside and then renamed over the old one, ``meta.json`` last; the other rows' bytes are
copied unchanged.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.errors import SourcelightError
from components.similarity.embed import DIM, Embedded
from components.similarity.index import (
    CODE_BITS,
    CODE_PREFIX_WORDS,
    EXACT_LIMIT,
    MappedVectors,
    Rows32,
    SignCodes,
    code_planes,
    code_prefix,
    sign_codes,
)
from components.similarity.lexical import LexicalIndex, SparseRows, pack_rows

#: 3: ``*.prefix`` files added (format 2 folders are refused: ``index --rebuild`` makes them
#: again from the vectors in the SQL cache, embedding nothing).
FORMAT = 3
#: Precision of the vectors in a new folder: ``f16`` (``bench/similarity.md``: same ECB+ scores
#: and ANN recall as ``f32``, half the bytes mapped). An existing folder keeps its own.
VECTOR_DTYPE = "f16"
_DTYPES = {"f16": np.float16, "f32": np.float32}
_WORDS = CODE_BITS // 64
#: Rows above which a folder searches through its sign codes even when ``exact_limit`` is
#: higher: a full scan converts every half-precision row to float32 (about three times the cost
#: of a float32 scan, ``bench/similarity.md``), while a code scan reads 64 bytes a row.
SCAN_LIMIT = 20_000
#: Rows appended after the postings were built, above which a writer rebuilds them (and at
#: least this share of the rows they cover): until then those rows are read by row.
POSTINGS_TAIL, POSTINGS_TAIL_SHARE = 20_000, 0.25
_RANKERS = ("bm25", "names")
#: Bytes of a ``hashes.txt`` line holding a SHA-256 content hash (``embed.content_hash``): a file
#: of exactly ``n`` such lines is taken as whole at open and read on first use.
_HASH_LINE = 65


class IndexFolderError(SourcelightError):
    """An index folder is missing, unreadable, locked or damaged (the message says which)."""


@dataclass(frozen=True)
class NewRow:
    """One article to append: its id, content hash and vectors."""

    id: str
    content_hash: str
    embedded: Embedded


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _map(path: Path, dtype, shape: tuple[int, ...]) -> np.ndarray:
    count = int(np.prod(shape))
    if count == 0:
        return np.zeros(shape, dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=shape)


class IndexFolder:
    """Open an index folder for reading (any number of processes) or writing (one at a time).

    Args:
        path: the folder (``SOURCELIGHT_INDEX_DIR``); created empty by a writer when missing.
        writable: take the writer's lock; raises ``IndexFolderError`` when another process
            holds it.
        model_name: the encoder the vectors come from; a folder made with another is refused.
        exact_limit: as ``index.EXACT_LIMIT``.
        vector_dtype: ``f16`` or ``f32``, for a folder created here (default ``VECTOR_DTYPE``).

    Raises:
        IndexFolderError: a reader's folder is missing or not an index folder, a file is missing
            or shorter than ``meta.json`` says, or another writer holds the lock. The message
            names the folder and says to rebuild it (``python -m components index --rebuild``).
    """

    def __init__(self, path: str | Path, *, writable: bool = False, model_name: str = "",
                 exact_limit: int | None = EXACT_LIMIT, vector_dtype: str | None = None):
        self.path = Path(path)
        self.writable = writable
        self.exact_limit = exact_limit
        self._lock_fd: int | None = None
        if writable:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.path / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self._lock_fd)
                self._lock_fd = None
                raise IndexFolderError(
                    f"index folder {self.path}: another process is writing to it "
                    "(one writer at a time; open it read-only)") from None
            if not (self.path / "meta.json").exists():
                dtype = vector_dtype or VECTOR_DTYPE
                if dtype not in _DTYPES:
                    raise ValueError(f"vector_dtype {dtype!r}: use one of {sorted(_DTYPES)}")
                self._meta = {"format": FORMAT, "dim": DIM, "model": model_name, "n": 0, "m": 0,
                              "vectors": dtype, "codes": CODE_BITS,
                              "bm25": {"nnz": 0, "csc": None}, "names": {"nnz": 0, "csc": None},
                              "generation": 0}
                _write_atomic(self.path / "lexical.json", json.dumps(LexicalIndex().state()))
                _write_atomic(self.path / "meta.json", json.dumps(self._meta))
        elif not self.path.is_dir():
            raise IndexFolderError(f"index folder {self.path}: does not exist; build it with "
                                   "`python -m components index` (or set SOURCELIGHT_INDEX_DIR)")
        self._meta_stamp = None
        self.load()
        if model_name and self._meta.get("model") and self._meta["model"] != model_name:
            raise IndexFolderError(f"index folder {self.path}: made with model "
                                   f"{self._meta['model']!r}, not {model_name!r}; rebuild it")
        if writable:
            self._truncate_to_meta()

    # ------------------------------------------------------------------ reading
    def _damaged(self, what: str) -> IndexFolderError:
        return IndexFolderError(f"index folder {self.path}: {what}; rebuild it "
                                "(`python -m components index --rebuild`)")

    def _read_meta(self) -> dict:
        try:
            meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise self._damaged("no meta.json, not an index folder") from None
        except (OSError, ValueError) as exc:
            raise self._damaged(f"meta.json unreadable ({exc})") from None
        if isinstance(meta, dict) and isinstance(meta.get("format"), int) \
                and 0 < meta["format"] < FORMAT:
            raise self._damaged(f"made by an older version (format {meta['format']}, this "
                                f"version reads format {FORMAT})")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("dim") != DIM \
                or meta.get("vectors") not in _DTYPES or meta.get("codes") != CODE_BITS:
            raise self._damaged(f"meta.json is not format {FORMAT} with {DIM}-d vectors")
        return meta

    def changed(self) -> bool:
        """Whether a writer has appended since this folder was loaded."""
        try:
            st = (self.path / "meta.json").stat()
        except OSError:
            return True
        return (st.st_mtime_ns, st.st_size, st.st_ino) != self._meta_stamp

    def load(self) -> None:
        """(Re)open every file at the sizes ``meta.json`` gives (after a writer's append)."""
        st = (self.path / "meta.json").stat() if (self.path / "meta.json").exists() else None
        meta = self._read_meta()
        self._meta_stamp = (st.st_mtime_ns, st.st_size, st.st_ino) if st else None
        n, m = int(meta["n"]), int(meta["m"])
        p = self.path
        try:
            self._check_sizes(meta)
            ids = (p / "ids.txt").read_text(encoding="utf-8").split("\n")[:n] if n else []
            hashes_size = (p / "hashes.txt").stat().st_size if n else 0
            state = json.loads((p / "lexical.json").read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise self._damaged(f"{Path(exc.filename).name} is missing") from None
        except (OSError, ValueError) as exc:
            raise self._damaged(f"cannot read it ({exc})") from None
        if len(ids) != n:
            raise self._damaged(f"ids.txt holds fewer than the {n} rows of meta.json")
        self._meta = meta
        self.ids = ids
        # read on first use (a text search, a passage, an append), not at open: at 1M rows the
        # file is 65 MB and the table a million dictionary entries (``bench/similarity.md``)
        self._hashes: list[str] | None = None
        self._hash_rows: dict[str, list[int]] | None = None
        self._shared: dict[int, list[int]] | None = None  # see rows_of_passages
        if hashes_size != n * _HASH_LINE:  # not one SHA-256 line per row: read and check now
            self.hashes  # noqa: B018
        v, dtype = meta["vectors"], _DTYPES[meta["vectors"]]
        self.article_vectors = Rows32(_map(p / f"articles.{v}", dtype, (n, DIM)))
        self.title_vectors = Rows32(_map(p / f"titles.{v}", dtype, (n, DIM)))
        self.passage_vectors = Rows32(_map(p / f"passages.{v}", dtype, (m, DIM)))
        self.article_codes = SignCodes(_map(p / "articles.codes", np.uint64, (n, _WORDS)), DIM,
                                       _map(p / "articles.prefix", np.uint64, (n, CODE_PREFIX_WORDS)))
        self.passage_codes = SignCodes(_map(p / "passages.codes", np.uint64, (m, _WORDS)), DIM,
                                       _map(p / "passages.prefix", np.uint64, (m, CODE_PREFIX_WORDS)))
        self.passage_spans = _map(p / "passage_spans.i64", np.int64, (m, 3))
        self.passage_range = _map(p / "passage_range.i64", np.int64, (n, 2))
        rankers = {}
        for name in _RANKERS:
            r = meta[name]
            nnz = int(r["nnz"])
            indptr = _map(p / f"{name}.indptr", np.int64, (n + 1,)) if n else np.zeros(1, np.int64)
            csc = r["csc"]
            post = None
            if csc is not None:
                post = (_map(p / f"{name}.csc{csc['gen']}.ptr", np.int64, (csc["cols"] + 1,)),
                        _map(p / f"{name}.csc{csc['gen']}.rows", np.int32, (csc["nnz"],)),
                        _map(p / f"{name}.csc{csc['gen']}.data", np.float32, (csc["nnz"],)),
                        int(csc["n"]))
            else:
                post = (np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), 0)
            n_cols = len(state["tokens"] if name == "bm25" else state["name_keys"])
            rankers[name] = SparseRows(
                indptr, _map(p / f"{name}.indices", np.int32, (nnz,)),
                _map(p / f"{name}.data", np.float32, (nnz,)),
                _map(p / f"{name}.norms", np.float64, (n,)), n_cols, postings=post)
        self.lexical = LexicalIndex.from_state(state, rankers["bm25"], rankers["names"])

    @property
    def hashes(self) -> list[str]:
        """The content hash of every row (``hashes.txt``, read on first use)."""
        if self._hashes is None:
            n = len(self)
            try:
                hashes = (self.path / "hashes.txt").read_text(encoding="utf-8").split("\n")[:n] \
                    if n else []
            except OSError as exc:
                raise self._damaged(f"cannot read hashes.txt ({exc})") from None
            if len(hashes) != n:
                raise self._damaged(f"hashes.txt holds fewer than the {n} rows of meta.json")
            self._hashes = hashes
        return self._hashes

    @property
    def hash_rows(self) -> dict[str, list[int]]:
        """Content hash -> the rows with that text (built on first use)."""
        if self._hash_rows is None:
            table: dict[str, list[int]] = {}
            for row, h in enumerate(self.hashes):
                table.setdefault(h, []).append(row)
            self._hash_rows = table
        return self._hash_rows

    def rows_of_passages(self, passages: np.ndarray) -> list[int]:
        """The rows whose text holds these passage rows: each passage's owner, and every other
        row with the same text (rows with one text share one passage range). Needs neither
        ``hashes.txt`` nor the hash table: the shared ranges are found once, on first use,
        from ``passage_range`` (a sort of its starts)."""
        owners = np.unique(np.asarray(self.passage_spans[np.asarray(passages, np.int64), 0]))
        if self._shared is None:
            ranges = np.asarray(self.passage_range)
            has = np.flatnonzero(ranges[:, 1] > ranges[:, 0])
            starts = ranges[has, 0]
            order = np.argsort(starts, kind="stable")
            dup = np.flatnonzero(np.diff(starts[order]) == 0)
            shared: dict[int, list[int]] = {}
            for d in dup.tolist():
                for row in (int(has[order[d]]), int(has[order[d + 1]])):
                    group = shared.setdefault(int(ranges[row, 0]), [])
                    if row not in group:
                        group.append(row)
            self._shared = shared
        out: list[int] = []
        starts = np.asarray(self.passage_range[owners, 0]).tolist()
        for owner, start in zip(owners.tolist(), starts, strict=True):
            out.extend(self._shared.get(start, [owner]))
        return out

    def _expected_sizes(self, meta: dict) -> dict[str, int]:
        n, m, v = int(meta["n"]), int(meta["m"]), meta["vectors"]
        width = np.dtype(_DTYPES[v]).itemsize * DIM
        sizes = {f"articles.{v}": n * width, f"titles.{v}": n * width,
                 f"passages.{v}": m * width, "articles.codes": n * _WORDS * 8,
                 "passages.codes": m * _WORDS * 8, "articles.prefix": n * CODE_PREFIX_WORDS * 8,
                 "passages.prefix": m * CODE_PREFIX_WORDS * 8, "passage_spans.i64": m * 24,
                 "passage_range.i64": n * 16}
        for name in _RANKERS:
            nnz = int(meta[name]["nnz"])
            sizes.update({f"{name}.indptr": (n + 1) * 8 if n else 0, f"{name}.indices": nnz * 4,
                          f"{name}.data": nnz * 4, f"{name}.norms": n * 8})
        return sizes

    def _check_sizes(self, meta: dict) -> None:
        for name, size in self._expected_sizes(meta).items():
            path = self.path / name
            have = path.stat().st_size if path.exists() else 0
            if have < size:
                raise self._damaged(f"{name} is shorter than meta.json says "
                                    f"({have} of {size} bytes)")

    def _truncate_to_meta(self) -> None:
        for name, size in self._expected_sizes(self._meta).items():
            path = self.path / name
            if path.exists() and path.stat().st_size > size:
                os.truncate(path, size)
        for name in ("ids.txt", "hashes.txt"):
            path = self.path / name
            if path.exists():
                lines = path.read_text(encoding="utf-8").split("\n")
                if len(lines) > self._meta["n"] + 1:  # more rows than published: cut back
                    path.write_text("".join(x + "\n" for x in lines[: self._meta["n"]]),
                                    encoding="utf-8")

    def __len__(self) -> int:
        return int(self._meta["n"])

    @property
    def passages(self) -> int:
        return int(self._meta["m"])

    @property
    def _limit(self) -> int | None:
        return None if self.exact_limit is None else min(self.exact_limit, SCAN_LIMIT)

    @property
    def vector_dtype(self) -> str:
        """``f16`` or ``f32``: the precision of the stored vectors."""
        return str(self._meta["vectors"])

    def article_index(self) -> MappedVectors:
        codes = self.article_codes
        return MappedVectors(self.article_vectors, self.ids, codes, len(codes), self._limit)

    def passage_index(self) -> MappedVectors:
        codes = self.passage_codes
        spans = self.passage_spans

        def key(row: int) -> tuple[str, int]:
            owner = int(spans[row, 0])
            return self.hashes[owner], row - int(self.passage_range[owner, 0])

        return MappedVectors(self.passage_vectors, None, codes, len(codes), self._limit, key=key)

    def embedded(self, content_hash: str) -> Embedded:
        """The stored vectors of a text (as ``embed.embed_articles`` made them)."""
        row = self.hash_rows[content_hash][0]
        a, b = (int(x) for x in self.passage_range[row])
        spans = tuple((int(s), int(e)) for _, s, e in np.asarray(self.passage_spans[a:b]))
        return Embedded(content_hash, self.title_vectors[row], spans,
                        self.passage_vectors[a:b], self.article_vectors[row])

    # ------------------------------------------------------------------ writing
    def close(self) -> None:
        """Release the writer's lock (readers hold nothing)."""
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def append(self, rows: list[NewRow], titles: list[str], texts: list[str]) -> None:
        """Add articles at the end of every file, then publish them in ``meta.json``.

        Raises:
            IndexFolderError: the folder was opened read-only.
            ValueError: an id is already in the folder.
        """
        if not self.writable or self._lock_fd is None:
            raise IndexFolderError(f"index folder {self.path}: opened read-only, cannot add")
        if not rows:
            return
        known = set(self.ids)
        for r in rows:
            if r.id in known:
                raise ValueError(f"article {r.id!r} is already in index folder {self.path}")
        meta = json.loads(json.dumps(self._meta))
        n0, m0, p = int(meta["n"]), int(meta["m"]), self.path
        bm25_rows, name_rows = self.lexical.weigh(titles, texts)
        spans_out, ranges, pvecs = [], [], []
        m = m0
        seen: dict[str, tuple[int, int]] = {}
        for i, r in enumerate(rows):
            h = r.content_hash
            if h in self.hash_rows:
                a = self.hash_rows[h][0]
                ranges.append(tuple(int(x) for x in self.passage_range[a]))
            elif h in seen:
                ranges.append(seen[h])
            else:
                emb = r.embedded
                k = len(emb.spans)
                spans_out.extend((n0 + i, s, e) for s, e in emb.spans)
                if k:
                    pvecs.append(np.asarray(emb.passages, np.float32))
                seen[h] = (m, m + k)
                ranges.append(seen[h])
                m += k
        v, dtype, planes = meta["vectors"], _DTYPES[meta["vectors"]], code_planes(DIM)
        arts = np.stack([r.embedded.article for r in rows]).astype(np.float32)
        with open(p / f"articles.{v}", "ab") as f:
            f.write(arts.astype(dtype).tobytes())
        codes = sign_codes(arts, planes)
        with open(p / "articles.codes", "ab") as f:
            f.write(codes.tobytes())
        with open(p / "articles.prefix", "ab") as f:
            f.write(code_prefix(codes).tobytes())
        with open(p / f"titles.{v}", "ab") as f:
            f.write(np.stack([r.embedded.title for r in rows]).astype(dtype).tobytes())
        if pvecs:
            passages = np.concatenate(pvecs)
            with open(p / f"passages.{v}", "ab") as f:
                f.write(passages.astype(dtype).tobytes())
            codes = sign_codes(passages, planes)
            with open(p / "passages.codes", "ab") as f:
                f.write(codes.tobytes())
            with open(p / "passages.prefix", "ab") as f:
                f.write(code_prefix(codes).tobytes())
        with open(p / "passage_spans.i64", "ab") as f:
            f.write(np.asarray(spans_out, np.int64).reshape(-1, 3).tobytes())
        with open(p / "passage_range.i64", "ab") as f:
            f.write(np.asarray(ranges, np.int64).reshape(-1, 2).tobytes())
        for name, new in zip(_RANKERS, (bm25_rows, name_rows), strict=True):
            indptr, indices, data = pack_rows(new)
            nnz0 = int(meta[name]["nnz"])
            with open(p / f"{name}.indptr", "ab") as f:
                f.write((indptr[0 if n0 == 0 else 1:] + nnz0).astype(np.int64).tobytes())
            with open(p / f"{name}.indices", "ab") as f:
                f.write(indices.tobytes())
            with open(p / f"{name}.data", "ab") as f:
                f.write(data.tobytes())
            norms = np.sqrt(np.bincount(np.repeat(np.arange(len(new)), np.diff(indptr)),
                                        np.asarray(data, np.float64) ** 2, minlength=len(new)))
            norms[norms == 0] = 1.0
            with open(p / f"{name}.norms", "ab") as f:
                f.write(norms.tobytes())
            meta[name]["nnz"] = nnz0 + len(indices)
        with open(p / "ids.txt", "a", encoding="utf-8") as f:
            f.write("".join(r.id + "\n" for r in rows))
        with open(p / "hashes.txt", "a", encoding="utf-8") as f:
            f.write("".join(r.content_hash + "\n" for r in rows))
        meta["n"], meta["m"] = n0 + len(rows), m
        _write_atomic(p / "lexical.json", json.dumps(self.lexical.state()))
        self._publish(meta)
        self._maintain()

    def remove(self, ids: list[str]) -> int:
        """Take articles out of every file: the folder is rewritten without their rows (each file
        written aside, then renamed over the old one, ``meta.json`` last), so their vectors, names
        and passages are gone from disk. Every other row keeps its bytes (its vectors and lexical
        weights are copied, not recomputed); document frequencies forget the removed rows;
        postings are rebuilt over what is left. Readers that still map the old files
        keep reading them until they see the new ``meta.json``.

        Returns:
            How many rows were removed (ids not in the folder are ignored).

        Raises:
            IndexFolderError: the folder was opened read-only.
        """
        if not self.writable or self._lock_fd is None:
            raise IndexFolderError(f"index folder {self.path}: opened read-only, cannot remove")
        row_of = {id_: r for r, id_ in enumerate(self.ids)}
        gone = {row_of[i] for i in ids if i in row_of}
        if not gone:
            return 0
        n = len(self)
        keep = [r for r in range(n) if r not in gone]
        meta = json.loads(json.dumps(self._meta))
        state = self.lexical.state()
        files: dict[str, bytes] = {}
        # passages: each kept row's range, shared by rows with the same text, copied once
        old_range = np.asarray(self.passage_range, np.int64)
        old_spans = np.asarray(self.passage_spans, np.int64)
        v, dtype = meta["vectors"], _DTYPES[meta["vectors"]]
        # the files' own bytes (float16 or float32 rows, uint64 sign codes), copied as they are
        raw_passages = _map(self.path / f"passages.{v}", dtype, (int(meta["m"]), DIM))
        raw_pcodes = _map(self.path / "passages.codes", np.uint64, (int(meta["m"]), _WORDS))
        new_ranges, new_spans, new_passages, new_pcodes, moved = [], [], [], [], {}
        m = 0
        for j, r in enumerate(keep):
            a, b = (int(x) for x in old_range[r])
            if (a, b) not in moved:
                spans = old_spans[a:b].copy()
                spans[:, 0] = j
                new_spans.append(spans)
                new_passages.append(np.asarray(raw_passages[a:b]))
                new_pcodes.append(np.asarray(raw_pcodes[a:b]))
                moved[(a, b)] = (m, m + (b - a))
                m += b - a
            new_ranges.append(moved[(a, b)])
        rows = np.asarray(keep, np.int64)
        n_rows = int(meta["n"])
        for stem in ("articles", "titles"):
            files[f"{stem}.{v}"] = _map(self.path / f"{stem}.{v}", dtype, (n_rows, DIM))[rows].tobytes()
        files["articles.codes"] = _map(self.path / "articles.codes", np.uint64, (n_rows, _WORDS))[rows].tobytes()
        files[f"passages.{v}"] = (np.concatenate(new_passages) if new_passages else
                                  np.zeros((0, DIM), dtype)).astype(dtype).tobytes()
        files["passages.codes"] = (np.concatenate(new_pcodes) if new_pcodes else
                                   np.zeros((0, _WORDS), np.uint64)).astype(np.uint64).tobytes()
        for stem in ("articles", "passages"):  # the first words of the codes just written
            codes = np.frombuffer(files[f"{stem}.codes"], np.uint64).reshape(-1, _WORDS)
            files[f"{stem}.prefix"] = code_prefix(codes).tobytes()
        files["passage_spans.i64"] = (np.concatenate(new_spans) if new_spans else
                                      np.zeros((0, 3), np.int64)).astype(np.int64).tobytes()
        files["passage_range.i64"] = np.asarray(new_ranges, np.int64).reshape(-1, 2).tobytes()
        for name, sparse, df_key in (("bm25", self.lexical.bm25, "token_df"),
                                     ("names", self.lexical.names_rows, "name_df")):
            indptr = np.asarray(sparse.indptr, np.int64)
            indices = np.asarray(sparse.indices, np.int32)
            data = np.asarray(sparse.data, np.float32)
            df = np.asarray(state[df_key], np.int64)
            for r in gone:  # a row's columns are its distinct terms: the document frequencies
                np.subtract.at(df, indices[indptr[r]:indptr[r + 1]], 1)
            state[df_key] = np.maximum(df, 0).tolist()
            parts = [(indices[indptr[r]:indptr[r + 1]], data[indptr[r]:indptr[r + 1]]) for r in keep]
            new_ptr = np.zeros(len(keep) + 1, np.int64)
            new_ptr[1:] = np.cumsum([len(x) for x, _ in parts]) if parts else []
            files[f"{name}.indptr"] = new_ptr.tobytes() if keep else b""
            files[f"{name}.indices"] = (np.concatenate([x for x, _ in parts]) if parts else
                                        np.zeros(0, np.int32)).astype(np.int32).tobytes()
            files[f"{name}.data"] = (np.concatenate([d for _, d in parts]) if parts else
                                     np.zeros(0, np.float32)).astype(np.float32).tobytes()
            files[f"{name}.norms"] = np.asarray(sparse.norms, np.float64)[rows].tobytes()
            meta[name]["nnz"] = int(new_ptr[-1])
        old_csc = {name: meta[name]["csc"] for name in _RANKERS}
        for name in _RANKERS:
            meta[name]["csc"] = None  # rebuilt by _maintain below
        total = state["total_len"] - round(state["total_len"] * len(gone) / max(state["n_docs"], 1))
        state["n_docs"], state["total_len"] = len(keep), max(int(total), 0)
        for name, blob in files.items():
            tmp = self.path / f"{name}.tmp"
            tmp.write_bytes(blob)
        _write_atomic(self.path / "ids.txt.new", "".join(self.ids[r] + "\n" for r in keep))
        _write_atomic(self.path / "hashes.txt.new", "".join(self.hashes[r] + "\n" for r in keep))
        for name in files:
            os.replace(self.path / f"{name}.tmp", self.path / name)
        os.replace(self.path / "ids.txt.new", self.path / "ids.txt")
        os.replace(self.path / "hashes.txt.new", self.path / "hashes.txt")
        _write_atomic(self.path / "lexical.json", json.dumps(state))
        meta["n"], meta["m"] = len(keep), m
        self._publish(meta)
        for name, csc in old_csc.items():
            if csc is not None:
                for ext in ("ptr", "rows", "data"):
                    (self.path / f"{name}.csc{csc['gen']}.{ext}").unlink(missing_ok=True)
        self._maintain()
        return len(gone)

    def _publish(self, meta: dict) -> None:
        meta["generation"] = int(meta.get("generation", 0)) + 1
        _write_atomic(self.path / "meta.json", json.dumps(meta))
        self.load()

    def _maintain(self) -> None:
        """Rebuild postings whose tail grew too long (see the constants)."""
        meta = json.loads(json.dumps(self._meta))
        changed = False
        for name, rows in zip(_RANKERS, (self.lexical.bm25, self.lexical.names_rows), strict=True):
            tail = rows.n - rows.csc_n
            if tail and (rows.csc_n == 0 or tail > max(POSTINGS_TAIL, POSTINGS_TAIL_SHARE * rows.csc_n)):
                rows.build_postings()
                gen = meta["generation"] + 1
                base = self.path / f"{name}.csc{gen}"
                rows.cscptr.tofile(f"{base}.ptr")
                rows.cscrows.tofile(f"{base}.rows")
                rows.cscdata.tofile(f"{base}.data")
                old = meta[name]["csc"]
                meta[name]["csc"] = {"gen": gen, "n": rows.n, "nnz": len(rows.cscrows),
                                     "cols": len(rows.cscptr) - 1}
                changed = True
                if old is not None:
                    for ext in ("ptr", "rows", "data"):  # readers keep their mapping until reload
                        (self.path / f"{name}.csc{old['gen']}.{ext}").unlink(missing_ok=True)
        if changed:
            self._publish(meta)


def open_writer(path: str | Path, model_name: str = "", exact_limit: int | None = EXACT_LIMIT,
                wait_s: float = 60.0, vector_dtype: str | None = None) -> IndexFolder:
    """The folder opened for writing, waiting up to ``wait_s`` for another writer to finish.

    Raises:
        IndexFolderError: still locked after ``wait_s``, or damaged.
    """
    import time

    deadline = time.monotonic() + wait_s
    while True:
        try:
            return IndexFolder(path, writable=True, model_name=model_name, exact_limit=exact_limit,
                               vector_dtype=vector_dtype)
        except IndexFolderError as exc:
            if "another process" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def rebuild_folder(path: str | Path) -> Path | None:
    """Move a damaged index folder aside (``NAME.damaged-N``) so that a new one can be built.

    The vectors are in the SQL embedding cache, so re-indexing the library afterwards embeds
    nothing. Returns where the old folder went (``None`` when there was none).
    """
    path = Path(path)
    if not path.exists():
        return None
    n = 1
    while path.with_name(f"{path.name}.damaged-{n}").exists():
        n += 1
    aside = path.with_name(f"{path.name}.damaged-{n}")
    os.replace(path, aside)
    return aside
