"""``CorrectionsService``, the API the app and the CLI call to change what analysts corrected.

The class is the sum of its parts, one module each: entity and group edits, attribution edits,
history and undo, notes, tags, all on the ``_Ledger`` base that reads and appends rows. May import
those parts only.
"""
from __future__ import annotations

from components.corrections.attribution_edits import _AttributionEdits
from components.corrections.entity_edits import _EntityEdits
from components.corrections.history import _History
from components.corrections.notes import _Notes
from components.corrections.tags import _Tags


class CorrectionsService(_EntityEdits, _AttributionEdits, _History, _Notes, _Tags):
    """Corrections, notes and tags of the library in ``store``; the API the app and CLI call.

    Every write is one short transaction that inserts (or, for tags, deletes) rows and never
    rewrites a shared record, so concurrent analysts and killed processes lose nothing. Reads
    needed to validate a change are made before the write transaction opens.

    Args:
        store: the library (its engine holds the tables; they are created when missing).
        version: the analysis version corrections are made on and shown over (the app's pipeline);
            needed by the methods that read or change an article's analysis.
    """
