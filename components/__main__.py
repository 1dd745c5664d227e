"""Command line: ``python -m components VERB ...`` — the same functions the app calls.

Verbs (contracts in ../shared/DESIGN.md): ``ingest``, ``analyze``, ``render``, ``attribute``,
``sources``, ``index``, ``similar``, ``export``, ``brief``. A bad input exits with status 2 and
one line on standard error naming the input and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from components.errors import BadInput, SourcelightError  # noqa: E402


def progress_bar(label: str) -> Callable[[int, int], None]:
    """A text progress bar on standard error (silent when it is not a terminal, except at the end)."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if total <= 0:
            return
        if tty or done == total:
            width = 30
            filled = int(width * done / total)
            end = "\n" if done == total else "\r"
            sys.stderr.write(f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
            sys.stderr.flush()

    return show


def _store(args):
    from components.store import Store

    return Store(args.db)


def _one_article(path: str, article_id: str | None):
    """The single article in FILE (or the one with ``--id`` in a corpus file)."""
    from components.articles import load_path

    report = load_path(path)
    if report.rejected and not report.articles:
        name, reason = report.rejected[0]
        raise BadInput(f"{name}: {reason}")
    arts = report.articles
    if article_id:
        arts = [a for a in arts if a.id == article_id or a.origin.endswith(f"#{article_id}")]
        if not arts:
            raise BadInput(f"{path}: no article with id {article_id!r}")
    if not arts:
        raise BadInput(f"{path}: no article found")
    if len(arts) > 1:
        raise BadInput(f"{path}: holds {len(arts)} articles; choose one with --id (ids: {arts[0].id}, ...)")
    return arts[0]


def analysis_json(article, analysis) -> dict:
    """The ``analyze --json`` object: metadata, paragraphs, entities, groups, attributions, sources."""
    from components.attribution import to_contract
    from components.sources import article_breakdown, breakdown_rows

    text = article.text
    groups = {g.id: g for g in analysis.groups}
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "place": article.place,
        "date": article.date,
        "url": article.url,
        "standfirst": article.standfirst.text(text) if article.standfirst else None,
        "paragraphs": [{"span": p.as_list(), "text": p.text(text)} for p in article.paragraphs],
        "warnings": list(article.warnings),
        "version": analysis.version,
        "entities": [
            {"text": text[e.start : e.end], "label": e.label, "span": [e.start, e.end], "group": e.group}
            for e in analysis.entities
        ],
        "entity_groups": [
            {"id": g.id, "name": g.name, "label": g.label, "mentions": [m.as_list() for m in g.mentions]}
            for g in groups.values()
        ],
        "attributions": [to_contract(a, text) for a in analysis.attributions],
        "sources": breakdown_rows(article_breakdown(text, analysis.attributions)),
    }


def cmd_ingest(args) -> int:
    from components.analysis import analyze_missing
    from components.articles import iter_article_files, load_paths
    from components.nlp import load_nlp

    store = _store(args)
    for path in args.paths:
        if not Path(path).exists():
            raise BadInput(f"{path}: no such file or folder")
    total = sum(len(iter_article_files(Path(p))) for p in args.paths)
    bar = progress_bar("reading  ")
    seen = [0]

    def on_file(_f) -> None:
        seen[0] += 1
        bar(seen[0], total)

    report = load_paths(args.paths, on_file=on_file)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    added, skipped = store.add_articles(report.articles)
    analysed = 0
    if added and not args.no_analyze:
        analysed = analyze_missing(store, load_nlp(), ids=added, progress=progress_bar("analysing"))
    skipped_all = [(a, "already in the library") for a in skipped] + list(report.skipped)
    print(f"added {len(added)}, skipped {len(skipped_all)}, rejected {len(report.rejected)}; analysed {analysed}")
    for name, reason in skipped_all:
        print(f"  skipped {name}: {reason}")
    for name, reason in report.rejected:
        print(f"  rejected {name}: {reason}")
    return 0 if added or skipped_all or not report.rejected else 2


def cmd_analyze(args) -> int:
    from components.analysis import analysis_for
    from components.nlp import load_nlp

    article = _one_article(args.file, args.id)
    analysis = analysis_for(_store(args), load_nlp(), article)
    data = analysis_json(article, analysis)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(
            f"{article.title or article.id} — {len(data['entities'])} entities in {len(data['entity_groups'])} "
            f"groups, {len(data['attributions'])} attributions"
        )
    return 0


def cmd_render(args) -> int:
    from components.analysis import analysis_for
    from components.nlp import load_nlp
    from components.render import page_html

    article = _one_article(args.file, args.id)
    analysis = analysis_for(_store(args), load_nlp(), article)
    Path(args.output).write_text(page_html(article, analysis), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def cmd_attribute(args) -> int:
    from components.attribution.cli import attribute_jsonl
    from components.nlp import load_nlp

    try:
        with open(args.input, encoding="utf-8", errors="replace") as fh:
            total = sum(1 for line in fh if line.strip())
    except OSError as exc:
        raise BadInput(f"{args.input}: cannot read the input file ({exc.strerror})") from exc
    bar = progress_bar("attributing")
    counts = attribute_jsonl(args.input, args.output, load_nlp(), progress=lambda done: bar(done, total))
    for w in counts.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"wrote {counts['articles']} articles, {counts['attributions']} attributions to {args.output}"
        + (f"; {counts['skipped']} input lines skipped" if counts.get("skipped") else "")
    )
    return 0


def cmd_sources(args) -> int:
    from components.analysis import analysis_for, analyze_missing, pipeline_version
    from components.nlp import load_nlp
    from components.sources import article_breakdown, breakdown_rows, corpus_attributions, corpus_breakdown

    store = _store(args)
    nlp = load_nlp()
    if args.corpus:
        if args.file:
            raise BadInput("sources: give FILE or --corpus, not both")
        missing = store.missing_analyses(pipeline_version(nlp))
        if missing:
            print(f"analysing {len(missing)} article(s) not analysed yet", file=sys.stderr)
            analyze_missing(store, nlp, progress=progress_bar("analysing"))
        items = [(a, ana.attributions) for a, ana in store.iter_analysed(pipeline_version(nlp))]
        if not store.count_articles():
            print("note: the library is empty: add articles with `python -m components ingest PATH`", file=sys.stderr)
        skipped: list = []
        rows = breakdown_rows(corpus_breakdown(corpus_attributions(items, skipped=skipped)))
        for article, problem in skipped:
            print(f"skipped article {article.id} ({article.title or 'untitled'}): {problem}", file=sys.stderr)
    else:
        if not args.file:
            raise BadInput("sources: give an article FILE, or --corpus for the whole library")
        article = _one_article(args.file, args.id)
        analysis = analysis_for(store, nlp, article)
        rows = breakdown_rows(article_breakdown(article.text, analysis.attributions))
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        for r in rows:
            print(
                f"{r['source']:<40} {r['type'] or '':<9} {r['attributions']:>3}  d{r['direct']} i{r['indirect']} "
                f"m{r['mixed']}  {r['words']:>4} words  {', '.join(r['cues'])}"
            )
    return 0


def cmd_export(args) -> int:
    from components.analysis import analyze_missing, pipeline_version
    from components.export import export
    from components.nlp import load_nlp

    store = _store(args)
    nlp = load_nlp()
    version = pipeline_version(nlp)
    ids = args.article or None
    if ids:
        unknown = [i for i in ids if store.get_article(i) is None]
        if unknown:
            raise BadInput(f"export: no article with id {', '.join(unknown)} in the library")
    missing = [i for i in store.missing_analyses(version) if ids is None or i in ids]
    if missing:
        analyze_missing(store, nlp, ids=missing, progress=progress_bar("analysing"))
    report = export(store, version, args.format, args.output, article_ids=ids, nlp=nlp)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"wrote {report.format} to {report.path}: {report.articles} article(s), {report.entities} entities, "
        f"{report.attributions} attributions, {report.notes} notes"
        + (f", {report.unanchored} corrections that no longer anchor (listed in JSONL)" if report.unanchored else "")
    )
    return 0


def cmd_index(args) -> int:
    from components.similarity.engine import index_library

    store = _store(args)
    _, stats = index_library(store.get_articles(), store.engine, progress=progress_bar("embedding"))
    print(
        f"indexed {stats.embedded + stats.from_cache + stats.unchanged} articles: {stats.embedded} embedded now, "
        f"{stats.from_cache} from the cache"
    )
    return 0


def cmd_similar(args) -> int:
    from components.similarity.engine import similar_jsonl

    db = _store(args).engine if args.cache else None
    n = similar_jsonl(args.corpus, args.queries, args.k, args.output, progress_bar("indexing"), db=db)
    print(f"wrote {n} result lines to {args.output}")
    return 0


def cmd_brief(args) -> int:
    from components.briefing import brief_cli

    suffixes = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md"}
    fmt = args.format or suffixes.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise BadInput(f"{args.output}: say --format html|pdf|md (or end the name with .html, .pdf or .md)")
    out = brief_cli(
        _store(args), None, args.ids, fmt, args.output, similar=args.similar, progress=progress_bar("analysing")
    )
    print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m components", description="Sourcelight from the command line.")
    p.add_argument("--db", default=None, help="database path or SQLAlchemy URL (default: $SOURCELIGHT_DB)")
    sub = p.add_subparsers(dest="verb", required=True)

    s = sub.add_parser("ingest", help="add files or folders to the library and analyse them")
    s.add_argument("paths", nargs="+")
    s.add_argument("--no-analyze", action="store_true", help="only add; analyse later")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("analyze", help="one article's analysis")
    s.add_argument("file")
    s.add_argument("--id", help="article id inside a corpus file")
    s.add_argument("--json", action="store_true", help="print the analysis as JSON")
    s.set_defaults(func=cmd_analyze)

    s = sub.add_parser("render", help="the reading view of one article as a self-contained HTML page")
    s.add_argument("file")
    s.add_argument("--id", help="article id inside a corpus file")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_render)

    s = sub.add_parser("attribute", help="who said what, for measurement: IN.jsonl {id,text} -> OUT.jsonl")
    s.add_argument("input")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_attribute)

    s = sub.add_parser("sources", help="who is cited, how and how much: one article, or --corpus")
    s.add_argument("file", nargs="?")
    s.add_argument("--id", help="article id inside a corpus file")
    s.add_argument("--corpus", action="store_true", help="the breakdown across the whole library")
    s.add_argument("--json", action="store_true", help="print the rows as JSON")
    s.set_defaults(func=cmd_sources)

    s = sub.add_parser("export", help="export analyses with analysts' corrections and provenance")
    s.add_argument("--format", required=True, choices=["jsonl", "spacy", "conll", "brat", "csv"])
    s.add_argument(
        "--article", nargs="+", action="extend", metavar="ID", help="article ids (default: the whole library)"
    )
    s.add_argument("-o", "--output", required=True, help="file (brat: a folder or .zip)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("index", help="embed and index what is new in the library")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("similar", help="similar articles for measurement: CORPUS.jsonl + queries -> OUT.jsonl")
    s.add_argument("corpus", help="JSONL lines {id, title, text}")
    s.add_argument("--queries", required=True, help="JSONL lines with query_doc_id")
    s.add_argument("-k", type=int, default=50, help="results per query (default 50)")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--cache", action="store_true", help="keep embeddings in the library database for reuse")
    s.set_defaults(func=cmd_similar)

    s = sub.add_parser("brief", help="a briefing pack of articles: all their quotes and shareable notes")
    s.add_argument("ids", nargs="+", metavar="ARTICLE_ID")
    s.add_argument("--format", choices=("html", "pdf", "md"), help="default: from the output's extension")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--similar", action="store_true", help="add similar-article links (needs `index` first)")
    s.set_defaults(func=cmd_brief)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SourcelightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc.filename}: no such file", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted; what was stored so far is kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
