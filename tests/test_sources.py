"""Source breakdowns on hand-built attributions over real sentences (no extractor needed)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from components import sources as S
from components.errors import BadInput
from components.records import Article, Attribution, Span

# Sentences from the seed article (trimmed), each attribution built by hand below.
TEXT = (
    "US officials have been saying since last year that North Korea has been supplying Russia "
    "with artillery shells, the NYT reported. "
    "Both Pyongyang and Moscow have denied the possibility. "
    "Presidential spokesman Dmitry Peskov said that \u201csuch contacts are not planned.\u201d "
    "Peskov only said that the negotiations would take place. "
    "It is expected that talks will go on."
)


def span(text: str, sub: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(start, start + len(sub))


def att(text, source, canonical, stype, cue, content, kind, nested_in=None, nth=0):
    return Attribution(
        source=span(text, source, nth) if source else None,
        source_canonical=canonical,
        source_type=stype,
        cue=span(text, cue, nth),
        content=tuple(span(text, c) for c in ([content] if isinstance(content, str) else content)),
        kind=kind,
        nested_in=nested_in,
    )


NYT_CONTENT = ("US officials have been saying since last year that North Korea has been "
               "supplying Russia with artillery shells")
INNER = "North Korea has been supplying Russia with artillery shells"


@pytest.fixture
def attributions() -> list[Attribution]:
    return [
        att(TEXT, "the NYT", "The New York Times", "media", "reported", NYT_CONTENT, "indirect"),
        att(TEXT, "US officials", "US officials", "unnamed", "have been saying", INNER,
            "indirect", nested_in=0),
        att(TEXT, "Pyongyang and Moscow", "Pyongyang; Moscow", "official", "have denied",
            "the possibility", "indirect"),
        att(TEXT, "Presidential spokesman Dmitry Peskov", "Dmitry Peskov", "person", "said",
            "\u201csuch contacts are not planned.\u201d", "direct"),
        Attribution(
            source=span(TEXT, "Peskov", 1), source_canonical="Dmitry Peskov",
            source_type="person", cue=span(TEXT, "said", 1),
            content=(span(TEXT, "the negotiations would take place"),), kind="indirect",
        ),
        att(TEXT, None, None, None, "It is expected", "talks will go on", "indirect"),
    ]


# --------------------------------------------------------------------------- article_breakdown


def test_breakdown_columns_rows_and_order(attributions):
    df = S.article_breakdown(TEXT, attributions)
    assert list(df.columns) == list(S.BREAKDOWN_COLUMNS)
    # Peskov (2) first; then by first appearance; the no-source row last.
    assert df["source"].tolist() == [
        "Dmitry Peskov", "The New York Times", "US officials", "Pyongyang", "Moscow",
        S.NO_SOURCE,
    ]
    peskov = df.iloc[0].to_dict()
    assert peskov == {
        "source": "Dmitry Peskov", "type": "person", "attributions": 2, "direct": 1,
        "indirect": 1, "mixed": 0, "words": 5 + 5, "cues": ["said"], "nested_in": None,
    }


def test_breakdown_nested_source_names_its_container(attributions):
    df = S.article_breakdown(TEXT, attributions).set_index("source")
    assert df.loc["US officials", "nested_in"] == "The New York Times"
    assert df.loc["The New York Times", "nested_in"] is None
    # Nested words count for both: the NYT reported them, the officials said them.
    assert df.loc["The New York Times", "words"] == 18
    assert df.loc["US officials", "words"] == 9


def test_breakdown_tree_lists_nested_claims_under_their_reporter(attributions):
    tree = S.breakdown_tree(TEXT, attributions)
    assert tuple(tree.columns) == S.BREAKDOWN_TREE_COLUMNS
    rows = list(zip(tree["source"], tree["level"], tree["reported_by"], tree["attributions"], strict=True))
    nyt = next(i for i, r in enumerate(rows) if r[0] == "The New York Times")
    assert rows[nyt][1:] == (0, None, 1)
    assert rows[nyt + 1] == ("US officials", 1, "The New York Times", 1)
    assert ("US officials", 0, "The New York Times (1 of 1)", 1) in rows
    # level-0 rows are exactly the breakdown, in its order
    top = tree[tree["level"] == 0]
    flat = S.article_breakdown(TEXT, attributions)
    assert list(top["source"]) == list(flat["source"]) and list(top["words"]) == list(flat["words"])
    assert S.breakdown_tree(TEXT, []).empty


def test_breakdown_coordinated_source_gets_one_row_per_name(attributions):
    df = S.article_breakdown(TEXT, attributions).set_index("source")
    for name in ("Pyongyang", "Moscow"):
        assert df.loc[name, "attributions"] == 1
        assert df.loc[name, "type"] == "official"
        assert df.loc[name, "cues"] == ["have denied"]
        assert df.loc[name, "words"] == 2
    assert "Pyongyang; Moscow" not in df.index


def test_breakdown_no_source_row_is_unnamed_and_last(attributions):
    df = S.article_breakdown(TEXT, attributions)
    last = df.iloc[-1]
    assert last["source"] == S.NO_SOURCE and last["type"] == "unnamed"
    assert last["cues"] == ["it is expected"] and last["words"] == 4


def test_breakdown_sorts_by_count_then_first_appearance():
    text = "Reuters said prices rose. Lee said rents fell. Lee told us wages fell."
    atts = [
        att(text, "Reuters", "Reuters", "media", "said", "prices rose", "indirect"),
        att(text, "Lee", "Jane Lee", "person", "said", "rents fell", "indirect", nth=0),
        Attribution(span(text, "Lee", 1), "Jane Lee", "person", span(text, "told"),
                    (span(text, "wages fell"),), "indirect"),
    ]
    # Given out of reading order, the result is the same.
    for given in (atts, atts[::-1]):
        df = S.article_breakdown(text, given)
        assert df["source"].tolist() == ["Jane Lee", "Reuters"]
        assert df.iloc[0]["cues"] == ["said", "told"]


def test_breakdown_cues_lowercased_distinct_first_seen():
    text = "Said Kim: fine. Kim SAID it was fine. Kim warned it would rain. Kim said so."
    atts = [
        Attribution(span(text, "Kim"), "Kim", "person", span(text, "Said"),
                    (span(text, "fine", 0),), "indirect"),
        Attribution(span(text, "Kim", 1), "Kim", "person", span(text, "SAID"),
                    (span(text, "it was fine"),), "indirect"),
        Attribution(span(text, "Kim", 2), "Kim", "person", span(text, "warned"),
                    (span(text, "it would rain"),), "indirect"),
        Attribution(span(text, "Kim", 3), "Kim", "person", span(text, "said"),
                    (span(text, "so"),), "indirect"),
    ]
    assert S.article_breakdown(text, atts).iloc[0]["cues"] == ["said", "warned"]


def test_breakdown_type_is_majority_and_name_falls_back_to_span():
    text = "The ministry said yes. The ministry said no. The ministry said maybe."
    atts = [
        Attribution(span(text, "The ministry", i), None, t, span(text, "said", i),
                    (span(text, w),), "indirect")
        for i, (t, w) in enumerate([("official", "yes"), ("unnamed", "no"),
                                    ("official", "maybe")])
    ]
    df = S.article_breakdown(text, atts)
    assert df["source"].tolist() == ["The ministry"]
    assert df.iloc[0]["type"] == "official"


def test_broken_quote_counts_both_pieces():
    text = "\u201cWe will,\u201d he said, \u201cgo on fighting.\u201d"
    a = Attribution(span(text, "he"), "Volodymyr Zelensky", "person", span(text, "said"),
                    (span(text, "\u201cWe will,\u201d"), span(text, "\u201cgo on fighting.\u201d")),
                    "direct")
    df = S.article_breakdown(text, [a])
    assert df.iloc[0]["words"] == 5
    listing = S.attributions_of(text, [a], "Volodymyr Zelensky")
    assert listing.iloc[0]["content"] == "\u201cWe will,\u201d … \u201cgo on fighting.\u201d"


def test_breakdown_empty_input_keeps_columns():
    df = S.article_breakdown("Nothing was said here.", [])
    assert df.empty and list(df.columns) == list(S.BREAKDOWN_COLUMNS)
    assert S.breakdown_rows(df) == []


def test_breakdown_rows_are_json_ready(attributions):
    rows = S.breakdown_rows(S.article_breakdown(TEXT, attributions))
    back = json.loads(json.dumps(rows))
    assert back == rows
    assert list(rows[0]) == list(S.BREAKDOWN_COLUMNS)
    assert type(rows[0]["attributions"]) is int and type(rows[0]["words"]) is int
    assert rows[2] == {
        "source": "US officials", "type": "unnamed", "attributions": 1, "direct": 0,
        "indirect": 1, "mixed": 0, "words": 9, "cues": ["have been saying"],
        "nested_in": "The New York Times",
    }


@pytest.mark.parametrize(
    "bad, message",
    [
        (Attribution(None, "X", "person", Span(0, 4), (Span(5, 999),), "direct"), "past the end"),
        (Attribution(None, "X", "person", Span(0, 4), (), "direct"), "no content"),
        (Attribution(None, "X", "person", Span(0, 4), (Span(5, 9),), "quoted"), "kind"),
        (Attribution(None, "X", "boss", Span(0, 4), (Span(5, 9),), "direct"), "source type"),
        (Attribution(None, "X", "person", Span(0, 4), (Span(5, 9),), "direct", nested_in=7),
         "nested_in"),
        (Attribution(None, "X", "person", Span(0, 4), (Span(5, 9),), "direct", nested_in=0),
         "nested_in"),
    ],
)
def test_bad_attributions_raise_bad_input(bad, message):
    with pytest.raises(BadInput, match=message):
        S.article_breakdown("Kim said it was fine.", [bad])


def test_nesting_cycle_is_refused():
    text = "A said B said it."
    a = Attribution(None, "A", "person", Span(2, 6), (Span(7, 16),), "indirect", nested_in=1)
    b = Attribution(None, "B", "person", Span(9, 13), (Span(14, 16),), "indirect", nested_in=0)
    with pytest.raises(BadInput, match="cycle"):
        S.sourcing_profile(text, [a, b])


def test_seed_us_officials_nested_under_nyt(seed_text):
    """The issue's own example, on the real seed article."""
    outer = ("US officials have been saying since last year that North Korea has been supplying "
             "Russia with artillery shells and missiles, but not in very large quantities")
    inner = ("North Korea has been supplying Russia with artillery shells and missiles, but not "
             "in very large quantities")
    atts = [
        att(seed_text, "the NYT", "The New York Times", "media", "reported", outer, "indirect"),
        Attribution(span(seed_text, "US officials", 1), "US officials", "unnamed",
                    span(seed_text, "have been saying"), (span(seed_text, inner),),
                    "indirect", nested_in=0),
        Attribution(span(seed_text, "Putin pledged"), "Vladimir Putin", "person",
                    span(seed_text, "pledged"),
                    (span(seed_text, "to expand bilateral ties with North Korea"),), "indirect"),
    ]
    rows = {r["source"]: r for r in S.breakdown_rows(S.article_breakdown(seed_text, atts))}
    assert rows["US officials"]["nested_in"] == "The New York Times"
    assert rows["The New York Times"]["words"] == 9 + 17
    assert rows["US officials"]["words"] == 17
    assert rows["Vladimir Putin"]["cues"] == ["pledged"]


# --------------------------------------------------------------------------- sourcing profile


def test_profile_numbers_hand_computed(attributions):
    p = S.sourcing_profile(TEXT, attributions)
    # words: NYT 18 (containing the officials' 9), denial 2, Peskov 5 + 5, no source 4.
    assert p.words == 18 + 2 + 5 + 5 + 4
    assert p.claims == 6
    assert p.sources == 5  # NYT, US officials, Pyongyang, Moscow, Dmitry Peskov
    assert p.unsourced_claims == 1
    assert p.unnamed_words == 9 + 4
    assert p.media_words == 18
    assert p.official_words == 2
    assert p.person_words == 10
    # single-source: NYT, US officials (one line of reporting), Peskov x2; not the coordinated
    # denial, not the no-source claim.
    assert p.single_source_claims == 4
    assert p.nested_claims == 1
    assert p.unnamed_share == pytest.approx(13 / 34)
    assert p.summary() == (
        "6 claims from 5 sources (1 with no source) · 38% of attributed words from unnamed "
        "sources · 53% via media reports · 6% from officials · 29% from named persons · "
        "4 single-source claims · 1 second-hand (nested)"
    )


def test_profile_overlapping_claims_from_two_sources_are_corroborated():
    text = "Talks will begin on Monday, Peskov said, as the Kremlin confirmed."
    claim = span(text, "Talks will begin on Monday")
    atts = [
        Attribution(span(text, "Peskov"), "Dmitry Peskov", "person", span(text, "said"),
                    (claim,), "indirect"),
        Attribution(span(text, "the Kremlin"), "The Kremlin", "official",
                    span(text, "confirmed"), (claim,), "indirect"),
    ]
    p = S.sourcing_profile(text, atts)
    assert p.single_source_claims == 0
    assert p.words == 5  # the shared words are counted once
    assert p.person_words == 5 and p.official_words == 5
    # The same source saying it twice is not corroboration.
    same = [atts[0], Attribution(span(text, "the Kremlin"), "Dmitry Peskov", "person",
                                 span(text, "confirmed"), (claim,), "indirect")]
    assert S.sourcing_profile(text, same).single_source_claims == 2


def test_profile_empty():
    p = S.sourcing_profile("No one said anything.", [])
    assert (p.claims, p.words, p.single_source_claims, p.unnamed_share) == (0, 0, 0, 0.0)
    assert p.summary() == "No attributed claims found."


def test_profile_summary_singular():
    text = "Kim said hello."
    a = Attribution(span(text, "Kim"), "Kim Jong Un", "person", span(text, "said"),
                    (span(text, "hello"),), "indirect")
    assert S.sourcing_profile(text, [a]).summary() == (
        "1 claim from 1 source · 0% of attributed words from unnamed sources · 0% via media "
        "reports · 0% from officials · 100% from named persons · 1 single-source claim · "
        "0 second-hand (nested)"
    )


# --------------------------------------------------------------------------- choosing a source


def test_attributions_of_in_reading_order(attributions):
    shuffled = attributions[::-1]  # indices change: nested_in must follow
    shuffled = [
        a if a.nested_in is None else Attribution(a.source, a.source_canonical, a.source_type,
                                                  a.cue, a.content, a.kind, nested_in=5)
        for a in shuffled
    ]
    df = S.attributions_of(TEXT, shuffled, "Dmitry Peskov")
    assert list(df.columns) == list(S.ATTRIBUTION_LIST_COLUMNS)
    assert df["attribution_index"].tolist() == [2, 1]
    assert df["kind"].tolist() == ["direct", "indirect"]
    assert df["cue"].tolist() == ["said", "said"]
    assert df.iloc[0]["source_text"] == "Presidential spokesman Dmitry Peskov"
    assert df.iloc[1]["content"] == "the negotiations would take place"
    assert df["start"].is_monotonic_increasing
    # The extent covers source, cue and content.
    first = TEXT[df.iloc[0]["start"]:df.iloc[0]["end"]]
    assert first.startswith("Presidential") and first.endswith("planned.\u201d")


def test_attributions_of_nested_and_unknown(attributions):
    df = S.attributions_of(TEXT, attributions, "US officials")
    assert df.iloc[0]["nested_in"] == "The New York Times"
    empty = S.attributions_of(TEXT, attributions, "Nobody")
    assert empty.empty and list(empty.columns) == list(S.ATTRIBUTION_LIST_COLUMNS)


def test_attribution_indices_for(attributions):
    assert S.attribution_indices_for(attributions, "Moscow") == [2]
    assert S.attribution_indices_for(attributions, "Pyongyang") == [2]
    assert S.attribution_indices_for(attributions, "Dmitry Peskov") == [3, 4]
    assert S.attribution_indices_for(attributions, S.NO_SOURCE) == [5]
    assert S.attribution_indices_for(attributions, "Pyongyang; Moscow") == []


# --------------------------------------------------------------------------- corpus

TEXT_B = "Peskov said the talks went well. Anonymous sources said a deal was signed."
TEXT_C = "Officials familiar with the matter said Kim had left. Peskov declined to comment."


@pytest.fixture
def corpus(attributions):
    b = [
        att(TEXT_B, "Peskov", "Dmitry Peskov", "person", "said", "the talks went well",
            "indirect"),
        Attribution(span(TEXT_B, "Anonymous sources"), "anonymous sources", "unnamed",
                    span(TEXT_B, "said", 1), (span(TEXT_B, "a deal was signed"),), "indirect"),
    ]
    c = [
        att(TEXT_C, "Officials familiar with the matter", "officials familiar with the matter",
            "unnamed", "said", "Kim had left", "indirect"),
    ]
    return [
        (Article(id="a", text=TEXT, title="Kim in Russia", outlet="bne IntelliNews",
                 date="2023-09-12"), attributions),
        (Article(id="b", text=TEXT_B, title="Talks", outlet="Reuters", date="2023-09-14"), b),
        (Article(id="c", text=TEXT_C, title="Kim leaves", outlet="Reuters", date=""), c),
        (Article(id="d", text="Quiet day.", title="Nothing", outlet="AP", date="2023-10-01"), []),
    ]


def test_corpus_long_frame(corpus):
    long = S.corpus_attributions(corpus)
    assert list(long.columns) == list(S.LONG_COLUMNS)
    # 6 attributions in a (one coordinated: +1 row), 2 in b, 1 in c.
    assert len(long) == 7 + 2 + 1
    assert long["date"].dtype == "datetime64[ns]"
    assert long.loc[long["article_id"] == "c", "date"].isna().all()
    denial = long[long["cue"] == "have denied"]
    assert denial["source"].tolist() == ["Pyongyang", "Moscow"]
    assert denial["attribution_index"].tolist() == [2, 2]
    officials = long[long["source"] == "US officials"].iloc[0]
    assert officials["nested"] == "The New York Times"
    assert TEXT[officials["start"]:officials["end"]].startswith("US officials have been saying")


def test_merge_surnames_only_when_one_full_name_fits():
    sources = [("Donald Trump", "person"), ("Trump", "person"), ("Boris Johnson", "person"),
               ("Lyndon Johnson", "person"), ("Johnson", "person"), ("Reuters", "media"),
               ("Peskov", "person"), ("Moscow", "official"), ("Biden", None), ("Joe Biden", "person")]
    assert S.merge_surnames(sources) == {"Trump": "Donald Trump"}  # Johnson: two fit; Biden: untyped


def test_corpus_frame_names_a_surname_by_the_full_name_cited_elsewhere():
    t1 = "Donald Trump said the wall would be built. Trump added that Mexico would pay."
    t2 = "Trump said the tariffs would stay."
    items = [
        (Article(id="x", text=t1, title="Wall", outlet="AP", date="2019-01-02"),
         [att(t1, "Donald Trump", "Donald Trump", "person", "said", "the wall would be built", "indirect")]),
        (Article(id="y", text=t2, title="Tariffs", outlet="AP", date="2019-01-03"),
         [att(t2, "Trump", "Trump", "person", "said", "the tariffs would stay", "indirect")]),
    ]
    long = S.corpus_attributions(items)
    assert set(long["source"]) == {"Donald Trump"}
    row = S.corpus_breakdown(long).iloc[0]
    assert (row["source"], row["attributions"], row["articles"]) == ("Donald Trump", 2, 2)


def test_corpus_breakdown(corpus):
    df = S.corpus_breakdown(corpus)
    assert list(df.columns) == list(S.CORPUS_COLUMNS)
    assert df.iloc[0]["source"] == "Dmitry Peskov"
    peskov = df.iloc[0]
    assert (peskov["attributions"], peskov["articles"], peskov["direct"]) == (3, 2, 1)
    assert peskov["outlets"] == ["bne IntelliNews", "Reuters"]
    assert peskov["words"] == 10 + 4
    assert df.iloc[-1]["source"] == S.NO_SOURCE
    # Same result from the long frame.
    pd.testing.assert_frame_equal(df, S.corpus_breakdown(S.corpus_attributions(corpus)))
    rows = S.breakdown_rows(df)
    assert json.loads(json.dumps(rows)) == rows
    assert S.corpus_breakdown([]).empty


def test_corpus_attributions_names_the_bad_article():
    bad = Attribution(None, "X", "person", Span(0, 3), (Span(4, 500),), "direct")
    with pytest.raises(BadInput, match="article z:"):
        S.corpus_attributions([(Article(id="z", text="Kim said no."), [bad])])


def test_filter_corpus(corpus):
    long = S.corpus_attributions(corpus)
    unnamed = S.filter_corpus(long, types=["unnamed"])
    assert set(unnamed["type"]) == {"unnamed"}
    assert set(unnamed["source"]) == {"US officials", S.NO_SOURCE, "anonymous sources",
                                      "officials familiar with the matter"}
    reuters = S.filter_corpus(long, outlets=["Reuters"])
    assert set(reuters["article_id"]) == {"b", "c"}
    dated = S.filter_corpus(long, start="2023-09-13")
    assert set(dated["article_id"]) == {"b"}  # c is undated, a is earlier
    assert set(S.filter_corpus(long, end="2023-09-12")["article_id"]) == {"a"}
    assert set(S.filter_corpus(long, start="2023-09-12", end="2023-09-14")["article_id"]) == {
        "a", "b"}
    assert len(S.filter_corpus(long)) == len(long)
    narrowed = S.corpus_breakdown(S.filter_corpus(long, outlets=["Reuters"]))
    assert narrowed.set_index("source").loc["Dmitry Peskov", "attributions"] == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"types": ["anonymous"]}, "source type 'anonymous'"),
        ({"start": "last week"}, "start date 'last week' is not a date"),
        ({"start": "2023-10-01", "end": "2023-09-01"}, "after end date"),
    ],
)
def test_filter_corpus_bad_input(corpus, kwargs, message):
    with pytest.raises(BadInput, match=message):
        S.filter_corpus(S.corpus_attributions(corpus), **kwargs)


def test_source_articles(corpus):
    long = S.corpus_attributions(corpus)
    df = S.source_articles(long, "Dmitry Peskov")
    assert df["article_id"].tolist() == ["b", "a"]  # newest first
    assert df.iloc[1]["attributions"] == 2 and df.iloc[1]["direct"] == 1
    assert TEXT_B[df.iloc[0]["first_start"]:].startswith("Peskov said")
    assert S.source_articles(long, "Nobody").empty


def test_outlet_unnamed_share(corpus):
    df = S.outlet_unnamed_share(S.corpus_attributions(corpus))
    assert list(df.columns) == ["outlet", "articles", "attributions", "unnamed", "share"]
    rows = {r.outlet: r for r in df.itertuples()}
    # Reuters: 3 attributions, 2 unnamed; bne: 6 attributions (the coordinated one once), 2.
    assert (rows["Reuters"].attributions, rows["Reuters"].unnamed) == (3, 2)
    assert rows["Reuters"].share == pytest.approx(2 / 3)
    assert (rows["bne IntelliNews"].attributions, rows["bne IntelliNews"].unnamed) == (6, 2)
    assert df["outlet"].tolist() == ["Reuters", "bne IntelliNews"]
    assert "AP" not in rows  # no attributions at all


def test_source_timeline(corpus):
    long = S.corpus_attributions(corpus)
    daily = S.source_timeline(long, "Dmitry Peskov")
    assert daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-09-12", "2023-09-14"]
    assert daily["attributions"].tolist() == [2, 1]
    assert daily["articles"].tolist() == [1, 1]
    monthly = S.source_timeline(long, "Dmitry Peskov", freq="M")
    assert monthly["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-09-01"]
    assert monthly["attributions"].tolist() == [3]
    # c is undated: the only citation of these officials has no place on a timeline.
    assert S.source_timeline(long, "officials familiar with the matter").empty
    with pytest.raises(BadInput, match="timeline period"):
        S.source_timeline(long, "Dmitry Peskov", freq="fortnight")


def test_what_has_source_said_links_to_the_passage(corpus):
    texts = {a.id: a.text for a, _ in corpus}
    df = S.what_has_source_said(S.corpus_attributions(corpus), "Dmitry Peskov")
    assert df["article_id"].tolist() == ["a", "a", "b"]  # oldest first, reading order
    assert df["kind"].tolist() == ["direct", "indirect", "indirect"]
    for row in df.itertuples():
        passage = texts[row.article_id][row.start:row.end]
        assert row.cue in passage
        assert row.content.split(" … ")[0] in passage
    assert S.what_has_source_said(S.corpus_attributions(corpus), "Nobody").empty
