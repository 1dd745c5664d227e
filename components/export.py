"""Exports of the effective analysis (the model's output with analysts' corrections applied, read
through ``components.effective.iter_effective`` like every view).

Five formats, each with the provenance it can carry and each read back in the tests with the
format's own reader: JSONL in our schema (article metadata, text, entities, groups, attributions,
each with its provenance, what analysts removed, unanchored corrections, notes (shareable ones and
the reader's own private ones only), tags, pipeline
version, export time); a spaCy ``DocBin`` (``doc.ents`` plus the attributions as the span groups
``sl_source``, ``sl_cue`` and ``sl_content``, one span id per attribution, details in
``doc.user_data["sourcelight"]``); CoNLL-2003 BIO for entities; brat standoff (a ``.txt`` and an
``.ann`` per article, in a folder or a zip, with ``annotation.conf``); and a CSV of attributions,
whose text cells are guarded against spreadsheet formula injection (:func:`csv_guard`).
Tokens for the token-based formats come from the pipeline's tokenizer, split further wherever an
entity or attribution boundary falls inside a token, so every span is exported exactly. Files are
written to a temporary name and renamed, so a killed export never leaves half a file.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from components.corrections.records import EffectiveAnalysis, Note, Tag
from components.corrections.service import CorrectionsService
from components.effective import iter_effective
from components.errors import BadInput
from components.records import Article, Span
from components.store import Store, now

FORMATS = ("jsonl", "spacy", "conll", "brat", "csv")
#: The formats that tokenise with a spaCy pipeline (the ``nlp`` argument); the others never need one.
PIPELINE_FORMATS = frozenset({"spacy", "conll"})
SCHEMA = "sourcelight-export/1"
SPAN_GROUPS = ("sl_source", "sl_cue", "sl_content")
CSV_COLUMNS = (
    "article_id", "title", "outlet", "date", "index", "source", "canonical", "type", "cue", "content",
    "kind", "nested_in", "offsets", "provenance",
)
#: The line spaCy's CoNLL-2003 reader (``conll_ner_to_docs``) splits documents on.
CONLL_DOCSTART = "-DOCSTART- -X- O O"
CONTENT_JOIN = " … "  # between the pieces of a quote broken by its cue, in the CSV
#: A CSV cell starting with one of these is run as a formula by spreadsheets (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_GUARD = "'"


def csv_guard(value: object) -> str:
    """A CSV text cell a spreadsheet shows as text: a cell starting like a formula (or with the
    guard itself) gets a leading ``'``. Article text is hostile: a quote or a title starting with
    ``=HYPERLINK(…)`` must not run when an analyst opens the export. :func:`csv_unguard` reverses it."""
    text = "" if value is None else str(value)
    return CSV_GUARD + text if text.startswith((*FORMULA_START, CSV_GUARD)) else text


def csv_unguard(cell: str) -> str:
    """The exported value of a CSV text cell written by :func:`csv_guard`."""
    return cell[len(CSV_GUARD):] if cell.startswith(CSV_GUARD) else cell


#: The CSV columns that carry text from articles or analysts (guarded); the others are ours.
CSV_TEXT_COLUMNS = ("title", "outlet", "date", "source", "canonical", "cue", "content", "provenance")


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    format: str
    path: str
    version: str
    exported_at: str
    article_ids: tuple[str, ...]  # in file order (CoNLL documents follow it)
    entities: int
    attributions: int
    notes: int
    unanchored: int  # corrections that did not apply to this version (listed in JSONL)
    files: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def articles(self) -> int:
        return len(self.article_ids)


@dataclass(frozen=True)
class _Item:
    article: Article
    eff: EffectiveAnalysis
    notes: tuple[Note, ...]
    tags: tuple[Tag, ...]


def export(
    store: Store,
    version: str,
    fmt: str,
    out_path: str | os.PathLike,
    article_ids: Sequence[str] | None = None,
    nlp=None,
    *,
    reader: str | None = None,
) -> ExportReport:
    """Export the effective analyses of ``version`` (all analysed articles, or ``article_ids``).

    Args:
        store: the library.
        version: the analysis version to export (corrections are applied over it).
        fmt: one of ``FORMATS``.
        out_path: the file to write (for ``brat``: a folder, or a ``.zip`` file).
        article_ids: the articles, in this order; None for every article analysed with ``version``.
        nlp: a spaCy pipeline whose tokenizer and vocab are used (``PIPELINE_FORMATS``); a
            blank English one by default.
        reader: who the export is for: their own private notes are included with the shareable
            ones. None (the default) includes shareable notes only: a private note is read by its
            author alone (``components.access.can_see_note``).

    Raises:
        components.errors.BadInput: unknown format, unknown article or one without that analysis,
            nothing to export, or an output path that cannot be written.
    """
    if fmt not in FORMATS:
        raise BadInput(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out_path)
    if fmt != "brat" or out.suffix == ".zip":
        if out.is_dir():
            raise BadInput(f"export output {str(out)!r} is a folder: give a file name")
    elif out.exists() and not out.is_dir():
        raise BadInput(f"export output {str(out)!r} is a file: give a folder or a .zip name for brat")
    try:
        (out.parent if fmt != "brat" or out.suffix == ".zip" else out).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create the folder for {str(out)!r}: {exc.strerror}") from exc
    svc = CorrectionsService(store, version)
    ids = list(dict.fromkeys(article_ids)) if article_ids is not None else None
    items = [
        _Item(article, eff, tuple(svc.notes(article.id, reader=reader)), tuple(svc.tags(article.id)))
        for article, eff in iter_effective(store, version, ids)
    ]
    if not items:
        raise BadInput(f"nothing to export: no article has an analysis of version {version!r}")
    stamp = now()
    warnings: list[str] = []
    try:
        if fmt == "jsonl":
            files = _write_jsonl(items, out, version, stamp)
        elif fmt == "csv":
            files = _write_csv(items, out)
        elif fmt == "spacy":
            files = _write_docbin(items, out, version, stamp, _nlp(nlp), warnings)
        elif fmt == "conll":
            files = _write_conll(items, out, _nlp(nlp), warnings)
        else:
            files = _write_brat(items, out)
    except OSError as exc:
        raise BadInput(f"cannot write {str(out)!r}: {exc.strerror or exc}") from exc
    return ExportReport(
        format=fmt,
        path=str(out),
        version=version,
        exported_at=stamp,
        article_ids=tuple(i.article.id for i in items),
        entities=sum(len(i.eff.analysis.entities) for i in items),
        attributions=sum(len(i.eff.analysis.attributions) for i in items),
        notes=sum(len(i.notes) for i in items),
        unanchored=sum(len(i.eff.unanchored) for i in items),
        files=tuple(files),
        warnings=tuple(warnings),
    )


def _nlp(nlp):
    if nlp is not None:
        return nlp
    import spacy

    return spacy.blank("en")  # the same rule-based tokenizer as the English pipelines


def _atomic_write(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, out)


def _prov(origin) -> dict:
    return origin.as_dict()


def _prov_short(origin) -> str:
    return origin.by


def _span_text(text: str, s: Span | None) -> str | None:
    return None if s is None else text[s.start : s.end]


# ---- JSONL ------------------------------------------------------------------------------------


def to_record(item: _Item, version: str, exported_at: str) -> dict:
    """One article's export record (one JSONL line)."""
    a, (analysis, prov, lost) = item.article, item.eff
    t = a.text
    return {
        "schema": SCHEMA,
        "pipeline_version": version,
        "exported_at": exported_at,
        "article": {
            "id": a.id, "title": a.title, "outlet": a.outlet, "author": a.author, "place": a.place,
            "date": a.date, "url": a.url, "origin": a.origin,
        },
        "text": t,
        "paragraphs": [p.as_list() for p in a.paragraphs],
        "entities": [
            {"text": t[e.start : e.end], "label": e.label, "start": e.start, "end": e.end, "group": e.group,
             "provenance": _prov(p)}
            for e, p in zip(analysis.entities, prov.entities, strict=True)
        ],
        "groups": [
            {"id": g.id, "name": g.name, "label": g.label, "mentions": [m.as_list() for m in g.mentions],
             "provenance": _prov(p)}
            for g, p in zip(analysis.groups, prov.groups, strict=True)
        ],
        "attributions": [
            {
                "source": _span_text(t, x.source),
                "source_span": x.source.as_list() if x.source else None,
                "source_canonical": x.source_canonical,
                "source_type": x.source_type,
                "cue": _span_text(t, x.cue),
                "cue_span": x.cue.as_list(),
                "content": [_span_text(t, s) for s in x.content],
                "content_spans": [s.as_list() for s in x.content],
                "kind": x.kind,
                "nested_in": x.nested_in,
                "provenance": _prov(p),
            }
            for x, p in zip(analysis.attributions, prov.attributions, strict=True)
        ],
        "removed": {
            "entities": [
                {"text": t[e.start : e.end], "label": e.label, "start": e.start, "end": e.end, "provenance": _prov(p)}
                for e, p in prov.removed_entities
            ],
            "attributions": [
                {"cue": _span_text(t, x.cue), "cue_span": x.cue.as_list(),
                 "content_spans": [s.as_list() for s in x.content], "provenance": _prov(p)}
                for x, p in prov.removed_attributions
            ],
        },
        "unanchored_corrections": [
            {"id": u.correction.id, "analyst": u.correction.analyst, "at": u.correction.at,
             "summary": u.correction.summary, "reason": u.reason}
            for u in lost
        ],
        "notes": [
            {"id": n.id, "analyst": n.analyst, "at": n.at, "text": n.text,
             "span": n.span.as_list() if n.span else None, "quote": n.quote, "shareable": n.shareable}
            for n in item.notes
        ],
        "tags": [{"tag": g.tag, "analyst": g.analyst, "at": g.at} for g in item.tags],
    }


def _write_jsonl(items: list[_Item], out: Path, version: str, stamp: str) -> list[str]:
    lines = [json.dumps(to_record(i, version, stamp), ensure_ascii=False) for i in items]
    _atomic_write(out, ("\n".join(lines) + "\n").encode("utf-8"))
    return [str(out)]


def read_jsonl(path: str | os.PathLike) -> list[dict]:
    """Read an export written by ``export(..., "jsonl", ...)``, checking every span's text.

    Raises:
        components.errors.BadInput: not our schema, or a span whose text does not match.
    """
    records = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("schema") != SCHEMA:
                raise BadInput(f"{path}: line {n} is not a {SCHEMA} record")
            t = rec["text"]
            for e in rec["entities"]:
                if t[e["start"] : e["end"]] != e["text"]:
                    raise BadInput(f"{path}: line {n}: entity {e['text']!r} does not match its offsets")
            for x in rec["attributions"]:
                if t[x["cue_span"][0] : x["cue_span"][1]] != x["cue"]:
                    raise BadInput(f"{path}: line {n}: cue {x['cue']!r} does not match its offsets")
            records.append(rec)
    return records


# ---- CSV --------------------------------------------------------------------------------------


def _write_csv(items: list[_Item], out: Path) -> list[str]:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for item in items:
        a, t = item.article, item.article.text
        for i, (x, p) in enumerate(zip(item.eff.analysis.attributions, item.eff.provenance.attributions, strict=True)):
            row = {
                "article_id": a.id, "title": a.title, "outlet": a.outlet, "date": a.date, "index": i,
                "source": _span_text(t, x.source) or "",
                "canonical": x.source_canonical or "",
                "type": x.source_type or "",
                "cue": _span_text(t, x.cue),
                "content": CONTENT_JOIN.join(_span_text(t, s) for s in x.content),
                "kind": x.kind,
                "nested_in": "" if x.nested_in is None else x.nested_in,
                "offsets": json.dumps({
                    "source": x.source.as_list() if x.source else None,
                    "cue": x.cue.as_list(),
                    "content": [s.as_list() for s in x.content],
                }),
                "provenance": p.label,
            }
            w.writerow({k: csv_guard(v) if k in CSV_TEXT_COLUMNS else v for k, v in row.items()})
    _atomic_write(out, buf.getvalue().encode("utf-8"))
    return [str(out)]


# ---- tokens shared by spaCy and CoNLL ---------------------------------------------------------


def _boundaries(item: _Item) -> set[int]:
    an = item.eff.analysis
    cuts: set[int] = set()
    spans = [e.span for e in an.entities]
    for x in an.attributions:
        spans += [x.cue, *x.content] + ([x.source] if x.source else [])
    for s in spans:
        cuts.update((s.start, s.end))
    return cuts


def to_doc(item: _Item, nlp, warnings: list[str] | None = None):
    """A spaCy ``Doc`` of one article: the tokenizer's tokens, split at every span boundary, with
    the effective entities as ``doc.ents`` and the attributions as span groups."""
    from spacy.tokens import Doc, SpanGroup
    from spacy.util import filter_spans

    text = item.article.text
    cuts = _boundaries(item)
    words, spaces = [], []
    for tok in nlp.make_doc(text):
        s, e = tok.idx, tok.idx + len(tok.text)
        inner = sorted(c for c in cuts if s < c < e)
        edges = [s, *inner, e]
        for k, (a, b) in enumerate(zip(edges, edges[1:], strict=False)):
            words.append(text[a:b])
            spaces.append(bool(tok.whitespace_) and k == len(edges) - 2)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:  # cannot happen with spaCy's tokenizer, which keeps every character
        raise BadInput(f"article {item.article.id!r}: tokens do not rebuild the text")
    warnings = warnings if warnings is not None else []

    def span(s: Span, label: str, span_id: str = ""):
        sp = doc.char_span(s.start, s.end, label=label, span_id=span_id)
        if sp is None:  # a boundary inside a token's trailing whitespace: widen to tokens
            sp = doc.char_span(s.start, s.end, label=label, span_id=span_id, alignment_mode="expand")
            warnings.append(f"article {item.article.id}: [{s.start}, {s.end}) widened to tokens")
        return sp

    an = item.eff.analysis
    ents = [span(e.span, e.label, e.group) for e in an.entities]
    kept = filter_spans(ents)
    if len(kept) != len(ents):
        warnings.append(f"article {item.article.id}: {len(ents) - len(kept)} overlapping entities left out")
    doc.ents = kept
    groups: dict[str, list] = {g: [] for g in SPAN_GROUPS}
    for i, x in enumerate(an.attributions):
        sid = f"attr{i}"
        if x.source is not None:
            groups["sl_source"].append(span(x.source, x.source_type or "source", sid))
        groups["sl_cue"].append(span(x.cue, "cue", sid))
        groups["sl_content"].extend(span(s, x.kind, sid) for s in x.content)
    for name, spans in groups.items():
        doc.spans[name] = SpanGroup(doc, name=name, spans=spans)
    return doc


# ---- spaCy DocBin -----------------------------------------------------------------------------


def _write_docbin(items: list[_Item], out: Path, version: str, stamp: str, nlp, warnings: list[str]) -> list[str]:
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    for item in items:
        doc = to_doc(item, nlp, warnings)
        rec = to_record(item, version, stamp)
        # everything the Doc cannot hold natively: metadata, provenance, canonical names, notes
        doc.user_data["sourcelight"] = {k: v for k, v in rec.items() if k != "text"}
        db.add(doc)
    _atomic_write(out, db.to_bytes())
    return [str(out)]


# ---- CoNLL-2003 -------------------------------------------------------------------------------


def _write_conll(items: list[_Item], out: Path, nlp, warnings: list[str]) -> list[str]:
    from spacy.pipeline import Sentencizer

    sentencizer = Sentencizer()
    lines: list[str] = []
    for item in items:
        doc = sentencizer(to_doc(item, nlp, warnings))
        origin = {(e.start, e.end): p for e, p in zip(item.eff.analysis.entities, item.eff.provenance.entities,
                                                     strict=True)}
        lines += [CONLL_DOCSTART, ""]
        ent_of = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        sentence: list[str] = []
        begun = None  # the entity whose B- tag is written
        for tok in doc:
            ent = ent_of.get(tok.i)
            if (tok.is_sent_start or "\n" in tok.text) and sentence and (ent is None or ent.start == tok.i):
                lines += [*sentence, ""]
                sentence = []
            # a token may still hold a no-break space or similar: CoNLL columns split on any whitespace
            for m in re.finditer(r"\S+", tok.text):
                if ent is None:
                    tag, by = "O", "_"
                else:
                    tag = f"{'I' if begun == ent.start else 'B'}-{ent.label_}"
                    begun = ent.start
                    p = origin.get((ent.start_char, ent.end_char))
                    by = _prov_short(p) if p is not None else "_"
                sentence.append(f"{m.group()} -X- {by} {tag}")
        if sentence:
            lines += [*sentence, ""]
    _atomic_write(out, "\n".join(lines).encode("utf-8"))
    return [str(out)]


def read_conll(path: str | os.PathLike) -> list[list[list[tuple[str, str, str]]]]:
    """Documents → sentences → ``(token, provenance, tag)`` rows of a CoNLL export."""
    docs: list[list[list[tuple[str, str, str]]]] = []
    sentence: list[tuple[str, str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if line == CONLL_DOCSTART:
            docs.append([])
            continue
        if not line.strip():
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        cols = line.split()
        if len(cols) != 4 or not docs:
            raise BadInput(f"{path}: {line!r} is not a 'token -X- provenance tag' line of a document")
        sentence.append((cols[0], cols[2], cols[3]))
    if sentence:
        docs[-1].append(sentence)
    return docs


def conll_entities(doc: list[list[tuple[str, str, str]]]) -> list[tuple[str, list[str], str]]:
    """``(label, tokens, provenance)`` of each entity in one document read by ``read_conll``."""
    found: list[tuple[str, list[str], str]] = []
    for sentence in doc:
        for token, by, tag in sentence:
            if tag.startswith("B-"):
                found.append((tag[2:], [token], by))
            elif tag.startswith("I-"):
                if not found or found[-1][0] != tag[2:]:
                    raise BadInput(f"I- tag {tag!r} without a B- before it")
                found[-1][1].append(token)
    return found


# ---- brat standoff ----------------------------------------------------------------------------


def _fragments(text: str, s: Span) -> list[tuple[int, int]]:
    """The span cut at line breaks (brat's text-bound annotations cannot contain a newline)."""
    return [(s.start + m.start(), s.start + m.end()) for m in re.finditer(r"[^\n]+", text[s.start : s.end])
            if m.group().strip()]


def to_ann(item: _Item) -> str:
    """The brat ``.ann`` of one article: T (entities, Source, Cue, Content), E (one per
    attribution: Cue trigger, Source and Content arguments), A (Kind, SourceType, Provenance),
    R (NestedIn between cues) and AnnotatorNotes (group or canonical name, provenance details)."""
    text = item.article.text
    an, prov = item.eff.analysis, item.eff.provenance
    lines: list[str] = []
    counters = {"T": 0, "E": 0, "A": 0, "R": 0, "#": 0}

    def new(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def t_line(label: str, spans: Sequence[Span]) -> str:
        frags = [f for s in spans for f in _fragments(text, s)]
        tid = new("T")
        lines.append(f"{tid}\t{label} {';'.join(f'{a} {b}' for a, b in frags)}\t"
                     + " ".join(text[a:b] for a, b in frags))
        return tid

    def note(target: str, payload: dict) -> None:
        lines.append(f"{new('#')}\tAnnotatorNotes {target}\t{json.dumps(payload, ensure_ascii=False)}")

    names = {g.id: g.name for g in an.groups}
    for e, p in zip(an.entities, prov.entities, strict=True):
        tid = t_line(e.label, [e.span])
        lines.append(f"{new('A')}\tProvenance {tid} {p.by}")
        note(tid, {"group": e.group, "name": names.get(e.group, ""), "provenance": p.as_dict()})
    cue_ids = []
    for x, p in zip(an.attributions, prov.attributions, strict=True):
        src = t_line("Source", [x.source]) if x.source else None
        cue = t_line("Cue", [x.cue])
        content = t_line("Content", list(x.content))
        eid = new("E")
        lines.append(f"{eid}\tCue:{cue}" + (f" Source:{src}" if src else "") + f" Content:{content}")
        lines.append(f"{new('A')}\tKind {eid} {x.kind}")
        if x.source_type:
            lines.append(f"{new('A')}\tSourceType {eid} {x.source_type}")
        lines.append(f"{new('A')}\tProvenance {eid} {p.by}")
        note(eid, {"source_canonical": x.source_canonical, "provenance": p.as_dict()})
        cue_ids.append(cue)
    for i, x in enumerate(an.attributions):
        if x.nested_in is not None:
            lines.append(f"{new('R')}\tNestedIn Arg1:{cue_ids[i]} Arg2:{cue_ids[x.nested_in]}")
    return "\n".join(lines) + ("\n" if lines else "")


def annotation_conf(labels: Sequence[str]) -> str:
    """brat's ``annotation.conf`` declaring the types and attributes the ``.ann`` files use."""
    return "\n".join([
        "[entities]", *sorted(set(labels)), "Source", "Content", "",
        "[relations]", "NestedIn\tArg1:Cue, Arg2:Cue", "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "",
        "[events]", "Cue\tSource?:Source, Content:Content", "",
        "[attributes]",
        "Kind\tArg:Cue, Value:direct|indirect|mixed",
        "SourceType\tArg:Cue, Value:person|official|media|unnamed",
        "Provenance\tArg:<ANY>, Value:model|analyst", "",
    ])


def _write_brat(items: list[_Item], out: Path) -> list[str]:
    labels = [e.label for i in items for e in i.eff.analysis.entities]
    files = {"annotation.conf": annotation_conf(labels)}
    for item in items:
        files[f"{item.article.id}.txt"] = item.article.text
        files[f"{item.article.id}.ann"] = to_ann(item)
    if out.suffix == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, body in files.items():
                zf.writestr(name, body.encode("utf-8"))
        _atomic_write(out, buf.getvalue())
        return [str(out)]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in files.items():
        _atomic_write(out / name, body.encode("utf-8"))
        written.append(str(out / name))
    return written


def parse_ann(ann: str, text: str) -> dict:
    """Parse a brat ``.ann`` against its ``.txt``; every T line's text is checked, as brat does.

    Returns:
        ``{"T": {id: (label, [(start, end), ...], text)}, "E": {id: {role: T id}},
        "A": [(name, target, value)], "R": [(name, arg1, arg2)], "notes": {target: text}}``.

    Raises:
        components.errors.BadInput: a malformed line or a T text that does not match the offsets.
    """
    out: dict = {"T": {}, "E": {}, "A": [], "R": [], "notes": {}}
    for line in ann.splitlines():
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        if ident.startswith("T"):
            head, _, surface = rest.partition("\t")
            label, _, offs = head.partition(" ")
            frags = [(int(a), int(b)) for a, b in (f.split() for f in offs.split(";"))]
            if " ".join(text[a:b] for a, b in frags) != surface:
                raise BadInput(f"brat {ident}: {surface!r} does not match the text at {offs}")
            out["T"][ident] = (label, frags, surface)
        elif ident.startswith("E"):
            args = dict(a.split(":", 1) for a in rest.split())
            out["E"][ident] = args
        elif ident.startswith("A"):
            name, target, *value = rest.split()
            out["A"].append((name, target, value[0] if value else True))
        elif ident.startswith("R"):
            name, a1, a2 = rest.split()
            out["R"].append((name, a1.split(":", 1)[1], a2.split(":", 1)[1]))
        elif ident.startswith("#"):
            _head, _, note = rest.partition("\t")
            out["notes"][_head.split()[1]] = note
        else:
            raise BadInput(f"brat: cannot read the line {line!r}")
    return out


def read_brat(path: str | os.PathLike) -> dict[str, dict]:
    """Read a brat export (folder or zip): article id → ``{"text", "ann": parse_ann(...)}``."""
    p = Path(path)
    files: dict[str, str] = {}
    if p.suffix == ".zip":
        with zipfile.ZipFile(p) as zf:
            for name in zf.namelist():
                files[name] = zf.read(name).decode("utf-8")
    else:
        for f in p.iterdir():
            with open(f, encoding="utf-8", newline="") as fh:  # offsets count "\r" too: no translation
                files[f.name] = fh.read()
    docs = {}
    for name, body in files.items():
        if name.endswith(".ann"):
            stem = name[: -len(".ann")]
            text = files.get(f"{stem}.txt")
            if text is None:
                raise BadInput(f"{path}: {name} has no {stem}.txt beside it")
            docs[stem] = {"text": text, "ann": parse_ann(body, text)}
    return docs


MEDIA_TYPES = {
    "jsonl": ("sourcelight.jsonl", "application/jsonl"),
    "spacy": ("sourcelight.spacy", "application/octet-stream"),
    "conll": ("sourcelight.conll", "text/plain"),
    "brat": ("sourcelight-brat.zip", "application/zip"),
    "csv": ("sourcelight-attributions.csv", "text/csv"),
}


def export_bytes(
    store: Store, version: str, fmt: str, article_ids: Sequence[str] | None = None, nlp=None,
    *, reader: str | None = None,
) -> tuple[bytes, str, str, ExportReport]:
    """The same export in memory, for a download button: (data, file name, MIME type, report).

    brat comes as a zip. Raises what ``export`` raises.
    """
    import tempfile

    if fmt not in FORMATS:
        raise BadInput(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")
    name, mime = MEDIA_TYPES[fmt]
    with tempfile.TemporaryDirectory(prefix="sourcelight-export-") as tmp:
        path = Path(tmp) / name
        report = export(store, version, fmt, path, article_ids, nlp, reader=reader)
        return path.read_bytes(), name, mime, report
