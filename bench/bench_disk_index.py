"""Benchmarks for the similarity index served from disk (figures go to bench/similarity.md).

    .venv/bin/python bench/bench_disk_index.py ann --n 1000000             # codes: recall, latency
    .venv/bin/python bench/bench_disk_index.py synthetic --articles 1000000 # write a folder, measure
    .venv/bin/python bench/bench_disk_index.py engine --articles 100000    # through the append path

ann: the folder's approximate search alone (sign codes, a Hamming shortlist rescored exactly)
over synthetic clustered 384-d unit vectors, made once into ``/tmp/sourcelight_ann`` and reused:
recall@10 against exact search and p50/p95 for several shortlist sizes, with float32 and float16
rows. synthetic: a 1M-article folder written straight into the folder's files in bounded time
(``write_synthetic_folder``; kept in ``/tmp/sourcelight_synthetic``, reused), then opened
read-only in a fresh process: open time, ``similar(id, k=10)`` and ``search_text(q, k=10)``
p50/p95 by wall clock and by CPU time with encoding excluded, RSS split into anonymous and
file-backed (memory-mapped) pages, and the article search's recall. engine: a whole
``SimilarityEngine`` folder over ``bench_similarity.synthetic_articles`` appended in batches as a
writer would, then measured the same way. compare: memory against folder, alternated.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_similarity import machine, pct  # noqa: E402

OUT = ROOT / "bench" / "out"


def rss() -> dict[str, float]:
    """Resident memory of this process in MB: total, anonymous, file-backed (mmap'd index)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(val.split()[0]) / 1024
    return out


def ann(n: int, queries: int, out: Path) -> None:
    """Recall@10 of the folder's approximate search (sign-code shortlist, exact rescoring)
    against exact float32 search, over ``n`` clustered synthetic vectors (``n / 20`` clusters,
    the hard case the usearch graph scored 0.916 on), stored as float32 and as float16."""
    from components.similarity.index import (
        CODE_BITS,
        SignCodes,
        code_planes,
        code_prefix,
        sign_codes,
    )

    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    out.mkdir(parents=True, exist_ok=True)
    vec_path, code_path = out / f"ann_{n}.f32", out / f"ann_{n}.codes{CODE_BITS}"
    rng = np.random.default_rng(0)
    if not vec_path.exists():
        t = time.perf_counter()
        centres = rng.standard_normal((max(n // 20, 1), 384)).astype(np.float32)
        with open(vec_path, "wb") as fv:
            for s in range(0, n, 100_000):
                e = min(n, s + 100_000)
                x = centres[rng.integers(0, len(centres), e - s)] + 0.8 * rng.standard_normal(
                    (e - s, 384)).astype(np.float32)
                x /= np.linalg.norm(x, axis=1, keepdims=True)
                fv.write(x.tobytes())
        del centres
        print(f"made {n:,} vectors in {time.perf_counter() - t:.0f} s", flush=True)
    if not code_path.exists():
        t = time.perf_counter()
        planes = code_planes(384)
        src = np.memmap(vec_path, np.float32, "r", shape=(n, 384))
        with open(code_path, "wb") as fc:
            for s in range(0, n, 100_000):
                fc.write(sign_codes(np.asarray(src[s:s + 100_000]), planes).tobytes())
        print(f"made their {CODE_BITS}-bit codes in {time.perf_counter() - t:.0f} s", flush=True)
    vecs = np.memmap(vec_path, np.float32, "r", shape=(n, 384))
    half_path = out / f"ann_{n}.f16"
    if not half_path.exists():
        with open(half_path, "wb") as f:
            for s in range(0, n, 100_000):
                f.write(np.asarray(vecs[s:s + 100_000]).astype(np.float16).tobytes())
    half = np.memmap(half_path, np.float16, "r", shape=(n, 384))
    t = time.perf_counter()
    codes = SignCodes(np.memmap(code_path, np.uint64, "r", shape=(n, CODE_BITS // 64)), 384)
    print(f"open codes (memory-mapped): {(time.perf_counter() - t) * 1000:.1f} ms; RSS {rss()}")
    rng = np.random.default_rng(1)
    qs = np.asarray(vecs[rng.integers(0, n, queries)]) + 0.05 * rng.standard_normal((queries, 384))
    qs = (qs / np.linalg.norm(qs, axis=1, keepdims=True)).astype(np.float32)
    best_rows, best_scores = np.zeros((queries, 0), np.int64), np.zeros((queries, 0), np.float32)
    for s in range(0, n, 100_000):  # exact top 10 of each query, merged batch by batch
        sc = (np.asarray(vecs[s:s + 100_000]) @ qs.T).T
        part = np.argpartition(-sc, 10, axis=1)[:, :10]
        best_rows = np.concatenate([best_rows, part + s], axis=1)
        best_scores = np.concatenate([best_scores, np.take_along_axis(sc, part, 1)], axis=1)
        keep = np.argsort(-best_scores, axis=1)[:, :10]
        best_rows = np.take_along_axis(best_rows, keep, 1)
        best_scores = np.take_along_axis(best_scores, keep, 1)
    top = [set(r.tolist()) for r in best_rows]
    # the folder's search (format 3): a 256-bit prefix stage, then whole codes
    staged = SignCodes(codes.codes, 384, code_prefix(codes.codes))
    for label, store in (("float32", vecs), ("float16", half)):
        for scan, sc, shorts in (("whole codes", codes, (500, 1000, 2000)),
                                 ("two-stage", staged, (1000,))):
            for short in shorts:
                rec, lat, cpu = [], [], []
                for j, q in enumerate(qs):
                    t, c = time.perf_counter(), time.process_time()
                    cand = np.sort(sc.shortlist(q, 10, count=short))
                    scores = np.asarray(store[cand], np.float32) @ q
                    got = cand[np.argsort(-scores)[:10]]
                    lat.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                    rec.append(len(top[j] & set(got.tolist())) / 10)
                print(f"  {label} rows, {scan}, shortlist {short}: recall@10 {np.mean(rec):.3f} "
                      f"(min {np.min(rec):.1f}), wall {pct(lat)}, CPU {pct(cpu)} ({queries} "
                      f"queries, load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"RSS at the end {rss()}; load average {os.getloadavg()}")


def lexical_choice(out: Path) -> None:
    """BM25 alone on the ECB+ dev queries: this engine's BM25-vector cosine (what the folder
    stores) against tantivy answering the article as a query (its terms, boosted by count), and
    tantivy's more-like-this query. Each ranking goes to ``score_similarity.py``."""
    import json
    import subprocess
    import tempfile

    import tantivy

    from components.similarity.engine import read_jsonl
    from components.similarity.lexical import LexicalIndex, tokenize

    shared = ROOT.parent / "shared" / "eval"
    arts = read_jsonl(shared / "similarity" / "ecbplus_articles.jsonl", "corpus")
    queries = [q["query_doc_id"] for q in read_jsonl(shared / "similarity" / "queries_dev.jsonl", "queries")]
    ids = [str(a["id"]) for a in arts]
    row = {i: r for r, i in enumerate(ids)}
    titles, texts = [a.get("title") or "" for a in arts], [a.get("text") or "" for a in arts]
    t = time.perf_counter()
    lex = LexicalIndex(titles, texts)
    ours_build = time.perf_counter() - t
    docs = tokenize([f"{a}\n{a}\n{b}" for a, b in zip(titles, texts, strict=True)])
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("row", stored=True, indexed=True, fast=True)
    sb.add_text_field("body", stored=True)
    schema = sb.build()
    folder = tempfile.mkdtemp(dir=OUT)
    t = time.perf_counter()
    index = tantivy.Index(schema, path=folder)
    writer = index.writer()
    for r, toks in enumerate(docs):
        doc = tantivy.Document()
        doc.add_unsigned("row", r)
        doc.add_text("body", " ".join(toks))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    tv_build = time.perf_counter() - t
    searcher = index.searcher()
    addr = {}
    for r in range(len(ids)):
        hit = searcher.search(tantivy.Query.term_query(schema, "row", r), 1).hits
        addr[r] = hit[0][1]
    runs: dict[str, list] = {"engine BM25-vector cosine": [], "tantivy article as query": [],
                             "tantivy more_like_this": []}
    times: dict[str, list] = {k: [] for k in runs}
    for q in queries:
        r = row[str(q)]
        t = time.perf_counter()
        scores = lex.cosines("bm25", r)
        scores[r] = -np.inf
        runs["engine BM25-vector cosine"].append([ids[i] for i in np.argsort(-scores)[:50]])
        times["engine BM25-vector cosine"].append(time.perf_counter() - t)
        from collections import Counter

        t = time.perf_counter()
        clauses = [(tantivy.Occur.Should, tantivy.Query.boost_query(
            tantivy.Query.term_query(schema, "body", w), float(c)))
            for w, c in Counter(docs[r]).items()]
        hits = searcher.search(tantivy.Query.boolean_query(clauses), 51).hits
        got = [searcher.doc(a)["row"][0] for _, a in hits]
        runs["tantivy article as query"].append([ids[i] for i in got if i != r][:50])
        times["tantivy article as query"].append(time.perf_counter() - t)
        t = time.perf_counter()
        mlt = tantivy.Query.more_like_this_query(addr[r], min_doc_frequency=1,
                                                 min_term_frequency=1, max_query_terms=64)
        hits = searcher.search(mlt, 51).hits
        got = [searcher.doc(a)["row"][0] for _, a in hits]
        runs["tantivy more_like_this"].append([ids[i] for i in got if i != r][:50])
        times["tantivy more_like_this"].append(time.perf_counter() - t)
    print(f"machine: {machine()}\nECB+ {len(ids)} articles, {len(queries)} dev queries; build: "
          f"engine lexical {ours_build:.2f} s, tantivy {tv_build:.2f} s")
    for name, results in runs.items():
        path = out / f"lexical_{name.split()[0]}_{len(name)}.jsonl"
        path.write_text("".join(json.dumps({"query_doc_id": q, "results": res}) + "\n"
                                for q, res in zip(queries, results, strict=True)))
        score = subprocess.run([sys.executable, str(shared / "score_similarity.py"),
                                str(shared / "similarity" / "queries_dev.jsonl"), str(path)],
                               capture_output=True, text=True).stdout.split()
        score = " ".join(score[score.index("P@5"):]) if "P@5" in score else " ".join(score)
        print(f"  {name:<28} {np.mean(times[name]) * 1000:.1f} ms/query  {score}")


def compare(n: int, queries: int) -> None:
    """The same synthetic articles in memory and from a folder, queries alternated in one run
    (a fair ratio on a loaded machine): ``similar`` and ``search_text`` p50/p95 of each."""
    import tempfile

    from bench_similarity import LookupEncoder, synthetic_articles

    from components.similarity.embed import content_hash
    from components.similarity.engine import SimilarityEngine

    items, embedded = synthetic_articles(n)
    rng = np.random.default_rng(1)
    picks = rng.integers(0, n, queries).tolist()
    texts = [" ".join(items[i][1].split()[:4]).lower() for i in picks]
    table = {q: embedded[content_hash(*items[i][1:])].title for q, i in zip(texts, picks, strict=True)}
    memory = SimilarityEngine(None, LookupEncoder(table))
    memory._embedded.update(embedded)
    memory.index_articles(items)
    path = Path(tempfile.mkdtemp(dir=OUT)) / "index"
    writer = SimilarityEngine(None, LookupEncoder(table), index_dir=path)
    writer._embedded.update(embedded)
    writer.index_articles(items)
    disk = SimilarityEngine(None, LookupEncoder(table), index_dir=path)
    same = sum([m.id for m in memory.similar(items[i][0], 10)] == [m.id for m in disk.similar(items[i][0], 10)]
               for i in picks[:10])
    print(f"machine: {machine()}\nload average {os.getloadavg()}\n{n:,} articles; identical top-10 "
          f"lists on 10 queries: {same}/10")
    for name in ("similar", "search_text"):
        times = {"memory": [], "folder": []}
        for j, i in enumerate(picks):
            for label, eng in (("memory", memory), ("folder", disk))[:: 1 if j % 2 else -1]:
                t = time.perf_counter()
                if name == "similar":
                    eng.similar(items[i][0], k=10)
                else:
                    eng.search_text(texts[j], k=10)
                times[label].append((time.perf_counter() - t) * 1000)
        m, f = times["memory"], times["folder"]
        print(f"  {name:<12} memory {pct(m)} | folder {pct(f)} | folder/memory p50 "
              f"{np.percentile(f, 50) / np.percentile(m, 50):.2f}x", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("ann")
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--out", default="/tmp/sourcelight_ann")
    sub.add_parser("lexical-choice")
    p = sub.add_parser("compare")
    p.add_argument("--articles", type=int, default=3000)
    p.add_argument("--queries", type=int, default=40)
    p = sub.add_parser("synthetic", help="write a folder of N synthetic articles directly "
                       "(kept and reused), then measure it in a fresh process")
    p.add_argument("--articles", type=int, default=1_000_000)
    p.add_argument("--dtype", choices=("f16", "f32"), default="f16")
    p.add_argument("--dir", default="/tmp/sourcelight_synthetic")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--measure-only", action="store_true")
    p.add_argument("--cold", action="store_true", help="evict the folder's files from the page "
                   "cache before opening it (posix_fadvise DONTNEED)")
    p = sub.add_parser("engine")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--chunk", type=int, default=20_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--measure-only", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "ann":
        ann(args.n, args.queries, Path(args.out))
    elif args.what == "lexical-choice":
        lexical_choice(OUT)
    elif args.what == "compare":
        compare(args.articles, args.queries)
    elif args.what == "synthetic":
        path = Path(args.dir) / f"folder_{args.articles}_{args.dtype}"
        if args.measure_only:
            measure_folder(path, args.articles, args.queries, args.cold)
            return
        print(f"machine: {machine()}\nload average {os.getloadavg()}", flush=True)
        if args.rebuild or not (path / "meta.json").exists():
            write_synthetic_folder(path, args.articles, args.dtype)
        else:
            print(f"reusing {path}")
            add_code_prefixes(path)
        import subprocess

        subprocess.run([sys.executable, __file__, "synthetic", "--articles", str(args.articles),
                        "--dtype", args.dtype, "--dir", args.dir, "--queries", str(args.queries),
                        "--measure-only"] + (["--cold"] if args.cold else []), check=True)
    else:
        path = OUT / f"folder_{args.articles}"
        if not args.measure_only:
            build_folder(path, args.articles, args.chunk)
            # measure in a fresh process: what an app replica pays after a restart
            import subprocess

            subprocess.run([sys.executable, __file__, "engine", "--articles", str(args.articles),
                            "--queries", str(args.queries), "--measure-only"], check=True)
        else:
            measure_folder(path, args.articles, args.queries)



def write_synthetic_folder(path: Path, n: int, dtype: str = "f16", words: int = 80,
                           passages: int = 2, chunk: int = 50_000) -> None:
    """Write an index folder of ``n`` synthetic articles straight into the folder's files, in
    bounded time and memory (numpy in chunks; about 2 min for 1M on an idle core).

    The same kind of corpus as ``bench_similarity.synthetic_articles`` (stories of about ten
    articles with their own topic words, four names and a centre vector; Zipf words over 30,000
    tokens; title counted twice) but **shorter**: ``words`` body words (80, not 300; news runs
    about 600) and ``passages`` passage vectors per article, and generated as token ids, not
    text: there are no texts (the folder never holds them), name words are not BM25 tokens, and
    every row is weighted with the final corpus statistics, as after ``index --rebuild``. The
    append path is not used to build it (``engine`` measures that path, at smaller sizes).
    """
    import hashlib
    import json

    from bench_similarity import FIRST, LAST, SYLLABLES

    from components.similarity import folder as F
    from components.similarity.embed import DECAY, DIM, MODEL_NAME, TITLE_WEIGHT
    from components.similarity.index import CODE_BITS, code_planes, code_prefix, sign_codes
    from components.similarity.lexical import K1, B

    t0 = time.perf_counter()
    path.mkdir(parents=True, exist_ok=True)
    for old in path.iterdir():
        old.unlink()
    rng = np.random.default_rng(0)
    V = 30_000
    syl = np.array(SYLLABLES)
    vocab, seen = [], set()
    for i in range(V):
        w = "".join(rng.choice(syl, 2 + i % 3)) + str(i % 7 or "")
        w = w if w not in seen else f"{w}x{i}"
        seen.add(w)
        vocab.append(w)
    zipf = 1.0 / np.arange(1, V + 1)
    zipf /= zipf.sum()
    persons = [f"{a} {b}" for a in FIRST for b in LAST]
    places = [f"{a}{b}{c}".title() for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
    orgs = [f"{a}{b}".title() + " Council" for a in SYLLABLES for b in SYLLABLES]
    display = persons + places + orgs
    NV = len(display)
    n_stories = max(n // 10, 1)
    story_of = rng.integers(0, n_stories, n)
    topic = rng.integers(200, V, (n_stories, 40)).astype(np.int64)
    names = np.stack([rng.integers(0, len(persons), n_stories),
                      rng.integers(0, len(persons), n_stories),
                      len(persons) + rng.integers(0, len(places), n_stories),
                      len(persons) + len(places) + rng.integers(0, len(orgs), n_stories)], 1)
    centres = rng.standard_normal((n_stories, DIM)).astype(np.float32)
    vt, dt = F._DTYPES[dtype], dtype
    planes = code_planes(DIM)
    dl = avgdl = words + 4  # every synthetic article has the same length
    # pass 1: term and name counts of every article (kept compact), document frequencies
    parts, df, ndf = [], np.zeros(V, np.int64), np.zeros(NV, np.int64)
    for s in range(0, n, chunk):
        c = min(chunk, n - s)
        st = story_of[s:s + c]
        body = rng.choice(V, size=(c, words), p=zipf)
        own = rng.random((c, words)) < 0.15
        who = np.nonzero(own)[0]
        body[own] = topic[st[who], rng.integers(0, 40, len(who))]
        title = topic[st][:, :2]
        doc = np.concatenate([title, title, body], axis=1)
        keys, tf = np.unique((np.arange(c)[:, None] * V + doc).ravel(), return_counts=True)
        rows, tok = keys // V, (keys % V).astype(np.int32)
        df += np.bincount(tok, minlength=V)
        mentions = 2 + words // 18
        picks = names[st][np.arange(c)[:, None], rng.integers(0, 4, (c, mentions))]
        picks[:, 0], picks[:, 1] = names[st, 0], names[st, 2]  # the title's two names
        nkeys, ntf = np.unique((np.arange(c)[:, None] * NV + picks).ravel(), return_counts=True)
        nrows, ncol = nkeys // NV, (nkeys % NV).astype(np.int32)
        ndf += np.bincount(ncol, minlength=NV)
        parts.append((np.bincount(rows, minlength=c), tok, tf.astype(np.uint16),
                      np.bincount(nrows, minlength=c), ncol, ntf.astype(np.uint16)))
        # vectors: title and passages around the story's centre, the article vector pooled
        noise = rng.standard_normal((c, 1 + passages, DIM)).astype(np.float32)
        x = centres[st][:, None, :] + 1.2 * noise
        x /= np.linalg.norm(x, axis=2, keepdims=True)
        art = TITLE_WEIGHT * x[:, 0] + np.einsum("p,cpd->cd", DECAY ** np.arange(passages),
                                                 x[:, 1:])
        art = (art / np.linalg.norm(art, axis=1, keepdims=True)).astype(np.float32)
        pas = x[:, 1:].reshape(-1, DIM)
        art_codes, pas_codes = sign_codes(art, planes), sign_codes(pas, planes)
        for name, arr in ((f"articles.{dt}", art.astype(vt)), (f"titles.{dt}", x[:, 0].astype(vt)),
                          (f"passages.{dt}", pas.astype(vt)),
                          ("articles.codes", art_codes), ("passages.codes", pas_codes),
                          ("articles.prefix", code_prefix(art_codes)),
                          ("passages.prefix", code_prefix(pas_codes))):
            with open(path / name, "ab") as f:
                f.write(arr.tobytes())
        owners = np.repeat(np.arange(s, s + c), passages)
        starts = np.tile(np.arange(passages) * 400, c)
        with open(path / "passage_spans.i64", "ab") as f:
            f.write(np.stack([owners, starts, starts + 399], 1).astype(np.int64).tobytes())
        first = (np.arange(s, s + c) * passages)[:, None]
        with open(path / "passage_range.i64", "ab") as f:
            f.write(np.concatenate([first, first + passages], 1).astype(np.int64).tobytes())
        print(f"  pass 1: {s + c:>9,} articles ({time.perf_counter() - t0:.0f} s, "
              f"RSS {rss()['VmRSS']:.0f} MB)", flush=True)
    # pass 2: BM25 and name weights with the final statistics, by row and by term
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    nidf = np.log((1 + n) / (1 + ndf)) + 1.0
    meta_rankers = {}
    for ranker, cols, pick in (("bm25", V, 0), ("names", NV, 3)):
        nnz = 0
        with open(path / f"{ranker}.indptr", "wb") as fp, open(path / f"{ranker}.indices", "wb") as fi, \
                open(path / f"{ranker}.data", "wb") as fd, open(path / f"{ranker}.norms", "wb") as fn:
            fp.write(np.zeros(1, np.int64).tobytes())
            for part in parts:
                lens, col, tf = part[pick], part[pick + 1], part[pick + 2].astype(np.float64)
                if ranker == "bm25":
                    w = idf[col] * tf / (tf + K1 * (1 - B + B * dl / avgdl))
                else:
                    w = (1.0 + np.log(tf)) * nidf[col]
                owner = np.repeat(np.arange(len(lens)), lens)
                norms = np.sqrt(np.bincount(owner, w ** 2, minlength=len(lens)))
                norms[norms == 0] = 1.0
                fp.write((nnz + np.cumsum(lens)).astype(np.int64).tobytes())
                fi.write(col.astype(np.int32).tobytes())
                fd.write(w.astype(np.float32).tobytes())
                fn.write(norms.tobytes())
                nnz += len(col)
        indptr = np.fromfile(path / f"{ranker}.indptr", np.int64)
        col = np.fromfile(path / f"{ranker}.indices", np.int32)
        order = np.argsort(col, kind="stable")
        np.concatenate([[0], np.cumsum(np.bincount(col, minlength=cols))]).astype(
            np.int64).tofile(path / f"{ranker}.csc1.ptr")
        del col
        np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))[order].tofile(
            path / f"{ranker}.csc1.rows")
        np.fromfile(path / f"{ranker}.data", np.float32)[order].tofile(path / f"{ranker}.csc1.data")
        del order, indptr
        meta_rankers[ranker] = {"nnz": nnz, "csc": {"gen": 1, "n": n, "nnz": nnz, "cols": cols}}
        print(f"  pass 2: {ranker} {nnz:,} weights, rows and postings "
              f"({time.perf_counter() - t0:.0f} s, RSS {rss()['VmRSS']:.0f} MB)", flush=True)
    del parts
    with open(path / "ids.txt", "w", encoding="utf-8") as f:
        f.write("".join(f"a{i}\n" for i in range(n)))
    with open(path / "hashes.txt", "w", encoding="utf-8") as f:
        f.write("".join(hashlib.sha256(f"synthetic {i}".encode()).hexdigest() + "\n"
                        for i in range(n)))
    (path / "lexical.json").write_text(json.dumps({
        "tokens": vocab, "token_df": df.tolist(), "n_docs": n, "total_len": n * dl,
        "name_keys": [d.lower() for d in display], "name_display": display,
        "name_df": ndf.tolist(), "name_mixed": [True] * NV}))
    (path / "meta.json").write_text(json.dumps({
        "format": F.FORMAT, "dim": DIM, "model": MODEL_NAME, "n": n, "m": n * passages,
        "vectors": dtype, "codes": CODE_BITS, **meta_rankers, "generation": 1}))
    print(f"wrote {path}: {n:,} articles, {n * passages:,} passages, {dtype} vectors, "
          f"{sum(f.stat().st_size for f in path.iterdir()) / 2**30:.2f} GiB in "
          f"{time.perf_counter() - t0:.0f} s (load {os.getloadavg()[0]:.1f}, peak RSS "
          f"{rss()['VmHWM']:.0f} MB)", flush=True)


def build_folder(path: Path, n: int, chunk: int) -> None:
    """Append ``n`` synthetic articles to the folder ``path`` in parts of ``chunk`` (resumes)."""
    from bench_similarity import synthetic_articles

    from components.similarity.engine import SimilarityEngine

    engine = SimilarityEngine(None, None, index_dir=path)
    have = len(engine)
    print(f"machine: {machine()}\nbuilding {path} to {n:,} articles from {have:,}, parts of "
          f"{chunk:,}", flush=True)
    t0 = time.perf_counter()
    for s in range(have - have % chunk, n, chunk):
        t = time.perf_counter()
        items, embedded = synthetic_articles(n, first=s, count=min(chunk, n - s))
        made = time.perf_counter() - t
        engine._embedded.update(embedded)  # vectors known: nothing is encoded
        t = time.perf_counter()
        stats = engine.index_articles(items)
        assert stats.embedded == 0
        print(f"  {s + len(items):>9,} articles: made {made:.0f} s, appended {time.perf_counter() - t:.0f} s"
              f" (total {time.perf_counter() - t0:.0f} s, load {os.getloadavg()[0]:.1f}, "
              f"RSS {rss()['VmRSS']:.0f} MB, peak {rss()['VmHWM']:.0f} MB)", flush=True)
        del items, embedded


def add_code_prefixes(path: Path) -> None:
    """Bring a format-2 synthetic folder of this bench to format 3 in place: its
    ``*.prefix`` files are the first words of the codes it holds, exactly what
    ``write_synthetic_folder`` writes now (the product refuses format 2 and rebuilds; a bench
    folder of a million rows is cheaper to complete than to write again)."""
    import json

    from components.similarity import folder as F
    from components.similarity.index import CODE_BITS, CODE_PREFIX_WORDS

    meta = json.loads((path / "meta.json").read_text())
    if meta.get("format") != 2 or F.FORMAT != 3:
        return
    t = time.perf_counter()
    for stem, rows in (("articles", meta["n"]), ("passages", meta["m"])):
        codes = np.memmap(path / f"{stem}.codes", np.uint64, "r", shape=(rows, CODE_BITS // 64))
        with open(path / f"{stem}.prefix", "wb") as f:
            for s in range(0, rows, 500_000):
                f.write(np.ascontiguousarray(codes[s:s + 500_000, :CODE_PREFIX_WORDS]).tobytes())
    meta["format"] = 3
    (path / "meta.json.tmp").write_text(json.dumps(meta))
    os.replace(path / "meta.json.tmp", path / "meta.json")
    print(f"format 2 -> 3: wrote the code prefixes of {path} in {time.perf_counter() - t:.1f} s")


def evict(path: Path) -> None:
    """Drop every file of the folder from the page cache (``posix_fadvise`` DONTNEED on each),
    so that the open and the first queries read from disk: a cold start after a reboot."""
    for f in path.iterdir():
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def measure_folder(path: Path, n: int, queries: int, cold: bool = False) -> None:
    """Open the folder read-only in this (fresh) process and time the queries (``cold``:
    after evicting the folder's files from the page cache, ``evict``)."""
    import json

    from bench_similarity import LookupEncoder

    from components.similarity.engine import SimilarityEngine

    start = rss()
    rows_n = int(json.loads((path / "meta.json").read_text())["n"])
    table_rows = np.random.default_rng(1).integers(0, rows_n, queries)
    if cold:
        evict(path)
    t, c = time.perf_counter(), time.process_time()
    holder: dict[str, np.ndarray] = {}
    engine = SimilarityEngine(None, LookupEncoder(holder), index_dir=path)
    opened, opened_cpu = time.perf_counter() - t, time.process_time() - c
    after_open = rss()
    first = {}
    if cold:  # the first query of each kind right after a cold open (pages read from disk)
        r0 = int(table_rows[0])
        t = time.perf_counter()
        engine.similar(engine._folder.ids[r0], k=10)
        first["similar"] = time.perf_counter() - t
        holder["first query"] = np.asarray(engine._folder.title_vectors[r0])
        t = time.perf_counter()
        engine.search_text("first query", k=10)
        first["search_text"] = time.perf_counter() - t
    folder = engine._folder
    n = len(engine)
    disk = sum(f.stat().st_size for f in path.iterdir()) / 2**30
    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    print(f"opened {path} read-only: {n:,} articles, {folder.passages:,} passages, "
          f"{disk:.1f} GiB on disk ({folder.vector_dtype} vectors), "
          f"{'COLD (every file evicted from the page cache first)' if cold else 'warm'}, in "
          f"{opened:.2f} s wall, {opened_cpu:.2f} s CPU; "
          f"approximate (sign codes) for articles {engine._articles.approximate}, passages "
          f"{engine._passages.approximate}")
    print(f"  RSS before open {start['VmRSS']:.0f} MB, after open {after_open['VmRSS']:.0f} MB "
          f"(anon {after_open['RssAnon']:.0f}, file {after_open['RssFile']:.0f})", flush=True)
    if first:
        print(f"  first queries after the cold open: similar {first['similar']:.2f} s, "
              f"search_text {first['search_text']:.2f} s (wall)", flush=True)
    ids = [folder.ids[r] for r in table_rows.tolist()]
    # text queries: the first words of a title (two names and topic words of its story), the
    # query vector the title's stored vector (encoding excluded)
    texts = []
    from bench_similarity import synthetic_articles  # noqa: F401  (same generator built it)
    for j, r in enumerate(table_rows.tolist()):
        q = f"query {j}"
        holder[q] = np.asarray(folder.title_vectors[r])
        texts.append(q)
    words = {}
    for j, r in enumerate(table_rows.tolist()):
        row_names = engine._lexical.row_names(r)
        toks = engine._lexical.bm25.take([r], normalised=False)
        top = toks.indices[np.argsort(-toks.data)[:3]]
        vocab = list(engine._lexical.tokens)
        name = next(iter(row_names.values()), "")
        words[texts[j]] = f"{name} " + " ".join(vocab[c] for c in top.tolist())
    real_texts = []
    for q in texts:
        holder[words[q]] = holder[q]
        real_texts.append(words[q])
    for name, call, args in (("similar(id, k=10)", engine.similar, ids),
                             ("search_text(q, k=10)", engine.search_text, real_texts)):
        times, cpu = [], []
        for a in args:
            t, c = time.perf_counter(), time.process_time()
            call(a, k=10)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        # CPU time of this process per query: what a query costs, whatever share of the cores
        # the scheduler gave it (on a loaded machine wall time is mostly waiting for a core)
        print(f"  {name:<22} wall {pct(times)}; CPU {pct(cpu)}  ({len(times)} queries, first "
              f"call {times[0]:.0f} ms wall; load {os.getloadavg()[0]:.1f})", flush=True)
    end = rss()
    print(f"  RSS after the queries {end['VmRSS']:.0f} MB (anon {end['RssAnon']:.0f}, file-backed "
          f"memory-mapped {end['RssFile']:.0f}), peak {end['VmHWM']:.0f} MB; whole engine per 100k "
          f"articles: {end['VmRSS'] / n * 1e5:.0f} MB (anon {end['RssAnon'] / n * 1e5:.0f} MB)")
    if engine._articles.approximate:  # recall@10 of the article search against exact
        from components.similarity.index import search_rows

        rec, vecs = [], engine._articles.vectors
        for r in table_rows[:20].tolist():
            q = vecs[r]
            truth = set(search_rows(vecs, q, 11)[0].tolist()) - {r}
            got = {engine._articles.row(i) for i, _ in engine._articles.search(q, 10, exclude=[folder.ids[r]])}
            rec.append(len(truth & got) / max(len(truth), 1))
        print(f"  article search recall@10 against exact float32-of-stored: {np.mean(rec):.3f} "
              f"(20 stored articles as queries)", flush=True)

if __name__ == "__main__":
    main()
