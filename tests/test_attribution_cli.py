"""The attribution command line (``attribution/cli.py``): a small JSONL file through the real
pipeline, and a missing input as one line and exit 2. Both load spaCy: slow."""
from __future__ import annotations

import json

import pytest

from components.attribution.cli import attribute_jsonl
from components.attribution.cli import main as cli_main

# The command loads the spaCy pipeline before it reads its input, so even the refusal is slow.
pytestmark = pytest.mark.slow


def test_cli_on_a_small_file(nlp, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": "Officials said the talks would resume on Monday."}) + "\n"
        + "not json\n"
        + json.dumps({"id": "b"}) + "\n"
        + json.dumps({"id": "c", "text": "The troops crossed the river."}) + "\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    seen = []
    counts = attribute_jsonl(src, out, nlp, progress=seen.append)
    assert counts["articles"] == 2 and counts["attributions"] == 1 and counts["skipped"] == 2
    assert any(":2:" in w for w in counts["warnings"]) and any(":3:" in w for w in counts["warnings"])
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", "c"] and seen == [1, 2]
    (attr,) = lines[0]["attributions"]
    assert attr["source"] == "Officials" and attr["type"] == "indirect"
    assert lines[1]["attributions"] == []


def test_cli_missing_input_is_one_line_error(tmp_path, capsys):
    assert cli_main([str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "nope.jsonl" in err and "Traceback" not in err and err.count("\n") == 1
