"""The tables of the Annotate page: entity mentions, entity groups and attributions, as frames.

Pure functions over an article's canonical text, its effective analysis (analysts' corrections
applied) and the provenance aligned with it (``components.corrections.Provenance``): one row per
item, in the analysis's order, with who it comes from ("model", or the last analyst and when).
The page (``dashboard/views/annotate.py``) only shows them with ``st.dataframe``. May import pandas,
``components.records`` and ``components.corrections`` (its ``ANALYST`` mark and records); never
Streamlit.
"""

from __future__ import annotations

import pandas as pd

from components.corrections import ANALYST, Origin, Provenance
from components.records import Analysis, Span

ENTITY_COLUMNS = ("#", "Text", "Type", "Entity", "At", "By")
GROUP_COLUMNS = ("Entity", "Type", "Mentions", "By")
ATTRIBUTION_COLUMNS = ("#", "Source", "Type", "Cue", "Kind", "Content", "By")


def origin_label(o: Origin) -> str:
    """``model``, or ``ANALYST_NAME, TIME`` of the last analyst who changed the item."""
    return "model" if o.by != ANALYST else f"{o.analyst}, {o.at}"


def quote(text: str, span: Span | None, limit: int = 60) -> str:
    """The words of ``span`` in ``text`` on one line, in curly quotes, cut at ``limit`` characters
    (``—`` for no span)."""
    if span is None:
        return "—"
    s = " ".join(text[span.start : span.end].split())
    return f"“{s if len(s) <= limit else s[: limit - 1] + '…'}”"


def group_name(analysis: Analysis, gid: str) -> str:
    """The name of the entity group ``gid`` (the id itself when no group has it)."""
    return next((g.name for g in analysis.groups if g.id == gid), gid)


def entity_rows(text: str, analysis: Analysis, provenance: Provenance) -> pd.DataFrame:
    """One row per entity mention: number, its text, type, the entity (group) it names, offset, by."""
    names = {}  # each group's name, looked up once (an article can have thousands of groups)
    for g in analysis.groups:
        names.setdefault(g.id, g.name)
    rows = [
        {
            "#": i + 1,
            "Text": text[e.start : e.end],
            "Type": e.label,
            "Entity": names.get(e.group, e.group),
            "At": e.start,
            "By": origin_label(o),
        }
        for i, (e, o) in enumerate(zip(analysis.entities, provenance.entities, strict=False))
    ]
    return pd.DataFrame(rows, columns=list(ENTITY_COLUMNS))


def group_rows(analysis: Analysis, provenance: Provenance) -> pd.DataFrame:
    """One row per entity group: its name, type, number of mentions, by."""
    rows = [
        {"Entity": g.name, "Type": g.label, "Mentions": len(g.mentions), "By": origin_label(o)}
        for g, o in zip(analysis.groups, provenance.groups, strict=False)
    ]
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def attribution_rows(text: str, analysis: Analysis, provenance: Provenance) -> pd.DataFrame:
    """One row per attribution: number, source (canonical name, else its words), source type, cue,
    kind, content (pieces joined by " … "), by."""
    rows = [
        {
            "#": i + 1,
            "Source": a.source_canonical or (quote(text, a.source) if a.source else "—"),
            "Type": a.source_type or "",
            "Cue": text[a.cue.start : a.cue.end],
            "Kind": a.kind,
            "Content": " … ".join(text[p.start : p.end] for p in a.content),
            "By": origin_label(o),
        }
        for i, (a, o) in enumerate(zip(analysis.attributions, provenance.attributions, strict=False))
    ]
    return pd.DataFrame(rows, columns=list(ATTRIBUTION_COLUMNS))
