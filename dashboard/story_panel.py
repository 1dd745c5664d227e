"""The story comparison panel, shared by the Story page and the reading view's Story tab.

Layout only: ``dashboard.state.story_comparison`` (``components.stories``) builds it; every passage
links to the reading view (``./read?article=ID&att=N``).

May import Streamlit, ``components``, ``dashboard.state`` and
``dashboard.widgets``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts import story_outlets_figure
from components.errors import SourcelightError
from dashboard import state
from dashboard.widgets import plotly_chart, read_link


def _passages_frame(passages) -> pd.DataFrame:
    return pd.DataFrame([{
        "outlet": p.outlet, "source": p.source, "cue": p.cue, "content": p.content, "kind": p.kind,
        "open": read_link(p.article_id, p.attribution),
    } for p in passages], columns=["outlet", "source", "cue", "content", "kind", "open"])


LINK = st.column_config.LinkColumn("open", display_text="read ↗", help="The passage in the reading view")


def show_story(story_id: str, *, key: str) -> None:
    """The comparison of one story (also the reading view's Story tab)."""
    try:
        cmp = state.story_comparison(story_id)
    except SourcelightError as exc:
        st.error(str(exc))
        return
    story = cmp.story
    st.markdown(f"**{story.title}** — {len(story.article_ids)} articles from {len(story.outlets)} outlets"
                + (f", {story.dates[0]} to {story.dates[-1]}" if story.dates else ""))
    arts = {a.id: a for a in state.get_store().get_articles(list(story.article_ids))}
    st.dataframe(pd.DataFrame([{
        "title": arts[i].title or i, "outlet": next((p.outlet for p in cmp.outlets if i in p.article_ids), ""),
        "date": arts[i].date, "open": read_link(i)} for i in story.article_ids if i in arts]),
        hide_index=True, column_config={"open": st.column_config.LinkColumn("open", display_text="read ↗")},
        key=f"{key}_articles")
    st.subheader("How each outlet sourced it")
    plotly_chart(story_outlets_figure(cmp.outlets), key=f"{key}_chart", width="stretch",
                 config={"displayModeBar": False})
    st.dataframe(pd.DataFrame([{
        "outlet": o.outlet, "articles": len(o.article_ids), "claims": o.claims, "sources": o.sources,
        "named": o.named_share, "unnamed": o.unnamed_share, "direct": o.direct_share,
        "reported": o.reported_share, "media": o.media_share, "officials": o.official_share,
    } for o in cmp.outlets]), hide_index=True, key=f"{key}_profiles", column_config={
        c: st.column_config.ProgressColumn(c, min_value=0.0, max_value=1.0, format="percent")
        for c in ("named", "unnamed", "direct", "reported", "media", "officials")})
    left, right = st.columns(2)
    with left:
        st.markdown("**Sources every outlet cited**")
        if cmp.shared_sources:
            st.dataframe(pd.DataFrame([{"source": s.source, "type": s.type, "passages": len(s.passages),
                                        "open": s.passages[0].link} for s in cmp.shared_sources]),
                         hide_index=True, column_config={"open": LINK}, key=f"{key}_shared")
        else:
            st.caption("None" + (" (one outlet only)" if len(cmp.outlets) < 2 else ""))
    with right:
        st.markdown("**Sources only one outlet cited**")
        if cmp.single_outlet_sources:
            st.dataframe(pd.DataFrame([{"source": s.source, "outlet": s.outlets[0], "passages": len(s.passages),
                                        "open": s.passages[0].link} for s in cmp.single_outlet_sources]),
                         hide_index=True, column_config={"open": LINK}, key=f"{key}_single")
        else:
            st.caption("None")
    st.subheader("Claims several articles carried")
    st.caption(f"Attributions saying the same thing, matched by {cmp.claims_by}.")
    if not cmp.claims:
        st.caption("No claim appears in more than one article.")
    for c in cmp.claims:
        with st.expander(f"“{c.text[:140]}” — {len(c.outlets)} outlet(s), from {', '.join(c.sources[:4])}"):
            st.dataframe(_passages_frame(c.passages), hide_index=True, column_config={"open": LINK},
                         key=f"{key}_claim_{c.id}")
    st.subheader("Sources that disagree")
    if not cmp.disagreements:
        st.caption("No claim is denied in one place and affirmed in another.")
    for d in cmp.disagreements:
        a, b = st.columns(2)
        for col, p, what in ((a, d.denied, "Denied"), (b, d.affirmed, "Affirmed")):
            with col, st.container(border=True):
                st.markdown(f"**{what}** · {p.outlet} · {p.source} *{p.cue}*")
                st.markdown(f"> {p.content}")
                st.markdown(f"[read the passage ↗]({p.link})")


def show_article_story(article_id: str, *, key: str) -> None:
    """The reading view's Story tab: the comparison of the story this article belongs to."""
    svc = state.get_stories()
    if article_id in svc.pending():
        svc.update([article_id])
    story = svc.story_of(article_id)
    if story is None:
        st.info("This article is in no story yet.")
        return
    st.page_link("views/story.py", label="Open the Story page", icon=":material/compare:",
                 query_params={"story": story.id})
    show_story(story.id, key=key)
