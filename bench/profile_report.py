"""Print where a server's CPU went, from the file ``components/sampler.py`` writes.

    SOURCELIGHT_PROFILE_SAMPLES=/tmp/prof.json .venv/bin/python bench/bench_load.py ...
    .venv/bin/python bench/profile_report.py /tmp/prof.json [--top 25] [--thread NAME] [--grep TEXT]
    .venv/bin/python bench/profile_report.py /tmp/prof.json --waits    # where script runs stood still

Prints the process's CPU, how much of it the sampler charged to Python stacks (the rest is native
threads and the sampler itself), the CPU per thread, the functions with the most CPU *inclusive*
(on the stack) and *self* (at the top), and the heaviest stacks, cut to their last frames.
``--waits``: the same for the wall time script threads spent *without* CPU (seconds of waiting).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--thread", default=None, help="only stacks of threads whose name starts so")
    ap.add_argument("--grep", default=None, help="only stacks containing this text")
    ap.add_argument("--depth", type=int, default=8, help="frames shown of each heavy stack (its last ones)")
    ap.add_argument("--waits", action="store_true",
                    help="script threads' wall time without CPU instead of CPU: where page runs stood still")
    args = ap.parse_args()
    data = json.loads(args.path.read_text(encoding="utf-8"))
    if args.waits:
        print("WAITS: seconds script threads stood still (wall time less their CPU), by stack")
    stacks = {k: v for k, v in data["waits" if args.waits else "stacks"].items()
              if (args.thread is None or k.startswith(args.thread)) and (args.grep is None or args.grep in k)}
    total = sum(stacks.values())
    print(f"wall {data['wall_s']:.1f} s, process CPU {data['process_cpu_s']:.1f} s, "
          f"charged to Python stacks {data['sampled_cpu_s']:.1f} s, "
          f"sampler itself {data.get('sampler_cpu_s', 0):.1f} s, "
          f"{data['samples']} samples; selected {total:.1f} s")
    print("\nCPU by Python thread:")
    for name, s in sorted(data["threads"].items(), key=lambda kv: -kv[1]):
        print(f"  {s:7.2f} s  {name}")
    print("\nCPU by OS thread (since the process started):")
    for name, s in sorted(data["os_threads"].items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {s:7.2f} s  {name}")
    inclusive: dict[str, float] = defaultdict(float)
    own: dict[str, float] = defaultdict(float)
    for key, s in stacks.items():
        frames = key.split(";")[1:]
        for f in set(frames):
            inclusive[f] += s
        if frames:
            own[frames[-1]] += s
    def fn(frame: str) -> str:  # a function, not a line: "name (path" without ":line)"
        return frame.rsplit(":", 1)[0] + ")"
    incl_fn: dict[str, float] = defaultdict(float)
    for key, s in stacks.items():
        for f in {fn(x) for x in key.split(";")[1:]}:
            incl_fn[f] += s
    own_fn: dict[str, float] = defaultdict(float)
    for f, s in own.items():
        own_fn[fn(f)] += s
    print(f"\nTop functions, inclusive (share of the selected {total:.1f} s):")
    for f, s in sorted(incl_fn.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {s:7.2f} s {100 * s / total:5.1f} %  {f}")
    print("\nTop functions, self:")
    for f, s in sorted(own_fn.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {s:7.2f} s {100 * s / total:5.1f} %  {f}")
    print(f"\nHeaviest stacks (last {args.depth} frames):")
    for key, s in sorted(stacks.items(), key=lambda kv: -kv[1])[: args.top]:
        thread, *frames = key.split(";")
        print(f"  {s:7.2f} s  [{thread}] " + " <- ".join(reversed(frames[-args.depth:])))


if __name__ == "__main__":
    main()
