"""Benchmark: attribution rules on top of the spaCy parse, on the PolNeAR dev articles.

Measures, in one run and on the same machine, the parse time (``nlp.pipe`` over every article)
and the extra time of ``extract_attributions`` on the parsed docs (entity grouping, extraction and
speaker resolution: the path the app's analysis and the ``attribute`` command take), and prints the ratio (target:
the rules add at most 25% to the parse) together with the machine. With ``--score`` it also
writes the contract file and runs the shared scorer on it; ``--split N`` then also scores the
first N articles and the rest separately (the overfitting check: rules tuned on the first part
must move the held-out rest the same way). Run from the repository root:

    .venv/bin/python bench/bench_attribution.py [--repeat 3] [--score] [--split 60]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT.parent / "shared" / "eval" / "attribution" / "polnear_dev.jsonl"
SCORER = ROOT.parent / "shared" / "eval" / "score_attribution.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--repeat", type=int, default=3, help="rule passes (the best one is kept)")
    ap.add_argument("--score", action="store_true", help="also write predictions and score them")
    ap.add_argument("--split", type=int, default=0,
                    help="with --score: also score the first N articles and the rest apart")
    args = ap.parse_args()
    if not args.gold.is_file():
        print(f"error: {args.gold} not found (needs ../shared)", file=sys.stderr)
        return 2
    from components.attribution import RULES_VERSION, extract_attributions, to_contract
    from components.nlp import load_nlp, pipeline_id

    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    texts = [r["text"] for r in rows]
    nlp = load_nlp()
    list(nlp.pipe(texts[:2]))  # warm-up
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse_s = time.perf_counter() - t0
    rule_times = []
    for _ in range(max(args.repeat, 1)):
        t0 = time.perf_counter()
        results = [extract_attributions(d) for d in docs]
        rule_times.append(time.perf_counter() - t0)
    rules_s = min(rule_times)
    n_attr = sum(len(r) for r in results)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"pipeline: {pipeline_id(nlp)}; rules: {RULES_VERSION}")
    print(f"articles: {len(texts)}, characters: {sum(map(len, texts))}, attributions: {n_attr}")
    print(f"parse (nlp.pipe): {parse_s:.2f} s ({1000 * parse_s / len(texts):.1f} ms/article)")
    print(f"attribution rules: {rules_s:.3f} s ({1000 * rules_s / len(texts):.2f} ms/article, "
          f"best of {len(rule_times)})")
    print(f"rules / parse: {100 * rules_s / parse_s:.1f}% (target <= 25%)")
    print(f"parse + rules: {parse_s + rules_s:.2f} s (target < 60 s)")
    if args.score:
        out = ROOT / "data" / "bench_attribution_pred.jsonl"
        out.parent.mkdir(exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for row, attrs in zip(rows, results, strict=True):
                line = {"id": row["id"], "attributions": [to_contract(a, row["text"]) for a in attrs]}
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        subprocess.run([sys.executable, str(SCORER), str(args.gold), str(out)], check=True)
        if 0 < args.split < len(rows):
            _score_split(args.gold, out, args.split)
    return 0


def _score_split(gold: Path, pred: Path, n: int) -> None:
    """Score articles [0, n) and [n, end) apart with the shared scorer."""
    import tempfile

    golds = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = [line for line in pred.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for name, part in ((f"first {n}", slice(0, n)), (f"last {len(golds) - n}", slice(n, None))):
            g, p = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
            g.write_text("\n".join(golds[part]) + "\n", encoding="utf-8")
            p.write_text("\n".join(preds[part]) + "\n", encoding="utf-8")
            print(f"\n== {name} articles ==", flush=True)
            subprocess.run([sys.executable, str(SCORER), str(g), str(p)], check=True)


if __name__ == "__main__":
    sys.exit(main())
