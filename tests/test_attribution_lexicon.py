"""The attribution lexicons (``attribution/lexicon.py``, data in ``attribution/data/``): they load
typed, and a bad data file is refused with its name and line. Fast (no spaCy)."""
from __future__ import annotations

import json

import pytest

from components.attribution import RULES_VERSION
from components.attribution.lexicon import _load_gender, _load_outlets, load_lexicon


def test_gender_file_refuses_a_word_listed_both_ways(tmp_path):
    sections = {k: {"female": ["x"], "male": ["y"]}
                for k in ("honorifics", "role_nouns", "first_names", "pronouns")}
    sections["first_names"]["male"].append("X")
    bad = tmp_path / "gender.json"
    bad.write_text(json.dumps(sections), encoding="utf-8")
    with pytest.raises(ValueError, match="both female and male"):
        _load_gender(bad)


def test_lexicon_loads_and_is_typed():
    lex = load_lexicon()
    assert "say" in lex.verbs and "according" == lex.phrases[0][0]
    assert lex.outlet_by_alias["nyt"][0].name == "The New York Times"
    assert lex.gender.honorifics["mrs"] == "female" and lex.gender.pronouns["his"] == "male"
    assert RULES_VERSION


def test_bad_outlet_file_is_refused(tmp_path):
    bad = tmp_path / "outlets.jsonl"
    bad.write_text('{"name": "X", "aliases": "not a list"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="outlets.jsonl:1"):
        _load_outlets(bad)
