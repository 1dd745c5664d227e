"""Library: what is in it, adding articles by upload, paste or URL, and the feeds it follows.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.articles import WIKINEWS_CREDIT, fetch_url, load_bytes, load_paste
from components.errors import SourcelightError
from components.textsafe import md
from dashboard import state
from dashboard.widgets import export_buttons, read_link, tag_filter

UPLOAD_TYPES = ["txt", "md", "html", "htm", "jsonl", "csv"]


def _add(articles, *, key: str, warn: bool = True) -> None:
    """Store new articles, analyse them with a progress bar, and say what happened."""
    store = state.get_store()
    added, skipped = store.add_articles(articles)
    if added and state.library_changed():  # the background worker analyses and indexes them
        st.success(f"Added {len(added)} article(s): analysing and indexing them in the background (see the sidebar).")
        st.session_state[f"{key}_last"] = added[0]
    elif added:
        bar = st.progress(0.0, text="Analysing…")
        in_flight, _failed = state.ensure_analysed(  # in the analysis pool: queued, this page does not wait
            added, progress=lambda d, t: bar.progress(d / t, f"Analysed {d}/{t}")
        )
        bar.empty()
        more = ": analysing them (open one to see it fill in)." if in_flight else "."
        st.success(f"Added {len(added)} article(s){more}")
        st.session_state[f"{key}_last"] = added[0]
    if skipped:
        st.info(f"{len(skipped)} article(s) were already in the library.")
    for a in articles if warn else ():  # an upload's report has already said them, by file name
        for w in a.warnings:
            st.warning(f"{md(a.title or a.id)}: {md(w)}")


def add_panel(*, key: str) -> None:
    """Upload, paste or fetch articles; every problem is shown as a message, nothing is lost."""
    up_tab, paste_tab, url_tab = st.tabs(["Upload files", "Paste text", "Fetch a URL"])
    with up_tab:
        files = st.file_uploader(
            "Articles (.txt, .md, .html) or corpora (.jsonl, .csv with id, title, text)",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            key=f"{key}_files",
        )
        if st.button("Add uploaded files", key=f"{key}_add_files", disabled=not files):
            for f in files or []:
                try:
                    report = load_bytes(f.getvalue(), f.name)
                except SourcelightError as exc:
                    st.error(md(exc))
                    continue
                for name, reason in report.rejected:
                    st.error(f"{md(name)}: {md(reason)}")
                for w in report.warnings:
                    st.warning(md(w))
                if report.articles:
                    _add(report.articles, key=key, warn=False)
    with paste_tab:
        text = st.text_area("Article text (headline on the first line)", height=220, key=f"{key}_paste")
        if st.button("Add pasted text", key=f"{key}_add_paste"):
            try:
                _add(load_paste(text), key=key)
            except SourcelightError as exc:
                st.error(md(exc))
    with url_tab:
        url = st.text_input("http(s) address of an article", key=f"{key}_url")
        if st.button("Fetch", key=f"{key}_fetch"):
            try:
                with st.spinner("Fetching…"):
                    fetched = fetch_url(url)
                _add(fetched, key=key)
            except SourcelightError as exc:
                st.error(md(exc))
    last = st.session_state.get(f"{key}_last")
    if last:
        st.page_link(
            "views/reading.py",
            label="Open the last added article",
            icon=":material/article:",
            query_params={"article": last},
        )


def feeds_panel() -> None:
    """Library → Feeds: the followed RSS/Atom feeds, their status and last error; editors add,
    remove and check them (new items are fetched, deduplicated, analysed, indexed and grouped)."""
    st.subheader("Feeds")
    svc = state.feed_service()
    manage = state.user() is None or state.can("manage_feeds")  # single-user mode, or an editor
    feeds = svc.feeds()
    for kind, text in st.session_state.pop("feed_said", []):  # what the last action did
        getattr(st, kind)(text)
    if feeds:
        st.dataframe(
            pd.DataFrame([{
                "Feed": f.title or f.url, "Address": f.url, "Status": f.last_status,
                "Last checked": f.last_checked or "never", "Articles": f.articles,
                "Last error": f.last_error or "", "Retry after": f.next_retry or "",
            } for f in feeds]),
            hide_index=True, width="stretch",
        )
    else:
        st.caption("No feeds yet." + (" Add an RSS or Atom address below." if manage else ""))
    if not manage:
        st.caption("Adding, removing and checking feeds needs the editor role.")
        return
    url = st.text_input("Feed address (RSS or Atom, http or https)", key="feed_url")
    if st.button("Add feed", key="feed_add"):
        try:
            f = svc.add(url, user=state.user())
            st.session_state["feed_said"] = [("success", f"Following {f.url}; press Check now to fetch its items.")]
            st.rerun()
        except SourcelightError as exc:
            st.error(str(exc))
    if not feeds:
        return
    pick = st.selectbox("Feed", [f.url for f in feeds], key="feed_pick",
                        format_func=lambda u: next((f.title or u for f in feeds if f.url == u), u))
    check_col, remove_col = st.columns(2)
    if check_col.button("Check now", key="feed_check", icon=":material/refresh:"):
        try:
            with st.spinner("Checking the feed…"):
                report = svc.check(pick)
            said = [("error" if report.status == "failed" else "success", report.line())]
            said += [("warning", f"{link}: {why}") for link, why in report.failed_items]
            st.session_state["feed_said"] = said
            st.rerun()
        except SourcelightError as exc:
            st.error(str(exc))
    if remove_col.button("Remove feed", key="feed_remove", icon=":material/delete:"):
        try:
            svc.remove(pick, user=state.user())
            st.rerun()
        except SourcelightError as exc:
            st.error(str(exc))


def library_table() -> None:
    summaries = state.get_store().list_articles()
    keep = tag_filter(key="lib")
    summaries = [s for s in summaries if keep is None or s.id in keep]
    done = state.get_store().analysed_ids(state.version())
    df = pd.DataFrame(
        [
            {
                "Title": s.title or s.id,
                "Outlet": s.outlet,
                "Date": s.date,
                "Words": s.words,
                "Analysed": s.id in done,
                "Open": read_link(s.id),
            }
            for s in summaries
        ]
    )
    st.subheader(f"{len(summaries)} articles")
    if df.empty:
        return
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config={"Open": st.column_config.LinkColumn("Open", display_text="read")},
    )


st.title("Library")
if state.user() is None or state.can("annotate"):  # single-user mode, or an analyst or editor signed in
    add_panel(key="lib")
else:
    st.caption("Viewers read and present: adding articles needs the analyst role.")
library_table()
feeds_panel()
with st.expander("Export the whole library (analyses with analysts' corrections and provenance)"):
    export_buttons(None, key="lib_export", name="sourcelight-library")
st.caption(WIKINEWS_CREDIT)
