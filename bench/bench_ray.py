"""Throughput of ``ingest --engine ray`` against a bare single-process ``nlp.pipe`` (issue 14).

    .venv/bin/python bench/bench_ray.py                    # 291 bundled articles repeated to 2,000
    .venv/bin/python bench/bench_ray.py --articles 300     # a smaller run when time is short
    .venv/bin/python bench/bench_ray.py --embed            # also the Ray pipeline with embedding
    .venv/bin/python bench/bench_ray.py --no-one-actor     # only the 2-actor run (the target's figure)
    .venv/bin/python bench/bench_ray.py --no-baseline --no-one-actor --timeline   # develop the 2-actor run

One run, side by side on the same texts: (1) ``nlp.pipe`` in this process, parse only; (2) the Ray
pipeline with 1 and with 2 analysis actors on a local Ray of ``--cpus`` cores, doing what
``ingest`` does (load, parse, entities, attribution, batched writes to a fresh SQLite store).
Repeated articles get a distinct last line ("Copy N."), so their content-hash ids differ and each
is analysed. Each Ray figure is given whole (Ray start, actors loading spaCy, every batch) and
steady (from the first stored batch to the last). On a machine shared with other jobs wall time
measures each side's share of the cores as much as its work, so the script also prints words per
CPU-second (the actors' own process time) and what that gives with one free core per actor.
``--timeline`` also prints where each Ray run's time went: reading and adding the input, Ray's
start, the actors loading spaCy, the first and last batches, the tail where an actor waits for the
other, and the CPU seconds of Ray's own processes (GCS, raylet, driver). Prints the figures and
the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from components.nlp import load_nlp  # noqa: E402
from components.pipeline.ray_engine import ingest_ray  # noqa: E402

WIKINEWS = ROOT / "seeds" / "wikinews_2019_2020.jsonl"


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {cpu}; "
            f"load average {load:.1f} at start")


def corpus(n: int, folder: Path) -> tuple[Path, list[str]]:
    """``n`` articles: the bundled ones repeated, each copy with its own last line."""
    base = [json.loads(line) for line in WIKINEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for i in range(n):
        row = dict(base[i % len(base)])
        copy = i // len(base)
        if copy:
            row["text"] = f"{row['text'].rstrip()}\n\nCopy {copy}."
            row.pop("id", None)
        rows.append(row)
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, [r["text"] for r in rows]


def run_ray(path: Path, db: Path, workers: int, cpus: int, embed: bool, batch: int):
    marks: list[tuple[float, int]] = []
    t0 = time.perf_counter()
    report = ingest_ray([str(path)], f"sqlite:///{db}", num_cpus=cpus, workers=workers, batch_size=batch,
                        embed=embed, progress=lambda done, total: marks.append((time.perf_counter(), done)))
    wall = time.perf_counter() - t0
    first_t, first_done = marks[0]
    steady = (marks[-1][0] - first_t, marks[-1][1] - first_done)
    assert not report.failed, report.failed[:3]
    return wall, report.words, steady, report.cpu_s, report


def timeline(report) -> None:
    """Where one Ray run's wall time went, in seconds from the call (see the module docstring)."""
    m, spans = report.marks, report.spans
    t = m["start"]
    actors: dict[str, list] = {}
    for s in spans:
        actors.setdefault(s.actor, []).append(s)
    print(f"    time-line (s from the call): input read {m['read'] - t:.1f}, added and checked "
          f"{m['added'] - t:.1f}, Ray started {m['ray_started'] - t:.1f}, first batch done "
          f"{min(s.end for s in spans) - t:.1f}, first result back "
          f"{m['first_out'] - t:.1f}, last {m['last_out'] - t:.1f}, Ray shut down {m['end'] - t:.1f}")
    ends = []
    for actor, ss in sorted(actors.items()):
        busy = sum(s.end - s.start for s in ss)
        first, last = ss[0], ss[-1]
        ends.append(last.end)
        print(f"    actor {actor}: loading {first.loading[0] - t:.1f}-{first.loading[1] - t:.1f}, batches "
              f"{first.start - t:.1f}-{last.end - t:.1f} ({len(ss)} batches, {sum(s.articles for s in ss)} articles, "
              f"busy {busy:.1f} s, idle between batches {last.end - first.start - busy:.1f} s)")
    if len(ends) > 1:
        print(f"    tail: the first actor done waited {max(ends) - min(ends):.1f} s for the last")
    if report.ray_cpu:
        top = sorted(report.ray_cpu.items(), key=lambda kv: -kv[1])
        print("    CPU s by process: " + ", ".join(f"{k} {v:.1f}" for k, v in top if v >= 0.1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--embed", action="store_true", help="also time the pipeline with embedding")
    ap.add_argument("--no-one-actor", action="store_true", help="skip the 1-actor run (a quiet 2,000 in ~12 min)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip nlp.pipe (words/s only, no ratio: for developing the Ray side)")
    ap.add_argument("--timeline", action="store_true", help="print where each Ray run's time went")
    args = ap.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        path, texts = corpus(args.articles, Path(tmp))
        words = sum(len(t.split()) for t in texts)
        print(f"{args.articles} articles, {words} words")
        base = base_cpu = float("nan")
        if not args.no_baseline:
            nlp = load_nlp()
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in nlp.pipe(texts, batch_size=32):
                pass
            base, base_cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"nlp.pipe, one process (parse only): {base:.1f} s, {words / base:,.0f} words/s; "
                  f"{words / base_cpu:,.0f} words per CPU-second")
            del nlp
        runs = ([] if args.no_one_actor else [(1, False)]) + [(2, False)] + ([(2, True)] if args.embed else [])
        for workers, embed in runs:
            db = Path(tmp) / f"ray{workers}{'e' if embed else ''}.db"
            wall, done_words, (st, sn), cpu_s, report = run_ray(path, db, workers, args.cpus, embed, args.batch)
            # steady needs results spread over time: a tiny run's may all come back at once
            steady = sn * (done_words / args.articles) / st if st > 1.0 and sn > 0 else float("nan")
            what = "analysis + embedding" if embed else "analysis"
            print(f"ray, {workers} actor(s), {what}: {wall:.1f} s whole, {done_words / wall:,.0f} words/s "
                  f"({done_words / wall / (words / base):.2f}x nlp.pipe); steady {steady:,.0f} words/s "
                  f"({steady / (words / base):.2f}x); load average {os.getloadavg()[0]:.1f} after")
            if args.timeline:
                timeline(report)
            if cpu_s > 0 and not args.no_baseline:
                per_cpu, base_per_cpu = done_words / cpu_s, words / base_cpu
                print(f"    {per_cpu:,.0f} words per actor CPU-second ({per_cpu / base_per_cpu:.2f}x nlp.pipe's); "
                      f"with one free core per actor, {workers} actor(s) would run at "
                      f"{workers * per_cpu / base_per_cpu:.2f}x a one-core nlp.pipe")


if __name__ == "__main__":
    main()
