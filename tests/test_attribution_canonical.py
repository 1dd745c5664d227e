"""Canonical source names and types (``attribution/canonical.py``): coordinated sources joined,
entity groups giving the name, unnamed sources one name whatever the sentence start. Loads spaCy:
slow."""
from __future__ import annotations

import pytest

from components.attribution import extract_attributions

pytestmark = pytest.mark.slow


def _run(nlp, text):
    return extract_attributions(nlp(text))


def test_coordinated_source_is_one_attribution_with_joined_names(nlp):
    text = "Both Pyongyang and Moscow have denied the reports of arms sales."
    (attr,) = _run(nlp, text)
    assert attr.source_canonical == "Pyongyang; Moscow"


def test_groups_give_canonical_names(nlp):
    from components.records import EntityGroup, Span

    text = "The envoy arrived. Peskov said the talks went well."
    group = EntityGroup("g1", "Dmitry Peskov", "PERSON", (Span(19, 25),))
    (attr,) = extract_attributions(nlp(text), [group])
    assert (attr.source_canonical, attr.source_type) == ("Dmitry Peskov", "person")


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("Officials said the talks would resume on Monday.", "officials"),  # a sentence start's capital
        ("The talks will resume, officials said.", "officials"),  # ... is the same source
        ("US officials said the deal was off.", "US officials"),  # a proper noun keeps its case
        ("Sources familiar with the matter said the deal was off.", "sources familiar with the matter"),
    ],
)
def test_unnamed_sources_are_one_name_whatever_the_sentence_start(nlp, text, canonical):
    (attr,) = _run(nlp, text)
    assert attr.source_canonical == canonical and attr.source_type == "unnamed"


def test_cli_and_analysis_name_sources_the_same_way(nlp):
    """``extract_attributions`` without groups makes the entity groups itself, so the
    ``attribute`` command line and the app's analysis give the same names."""
    from components.analysis import analyze_doc

    text = ("The US and Ostmark signed the treaty. Presidential spokesman Dmitry Peskov met the "
            "press. Peskov said the US would keep it.")
    doc = nlp(text)
    cli = [(a.source.text(text), a.source_canonical) for a in extract_attributions(doc) if a.source]
    app = [(a.source.text(text), a.source_canonical)
           for a in analyze_doc("a", doc, "v").attributions if a.source]
    assert cli == app and ("Peskov", "Dmitry Peskov") in cli, cli


@pytest.mark.parametrize("labels, name, expected", [
    # a person's full name tagged PERSON once, the surname ORG/GPE elsewhere: a person
    (("PERSON", "ORG", "ORG"), "Ed Rendall", "PERSON"),
    (("GPE", "PERSON", "GPE"), "Ava Dorne", "PERSON"),
    # only a shorter form tagged PERSON: the group's label stands
    (("ORG", "ORG"), "Brightmill Holdings", "ORG"),
])
def test_a_group_whose_full_name_is_a_person_is_a_person(labels, name, expected):
    from components.attribution.canonical import NameBook
    from components.records import EntityGroup, Span

    spans = [Span(10 * i, 10 * i + 8) for i in range(len(labels))]
    persons = [(s.start, s.end, len(name.split())) for s, lab in zip(spans, labels, strict=True)
               if lab == "PERSON"]
    group = EntityGroup("g", name, "ORG" if labels.count("PERSON") < len(labels) else "PERSON",
                        tuple(spans))
    assert NameBook._group_label(group, persons) == expected

