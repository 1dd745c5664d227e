"""Checks of what an analyst types or chooses, each raising one clear ``BadInput`` (or
``Forbidden`` for a role that lacks the right): analyst name, entity label, group or source name,
attribution kind, source type, the layout of an attribution's spans, and ``normalise_tag``.

May import components.access, components.errors, components.records and
components.corrections.anchoring; never the database or the service.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from components.access import User, require
from components.corrections.anchoring import _overlap, _quote
from components.errors import BadInput
from components.records import KINDS, SOURCE_TYPES, Span

_LABEL = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$")


def normalise_tag(tag: str) -> str:
    """A tag as stored: lower case, single spaces, at most 60 characters.

    Raises:
        components.errors.BadInput: empty or too long.
    """
    t = " ".join(str(tag).split()).lower()
    if not t:
        raise BadInput("tag is empty: type a word such as 'disinformation'")
    if len(t) > 60:
        raise BadInput(f"tag {_quote(t)} is {len(t)} characters long: keep it under 60")
    return t


def _check_analyst(analyst: str | User, permission: str = "annotate") -> str:
    """The acting analyst's name, once their role is checked (a signed-in ``User``); a bare name is
    a local caller with every right (single-user mode, the CLI: see ``components.access.as_user``).

    Raises:
        components.access.Forbidden: the user's role lacks ``permission``.
    """
    if isinstance(analyst, User):
        require(analyst, permission)
        analyst = analyst.name
    name = " ".join(str(analyst or "").split())
    if not name:
        raise BadInput("no analyst name: say who you are (the name in the sidebar) before changing anything")
    if len(name) > 100:
        raise BadInput(f"analyst name {_quote(name)} is longer than 100 characters")
    return name


def _check_label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.match(label):
        raise BadInput(f"entity label {label!r} is not valid: use an upper-case label such as PERSON, ORG or GPE")
    return label


def _check_name(name: str, what: str = "name") -> str:
    n = " ".join(str(name or "").split())
    if not n:
        raise BadInput(f"{what} is empty")
    if len(n) > 200:
        raise BadInput(f"{what} {_quote(n)} is longer than 200 characters")
    return n


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(f"attribution kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _check_source_type(source_type: str | None) -> str | None:
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise BadInput(f"source type {source_type!r} is not one of {', '.join(SOURCE_TYPES)} (or none)")
    return source_type


def _check_attr_layout(source: Span | None, cue: Span, content: Sequence[Span]) -> None:
    if not content:
        raise BadInput("an attribution needs at least one content span (what was said)")
    pieces = sorted(content)
    for a, b in zip(pieces, pieces[1:], strict=False):
        if _overlap(a, b):
            raise BadInput(f"content spans [{a.start}, {a.end}) and [{b.start}, {b.end}) overlap")
    for piece in pieces:
        if _overlap(cue, piece):
            raise BadInput(f"the cue [{cue.start}, {cue.end}) overlaps the content [{piece.start}, {piece.end})")
        if source is not None and _overlap(source, piece):
            raise BadInput(
                f"the source [{source.start}, {source.end}) overlaps the content [{piece.start}, {piece.end})"
            )
    if source is not None and _overlap(source, cue):
        raise BadInput(f"the source [{source.start}, {source.end}) overlaps the cue [{cue.start}, {cue.end})")
