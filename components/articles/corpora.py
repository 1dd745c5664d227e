"""Corpus files: JSONL (one JSON object a line) and CSV (a header row with a ``text`` column),
each line or row an article; bad lines are rejected by line number and the rest still load.

May import components.errors, components.records and components.articles.canonical / .decoding /
.limits / .parse / .report.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from components.articles.canonical import canonical_text
from components.articles.decoding import decode_bytes
from components.articles.limits import CORPUS_FIELDS, MAX_ARTICLE_CHARS
from components.articles.parse import _clean, parse_article
from components.articles.report import LoadReport
from components.errors import BadInput
from components.records import Article


def _record_to_article(record: object, where: str, origin_base: str) -> Article:
    if not isinstance(record, dict):
        raise BadInput(f"{where}: is not a JSON object with a 'text' field")
    text = record.get("text")
    if text is None:
        raise BadInput(f"{where}: has no 'text' field")
    if not isinstance(text, str):
        raise BadInput(f"{where}: 'text' is not a string")
    if not text.strip():
        raise BadInput(f"{where}: 'text' is empty")
    rid = _clean(record.get("id"))
    return parse_article(
        text,
        origin=f"{origin_base}#{rid}" if rid else where,
        title=record.get("title") if isinstance(record.get("title"), str) else None,
        outlet=record.get("outlet") if isinstance(record.get("outlet"), str) else None,
        author=record.get("author") if isinstance(record.get("author"), str) else None,
        date=_clean(record.get("date")) or None,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
    )


def _problem(exc: BadInput, where: str) -> str:
    message = str(exc)
    return message[len(where) + 2 :] if message.startswith(f"{where}: ") else message


def _load_jsonl(data: bytes, name: str, report: LoadReport) -> None:
    text, warns = decode_bytes(data, name)
    report.warnings.extend(f"{name}: {w}" for w in warns)
    before = len(report.articles) + len(report.skipped)
    bad = 0
    for lineno, line in enumerate(canonical_text(text).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name} line {lineno}"
        try:
            record = json.loads(line)
            article = _record_to_article(record, where, f"corpus:{Path(name).name}")
        except json.JSONDecodeError as exc:
            report.reject(where, f"not valid JSON ({exc.msg}, column {exc.colno})")
            bad += 1
            continue
        except RecursionError:
            # json recurses once per level: a line nested 200,000 deep would end the whole load
            report.reject(where, "JSON nested too deeply to read (an article record is one flat object)")
            bad += 1
            continue
        except BadInput as exc:
            report.reject(where, _problem(exc, where))
            bad += 1
            continue
        report.add(article, article.origin)
    if len(report.articles) + len(report.skipped) == before:
        first = report.rejected[-bad] if bad else None
        detail = f"; first problem: {first[0]}: {first[1]}" if first else ""
        raise BadInput(f"{name}: no article could be read from it ({bad} bad lines{detail})")


def _load_csv(data: bytes, name: str, report: LoadReport) -> None:
    text, warns = decode_bytes(data, name)
    report.warnings.extend(f"{name}: {w}" for w in warns)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_CHARS * 4))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{name}: the CSV file has no header row") from None
    except csv.Error as exc:
        raise BadInput(f"{name}: is not a readable CSV file ({exc})") from None
    columns = [h.strip().lstrip("\ufeff").lower() for h in header]
    if "text" not in columns:
        shown = ", ".join(repr(c) for c in columns[:10]) or "none"
        raise BadInput(
            f"{name}: the CSV has no 'text' column (its columns: {shown}); "
            f"a corpus CSV has columns {', '.join(CORPUS_FIELDS)} (only text is required)"
        )
    before = len(report.articles) + len(report.skipped)
    bad = 0
    while True:
        first_line = reader.line_num + 1  # a quoted text may span lines: name the first
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.reject(f"{name} line {first_line}", f"CSV error ({exc}); rest not read")
            bad += 1
            break
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name} line {first_line}"
        record = {col: row[k] for k, col in enumerate(columns) if k < len(row) and col}
        try:
            article = _record_to_article(record, where, f"corpus:{Path(name).name}")
        except BadInput as exc:
            report.reject(where, _problem(exc, where))
            bad += 1
            continue
        report.add(article, article.origin)
    if len(report.articles) + len(report.skipped) == before:
        raise BadInput(f"{name}: no article could be read from it ({bad} bad rows)")
