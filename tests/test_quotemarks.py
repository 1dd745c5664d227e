"""One quotation-pairing algorithm (components.quotemarks) for both callers: the article loader's
unbalanced-quote warnings (components.articles.quotation_warnings) and attribution's quotation
spans (components.attribution.quotes.find_quotes). Each invented sentence is checked against
both, and the two must agree: no warning exactly when every double quotation mark lies in a
quotation attribution found."""
from __future__ import annotations

import pytest

from components.articles import parse_article, quotation_warnings
from components.attribution.quotes import find_quotes, paragraphs
from components.quotemarks import QUOTE_CHAR
from components.records import Span

UNCLOSED = "paragraph 1 opens a quotation that never closes"
UNCLOSED_STRAIGHT = 'paragraph 1 opens a quotation (") that never closes'
STRAY = "paragraph 1 closes a quotation that was never opened"

CASES = [
    # (text: one paragraph a line, quotations found, warnings)
    ('The mayor said "we will rebuild the bridge" on Monday.',
     ['"we will rebuild the bridge"'], []),
    ("The mayor said “we will rebuild the bridge” on Monday.",
     ["“we will rebuild the bridge”"], []),
    ("Critics called the plan ‘a fantasy’ on Monday.", ["‘a fantasy’"], []),
    ("Critics called the plan 'a fantasy' on Monday.", [], []),  # straight singles: not paired
    ("Der Bürgermeister sagte „wir bauen die Brücke wieder auf“ am Montag.",
     ["„wir bauen die Brücke wieder auf“"], []),
    ("A polgármester azt mondta: „újjáépítjük a hidat” hétfőn.", ["„újjáépítjük a hidat”"], []),
    ("Le maire a déclaré « nous reconstruirons le pont » lundi.",
     ["« nous reconstruirons le pont »"], []),
    ("The mayor said “we will rebuild the bridge on Monday.", [], [UNCLOSED]),
    ('The mayor said "we will rebuild the bridge on Monday.', [], [UNCLOSED_STRAIGHT]),
    ("Er sagte „wir bauen die Brücke wieder auf.", [], [UNCLOSED]),
    ("The bridge will reopen” in May, officials said.", [], [STRAY]),
    ("She said “the engineer called it “sound” twice” yesterday.",
     ["“the engineer called it “sound” twice”"], []),
    ('She said “the engineer called it "sound" twice” yesterday.',
     ['“the engineer called it "sound" twice”'], []),
    ("Sie sagte „der Ingenieur nannte sie ‚solide‘ zweimal“ gestern.",
     ["„der Ingenieur nannte sie ‚solide‘ zweimal“"], []),
    ("The mayor doesn't expect a repeat of the '90s floods.", [], []),
    ("The mayor doesn’t expect a repeat of the ’90s floods.", [], []),
    ("The ferry crews’ union said it won’t strike.", [], []),
    ("“The bridge is safe.\n“We checked it twice,” she said.",
     ["“The bridge is safe.\n“We checked it twice,”"], []),
    ("„Die Brücke ist sicher.\n„Wir haben sie zweimal geprüft“, sagte sie.",
     ["„Die Brücke ist sicher.\n„Wir haben sie zweimal geprüft“"], []),
    ("The clerk wrote ''closed for repairs'' on the sign.", ["''closed for repairs''"], []),
    ('"The bridge is safe,” she said.', ['"The bridge is safe,”'], []),  # mixed styles
    ('"The bridge is safe.\nWe checked it twice," she said.', [],
     [UNCLOSED_STRAIGHT, "paragraph 2 closes a quotation that was never opened"]),
]


def _spans(text: str) -> list[Span]:
    return [Span(s, e) for s, e in paragraphs(text)]


@pytest.mark.parametrize("text, quoted, warnings", CASES)
def test_both_callers_pair_quotes_alike(text, quoted, warnings):
    found = find_quotes(text)
    warned = quotation_warnings(text, _spans(text))
    assert [text[s:e] for s, e in found] == quoted
    assert warned == warnings
    marks = [m.start() for m in QUOTE_CHAR.finditer(text)]
    all_paired = all(any(s <= pos < e for s, e in found) for pos in marks)
    assert (warned == []) == all_paired


def test_an_article_with_german_quotes_loads_without_a_warning():
    text = ("Brücke wird repariert\n\nDie Bürgermeisterin sagte „wir bauen die Brücke bis Mai "
            "wieder auf“ und lud alle ein.\n\n„Es wird schnell gehen“, sagte sie.")
    article = parse_article(text, origin="brücke.txt")
    assert article.warnings == ()
    spans = [(p.start, p.end) for p in article.paragraphs]
    assert [text[s:e] for s, e in find_quotes(text, spans)] == [
        "„wir bauen die Brücke bis Mai wieder auf“", "„Es wird schnell gehen“"
    ]
