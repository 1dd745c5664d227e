"""Benchmark: how big the review queue is, what it costs, and how many wrong names it holds.

Analyses the first N bundled articles (``seeds/``) with the current pipeline and prints, in one
run on one machine: the attributions by ``source_status``, how many the review queue
(``components.attribution.review``) holds and by which flag, and the queue's time as a share of
the analysis time (parse + entities + attribution). With ``--score`` (needs ``../shared``) it also
scores the identity development set with the shared scorer's own ``score_doc``, once for the
queued predictions and once for the rest: the wrong-name rate inside the queue against outside it
says whether the queue is where the errors are. Run from the repository root:

    .venv/bin/python bench/bench_review.py [-n 60] [--score]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT.parent / "shared" / "eval" / "attribution" / "wikinews_identity_dev.jsonl"


def library(n: int) -> None:
    from components.analysis import analyze
    from components.articles import load_seeds
    from components.attribution.review import review_queue
    from components.nlp import load_nlp

    nlp = load_nlp()
    articles = load_seeds(ROOT / "seeds").articles[:n]
    status: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    atts = queued = 0
    t_analysis = t_queue = 0.0
    for article in articles:
        t0 = time.perf_counter()
        analysis = analyze(article, nlp)
        t1 = time.perf_counter()
        items = review_queue(article, analysis)
        t_queue += time.perf_counter() - t1
        t_analysis += t1 - t0
        atts += len(analysis.attributions)
        status.update(a.source_status for a in analysis.attributions if a.source is not None)
        queued += len(items)
        for it in items:
            flags.update(it.flags)
    print(f"{len(articles)} bundled articles, {atts} attributions; sources by status {dict(status)}")
    print(f"queued for review: {queued} ({queued / max(atts, 1):.1%}); by flag {dict(flags.most_common())}")
    print(f"analysis {t_analysis:.2f} s, review queue {t_queue * 1000:.1f} ms "
          f"({t_queue / max(t_analysis, 1e-9):.2%} of the analysis)")


def score() -> None:
    sys.path.insert(0, str(GOLD.parent.parent))
    from score_attribution import score_doc

    from components.analysis import analyze_doc
    from components.attribution import to_contract
    from components.attribution.review import review_queue
    from components.nlp import load_nlp
    from components.records import Article

    nlp = load_nlp()
    keys = ("n_pred", "named_gold_matched", "who_resolved", "wrong_names")
    tot = {part: dict.fromkeys(keys, 0) for part in ("queued", "rest")}
    with GOLD.open(encoding="utf-8") as f:
        for line in f:
            gold = json.loads(line)
            text = gold["text"]
            analysis = analyze_doc(str(gold["id"]), nlp(text), "bench")
            queued = {it.index for it in review_queue(Article(str(gold["id"]), text), analysis)}
            preds = [to_contract(a, text) for a in analysis.attributions]
            for part, keep in (("queued", True), ("rest", False)):
                out = score_doc(gold, {"attributions": [p for i, p in enumerate(preds) if (i in queued) == keep]},
                                0.5)
                for k in keys:
                    tot[part][k] += out[k]
    for part, t in tot.items():
        rate = t["wrong_names"] / max(t["named_gold_matched"], 1)
        print(f"{GOLD.name}, {part}: {t['n_pred']} predictions; wrong names {t['wrong_names']} of "
              f"{t['named_gold_matched']} matched named gold ({rate:.1%}); who_resolved right {t['who_resolved']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=60, help="bundled articles to analyse (default 60)")
    ap.add_argument("--score", action="store_true", help="also score the identity dev set (needs ../shared)")
    args = ap.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    library(args.n)
    if args.score:
        if not GOLD.exists():
            print(f"{GOLD} not found: --score needs ../shared", file=sys.stderr)
            return 2
        score()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
