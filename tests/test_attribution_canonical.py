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
