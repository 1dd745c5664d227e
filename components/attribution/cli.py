"""Command line for the attribution contract: ``{id, text}`` lines in, ``{id, attributions}`` out.

Run as ``python -m components.attribution.cli IN.jsonl -o OUT.jsonl`` (until the main CLI
wires ``python -m components attribute``). Articles are parsed with ``nlp.pipe``; a malformed
input line is reported with its line number and skipped, never a crash; a missing or
unreadable input file is a ``BadInput`` with one line on standard error and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from components.attribution import extract_attributions, to_contract
from components.errors import BadInput, SourcelightError


def _read(in_path: Path, warnings: list[str]) -> Iterator[tuple[str, str]]:
    try:
        fh = in_path.open(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{in_path}: cannot read the input file ({exc.strerror})") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                warnings.append(f"{in_path}:{n}: not JSON ({exc.msg}); line skipped")
                continue
            if not isinstance(obj, dict) or "id" not in obj or not isinstance(obj.get("text"), str):
                warnings.append(f"{in_path}:{n}: needs an 'id' and a string 'text'; line skipped")
                continue
            yield str(obj["id"]), obj["text"]


def attribute_jsonl(in_path, out_path, nlp, progress: Callable[[int], None] | None = None) -> dict:
    """Extract attributions for every article of a JSONL file.

    Args:
        in_path: JSONL file of ``{"id", "text"}`` objects.
        out_path: where to write ``{"id", "attributions": [...]}`` lines (the contract).
        nlp: the loaded spaCy pipeline.
        progress: called with the number of articles done after each article.

    Returns:
        Counts: ``articles``, ``attributions``, ``skipped`` and the ``warnings`` list (one line
        per malformed input line, with its line number).

    Raises:
        components.errors.BadInput: the input file cannot be read or the output not written.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    warnings: list[str] = []
    items = list(_read(in_path, warnings))
    n_attr = 0
    try:
        out = out_path.open("w", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{out_path}: cannot write the output file ({exc.strerror})") from exc
    with out:
        docs = nlp.pipe((text for _, text in items), batch_size=16)
        for done, ((doc_id, text), doc) in enumerate(zip(items, docs, strict=True), 1):
            attrs = extract_attributions(doc)
            n_attr += len(attrs)
            line = {"id": doc_id, "attributions": [to_contract(a, text) for a in attrs]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            if progress is not None:
                progress(done)
    return {"articles": len(items), "attributions": n_attr, "skipped": len(warnings),
            "warnings": warnings}


def main(argv: list[str] | None = None) -> int:
    """Entry point; prints a summary, the warnings, and errors as one line each."""
    ap = argparse.ArgumentParser(prog="python -m components.attribution.cli",
                                 description="Who said what, for each article of a JSONL file.")
    ap.add_argument("input", help="JSONL lines with 'id' and 'text'")
    ap.add_argument("-o", "--output", required=True, help="JSONL output (the contract)")
    args = ap.parse_args(argv)
    try:
        from components.nlp import load_nlp

        counts = attribute_jsonl(args.input, args.output, load_nlp())
    except SourcelightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for w in counts["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    print(f"{counts['articles']} articles, {counts['attributions']} attributions, "
          f"{counts['skipped']} lines skipped -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
