"""Command line: ``python -m components VERB ...`` — the same functions the app calls.

Verbs (contracts in ../shared/DESIGN.md): ``ingest``, ``analyze``, ``render``, ``attribute``,
``sources``, ``index``, ``similar``, ``export``, ``brief``, ``stories``, ``story``, ``watch``, ``users``
(the team server's users file: passwords are stored as bcrypt hashes only), ``delete`` and ``edit``
(an article, or its title, outlet, author, date; both ask for ``--yes`` and are recorded),
``deletions`` (what was deleted, by whom) and ``review`` (an article's queue of unsure speakers, and
the Review page's decisions on it: ``components.attribution.review_cli``). A bad input exits with
status 2 and one line on standard error naming the input and the problem, never a traceback. Every
verb that shows an analysis shows the corrected one (analysts' corrections applied), read through
``components.effective`` like the app's views.
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


def _effective(store, nlp, article):
    """The article's corrected analysis: the model's (computed and stored once) with analysts'
    corrections applied, through the read path every view uses (``components.effective``)."""
    from components.analysis import analysis_for, pipeline_version
    from components.effective import effective_analysis

    analysis_for(store, nlp, article)
    return effective_analysis(store, pipeline_version(nlp), article.id).analysis


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

    if args.engine == "ray":
        return _ingest_ray(args, store, on_file)
    if args.address:
        raise BadInput("ingest: --address names a Ray cluster; add --engine ray")
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


def _ingest_ray(args, store, on_file) -> int:
    """``ingest --engine ray``: the same stages on a local Ray or the cluster at ``--address``."""
    from components.pipeline.ray_engine import ingest_ray

    if args.no_analyze:
        raise BadInput("ingest: --no-analyze only adds, which needs no Ray; drop --engine ray")
    r = ingest_ray(
        args.paths,
        store.url,
        address=args.address,
        workers=args.workers,
        batch_size=args.batch_size,
        embed=not args.no_embed,
        on_file=on_file,
        progress=progress_bar("analysing"),
    )
    for w in r.warnings:
        print(f"warning: {w}", file=sys.stderr)
    nodes = ", ".join(f"{n[:8]}: {b} batches" for n, b in sorted(r.nodes.items()))
    print(
        f"added {len(r.added)}, skipped {len(r.skipped)}, rejected {len(r.rejected) + len(r.failed)}; "
        f"analysed {r.analysed}"
        + (f", {r.already_done} already stored" if r.already_done else "")
        + (f" (Ray nodes {nodes})" if nodes else "")
    )
    for name, reason in r.skipped:
        print(f"  skipped {name}: {reason}")
    for name, reason in [*r.rejected, *r.failed]:
        print(f"  rejected {name}: {reason}")
    return 0 if r.added or r.skipped or not (r.rejected or r.failed) else 2


def cmd_analyze(args) -> int:
    from components.nlp import load_nlp

    article = _one_article(args.file, args.id)
    analysis = _effective(_store(args), load_nlp(), article)
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
    from components.nlp import load_nlp
    from components.render import page_html

    article = _one_article(args.file, args.id)
    analysis = _effective(_store(args), load_nlp(), article)
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
    from components.analysis import analyze_missing, pipeline_version
    from components.effective import library_attributions
    from components.nlp import load_nlp
    from components.sources import article_breakdown, breakdown_rows, corpus_breakdown

    store = _store(args)
    nlp = load_nlp()
    if args.corpus:
        if args.file:
            raise BadInput("sources: give FILE or --corpus, not both")
        missing = store.missing_analyses(pipeline_version(nlp))
        if missing:
            print(f"analysing {len(missing)} article(s) not analysed yet", file=sys.stderr)
            analyze_missing(store, nlp, progress=progress_bar("analysing"))
        skipped: list = []
        long = library_attributions(store, pipeline_version(nlp), skipped=skipped)
        if not store.count_articles():
            print("note: the library is empty: add articles with `python -m components ingest PATH`", file=sys.stderr)
        rows = breakdown_rows(corpus_breakdown(long))
        for article, problem in skipped:
            print(f"skipped article {article.id} ({article.title or 'untitled'}): {problem}", file=sys.stderr)
    else:
        if not args.file:
            raise BadInput("sources: give an article FILE, or --corpus for the whole library")
        article = _one_article(args.file, args.id)
        analysis = _effective(store, nlp, article)
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
    report = export(store, version, args.format, args.output, article_ids=ids, nlp=nlp, reader=args.analyst)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"wrote {report.format} to {report.path}: {report.articles} article(s), {report.entities} entities, "
        f"{report.attributions} attributions, {report.notes} notes"
        + (f", {report.unanchored} corrections that no longer anchor (listed in JSONL)" if report.unanchored else "")
    )
    return 0


def _read_password(prompt: str = "password: ") -> str:
    """A password from the terminal (not echoed), or the first line of standard input when piped."""
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("again: ") != first:
            raise BadInput("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users(args) -> int:
    from components import access

    path = Path(args.file) if args.file else access.users_path()
    if path is None:
        raise BadInput(f"users: give --file PATH or set {access.USERS_ENV}")
    if args.action == "list":
        for name, role in access.list_users(path):
            print(f"{name}\t{role}")
        return 0
    if args.action == "remove":
        access.remove_user(path, args.name)
        print(f"removed {args.name} from {path}")
        return 0
    current = access.existing_role(path, args.name)
    if args.action in ("role", "passwd") and current is None:
        raise BadInput(f"users file {str(path)!r} has no user {args.name!r}: add them first")
    if args.action == "role":
        access.add_user(path, args.name, role=args.role)
        print(f"{args.name} is now {args.role} in {path}")
        return 0
    # add (or passwd): the password is read, hashed with bcrypt, and only the hash is written
    role = args.role or current or access.ANALYST
    password = _read_password()
    added = access.add_user(path, args.name, role=role, password=password,
                            display_name=getattr(args, "display_name", None), email=getattr(args, "email", None))
    print(f"{'added' if added else 'updated'} {args.name} ({role}) in {path}")
    return 0


def cmd_index(args) -> int:
    from components.similarity.engine import index_dir_setting, index_library

    store = _store(args)
    folder = args.index_dir if args.index_dir is not None else index_dir_setting()
    if args.rebuild and folder is None:
        raise BadInput("--rebuild: say which index folder (--index-dir DIR or SOURCELIGHT_INDEX_DIR)")
    _, stats = index_library(
        store.get_articles(), store.engine, progress=progress_bar("embedding"), index_dir=folder, rebuild=args.rebuild
    )
    print(
        f"indexed {stats.embedded + stats.from_cache + stats.unchanged} articles: {stats.embedded} embedded now, "
        f"{stats.from_cache} from the cache" + (f", {stats.unchanged} already in {folder}" if folder else "")
    )
    return 0


def cmd_similar(args) -> int:
    from components.similarity.engine import similar_jsonl

    db = _store(args).engine if args.cache else None
    n = similar_jsonl(
        args.corpus, args.queries, args.k, args.output, progress_bar("indexing"), db=db, index_dir=args.index_dir
    )
    print(f"wrote {n} result lines to {args.output}")
    return 0


def cmd_brief(args) -> int:
    from components.briefing.cli import brief_cli

    suffixes = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md"}
    fmt = args.format or suffixes.get(Path(args.output).suffix.lower())
    if fmt is None:
        raise BadInput(f"{args.output}: say --format html|pdf|md (or end the name with .html, .pdf or .md)")
    from components.briefing.library import story_article_ids

    store = _store(args)
    ids = list(args.ids)
    for story in args.story or []:
        ids += story_article_ids(store, story)
    if not ids:
        raise BadInput("brief: give article ids, or --story ID")
    out = brief_cli(store, None, ids, fmt, args.output, similar=args.similar, progress=progress_bar("analysing"))
    print(f"wrote {out}")
    return 0


def _stories(args, store, engine=None):
    """The library's story service, grouped up to date (vectors from `index`, when stored)."""
    from components.stories.service import StoryService

    engine = engine if engine is not None else _stored_similarity(args, store)
    svc = StoryService(store, engine.vector if engine is not None else None)
    pending = len(svc.pending())
    if pending:
        svc.update(progress=progress_bar("grouping "))
    return svc


def _stored_similarity(args, store):
    """The similarity engine over the vectors `index` stored (nothing embedded), or None with
    --no-embeddings."""
    if args.no_embeddings:
        return None
    from components.similarity import SimilarityEngine

    engine = SimilarityEngine(store.engine)
    engine.index_articles(store.get_articles(), cached_only=True)
    return engine


def cmd_stories(args) -> int:
    store = _store(args)
    stories = _stories(args, store).stories()
    if not store.count_articles():
        print("note: the library is empty: add articles with `python -m components ingest PATH`", file=sys.stderr)
    if args.json:
        json.dump([s.as_json() for s in stories], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for s in stories:
            print(f"{s.id}  {len(s.article_ids):>3} articles  {len(s.outlets):>2} outlets  "
                  f"{(s.dates[0] + '..' + s.dates[-1]) if s.dates else '':<22} {s.title}")
    return 0


def cmd_story(args) -> int:
    from components.analysis import analyze_missing, pipeline_version
    from components.nlp import load_nlp
    from components.stories.compare import compare_story, story_items

    store = _store(args)
    similarity = _stored_similarity(args, store)
    story = _stories(args, store, similarity).story(args.id)
    nlp = load_nlp()
    version = pipeline_version(nlp)
    missing = [i for i in store.missing_analyses(version) if i in story.article_ids]
    if missing:
        analyze_missing(store, nlp, ids=missing, progress=progress_bar("analysing"))
    data = compare_story(story, story_items(store, version, story.article_ids),
                         stored=similarity.embedded if similarity is not None else None).as_json()
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{story.title} — {len(story.article_ids)} articles from {len(story.outlets)} outlets")
        for o in data["outlet_profiles"]:
            print(f"  {o['outlet']:<30} {o['claims']:>3} claims  named {o['named_share']:.0%}  "
                  f"unnamed {o['unnamed_share']:.0%}  direct {o['direct_share']:.0%}  "
                  f"reported {o['reported_share']:.0%}  media {o['media_share']:.0%}  "
                  f"officials {o['official_share']:.0%}")
        print(f"  {len(data['claims'])} claims carried by several articles, {len(data['disagreements'])} disagreements")
    return 0


def cmd_watch(args) -> int:
    """Poll feeds once (``--once``) or every ``--every``; one line per feed per round."""
    import threading

    from components.feeds import FeedService, check_feed_url, parse_every, watch

    every = None if args.once else parse_every(args.every)
    urls = [check_feed_url(u) for u in args.urls]
    store = _store(args)
    analyse = index = group = None
    if not args.no_analyze:
        from components.analysis import analyze_missing
        from components.nlp import load_nlp

        nlp = load_nlp()

        def analyse(ids):
            return analyze_missing(store, nlp, ids=ids)
    vectors = None
    if not args.no_index:
        from components.similarity import SimilarityEngine
        from components.similarity.engine import index_dir_setting, index_library

        folder = index_dir_setting()  # SOURCELIGHT_INDEX_DIR: append to the app's index folder
        if folder is None:
            engine = SimilarityEngine(store.engine)
        else:
            engine = SimilarityEngine(store.engine, index_dir=folder, texts=lambda i: store.get_article(i).text)
        engine.index_articles([a for a in store.get_articles() if a.id not in engine], cached_only=True)
        vectors = engine.vector

        def index(articles):
            return index_library(articles, None, engine=engine)
    if not args.no_stories:
        from components.stories.service import StoryService

        stories = StoryService(store, vectors)

        def group(ids):
            return stories.update(ids)
    svc = FeedService(store, analyse=analyse, index=index, stories=group)
    failed: list[str] = []

    def line(report) -> None:
        print(report.line(), flush=True)
        if report.status == "failed":
            failed.append(report.url)

    stop = threading.Event()
    try:
        watch(svc, urls, every=every, on_report=line, stop=stop)
    except KeyboardInterrupt:
        stop.set()
        print("watch: stopped; what was stored so far is kept", file=sys.stderr)
        return 0
    return 1 if failed else 0


def _cli_analyst(args) -> str:
    import getpass

    name = (args.analyst or os.environ.get("SOURCELIGHT_ANALYST", "") or getpass.getuser() or "").strip()
    if not name:
        raise BadInput("name who is making this change with --analyst NAME (it is recorded)")
    return name


def _folder_engine(args, store):
    """The similarity index folder to keep in step (``--index-dir`` or SOURCELIGHT_INDEX_DIR), when
    one has been built; None otherwise (the in-memory index is rebuilt from the store at start)."""
    from components.similarity.engine import SimilarityEngine, index_dir_setting

    folder = args.index_dir if args.index_dir is not None else index_dir_setting()
    if folder is None or not (Path(folder) / "meta.json").exists():
        return None
    return SimilarityEngine(store.engine, index_dir=folder, texts=lambda i: store.get_article(i).text)


def cmd_delete(args) -> int:
    from components.library import delete_article

    store = _store(args)
    missing = [i for i in args.ids if store.get_article(i) is None]
    if missing:
        raise BadInput(f"article {missing[0]!r} is not in the library")
    if not args.yes:
        titles = ", ".join(repr(store.get_article(i).title or i) for i in args.ids)
        raise BadInput(f"delete {titles} with their analyses, corrections, notes, tags, story membership and "
                       "index entries? Run again with --yes to confirm")
    analyst = _cli_analyst(args)
    similarity = _folder_engine(args, store)
    for article_id in dict.fromkeys(args.ids):
        d = delete_article(store, article_id, analyst=analyst, similarity=similarity)
        gone = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in d.removed.items() if n)
        print(f"deleted {d.title or d.article_id!r} ({d.article_id})" + (f": {gone}" if gone else ""))
    return 0


def cmd_edit(args) -> int:
    from components.library import edit_metadata

    store = _store(args)
    changes = {k: getattr(args, k) for k in ("title", "outlet", "author", "date") if getattr(args, k) is not None}
    if not changes:
        raise BadInput("say what to change: --title, --outlet, --author and/or --date")
    article = store.get_article(args.id)
    if article is None:
        raise BadInput(f"article {args.id!r} is not in the library")
    if not args.yes:
        said = "; ".join(f"{k}: {getattr(article, k)!r} → {v!r}" for k, v in changes.items())
        raise BadInput(f"edit article {args.id}: {said}? Run again with --yes to confirm")
    c = edit_metadata(store, args.id, changes, analyst=_cli_analyst(args), similarity=_folder_engine(args, store))
    if args.json:
        print(json.dumps({"id": c.id, "article_id": c.article_id, "analyst": c.analyst, "at": c.at,
                          "before": c.before, "after": c.after}, ensure_ascii=False))
    else:
        print(f"#{c.id} {c.summary} ({c.analyst}, {c.at})")
        if "title" in c.after:
            print("the title is part of what the similarity index holds: run `python -m components index`")
    return 0


def cmd_deletions(args) -> int:
    from components.library import deletions

    rows = deletions(_store(args))
    if args.json:
        for d in rows:
            print(json.dumps({"id": d.id, "article_id": d.article_id, "title": d.title, "analyst": d.analyst,
                              "at": d.at, "before": d.before}, ensure_ascii=False))
    else:
        for d in rows:
            print(d.line())
    return 0


def cmd_review(args) -> int:
    from components.analysis import analysis_for, pipeline_version
    from components.attribution.review_cli import run_review
    from components.nlp import model_name
    from components.pipeline.stages import version_of_installed

    store = _store(args)
    article = store.get_article(args.id)
    if article is None:
        raise BadInput(f"article {args.id!r} is not in the library")
    version = version_of_installed(model_name())
    if not store.has_analysis(article.id, version):  # analysed once, as the pages do
        from components.nlp import load_nlp

        nlp = load_nlp()
        analysis_for(store, nlp, article)
        version = pipeline_version(nlp)
    return run_review(store, version, article.id, out=sys.stdout, as_json=args.json, place=args.item,
                      choice=args.choose, accept_it=args.accept, keep_unresolved=args.keep_unresolved,
                      analyst=lambda: _cli_analyst(args))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m components", description="Sourcelight from the command line.")
    p.add_argument("--db", default=None, help="database path or SQLAlchemy URL (default: $SOURCELIGHT_DB)")
    sub = p.add_subparsers(dest="verb", required=True)

    s = sub.add_parser("ingest", help="add files or folders to the library and analyse them")
    s.add_argument("paths", nargs="+")
    s.add_argument("--no-analyze", action="store_true", help="only add; analyse later")
    s.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this process (default); ray: a Ray Data pipeline (local Ray, or --address)")
    s.add_argument("--address", help="with --engine ray: a running Ray cluster (default: start one here)")
    s.add_argument("--workers", type=int, help="with --engine ray: analysis actors (default: one per CPU)")
    s.add_argument("--batch-size", type=int, default=16, help="with --engine ray: articles per batch (16)")
    s.add_argument("--no-embed", action="store_true", help="with --engine ray: skip the similarity vectors")
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
    s.add_argument(
        "--analyst", metavar="NAME",
        help="include NAME's own private notes (default: shareable notes only; private notes stay with their author)",
    )
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("users", help="the team server's users file: add a user, set a role or password")
    s.add_argument("--file", help="the users file (default: $SOURCELIGHT_USERS)")
    us = s.add_subparsers(dest="action", required=True)
    u = us.add_parser("add", help="add a user (password read from the terminal or standard input)")
    u.add_argument("name")
    u.add_argument("--role", choices=("viewer", "analyst", "editor"), help="default analyst")
    u.add_argument("--display-name", help="the name shown at sign-in (default: NAME)")
    u.add_argument("--email")
    u = us.add_parser("passwd", help="set a user's password (read from the terminal or standard input)")
    u.add_argument("name")
    u.set_defaults(role=None)
    u = us.add_parser("role", help="set a user's role")
    u.add_argument("name")
    u.add_argument("role", choices=("viewer", "analyst", "editor"))
    u = us.add_parser("remove", help="remove a user")
    u.add_argument("name")
    us.add_parser("list", help="each user and role")
    s.set_defaults(func=cmd_users)

    s = sub.add_parser("index", help="embed and index what is new in the library")
    s.add_argument(
        "--index-dir", nargs="?", const="data/similarity-index", default=None, metavar="DIR",
        help="append to this index folder, which the app serves from (default data/similarity-index; "
        "SOURCELIGHT_INDEX_DIR when not given)",
    )
    s.add_argument("--rebuild", action="store_true", help="move a damaged index folder aside and build it again")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("similar", help="similar articles for measurement: CORPUS.jsonl + queries -> OUT.jsonl")
    s.add_argument("corpus", help="JSONL lines {id, title, text}")
    s.add_argument("--queries", required=True, help="JSONL lines with query_doc_id")
    s.add_argument("-k", type=int, default=50, help="results per query (default 50)")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--cache", action="store_true", help="keep embeddings in the library database for reuse")
    s.add_argument("--index-dir", metavar="DIR", help="index the corpus into this folder and search from it")
    s.set_defaults(func=cmd_similar)

    s = sub.add_parser("brief", help="a briefing pack of articles: all their quotes and shareable notes")
    s.add_argument("ids", nargs="*", metavar="ARTICLE_ID")
    s.add_argument("--story", action="append", metavar="STORY_ID", help="add a story's articles (see `stories`)")
    s.add_argument("--format", choices=("html", "pdf", "md"), help="default: from the output's extension")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--similar", action="store_true", help="add similar-article links (needs `index` first)")
    s.set_defaults(func=cmd_brief)

    s = sub.add_parser("stories", help="the library grouped into stories (articles about the same event)")
    s.add_argument("--json", action="store_true", help="print the stories as JSON")
    s.add_argument("--no-embeddings", action="store_true", help="group on words, names and dates only")
    s.set_defaults(func=cmd_stories)

    s = sub.add_parser("story", help="one story's outlet-by-outlet sourcing comparison")
    s.add_argument("id", help="a story id from `stories`")
    s.add_argument("--json", action="store_true", help="print the comparison as JSON")
    s.add_argument("--no-embeddings", action="store_true",
                   help="group on words, names and dates only, and match claims by shared words")
    s.set_defaults(func=cmd_story)

    s = sub.add_parser("watch", help="poll RSS/Atom feeds and add their new items to the library")
    s.add_argument("urls", nargs="+", metavar="FEED_URL", help="feed addresses (added to the library's feeds)")
    s.add_argument("--every", default="15m", help="poll interval: 30s, 15m, 1h (default 15m)")
    s.add_argument("--once", action="store_true", help="poll once and exit (status 1 when a feed failed)")
    s.add_argument("--no-analyze", action="store_true", help="add new articles without analysing them")
    s.add_argument("--no-index", action="store_true", help="do not embed new articles for similarity")
    s.add_argument("--no-stories", action="store_true", help="do not group new articles into stories")
    s.set_defaults(func=cmd_watch)

    s = sub.add_parser("delete", help="delete articles with their analyses, corrections, notes and index entries")
    s.add_argument("ids", nargs="+", metavar="ID", help="article ids")
    s.add_argument("--yes", action="store_true", help="confirm: without it nothing is deleted")
    s.add_argument("--analyst", default=None, help="who deletes (recorded; default $SOURCELIGHT_ANALYST or your login)")
    s.add_argument("--index-dir", default=None, metavar="DIR", help="the similarity index folder to remove them from "
                   "(default $SOURCELIGHT_INDEX_DIR)")
    s.set_defaults(func=cmd_delete)

    s = sub.add_parser("edit", help="edit an article's title, outlet, author or date (recorded in its history)")
    s.add_argument("id", metavar="ID", help="article id")
    for name in ("title", "outlet", "author", "date"):
        s.add_argument(f"--{name}", default=None, help=f"the new {name}" + (" (YYYY-MM-DD, or '' to clear)"
                                                                          if name == "date" else ""))
    s.add_argument("--yes", action="store_true", help="confirm: without it nothing is changed")
    s.add_argument("--analyst", default=None, help="who edits (recorded; default $SOURCELIGHT_ANALYST or your login)")
    s.add_argument("--index-dir", default=None, metavar="DIR", help="the similarity index folder to keep in step "
                   "(default $SOURCELIGHT_INDEX_DIR)")
    s.add_argument("--json", action="store_true", help="print the history record as JSON")
    s.set_defaults(func=cmd_edit)

    s = sub.add_parser("review", help="an article's attributions of unsure source, and deciding them as the "
                       "Review page does")
    s.add_argument("id", metavar="ARTICLE_ID", help="article id")
    s.add_argument("--json", action="store_true", help="print the queue (or the recorded correction) as JSON")
    s.add_argument("--item", metavar="N", help="the item to decide: its place in the queue, from 1, as listed")
    how = s.add_mutually_exclusive_group()
    how.add_argument("--choose", metavar="K", help="set the source to candidate K (from 1, as listed)")
    how.add_argument("--accept", action="store_true", help="agree with the machine's choice")
    how.add_argument("--keep-unresolved", action="store_true",
                     help="for an unresolved source: agree that the text does not say who")
    s.add_argument("--analyst", default=None, help="who decides (recorded; default $SOURCELIGHT_ANALYST or your login)")
    s.set_defaults(func=cmd_review)

    s = sub.add_parser("deletions", help="the articles deleted from the library: who, when, what")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.set_defaults(func=cmd_deletions)
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
