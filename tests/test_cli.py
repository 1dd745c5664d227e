"""The command line: contracts of analyze/render/ingest/sources/export, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"
pytestmark = pytest.mark.slow


def run(tmp_path, *args, check=True):
    env = dict(os.environ, SOURCELIGHT_DB=str(tmp_path / "cli.db"), HF_HUB_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "components", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_analyze_json_contract(tmp_path):
    data = json.loads(run(tmp_path, "analyze", SEED, "--json").stdout)
    assert data["id"] == "8ae4f88acb06509a"
    assert (data["title"], data["outlet"], data["author"], data["place"], data["date"]) == (
        "Kim Jong Un in Russia to cut suspected arms deal",
        "bne IntelliNews",
        "Ben Aris",
        "Berlin",
        "2023-09-12",
    )
    text = SEED.read_text(encoding="utf-8")
    assert data["paragraphs"][0]["text"].startswith("North Korean leader Kim Jong Un arrived")
    assert all(text[p["span"][0] : p["span"][1]] == p["text"] for p in data["paragraphs"])
    assert not any(p["text"] in ("News", "Dismiss") for p in data["paragraphs"])
    for e in data["entities"]:
        assert text[e["span"][0] : e["span"][1]] == e["text"]
    groups = {g["id"]: g for g in data["entity_groups"]}
    assert all(e["group"] in groups for e in data["entities"])
    peskov = next(g for g in data["entity_groups"] if g["name"] == "Dmitry Peskov")
    assert peskov["label"] == "PERSON" and len(peskov["mentions"]) == 2
    assert data["attributions"] and {"source", "cue", "content_span", "type"} <= set(data["attributions"][0])
    assert any(r["source"] == "Dmitry Peskov" for r in data["sources"])


def test_second_open_reads_the_stored_analysis(tmp_path):
    run(tmp_path, "analyze", SEED, "--json")
    from components.store import Store

    store = Store(str(tmp_path / "cli.db"))
    (version,) = _versions(store)
    before = store.get_analysis("8ae4f88acb06509a", version)
    run(tmp_path, "analyze", SEED, "--json")
    assert _versions(store) == {version} and store.get_analysis("8ae4f88acb06509a", version) == before


def _versions(store):
    import sqlalchemy as sa

    from components.store import analyses_table

    with store.engine.connect() as c:
        return set(c.execute(sa.select(analyses_table.c.version)).scalars())


def test_render_writes_one_self_contained_page(tmp_path):
    out = tmp_path / "seed.html"
    run(tmp_path, "render", SEED, "-o", out)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Dmitry Peskov" in page
    assert "http://" not in page.split("<body>")[0] and "<script" not in page and "<link" not in page


def test_ingest_summary_and_bad_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "bin.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "c.jsonl").write_text(
        '{"id": "a", "title": "T", "text": "Body text here. It said so."}\n{broken\n', encoding="utf-8"
    )
    out = run(tmp_path, "ingest", folder).stdout
    assert "added 2" in out and "rejected 3" in out
    assert "empty.txt: the file is empty" in out and "bin.txt" in out and "c.jsonl line 2" in out
    again = run(tmp_path, "ingest", folder / "seed.txt").stdout
    assert "added 0, skipped 1" in again


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "/nonexistent/file.txt"], "file.txt"),
        (["analyze", "__EMPTY__"], "empty"),
        (["render", "__EMPTY__", "-o", "x.html"], "empty"),
        (["export", "--format", "csv", "--article", "nope", "-o", "x.csv"], "nope"),
        (["sources"], "--corpus"),
        (["attribute", "/nonexistent/in.jsonl", "-o", "out.jsonl"], "in.jsonl"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, message):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    args = [str(empty) if a == "__EMPTY__" else a for a in args]
    proc = run(tmp_path, *args, check=False)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and "[" not in ln]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr


def test_sources_and_export(tmp_path):
    rows = json.loads(run(tmp_path, "sources", SEED, "--json").stdout)
    assert {"source", "type", "attributions", "direct", "indirect", "mixed", "words", "cues", "nested_in"} <= set(
        rows[0]
    )
    out = tmp_path / "a.jsonl"
    run(tmp_path, "export", "--format", "jsonl", "-o", out)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["text"].startswith("Kim Jong Un in Russia")


def test_attribute_reads_what_it_can_and_echoes_ids(tmp_path):
    src = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": 7, "text": "Officials said the talks would resume on Monday."}).encode()
    latin = '{"id": "l", "text": "Le ministre a déclaré que"}'.encode("latin-1")
    src.write_bytes(good + b"\n" + latin + b"\n")
    out = tmp_path / "out.jsonl"
    proc = run(tmp_path, "attribute", src, "-o", out)
    assert "mixed.jsonl:2: not UTF-8 text" in proc.stderr and "Traceback" not in proc.stderr
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["id"] == 7 and line["attributions"][0]["source"] == "Officials"  # the id as given, a number

    utf16 = tmp_path / "u16.jsonl"
    utf16.write_text(json.dumps({"id": "u", "text": "Officials said it rained."}) + "\n", encoding="utf-16")
    run(tmp_path, "attribute", utf16, "-o", out)
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "u"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        ('{"id": "x", "text": "déclaré"}\n'.encode("latin-1"), "no line with an 'id' and a 'text' (first problem"),
        (b'{"id": true, "text": "x"}\n', "no line with an 'id' and a 'text'"),
    ],
)
def test_attribute_refuses_a_file_with_nothing_usable(tmp_path, content, message):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(content)
    proc = run(tmp_path, "attribute", src, "-o", tmp_path / "o.jsonl", check=False)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_sources_corpus_json_and_an_empty_library(tmp_path):
    empty = run(tmp_path, "sources", "--corpus", "--json")
    assert json.loads(empty.stdout) == [] and "the library is empty" in empty.stderr
    run(tmp_path, "ingest", SEED)
    rows = json.loads(run(tmp_path, "sources", "--corpus", "--json").stdout)
    by = {r["source"]: r for r in rows}
    assert {"source", "type", "attributions", "direct", "indirect", "mixed", "words", "cues", "nested_in",
            "articles", "outlets"} <= set(rows[0])
    assert by["Dmitry Peskov"]["articles"] == 1 and by["Dmitry Peskov"]["outlets"] == ["bne IntelliNews"]
    assert by["US officials"]["nested_in"] == "The New York Times"


def test_export_takes_several_ids_after_one_article_flag(tmp_path):
    run(tmp_path, "ingest", SEED)
    ids = [json.loads(run(tmp_path, "analyze", SEED, "--json").stdout)["id"]]
    proc = run(tmp_path, "export", "--format", "csv", "--article", ids[0], "nope", "-o", tmp_path / "x.csv", check=False)
    assert proc.returncode == 2 and "nope" in proc.stderr  # both ids were read: the unknown one is named
    run(tmp_path, "export", "--format", "csv", "--article", ids[0], "--article", ids[0], "-o", tmp_path / "y.csv")


def test_similar_and_index_verbs_on_a_small_corpus(tmp_path):
    rows = [
        {"id": "q1", "title": "Earthquake hits Chile", "text": "A strong earthquake struck northern Chile near Iquique."},
        {"id": "q2", "title": "Chile quake damage", "text": "Houses in Iquique, Chile were damaged by the earthquake."},
        {"id": "t1", "title": "Federer wins Wimbledon", "text": "Roger Federer won the Wimbledon final in five sets."},
        {"id": "t2", "title": "Wimbledon final", "text": "Federer beat his rival at Wimbledon to take the title."},
    ]
    corpus, queries, out = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "o.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    queries.write_text('{"query_doc_id": "q1"}\n{"query_doc_id": "t2"}\n', encoding="utf-8")
    proc = run(tmp_path, "similar", corpus, "--queries", queries, "-k", "3", "-o", out)
    assert "wrote 2 result lines" in proc.stdout
    got = {r["query_doc_id"]: r["results"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert got["q1"][0] == "q2" and got["t2"][0] == "t1"  # the same story first
    assert all(q not in res and len(res) == 3 for q, res in got.items())  # never the query itself

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query_doc_id": "nope"}\n', encoding="utf-8")
    proc = run(tmp_path, "similar", corpus, "--queries", bad, "-o", out, check=False)
    assert proc.returncode == 2 and "nope" in proc.stderr and "Traceback" not in proc.stderr

    run(tmp_path, "ingest", SEED)
    first = run(tmp_path, "index").stdout
    assert "indexed 1 articles: 1 embedded now, 0 from the cache" in first
    again = run(tmp_path, "index").stdout
    assert "indexed 1 articles: 0 embedded now, 1 from the cache" in again  # stored vectors reused
