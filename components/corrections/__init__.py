"""Analyst corrections, notes and tags: a layer over the model's output, never an edit of it.

Each change an analyst makes (relabel, remove or add an entity; merge, split, rename a group;
change an attribution's source, cue, content or kind; delete or add one; undo) is one row of the
``corrections`` table, inserted in its own transaction with who, when and before → after. Nothing
is ever read, modified and written back as a shared blob, so two analysts saving at the same moment
both keep their work, and a process killed mid-save leaves either the whole row or nothing. A
correction names its target by character spans and the text they covered, never by list position:
:func:`apply_corrections` replays the active ones over any analysis of the article (a newer pipeline
included), re-anchors spans whose text moved, and reports — never silently drops — those whose
target is gone. The result is a new ``Analysis`` plus the provenance (model, or analyst + who +
when) of every entity, group and attribution. Notes (on a passage or the whole article, shareable
or private: a private note is read only by its author, on every read path) and tags (with a
history of who added and removed each) live beside them in the same database. A method given a
signed-in ``components.access.User`` checks the user's role first. :class:`CorrectionsService` is the
API the app and the CLI call to make changes; every view reads the result through
``components.effective`` (one read path).
"""
from __future__ import annotations

from components.corrections.anchoring import RELOCATE_WINDOW, SpanInput, anchor_span, check_span
from components.corrections.records import (
    ANALYST,
    ATTRIBUTION_ACTIONS,
    ENTITY_ACTIONS,
    GROUP_ACTIONS,
    MODEL,
    UNDO_ACTIONS,
    Correction,
    EffectiveAnalysis,
    Moved,
    Note,
    Origin,
    Provenance,
    Tag,
    TagCount,
    TagEvent,
    Unanchored,
)
from components.corrections.replay import apply_corrections, resolve_active
from components.corrections.schema import (
    corrections_table,
    ensure_tables,
    metadata,
    notes_table,
    tag_events_table,
    tags_table,
)
from components.corrections.service import CorrectionsService
from components.corrections.validation import normalise_tag

__all__ = [
    "ANALYST",
    "ATTRIBUTION_ACTIONS",
    "ENTITY_ACTIONS",
    "GROUP_ACTIONS",
    "MODEL",
    "RELOCATE_WINDOW",
    "UNDO_ACTIONS",
    "Correction",
    "CorrectionsService",
    "EffectiveAnalysis",
    "Moved",
    "Note",
    "Origin",
    "Provenance",
    "SpanInput",
    "Tag",
    "TagCount",
    "TagEvent",
    "Unanchored",
    "anchor_span",
    "apply_corrections",
    "check_span",
    "corrections_table",
    "ensure_tables",
    "metadata",
    "normalise_tag",
    "notes_table",
    "resolve_active",
    "tag_events_table",
    "tags_table",
]
