"""Loaders: an upload's bytes, a file, files and folders, the bundled seeds and pasted text become
articles in a ``LoadReport``, by file type, with sizes checked before reading.

May import components.errors, components.records and the other components.articles modules
except .urls; never the store or the service.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from components.articles.corpora import _load_csv, _load_jsonl, _problem
from components.articles.decoding import decode_bytes
from components.articles.html import html_to_article
from components.articles.limits import (
    CORPUS_EXTENSIONS,
    DEFAULT_SEEDS,
    HTML_EXTENSIONS,
    MAX_BYTES,
    MAX_CORPUS_BYTES,
    NOT_ARTICLE_NAMES,
    SUPPORTED_EXTENSIONS,
    _mb,
)
from components.articles.parse import parse_article
from components.articles.report import LoadReport
from components.errors import BadInput
from components.records import Article


def _limit_for(ext: str) -> int:
    return MAX_CORPUS_BYTES if ext in CORPUS_EXTENSIONS else MAX_BYTES


def _check_extension(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise BadInput(
            f"{name}: unsupported file type {ext or '(no extension)'}; "
            f"use one of {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    return ext


def _load_into(report: LoadReport, data: bytes, name: str) -> None:
    ext = _check_extension(name)
    limit = _limit_for(ext)
    if len(data) > limit:
        raise BadInput(f"{name}: the file is {_mb(len(data))}, over the {_mb(limit)} limit")
    if ext == ".jsonl":
        _load_jsonl(data, name, report)
        return
    if ext == ".csv":
        _load_csv(data, name, report)
        return
    text, warns = decode_bytes(data, name)
    if ext in HTML_EXTENSIONS:
        article = html_to_article(text, origin=name, warnings=warns)
    else:
        article = parse_article(text, origin=name, warnings=warns)
    report.add(article, name)


def load_bytes(data: bytes, name: str) -> LoadReport:
    """Load an uploaded file's bytes, by its extension: .txt, .md, .html/.htm, .jsonl, .csv.

    Args:
        data: the file's content.
        name: its file name (the extension picks the reader; the name appears in messages).

    Returns:
        A report whose ``articles`` are the articles read (one, or many for a corpus) and whose
        ``rejected`` lists corpus lines that could not be read, by line number.

    Raises:
        BadInput: unsupported type, over the size limit, empty, binary, no usable text, a CSV
            without a ``text`` column, a corpus with no usable line.
    """
    report = LoadReport()
    _load_into(report, data, name)
    return report


def iter_article_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files ``load_path`` would read for ``path``: itself, or a folder's files recursively
    (sorted; hidden files and folders left out).

    Raises:
        BadInput: the path does not exist.
    """
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise BadInput(f"{root}: no such file or folder")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_file(path: str | os.PathLike[str], report: LoadReport | None = None) -> LoadReport:
    """Load one file into ``report`` (a new one when None): added, skipped or rejected.

    The size is checked before the file is read; problems are recorded in ``report.rejected``
    rather than raised, so a folder load goes on past a bad file.
    """
    report = report if report is not None else LoadReport()
    p = Path(path)
    name = str(p)
    try:
        ext = _check_extension(name)
        size = p.stat().st_size
        limit = _limit_for(ext)
        if size == 0:
            raise BadInput(f"{name}: the file is empty")
        if size > limit:
            raise BadInput(f"{name}: the file is {_mb(size)}, over the {_mb(limit)} limit")
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
        _load_into(report, data, name)
    except BadInput as exc:
        report.reject(name, _problem(exc, name))
    except OSError as exc:
        report.reject(name, f"cannot be read ({exc.strerror or exc})")
    return report


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_file: Callable[[Path], None] | None = None,
) -> LoadReport:
    """Load files and folders (recursively) into one report, dropping duplicate texts.

    Documentation files in a folder (``NOT_ARTICLE_NAMES``, e.g. ATTRIBUTION.md) are skipped;
    files of other types are rejected with the reason.

    Args:
        paths: files or folders.
        on_file: called with each file before it is read (for a progress bar).

    Raises:
        BadInput: one of the paths does not exist.
    """
    report = LoadReport()
    for path in paths:
        root = Path(path)
        files = iter_article_files(root)
        for f in files:
            if on_file is not None:
                on_file(f)
            if root.is_dir() and f.name.lower() in NOT_ARTICLE_NAMES:
                report.skipped.append((str(f), "documentation, not an article"))
                continue
            load_file(f, report)
    return report


def load_path(
    path: str | os.PathLike[str], *, on_file: Callable[[Path], None] | None = None
) -> LoadReport:
    """Load a file or a folder (recursively); see ``load_paths``."""
    return load_paths([path], on_file=on_file)


def load_seeds(folder: str | os.PathLike[str] | None = None) -> LoadReport:
    """Load the bundled seed folder: the seed article (``000_*``) first, then the rest.

    Args:
        folder: the folder; default ``SOURCELIGHT_SEEDS`` or the repository's ``seeds/``.

    Raises:
        BadInput: the folder does not exist.
    """
    root = Path(folder or os.environ.get("SOURCELIGHT_SEEDS") or DEFAULT_SEEDS)
    if not root.is_dir():
        raise BadInput(f"{root}: the seeds folder does not exist")
    files = iter_article_files(root)
    first = [f for f in files if f.parent == root and f.name.startswith("000_")]
    ordered = first + [f for f in files if f not in first]
    report = LoadReport()
    for f in ordered:
        if f.name.lower() in NOT_ARTICLE_NAMES:
            continue
        load_file(f, report)
    return report


def load_paste(text: str, *, title: str | None = None) -> list[Article]:
    """Pasted text as an article (metadata parsed from it unless ``title`` is given).

    Raises:
        BadInput: nothing was pasted, or more than ``MAX_BYTES``.
    """
    if text is None or not text.strip():
        raise BadInput("pasted text: there is no text; paste an article first")
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise BadInput(f"pasted text: {_mb(size)} is over the {_mb(MAX_BYTES)} limit")
    return [parse_article(text, origin="paste", title=title)]
