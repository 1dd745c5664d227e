"""Story page: one event across outlets — how each outlet sourced it, shared and lone sources,
the claims several articles carried (from whom), and claims whose sources disagree.

Layout only: ``components.stories`` groups the library and builds the comparison
(``dashboard.state.story_comparison``); every passage links to the reading view
(``./read?article=ID&att=N``). The story is kept in the URL (``?story=ID``). Analysts move an
article to another story or split a story (recorded as corrections, undoable from the history).

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import streamlit as st

from components.errors import SourcelightError
from dashboard import state
from dashboard.story_panel import show_story
from dashboard.widgets import EMPTY_LIBRARY

KEY = "story"
NEW_STORY = "(a new story of its own)"


def corrections_panel(story_id: str, *, key: str) -> None:
    """Move an article to another story, split the story, and its history with undo."""
    svc = state.get_stories()
    story = svc.story(story_id)
    others = {s.id: f"{s.title} ({len(s.article_ids)})" for s in svc.stories() if s.id != story_id}
    arts = {a.id: a.title or a.id for a in state.get_store().get_articles(list(story.article_ids))}
    who = state.analyst()
    with st.expander("Correct this story", icon=":material/edit:"):
        if not who:
            st.info("Name yourself in the sidebar (Analyst) to move or split articles.")
        aid = st.selectbox("Article", list(arts), format_func=arts.get, key=f"{key}_move_article")
        target = st.selectbox("Move it to", [NEW_STORY, *others], format_func=lambda s: others.get(s, s),
                              key=f"{key}_move_to")
        if st.button("Move", key=f"{key}_move", disabled=not who):
            try:
                svc.move(aid, None if target == NEW_STORY else target, analyst=who)
                st.success("Moved.")
            except SourcelightError as exc:
                st.error(str(exc))
        chosen = st.multiselect("Split these articles into a new story", list(arts), format_func=arts.get,
                                key=f"{key}_split_articles")
        if st.button("Split", key=f"{key}_split", disabled=not who or not chosen):
            try:
                c = svc.split(story_id, chosen, analyst=who)
                st.success(f"Split into story {c.after['story']}.")
            except SourcelightError as exc:
                st.error(str(exc))
        history = svc.history(story_id)
        if history:
            st.markdown("**History**")
        for c in history:
            line, btn = st.columns([5, 1])
            line.caption(f"#{c.id} · {c.analyst} · {c.at[:19]} · {c.summary}" + ("" if c.active else " (undone)"))
            if c.target == "story" and c.active and btn.button("Undo", key=f"{key}_undo_{c.id}", disabled=not who):
                try:
                    svc.undo(c.id, analyst=who)
                    st.rerun()
                except SourcelightError as exc:
                    st.error(str(exc))


def page() -> None:
    st.title("Story")
    store = state.get_store()
    if not store.count_articles():
        st.info(EMPTY_LIBRARY)
        return
    svc = state.get_stories()
    pending = len(svc.pending())
    if pending:
        with st.spinner(f"Grouping {pending} new article(s) into stories…"):
            svc.update()
    stories = svc.stories()
    labels = {s.id: f"{s.title} · {len(s.article_ids)} articles · {len(s.outlets)} outlets" for s in stories}
    wanted = st.query_params.get("story")
    if f"{KEY}_pick" not in st.session_state:
        st.session_state[f"{KEY}_pick"] = wanted if wanted in labels else stories[0].id
    if st.session_state[f"{KEY}_pick"] not in labels:
        st.session_state[f"{KEY}_pick"] = stories[0].id
    story_id = st.selectbox("Story", list(labels), format_func=labels.get, key=f"{KEY}_pick")
    st.query_params["story"] = story_id
    if state.similarity_missing():
        st.caption("Stories are grouped on words, names and dates; index the library (Search) to add embeddings.")
    corrections_panel(story_id, key=f"{KEY}_fix")
    show_story(story_id, key=KEY)


page()
