"""Search page: find articles by free text, and passages elsewhere that say something close to a sentence.

Layout only: the shared similarity engine does the work (``search_text``, ``similar_passages``);
rows and links come from ``dashboard.similar_panel``. The query is kept in the URL (``?q=``) so a
search can be shared.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

import streamlit as st

from components.errors import SourcelightError
from components.textsafe import md
from dashboard import state
from dashboard.similar_panel import show_claims_for_text, show_index_prompt, show_matches

KEY = "search"
RESULTS = (5, 10, 20, 50)


def search_box(*, key: str) -> None:
    """Free-text search over the library (a name, a phrase, a question), best matches first."""
    if f"{key}_q" not in st.session_state:
        st.session_state[f"{key}_q"] = st.query_params.get("q", "")
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    query = left.text_input(
        "Search the library",
        key=f"{key}_q",
        placeholder="a name, a phrase, a question…",
        help="Matches meaning, words and names; press Enter to search",
    )
    k = right.selectbox("Results", RESULTS, index=1, key=f"{key}_k")
    query = query.strip()
    if query:
        st.query_params["q"] = query
    else:
        st.query_params.pop("q", None)
        return
    engine = state.get_similarity()
    if not len(engine):
        status = state.worker_status()
        pending = (status.pending_text("index") or "starting") if status is not None else None
        st.info(f"Nothing is searchable yet ({pending}): search works as soon as the first articles are indexed."
                if status is not None else "Build the similarity index (above) to search.")
        return
    try:
        with st.spinner("Searching…"):
            matches = engine.search_text(query, k)
    except SourcelightError as exc:
        st.error(md(exc))
        return
    if not matches:
        st.info(f"No match for “{md(query)}”: no article in the library contains these words or names, "
                "or says anything close in meaning.", icon=":material/search_off:")
        return
    show_matches(matches, key=f"{key}_rows")


def claims_box(*, key: str) -> None:
    """A pasted sentence → passages elsewhere that say something close, with who said and reported them."""
    text = st.text_area(
        "Paste a sentence or a quote",
        key=f"{key}_text",
        height=100,
        placeholder="e.g. The spokesman said the talks would go ahead as planned.",
    )
    st.button("Find similar claims", key=f"{key}_go", icon=":material/format_quote:")
    if text.strip():
        show_claims_for_text(text, key=f"{key}_found", k=10)


def page() -> None:
    st.title("Search")
    show_index_prompt(key=f"{KEY}_idx")
    search_box(key=KEY)
    st.subheader("Similar claims")
    st.caption("Passages elsewhere in the library that say something close: who said it, and who reported it.")
    claims_box(key=f"{KEY}_claims")


page()
