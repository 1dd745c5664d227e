"""Who said what: rule-based attribution extraction over a spaCy parse.

``extract_attributions(doc, groups=None)`` returns ``Attribution`` records (source, canonical
name and type, cue, content pieces, kind, nesting) with character offsets into ``doc.text``;
canonical names come from the article's entity groups (made from ``doc`` when not given, so the
command line and the app's analysis name sources the same way);
``to_contract`` turns one into the JSON object of the ``attribute`` command-line contract.
``RULES_VERSION`` is part of a stored analysis's version key: bump it whenever the rules or the
data files in ``data/`` change what is extracted.
"""
from __future__ import annotations

from components.attribution.extract import extract_attributions
from components.records import Attribution

# 6: speaker resolution, round 2; 7: German „…“ quotes paired (components.quotemarks);
# 8: sources named through the entity groups on every path (CLI and app), a group whose full
# name is a PERSON is a person; 11: a person title in apposition makes a person, 'this person'
# and 'one of them' point back, sentences cut at paragraph breaks, two reports kept apart, a
# that-less clause parsed as the cue's clausal subject is its content.
RULES_VERSION = "attribution-rules-11"

__all__ = ["RULES_VERSION", "extract_attributions", "to_contract"]


def to_contract(attr: Attribution, text: str, index_map: dict[int, int] | None = None) -> dict:
    """The contract's JSON object for one attribution.

    Args:
        attr: the attribution.
        text: the article's canonical text (the offsets point into it).
        index_map: when the caller drops or reorders attributions, maps an old list index to
            the new one so ``nested_in`` still points at the right item; an index missing from
            the map becomes ``None``.

    Returns:
        ``{source, source_span, source_canonical, source_type, source_status,
        source_antecedent_span, cue, cue_span, content_span, type, nested_in}`` with
        ``[start, end)`` character offsets; ``source_status`` is ``named``, ``resolved`` or
        ``unresolved``.
    """
    nested = attr.nested_in
    if nested is not None and index_map is not None:
        nested = index_map.get(nested)
    return {
        "source": attr.source.text(text) if attr.source else None,
        "source_span": attr.source.as_list() if attr.source else None,
        "source_canonical": attr.source_canonical,
        "source_type": attr.source_type,
        "source_status": attr.source_status,
        "source_antecedent_span": (attr.source_antecedent_span.as_list()
                                   if attr.source_antecedent_span else None),
        "cue": attr.cue.text(text),
        "cue_span": attr.cue.as_list(),
        "content_span": attr.content_span.as_list(),
        "type": attr.kind,
        "nested_in": nested,
    }
