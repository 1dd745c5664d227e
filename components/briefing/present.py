"""Briefing mode's state and steps (the app's ``/present`` page), without Streamlit.

Holds :class:`PresentState`, what briefing mode shows as carried in its URL (a deep link),
:func:`presentation_steps`, the attributions it steps through in reading order, and
:func:`apply_presses`, the browser's numbered key presses and clicks applied one by one. May import
:mod:`components.briefing.common`, :mod:`components.briefing.model`, :mod:`components.records`,
:mod:`components.sources` and :mod:`components.errors`; never the store or a writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from components.briefing.common import PRESENT_VIEWS
from components.briefing.model import reading_order
from components.errors import BadInput
from components.records import Attribution
from components.sources import source_names


@dataclass(frozen=True)
class PresentState:
    """What briefing mode shows, as carried in its URL (a deep link).

    Attributes:
        article: the article id (``?article=``).
        view: which attributions to step through: ``"all"`` or one kind (``?view=``).
        source: only this source's attributions (``?source=``), None for every source.
        step: 0 for the overview (nothing spotlighted), else 1.. the step (``?step=``).
        notes: show the notes marked shareable (``?notes=1``).
        picks: only these attributions (indices from 0, ``?atts=3,7,12``); empty for no hand-picking.
    """

    article: str | None = None
    view: str = "all"
    source: str | None = None
    step: int = 0
    notes: bool = False
    picks: tuple[int, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> PresentState:
        """Read a deep link's query parameters; bad values fall back to the defaults."""

        def one(key: str) -> str | None:
            v = params.get(key)
            if isinstance(v, list | tuple):
                v = v[-1] if v else None
            return None if v is None else str(v)

        view = one("view") or "all"
        try:
            step = max(int(one("step") or 0), 0)
        except ValueError:
            step = 0
        picks = sorted({int(p) for p in (one("atts") or "").split(",") if p.strip().isdigit()})
        return cls(
            article=one("article") or None,
            view=view if view in PRESENT_VIEWS else "all",
            source=(one("source") or "").strip() or None,
            step=step,
            notes=(one("notes") or "").lower() in ("1", "true", "yes", "on"),
            picks=tuple(picks),
        )

    def params(self) -> dict[str, str]:
        """The query parameters of this state (defaults left out, so links stay short)."""
        out: dict[str, str] = {}
        if self.article:
            out["article"] = self.article
        if self.view != "all":
            out["view"] = self.view
        if self.source:
            out["source"] = self.source
        if self.step:
            out["step"] = str(self.step)
        if self.notes:
            out["notes"] = "1"
        if self.picks:
            out["atts"] = ",".join(str(i) for i in sorted(self.picks))
        return out

    def stepped(self, delta: int, total: int) -> PresentState:
        """The state ``delta`` steps on, kept within 0..``total``."""
        return replace(self, step=min(max(self.step + delta, 0), total))


#: What one press asks for: a step on, a step back, or the overview (Home).
PRESS_DELTAS: dict[str, int | None] = {"next": 1, "prev": -1, "home": None}


def apply_presses(
    state: PresentState, presses: Any, after: int, total: int
) -> tuple[PresentState, int]:
    """Apply, in order, the presses numbered above ``after``; return the new state and the last number.

    The browser numbers every press (1, 2, 3...) and sends its recent ones as ``[[number, what],
    ...]`` with each request, so presses sent while the page was still drawing are counted
    however many requests the server merged. Anything malformed (from a hand-made request) is
    skipped, never raised: a press the page did not send changes nothing.

    Args:
        state: what is on screen.
        presses: the browser's list of ``[number, what]``, ``what`` one of :data:`PRESS_DELTAS`.
        after: the number of the last press already applied.
        total: how many steps there are.
    """
    last = after
    if not isinstance(presses, (list, tuple)):
        return state, last
    for item in presses:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            continue
        number, what = item
        if type(number) is not int or number <= last or what not in PRESS_DELTAS:
            continue
        delta = PRESS_DELTAS[what]
        state = replace(state, step=0) if delta is None else state.stepped(delta, total)
        last = number
    return state, last


def presentation_steps(
    text: str,
    attributions: Sequence[Attribution],
    *,
    source: str | None = None,
    view: str = "all",
    picks: Sequence[int] = (),
) -> list[int]:
    """The attribution indices briefing mode steps through, in reading order.

    Args:
        text: the article's canonical text.
        attributions: its attributions.
        source: only attributions citing this canonical source (as in the breakdown).
        view: ``"all"`` or one kind (``"direct"``, ``"indirect"``, ``"mixed"``).
        picks: only these indices, when given (hand-picked); indices out of range are ignored.

    Raises:
        BadInput: ``view`` is not one of :data:`PRESENT_VIEWS`.
    """
    if view not in PRESENT_VIEWS:
        raise BadInput(f"view {view!r}: choose one of {', '.join(PRESENT_VIEWS)}")
    chosen = set(picks)
    return [
        i
        for i in reading_order(attributions)
        if (view == "all" or attributions[i].kind == view)
        and (source is None or source in source_names(attributions[i], text))
        and (not chosen or i in chosen)
    ]
