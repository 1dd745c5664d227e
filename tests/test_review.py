"""The review queue (``components.attribution.review``): which attributions an analyst is asked to
check, the candidates offered for each and their order, and the decisions recorded as corrections.

Analyses are written by hand over invented sentences (no parse, no model): the queue reads an
analysis as stored, so each test states the resolver's output it starts from. The decisions go
through a real corrections service over a temporary SQLite library. The last test analyses an
invented article with the real pipeline (slow).
"""
from __future__ import annotations

import json
import re

import pytest

from components.access import ANALYST, VIEWER, Forbidden, User
from components.attribution.review import accept, article_queue, choose, load_rules, review_queue
from components.corrections import CorrectionsService
from components.errors import BadInput
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span

VERSION = "test-review"


def span(text: str, piece: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``piece`` in ``text`` as whole words ("he" is not in "the")."""
    starts = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(piece) + r"(?!\w)", text)]
    assert len(starts) > nth, f"{piece!r} occurs {len(starts)} times"
    return Span(starts[nth], starts[nth] + len(piece))


def article(text: str, aid: str = "a1") -> Article:
    paras = tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))
    return Article(id=aid, text=text, title="Invented", paragraphs=paras)


def analysis(text: str, people: dict[str, tuple[str, list[tuple[str, int]]]], atts: list[Attribution],
             aid: str = "a1") -> Analysis:
    """``people``: group name -> (label, [(mention text, occurrence)])."""
    groups, ents = [], []
    for k, (name, (label, mentions)) in enumerate(people.items()):
        spans = tuple(sorted(span(text, m, n) for m, n in mentions))
        groups.append(EntityGroup(f"g{k}", name, label, spans))
        ents += [Entity(s.start, s.end, label, f"g{k}") for s in spans]
    return Analysis(aid, VERSION, tuple(sorted(ents, key=lambda e: e.start)), tuple(groups), tuple(atts))


def att(text: str, source: str, cue: str, content: str, *, status: str, canonical: str | None = None,
        stype: str | None = None, antecedent: Span | None = None, nth: int = 0, cue_nth: int = 0) -> Attribution:
    """An attribution as the resolver stored it; ``nth``/``cue_nth``: which occurrence of the source/cue."""
    return Attribution(span(text, source, nth), canonical, stype, span(text, cue, cue_nth), (span(text, content),),
                       "direct", source_status=status, source_antecedent_span=antecedent)


# ---- an unresolved pronoun: the queue and its candidates -----------------------------------------

UNRESOLVED = (
    "Maria Lopez opened the new bridge on Monday. Sam Ortiz and the Harbour Council watched.\n"
    "“The plan is dead,” he said at the ceremony.\n"
    "Tom Reed, the opposition leader, spoke later."
)
PEOPLE = {
    "Maria Lopez": ("PERSON", [("Maria Lopez", 0)]),
    "Sam Ortiz": ("PERSON", [("Sam Ortiz", 0)]),
    "Harbour Council": ("ORG", [("Harbour Council", 0)]),
    "Tom Reed": ("PERSON", [("Tom Reed", 0)]),
}


def unresolved_case():
    t = UNRESOLVED
    a = att(t, "he", "said", "The plan is dead", status="unresolved")
    return article(t), analysis(t, PEOPLE, [a])


def test_an_unresolved_pronoun_is_queued_with_the_people_who_agree_nearest_first():
    art, an = unresolved_case()
    (item,) = review_queue(art, an)
    assert item.index == 0 and item.flags == ("unresolved",) and item.phrase == "he"
    assert "does not say who" in item.why
    names = [c.name for c in item.candidates]
    # "he": a man or a person of no known gender; Maria (a woman's first name) and the council
    # (a body) do not agree; one named before the quote ranks before one named only after it
    assert names == ["Sam Ortiz", "Tom Reed"]
    assert item.chosen is None
    sam, tom = item.candidates
    assert "no known gender" in sam.reason and "1 sentence before" in sam.reason
    assert "a man" in tom.reason and "only after" in tom.reason
    assert (sam.source_type, tom.source_type) == ("person", "person")
    assert sam.mention == span(UNRESOLVED, "Sam Ortiz")


def test_an_it_source_is_offered_bodies_only():
    t = "Maria Lopez met the Harbour Council.\n“We will not pay,” it said in a statement."
    a = att(t, "it", "said", "We will not pay", status="unresolved")
    people = {"Maria Lopez": ("PERSON", [("Maria Lopez", 0)]), "Harbour Council": ("ORG", [("Harbour Council", 0)])}
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert [(c.name, c.source_type) for c in item.candidates] == [("Harbour Council", "official")]


def test_a_gendered_description_keeps_the_other_gender_out():
    t = "Tom Reed and Anna Berg met the press.\n“No deal,” the spokeswoman said."
    a = att(t, "the spokeswoman", "said", "No deal", status="unresolved")
    people = {"Tom Reed": ("PERSON", [("Tom Reed", 0)]), "Anna Berg": ("PERSON", [("Anna Berg", 0)])}
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert [c.name for c in item.candidates] == ["Anna Berg"]


# ---- low confidence ------------------------------------------------------------------------------

RIVALS = (
    "Anna Berg thanked the crew. Later, Jane Holt praised the crew too.\n"
    "“It was a fine day,” she said."
)


def test_a_resolved_pronoun_with_a_rival_in_its_window_is_queued_with_the_choice_first():
    t = RIVALS
    people = {"Anna Berg": ("PERSON", [("Anna Berg", 0)]), "Jane Holt": ("PERSON", [("Jane Holt", 0)])}
    a = att(t, "she", "said", "It was a fine day", status="resolved", canonical="Anna Berg", stype="person",
            antecedent=span(t, "Anna Berg"))
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("rival",)
    assert [c.name for c in item.candidates] == ["Anna Berg", "Jane Holt"]
    assert item.chosen.name == "Anna Berg" and "resolver's choice" in item.chosen.reason
    assert not item.candidates[1].chosen and "a woman" in item.candidates[1].reason


def test_a_resolved_pronoun_without_a_rival_is_not_queued():
    t = "Anna Berg thanked the crew. Tom Reed left early.\n“It was a fine day,” she said."
    people = {"Anna Berg": ("PERSON", [("Anna Berg", 0)]), "Tom Reed": ("PERSON", [("Tom Reed", 0)])}
    a = att(t, "she", "said", "It was a fine day", status="resolved", canonical="Anna Berg", stype="person",
            antecedent=span(t, "Anna Berg"))
    assert review_queue(article(t), analysis(t, people, [a])) == []


def test_a_named_source_is_not_queued():
    t = "“It was a fine day,” Anna Berg said. Jane Holt agreed."
    people = {"Anna Berg": ("PERSON", [("Anna Berg", 0)]), "Jane Holt": ("PERSON", [("Jane Holt", 0)])}
    a = att(t, "Anna Berg", "said", "It was a fine day", status="named", canonical="Anna Berg", stype="person")
    assert review_queue(article(t), analysis(t, people, [a])) == []


def test_a_far_antecedent_is_queued():
    t = ("Tom Reed opened the session. The minutes were read. A vote was held. The budget passed. "
         "Lunch was served.\n“We did well,” he said.")
    people = {"Tom Reed": ("PERSON", [("Tom Reed", 0)])}
    a = att(t, "he", "said", "We did well", status="resolved", canonical="Tom Reed", stype="person",
            antecedent=span(t, "Tom Reed"))
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("far",) and "far before" in item.why
    assert "5 sentences before" in item.chosen.reason


def test_abbreviations_do_not_end_sentences():
    # "Mr. Reed" and "U.S." are inside one sentence: the antecedent is 1 sentence back, not far
    t = "Mr. Tom Reed of the U.S. team spoke. Dr. Kim Dorn nodded. A vote was held.\n“We did well,” he said."
    people = {"Tom Reed": ("PERSON", [("Tom Reed", 0)]), "Kim Dorn": ("PERSON", [("Kim Dorn", 0)])}
    a = att(t, "he", "said", "We did well", status="resolved", canonical="Tom Reed", stype="person",
            antecedent=span(t, "Tom Reed"))
    # Kim Dorn has no known gender and sits in the window: a rival, but the antecedent is not far
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("rival",)
    assert "3 sentences before" in item.chosen.reason


def test_a_coordinated_antecedent_names_the_one_chosen_and_the_latter_has_no_rival():
    t = ("Maximilian Reed and Sam Ortiz met at noon. The minutes were read. A vote was held. The budget "
         "passed. Lunch was served.\n“We did well,” the latter said.")
    people = {"Maximilian Reed": ("PERSON", [("Maximilian Reed", 0)]), "Sam Ortiz": ("PERSON", [("Sam Ortiz", 0)])}
    a = att(t, "the latter", "said", "We did well", status="resolved", canonical="Sam Ortiz", stype="person",
            antecedent=span(t, "Maximilian Reed and Sam Ortiz"))
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("far",)  # far back, but no rival: "the latter" is the last of the two
    assert item.chosen.name == "Sam Ortiz" and item.chosen.mention == span(t, "Sam Ortiz")
    near = "Maximilian Reed and Sam Ortiz met at noon.\n“We did well,” the latter said."
    b = att(near, "the latter", "said", "We did well", status="resolved", canonical="Sam Ortiz", stype="person",
            antecedent=span(near, "Maximilian Reed and Sam Ortiz"))
    assert review_queue(article(near), analysis(near, people, [b])) == []


def test_an_antecedent_after_the_source_is_queued():
    t = "“We won,” he said. Tom Reed then left."
    people = {"Tom Reed": ("PERSON", [("Tom Reed", 0)])}
    a = att(t, "he", "said", "We won", status="resolved", canonical="Tom Reed", stype="person",
            antecedent=span(t, "Tom Reed"))
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("after",)


def test_a_bare_surname_two_people_share_is_queued_with_its_bearers_first():
    t = "John Smith and Mary Smith run the firm. Kim Dorn works there.\n“Sales are up,” Smith said."
    people = {
        "John Smith": ("PERSON", [("John Smith", 0)]),
        "Mary Smith": ("PERSON", [("Mary Smith", 0)]),
        "Kim Dorn": ("PERSON", [("Kim Dorn", 0)]),
    }
    a = att(t, "Smith", "said", "Sales are up", status="named", canonical="Smith", stype="person", nth=2)
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert item.flags == ("shared_surname",) and "two people of the article share" in item.why
    # the machine's name first, then the surname's bearers (nearest first), then the others
    assert [c.name for c in item.candidates] == ["Smith", "Mary Smith", "John Smith", "Kim Dorn"]
    assert item.candidates[0].chosen
    assert "shares the name “Smith”" in item.candidates[1].reason


def test_a_title_that_tells_the_bearers_apart_is_not_queued():
    t = "John Smith and Mary Smith run the firm. Kim Dorn works there.\n“Sales are up,” Mr. Smith said."
    people = {
        "John Smith": ("PERSON", [("John Smith", 0)]),
        "Mary Smith": ("PERSON", [("Mary Smith", 0)]),
        "Kim Dorn": ("PERSON", [("Kim Dorn", 0)]),
    }
    a = att(t, "Mr. Smith", "said", "Sales are up", status="named", canonical="John Smith", stype="person")
    assert review_queue(article(t), analysis(t, people, [a])) == []


def test_a_surname_only_one_person_has_is_not_queued():
    t = "John Smith and Ann Kim run the firm.\n“Sales are up,” Smith said."
    people = {"John Smith": ("PERSON", [("John Smith", 0), ("Smith", 1)]), "Ann Kim": ("PERSON", [("Ann Kim", 0)])}
    a = att(t, "Smith", "said", "Sales are up", status="named", canonical="John Smith", stype="person", nth=1)
    assert review_queue(article(t), analysis(t, people, [a])) == []


DESCRIBED = "Tom Reed and Anna Berg raised four children in Eastport.\n“We kept to ourselves,” the father said."
FAMILY = {"Tom Reed": ("PERSON", [("Tom Reed", 0)]), "Anna Berg": ("PERSON", [("Anna Berg", 0)])}


def test_a_definite_description_kept_as_the_name_is_queued_with_the_people_who_fit():
    t = DESCRIBED
    a = att(t, "the father", "said", "We kept to ourselves", status="named", canonical="father", stype="unnamed")
    (item,) = review_queue(article(t), analysis(t, FAMILY, [a]))
    assert item.flags == ("description",)
    # "father" is a man's word (gender.json): the machine's "father" first, then Tom Reed, not Anna Berg
    assert [c.name for c in item.candidates] == ["father", "Tom Reed"]


@pytest.mark.parametrize("phrase, canonical, status", [
    ("a neighbour", "neighbour", "named"),  # indefinite: anonymous by design
    ("the father", "Tom Reed", "resolved"),  # resolved to one of the article's people
])
def test_an_indefinite_or_resolved_description_is_not_queued(phrase, canonical, status):
    t = DESCRIBED.replace("the father", phrase)
    ante = span(t, "Tom Reed") if status == "resolved" else None
    a = att(t, phrase, "said", "We kept to ourselves", status=status, canonical=canonical, stype="person",
            antecedent=ante)
    assert review_queue(article(t), analysis(t, {"Tom Reed": FAMILY["Tom Reed"]}, [a])) == []


def test_a_pronoun_resolved_to_a_bare_description_is_queued():
    t = "A teenager escaped from the house. Anna Berg called the police.\n“I was scared,” she said."
    a = att(t, "she", "said", "I was scared", status="resolved", canonical="teenager", stype="unnamed",
            antecedent=span(t, "A teenager"))
    (item,) = review_queue(article(t), analysis(t, {"Anna Berg": FAMILY["Anna Berg"]}, [a]))
    assert "description" in item.flags
    assert [c.name for c in item.candidates] == ["teenager", "Anna Berg"]


def test_candidates_are_capped_and_in_reading_order():
    names = ["Sam Ortiz", "Alex Park", "Robin Vale", "Kim Dorn", "Lee Hart", "Nadia Lund", "Omar Bell"]
    t = " ".join(f"{n} arrived." for n in names) + "\n“We are ready,” he said."
    people = {n: ("PERSON", [(n, 0)]) for n in names}
    a = att(t, "he", "said", "We are ready", status="unresolved")
    (item,) = review_queue(article(t), analysis(t, people, [a]))
    assert [c.name for c in item.candidates] == list(reversed(names))[:5]


# ---- decisions are corrections -------------------------------------------------------------------


@pytest.fixture()
def library(tmp_path):
    from components.store import Store

    store = Store(str(tmp_path / "lib.db"))
    art, an = unresolved_case()
    store.add_articles([art])
    store.put_analysis(an)
    return store, CorrectionsService(store, VERSION), art.id


def test_choosing_a_candidate_is_a_correction_with_the_analyst_and_leaves_the_queue(library):
    store, svc, aid = library
    _, (item,) = article_queue(store, VERSION, aid)
    c = choose(svc, aid, item, 2, User("Ana", ANALYST))  # 2 = Tom Reed
    assert (c.analyst, c.target, c.action) == ("Ana", "attribution", "set_source")
    eff = svc.effective(aid)
    a = eff.analysis.attributions[0]
    assert (a.source_canonical, a.source_type, a.source_status) == ("Tom Reed", "person", "resolved")
    assert a.source_antecedent_span == span(UNRESOLVED, "Tom Reed")
    assert eff.provenance.attributions[0].analyst == "Ana"
    assert article_queue(store, VERSION, aid)[1] == []
    (h,) = svc.history(aid)
    assert h.id == c.id and "Tom Reed" in h.summary
    # the same undo as Annotate's: the attribution is unresolved again and back in the queue
    svc.undo(c.id, "Ana")
    assert [i.index for i in article_queue(store, VERSION, aid)[1]] == [0]
    assert svc.effective(aid).analysis.attributions[0].source_status == "unresolved"


def test_a_correction_of_another_part_leaves_the_source_in_the_queue(library):
    store, svc, aid = library
    svc.set_kind(aid, 0, "mixed", analyst="Ana")  # the kind, not who said it
    _, (item,) = article_queue(store, VERSION, aid)
    assert item.index == 0 and item.attribution.kind == "mixed"
    # with no list of source decisions, any analyst's change counts as a look at it
    eff = svc.effective(aid)
    assert review_queue(store.get_article(aid), eff.analysis, eff.provenance) == []


def test_accepting_an_unresolved_source_keeps_it_unresolved_and_settled(library):
    store, svc, aid = library
    _, (item,) = article_queue(store, VERSION, aid)
    c = accept(svc, aid, item, "Ana")
    a = svc.effective(aid).analysis.attributions[0]
    assert a.source_status == "unresolved" and a.source_canonical is None
    assert c.analyst == "Ana" and article_queue(store, VERSION, aid)[1] == []


def test_accepting_the_resolvers_choice_records_it(tmp_path):
    from components.store import Store

    store = Store(str(tmp_path / "lib.db"))
    t = RIVALS
    people = {"Anna Berg": ("PERSON", [("Anna Berg", 0)]), "Jane Holt": ("PERSON", [("Jane Holt", 0)])}
    a = att(t, "she", "said", "It was a fine day", status="resolved", canonical="Anna Berg", stype="person",
            antecedent=span(t, "Anna Berg"))
    store.add_articles([article(t)])
    store.put_analysis(analysis(t, people, [a]))
    svc = CorrectionsService(store, VERSION)
    _, (item,) = article_queue(store, VERSION, "a1")
    accept(svc, "a1", item, "Ana")
    got = svc.effective("a1").analysis.attributions[0]
    assert (got.source_canonical, got.source_status, got.source_antecedent_span) == (
        "Anna Berg", "resolved", span(t, "Anna Berg"))
    assert article_queue(store, VERSION, "a1")[1] == []


def test_a_viewer_cannot_decide_and_nothing_is_stored(library):
    store, svc, aid = library
    _, (item,) = article_queue(store, VERSION, aid)
    with pytest.raises(Forbidden, match="viewer"):
        choose(svc, aid, item, 1, User("Vic", VIEWER))
    with pytest.raises(Forbidden):
        accept(svc, aid, item, User("Vic", VIEWER))
    assert svc.history(aid) == []


def test_a_stale_item_or_a_missing_candidate_is_refused(library):
    store, svc, aid = library
    _, (item,) = article_queue(store, VERSION, aid)
    with pytest.raises(BadInput, match="candidate 9"):
        choose(svc, aid, item, 9, "Ana")
    svc.delete_attribution(aid, 0, analyst="Bo")
    with pytest.raises(BadInput, match="changed since"):
        choose(svc, aid, item, 1, "Ana")
    assert len(svc.history(aid)) == 1


# ---- the rules file and the reading view --------------------------------------------------------


def test_a_broken_rules_file_is_named(tmp_path):
    from components.attribution.review import DATA

    bad = tmp_path / "review.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="review.json: cannot be read as JSON"):
        load_rules(bad)
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    raw["far_sentences"]["value"] = "three"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="far_sentences.value"):
        load_rules(bad)
    del raw["flags"]["rival"]
    raw["far_sentences"]["value"] = 3
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="flags.rival.text"):
        load_rules(bad)


def test_the_reading_view_marks_unresolved_and_unsure_sources_apart():
    from components.attribution.review import unsure_reasons
    from components.render import legend_html, passage_html, reading_html

    t = RIVALS + "\n“Nobody asked us,” he said."
    people = {"Anna Berg": ("PERSON", [("Anna Berg", 0)]), "Jane Holt": ("PERSON", [("Jane Holt", 0)])}
    a = att(t, "she", "said", "It was a fine day", status="resolved", canonical="Anna Berg", stype="person",
            antecedent=span(t, "Anna Berg"))
    b = att(t, "he", "said", "Nobody asked us", status="unresolved", cue_nth=1)
    art, an = article(t), analysis(t, people, [a, b])
    unsure = unsure_reasons(review_queue(art, an))
    assert set(unsure) == {0, 1}
    html = reading_html(art, an, unsure=unsure)
    assert html.count("sl-source sl-unsure") == 1 and html.count("sl-source sl-unresolved") == 1
    assert "to review: another person or body that fits this source" in html
    assert "sl-source sl-unsure" not in reading_html(art, an)  # without the queue, only unresolved is marked
    assert "unsure source" in legend_html(["PERSON"])
    item = review_queue(art, an)[0]
    passage = passage_html(art, an, item.index, candidates=[c.mention for c in item.candidates])
    assert passage.count('class="sl-cand"') == 2 and 'data-att="1"' not in passage
    assert "Anna Berg" in passage and "sl-focus" in passage


# ---- with the real pipeline --------------------------------------------------------------------

#: Invented: nobody before the quote is a man, so honest abstention leaves "he" open.
REAL = (
    "Bridge vote delayed\n\n"
    "Maria Lopez, the mayor of Eastport, opened the meeting on Monday.\n\n"
    "“The plan is dead and everyone here knows it,” he said after the vote.\n\n"
    "Tom Reed, the opposition leader, said the council would try again in June."
)


@pytest.mark.slow
def test_an_analysed_article_queues_its_unresolved_he(nlp):
    from components.analysis import analyze
    from components.articles import parse_article

    art = parse_article(REAL, origin="test")
    an = analyze(art, nlp)
    items = review_queue(art, an)
    he = [i for i in items if i.phrase == "he"]
    assert he, [(a.source.text(art.text) if a.source else None, a.source_status) for a in an.attributions]
    assert "unresolved" in he[0].flags
    assert "Maria Lopez" not in [c.name for c in he[0].candidates]
    assert any(c.name == "Tom Reed" for c in he[0].candidates)
