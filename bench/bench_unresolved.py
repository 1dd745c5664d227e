"""Benchmark: how many of the library's attributions keep an unresolved source, and of which class.

Reads the analyses already in the library (``SOURCELIGHT_DB``; ingest ``seeds/`` first) for the
current pipeline version and counts attributions by ``source_status`` (named / resolved /
unresolved), the unresolved ones by the class of their source phrase: a personal pronoun
("he", "they"), a speaker pronoun ("I", "we", "you"), a relative word ("who", "which", "that"),
"the latter/former", a definite description ("the judge", "the defendants"), or another phrase.
It also checks that no source row of the corpus breakdown is named by a pronoun, relative word or
nothing. Run from the repository root:

    SOURCELIGHT_DB=/tmp/lib.db .venv/bin/python -m components ingest seeds/
    SOURCELIGHT_DB=/tmp/lib.db .venv/bin/python bench/bench_unresolved.py
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLASSES = (
    ("personal pronoun", re.compile(r"^(he|she|him|her|his|it|its|they|them|their)$", re.I)),
    ("speaker pronoun", re.compile(r"^(i|me|we|us|you|your|our|my)$", re.I)),
    ("relative word", re.compile(r"^(who|whom|whose|which|that)$", re.I)),
    ("the latter / the former", re.compile(r"^(the\s+)?(latter|former)$", re.I)),
    ("definite description", re.compile(r"^(the|this|that|these|those|both)\s+", re.I)),
)


def source_class(phrase: str) -> str:
    """The class of an unresolved source phrase (see the module docstring)."""
    phrase = " ".join(phrase.split())
    for name, pattern in CLASSES:
        if pattern.match(phrase):
            return name
    return "other phrase"


def main() -> int:
    from components.analysis import pipeline_version
    from components.attribution.identity import load_rules
    from components.nlp import load_nlp
    from components.sources import breakdown_rows, corpus_breakdown
    from components.store import Store

    store = Store(None)
    version = pipeline_version(load_nlp())
    items = list(store.iter_analysed(version))
    if not items:
        print(f"no analyses for {version} in {store.url}: ingest seeds/ first", file=sys.stderr)
        return 2
    status: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    examples: dict[str, Counter[str]] = {}
    for article, analysis in items:
        for a in analysis.attributions:
            if a.source is None:
                status["no source in the text"] += 1
                continue
            status[a.source_status] += 1
            if a.source_status == "unresolved":
                phrase = a.source.text(article.text)
                cls = source_class(phrase)
                classes[cls] += 1
                examples.setdefault(cls, Counter())[" ".join(phrase.lower().split())[:40]] += 1
    total = sum(status.values())
    print(f"library: {len(items)} articles, {total} attributions ({store.url}, {version})")
    for key in ("named", "resolved", "unresolved", "no source in the text"):
        print(f"  {key:<24}{status[key]:>6}  {status[key] / max(total, 1):6.1%}")
    print("unresolved, by class of the source phrase:")
    for cls, n in classes.most_common():
        common = ", ".join(f"{w!r} {k}" for w, k in examples[cls].most_common(5))
        print(f"  {cls:<24}{n:>6}  e.g. {common}")
    never = load_rules().never_names

    def never_a_name(name: str) -> bool:
        words = re.findall(r"[\w'’]+", name or "")
        if any(len(w) > 1 and w.isupper() for w in words):
            return False  # an acronym in capitals ('WHO', 'US') is a name
        words = [w.lower() for w in words if w.lower() != "the"]
        return not words or all(w in never for w in words)

    rows = breakdown_rows(corpus_breakdown([(a, ana.attributions) for a, ana in items]))
    bad = [r["source"] for r in rows if never_a_name(r["source"])]
    print(f"corpus breakdown rows: {len(rows)}; named by a pronoun, relative word or nothing: {len(bad)}"
          + (f" {bad[:10]}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
