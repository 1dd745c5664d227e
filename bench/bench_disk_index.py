"""Benchmarks for the similarity index served from disk (figures go to bench/similarity.md).

    .venv/bin/python bench/bench_disk_index.py ann --n 1000000          # build once, then measure
    .venv/bin/python bench/bench_disk_index.py engine --articles 100000 # build the folder, measure

ann: the article-vector graph alone over synthetic clustered 384-d unit vectors (the generator of
``bench_similarity.py``), built once into ``bench/out/`` and reused: time to open the saved
graph memory-mapped (``usearch`` ``restore(view=True)``), recall@10 against exact search and
p50/p95 for several search beams (``expansion_search``) and rescoring depths (``ANN_OVERSAMPLE``),
and the process RSS. engine: a whole ``SimilarityEngine`` index folder over synthetic articles
(``bench_similarity.synthetic_articles``, vectors injected, nothing encoded), appended in batches
as a writer would, then reopened read-only in a fresh process: open time, ``similar(id, k=10)``
and ``search_text(q, k=10)`` p50/p95 with encoding excluded, and RSS split into anonymous and
file-backed (memory-mapped) pages.
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

from bench_similarity import clustered, machine, pct  # noqa: E402

OUT = ROOT / "bench" / "out"


def rss() -> dict[str, float]:
    """Resident memory of this process in MB: total, anonymous, file-backed (mmap'd index)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(val.split()[0]) / 1024
    return out


def ann(n: int, queries: int) -> None:
    from usearch.index import Index

    from components.similarity.index import CONNECTIVITY, EXPANSION_ADD, GRAPH_DTYPE

    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    vec_path, graph_path = OUT / f"ann_{n}.f32", OUT / f"ann_{n}.usearch"
    rng = np.random.default_rng(0)
    if not vec_path.exists():
        vecs = clustered(n, rng)
        vecs.tofile(vec_path)
        del vecs
    vecs = np.memmap(vec_path, np.float32, "r", shape=(n, 384))
    if not graph_path.exists():
        index = Index(ndim=384, metric="ip", dtype=GRAPH_DTYPE, connectivity=CONNECTIVITY,
                      expansion_add=EXPANSION_ADD)
        t = time.perf_counter()
        for s in range(0, n, 100_000):
            e = min(n, s + 100_000)
            index.add(np.arange(s, e, dtype=np.uint64), np.asarray(vecs[s:e]))
            print(f"  added {e:,} in {time.perf_counter() - t:.0f} s", flush=True)
        index.save(str(graph_path))
        print(f"built {n:,} (connectivity {CONNECTIVITY}, expansion_add {EXPANSION_ADD}, "
              f"{GRAPH_DTYPE}) in {time.perf_counter() - t:.0f} s")
        del index
    before = rss()
    t = time.perf_counter()
    view = Index.restore(str(graph_path), view=True)
    opened = time.perf_counter() - t
    print(f"open saved graph (view, memory-mapped): {opened * 1000:.0f} ms, {len(view):,} vectors;"
          f" RSS before {before}, after {rss()}")
    rng = np.random.default_rng(1)
    qs = np.asarray(vecs[rng.integers(0, n, queries)]) + 0.05 * rng.standard_normal((queries, 384))
    qs = (qs / np.linalg.norm(qs, axis=1, keepdims=True)).astype(np.float32)
    truth = []
    for s in range(0, n, 100_000):
        truth.append(np.asarray(vecs[s:s + 100_000]) @ qs.T)
    exact = np.concatenate(truth)
    top = [set(np.argpartition(-exact[:, j], 10)[:10].tolist()) for j in range(queries)]
    del exact, truth
    for es in (512, 2048):
        view.expansion_search = es
        for over in (10, 50, 100, 200):
            rec, lat = [], []
            for j, q in enumerate(qs):
                t = time.perf_counter()
                keys = np.asarray(view.search(q, over).keys, dtype=np.int64)
                scores = np.asarray(vecs[np.sort(keys)]) @ q
                got = np.sort(keys)[np.argsort(-scores)[:10]]
                lat.append((time.perf_counter() - t) * 1000)
                rec.append(len(top[j] & set(got.tolist())) / 10)
            print(f"  expansion_search {es}, rescore top {over}: recall@10 {np.mean(rec):.3f}, "
                  f"{pct(lat)} ({queries} queries)", flush=True)
    print(f"RSS at the end {rss()}")


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
    sub.add_parser("lexical-choice")
    p = sub.add_parser("compare")
    p.add_argument("--articles", type=int, default=3000)
    p.add_argument("--queries", type=int, default=40)
    p = sub.add_parser("engine")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--chunk", type=int, default=20_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--measure-only", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.what == "ann":
        ann(args.n, args.queries)
    elif args.what == "lexical-choice":
        lexical_choice(OUT)
    elif args.what == "compare":
        compare(args.articles, args.queries)
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


def measure_folder(path: Path, n: int, queries: int) -> None:
    """Open the folder read-only in this (fresh) process and time the queries."""
    from bench_similarity import LookupEncoder

    from components.similarity.engine import SimilarityEngine
    from components.similarity.folder import IndexFolder

    start = rss()
    t = time.perf_counter()
    probe = IndexFolder(path)
    table_rows = np.random.default_rng(1).integers(0, len(probe), queries)
    del probe
    t = time.perf_counter()
    holder: dict[str, np.ndarray] = {}
    engine = SimilarityEngine(None, LookupEncoder(holder), index_dir=path)
    opened = time.perf_counter() - t
    after_open = rss()
    folder = engine._folder
    n = len(engine)
    disk = sum(f.stat().st_size for f in path.iterdir()) / 2**30
    print(f"machine: {machine()}\nload average {os.getloadavg()}")
    print(f"opened {path} read-only: {n:,} articles, {folder.passages:,} passages, "
          f"{disk:.1f} GiB on disk, in {opened:.2f} s; graphs: "
          f"{ {k: v[1] for k, v in folder.graphs.items()} }")
    print(f"  RSS before open {start['VmRSS']:.0f} MB, after open {after_open['VmRSS']:.0f} MB "
          f"(anon {after_open['RssAnon']:.0f}, file {after_open['RssFile']:.0f})", flush=True)
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
        times = []
        for a in args:
            t = time.perf_counter()
            call(a, k=10)
            times.append((time.perf_counter() - t) * 1000)
        print(f"  {name:<22} {pct(times)}  ({len(times)} queries, first call "
              f"{times[0]:.0f} ms)", flush=True)
    end = rss()
    print(f"  RSS after the queries {end['VmRSS']:.0f} MB (anon {end['RssAnon']:.0f}, file-backed "
          f"memory-mapped {end['RssFile']:.0f}), peak {end['VmHWM']:.0f} MB; whole engine per 100k "
          f"articles: {end['VmRSS'] / n * 1e5:.0f} MB (anon {end['RssAnon'] / n * 1e5:.0f} MB)")

if __name__ == "__main__":
    main()
