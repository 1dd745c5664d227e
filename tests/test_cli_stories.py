"""The ``stories`` and ``story`` verbs: JSON contracts over a small invented library, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

TEXTS = {
    "a.txt": "Floods hit Varnholm as river Elsa bursts its banks\n\nThe river Elsa burst its banks in Varnholm. "
             "Mayor Ilse Brandt said 300 homes in Varnholm were flooded.",
    "b.txt": "Varnholm evacuates old town after Elsa flood\n\nRescue crews evacuated Varnholm after the river Elsa "
             "flooded 300 homes. The regional water board denied that 300 homes in Varnholm were flooded.",
    "c.txt": "Teodora Vlasic wins Oberhaus chess open\n\nGrandmaster Teodora Vlasic won the Oberhaus chess open, "
             "her coach told reporters.",
}


def run(tmp_path, *args):
    env = dict(os.environ, SOURCELIGHT_DB=str(tmp_path / "cli.db"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "components", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_stories_and_story_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert run(tmp_path, "ingest", folder).returncode == 0
    proc = run(tmp_path, "stories", "--json", "--no-embeddings")
    assert proc.returncode == 0, proc.stderr
    stories = json.loads(proc.stdout)
    assert [len(s["article_ids"]) for s in stories] == [2, 1]
    assert set(stories[0]) >= {"id", "article_ids", "outlets", "dates"}
    again = json.loads(run(tmp_path, "stories", "--json", "--no-embeddings").stdout)
    assert [s["id"] for s in again] == [s["id"] for s in stories]  # ids are stable
    proc = run(tmp_path, "story", stories[0]["id"], "--json", "--no-embeddings")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["id"] == stories[0]["id"] and data["article_ids"] == stories[0]["article_ids"]
    assert {"outlet_profiles", "shared_sources", "single_outlet_sources", "claims", "disagreements"} <= set(data)
    assert all(p["link"].startswith("./read?article=") for c in data["claims"] for p in c["passages"])
    pack = tmp_path / "story.md"
    proc = run(tmp_path, "brief", "--story", stories[0]["id"], "-o", pack)
    assert proc.returncode == 0, proc.stderr
    text = pack.read_text(encoding="utf-8")
    assert "Floods hit Varnholm" in text and "Varnholm evacuates old town" in text and "Vlasic" not in text
    bad = run(tmp_path, "story", "s-nope", "--json", "--no-embeddings")
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("error: story 's-nope'")
