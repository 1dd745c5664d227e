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
from dashboard import pending, state
from dashboard.widgets import plotly_chart, read_link


def _passages_frame(passages) -> pd.DataFrame:
    return pd.DataFrame([{
        "outlet": p.outlet, "source": p.source, "cue": p.cue, "content": p.content, "kind": p.kind,
        "open": read_link(p.article_id, p.attribution),
    } for p in passages], columns=["outlet", "source", "cue", "content", "kind", "open"])


LINK = st.column_config.LinkColumn("open", display_text="read ↗", help="The passage in the reading view")
#: In the reading view's side panel (about 360 px at 1440 px): the columns each table keeps, in
#: pixel widths that fit it with no horizontal scrolling (the Story page shows every column).
NARROW = {
    "articles": {"title": 170, "outlet": 110, "open": 76},
    "profiles": {"outlet": 110, "claims": 56, "named": 94, "direct": 94},
    "shared": {"source": 170, "type": 110, "open": 76},
    "single": {"source": 150, "outlet": 130, "open": 76},
    "passages": {"outlet": 96, "content": 184, "open": 76},
}


def _table(df: pd.DataFrame, config: dict, *, narrow: str | None, key: str) -> None:
    """``st.dataframe`` of ``df``; with ``narrow`` (a :data:`NARROW` entry), only its columns, at its widths."""
    if narrow is None:
        st.dataframe(df, hide_index=True, column_config=config, key=key)
        return
    widths = NARROW[narrow]
    fitted = {}
    for col, width in widths.items():
        c = dict(config.get(col) or {"label": col})
        c["width"] = width
        fitted[col] = c
    st.dataframe(df, hide_index=True, column_config=fitted, column_order=tuple(widths), key=key)


def show_story(story_id: str, *, key: str, narrow: bool = False) -> None:
    """The comparison of one story (also the reading view's Story tab: ``narrow``, the essential
    columns of each table and the source lists one above the other)."""
    try:
        with pending.waiting(key=key) as wait:
            cmp = state.story_comparison(story_id)
        if wait.shown:
            return
    except SourcelightError as exc:
        st.error(str(exc))
        return
    story = cmp.story
    st.markdown(f"**{story.title}** — {len(story.article_ids)} articles from {len(story.outlets)} outlets"
                + (f", {story.dates[0]} to {story.dates[-1]}" if story.dates else ""))
    arts = {a.id: a for a in state.get_store().get_articles(list(story.article_ids))}
    _table(pd.DataFrame([{
        "title": arts[i].title or i, "outlet": next((p.outlet for p in cmp.outlets if i in p.article_ids), ""),
        "date": arts[i].date, "open": read_link(i)} for i in story.article_ids if i in arts]),
        {"open": st.column_config.LinkColumn("open", display_text="read ↗")},
        narrow="articles" if narrow else None, key=f"{key}_articles")
    st.subheader("How each outlet sourced it")
    plotly_chart(story_outlets_figure(cmp.outlets), key=f"{key}_chart", width="stretch",
                 config={"displayModeBar": False})
    _table(pd.DataFrame([{
        "outlet": o.outlet, "articles": len(o.article_ids), "claims": o.claims, "sources": o.sources,
        "named": o.named_share, "unnamed": o.unnamed_share, "direct": o.direct_share,
        "reported": o.reported_share, "media": o.media_share, "officials": o.official_share,
    } for o in cmp.outlets]), {
        c: st.column_config.ProgressColumn(c, min_value=0.0, max_value=1.0, format="percent")
        for c in ("named", "unnamed", "direct", "reported", "media", "officials")},
        narrow="profiles" if narrow else None, key=f"{key}_profiles")
    left, right = (st.container(), st.container()) if narrow else st.columns(2)
    with left:
        st.markdown("**Sources every outlet cited**")
        if cmp.shared_sources:
            _table(pd.DataFrame([{"source": s.source, "type": s.type, "passages": len(s.passages),
                                  "open": s.passages[0].link} for s in cmp.shared_sources]),
                   {"open": LINK}, narrow="shared" if narrow else None, key=f"{key}_shared")
        else:
            st.caption("None" + (" (one outlet only)" if len(cmp.outlets) < 2 else ""))
    with right:
        st.markdown("**Sources only one outlet cited**")
        if cmp.single_outlet_sources:
            _table(pd.DataFrame([{"source": s.source, "outlet": s.outlets[0], "passages": len(s.passages),
                                  "open": s.passages[0].link} for s in cmp.single_outlet_sources]),
                   {"open": LINK}, narrow="single" if narrow else None, key=f"{key}_single")
        else:
            st.caption("None")
    st.subheader("Claims several articles carried")
    st.caption(f"Attributions saying the same thing, matched by {cmp.claims_by}.")
    if not cmp.claims:
        st.caption("No claim appears in more than one article.")
    for c in cmp.claims:
        with st.expander(f"“{c.text[:140]}” — {len(c.outlets)} outlet(s), from {', '.join(c.sources[:4])}"):
            _table(_passages_frame(c.passages), {"open": LINK}, narrow="passages" if narrow else None,
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
    show_story(story.id, key=key, narrow=True)
