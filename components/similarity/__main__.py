"""``python -m components.similarity CORPUS.jsonl --queries Q.jsonl -k 50 -o OUT.jsonl``.

The same contract as ``python -m components similar`` (both call ``similar_jsonl``), with
``--db URL`` to keep the vectors in any database between runs (how bench/similarity.md measures).
"""
from __future__ import annotations

import argparse
import sys

from components.errors import SourcelightError


def _progress(done: int, total: int) -> None:
    print(f"\rindexing {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m components.similarity", description=__doc__)
    ap.add_argument("corpus", help="JSONL lines {id, title, text}")
    ap.add_argument("--queries", required=True, help="JSONL lines with query_doc_id")
    ap.add_argument("-k", type=int, default=50, help="results per query (default 50)")
    ap.add_argument("-o", "--out", required=True, help="output JSONL")
    ap.add_argument("--db", help="SQLAlchemy URL of an embedding cache (e.g. sqlite:///emb.db)")
    ap.add_argument("--index-dir", help="index into this folder and search from it (as an app would)")
    ap.add_argument("--vectors", choices=("f16", "f32"), default=None,
                    help="precision of the vectors in a new --index-dir (default f16)")
    args = ap.parse_args(argv)
    try:
        db = None
        if args.db:
            import sqlalchemy as sa

            db = sa.create_engine(args.db)
        from components.similarity.engine import similar_jsonl

        n = similar_jsonl(args.corpus, args.queries, args.k, args.out, _progress, db=db,
                          index_dir=args.index_dir, vector_dtype=args.vectors)
    except SourcelightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {n} queries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
