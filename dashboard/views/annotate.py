"""Annotate: analysts correct the machine's entities and attributions, keep notes and tags, undo, export.

The article is shown in a text-selection control (``dashboard/selection.py``); what the analyst
selects is checked against the canonical text and then used to add an entity, a passage note or an
attribution, or to change an attribution's source, cue or content. Every change goes through
``components.corrections.CorrectionsService`` as one correction recorded with the acting user's
name: the signed-in user when sign-in is configured (``?analyst=`` is then ignored), else the
sidebar field of single-user mode (kept in the URL as ``?analyst=``); edits are refused, with a
message, until a name is given. Roles decide the controls: a viewer gets none, an analyst undoes
their own changes only, an editor anyone's; only notes the user may read are listed. Edit forms are
dialogs whose open state lives in session state, so they survive the reruns their own widgets
cause. Every change shows a toast; every refusal is shown with ``st.error`` and the page keeps
working.

A page of ``st.navigation`` (``dashboard/app.py``): may import Streamlit, ``components`` and the
shared ``dashboard`` modules (``state``, ``widgets``, the panels); never another page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.access import User
from components.annotate_tables import attribution_rows, entity_rows, group_name, group_rows, origin_label, quote
from components.corrections import ANALYST, CorrectionsService, EffectiveAnalysis
from components.entities import DEFAULT_LABELS, LABEL_NAMES
from components.errors import SourcelightError
from components.records import KINDS, SOURCE_TYPES, Article, Span
from components.render import attribution_title, legend_html, reading_html
from components.selection import selection_span
from components.textsafe import md
from dashboard import pending, state
from dashboard.selection import text_selector
from dashboard.widgets import export_buttons, library_labels

K = "ann"
DIALOG = f"{K}_dialog"
NO_ANALYST = (
    "No analyst named: type your name in the sidebar field “Analyst” before changing anything "
    "(every change records who made it)."
)
LABELS = list(LABEL_NAMES)
KEEP, NONE = "(keep as it is)", "(none)"


class Ctx:
    """What every panel of the page needs for the article on screen."""

    def __init__(self, article: Article, eff: EffectiveAnalysis, svc: CorrectionsService) -> None:
        self.article = article
        self.text = article.text
        self.analysis, self.provenance, self.unanchored = eff
        self.svc = svc
        self.sel: Span | None = None  # the checked current selection
        self.sel_raw: dict | None = None

    def quote(self, span: Span | None, limit: int = 60) -> str:
        return quote(self.text, span, limit)

    def mdquote(self, span: Span | None, limit: int = 60) -> str:
        """``quote`` escaped for Markdown (article text is someone else's)."""
        return md(self.quote(span, limit))

    def group_name(self, gid: str) -> str:
        return group_name(self.analysis, gid)

    def group_mention(self, gid: str) -> Span:
        """A marked mention of an entity group (what the service takes to name the group)."""
        return next(e.span for e in self.analysis.entities if e.group == gid)


# ---- doing things ------------------------------------------------------------------------------


def refusal() -> str | None:
    """Why the acting user may not change anything here (None when they may)."""
    return state.annotate_refusal(NO_ANALYST, "to change analyses, notes or tags")


def read_only() -> bool:
    """A signed-in user whose role cannot change anything (a viewer): editing controls are disabled."""
    return state.user() is not None and refusal() is not None


def act(fn: Callable[[User], object], done: str, *, consume: bool = False) -> None:
    """Run one change as the acting user (their role is checked again in ``components/``): toast and
    rerun on success, ``st.error`` otherwise."""
    who = state.user()
    why = refusal()
    if why or who is None:
        st.error(why or NO_ANALYST)
        return
    try:
        fn(who)
    except SourcelightError as exc:
        st.error(md(exc))
        return
    st.session_state[f"{K}_toast"] = done
    st.session_state.pop(DIALOG, None)
    if consume:
        used = st.session_state.setdefault(f"{K}_used", set())
        raw = st.session_state.get(f"{K}_sel_raw") or {}
        used.add(raw.get("seq"))
    st.rerun()


def open_dialog(name: str, **payload) -> None:
    st.session_state[DIALOG] = {"name": name, **payload}


def close_dialog() -> None:
    st.session_state.pop(DIALOG, None)


def _cancel(key: str, where=st) -> None:
    if where.button("Cancel", key=key):
        close_dialog()
        st.rerun()


# ---- choosing the article and reading the selection --------------------------------------------


def choose_article() -> str | None:
    """Sidebar picker (same ids as the reading page); the choice is kept in the URL (``?article=``)."""
    labels = library_labels()
    if labels is None:
        return None
    wanted = st.query_params.get("article")
    if wanted is not None and wanted not in labels:
        st.warning(f"The link asks for article {md(repr(wanted))}, which is not in this library; showing another.")
    key = f"{K}_article"
    if st.session_state.get(key) not in labels:
        st.session_state[key] = state.open_article_id(labels)  # the URL's, else the one open on the last page
    elif wanted in labels and wanted != st.session_state.get(f"{K}_url_seen"):
        st.session_state[key] = wanted  # a link was followed: the URL wins over the last choice
    with st.sidebar:
        choice = st.selectbox("Article", list(labels), format_func=labels.get, key=key)
    state.remember_article(choice)
    st.session_state[f"{K}_url_seen"] = choice
    return choice


def shown_labels(ctx: Ctx) -> list[str]:
    """Default entity types, plus any type an analyst gave or that has no default colour switch."""
    present = {e.label for e in ctx.analysis.entities}
    changed = {e.label for e, o in zip(ctx.analysis.entities, ctx.provenance.entities, strict=False) if o.by == ANALYST}
    return [lb for lb in present if lb in DEFAULT_LABELS or lb in changed]


def article_panel(ctx: Ctx) -> None:
    """The article in the selection control; sets ``ctx.sel`` to the checked selection."""
    key = f"{K}_pick"
    used = st.session_state.get(f"{K}_used", set())
    prev = _component_selection(key)
    mark = prev["pieces"] if prev and prev.get("article") == ctx.article.id and prev.get("seq") not in used else []
    labels = shown_labels(ctx)
    st.html(legend_html(labels))
    html = reading_html(
        ctx.article, ctx.analysis, labels=labels, with_style=False, provenance=ctx.provenance, focusable=False
    )
    raw = text_selector(html, ctx.article.id, key=key, mark=mark)
    if raw is None or raw.get("seq") in used:
        return
    st.session_state[f"{K}_sel_raw"] = raw
    try:
        ctx.sel = selection_span(ctx.text, raw)
        ctx.sel_raw = raw
    except SourcelightError as exc:
        st.session_state[f"{K}_sel_error"] = str(exc)


def _component_selection(key: str) -> dict | None:
    """The selection the component reported before this run (to paint it), if any."""
    try:
        value = st.session_state.get(key)
        sel = value.get("selection") if hasattr(value, "get") else getattr(value, "selection", None)
    except Exception:  # the component's state is not readable before it is mounted
        return None
    return dict(sel) if isinstance(sel, dict) else None


# ---- the sidebar: the current selection and what to do with it ---------------------------------


def selection_panel(ctx: Ctx) -> None:
    st.subheader("Selection")
    err = st.session_state.pop(f"{K}_sel_error", None)
    if err:
        st.error(md(err))
    if ctx.sel is None:
        st.caption("Select words in the article with the mouse; then add an entity, a note or an attribution.")
    else:
        st.markdown(f"**{ctx.mdquote(ctx.sel, 120)}**  \ncharacters {ctx.sel.start}–{ctx.sel.end}")
    off = ctx.sel is None
    row = st.container(horizontal=True)
    if row.button("Add entity", key=f"{K}_add_ent", disabled=off, icon=":material/add:", type="primary"):
        open_dialog("add_entity", span=[ctx.sel.start, ctx.sel.end], article=ctx.article.id)
    if row.button("Add note", key=f"{K}_add_pnote", disabled=off, icon=":material/sticky_note_2:"):
        open_dialog("add_note", span=[ctx.sel.start, ctx.sel.end], article=ctx.article.id)
    draft_panel(ctx)


def _draft(ctx: Ctx) -> dict:
    d = st.session_state.get(f"{K}_draft")
    if not isinstance(d, dict) or d.get("article") != ctx.article.id:
        d = {"article": ctx.article.id, "content": None, "cue": None, "source": None}
        st.session_state[f"{K}_draft"] = d
    return d


def draft_panel(ctx: Ctx) -> None:
    """Build a missed attribution from selections: content, cue, optional source words."""
    d = _draft(ctx)
    st.markdown("**Add attribution** — select, then use the selection as:")
    row = st.container(horizontal=True)
    for slot, label in (("content", "Content"), ("cue", "Cue"), ("source", "Source")):
        if row.button(
            label,
            key=f"{K}_use_{slot}",
            disabled=ctx.sel is None,
            width="content",
            help=f"Use the selection as the attribution's {slot}",
        ):
            d[slot] = [ctx.sel.start, ctx.sel.end]
            used = st.session_state.setdefault(f"{K}_used", set())
            used.add((ctx.sel_raw or {}).get("seq"))
            st.rerun()
    if not any(d[s] for s in ("content", "cue", "source")):
        return
    with st.container(border=True):
        for slot in ("content", "cue", "source"):
            sp = Span(*d[slot]) if d[slot] else None
            hint = f"*select words, then press {slot.capitalize()}*"
            st.markdown(f"{slot.capitalize()}: {ctx.mdquote(sp) if sp else hint}")
        groups = {g.id: f"{g.name} ({LABEL_NAMES.get(g.label, g.label)})" for g in ctx.analysis.groups}
        ent = st.selectbox(
            "The source is (entity)",
            [NONE, *groups],
            format_func=lambda g: groups.get(g, g),
            key=f"{K}_d_entity",
            help="Whom the source words refer to, e.g. whom “she” means",
        )
        canonical = st.text_input("Source name (blank: from the entity or the source words)", key=f"{K}_d_name")
        stype = st.selectbox("Source type", [NONE, *SOURCE_TYPES], key=f"{K}_d_type")
        kind = st.selectbox("Kind", KINDS, key=f"{K}_d_kind")
        b1, b2 = st.columns(2)
        if b1.button("Save attribution", key=f"{K}_d_save", type="primary", disabled=not (d["content"] and d["cue"])):

            def add(who: str) -> None:
                ctx.svc.add_attribution(
                    ctx.article.id,
                    analyst=who,
                    cue=d["cue"],
                    content=[d["content"]],
                    kind=kind,
                    source=d["source"],
                    canonical=canonical.strip() or None,
                    source_type=None if stype == NONE else stype,
                    entity=None if ent == NONE else ctx.group_mention(ent),
                )
                st.session_state.pop(f"{K}_draft", None)

            act(add, "Attribution added")
        if b2.button("Discard", key=f"{K}_d_discard"):
            st.session_state.pop(f"{K}_draft", None)
            st.rerun()


# ---- dialogs -----------------------------------------------------------------------------------


@st.dialog("Add an entity", on_dismiss=close_dialog)
def dialog_add_entity(ctx: Ctx, span: list[int]) -> None:
    sp = Span(*span)
    st.markdown(f"New entity: **{ctx.mdquote(sp)}**")
    label = st.selectbox("Type", LABELS, format_func=lambda lb: f"{LABEL_NAMES[lb]} ({lb})", key=f"{K}_ae_label")
    groups = {g.id: f"{g.name} ({LABEL_NAMES.get(g.label, g.label)})" for g in ctx.analysis.groups}
    auto = "(same name and type → same entity, else a new one)"
    group = st.selectbox(
        "Entity it belongs to", [auto, *groups], format_func=lambda g: groups.get(g, g), key=f"{K}_ae_group"
    )
    buttons = st.container(horizontal=True)
    if buttons.button("Save", key=f"{K}_ae_save", type="primary"):
        act(
            lambda who: ctx.svc.add_entity(
                ctx.article.id, sp, label, analyst=who, group=None if group == auto else group
            ),
            f"Entity {ctx.mdquote(sp)} added",
            consume=True,
        )
    _cancel(f"{K}_ae_cancel", buttons)


@st.dialog("Add a note", on_dismiss=close_dialog)
def dialog_add_note(ctx: Ctx, span: list[int] | None) -> None:
    sp = Span(*span) if span else None
    st.markdown(f"On the passage **{ctx.mdquote(sp)}**" if sp else "On the whole article")
    body = st.text_area("Note", key=f"{K}_an_text")
    shareable = st.checkbox("Shareable (goes into briefings)", key=f"{K}_an_share")
    buttons = st.container(horizontal=True)
    if buttons.button("Save", key=f"{K}_an_save", type="primary"):
        act(
            lambda who: ctx.svc.add_note(ctx.article.id, body, analyst=who, span=sp, shareable=shareable),
            "Note added",
            consume=sp is not None,
        )
    _cancel(f"{K}_an_cancel", buttons)


@st.dialog("Change an entity's type", on_dismiss=close_dialog)
def dialog_relabel(ctx: Ctx, index: int) -> None:
    e = ctx.analysis.entities[index]
    name = ctx.text[e.start : e.end]
    st.markdown(f"**{ctx.mdquote(e.span)}** is now *{LABEL_NAMES.get(e.label, e.label)}* ({e.label})")
    others = [lb for lb in LABELS if lb != e.label]
    label = st.selectbox("New type", others, format_func=lambda lb: f"{LABEL_NAMES[lb]} ({lb})", key=f"{K}_rl_label")
    n = sum(1 for x in ctx.analysis.entities if ctx.text[x.start : x.end] == name)
    every = st.checkbox(f"Apply to all mentions of this name ({n} marked “{md(name)}”)", key=f"{K}_rl_all")
    buttons = st.container(horizontal=True)
    if buttons.button("Save", key=f"{K}_rl_save", type="primary"):
        if every:
            act(
                lambda who: ctx.svc.relabel_all_mentions(ctx.article.id, name, label, analyst=who),
                f"Every “{md(name)}” is now {label}",
            )
        else:
            act(
                lambda who: ctx.svc.relabel_entity(ctx.article.id, e.span, label, analyst=who),
                f"{ctx.mdquote(e.span)} is now {label}",
            )
    _cancel(f"{K}_rl_cancel", buttons)


def _group_options(ctx: Ctx, *, min_mentions: int = 1) -> dict[str, str]:
    counts: dict[str, int] = {}
    for e in ctx.analysis.entities:
        counts[e.group] = counts.get(e.group, 0) + 1
    return {
        g.id: f"{g.name} ({LABEL_NAMES.get(g.label, g.label)}, {counts.get(g.id, 0)})"
        for g in sorted(ctx.analysis.groups, key=lambda g: g.name.lower())
        if counts.get(g.id, 0) >= min_mentions
    }


@st.dialog("Merge two entities", on_dismiss=close_dialog)
def dialog_merge(ctx: Ctx) -> None:
    opts = _group_options(ctx)
    keep = st.selectbox("Keep", list(opts), format_func=opts.get, key=f"{K}_mg_keep")
    other = st.selectbox("Merge into it", [g for g in opts if g != keep], format_func=opts.get, key=f"{K}_mg_other")
    name = st.text_input("Name of the merged entity (blank: keep the first one's)", key=f"{K}_mg_name")
    buttons = st.container(horizontal=True)
    if buttons.button("Merge", key=f"{K}_mg_save", type="primary", disabled=other is None):
        act(
            lambda who: ctx.svc.merge_groups(ctx.article.id, keep, other, analyst=who, name=name.strip() or None),
            f"Merged “{md(ctx.group_name(other))}” into “{md(ctx.group_name(keep))}”",
        )
    _cancel(f"{K}_mg_cancel", buttons)


@st.dialog("Split an entity", on_dismiss=close_dialog)
def dialog_split(ctx: Ctx) -> None:
    opts = _group_options(ctx, min_mentions=2)
    if not opts:
        st.info("No entity has two marked mentions to split.")
        _cancel(f"{K}_sp_cancel")
        return
    gid = st.selectbox("Entity", list(opts), format_func=opts.get, key=f"{K}_sp_group")
    mentions = [e.span for e in ctx.analysis.entities if e.group == gid]
    moving = st.multiselect(
        "Mentions that are a different entity",
        range(len(mentions)),
        format_func=lambda i: f"{ctx.quote(mentions[i])} at {mentions[i].start}",
        key=f"{K}_sp_mentions",
    )
    name = st.text_input("Name of the new entity (blank: its first mention)", key=f"{K}_sp_name")
    label = st.selectbox("Its type", [KEEP, *LABELS], key=f"{K}_sp_label")
    buttons = st.container(horizontal=True)
    if buttons.button("Split", key=f"{K}_sp_save", type="primary"):
        act(
            lambda who: ctx.svc.split_group(
                ctx.article.id,
                gid,
                [mentions[i] for i in moving],
                analyst=who,
                name=name.strip() or None,
                label=None if label == KEEP else label,
            ),
            f"Split off {len(moving)} mention(s) of “{md(ctx.group_name(gid))}”",
        )
    _cancel(f"{K}_sp_cancel", buttons)


@st.dialog("Rename or retype an entity", on_dismiss=close_dialog)
def dialog_group_edit(ctx: Ctx) -> None:
    opts = _group_options(ctx)
    gid = st.selectbox("Entity", list(opts), format_func=opts.get, key=f"{K}_ge_group")
    name = st.text_input("New name (blank: keep)", key=f"{K}_ge_name")
    label = st.selectbox("New type (all its mentions)", [KEEP, *LABELS], key=f"{K}_ge_label")
    buttons = st.container(horizontal=True)
    if buttons.button("Save", key=f"{K}_ge_save", type="primary"):

        def change(who: str) -> None:
            if not name.strip() and label == KEEP:
                raise _Nothing("nothing to change: give a new name or a new type")
            if name.strip():
                ctx.svc.rename_group(ctx.article.id, gid, name, analyst=who)
            if label != KEEP:
                ctx.svc.relabel_group(ctx.article.id, gid, label, analyst=who)

        act(change, f"“{ctx.group_name(gid)}” changed")
    _cancel(f"{K}_ge_cancel", buttons)


class _Nothing(SourcelightError):
    """A form saved with nothing changed."""


@st.dialog("Correct an attribution", width="large", on_dismiss=close_dialog)
def dialog_attribution(ctx: Ctx, index: int) -> None:
    a = ctx.analysis.attributions[index]
    st.markdown(
        f"**#{index + 1}** · source **{md(a.source_canonical) if a.source_canonical else ctx.mdquote(a.source)}** "
        f"({md(a.source_type or 'no type')}) · cue *{ctx.mdquote(a.cue)}* · {md(a.kind)}  \n"
        + " … ".join(ctx.mdquote(p, 200) for p in a.content)
    )
    what = st.radio("Change", ["Source", "Cue", "Content", "Kind"], horizontal=True, key=f"{K}_at_what")
    aid = ctx.article.id
    sel = ctx.sel
    if what == "Source":
        words = [KEEP, NONE] + (["the current selection"] if sel else [])
        src = st.radio("Source words", words, horizontal=True, key=f"{K}_at_src")
        if sel:
            st.caption(f"Current selection: {ctx.mdquote(sel)}")
        groups = _group_options(ctx)
        ent = st.selectbox(
            "The source is (entity) — e.g. whom “he” or “the spokesman” means",
            [KEEP, NONE, *groups],
            format_func=lambda g: groups.get(g, g),
            key=f"{K}_at_entity",
        )
        canonical = st.text_input("Source name (blank: keep, or the chosen entity's name)", key=f"{K}_at_name")
        stype = st.selectbox("Source type", [KEEP, NONE, *SOURCE_TYPES], key=f"{K}_at_type")
        if st.button("Save", key=f"{K}_at_save_src", type="primary"):
            kw: dict = {}
            if src == NONE:
                kw["source"] = None
            elif src != KEEP and sel:
                kw["source"] = sel
            if ent != KEEP:
                kw["entity"] = None if ent == NONE else ctx.group_mention(ent)
            if canonical.strip():
                kw["canonical"] = canonical.strip()
            if stype != KEEP:
                kw["source_type"] = None if stype == NONE else stype
            act(
                lambda who: ctx.svc.set_source(aid, index, analyst=who, **kw),
                f"Source of #{index + 1} changed",
                consume="source" in kw and kw["source"] is not None,
            )
    elif what in ("Cue", "Content"):
        if not sel:
            st.info(f"Select the new {what.lower()} in the article first, then open this form again.")
        else:
            st.markdown(f"New {what.lower()}: **{ctx.mdquote(sel, 200)}**")
            mode = "replace"
            if what == "Content":
                mode = st.radio(
                    "The selection", ["replace", "add as another piece"], horizontal=True, key=f"{K}_at_cmode"
                )
            if st.button("Save", key=f"{K}_at_save_span", type="primary"):
                if what == "Cue":
                    act(
                        lambda who: ctx.svc.set_cue(aid, index, sel, analyst=who),
                        f"Cue of #{index + 1} changed",
                        consume=True,
                    )
                else:
                    pieces = [sel] if mode == "replace" else [*a.content, sel]
                    act(
                        lambda who: ctx.svc.set_content(aid, index, pieces, analyst=who),
                        f"Content of #{index + 1} changed",
                        consume=True,
                    )
    else:
        kind = st.selectbox("Kind", [k for k in KINDS if k != a.kind], key=f"{K}_at_kind")
        if st.button("Save", key=f"{K}_at_save_kind", type="primary"):
            act(lambda who: ctx.svc.set_kind(aid, index, kind, analyst=who), f"#{index + 1} is now {kind}")
    _cancel(f"{K}_at_cancel")


def show_dialog(ctx: Ctx) -> None:
    """Open the dialog named in session state (it stays open across its own reruns)."""
    d = st.session_state.get(DIALOG)
    if not isinstance(d, dict) or d.get("article", ctx.article.id) != ctx.article.id:
        return
    name = d["name"]
    try:
        if name == "add_entity":
            dialog_add_entity(ctx, d["span"])
        elif name == "add_note":
            dialog_add_note(ctx, d.get("span"))
        elif name == "relabel":
            dialog_relabel(ctx, d["index"])
        elif name == "merge":
            dialog_merge(ctx)
        elif name == "split":
            dialog_split(ctx)
        elif name == "group_edit":
            dialog_group_edit(ctx)
        elif name == "attribution":
            dialog_attribution(ctx, d["index"])
    except IndexError:  # the item changed under the form (another analyst, an undo): start again
        close_dialog()


# ---- the panels --------------------------------------------------------------------------------


_origin = origin_label  # the old name (components.annotate_tables holds it)


def provenance_panel(ctx: Ctx) -> None:
    p = ctx.provenance
    ent_a = sum(o.by == ANALYST for o in p.entities)
    att_a = sum(o.by == ANALYST for o in p.attributions)
    grp_a = sum(o.by == ANALYST for o in p.groups)
    cols = st.columns(5)
    cols[0].metric("Entities: model", len(p.entities) - ent_a)
    cols[1].metric("Entities: analyst", ent_a, help=f"{len(p.removed_entities)} removed by analysts")
    cols[2].metric("Attributions: model", len(p.attributions) - att_a)
    cols[3].metric("Attributions: analyst", att_a, help=f"{len(p.removed_attributions)} removed by analysts")
    cols[4].metric("Groups changed", grp_a)
    if p.removed_entities or p.removed_attributions:
        st.caption(
            f"Removed by analysts: {len(p.removed_entities)} entities, {len(p.removed_attributions)} attributions."
        )
    for u in ctx.unanchored:
        st.warning(
            f"Correction #{u.correction.id} no longer fits the text after re-analysis: "
            f"{md(u.correction.summary)} — {md(u.reason)}"
        )


def follow_selection(ctx: Ctx) -> None:
    """A new selection that is an entity mention, or lies in an attribution, picks it in the lists."""
    if ctx.sel is None or st.session_state.get(f"{K}_followed") == (ctx.sel_raw or {}).get("seq"):
        return
    st.session_state[f"{K}_followed"] = (ctx.sel_raw or {}).get("seq")
    sel = ctx.sel
    for i, e in enumerate(ctx.analysis.entities):
        if (e.start, e.end) == (sel.start, sel.end):
            st.session_state[f"{K}_ent_pick"] = i
    for i, a in enumerate(ctx.analysis.attributions):
        spans = [*a.content, a.cue] + ([a.source] if a.source else [])
        if any(sp.start <= sel.start and sel.end <= sp.end for sp in spans):
            st.session_state[f"{K}_att_pick"] = i
            break


def entities_tab(ctx: Ctx) -> None:
    ents = ctx.analysis.entities
    if not ents:
        st.caption("No entities in this article.")
    else:
        st.dataframe(entity_rows(ctx.text, ctx.analysis, ctx.provenance), hide_index=True, width="stretch",
                     height=260)
        idx = st.selectbox(
            "Entity mention",
            range(len(ents)),
            format_func=lambda i: f"#{i + 1} {ctx.quote(ents[i].span)} ({ents[i].label}) at {ents[i].start}",
            key=f"{K}_ent_pick",
        )
        c1, c2 = st.columns(2)
        if c1.button("Change type…", key=f"{K}_ent_relabel", icon=":material/edit:", width="stretch",
                     disabled=read_only()):
            open_dialog("relabel", index=idx, article=ctx.article.id)
        if c2.button("Remove", key=f"{K}_ent_remove", icon=":material/delete:", width="stretch",
                     disabled=read_only()):
            e = ents[idx]
            act(
                lambda who: ctx.svc.remove_entity(ctx.article.id, e.span, analyst=who),
                f"Entity {ctx.mdquote(e.span)} removed",
            )
    st.markdown("**Entities (groups of mentions)**")
    groups = ctx.analysis.groups
    if groups:
        st.dataframe(group_rows(ctx.analysis, ctx.provenance), hide_index=True, width="stretch", height=200)
    c1, c2, c3 = st.columns(3)
    if c1.button("Merge two…", key=f"{K}_grp_merge", disabled=len(groups) < 2 or read_only(), width="stretch"):
        open_dialog("merge", article=ctx.article.id)
    if c2.button("Split one…", key=f"{K}_grp_split", disabled=not groups or read_only(), width="stretch"):
        open_dialog("split", article=ctx.article.id)
    if c3.button("Rename / retype…", key=f"{K}_grp_edit", disabled=not groups or read_only(), width="stretch"):
        open_dialog("group_edit", article=ctx.article.id)


def attributions_tab(ctx: Ctx) -> None:
    atts = ctx.analysis.attributions
    if not atts:
        st.caption("No attributions in this article.")
        return
    st.dataframe(attribution_rows(ctx.text, ctx.analysis, ctx.provenance), hide_index=True, width="stretch",
                 height=260)
    idx = st.selectbox(
        "Attribution",
        range(len(atts)),
        format_func=lambda i: attribution_title(ctx.text, atts[i], i + 1),
        key=f"{K}_att_pick",
    )
    c1, c2 = st.columns(2)
    if c1.button("Correct…", key=f"{K}_att_edit", icon=":material/edit:", width="stretch",
                 disabled=read_only()):
        open_dialog("attribution", index=idx, article=ctx.article.id)
    if c2.button("Delete", key=f"{K}_att_delete", icon=":material/delete:", width="stretch",
                 disabled=read_only()):
        act(lambda who: ctx.svc.delete_attribution(ctx.article.id, idx, analyst=who), f"Attribution #{idx + 1} deleted")


def _apply_tags(ctx: Ctx, key: str) -> None:
    """on_change of the tag box: add and remove the difference (messages shown after the rerun)."""
    who = state.user()
    wanted = set(st.session_state.get(key) or [])
    have = {t.tag for t in ctx.svc.tags(ctx.article.id)}
    why = refusal()
    if why or who is None:
        st.session_state[f"{K}_tag_error"] = why
        st.session_state[key] = sorted(have)
        return
    try:
        for t in sorted(wanted - have):
            ctx.svc.add_tag(ctx.article.id, t, analyst=who)
        for t in sorted(have - wanted):
            ctx.svc.remove_tag(ctx.article.id, t, analyst=who)
    except SourcelightError as exc:
        st.session_state[f"{K}_tag_error"] = str(exc)
    else:
        st.session_state[f"{K}_toast"] = "Tags saved"
    st.session_state[key] = sorted(t.tag for t in ctx.svc.tags(ctx.article.id))


def notes_tab(ctx: Ctx) -> None:
    key = f"{K}_tags_{ctx.article.id}"
    tags = ctx.svc.tags(ctx.article.id)
    if key not in st.session_state:
        st.session_state[key] = [t.tag for t in tags]
    known = sorted({t.tag for t in ctx.svc.all_tags()} | set(st.session_state[key]))
    st.multiselect(
        "Tags",
        known,
        key=key,
        accept_new_options=True,
        on_change=_apply_tags,
        args=(ctx, key),
        placeholder="type a tag, e.g. disinformation",
        help="Type a new tag and press Enter",
        disabled=state.user() is not None and not state.can("annotate"),
    )
    err = st.session_state.pop(f"{K}_tag_error", None)
    if err:
        st.error(md(err))
    if tags:
        st.caption(" · ".join(f"{md(t.tag)} (by {md(t.analyst)})" for t in tags))
    events = ctx.svc.tag_history(ctx.article.id)
    if events:
        with st.expander(f"Tag history ({len(events)})"):
            st.text("\n".join(f"{e.at} · {e.analyst} {'added' if e.action == 'add' else 'removed'} {e.tag}"
                               for e in events[:200]))
    st.markdown("**Notes**")
    who = state.user()
    # Only the notes this user may read: shareable ones and their own private ones (components/).
    notes = ctx.svc.notes(ctx.article.id, reader=who)
    if not notes:
        st.caption("No notes yet.")
    for n in notes:
        with st.container(border=True):
            where = f"on {ctx.mdquote(n.span)}" if n.span else "on the article"
            share = "shareable" if n.shareable else "private"
            st.markdown(f"{md(n.text)}  \n*{md(n.analyst)}, {md(n.at)} · {where} · {share}*")
            mine = who is not None and who.name == n.analyst and who.can("annotate")
            if (mine or state.can("undo_any")) and st.button("Delete note", key=f"{K}_note_del_{n.id}"):
                act(lambda who, nid=n.id: ctx.svc.delete_note(nid, analyst=who), "Note deleted")
    if refusal() is None and st.button(
        "Add a note on the article", key=f"{K}_add_anote", icon=":material/sticky_note_2:"
    ):
        open_dialog("add_note", span=None, article=ctx.article.id)


def history_tab(ctx: Ctx) -> None:
    history = ctx.svc.history(ctx.article.id)
    if not history:
        st.caption("No changes yet: everything shown is the model's output.")
        return
    for c in history[:200]:
        cols = st.columns([5, 1], vertical_alignment="center")
        status = "active" if c.active else f"undone (#{c.undone_by})"
        if c.target == "correction":
            status = c.action
        cols[0].markdown(f"**#{c.id}** · {md(c.analyst)} · {md(c.at)} · {status}  \n{md(c.summary)}")
        if c.target in ("correction", "article"):  # article: a metadata edit, changed again on the Library page
            continue
        # An analyst undoes their own changes; anyone's needs an editor (checked again in components/).
        allowed = refusal() is None and (state.can("undo_any") or c.analyst == state.analyst())
        why = None if allowed else (refusal() or f"{c.analyst}'s change: only an editor can undo it")
        if c.active:
            if cols[1].button("Undo", key=f"{K}_undo_{c.id}", disabled=not allowed, help=why):
                act(lambda who, cid=c.id: ctx.svc.undo(cid, who), f"Correction #{c.id} undone")
        elif cols[1].button("Redo", key=f"{K}_redo_{c.id}", disabled=not allowed, help=why):
            act(lambda who, cid=c.id: ctx.svc.redo(cid, who), f"Correction #{c.id} redone")


def export_tab(ctx: Ctx) -> None:
    st.markdown("**This article** (model output with analysts' corrections and provenance)")
    export_buttons([ctx.article.id], key=f"{K}_exp_article", name=f"sourcelight-{ctx.article.id[:16]}")
    st.markdown("**The whole library** (every analysed article)")
    export_buttons(None, key=f"{K}_exp_library", name="sourcelight-library")


# ---- the page ----------------------------------------------------------------------------------


def page() -> None:
    toast = st.session_state.pop(f"{K}_toast", None)
    if toast:
        st.toast(toast, icon=":material/check_circle:")  # what it quotes is escaped where it is made
    st.title("Annotate")
    article_id = choose_article()
    if article_id is None:
        return
    if st.session_state.get(f"{K}_current") != article_id:
        if st.session_state.get(f"{K}_current") is not None:
            for k in (DIALOG, f"{K}_draft", f"{K}_ent_pick", f"{K}_att_pick"):
                st.session_state.pop(k, None)
        st.session_state[f"{K}_current"] = article_id
    try:
        with pending.waiting(key=K, retry_ids=[article_id]) as wait:
            opened = state.open_effective(article_id)
    except SourcelightError as exc:
        st.error(md(exc))
        return
    if wait.shown:
        return
    if opened is None:
        st.error(f"Article {md(article_id)} is not in the library.")
        return
    article, eff = opened
    ctx = Ctx(article, eff, state.get_corrections())
    why = refusal()
    if why:
        st.info(why, icon=":material/badge:")
    provenance_panel(ctx)
    text_col, side = st.columns([3, 2], gap="large")
    with text_col:
        article_panel(ctx)
    # A signed-in viewer gets no editing controls (single-user mode keeps them, asking for a name).
    viewer = read_only()
    if not viewer:
        with st.sidebar:
            selection_panel(ctx)
        follow_selection(ctx)
    with side:
        tabs = st.tabs(["Entities", "Attributions", "Notes & tags", "History", "Export"])
        with tabs[0]:
            entities_tab(ctx)
        with tabs[1]:
            attributions_tab(ctx)
        with tabs[2]:
            notes_tab(ctx)
        with tabs[3]:
            history_tab(ctx)
        with tabs[4]:
            export_tab(ctx)
    if not viewer:
        show_dialog(ctx)


page()
