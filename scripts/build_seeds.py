"""Build the bundled Wikinews seeds from ``../shared``: ``seeds/wikinews_2019_2020.jsonl`` and
``seeds/ATTRIBUTION.md``.

The 291 English Wikinews articles (2019–2020) are CC BY 2.5 and may ship with the product when
credited: the attribution file names Wikinews contributors, the licence and every article's title
and URL. Only the fields the loader reads are kept (``id``, ``title``, ``text``, ``date``,
``outlet``, ``url``). The seed article ``seeds/000_*.txt`` is never written here; the script only
checks that it still matches ``../shared/seeds``.

Usage: ``python scripts/build_seeds.py [--shared ../shared] [--out seeds]``
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.articles import WIKINEWS_LICENCE_URL  # noqa: E402

CORPUS_NAME = "wikinews_2019_2020.jsonl"
KEEP = ("id", "title", "text", "date", "outlet", "url")


def build(shared: Path, out: Path) -> int:
    """Write the seeds corpus and its attribution file; return the number of articles."""
    source = shared / "corpus" / CORPUS_NAME
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    out.mkdir(parents=True, exist_ok=True)
    with (out / CORPUS_NAME).open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps({k: row.get(k) for k in KEEP}, ensure_ascii=False) + "\n")

    lines = [
        "# Attribution",
        "",
        f"## Wikinews articles (`{CORPUS_NAME}`)",
        "",
        f"The {len(rows)} articles in `{CORPUS_NAME}` are from English Wikinews "
        "(https://en.wikinews.org), written by **Wikinews contributors**, and are licensed under",
        f"the Creative Commons Attribution 2.5 licence (CC BY 2.5): {WIKINEWS_LICENCE_URL}.",
        "They are shipped unchanged in their text; only the fields the loader reads are kept",
        "(id, title, text, date, outlet, url). Each article, its date and its source URL:",
        "",
    ]
    for row in rows:
        title = row["title"].replace("[", "\\[").replace("]", "\\]")
        lines.append(f"- {row['date']} — [{title}]({row['url']})")
    lines += [
        "",
        "## Seed article (`000_b880dba6bbaee506.txt`)",
        "",
        "\"Kim Jong Un in Russia to cut suspected arms deal\" by Ben Aris, bne IntelliNews",
        "(12 September 2023), as supplied by the project's user; copyright its publisher.",
        "",
    ]
    (out / "ATTRIBUTION.md").write_text("\n".join(lines), encoding="utf-8", newline="\n")

    for seed in (shared / "seeds").glob("000_*.txt"):
        ours = out / seed.name
        if not ours.exists() or ours.read_bytes() != seed.read_bytes():
            print(f"warning: {ours} differs from {seed}; copy it unchanged", file=sys.stderr)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / CORPUS_NAME).is_file():
        print(f"error: {args.shared / 'corpus' / CORPUS_NAME} not found", file=sys.stderr)
        return 1
    n = build(args.shared, args.out)
    print(f"wrote {n} articles to {args.out / CORPUS_NAME} and {args.out / 'ATTRIBUTION.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
