"""Hostile articles (issue 13): reading-view cost of deep quote nesting and of many entities,
the current renderer beside the one before this change (loaded from git), in one run.

    .venv/bin/python bench/bench_hostile.py            # render figures, before vs after
    .venv/bin/python bench/bench_hostile.py --analyse  # also: analyse the 5,000-quote article

Then the read path every page takes first, ``apply_corrections`` (the model's analysis with no
correction, made effective), for an article whose every name is a group of its own (the 5,000-
quote article has 4,948 groups), the current code beside the version before its groups were
gathered in one pass (``REPLAY_BEFORE``, loaded from git); and the Annotate page's entity table
(``entity_rows``) beside the version that looked each row's group name up among all groups.

The articles are the issue's reproductions: ``'Open\\n\\n' + ' '.join(f'“Officials said {i}' ...)``
with every quote nested in the one before (the analysis the old rules produced), and a text of
"Ann met Bob in Rome." repeated with each name an entity. Prints the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.bench_reading import machine  # noqa: E402
from components.records import Analysis, Article, Entity, EntityGroup, Span  # noqa: E402
from components.render import reading_html  # noqa: E402
from tests.test_limits import nested_quotes  # noqa: E402

BEFORE = "8403e6f"  # the commit before this change
REPLAY_BEFORE = "1fe58e9"  # the commit before apply_corrections gathered each group's members in one pass
TABLES_BEFORE = "3f75b29"  # the commit before the Annotate page's entity table looked each group's name up once


def from_git(rev: str, relpath: str, name: str):
    """The module at ``relpath`` as it was at ``rev``, loaded as ``name`` (its imports are this tree's)."""
    src = subprocess.run(["git", "show", f"{rev}:{relpath}"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    path = Path(f"/tmp/sourcelight_{name}.py")
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def old_renderer():
    return from_git(BEFORE, "components/render.py", "old_render").reading_html


def old_apply_corrections():
    return from_git(REPLAY_BEFORE, "components/corrections/replay.py", "old_replay").apply_corrections


def many_groups(n: int) -> tuple[Article, Analysis]:
    """``n`` sentences "Speaker i spoke.", each name an entity in a group of its own."""
    parts, ents, pos = [], [], 0
    for i in range(n):
        name = f"Speaker{i}"
        parts.append(f"{name} spoke.")
        ents.append(Entity(pos, pos + len(name), "PERSON", f"g{i}"))
        pos += len(parts[-1]) + 1
    text = " ".join(parts)
    groups = tuple(EntityGroup(f"g{i}", f"Speaker{i}", "PERSON", ()) for i in range(n))
    return Article(id="g", text=text, paragraphs=(Span(0, len(text)),)), Analysis("g", "t", tuple(ents), groups)


def entities(n_sentences: int) -> tuple[Article, Analysis]:
    words = ["Ann", "met", "Bob", "in", "Rome."] * n_sentences
    text = " ".join(words)
    ents, pos = [], 0
    for w in words:
        if w in ("Ann", "Bob", "Rome."):
            ents.append(Entity(pos, pos + len(w.rstrip(".")), "GPE" if w == "Rome." else "PERSON", w[:3]))
        pos += len(w) + 1
    groups = tuple(EntityGroup(g, g, "PERSON", ()) for g in ("Ann", "Bob", "Rom"))
    return Article(id="e", text=text, paragraphs=(Span(0, len(text)),)), Analysis("e", "t", tuple(ents), groups)


def measure(render, article, analysis, *, peak: bool = True) -> str:
    """Seconds and HTML size of one render; then, for the new renderer, the peak memory of a
    second render under tracemalloc (which slows it several times, so it is not timed)."""
    t0 = time.perf_counter()
    html = render(article, analysis, with_style=False)
    dt = time.perf_counter() - t0
    out = f"{dt:8.2f} s  html {len(html) / 1e6:8.2f} MB"
    if peak:
        tracemalloc.start()
        render(article, analysis, with_style=False)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out += f"  peak {top / 1e6:8.1f} MB"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--analyse", action="store_true")
    args = ap.parse_args()
    print("machine:", machine())
    old = old_renderer()
    for n in (500, 1000, 2000, 5000):
        art, ana = nested_quotes(n)
        print(f"{n:5d} nested quotes ({len(art.text) / 1e3:.0f} KB)   after: {measure(reading_html, art, ana)}")
        if n <= 1000:
            print(f"{'':29s}  before: {measure(old, art, ana, peak=False)}")
    for sentences in (2500, 12560, 33334):
        art, ana = entities(sentences)
        head = f"{len(ana.entities):6d} entities ({len(art.text) / 1e3:.0f} KB)"
        print(f"{head}   after: {measure(reading_html, art, ana)}")
        if sentences <= 2500:
            print(f"{'':29s}  before: {measure(old, art, ana, peak=False)}")
    from components.annotate_tables import entity_rows
    from components.corrections.replay import apply_corrections

    old_apply = old_apply_corrections()
    old_rows = from_git(TABLES_BEFORE, "components/annotate_tables.py", "old_tables").entity_rows
    for n in (1000, 5000, 20000):
        art, ana = many_groups(n)
        times = []
        for apply in (apply_corrections, old_apply):
            t0 = time.perf_counter()
            eff = apply(art, ana, [])
            times.append(time.perf_counter() - t0)
            assert len(eff.analysis.groups) == n
        print(f"{n:6d} groups of one name, no correction: apply_corrections {times[0]:6.2f} s, "
              f"before ({REPLAY_BEFORE}) {times[1]:6.2f} s")
        for rows in (entity_rows, old_rows):
            t0 = time.perf_counter()
            rows(art.text, eff.analysis, eff.provenance)
            times.append(time.perf_counter() - t0)
        print(f"{'':6s} Annotate's entity table (entity_rows): {times[2]:6.2f} s, before ({TABLES_BEFORE}) "
              f"{times[3]:6.2f} s")
    if args.analyse:
        import resource

        from components.analysis import analyze
        from components.limits import notices
        from components.nlp import load_nlp

        nlp = load_nlp()
        text = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(5000))
        art = Article(id="o", text=text, paragraphs=(Span(6, len(text)),))
        t0 = time.perf_counter()
        nlp(text)
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        ana = analyze(art, nlp)
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        html = reading_html(art, ana)
        rt = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(f"analyse the 5,000-quote article: {full:.1f} s (bare parse {bare:.1f} s), {len(ana.attributions)} "
              f"attributions, render {rt:.2f} s, html {len(html) / 1e6:.2f} MB, max RSS {rss:.2f} GB")
        for n in notices(ana.extra):
            print("  notice:", n)


if __name__ == "__main__":
    main()
