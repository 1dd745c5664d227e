"""Check that the lock files still satisfy their inputs (CI runs this before the tests).

`requirements.in` / `requirements-dev.in` say what Sourcelight asks for; `requirements.txt` /
`requirements-dev.txt` are the locks compiled from them by pip-tools (`make lock`). This script fails
(exit 1, one line per problem) when an input is missing from its lock or pinned to a version the
input does not allow, when a lock line is not an exact `==` pin, or when the runtime and dev locks
pin one package differently. With `--installed` it also checks the running environment holds
exactly the dev lock's versions (what `make test` installed). Offline: it reads files only.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]


def _lines(path: Path) -> list[str]:
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_lock(path: Path, problems: list[str]) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in _lines(path):
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        if not m:
            problems.append(f"{path.name}: not an exact pin: {line!r}")
            continue
        pins[canonicalize_name(m.group(1))] = Version(m.group(3))
    return pins


def read_inputs(path: Path) -> list[Requirement]:
    reqs = []
    for line in _lines(path):
        if line.startswith(("-r ", "-c ")):
            target = path.parent / line.split(None, 1)[1]
            if line.startswith("-r "):
                reqs.extend(read_inputs(target))
            continue
        reqs.append(Requirement(line))
    return reqs


def _satisfied(req: Requirement, version: Version) -> bool:
    # `torch==2.13.0` is satisfied by the CPU build `2.13.0+cpu` (PEP 440 local versions).
    return req.specifier.contains(version, prereleases=True) or req.specifier.contains(
        Version(version.public), prereleases=True
    )


def check(installed: bool = False) -> list[str]:
    problems: list[str] = []
    locks = {}
    for inputs, lock in PAIRS:
        pins = read_lock(ROOT / lock, problems)
        locks[lock] = pins
        for req in read_inputs(ROOT / inputs):
            name = canonicalize_name(req.name)
            if name not in pins:
                problems.append(f"{lock}: {req.name} is asked for in {inputs} but not locked (run `make lock`)")
            elif not _satisfied(req, pins[name]):
                have = f"{req.name}=={pins[name]}"
                problems.append(f"{lock}: {have} does not satisfy {req} in {inputs} (run `make lock`)")
    runtime, dev = locks["requirements.txt"], locks["requirements-dev.txt"]
    for name, version in runtime.items():
        if name in dev and dev[name] != version:
            problems.append(f"requirements-dev.txt pins {name}=={dev[name]}, requirements.txt {version}")
    if installed:
        for name, version in dev.items():
            try:
                have = Version(metadata.version(name))
            except metadata.PackageNotFoundError:
                problems.append(f"installed environment: {name} is locked but not installed")
                continue
            if Version(have.public) != Version(version.public):
                problems.append(f"installed environment: {name} {have} but the lock says {version}")
    return problems


def main(argv: list[str]) -> int:
    problems = check(installed="--installed" in argv)
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print("locks: every input is pinned and satisfied")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
