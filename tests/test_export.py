"""Every export format round-trips: written from the effective analysis (model + corrections),
read back with the format's own reader, compared with what was exported, span text included."""
from __future__ import annotations

import csv
import hashlib
import json
import zipfile

import pandas as pd
import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training.converters import conll_ner_to_docs
from test_corrections import AID, ARTICLE, V1, model_analysis, sel

from components.corrections import CorrectionsService
from components.effective import iter_effective
from components.errors import BadInput
from components.export import (
    CONTENT_JOIN,
    CSV_COLUMNS,
    CSV_TEXT_COLUMNS,
    FORMATS,
    conll_entities,
    csv_guard,
    csv_unguard,
    export,
    export_bytes,
    read_brat,
    read_conll,
    read_jsonl,
)
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.store import Store

# A second article with what trips exporters up: a quote running over a paragraph break, a no-break
# space inside a token, an entity inside a word ("Donald" in "McDonald"), non-ASCII text.
TEXT2 = (
    "Café owner Ana McDonald said: “Prices rose.\n\nWe cannot go on like this,” in Zürich.\n"
    "Sales fell 10\u00a0000 units, she added."
)
AID2 = hashlib.sha256(TEXT2.encode()).hexdigest()[:16]


def at2(sub: str) -> Span:
    i = TEXT2.index(sub)
    return Span(i, i + len(sub))


def analysis2() -> Analysis:
    ana, zur = at2("Ana McDonald"), at2("Zürich")
    return Analysis(
        AID2, V1,
        entities=(Entity(ana.start, ana.end, "PERSON", "p"), Entity(zur.start, zur.end, "GPE", "z")),
        groups=(EntityGroup("p", "Ana McDonald", "PERSON", (ana,)), EntityGroup("z", "Zürich", "GPE", (zur,))),
        attributions=(
            Attribution(ana, "Ana McDonald", "person", at2("said"),
                        (at2("Prices rose.\n\nWe cannot go on like this,"),), "direct"),
            Attribution(at2("she"), "Ana McDonald", "person", at2("added"), (at2("Sales fell 10\u00a0000 units"),),
                        "indirect"),
        ),
    )


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.fixture
def library(tmp_path):
    store = Store(str(tmp_path / "lib.db"))
    store.add_articles([ARTICLE, Article(AID2, TEXT2, title="Zürich prices", outlet="Local", date="2020-05-06")])
    store.put_analyses([model_analysis(), analysis2()])
    svc = CorrectionsService(store, V1)
    svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst="alice")
    svc.remove_entity(AID, sel("Monday")[:2], analyst="bob")
    svc.add_attribution(AID, analyst="carol", cue=sel("said", 2), content=[sel("he was pleased")], kind="indirect",
                        source=sel("he"), entity=sel("Jordan Peterson"))
    start = TEXT2.index("McDonald") + 2
    svc.add_entity(AID2, (start, start + 6, "Donald"), "PERSON", analyst="dan")  # inside a token
    svc.add_note(AID, "Check with the ministry", analyst="alice", span=sel("The ministry"), shareable=True)
    svc.add_tag(AID, "needs follow-up", analyst="alice")
    # corrections made here apply; one for an entity this version lacks is reported, not lost
    store.put_analysis(Analysis(AID, "v-other", (), (), ()))
    yield store, svc
    store.engine.dispose()


def expected(svc: CorrectionsService) -> dict[str, tuple]:
    out = {}
    for article, eff in iter_effective(svc.store, V1, [AID, AID2]):
        out[article.id] = (article, eff)
    return out


def test_jsonl_round_trip(library, tmp_path):
    store, svc = library
    report = export(store, V1, "jsonl", tmp_path / "out.jsonl", [AID, AID2])
    assert (report.articles, report.format, report.unanchored) == (2, "jsonl", 0)
    recs = read_jsonl(tmp_path / "out.jsonl")
    raw = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert recs == raw
    exp = expected(svc)
    for rec in recs:
        article, (an, prov, _lost) = exp[rec["article"]["id"]]
        assert rec["text"] == article.text and rec["pipeline_version"] == V1
        assert rec["article"]["title"] == article.title
        got = [(e["start"], e["end"], e["label"], e["text"], e["provenance"]["by"]) for e in rec["entities"]]
        assert got == [(e.start, e.end, e.label, article.text[e.start : e.end], p.by)
                       for e, p in zip(an.entities, prov.entities, strict=True)]
        assert [g["name"] for g in rec["groups"]] == [g.name for g in an.groups]
        for x, a in zip(rec["attributions"], an.attributions, strict=True):
            assert x["cue"] == article.text[a.cue.start : a.cue.end]
            assert x["content"] == [article.text[s.start : s.end] for s in a.content]
            assert (x["source_canonical"], x["kind"], x["nested_in"]) == (a.source_canonical, a.kind, a.nested_in)
    first = next(r for r in recs if r["article"]["id"] == AID)
    jordan = next(e for e in first["entities"] if e["start"] == sel("Jordan", 1)[0])
    assert (jordan["label"], jordan["provenance"]["by"], jordan["provenance"]["analyst"]) == ("GPE", "analyst", "alice")
    assert [e["text"] for e in first["removed"]["entities"]] == ["Monday"]
    added = first["attributions"][-1]
    assert (added["source"], added["source_canonical"], added["provenance"]["analyst"]) == (
        "he", "Jordan Peterson", "carol")
    assert first["notes"][0]["quote"] == "The ministry" and first["notes"][0]["shareable"] is True
    assert [t["tag"] for t in first["tags"]] == ["needs follow-up"]


def test_jsonl_reports_unanchored_corrections(library, tmp_path):
    store, _svc = library
    report = export(store, "v-other", "jsonl", tmp_path / "o.jsonl", [AID])
    (rec,) = read_jsonl(tmp_path / "o.jsonl")
    assert report.unanchored == len(rec["unanchored_corrections"]) == 2  # relabel + delete: no entities
    assert {u["analyst"] for u in rec["unanchored_corrections"]} == {"alice", "bob"}
    assert len(rec["attributions"]) == 1  # carol's added attribution anchors by its own spans


def test_spacy_docbin_round_trip(library, tmp_path, blank):
    store, svc = library
    report = export(store, V1, "spacy", tmp_path / "out.spacy", nlp=blank)
    assert report.warnings == ()
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(blank.vocab))
    exp = expected(svc)
    assert [d.user_data["sourcelight"]["article"]["id"] for d in docs] == list(report.article_ids)
    assert sorted(report.article_ids) == sorted([AID, AID2])
    for doc in docs:
        article, (an, prov, _lost) = exp[doc.user_data["sourcelight"]["article"]["id"]]
        assert doc.text == article.text
        assert [(e.start_char, e.end_char, e.label_, e.text, e.id_) for e in doc.ents] == [
            (e.start, e.end, e.label, article.text[e.start : e.end], e.group) for e in an.entities]
        for i, a in enumerate(an.attributions):
            sid = f"attr{i}"
            cue = [s for s in doc.spans["sl_cue"] if s.id_ == sid]
            content = [s for s in doc.spans["sl_content"] if s.id_ == sid]
            source = [s for s in doc.spans["sl_source"] if s.id_ == sid]
            assert [(s.start_char, s.end_char, s.text) for s in cue] == [
                (a.cue.start, a.cue.end, article.text[a.cue.start : a.cue.end])]
            assert [(s.start_char, s.end_char, s.text, s.label_) for s in content] == [
                (c.start, c.end, article.text[c.start : c.end], a.kind) for c in a.content]
            assert [s.text for s in source] == ([article.text[a.source.start : a.source.end]] if a.source else [])
        meta = doc.user_data["sourcelight"]
        assert [e["provenance"]["by"] for e in meta["entities"]] == [p.by for p in prov.entities]
    donald = [e for d in docs for e in d.ents if e.text == "Donald"]
    assert len(donald) == 1  # split out of the token "McDonald", exactly


def test_conll_round_trip_with_spacy_reader_and_ours(library, tmp_path, blank):
    store, svc = library
    report = export(store, V1, "conll", tmp_path / "out.conll", [AID2, AID], nlp=blank)
    body = (tmp_path / "out.conll").read_text(encoding="utf-8")
    assert body.count("-DOCSTART-") == 2 and "\n\n" in body
    exp = expected(svc)
    ours = read_conll(tmp_path / "out.conll")
    theirs = list(conll_ner_to_docs(body, n_sents=0, no_print=True))
    assert len(ours) == len(theirs) == 2
    for aid, doc, sdoc in zip(report.article_ids, ours, theirs, strict=True):
        article, (an, prov, _lost) = exp[aid]
        want = [(e.label, "".join(article.text[e.start : e.end].split()), p.by)
                for e, p in zip(an.entities, prov.entities, strict=True)]
        assert [(label, "".join(toks), by) for label, toks, by in conll_entities(doc)] == want
        assert [(e.label_, "".join(e.text.split())) for e in sdoc.ents] == [(w[0], w[1]) for w in want]
        tokens = [t for sentence in doc for t, _by, _tag in sentence]
        assert "".join(tokens) == "".join(article.text.split())  # every character but whitespace, in order
    # the article with the paragraph break has more than one sentence
    assert len(ours[0]) > 1


@pytest.mark.parametrize("name", ["brat_out", "brat.zip"])
def test_brat_round_trip(library, tmp_path, name):
    store, svc = library
    report = export(store, V1, "brat", tmp_path / name)
    if name.endswith(".zip"):
        assert zipfile.ZipFile(tmp_path / name).testzip() is None
    docs = read_brat(tmp_path / name)
    exp = expected(svc)
    assert sorted(docs) == sorted(report.article_ids)
    for aid, doc in docs.items():
        article, (an, prov, _lost) = exp[aid]
        assert doc["text"] == article.text
        t, ann = article.text, doc["ann"]
        ents = [(lab, frags, s) for lab, frags, s in ann["T"].values() if lab not in ("Source", "Cue", "Content")]
        assert [(lab, frags, s) for lab, frags, s in ents] == [
            (e.label, [(e.start, e.end)], t[e.start : e.end]) for e in an.entities]
        events = list(ann["E"].values())
        assert len(events) == len(an.attributions)
        kinds = {target: v for name_, target, v in ann["A"] if name_ == "Kind"}
        for (eid, ev), a in zip(ann["E"].items(), an.attributions, strict=True):
            cue = ann["T"][ev["Cue"]]
            assert (cue[0], cue[1], cue[2]) == ("Cue", [(a.cue.start, a.cue.end)], t[a.cue.start : a.cue.end])
            content = ann["T"][ev["Content"]]
            joined = [f for c in a.content for f in [(c.start + m, c.start + m + len(p)) for m, p in _lines(t, c)]]
            assert content[1] == joined
            assert content[2] == " ".join(t[x:y] for x, y in joined)
            assert ("Source" in ev) == (a.source is not None)
            assert kinds[eid] == a.kind
            assert json.loads(ann["notes"][eid])["source_canonical"] == a.source_canonical
        nested = [(n, a1, a2) for n, a1, a2 in ann["R"]]
        assert len(nested) == sum(a.nested_in is not None for a in an.attributions)
    quote = [x for x in docs[AID2]["ann"]["T"].values() if x[0] == "Content" and len(x[1]) > 1]
    assert quote and quote[0][2] == "Prices rose. We cannot go on like this,"  # two fragments, no newline


def _lines(text: str, s: Span):
    import re

    for m in re.finditer(r"[^\n]+", text[s.start : s.end]):
        if m.group().strip():
            yield m.start(), m.group()


def test_csv_round_trip(library, tmp_path):
    store, svc = library
    export(store, V1, "csv", tmp_path / "out.csv")
    exp = expected(svc)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == rows
    rows = [{k: csv_unguard(v) if k in CSV_TEXT_COLUMNS else v for k, v in r.items()} for r in rows]
    assert len(rows) == sum(len(eff.analysis.attributions) for _a, eff in exp.values())
    for r in rows:
        article, (an, prov, _lost) = exp[r["article_id"]]
        t, a, p = article.text, an.attributions[int(r["index"])], prov.attributions[int(r["index"])]
        off = json.loads(r["offsets"])
        assert r["cue"] == t[off["cue"][0] : off["cue"][1]] == t[a.cue.start : a.cue.end]
        assert r["content"] == CONTENT_JOIN.join(t[x:y] for x, y in off["content"])
        assert r["source"] == (t[off["source"][0] : off["source"][1]] if off["source"] else "")
        assert (r["canonical"], r["kind"], r["title"]) == (a.source_canonical or "", a.kind, article.title)
        assert r["nested_in"] == ("" if a.nested_in is None else str(a.nested_in))
        assert r["provenance"] == p.label
    assert "\n\n" in next(r["content"] for r in rows if r["article_id"] == AID2)  # the newline survives quoting
    assert any(r["provenance"].startswith("analyst: carol") for r in rows)


@pytest.mark.parametrize(
    "value, guarded",
    [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("'quoted", "''quoted"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
    ],
)
def test_csv_guard_makes_formula_cells_text_and_reverses(value, guarded):
    assert csv_guard(value) == guarded
    assert csv_unguard(guarded) == value


def test_csv_cells_from_hostile_articles_never_start_a_formula(tmp_path):
    text = '=1+1 was the answer, said @someone. "-2+3 is fine," he said.'
    aid = hashlib.sha256(text.encode()).hexdigest()[:16]

    def at(sub):
        i = text.index(sub)
        return Span(i, i + len(sub))

    store = Store(str(tmp_path / "h.db"))
    store.add_articles([Article(aid, text, title='=HYPERLINK("http://evil.example","open me")', outlet="+Outlet")])
    store.put_analyses([Analysis(aid, V1, attributions=(
        Attribution(at("@someone"), "=cmd", "person", at("said"), (at("=1+1 was the answer"),), "indirect"),
        Attribution(at("he"), "@someone", "person", at("said", ), (at('-2+3 is fine,'),), "direct"),
    ))])
    export(store, V1, "csv", tmp_path / "h.csv")
    with open(tmp_path / "h.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    for r in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in r.values())
    assert [csv_unguard(r["content"]) for r in rows] == ["=1+1 was the answer", "-2+3 is fine,"]
    assert csv_unguard(rows[0]["title"]) == '=HYPERLINK("http://evil.example","open me")'
    assert (csv_unguard(rows[0]["source"]), csv_unguard(rows[0]["canonical"])) == ("@someone", "=cmd")


def test_export_refuses_bad_requests(library, tmp_path):
    store, _svc = library
    with pytest.raises(BadInput, match="format"):
        export(store, V1, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(BadInput, match="not in the library"):
        export(store, V1, "jsonl", tmp_path / "x.jsonl", ["nope"])
    with pytest.raises(BadInput, match="no analysis of version"):
        export(store, "v-other", "jsonl", tmp_path / "x.jsonl", [AID2])
    with pytest.raises(BadInput, match="nothing to export"):
        export(store, "v-none", "csv", tmp_path / "x.csv")
    with pytest.raises(BadInput, match="is a folder"):
        export(store, V1, "csv", tmp_path)
    assert set(FORMATS) == {"jsonl", "spacy", "conll", "brat", "csv"}
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.slow
def test_real_pipeline_export_round_trips(nlp, seed_text, tmp_path):
    """The seed article through the real analysis, one correction, every format read back."""
    from components.analysis import analyze

    article = Article(hashlib.sha256(seed_text.encode()).hexdigest()[:16], seed_text, title="seed")
    an = analyze(article, nlp)
    store = Store(str(tmp_path / "lib.db"))
    store.add_articles([article])
    store.put_analysis(an)
    svc = CorrectionsService(store, an.version)
    first = an.entities[0]
    svc.relabel_entity(article.id, first.span, "ORG" if first.label != "ORG" else "PERSON", analyst="qa")
    (_a, eff), = iter_effective(store, an.version, [article.id])
    for fmt, name in [("jsonl", "a.jsonl"), ("spacy", "a.spacy"), ("conll", "a.conll"), ("brat", "a.zip"),
                      ("csv", "a.csv")]:
        report = export(store, an.version, fmt, tmp_path / name, nlp=nlp)
        assert report.entities == len(eff.analysis.entities) and report.warnings == ()
    (doc,) = DocBin().from_disk(tmp_path / "a.spacy").get_docs(nlp.vocab)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (e.start, e.end, e.label) for e in eff.analysis.entities]
    assert len(list(doc.spans["sl_cue"])) == len(eff.analysis.attributions)
    ann = read_brat(tmp_path / "a.zip")[article.id]["ann"]
    assert sum(1 for x in ann["T"].values() if x[0] == "Cue") == len(eff.analysis.attributions)
    (conll_doc,) = read_conll(tmp_path / "a.conll")
    assert len(conll_entities(conll_doc)) == len(eff.analysis.entities)
    assert conll_entities(conll_doc)[0][2] == "analyst"
    store.engine.dispose()


def test_export_bytes_for_download_buttons(library, tmp_path):
    store, _svc = library
    data, name, mime, report = export_bytes(store, V1, "brat", [AID])
    assert (name, mime, report.article_ids) == ("sourcelight-brat.zip", "application/zip", (AID,))
    (tmp_path / name).write_bytes(data)
    assert set(read_brat(tmp_path / name)) == {AID}
    data, name, _mime, _r = export_bytes(store, V1, "jsonl", [AID])
    assert json.loads(data.decode("utf-8").splitlines()[0])["article"]["id"] == AID
