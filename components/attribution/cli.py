"""Command line for the attribution contract: ``{id, text}`` lines in, ``{id, attributions}`` out.

``python -m components attribute IN.jsonl -o OUT.jsonl`` runs :func:`attribute_jsonl`
(``python -m components.attribution.cli`` is the same without the main CLI). Articles are parsed
with ``nlp.pipe``; each output ``id`` is the input's, unchanged (string or number). A malformed
input line (not JSON, not UTF-8, no ``id`` or ``text``) is reported with its line number and
skipped, never a crash; a UTF-16 file (with its byte-order mark) is read as such. A missing,
unreadable or empty input file, or one without a single usable line, is a ``BadInput``: one line
on standard error and exit status 2.
"""
from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from components.attribution import extract_attributions, to_contract
from components.errors import BadInput, SourcelightError


def _lines(in_path: Path) -> Iterator[tuple[int, bytes | str]]:
    try:
        raw = in_path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{in_path}: cannot read the input file ({exc.strerror})") from exc
    if not raw.strip():
        raise BadInput(f"{in_path}: the file is empty")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            yield from enumerate(raw.decode("utf-16").splitlines(), 1)
            return
        except UnicodeDecodeError as exc:
            raise BadInput(f"{in_path}: starts as UTF-16 but is not valid UTF-16 text") from exc
    yield from enumerate(raw.removeprefix(codecs.BOM_UTF8).split(b"\n"), 1)


def _read(in_path: Path, warnings: list[str]) -> Iterator[tuple[str | int, str]]:
    for n, chunk in _lines(in_path):
        if isinstance(chunk, bytes):
            try:
                line = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                warnings.append(f"{in_path}:{n}: not UTF-8 text (bad byte at column {exc.start + 1}); line skipped")
                continue
        else:
            line = chunk
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"{in_path}:{n}: not JSON ({exc.msg}); line skipped")
            continue
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("id"), str | int)
            or isinstance(obj.get("id"), bool)
            or not isinstance(obj.get("text"), str)
        ):
            warnings.append(f"{in_path}:{n}: needs an 'id' (string or number) and a string 'text'; line skipped")
            continue
        yield obj["id"], obj["text"]


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
    if not items:
        first = f" (first problem: {warnings[0]})" if warnings else ""
        raise BadInput(f"{in_path}: no line with an 'id' and a 'text'{first}")
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
