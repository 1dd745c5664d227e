"""``python -m components review``: an article's review queue on the command line, and deciding it.

The library holds one invented article with three sources in doubt (an open "he", then two "she"s
with another woman named just before each). The verb must list them as the Review page does, record
each decision as the page's ordinary ``set_source`` correction (in the history, undoable, with the
analyst), and answer bad input with exit status 2 and one line, recording nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.__main__ import main
from components.analysis import analysis_for
from components.articles import load_paste
from components.corrections import CorrectionsService
from components.effective import effective_analysis
from components.nlp import model_name
from components.pipeline.stages import version_of_installed
from components.store import Store
from tests.test_browser_review import THREE  # invented: three sources in doubt

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, nlp) -> tuple[Path, str]:
    """A library file holding the article, analysed once for the module."""
    path = tmp_path_factory.mktemp("review_cli") / "lib.db"
    store = Store(str(path))
    (article,) = load_paste(THREE)
    store.add_articles([article])
    analysis_for(store, nlp, article)
    store.engine.dispose()
    return path, article.id


@pytest.fixture()
def lib(analysed, tmp_path) -> tuple[str, str]:
    """A fresh copy of that library for one test: (database path, article id)."""
    src, aid = analysed
    db = tmp_path / "lib.db"
    shutil.copy(src, db)
    return str(db), aid


def review(capsys, db: str, *args: str) -> tuple[int, str, str]:
    rc = main(["--db", db, "review", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def queue(capsys, db: str, aid: str) -> list[dict]:
    rc, out, err = review(capsys, db, aid, "--json")
    assert rc == 0, err
    data = json.loads(out)
    assert data["article_id"] == aid and data["title"] == "Harbour plan stalls"
    return data["items"]


def service(db: str) -> CorrectionsService:
    return CorrectionsService(Store(db), version_of_installed(model_name()))


def test_the_queue_lists_each_item_with_its_reasons_and_ranked_candidates(lib, capsys):
    db, aid = lib
    items = queue(capsys, db, aid)
    assert [(i["item"], i["source"], i["source_status"]) for i in items] == [
        (1, "he", "unresolved"), (2, "she", "resolved"), (3, "she", "resolved")]
    he, she, _ = items
    assert he["flags"] == ["unresolved"] and he["shown_as"] is None and "does not say who" in he["reasons"][0]
    assert she["flags"] == ["rival"] and she["shown_as"] == "Anna Berg"
    assert she["attribution"]["source_status"] == "resolved" and she["attribution"]["cue"] == "said"
    names = [c["name"] for c in she["candidates"]]
    assert names[0] == "Anna Berg" and she["candidates"][0]["current"] and "Maria Lopez" in names
    assert [c["number"] for c in she["candidates"]] == list(range(1, len(names) + 1))
    assert all(c["reason"] for c in he["candidates"] + she["candidates"])
    assert "Tom Reed" in [c["name"] for c in he["candidates"]]
    assert "Maria Lopez" not in [c["name"] for c in he["candidates"]]  # "he" is not a woman
    # the text form says the same
    rc, out, _ = review(capsys, db, aid)
    assert rc == 0
    assert "3 attributions to review" in out and "1. #1 “he” → nobody yet (unresolved)" in out
    assert "2. #3 “she” → Anna Berg (resolved)" in out and "1 Anna Berg (person) · current" in out


def test_choosing_a_candidate_is_a_correction_in_the_history_and_undoable(lib, capsys):
    db, aid = lib
    he = queue(capsys, db, aid)[0]
    tom = next(c["number"] for c in he["candidates"] if c["name"] == "Tom Reed")
    rc, out, err = review(capsys, db, aid, "--item", "1", "--choose", str(tom), "--analyst", "Ana", "--json")
    assert rc == 0, err
    done = json.loads(out)
    assert (done["analyst"], done["action"], done["left"]) == ("Ana", "set_source", 2)
    svc = service(db)
    (c,) = svc.history(aid)
    assert (c.id, c.analyst, c.action, c.after.get("source_canonical")) == (done["id"], "Ana", "set_source",
                                                                            "Tom Reed")
    store = Store(db)
    text = store.get_article(aid).text
    first = effective_analysis(store, version_of_installed(model_name()), aid).analysis.attributions[he["index"]]
    assert (first.source.text(text), first.source_canonical, first.source_status) == ("he", "Tom Reed", "resolved")
    assert [i["source"] for i in queue(capsys, db, aid)] == ["she", "she"]  # settled: it left the queue
    svc.undo(c.id, "Ana")
    assert [i["source"] for i in queue(capsys, db, aid)] == ["he", "she", "she"]


def test_accept_and_keep_unresolved_record_what_the_page_records(lib, capsys):
    db, aid = lib
    rc, out, err = review(capsys, db, aid, "--item", "2", "--accept", "--analyst", "Bo")
    assert rc == 0, err
    assert "2 left to review" in out
    rc, out, err = review(capsys, db, aid, "--item", "1", "--keep-unresolved", "--analyst", "Bo")
    assert rc == 0, err
    assert "1 left to review" in out
    kept, accepted = service(db).history(aid)  # newest first
    assert (accepted.analyst, accepted.action, accepted.after.get("source_canonical")) == ("Bo", "set_source",
                                                                                          "Anna Berg")
    assert (kept.analyst, kept.action, kept.after.get("source_canonical")) == ("Bo", "set_source", None)
    (left,) = queue(capsys, db, aid)
    assert left["source"] == "she" and left["shown_as"] == "Clara Diaz"


@pytest.mark.parametrize(
    "args, says",
    [
        (["nope"], "article 'nope' is not in the library"),
        (["{aid}", "--item", "1"], "add --choose K, --accept or --keep-unresolved"),
        (["{aid}", "--accept"], "say which item to decide with --item N"),
        (["{aid}", "--item", "x", "--accept"], "--item 'x' is not a whole number"),
        (["{aid}", "--item", "0", "--accept"], "--item 0: not a place in the review queue"),
        (["{aid}", "--item", "4", "--accept"], "(items 1 to 3)"),
        (["{aid}", "--item", "1", "--choose", "9"], "candidate 9 is not offered for attribution #1"),
        (["{aid}", "--item", "1", "--choose", "two"], "--choose 'two' is not a whole number"),
        (["{aid}", "--item", "2", "--keep-unresolved"], "is resolved to Anna Berg; --accept it or --choose"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_records_nothing(lib, capsys, args, says):
    db, aid = lib
    rc, out, err = review(capsys, db, *[a.format(aid=aid) for a in args], "--analyst", "Ana")
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err
    assert service(db).history(aid) == []


def test_the_verb_as_a_process_exits_2_on_an_unknown_article(lib):
    db, _ = lib
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.run([sys.executable, "-m", "components", "--db", db, "review", "0123456789abcdef"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "error: article '0123456789abcdef' is not in the library"
