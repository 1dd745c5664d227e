"""One article cannot take the server down: rendering is linear in the text, the work per article
is bounded (and the article says when it was analysed in part), nesting never forms a cycle."""

from __future__ import annotations

import random
import re
import tracemalloc

import pytest

from components.attribution.extract import Cand, _nesting
from components.limits import MAX_ANALYSED_CHARS, MAX_NESTING_DEPTH, analysed_part, notices
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.render import _depths, reading_html

NESTED_5000 = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(5000))


def nested_quotes(n: int) -> tuple[Article, Analysis]:
    """The issue's article of ``n`` unclosed nested quotes, with the analysis that makes every
    quote's content run to the end of the text, each nested in the one before (the worst case)."""
    text = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(n))
    body = Span(6, len(text))
    atts = []
    pos = 6
    for i in range(n):
        src = Span(pos + 1, pos + 10)  # "Officials"
        cue = Span(pos + 11, pos + 15)  # "said"
        atts.append(Attribution(src, "Officials", "official", cue, (Span(pos + 16, len(text)),), "direct",
                                i - 1 if i else None))
        pos += len(f"“Officials said {i} ")
    article = Article(id="n", text=text, paragraphs=(Span(0, 4), body))
    return article, Analysis("n", "t", attributions=tuple(atts))


def test_five_thousand_nested_quotes_render_in_linear_html():
    article, analysis = nested_quotes(5000)
    assert len(article.text) == len(NESTED_5000)
    tracemalloc.start()
    html = reading_html(article, analysis, with_style=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the old renderer reopened every enclosing quote at every boundary: 287 MB of page data
    assert len(html) < 60 * len(article.text)
    assert peak < 200 * 1024 * 1024
    # every quote is still marked and the innermost one wins its characters
    assert 'data-att="4999"' in html and 'data-att="0"' in html
    assert html.count('class="sl-att sl-content') <= 2 * 5000


def test_html_grows_linearly_with_nesting():
    small = len(reading_html(*nested_quotes(500), with_style=False))
    large = len(reading_html(*nested_quotes(2000), with_style=False))
    assert large < 5 * small  # 4x the text, about 4x the HTML (quadratic would be 16x)


def test_many_entities_render():
    words = ["Ann", "met", "Bob", "in", "Rome."] * 7536
    text = " ".join(words)
    ents, pos = [], 0
    for w in words:
        if w in ("Ann", "Bob", "Rome."):
            ents.append(Entity(pos, pos + len(w.rstrip(".")), "GPE" if w == "Rome." else "PERSON", w[:3]))
        pos += len(w) + 1
    assert len(ents) >= 22_000
    groups = tuple(EntityGroup(g, g, "PERSON", ()) for g in ("Ann", "Bob", "Rom"))
    article = Article(id="e", text=text, paragraphs=(Span(0, len(text)),))
    html = reading_html(article, Analysis("e", "t", entities=tuple(ents), groups=groups), with_style=False)
    assert html.count("<mark ") == len(ents)


def test_focus_wins_over_an_inner_quote():
    article, analysis = nested_quotes(3)
    plain = reading_html(article, analysis, with_style=False)
    html = reading_html(article, analysis, focus=0, with_style=False)
    assert re.search(r'sl-content[^"]*" data-att="1"', plain)  # inner quotes win their text...
    assert 'sl-focus" data-att="0"' in html  # ...but a spotlighted outer one covers them
    assert not re.search(r'sl-content[^"]*" data-att="1"', html)


def cand(cover: tuple[int, int], cue: tuple[int, int]) -> Cand:
    return Cand(cue=cue, cue_tok=0, src=None, src_tok=-1, content=[cover], origin="verb")


def chains_end(parents: list[int | None]) -> bool:
    for i in range(len(parents)):
        seen, p = set(), i
        while p is not None:
            if p in seen:
                return False
            seen.add(p)
            p = parents[p]
    return True


def test_same_covering_is_not_a_cycle():
    # two cues inside one shared content: each one's content covered the other's
    a, b = cand((0, 50), (10, 14)), cand((0, 50), (20, 24))
    parents = _nesting([a, b])
    assert chains_end(parents) and parents == [None, 0]


def test_random_intervals_never_cycle():
    rng = random.Random(7)
    for _ in range(300):
        cands = []
        for _ in range(rng.randint(2, 12)):
            s = rng.randint(0, 40)
            e = s + rng.randint(1, 30)
            c = rng.randint(0, 70)
            cands.append(cand((s, e), (c, c + 3)))
        assert chains_end(_nesting(cands))


def test_stored_cycle_does_not_hang_render():
    article, analysis = nested_quotes(3)
    atts = list(analysis.attributions)
    atts[0] = Attribution(atts[0].source, "x", "person", atts[0].cue, atts[0].content, "direct", 2)
    assert len(_depths(atts)) == 3
    assert "sl-content" in reading_html(article, Analysis("n", "t", attributions=tuple(atts)))


WORDS = ["minister", "said", "the", "that", "told", "reporters", "officials", "“", "”", "he", "she",
         "added", "according", "to", "claimed", "warned", "would", "not", "a", "spokesman", "denied",
         ",", ".", "and", "president", "says", "\n\n"]


@pytest.mark.slow
def test_random_minister_said_articles_never_nest_in_a_cycle(nlp):
    from components.attribution import extract_attributions

    for seed in range(40):
        rng = random.Random(seed)
        text = " ".join(rng.choice(WORDS) for _ in range(110))  # about 700 bytes, as reported
        atts = extract_attributions(nlp(text))
        parents = [a.nested_in for a in atts]
        assert all(p is None or 0 <= p < len(atts) for p in parents)
        assert chains_end(parents), text


def test_analysed_part_cuts_at_a_line_break():
    text = ("word " * 1000 + "\n") * 40
    part = analysed_part(text)
    assert len(part) <= MAX_ANALYSED_CHARS < len(text) and text.startswith(part) and part.endswith("word ")


@pytest.mark.slow
def test_deeply_nested_article_is_analysed_in_part_and_says_so(nlp):
    from components.analysis import analyze

    text = "Open\n\n" + " ".join(f"“Officials said {i}" for i in range(1500))
    analysis = analyze(Article(id="d", text=text, paragraphs=(Span(6, len(text)),)), nlp)
    said = notices(analysis.extra)
    assert said and any("cut" in n or "dropped" in n or "kept" in n for n in said)
    depth = _depths(analysis.attributions)
    assert max(depth) <= MAX_NESTING_DEPTH
    assert chains_end([a.nested_in for a in analysis.attributions])
    html = reading_html(Article(id="d", text=text, paragraphs=(Span(6, len(text)),)), analysis)
    assert len(html) < 60 * len(text)


def test_reading_view_says_when_an_article_was_analysed_in_part():
    article, analysis = nested_quotes(2)
    partial = Analysis("n", "t", attributions=analysis.attributions,
                       extra={"limits": ["Only the first 1,000 of 4,999 attributions were kept."]})
    html = reading_html(article, partial)
    assert 'class="sl-warn sl-limit">Analysed in part: Only the first 1,000 of 4,999' in html
    assert "sl-limit" not in reading_html(article, analysis)


def _cyclic_library(tmp_path):
    from components.store import Store

    text = "The minister said that officials said the plan works. Nothing else."
    art = Article(id="cyc1", text=text, title="Cycle", paragraphs=(Span(0, len(text)),))
    a0 = Attribution(Span(0, 12), "the minister", "official", Span(13, 17), (Span(18, 53),), "indirect", 1)
    a1 = Attribution(Span(23, 32), "officials", "official", Span(33, 37), (Span(18, 53),), "indirect", 0)
    bad_text = "Kim said no."
    bad = Article(id="bad1", text=bad_text, title="Broken spans", paragraphs=(Span(0, len(bad_text)),))
    b0 = Attribution(None, "Kim", "person", Span(0, 3), (Span(4, 500),), "direct")
    store = Store(str(tmp_path / "lib.db"))
    store.add_articles([art, bad])
    return store, art, (a0, a1), bad, (b0,)


def test_stored_cycle_from_an_older_version_is_cut_on_read(tmp_path):
    store, art, atts, _, _ = _cyclic_library(tmp_path)
    store.put_analysis(Analysis(art.id, "old", attributions=atts))
    got = store.get_analysis(art.id, "old")
    assert chains_end([a.nested_in for a in got.attributions])
    assert any("cycle" in n for n in notices(got.extra))
    from components.sources import article_breakdown

    assert not article_breakdown(art.text, got.attributions).empty  # the Read/Present breakdown works


def test_library_views_skip_and_name_an_unusable_article(tmp_path):
    from components.sources import corpus_attributions, corpus_breakdown

    store, art, atts, bad, bad_atts = _cyclic_library(tmp_path)
    store.put_analyses([Analysis(art.id, "v", attributions=atts), Analysis(bad.id, "v", attributions=bad_atts)])
    skipped: list = []
    long = corpus_attributions(((a, an.attributions) for a, an in store.iter_analysed("v")), skipped=skipped)
    assert [(a.id, "runs past the end" in why) for a, why in skipped] == [("bad1", True)]
    assert set(long["article_id"]) == {"cyc1"} and not corpus_breakdown(long).empty


@pytest.mark.slow
def test_sources_corpus_cli_skips_and_names_the_bad_article(tmp_path, nlp):
    import os
    import subprocess
    import sys

    from components.analysis import pipeline_version

    store, art, atts, bad, bad_atts = _cyclic_library(tmp_path)
    v = pipeline_version(nlp)
    store.put_analyses([Analysis(art.id, v, attributions=atts), Analysis(bad.id, v, attributions=bad_atts)])
    env = dict(os.environ, SOURCELIGHT_DB=str(tmp_path / "lib.db"), HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-m", "components", "sources", "--corpus", "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "skipped article bad1 (Broken spans)" in out.stderr and "Traceback" not in out.stderr
    assert {r["source"] for r in __import__("json").loads(out.stdout)} >= {"the minister", "officials"}
