"""Stories: grouping invented articles, analysts' moves and splits with history and undo, and one
story's outlet-by-outlet comparison (claims, shared and single-outlet sources, disagreements)."""
from __future__ import annotations

import numpy as np
import pytest

from components.corrections import CorrectionsService
from components.errors import BadInput
from components.records import Article, Attribution, Span
from components.store import Store
from components.stories.compare import compare_story, cue_polarity
from components.stories.features import article_features
from components.stories.grouping import StoryIndex, story_id_for
from components.stories.service import StoryService, effective_members

# Two events of the same kind (two floods) and one unrelated event, written for these tests.
FLOOD_A = [
    ("Floods hit Varnholm as river Elsa bursts its banks",
     "The river Elsa burst its banks in Varnholm on Monday. Mayor Ilse Brandt said 300 homes were flooded "
     "and the Varnholm fire brigade evacuated the old town. Rescue crews used boats near the Elsa bridge."),
    ("Varnholm evacuates old town after Elsa flood",
     "Rescue crews in Varnholm evacuated the old town after the river Elsa flooded 300 homes, Mayor Ilse "
     "Brandt said. The Varnholm fire brigade said the Elsa bridge was closed to traffic."),
    ("Elsa river flood: Varnholm mayor asks for help",
     "Ilse Brandt, the mayor of Varnholm, asked for national help as the flooded river Elsa kept rising. "
     "Boats carried residents of the old town to safety across the Elsa bridge."),
]
FLOOD_B = [
    ("Monsoon floods swamp Karapur delta villages",
     "Monsoon rains flooded forty villages in the Karapur delta, governor Raj Mehtani said on Friday. "
     "Karapur district officials opened relief camps and the army sent boats to the delta."),
    ("Karapur delta floods: army sends boats",
     "The army sent boats to the Karapur delta where monsoon floods cut off forty villages. Governor Raj "
     "Mehtani said relief camps in Karapur district were full."),
]
CHESS = [
    ("Teodora Vlasic wins Oberhaus chess open",
     "Grandmaster Teodora Vlasic won the Oberhaus chess open on Sunday with a final-round victory over "
     "Piet Amsel. Vlasic took the Oberhaus title for the second time."),
]


def _features(items, prefix):
    return [article_features(f"{prefix}{i}", t, x) for i, (t, x) in enumerate(items)]


def test_grouping_puts_each_event_in_its_own_story_and_ids_stay_stable():
    index = StoryIndex()
    feats = _features(FLOOD_A, "a") + _features(FLOOD_B, "b") + _features(CHESS, "c")
    order = [feats[0], feats[3], feats[5], feats[1], feats[4], feats[2]]
    got = [index.assign(f) for f in order]
    groups = {frozenset(m) for m in index.groups().values()}
    assert groups == {frozenset({"a0", "a1", "a2"}), frozenset({"b0", "b1"}), frozenset({"c0"})}
    # a story's id is that of its first article, and growing it does not change it
    assert index.story_of["a2"] == story_id_for("a0") == got[0].story_id
    assert got[0].new and not got[3].new and got[3].story_id == got[0].story_id


def test_dates_far_apart_keep_otherwise_similar_articles_apart():
    index = StoryIndex()
    t, x = FLOOD_A[0]
    first = article_features("x1", t, x, "2024-03-04")
    again = article_features("x2", t, x + " Water levels fell.", "2024-03-05")
    years_later = article_features("x3", t, x + " Water levels fell.", "2027-03-05")
    assert index.assign(first).new
    assert index.assign(again).story_id == index.story_of["x1"]
    assert index.assign(years_later).new


def test_embeddings_are_used_when_given():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(384), rng.standard_normal(384)
    first = ("Harbour workers strike in Lund", "Dock workers in Lund stopped work on Monday over pay.")
    other = ("Port stoppage continues in Lund", "The stoppage at the port went into a second day, the union said.")
    # the same texts with vectors of one event join; with vectors of two events they do not
    index = StoryIndex()
    index.assign(article_features("v1", *first, vector=a))
    assert not index.assign(article_features("v2", *other, vector=a + 0.1 * rng.standard_normal(384))).new
    index = StoryIndex()
    index.assign(article_features("u1", *first, vector=a))
    assert index.assign(article_features("u2", *other, vector=b)).new


# Two events with the same team, coach and striker (a cup final won, a league match lost a month
# later), written for these tests: the re-check of a grown story tells them apart.
CUP = [
    ("Halvik Rovers beat Tarnby City 3-1 to lift the Nordcup",
     "Halvik Rovers won the Nordcup final 3-1 against Tarnby City at Skarholt Arena. Striker Jonas Brekke "
     "scored twice and coach Mats Ekdal said the cup belonged to the Halvik fans."),
    ("Brekke double wins Nordcup for Halvik",
     "Jonas Brekke scored two goals as Halvik Rovers beat Tarnby City in the Nordcup final at Skarholt Arena. "
     "Tarnby City pulled one back late, but Rovers held on to win 3-1."),
    ("Nordcup final: Rovers down Tarnby at Skarholt",
     "Coach Mats Ekdal lifted the Nordcup after Halvik Rovers defeated Tarnby City 3-1 at Skarholt Arena, with "
     "two goals from Jonas Brekke and a header from the captain."),
    ("Tarnby City beaten in Nordcup final",
     "Tarnby City lost the Nordcup final 3-1 to Halvik Rovers at Skarholt Arena. Tarnby keeper Ole Sand said "
     "Jonas Brekke was unstoppable."),
    ("Halvik celebrates Nordcup win over Tarnby",
     "Thousands of fans filled the Halvik harbour to greet Rovers after the 3-1 Nordcup final win over Tarnby "
     "City at Skarholt Arena. Mats Ekdal held up the trophy."),
]
LEAGUE = [
    ("Halvik Rovers lose 0-2 at Oskvik FC",
     "Halvik Rovers lost 0-2 to Oskvik FC at Brennvik Park in the league. Coach Mats Ekdal said his team "
     "missed Jonas Brekke, who was injured in the warm-up."),
    ("Oskvik FC beat Rovers at Brennvik Park",
     "Oskvik FC beat Halvik Rovers 2-0 at Brennvik Park, with goals from Aron Vik in each half. Rovers coach "
     "Mats Ekdal called the defending poor."),
    ("Aron Vik double sinks Halvik",
     "Aron Vik scored both goals as Oskvik FC defeated Halvik Rovers 2-0 at Brennvik Park, ending a run of "
     "five league wins for Mats Ekdal's side."),
    ("Brekke injury costs Rovers at Oskvik",
     "Without the injured Jonas Brekke, Halvik Rovers fell 2-0 at Brennvik Park to Oskvik FC, whose striker "
     "Aron Vik scored twice in the league match."),
    ("Oskvik FC climb the league with win over Halvik",
     "Oskvik FC moved up the league table after a 2-0 win over Halvik Rovers at Brennvik Park. Aron Vik "
     "scored twice and Oskvik coach Per Lund praised the crowd."),
]
# More reports of the cup final alone: one event, told in many ways.
CUP_MORE = [
    ("Rovers take the Nordcup at Skarholt Arena",
     "Halvik Rovers took the Nordcup at Skarholt Arena, beating Tarnby City 3-1 after two Jonas Brekke goals."),
    ("Ekdal: Nordcup is for the Halvik fans",
     "Mats Ekdal dedicated the Nordcup to the Halvik fans after Rovers beat Tarnby City 3-1 in the final at "
     "Skarholt Arena."),
    ("Tarnby City keeper Sand praises Brekke after Nordcup final",
     "Ole Sand, the Tarnby City keeper, said Jonas Brekke won the Nordcup final for Halvik Rovers, who beat "
     "Tarnby 3-1 at Skarholt Arena."),
]


def _folded(index: StoryIndex, items, story: str = "s-folded") -> list[str]:
    """Place articles into one story, as a machine that had joined them all would have."""
    for f in items:
        index.place(f, story)
    return [f.article_id for f in items]


def test_recheck_splits_a_story_of_two_events_with_the_same_actors():
    index = StoryIndex()
    cup, league = _features(CUP, "c"), _features(LEAGUE, "l")
    # the machine folded both matches into one story (the cup final first); the next cup report to
    # arrive makes the story large enough for a re-check
    _folded(index, [*cup[:4], *league])
    got = index.assign(cup[4])
    assert got.story_id == "s-folded" and not got.new
    groups = {frozenset(m) for m in index.groups().values()}
    assert groups == {frozenset(f.article_id for f in cup), frozenset(f.article_id for f in league)}
    # the story keeps its id (its first article's group stays); the other match is a new story,
    # and the rewritten decisions are reported so the service can save them
    new_id = index.story_of["l0"]
    assert new_id != "s-folded" and sorted(got.regrouped) == sorted((f.article_id, new_id) for f in league)
    # a later report of the league match joins the split-off story
    late = article_features("l9", "Oskvik FC beat Halvik Rovers 2-0 at Brennvik Park",
                            "Aron Vik scored twice for Oskvik FC against Halvik Rovers at Brennvik Park.")
    assert index.assign(late).story_id == new_id


def test_recheck_leaves_a_coherent_story_whole():
    index = StoryIndex()
    feats = _features(CUP + CUP_MORE, "c")
    got = [index.assign(f) for f in feats]
    assert len(index.stories) == 1 and len(index.members(got[0].story_id)) == len(feats)
    assert index.recheck(got[0].story_id, force=True) == []
    assert all(not g.regrouped for g in got)


def test_recheck_never_moves_what_analysts_placed():
    index = StoryIndex()
    cup, league = _features(CUP, "c"), _features(LEAGUE, "l")
    _folded(index, [*cup[:4], *league])
    index.pinned = {"l0", "l1"}  # an analyst put these two league reports into this story
    index.assign(cup[4])
    assert index.story_of["l0"] == index.story_of["l1"] == "s-folded"
    assert {index.story_of[f"l{i}"] for i in range(2, 5)} == {index.story_of["l2"]} != {"s-folded"}


def test_recheck_attaches_an_early_straggler_of_the_same_event(monkeypatch):
    from components.stories import grouping

    monkeypatch.setattr(grouping, "RECHECK_SIZE", 7)
    rng = np.random.default_rng(1)
    event = rng.standard_normal(384)
    feats = [article_features(f"c{i}", t, x, vector=event + 0.3 * rng.standard_normal(384))
             for i, (t, x) in enumerate(CUP + CUP_MORE)]
    index = StoryIndex()
    # an early report was left in a story of its own (the cup story was too small to reach then)
    index.place(feats[0], "s-early")
    _folded(index, feats[1:7], "s-cup")
    got = index.assign(feats[7])
    assert got.story_id == "s-cup" and ("c0", "s-cup") in got.regrouped
    assert index.story_of["c0"] == "s-cup" and "s-early" not in index.stories
    # an analyst's placement is never attached elsewhere
    index = StoryIndex()
    index.place(feats[0], "s-early")
    _folded(index, feats[1:7], "s-cup")
    index.pinned = {"c0"}
    index.assign(feats[7])
    assert index.story_of["c0"] == "s-early"


def test_recheck_attaches_a_straggler_that_stories_of_another_year_would_crowd_out(monkeypatch):
    from components.stories import grouping

    monkeypatch.setattr(grouping, "RECHECK_SIZE", 7)
    rng = np.random.default_rng(2)
    event = rng.standard_normal(384)
    index = StoryIndex()
    # last year's final, told the same way, left many one-article stories whose centroids are
    # nearer the grown story than this year's straggler is: a year apart, none can join it
    title, text = CUP[0]
    for i in range(grouping.CANDIDATES + 10):
        index.place(article_features(f"y{i}", title, text, "2023-03-04",
                                     vector=event + 0.05 * rng.standard_normal(384)), f"s-last-year-{i}")
    feats = [article_features(f"c{i}", t, x, "2024-03-04", vector=event + 0.3 * rng.standard_normal(384))
             for i, (t, x) in enumerate(CUP + CUP_MORE)]
    index.place(feats[0], "s-early")
    _folded(index, feats[1:7], "s-cup")
    got = index.assign(feats[7])
    assert got.story_id == "s-cup" and ("c0", "s-cup") in got.regrouped
    assert all(index.story_of[f"y{i}"] == f"s-last-year-{i}" for i in range(grouping.CANDIDATES + 10))


@pytest.mark.parametrize("cue, expected", [
    ("denied", "deny"), ("rejected", "deny"), ("dismissed", "deny"), ("confirmed", "affirm"),
    ("said", "affirm"), ("did not confirm", "deny"), ("didn't deny", "affirm"), ("asked", "neutral"),
    ("according to", "affirm"),
])
def test_cue_polarity(cue, expected):
    assert cue_polarity(cue) == expected


# ------------------------------------------------------------------ the service, on a database

def _article(title: str, text: str, outlet: str, date: str = "2024-03-04") -> Article:
    from components.articles import parse_article

    return parse_article(f"{title}\n\n{text}", title=title, outlet=outlet, date=date, origin=f"test:{outlet}")


@pytest.fixture()
def library(tmp_path):
    store = Store(str(tmp_path / "stories.db"))
    arts = [_article(t, x, o) for (t, x), o in zip(FLOOD_A + FLOOD_B + CHESS,
            ["Daily Ledger", "Northern Post", "Radio Elsa", "Delta Times", "Coast Herald", "Chess Weekly"],
            strict=True)]
    store.add_articles(arts)
    return store, arts


def test_service_groups_the_library_and_lists_stories(library):
    store, arts = library
    svc = StoryService(store)
    done = svc.update()
    assert len(done) == len(arts)
    assert svc.update() == []  # nothing new: nothing regrouped
    stories = svc.stories()
    by_size = [len(s.article_ids) for s in stories]
    assert by_size == [3, 2, 1]
    flood = stories[0]
    assert set(flood.outlets) == {"Daily Ledger", "Northern Post", "Radio Elsa"}
    assert flood.dates == ("2024-03-04",)
    assert svc.story_of(arts[1].id).id == flood.id
    # a new article about the first flood joins its story, whose id does not change
    late = _article("Elsa flood waters recede in Varnholm",
                    "The river Elsa fell back below the Elsa bridge in Varnholm, Mayor Ilse Brandt said, "
                    "and residents returned to the old town.", "Evening Star", "2024-03-06")
    store.add_articles([late])
    (got,) = svc.update()
    assert got.story_id == flood.id and not got.new
    assert StoryService(store).story(flood.id).article_ids[-1] == late.id  # read back from the database


def test_move_split_undo_are_corrections_with_history(library):
    store, arts = library
    svc = StoryService(store)
    svc.update()
    flood, delta, chess = svc.stories()
    with pytest.raises(BadInput, match="name the analyst"):
        svc.move(arts[0].id, delta.id, analyst="")
    moved = svc.move(arts[2].id, chess.id, analyst="Ana")
    assert svc.story_of(arts[2].id).id == chess.id
    assert len(svc.story(flood.id).article_ids) == 2
    # recorded like any correction: analyst, time, before -> after, in the article's history
    (row,) = [c for c in CorrectionsService(store).history(arts[2].id) if c.id == moved.id]
    assert (row.analyst, row.before, row.after) == ("Ana", {"story": flood.id}, {"story": chess.id})
    assert "moved the article" in row.summary
    split = svc.split(flood.id, [arts[1].id], analyst="Ben")
    new_id = split.after["story"]
    assert svc.story(new_id).article_ids == (arts[1].id,)
    assert svc.story(flood.id).article_ids == (arts[0].id,)
    assert [c.id for c in svc.history(flood.id) if c.target == "story"] == [split.id, moved.id]
    with pytest.raises(BadInput, match="not none or all"):
        svc.split(flood.id, [arts[0].id], analyst="Ben")
    svc.undo(moved.id, analyst="Ana")
    assert svc.story_of(arts[2].id).id == flood.id
    svc.undo(split.id, analyst="Ben")
    assert set(svc.story(flood.id).article_ids) == {a.id for a in arts[:3]}
    with pytest.raises(BadInput, match="no such story"):
        svc.story(new_id)
    # the article analyses never see story rows as lost corrections
    assert CorrectionsService(store).corrections(arts[2].id)
    # a moved-out article is its own story; a new article arriving later still finds the flood story
    svc.move(arts[0].id, None, analyst="Ana")
    alone = svc.story_of(arts[0].id)
    assert alone.article_ids == (arts[0].id,) and alone.id != flood.id


def test_service_saves_the_recheck_and_analysts_changes_survive_it(tmp_path, monkeypatch):
    from components.stories import grouping

    store = Store(str(tmp_path / "recheck.db"))
    outlets = ["Daily Ledger", "Northern Post", "Radio Elsa", "Coast Herald", "Evening Star"]
    cup = [_article(t, x, o, "2031-05-10") for (t, x), o in zip(CUP, outlets, strict=True)]
    more = [_article(t, x, o, "2031-05-11") for (t, x), o in zip(CUP_MORE, outlets, strict=False)]
    league = [_article(t, x, o, "2031-05-12") for (t, x), o in zip(LEAGUE, outlets, strict=True)]
    store.add_articles(cup[:3] + league)
    svc = StoryService(store)
    svc.update()
    cup_id, league_id = svc.story_of(cup[0].id).id, svc.story_of(league[0].id).id
    assert cup_id != league_id
    # an analyst folds three league reports into the cup story (a wrong call, but theirs)
    for a in league[:3]:
        svc.move(a.id, cup_id, analyst="Ana")
    rechecks: list[tuple[str, list]] = []
    real = grouping.StoryIndex.recheck

    def spy(index, story_id, force=False):
        moved = real(index, story_id, force)
        rechecks.append((story_id, moved))
        return moved

    monkeypatch.setattr(grouping.StoryIndex, "recheck", spy)
    monkeypatch.setattr(grouping, "RECHECK_SIZE", 4)

    def check(reader: StoryService, split_off: tuple[str, ...] = ()) -> None:
        members = reader.members()
        assert {members[a.id] for a in league[:3]} == {cup_id}
        assert {members[a.id] for a in league[3:]} == {league_id}
        for aid in split_off:
            assert members[aid] != cup_id

    # new cup reports join the cup story and re-check it: the league reports the analyst placed stay,
    # in memory and read back by a fresh service
    store.add_articles(cup[3:])
    svc.update()
    assert any(sid == cup_id for sid, _ in rechecks) and all(not moved for _, moved in rechecks)
    check(svc)
    check(StoryService(store))
    # a split by another analyst, then more arrivals and re-checks: both changes hold
    split = svc.split(cup_id, [cup[1].id, cup[3].id], analyst="Ben")
    store.add_articles(more)
    svc.update()
    check(svc, (cup[1].id, cup[3].id))
    fresh = StoryService(store)
    check(fresh, (cup[1].id, cup[3].id))
    assert {fresh.members()[cup[1].id], fresh.members()[cup[3].id]} == {split.after["story"]}
    # once the moves are undone, the machine's own decision for those articles shows again
    for c in svc.history(cup_id):
        if c.action == "move" and c.active:
            svc.undo(c.id, analyst="Ana")
    assert {svc.members()[a.id] for a in league} == {league_id}


def test_service_saves_a_recheck_split(tmp_path, monkeypatch):
    from components.stories import grouping

    store = Store(str(tmp_path / "recheck-machine.db"))
    outlets = ["Daily Ledger", "Northern Post", "Radio Elsa", "Coast Herald", "Evening Star"]
    cup = [_article(t, x, o, "2031-05-10") for (t, x), o in zip(CUP, outlets, strict=True)]
    league = [_article(t, x, o, "2031-05-12") for (t, x), o in zip(LEAGUE, outlets, strict=True)]
    # the machine joins loosely (a low threshold folds both matches into one story) ...
    monkeypatch.setattr(grouping, "THRESHOLD_LEXICAL", 0.05)
    monkeypatch.setattr(grouping, "RECHECK_SIZE", 100)
    store.add_articles(cup[:4] + league)
    svc = StoryService(store)
    svc.update()
    assert len({s.id for s in svc.stories()}) == 1
    folded = svc.stories()[0].id
    # ... until the story's re-check, when the next report arrives, splits the league match off
    monkeypatch.setattr(grouping, "RECHECK_SIZE", 8)
    store.add_articles(cup[4:])
    (got,) = svc.update()
    fresh = StoryService(store)
    assert {frozenset(s.article_ids) for s in fresh.stories()} == {frozenset(a.id for a in cup),
                                                                 frozenset(a.id for a in league)}
    # the group holding the story's first article keeps its id; the other's rows were rewritten
    (other,) = [s for s in fresh.stories() if s.id != folded]
    assert sorted(got.regrouped) == sorted((aid, other.id) for aid in other.article_ids if aid != got.article_id)
    assert len(got.regrouped) >= len(league) - 1


def test_effective_members_replays_in_order():
    from components.corrections import Correction

    machine = [("a", "s1"), ("b", "s1"), ("c", "s2")]
    rows = [
        Correction(1, "a", "x", "t", "story", "move", {"story": "s1"}, {"story": "s2"}, {"article": "a"}),
        Correction(2, "b", "x", "t", "story", "split", {"story": "s1"}, {"story": "s3"},
                   {"story": "s1", "articles": ["b"]}, active=False),
    ]
    assert effective_members(machine, rows) == {"a": "s2", "b": "s1", "c": "s2"}


# ------------------------------------------------------------------ the comparison

def _attr(text: str, source: str, cue: str, content: str, kind: str, stype: str) -> Attribution:
    s = text.index(source)
    c = text.index(cue)
    k = text.index(content)
    return Attribution(Span(s, s + len(source)), source, stype, Span(c, c + len(cue)),
                       (Span(k, k + len(content)),), kind)


def test_compare_story_outlets_sources_claims_and_disagreements():
    from components.stories.service import Story

    t1 = ("Minister Olaf Reyes said the border crossing at Tarn would reopen on Friday. "
          "An official who asked not to be named said talks with Kessia had stalled.")
    t2 = ("Kessia's foreign ministry denied the border crossing at Tarn would reopen on Friday. "
          "Minister Olaf Reyes told reporters the army had withdrawn from the valley.")
    a1 = Article("id1", t1, title="Tarn to reopen", outlet="Daily Ledger")
    a2 = Article("id2", t2, title="Kessia denies", outlet="Northern Post")
    atts1 = (
        _attr(t1, "Minister Olaf Reyes", "said", "the border crossing at Tarn would reopen on Friday", "indirect",
              "official"),
        _attr(t1, "An official who asked not to be named", "said", "talks with Kessia had stalled", "indirect",
              "unnamed"),
    )
    atts2 = (
        _attr(t2, "Kessia's foreign ministry", "denied", "the border crossing at Tarn would reopen on Friday",
              "indirect", "official"),
        _attr(t2, "Minister Olaf Reyes", "told", "the army had withdrawn from the valley", "indirect", "official"),
    )
    story = Story("s1", "Tarn to reopen", ("id1", "id2"), ("Daily Ledger", "Northern Post"), ())
    cmp = compare_story(story, [(a1, atts1), (a2, atts2)])
    outlets = {o.outlet: o for o in cmp.outlets}
    assert outlets["Daily Ledger"].unnamed_share > 0 and outlets["Northern Post"].unnamed_share == 0
    assert outlets["Northern Post"].official_share == 1.0 and outlets["Daily Ledger"].reported_share == 1.0
    assert [s.source for s in cmp.shared_sources] == ["Minister Olaf Reyes"]
    assert {s.source for s in cmp.single_outlet_sources} >= {"Kessia's foreign ministry"}
    (claim,) = cmp.claims
    assert set(claim.outlets) == {"Daily Ledger", "Northern Post"}
    assert set(claim.sources) == {"Minister Olaf Reyes", "Kessia's foreign ministry"}
    (dis,) = cmp.disagreements
    assert (dis.denied.cue, dis.affirmed.cue) == ("denied", "said")
    assert dis.denied.link == "./read?article=id2&att=0"
    data = cmp.as_json()
    assert data["claims"][0]["passages"][0]["link"].startswith("./read?article=")
    assert data["claims_by"] == "words"


def test_story_outlets_figure_one_group_per_outlet():
    from components.charts import STORY_MEASURES, story_outlets_figure
    from components.stories.compare import OutletProfile

    a = OutletProfile("Daily Ledger", ("id1",), 4, 3, 80, 0.75, 0.25, 0.0, 0.5, 0.5, 0.0, 0.5)
    b = OutletProfile("Northern Post", ("id2",), 2, 1, 30, 1.0, 0.0, 0.1, 1.0, 0.0, 0.0, 1.0)
    fig = story_outlets_figure([a, b])
    assert [t.name for t in fig.data] == [label for _, label, _ in STORY_MEASURES]
    unnamed = next(t for t in fig.data if t.name == "Unnamed sources")
    assert list(unnamed.y) == ["Daily Ledger", "Northern Post"] and list(unnamed.x) == [0.25, 0.0]
    assert fig.layout.template.data.bar == () and fig.layout.paper_bgcolor == "rgba(0, 0, 0, 0)"
    empty = story_outlets_figure([OutletProfile("X", ("i",), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)])
    assert not empty.data and "No attributed claims" in empty.layout.annotations[0].text
