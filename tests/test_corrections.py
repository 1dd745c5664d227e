"""The corrections layer: each operation, provenance, history and undo, re-anchoring after
re-analysis, notes and tags, and that concurrent or killed writers lose nothing.

Database tests run on SQLite and (marker ``postgres``) on PostgreSQL through the ``store`` fixture.
The article and its "model output" are written by hand so that every expectation is exact.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import signal
import threading
import time

import pytest
import sqlalchemy as sa
from test_store_postgres import BACKENDS, open_store

from components.corrections import (
    Correction,
    CorrectionsService,
    anchor_span,
    apply_corrections,
    check_span,
    corrections_table,
    resolve_active,
)
from components.errors import BadInput
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.store import Store

TEXT = (
    'Jordan Peterson met officials in Jordan on Monday. "We will not back down," Peterson said. '
    "The ministry said the talks were useful, according to Reuters. Jordan later said he was pleased."
)
AID = hashlib.sha256(TEXT.encode()).hexdigest()[:16]
V1 = "test-pipeline-1"


def at(sub: str, n: int = 0, text: str = TEXT) -> Span:
    """The ``n``-th occurrence of ``sub`` in ``text``."""
    i = -1
    for _ in range(n + 1):
        i = text.index(sub, i + 1)
    return Span(i, i + len(sub))


def sel(sub: str, n: int = 0) -> tuple[int, int, str]:
    """What the UI's selection control returns: (start, end, selected text)."""
    s = at(sub, n)
    return (s.start, s.end, sub)


def model_analysis(version: str = V1) -> Analysis:
    # The model's mistakes to correct: "Jordan" the country is a PERSON in Jordan Peterson's group;
    # "Jordan later said he was pleased" is missed.
    ents = [
        (at("Jordan Peterson"), "PERSON", "g1"),
        (at("Jordan", 1), "PERSON", "g1"),
        (at("Monday"), "DATE", "g2"),
        (at("Peterson", 1), "PERSON", "g1"),
        (at("Reuters"), "ORG", "g3"),
        (at("Jordan", 2), "PERSON", "g1"),
    ]
    entities = tuple(Entity(s.start, s.end, label, g) for s, label, g in ents)
    groups = tuple(
        EntityGroup(gid, name, label, tuple(sorted(Span(e.start, e.end) for e in entities if e.group == gid)))
        for gid, name, label in [("g1", "Jordan Peterson", "PERSON"), ("g2", "Monday", "DATE"), ("g3", "Reuters", "ORG")]
    )
    attributions = (
        Attribution(at("Peterson", 1), "Jordan Peterson", "person", at("said"), (at("We will not back down,"),),
                    "direct"),
        Attribution(at("The ministry"), "The ministry", "official", at("said", 1), (at("the talks were useful"),),
                    "indirect", nested_in=2),
        Attribution(at("Reuters"), "Reuters", "media", at("according to"),
                    (at("The ministry said the talks were useful"),), "indirect"),
    )
    return Analysis(AID, version, entities, groups, attributions)


ARTICLE = Article(AID, TEXT, title="Peterson in Jordan", outlet="Wire", date="2020-02-03")


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path, request)
    yield s
    s.engine.dispose()


@pytest.fixture
def svc(store) -> CorrectionsService:
    store.add_articles([ARTICLE])
    store.put_analysis(model_analysis())
    return CorrectionsService(store, V1)


def ent(eff, sub: str, n: int = 0) -> tuple[Entity, object]:
    s = at(sub, n)
    for e, p in zip(eff.analysis.entities, eff.provenance.entities, strict=True):
        if (e.start, e.end) == (s.start, s.end):
            return e, p
    raise AssertionError(f"no entity {sub!r}")


def group_of(eff, e: Entity) -> EntityGroup:
    return next(g for g in eff.analysis.groups if g.id == e.group)


# ---- pure functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, end, expected, result",
    [
        ("abc said def", 4, 8, "said", (Span(4, 8), False)),  # still there
        ("XX abc said def", 4, 8, "said", (Span(7, 11), True)),  # moved, unique
        ("said a said" + " " * 50 + "said", 6, 10, "said", (Span(7, 11), True)),  # nearest, not unique
        ("said a said", 0, 4, "told", (None, False)),  # gone
        ("said......said", 5, 9, "said", (None, False)),  # equidistant: ambiguous, refused
    ],
)
def test_anchor_span(text, start, end, expected, result):
    span, moved, reason = anchor_span(text, start, end, expected)
    assert (span, moved) == result
    assert bool(reason) == (span is None)


@pytest.mark.parametrize(
    "value, message",
    [
        ((5, 2), "outside"),
        ((0, 10_000), "outside"),
        ((-1, 3), "outside"),
        ((at("Monday").end + 1, at("Monday").end + 2), "whitespace"),
        ((at("Monday").start, at("Monday").end, "Tuesday"), "does not match"),
        (("a", "b"), "is not a"),
    ],
)
def test_check_span_refuses_bad_selections(value, message):
    with pytest.raises(BadInput, match=message):
        check_span(TEXT, value, "entity")


def test_check_span_trims_and_accepts_browser_whitespace():
    s = at("Monday")
    assert check_span(TEXT, (s.start - 1, s.end), "x") == s  # " Monday": the space is trimmed
    text = "one\ntwo three"
    assert check_span(text, (0, 7, "one two"), "x") == Span(0, 7)  # a newline rendered as a space


def _c(cid: int, reverts: int | None = None, action: str = "relabel") -> Correction:
    target = "correction" if reverts else "entity"
    return Correction(cid, AID, "a", "t", target, action if not reverts else "undo", {}, {}, {}, V1, reverts)


def test_resolve_active_undo_redo_chain():
    rows = resolve_active([_c(1), _c(2), _c(3, reverts=1), _c(4, reverts=3), _c(5, reverts=4), _c(6, reverts=2)])
    state = {c.id: (c.active, c.undone_by) for c in rows}
    # 1 undone by 3, 3 undone by 4 (redo), 4 undone by 5 (undo again) → 1 inactive; 2 undone by 6
    assert state == {1: (False, 3), 2: (False, 6), 3: (True, 4), 4: (False, 5), 5: (True, None), 6: (True, None)}


def test_resolve_active_long_chain_is_iterative():
    rows = [_c(1)] + [_c(i, reverts=i - 1) for i in range(2, 5001)]
    assert resolve_active(rows)[0].active is False  # 4,999 undo/redo links: the last one is an undo
    assert resolve_active(rows + [_c(5001, reverts=5000)])[0].active is True


# ---- entity corrections -----------------------------------------------------------------------


def test_relabel_entity_is_a_layer_with_provenance(svc, store):
    c = svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst="alice")
    assert (c.target, c.action, c.before["label"], c.after["label"]) == ("entity", "relabel", "PERSON", "GPE")
    eff = svc.effective(AID)
    e, p = ent(eff, "Jordan", 1)
    assert e.label == "GPE"
    assert (p.by, p.analyst, p.corrections) == ("analyst", "alice", (c.id,))
    assert p.at == c.at
    assert ent(eff, "Monday")[1].by == "model"
    # the stored model output is untouched
    assert store.get_analysis(AID, V1) == model_analysis()
    assert eff.unanchored == []


def test_remove_entity_updates_group_and_lists_removal(svc):
    svc.remove_entity(AID, at("Monday"), analyst="bob")
    eff = svc.effective(AID)
    assert "Monday" not in [TEXT[e.start : e.end] for e in eff.analysis.entities]
    assert "g2" not in [g.id for g in eff.analysis.groups]  # a group with no mention left is gone
    (removed, origin), = eff.provenance.removed_entities
    assert (TEXT[removed.start : removed.end], removed.label, origin.analyst) == ("Monday", "DATE", "bob")


def test_add_entity_validates_selection_and_groups_by_name(svc):
    with pytest.raises(BadInput, match="does not match"):
        svc.add_entity(AID, (at("officials").start, at("officials").end, "ministers"), "NORP", analyst="a")
    with pytest.raises(BadInput, match="outside"):
        svc.add_entity(AID, (len(TEXT) - 2, len(TEXT) + 5), "ORG", analyst="a")
    with pytest.raises(BadInput, match="label"):
        svc.add_entity(AID, sel("ministry"), "organisation", analyst="a")
    with pytest.raises(BadInput, match="analyst"):
        svc.add_entity(AID, sel("ministry"), "ORG", analyst="  ")
    s = at("The ministry")
    svc.add_entity(AID, (s.start, s.end + 1, "The ministry "), "ORG", analyst="carol")  # trailing space trimmed
    eff = svc.effective(AID)
    e, p = ent(eff, "The ministry")
    assert (e.label, p.by, p.analyst) == ("ORG", "analyst", "carol")
    assert group_of(eff, e).name == "The ministry"
    # a mention with the same name and label joins the existing group
    svc.remove_entity(AID, at("Peterson", 1), analyst="carol")
    svc.add_entity(AID, sel("Peterson", 1), "PERSON", analyst="carol")
    eff = svc.effective(AID)
    assert group_of(eff, ent(eff, "Peterson", 1)[0]).name == "Peterson"  # no mention of g1 reads "Peterson"
    # ... but a "Jordan" PERSON joins the group that has a "Jordan" PERSON mention
    svc.remove_entity(AID, at("Jordan", 2), analyst="carol")
    svc.add_entity(AID, sel("Jordan", 2), "PERSON", analyst="carol")
    assert ent(svc.effective(AID), "Jordan", 2)[0].group == "g1"


def test_add_entity_replaces_overlapping_mentions_and_can_join_a_group(svc):
    # "Jordan Peterson met" → the analyst selects only "Peterson" inside the model's mention
    start = at("Jordan Peterson").start + len("Jordan ")
    svc.add_entity(AID, (start, start + 8, "Peterson"), "PERSON", analyst="dan", group="g1")
    eff = svc.effective(AID)
    texts = [TEXT[e.start : e.end] for e in eff.analysis.entities]
    assert "Jordan Peterson" not in texts and texts.count("Peterson") == 2
    added = next(e for e in eff.analysis.entities if e.start == start)
    assert added.group == "g1"
    assert [TEXT[e.start : e.end] for e, _ in eff.provenance.removed_entities] == ["Jordan Peterson"]


def test_apply_to_all_mentions_of_a_name(svc):
    c = svc.relabel_all_mentions(AID, "Jordan", "GPE", analyst="erin")
    assert len(c.before["mentions"]) == 2
    eff = svc.effective(AID)
    assert ent(eff, "Jordan", 1)[0].label == ent(eff, "Jordan", 2)[0].label == "GPE"
    assert ent(eff, "Jordan Peterson")[0].label == "PERSON"
    with pytest.raises(BadInput, match="no entity mention"):
        svc.relabel_all_mentions(AID, "Paris", "GPE", analyst="erin")


def test_merge_and_split_groups(svc):
    svc.split_group(AID, "g1", [sel("Jordan", 1)], analyst="fay", name="Jordan (country)", label="GPE")
    eff = svc.effective(AID)
    country = ent(eff, "Jordan", 1)[0]
    g = group_of(eff, country)
    assert (g.name, g.label, country.label) == ("Jordan (country)", "GPE", "GPE")
    assert g.mentions == (at("Jordan", 1),)
    assert at("Jordan", 1) not in group_of(eff, ent(eff, "Jordan Peterson")[0]).mentions
    with pytest.raises(BadInput, match="leaves nothing"):
        svc.split_group(AID, g.id, [sel("Jordan", 1)], analyst="fay")
    # merge Reuters into Monday's group (nonsense, but it must do exactly that), renaming it
    svc.merge_groups(AID, "g2", "g3", analyst="fay", name="Merged")
    eff = svc.effective(AID)
    merged = group_of(eff, ent(eff, "Monday")[0])
    assert merged.name == "Merged" and merged.mentions == (at("Monday"), at("Reuters"))
    assert "g3" not in [x.id for x in eff.analysis.groups]
    assert ent(eff, "Reuters")[0].group == "g2"
    with pytest.raises(BadInput, match="itself"):
        svc.merge_groups(AID, "g2", "g2", analyst="fay")


def test_rename_and_relabel_group(svc):
    svc.rename_group(AID, "g3", "Reuters news agency", analyst="gus")
    svc.relabel_group(AID, "g2", "EVENT", analyst="gus")
    eff = svc.effective(AID)
    assert group_of(eff, ent(eff, "Reuters")[0]).name == "Reuters news agency"
    assert ent(eff, "Monday")[0].label == group_of(eff, ent(eff, "Monday")[0]).label == "EVENT"
    assert eff.analysis.attributions[2].source_canonical == "Reuters"  # a stored name, not a link


# ---- attribution corrections ------------------------------------------------------------------


def test_attribution_source_cue_content_kind(svc):
    k = svc.set_kind(AID, 1, "mixed", analyst="hal")
    svc.set_content(AID, 0, [sel("We will not back down")], analyst="hal")
    s = svc.set_source(AID, 1, analyst="hal", source_type="unnamed", canonical="Foreign ministry")
    eff = svc.effective(AID)
    a0, a1 = eff.analysis.attributions[:2]
    assert [TEXT[s.start : s.end] for s in a0.content] == ["We will not back down"]
    assert (a1.kind, a1.source_type, a1.source_canonical) == ("mixed", "unnamed", "Foreign ministry")
    assert [p.by for p in eff.provenance.attributions] == ["analyst", "analyst", "model"]
    assert eff.provenance.attributions[1].corrections == (k.id, s.id)
    assert s.before["source_canonical"] == "The ministry" and s.after == {
        "source_canonical": "Foreign ministry", "source_type": "unnamed"}
    svc.add_attribution(AID, analyst="hal", cue=sel("later said"), content=[sel("he was pleased")], kind="indirect")
    svc.set_cue(AID, 3, sel("said", 2), analyst="hal")
    a3 = svc.effective(AID).analysis.attributions[3]
    assert (TEXT[a3.cue.start : a3.cue.end], a3.source, a3.source_canonical) == ("said", None, None)
    with pytest.raises(BadInput, match="overlaps"):
        svc.set_cue(AID, 0, sel("We will"), analyst="hal")
    with pytest.raises(BadInput, match="kind"):
        svc.set_kind(AID, 0, "quoted", analyst="hal")
    with pytest.raises(BadInput, match="not in article"):
        svc.set_kind(AID, 7, "direct", analyst="hal")


def test_pronoun_source_follows_the_chosen_entity(svc):
    c = svc.add_attribution(
        AID, analyst="ivy", cue=sel("said", 2), content=[sel("he was pleased")], kind="indirect", source=sel("he")
    )
    assert c.after["source_canonical"] == "he"
    idx = 3
    svc.set_source(AID, idx, analyst="ivy", entity=sel("Jordan Peterson"))
    eff = svc.effective(AID)
    a = eff.analysis.attributions[idx]
    assert TEXT[a.source.start : a.source.end] == "he" and a.source_canonical == "Jordan Peterson"
    # renaming the entity's group renames the source too: the choice was the entity, not a string
    svc.rename_group(AID, "g1", "Dr Jordan Peterson", analyst="ivy")
    assert svc.effective(AID).analysis.attributions[idx].source_canonical == "Dr Jordan Peterson"


def test_delete_and_add_attribution_keep_nesting_right(svc):
    eff = svc.effective(AID)
    assert eff.analysis.attributions[1].nested_in == 2
    svc.delete_attribution(AID, 0, analyst="jo")  # indices shift; nesting must follow the object
    eff = svc.effective(AID)
    assert len(eff.analysis.attributions) == 2
    assert eff.analysis.attributions[0].nested_in == 1
    assert TEXT[eff.analysis.attributions[1].cue.start : eff.analysis.attributions[1].cue.end] == "according to"
    (gone, origin), = eff.provenance.removed_attributions
    assert gone.kind == "direct" and origin.analyst == "jo"
    # an added attribution inside Reuters' content is nested in it
    with pytest.raises(BadInput, match="already there"):
        svc.add_attribution(AID, analyst="jo", cue=sel("said", 1), content=[sel("the talks were useful")],
                            kind="indirect")
    svc.delete_attribution(AID, 1, analyst="jo")  # Reuters' goes: the ministry's is no longer nested
    assert svc.effective(AID).analysis.attributions[0].nested_in is None


def test_attribution_validation_and_recomputed_nesting(svc):
    with pytest.raises(BadInput, match="at least one content"):
        svc.add_attribution(AID, analyst="k", cue=sel("said", 2), content=[], kind="indirect")
    with pytest.raises(BadInput, match="overlaps the cue"):
        svc.add_attribution(AID, analyst="k", cue=sel("said", 2), content=[sel("he was pleased")],
                            kind="indirect", source=sel("later said"))
    # Peterson's quote, nested as if he quoted someone inside it: cue and content inside a0's content
    svc.set_content(AID, 2, [sel("The ministry said the talks were useful,")], analyst="k")
    eff = svc.effective(AID)
    assert eff.analysis.attributions[1].nested_in == 2  # recomputed from the new content span


# ---- history, undo, redo ----------------------------------------------------------------------


def test_history_undo_redo(svc):
    c1 = svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst="alice")
    c2 = svc.set_kind(AID, 0, "mixed", analyst="bob")
    hist = svc.history(AID)
    assert [h.id for h in hist] == [c2.id, c1.id]  # newest first
    assert hist[1].summary == "entity 'Jordan': PERSON → GPE"
    assert (hist[0].analyst, hist[0].before["kind"], hist[0].after["kind"]) == ("bob", "direct", "mixed")
    u = svc.undo(c1.id, "carol")
    assert ent(svc.effective(AID), "Jordan", 1)[0].label == "PERSON"
    assert svc.get(c1.id).undone_by == u.id and not svc.get(c1.id).active
    with pytest.raises(BadInput, match="already undone"):
        svc.undo(c1.id, "carol")
    r = svc.undo(u.id, "dave")  # undo of the undo = redo
    assert r.action == "redo"
    assert ent(svc.effective(AID), "Jordan", 1)[0].label == "GPE"
    assert svc.get(c1.id).active
    svc.undo(r.id, "erin")  # and again
    assert ent(svc.effective(AID), "Jordan", 1)[0].label == "PERSON"
    svc.redo(c1.id, "erin")
    assert ent(svc.effective(AID), "Jordan", 1)[0].label == "GPE"
    assert [h.analyst for h in svc.history(AID)][:4] == ["erin", "erin", "dave", "carol"]
    with pytest.raises(BadInput, match="does not exist"):
        svc.undo(99999, "x")


def test_undo_of_a_correction_others_depend_on_reports_them(svc):
    add = svc.add_attribution(AID, analyst="a", cue=sel("said", 2), content=[sel("he was pleased")],
                              kind="indirect", source=sel("Jordan", 2))
    kind = svc.set_kind(AID, 3, "direct", analyst="b")
    svc.undo(add.id, "a")
    eff = svc.effective(AID)
    assert len(eff.analysis.attributions) == 3
    assert [u.correction.id for u in eff.unanchored] == [kind.id]
    assert "no attribution with the cue 'said'" in eff.unanchored[0].reason


# ---- re-analysis ------------------------------------------------------------------------------


def test_corrections_reanchor_on_a_new_analysis_version(svc, store):
    svc.relabel_entity(AID, sel("Jordan", 1), "GPE", analyst="alice")
    svc.remove_entity(AID, at("Monday"), analyst="alice")
    svc.set_kind(AID, 2, "mixed", analyst="alice")
    old = model_analysis()
    # v2 finds entities in another order, drops "Monday", adds "officials", and reorders attributions:
    # list positions change, spans do not — the corrections follow the spans.
    e = list(old.entities)
    v2_entities = (e[4], Entity(at("officials").start, at("officials").end, "NORP", "g9"), e[1], e[0], e[3], e[5])
    v2_groups = (old.groups[0], old.groups[2], EntityGroup("g9", "officials", "NORP", (at("officials"),)))
    v2 = Analysis(AID, "v2", v2_entities, v2_groups, (old.attributions[2], old.attributions[0]))
    store.put_analysis(v2)
    eff = svc.effective(AID, "v2")
    assert ent(eff, "Jordan", 1)[0].label == "GPE"
    assert eff.analysis.attributions[0].kind == "mixed" and eff.analysis.attributions[1].kind == "direct"
    assert [u.correction.action for u in eff.unanchored] == ["delete"]  # Monday: v2 no longer finds it
    assert "no entity 'Monday'" in eff.unanchored[0].reason
    assert eff.provenance.moved == ()


def test_corrections_relocate_when_the_text_moves():
    # the same article re-ingested with a new first line: offsets shift, text is the same
    c = Correction(1, AID, "alice", "t", "entity", "relabel", {"label": "PERSON"}, {"label": "GPE"},
                   {"entity": [*at("Jordan", 1).as_list(), "Jordan"]}, V1)
    gone = Correction(2, AID, "alice", "t", "entity", "relabel", {}, {"label": "ORG"},
                      {"entity": [0, 7, "Zanzibar"]}, V1)
    prefix = "UPDATED. "
    text2 = prefix + TEXT
    shift = len(prefix)

    def moved(x: Span) -> Span:
        return Span(x.start + shift, x.end + shift)

    old = model_analysis()
    a2 = Analysis(AID, "v3", tuple(Entity(x.start + shift, x.end + shift, x.label, x.group) for x in old.entities),
                  tuple(EntityGroup(g.id, g.name, g.label, tuple(moved(m) for m in g.mentions)) for g in old.groups))
    eff = apply_corrections(Article(AID, text2), a2, [c, gone])
    assert next(e for e in eff.analysis.entities if e.start == moved(at("Jordan", 1)).start).label == "GPE"
    (m,) = eff.provenance.moved
    assert (m.correction_id, m.old, m.new) == (1, at("Jordan", 1), moved(at("Jordan", 1)))
    assert [(u.correction.id, "no longer in the article" in u.reason) for u in eff.unanchored] == [(2, True)]


# ---- notes and tags ---------------------------------------------------------------------------


def test_notes(svc):
    n1 = svc.add_note(AID, "Check the date with the ministry", analyst="liz", span=sel("on Monday"))
    n2 = svc.add_note(AID, "Worth a briefing", analyst="max", shareable=True)
    assert (n1.quote, n1.span, n1.shareable) == ("on Monday", at("on Monday"), False)
    assert [n.id for n in svc.notes(AID, reader="liz")] == [n1.id, n2.id]
    assert [n.id for n in svc.notes(AID, reader="liz", shareable_only=True)] == [n2.id]
    assert [n.id for n in svc.notes(AID)] == [n2.id]  # liz's note is private to her
    svc.delete_note(n1.id, analyst="liz")
    assert [n.id for n in svc.notes(AID, reader="liz")] == [n2.id]
    with pytest.raises(BadInput, match="already deleted"):
        svc.delete_note(n1.id, analyst="liz")
    with pytest.raises(BadInput, match="empty"):
        svc.add_note(AID, "  ", analyst="liz")
    with pytest.raises(BadInput, match="not in the library"):
        svc.add_note("nope", "text", analyst="liz")


def test_tags(svc, store):
    other = Article("b" * 16, "Another article entirely.")
    store.add_articles([other])
    assert svc.add_tag(AID, "  Needs   Follow-up ", analyst="ned") is True
    assert svc.add_tag(AID, "needs follow-up", analyst="olga") is False  # already there
    assert svc.add_tag(AID, "disinformation", analyst="ned")
    assert svc.add_tag(other.id, "Disinformation", analyst="olga")
    assert [t.tag for t in svc.tags(AID)] == ["disinformation", "needs follow-up"]
    assert svc.tags(AID)[1].analyst == "ned"
    assert sorted(svc.articles_with_tag("DISINFORMATION")) == sorted([AID, other.id])
    assert svc.all_tags() == [("disinformation", 2), ("needs follow-up", 1)]
    assert svc.remove_tag(AID, "disinformation", analyst="ned")
    assert not svc.remove_tag(AID, "disinformation", analyst="ned")
    assert svc.articles_with_tag("disinformation") == [other.id]
    with pytest.raises(BadInput, match="empty"):
        svc.add_tag(AID, " ", analyst="ned")
    with pytest.raises(BadInput, match="not in the library"):
        svc.add_tag("nope", "x", analyst="ned")


# ---- concurrency and crash safety -------------------------------------------------------------

WORKERS, EACH = 4, 25


def _write_many(url: str | CorrectionsService, worker: int, n: int, start_at: float = 0.0) -> list[int]:
    """One analyst's session: ``n`` relabels (labels unique to them), notes and tags, as fast as possible.

    ``url`` opens an engine of its own (another app process); a service is shared (one app's engine,
    as Streamlit sessions share a cached resource).
    """
    shared = isinstance(url, CorrectionsService)
    svc = url if shared else CorrectionsService(Store(url), V1)
    time.sleep(max(0.0, start_at - time.time()))  # every worker starts writing at the same moment
    ids = []
    spans = [sel("Jordan", 1), sel("Monday"), sel("Reuters")]
    for i in range(n):
        ids.append(svc.relabel_entity(AID, spans[i % 3], f"W{worker}_{i}", analyst=f"analyst{worker}").id)
        svc.add_note(AID, f"note {worker}-{i}", analyst=f"analyst{worker}", shareable=True)
        svc.add_tag(AID, f"t{worker}-{i}", analyst=f"analyst{worker}")
    if not shared:
        svc.store.engine.dispose()
    return ids


def _check_nothing_lost(svc: CorrectionsService, ids: list[int], workers: int, each: int) -> None:
    rows = svc.corrections(AID)
    assert len(ids) == len(set(ids)) == workers * each
    assert sorted(c.id for c in rows) == sorted(ids)
    assert len(svc.notes(AID)) == workers * each
    assert len(svc.tags(AID)) == workers * each
    eff = svc.effective(AID)
    assert eff.unanchored == []
    last = max(rows, key=lambda c: c.id)  # the last save wins, every save is in the history
    assert ent(eff, TEXT[last.spans["entity"][0] : last.spans["entity"][1]],
               1 if last.spans["entity"][2] == "Jordan" else 0)[0].label == last.after["label"]


def test_concurrent_threads_lose_nothing(svc):
    results: dict[int, list[int]] = {}
    errors = []

    def run(w: int) -> None:
        try:
            results[w] = _write_many(svc if w % 2 else svc.store.url, w, EACH)  # half share one engine
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check_nothing_lost(svc, [i for ids in results.values() for i in ids], WORKERS, EACH)


def test_concurrent_processes_lose_nothing(svc):
    ctx = mp.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        start_at = time.time() + 4  # after every spawned interpreter has started and imported
        results = pool.starmap(_write_many, [(svc.store.url, w, EACH, start_at) for w in range(WORKERS)])
    _check_nothing_lost(svc, [i for ids in results for i in ids], WORKERS, EACH)


def _save_forever(url: str, conn) -> None:
    """Save corrections back to back, reporting each id once committed, until killed."""
    svc = CorrectionsService(Store(url), V1)
    i = 0
    while True:
        c = svc.relabel_entity(AID, sel("Monday"), f"K{i}", analyst="killed")
        conn.send(c.id)
        i += 1


def _hold_open_transaction(url: str, conn) -> None:
    """Start a save, insert its row, tell the parent, and wait to be killed before committing."""
    engine = Store(url).engine
    with engine.begin() as tx:
        tx.execute(corrections_table.insert().values(
            article_id=AID, analyst="never", at="t", version=V1, target="entity", action="relabel",
            spans=json.dumps({"entity": [*at("Monday").as_list(), "Monday"]}), before="{}",
            after=json.dumps({"label": "NEVER"}), reverts=None))
        conn.send("inserted")
        time.sleep(120)


def _kill_child(target, url: str, wait_for: int) -> list:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(url, child))
    proc.start()
    got = []
    deadline = time.monotonic() + 60
    while len(got) < wait_for and time.monotonic() < deadline:
        if parent.poll(1):
            got.append(parent.recv())
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    while parent.poll(0.2):  # ids sent just before the kill
        got.append(parent.recv())
    assert proc.exitcode == -signal.SIGKILL
    assert len(got) >= wait_for, "the child did not get going"
    return got


def _assert_database_whole(store: Store) -> None:
    if store.url.startswith("sqlite"):
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with store.engine.connect() as conn:
        for r in conn.execute(sa.select(corrections_table)):
            assert r.analyst and r.at and r.target and r.action
            for col in (r.spans, r.before, r.after):
                json.loads(col)


def test_killed_mid_save_loses_no_committed_correction(svc):
    committed = _kill_child(_save_forever, svc.store.url, wait_for=25)
    svc.store.engine.dispose()
    fresh = CorrectionsService(Store(svc.store.url), V1)  # as the restarted app would
    _assert_database_whole(fresh.store)
    saved = {c.id: c for c in fresh.corrections(AID)}
    assert set(committed) <= set(saved)
    assert len(saved) - len(committed) <= 1  # at most the one committed as the kill landed
    eff = fresh.effective(AID)
    assert eff.unanchored == []
    assert ent(eff, "Monday")[0].label == saved[max(saved)].after["label"]
    fresh.relabel_entity(AID, sel("Monday"), "DATE", analyst="after")  # and it still takes writes
    fresh.store.engine.dispose()


def test_killed_inside_an_open_transaction_leaves_nothing_half_done(svc):
    svc.relabel_entity(AID, sel("Monday"), "EVENT", analyst="before")
    _kill_child(_hold_open_transaction, svc.store.url, wait_for=1)
    svc.store.engine.dispose()
    fresh = CorrectionsService(Store(svc.store.url), V1)
    _assert_database_whole(fresh.store)
    assert [c.analyst for c in fresh.corrections(AID)] == ["before"]  # the uncommitted row is gone
    fresh.relabel_entity(AID, sel("Monday"), "DATE", analyst="after")  # no lock left behind
    assert ent(fresh.effective(AID), "Monday")[0].label == "DATE"
    fresh.store.engine.dispose()
