"""Library: what is in it, adding articles by upload, paste or URL, editing an article's metadata
or deleting it (editors; each after a confirm step), and the feeds it follows.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.articles import WIKINEWS_CREDIT, fetch_url, load_paste
from components.errors import SourcelightError
from components.library import EDITABLE, add_files, delete_article, deletions, edit_metadata, metadata_history
from components.textsafe import md
from dashboard import state
from dashboard.widgets import article_labels, export_buttons, read_link, tag_filter

UPLOAD_TYPES = ["txt", "md", "html", "htm", "jsonl", "csv"]


def _add(articles, *, key: str) -> None:
    """Store new articles, analyse them with a progress bar, and say what happened."""
    store = state.get_store()
    added, skipped = store.add_articles(articles)
    if added:
        done = _analyse_added(added)
        st.success(f"Added {len(added)} article{'s' if len(added) != 1 else ''}: {done}.")
        st.session_state[f"{key}_last"] = added[0]
    if skipped:
        st.info(f"{len(skipped)} article{'s were' if len(skipped) != 1 else ' was'} already in the library.")
    for a in articles:
        for w in a.warnings:
            st.warning(f"{md(a.title or a.id)}: {md(w)}")


def _analyse_added(added: list[str]) -> str:
    """Analyse and index newly added articles through the usual entry points: the background
    worker when there is one, else here with a progress bar. Returns what to tell the user."""
    if not added:
        return ""
    if state.library_changed():  # the background worker analyses and indexes them
        return "analysing and indexing them in the background (see the sidebar)"
    bar = st.progress(0.0, text="Analysing…")
    in_flight, failed = state.ensure_analysed(  # in the analysis pool: queued, this page does not wait
        added, progress=lambda d, t: bar.progress(d / t, f"Analysed {d}/{t}")
    )
    bar.empty()
    if failed:
        return f"{len(failed)} could not be analysed ({md('; '.join(failed.values()))})"
    return "analysing them (open one to see it fill in)" if in_flight else "analysed"


def _add_uploads(files: list[tuple[str, bytes]], *, key: str) -> None:
    """Add uploaded files and say, file by file, what became of each: added, already in the
    library, or rejected and why."""
    outcomes = add_files(state.get_store(), files)
    added = [i for o in outcomes for i in o.added]
    done = _analyse_added(added)
    n_files = sum(1 for o in outcomes if o.added)
    if added:
        st.success(f"Added {len(added)} article{'s' if len(added) != 1 else ''} from {n_files} "
                   f"file{'s' if n_files != 1 else ''}: {done}.")
        st.session_state[f"{key}_last"] = added[0]
    for o in outcomes:
        say = {"added": st.success, "already in the library": st.info, "partly rejected": st.warning}.get(
            o.status, st.error)
        say(md(o.line()), icon={"added": ":material/check:", "already in the library": ":material/info:"}
            .get(o.status, ":material/error:"))
        for w in o.warnings:
            st.warning(md(w))


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
            _add_uploads([(f.name, f.getvalue()) for f in files or []], key=key)
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


MANAGE = "lib_manage"


def _said() -> None:
    """What the last edit or deletion did (kept across the rerun that follows it)."""
    for kind, text in st.session_state.pop(f"{MANAGE}_said", []):
        getattr(st, kind)(text)


def _confirm(question: str, yes_label: str, *, key: str, act: Callable[[], str], drop: tuple[str, ...] = ()) -> None:
    """A confirm step under the Edit or delete panel: ``question``, then ``yes_label`` runs ``act``
    (its return is the success line shown after the rerun; a refusal is shown here, nothing lost)
    and ends the step, forgetting the ``drop`` keys too; Cancel ends it doing nothing."""
    st.warning(question)
    confirm_key = f"{MANAGE}_confirm"
    yes, no = st.columns(2)
    if yes.button(yes_label, key=f"{key}_yes", type="primary"):
        try:
            said = act()
        except SourcelightError as exc:
            st.error(md(exc))
        else:
            st.session_state[f"{MANAGE}_said"] = [("success", said)]
            for k in (confirm_key, *drop):
                st.session_state.pop(k, None)
            st.rerun()
    if no.button("Cancel", key=f"{key}_no"):
        st.session_state.pop(confirm_key, None)
        st.rerun()


def manage_panel() -> None:
    """Edit an article's title, outlet, author or date, or delete it: an editor (or the single
    user, named in the sidebar), each change after a confirm step, each recorded with who and when."""
    st.subheader("Edit or delete an article")
    _said()
    who = state.user()
    if who is None:
        st.caption("Name yourself in the sidebar (Analyst) to edit or delete articles: every change is "
                   "recorded with your name.")
        return
    if not who.can("edit_metadata"):
        st.caption("Editing and deleting articles needs the editor role.")
        return
    store = state.get_store()
    summaries = store.list_articles()
    if not summaries:
        return
    labels = article_labels(summaries)
    ids = list(labels)
    opened = st.session_state.get(state.OPEN_ARTICLE)
    pick = st.selectbox("Article", ids, index=ids.index(opened) if opened in ids else 0,
                        format_func=lambda i: labels.get(i, i), key=f"{MANAGE}_pick")
    article = store.get_article(pick)
    if article is None:  # deleted by someone else a moment ago
        st.session_state.pop(f"{MANAGE}_pick", None)
        st.rerun()
    cols = st.columns(2)
    values = {}
    for n, field in enumerate(EDITABLE):
        values[field] = cols[n % 2].text_input(
            field.capitalize() + (" (YYYY-MM-DD)" if field == "date" else ""), value=getattr(article, field),
            max_chars=EDITABLE[field], key=f"{MANAGE}_{field}_{pick}")
    changes = {k: v for k, v in values.items() if " ".join(v.split()) != getattr(article, k)}
    confirm_key = f"{MANAGE}_confirm"
    save_col, delete_col = st.columns(2)
    if save_col.button("Save changes…", key=f"{MANAGE}_save", disabled=not changes, icon=":material/edit:"):
        st.session_state[confirm_key] = ("edit", pick)
    if delete_col.button("Delete this article…", key=f"{MANAGE}_delete", icon=":material/delete:"):
        st.session_state[confirm_key] = ("delete", pick)
    pending = st.session_state.get(confirm_key)
    if pending == ("edit", pick) and changes:
        said = "; ".join(f"{k}: “{md(getattr(article, k))}” → “{md(' '.join(v.split()))}”" for k, v in changes.items())

        def edit() -> str:
            c = edit_metadata(store, pick, changes, analyst=who,
                              similarity=state.get_similarity() if "title" in changes else None)
            state.library_changed()  # a new title: the worker indexes the article again
            return f"Saved: {md(c.summary)}"

        _confirm(f"Change {said}? The change is recorded in the article's history with your name.",
                 "Confirm changes", key=f"{MANAGE}_edit", act=edit)
    elif pending == ("delete", pick):
        n_corr = len(state.get_corrections().history(pick))

        def delete() -> str:
            d = delete_article(store, pick, analyst=who, similarity=state.get_similarity(),
                               stories=state.get_stories())
            state.library_changed()
            return f"Deleted “{md(d.title or d.article_id)}”."

        _confirm(
            f"Delete “{md(article.title or pick)}”{' (' + md(article.outlet) + ')' if article.outlet else ''} from "
            f"the library? Its analysis, {n_corr} recorded change{'s' if n_corr != 1 else ''}, notes, tags, story "
            "membership and similarity-index entries go with it; no other article is touched. This cannot be undone.",
            "Yes, delete it", key=f"{MANAGE}_delete", act=delete, drop=(f"{MANAGE}_pick",),
        )
    edits = metadata_history(store, pick)
    if edits:
        with st.expander(f"Metadata history of this article ({len(edits)})"):
            for c in edits:
                st.markdown(f"**#{c.id}** · {md(c.analyst)} · {md(c.at)}  \n{md(c.summary)}")
    gone = deletions(store)
    if gone:
        with st.expander(f"Deleted articles ({len(gone)})"):
            for d in gone:
                st.markdown(md(d.line()))


st.title("Library")
if state.user() is None or state.can("annotate"):  # single-user mode, or an analyst or editor signed in
    add_panel(key="lib")
else:
    st.caption("Viewers read and present: adding articles needs the analyst role.")
library_table()
manage_panel()
feeds_panel()
with st.expander("Export the whole library (analyses with analysts' corrections and provenance)"):
    export_buttons(None, key="lib_export", name="sourcelight-library")
st.caption(WIKINEWS_CREDIT)
