"""Similar articles and similar claims: the reading view's "Similar" panel and the Search page's rows.

Layout only over the shared similarity engine (``state.get_similarity()``) and its public calls
(``similar``, ``search_text``, ``similar_passages``, ``text_of``). Each result says *why* it is
there: names both articles mention (``Match.shared_entities``) and, for articles already analysed,
the sources both cite and who said a passage, from their corrected analyses
(``components.similarity.explain``). Other articles are never analysed
just to draw this panel; the analyst can ask for it with one button. Links are relative
(``./read?article=ID&att=INDEX``: the reading view's page), so they work under a base
path too. Every widget key starts with the ``key`` given to the ``show_...`` function. Layout
only: may import Streamlit, ``components`` and ``dashboard.state`` / ``dashboard.widgets``; what a
result's "why" is (shared sources, a passage's speakers, the passages of an article) is computed in
``components.similarity.explain``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.errors import SourcelightError
from components.records import Analysis, Article
from components.render import attribution_title
from components.similarity.explain import analysed_effective, passage_spans, passage_speakers, shared_sources
from components.textsafe import md, plain
from dashboard import state
from dashboard.widgets import read_link

#: Characters of a paragraph or quote shown in choice labels.
LABEL_CHARS = 70
NONE_IN_COMMON = "none in common"

# --------------------------------------------------------------------------- pure helpers


def _short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _byline(article: Article) -> str:
    return " · ".join(md(b) for b in (article.outlet, article.date) if b)


def _memo(key: str, args: tuple, compute):
    """``compute()``, remembered in the session for the same ``args`` (reruns of the page for other
    widgets do not search again)."""
    held = st.session_state.get(key)
    if held is not None and held[0] == args:
        return held[1]
    value = compute()
    st.session_state[key] = (args, value)
    return value


# --------------------------------------------------------------------------- index prompt
def _index_missing(progress):
    """Add the library's articles the shared engine lacks (stored vectors reused); ``IndexStats``."""
    engine = state.get_similarity()
    store = state.get_store()
    new = [s.id for s in store.list_articles() if s.id not in engine]
    return engine.index_articles(store.get_articles(new), progress=progress)


def show_index_prompt(*, key: str) -> int:
    """Say how many library articles the similarity index lacks and offer to build it.

    The first build embeds every article (tens of seconds for the bundled ~292); later builds reuse
    the vectors stored in the library's database and embed only new texts.

    Returns:
        How many library articles the index still lacks.
    """
    done = st.session_state.pop(f"{key}_built", None)
    if done:
        st.success(done)
    missing = state.similarity_missing()
    if not missing:
        return 0
    status = state.worker_status()
    if status is not None:  # the background worker is indexing: say how far, no button
        pending = status.pending_text("index") or f"Indexing {missing} articles for search: starting"
        st.info(f"{pending}. Results cover the {len(state.get_similarity())} articles indexed so far.",
                icon=":material/pending:")
        return missing
    total = state.get_store().count_articles()
    held = len(state.get_similarity())
    what = (
        "The similarity index is not built yet"
        if not held
        else f"The similarity index lacks {missing} of the library's {total} articles"
    )
    st.info(
        f"{what} ({missing} article{'s' if missing != 1 else ''} to add). Building embeds only texts it has "
        "never seen: the first time the bundled library takes tens of seconds, later starts reuse the "
        "stored vectors."
    )
    if st.button("Build the similarity index", key=f"{key}_build", icon=":material/manufacturing:"):
        bar = st.progress(0.0, text="Indexing…")

        def progress(n: int, of: int) -> None:
            bar.progress(n / of if of else 1.0, text=f"Indexing: {n} of {of} articles")

        try:
            stats = _index_missing(progress)
        except SourcelightError as exc:
            st.error(md(exc))
            return missing
        bar.empty()
        st.session_state[f"{key}_built"] = (
            f"Similarity index ready: {len(state.get_similarity())} articles "
            f"({stats.embedded} embedded now, {stats.from_cache} from stored vectors)."
        )
        st.rerun()
    return missing


# --------------------------------------------------------------------------- other articles' analyses
def _stored_analyses(ids: Sequence[str]) -> dict[str, Analysis]:
    """Corrected analyses of those ``ids`` already analysed (the one read path); none computed."""
    try:
        return analysed_effective(state.get_store(), state.version(), ids)
    except SourcelightError as exc:
        st.error(str(exc))
        return {}


def _offer_analysis(ids: Sequence[str], what: str, *, key: str) -> None:
    """Say that ``ids`` are not analysed yet and offer a button that analyses just them."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    n = len(ids)
    these = "this article is" if n == 1 else f"these {n} articles are"
    st.caption(f"{what} are shown only for articles already analysed, and {these} not yet.")
    status = state.worker_status()
    if status is not None:  # the background worker analyses them; no button
        st.caption(status.pending_text("analysis") or "They are queued for the background analysis.")
        return
    in_flight = state.analysis_in_flight(ids)
    if in_flight:  # being analysed in the pool: say so, fill in when done
        from dashboard import pending

        names = {s.id: s.title or s.id for s in state.get_store().list_articles() if s.id in in_flight}
        pending.show_pending(in_flight, names, key=key)
        return
    for message in list(state.analysis_failures(ids).values())[:5]:
        st.error(md(message), icon=":material/error:")
    label = "Analyse it" if n == 1 else f"Analyse these {n}"
    if st.button(label, key=f"{key}_analyse", icon=":material/search_insights:"):
        bar = st.progress(0.0, text="Analysing…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"Analysing: {done} of {total} articles")

        try:
            state.ensure_analysed(ids, retry=True, progress=progress)
        except SourcelightError as exc:
            st.error(md(exc))
            return
        st.rerun()


# --------------------------------------------------------------------------- similar articles
def _article_row(n: int, other: Article, score: float) -> str:
    title = md(other.title or other.id)
    bits = [b for b in (_byline(other), f"score {score:.2f}") if b]
    return f"**{n}\\. [{title}]({read_link(other.id)})**  \n{' · '.join(bits)}"


def show_similar(article: Article, analysis: Analysis, *, key: str, k: int = 8, index_prompt: bool = True) -> None:
    """The articles most similar to ``article``, with why: shared names and shared sources.

    Args:
        article: the article being read.
        analysis: its (effective) analysis, for the sources it cites.
        key: prefix of every widget key.
        k: how many similar articles.
        index_prompt: show the "build the index" prompt when the index lacks library articles.
    """
    if index_prompt:
        show_index_prompt(key=f"{key}_idx")
    engine = state.get_similarity()
    if article.id not in engine:
        status = state.worker_status()
        if status is not None:
            pending = status.pending_text("index")
            st.info("This article is not in the similarity index yet: it is being indexed in the background"
                    + (f" ({pending})." if pending else "."), icon=":material/pending:")
        elif len(engine):
            st.info("This article is not in the similarity index yet: build the index to compare it.")
        return
    try:
        matches = _memo(f"{key}_memo", (article.id, k, len(engine)), lambda: engine.similar(article.id, k))
    except SourcelightError as exc:
        st.error(md(exc))
        return
    store = state.get_store()
    others = {a.id: a for a in store.get_articles([m.id for m in matches])}
    matches = [m for m in matches if m.id in others]
    if not matches:
        st.caption("No other article in the similarity index.")
        return
    analyses = _stored_analyses([m.id for m in matches])
    st.caption(
        "Score: meaning, shared words and shared names fused (higher is closer). Shared names and sources say why."
    )
    for n, m in enumerate(matches, 1):
        lines = [_article_row(n, others[m.id], m.score)]
        names = ", ".join(md(s) for s in m.shared_entities) or NONE_IN_COMMON
        lines.append(f"Shared names: {names}")
        if m.id in analyses:
            shared = shared_sources(analysis, analyses[m.id])
            lines.append(f"Shared sources: {', '.join(md(s) for s in shared) or NONE_IN_COMMON}")
        else:
            lines.append("Shared sources: not analysed yet")
        with st.container(border=True):
            st.markdown("  \n".join(lines))
    _offer_analysis([m.id for m in matches if m.id not in analyses], "Shared sources", key=f"{key}_an")


def show_matches(matches, *, key: str) -> None:
    """Rows for ``search_text`` results: title (a link to the reading view), outlet, date, score,
    the query's names each article mentions, and its lead."""
    others = {a.id: a for a in state.get_store().get_articles([m.id for m in matches])}
    matches = [m for m in matches if m.id in others]
    if not matches:
        st.caption("Nothing in the library matches.")
        return
    st.caption(
        "Score: meaning, words and names fused, relative to the library (higher is closer; below 0 is a weak "
        "match). Meaning is the best passage's cosine, words the BM25 score."
    )
    for n, m in enumerate(matches, 1):
        other = others[m.id]
        lines = [_article_row(n, other, m.score)]
        if m.shared_entities:
            lines.append(f"Names from the query: {', '.join(md(s) for s in m.shared_entities)}")
        meaning, words = m.rankers.get("embedding"), m.rankers.get("bm25")
        if meaning is not None and words is not None:
            lines.append(f"Meaning {meaning:.2f} · words {words:.1f}")
        with st.container(border=True):
            st.markdown("  \n".join(lines))
            lead = other.paragraphs[0].text(other.text) if other.paragraphs else other.text
            if lead.strip():
                st.text(plain(_short(lead, 240)))


# --------------------------------------------------------------------------- similar claims
def show_claims_for_text(text: str, *, key: str, exclude: Sequence[str] = (), k: int = 8) -> None:
    """Passages elsewhere in the library close to ``text``, with who said them and who reported them.

    Args:
        text: a quote, sentence or paragraph.
        key: prefix of every widget key.
        exclude: article ids whose passages to leave out (the one quoted from).
        k: how many passages.
    """
    engine = state.get_similarity()
    if not len(engine):
        st.caption("Build the similarity index to find similar claims.")
        return
    try:
        with st.spinner("Finding similar claims…"):
            found = _memo(
                f"{key}_memo",
                (text, k, tuple(exclude), len(engine)),
                lambda: engine.similar_passages(text, k, exclude=list(exclude)),
            )
    except SourcelightError as exc:
        st.error(md(exc))
        return
    others = {a.id: a for a in state.get_store().get_articles(list(dict.fromkeys(p.article_id for p in found)))}
    found = [p for p in found if p.article_id in others]
    if not found:
        st.caption("No passage elsewhere in the library says something close.")
        return
    analyses = _stored_analyses(list(others))
    for n, p in enumerate(found, 1):
        other = others[p.article_id]
        indexed = engine.text_of(p.article_id)
        passage = p.span.text(indexed)
        att_ids: tuple[int, ...] = ()
        said = "not analysed yet"
        reported: tuple[str, ...] = tuple(r for r in (other.outlet, other.author) if r)
        an = analyses.get(p.article_id)
        if an is not None and indexed == other.text:
            who_said = passage_speakers(other, an, p.span)
            att_ids, reported = who_said.attributions, who_said.reported_by
            said = ", ".join(md(s) for s in who_said.said_by) or "no attribution in this passage"
        title = md(other.title or other.id)
        head = f"**{n}\\. [{title}]({read_link(other.id, att_ids[0] if att_ids else None)})**"
        meta = " · ".join(b for b in (_byline(other), f"closeness {p.score:.2f}") if b)
        with st.container(border=True):
            st.markdown(f"{head}  \n{meta}")
            st.text(plain(passage.strip()))
            who = ", ".join(md(r) for r in dict.fromkeys(reported)) or "unknown"
            st.markdown(f"Said by: {said}  \nReported by: {who}")
    _offer_analysis([i for i in others if i not in analyses], "Speakers", key=f"{key}_an")


def show_similar_claims(
    article: Article,
    analysis: Analysis,
    index: int | None,
    *,
    key: str,
    k: int = 8,
    index_prompt: bool = False,
) -> None:
    """ "Find similar claims": passages elsewhere that say something close to a quote or paragraph.

    Args:
        article: the article being read.
        analysis: its (effective) analysis.
        index: the attribution to start from (the spotlighted one), or None.
        key: prefix of every widget key.
        k: how many passages.
        index_prompt: show the "build the index" prompt here too (off: ``show_similar`` shows it).
    """
    if index_prompt:
        show_index_prompt(key=f"{key}_idx")
    text = article.text
    atts = analysis.attributions
    options: dict[str, tuple[str, str]] = {}
    for i, a in enumerate(atts):
        content = " … ".join(c.text(text) for c in a.content)
        options[f"att:{i}"] = (f"{attribution_title(text, a, i + 1)} — “{_short(content, 50)}”", content)
    for j, sp in enumerate(passage_spans(article), 1):
        para = sp.text(text)
        options[f"par:{j}"] = (f"¶{j} · {_short(para)}", para)
    if not options:
        st.caption("This article has no text to compare.")
        return
    pick_key = f"{key}_pick"
    if st.session_state.get(f"{key}_article") != article.id:
        # Another article: the last choice belonged to the previous one.
        st.session_state[f"{key}_article"] = article.id
        st.session_state.pop(pick_key, None)
        st.session_state.pop(f"{key}_focus_seen", None)
    if st.session_state.get(f"{key}_focus_seen", "unset") != index:
        # A newly spotlighted attribution becomes the starting point.
        st.session_state[f"{key}_focus_seen"] = index
        if index is not None and f"att:{index}" in options:
            st.session_state[pick_key] = f"att:{index}"
    if st.session_state.get(pick_key) not in options:
        st.session_state[pick_key] = next(iter(options))
    pick = st.selectbox(
        "Find claims like",
        list(options),
        format_func=lambda o: options[o][0],
        key=pick_key,
        help="An attribution's words or a paragraph of this article",
    )
    query = options[pick][1]
    if not query.strip():
        st.caption("That passage is empty.")
        return
    show_claims_for_text(query, key=f"{key}_claims", exclude=[article.id], k=k)
