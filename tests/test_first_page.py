"""What a cold start's first page has to import before it can show an article's text (issue 12).

The Read page shows the text of an article still being analysed at once, and the first article's
text is the first thing a new user waits for: the modules that page and the app's frame import at
the top must not pull in pandas, numpy, plotly's figure builders' data stack, the language model or
the encoder (seconds each on a 2-core machine). What an analysed page draws imports them inside
the functions that draw it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Imported by dashboard/app.py and at the top of dashboard/views/reading.py.
FIRST_PAGE = [
    "components.access", "components.articles", "components.entities", "components.render",
    "components.textsafe", "dashboard.auth", "dashboard.state", "dashboard.progress",
    "dashboard.pending", "dashboard.widgets",
]  # fmt: skip
HEAVY = ["pandas", "numpy", "scipy", "sklearn", "pyarrow", "spacy", "torch", "sentence_transformers", "tantivy"]


def _imported_after(modules: list[str]) -> list[str]:
    code = (
        "import json, sys; import streamlit\n"
        f"before = set(sys.modules)\n"
        f"for m in {modules!r}: __import__(m)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules and m not in before)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_first_page_imports_none_of_the_heavy_libraries():
    assert _imported_after(FIRST_PAGE) == []


def test_an_analysed_page_still_finds_what_it_draws_with():
    # The lazily imported modules are still there and still import what they need (the check above
    # would pass vacuously if they had moved).
    assert {"pandas", "numpy"} <= set(_imported_after(["components.effective", "components.charts"]))


@pytest.mark.parametrize("page", ["reading.py"])
def test_the_reading_page_does_not_import_pandas_at_its_top(page):
    # The page module is run by Streamlit, not imported: read its top-level imports.
    import ast

    tree = ast.parse((ROOT / "dashboard" / "views" / page).read_text(encoding="utf-8"))
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module in ("components", "dashboard"):
            top |= {f"{node.module}.{a.name}" for a in node.names}  # from dashboard import state
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module)
    assert top.isdisjoint({"pandas", "components.charts", "components.sources", "dashboard.similar_panel"})
    # Every module of ours it imports at the top is one the first check covers.
    assert {m for m in top if m.startswith(("components.", "dashboard."))} <= set(FIRST_PAGE)
