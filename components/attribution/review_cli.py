"""The ``review`` verb: one article's review queue on the command line, and the page's decisions.

``python -m components review ARTICLE_ID [--json]`` prints the queue the Review page steps through
(``components.attribution.review.article_queue``, the one read path): for each item its place in
the queue (``item``, from 1, as the page's ``/review?item=N``), the attribution (``index`` from 0,
as ``/read?att=``, and ``#N`` from 1 in the text), the source as written and as shown, its status,
why it is in doubt, and the ranked candidates with the reason for each. ``--item N`` with
``--choose K``, ``--accept`` or ``--keep-unresolved`` records the same ``set_source`` correction the
page's keys record (``review.choose`` / ``review.accept``: history, undo), with the analyst named
by the caller. A settled item leaves the queue, so the items after it move up one place. Bad input
(an unknown article, a place or candidate that is not offered, a decision that does not fit the
item) is a ``BadInput``: one line and exit status 2. Never imports Streamlit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TextIO

from components.attribution import to_contract
from components.attribution.review import ReviewItem, accept, article_queue, choose
from components.corrections import Correction, CorrectionsService
from components.errors import BadInput
from components.records import Article

_NUMBER = re.compile(r"[0-9]{1,9}")


def item_record(item: ReviewItem, text: str, place: int) -> dict:
    """The JSON object of one queue item (``place`` counts from 1)."""
    a = item.attribution
    return {
        "item": place,
        "index": item.index,
        "source": item.phrase,
        "shown_as": a.source_canonical,
        "source_status": a.source_status,
        "flags": list(item.flags),
        "reasons": list(item.reasons),
        "attribution": to_contract(a, text),
        "candidates": [
            {"number": n, "name": c.name, "source_type": c.source_type, "reason": c.reason, "current": c.chosen,
             "group": c.group, "mention_span": c.mention.as_list() if c.mention else None}
            for n, c in enumerate(item.candidates, 1)
        ],
    }


def queue_lines(article: Article, items: list[ReviewItem]) -> list[str]:
    """The queue as text: one block per item, its candidates numbered as the page's keys 1–5."""
    text = article.text
    head = f"{article.title or article.id} ({article.id}): "
    if not items:
        return [head + "nothing to review (every source is named, resolved with confidence, or settled)"]
    lines = [head + f"{len(items)} attribution{'s' if len(items) != 1 else ''} to review"]
    for place, item in enumerate(items, 1):
        a = item.attribution
        shown = f"{a.source_canonical} ({a.source_status})" if a.source_canonical else "nobody yet (unresolved)"
        lines.append(f"{place}. #{item.index + 1} “{item.phrase}” → {shown} · cue “{a.cue.text(text)}”")
        lines.append(f"   why: {item.why}")
        for n, c in enumerate(item.candidates, 1):
            mark = " · current" if c.chosen else ""
            lines.append(f"   {n} {c.name} ({c.source_type or 'no type'}){mark}: {c.reason}")
        if not item.candidates:
            lines.append("   (no person or body of the article fits this source)")
    return lines


def _number(raw: str, what: str) -> int:
    if not _NUMBER.fullmatch(raw or ""):
        raise BadInput(f"{what} {raw!r} is not a whole number from 1")
    return int(raw)


def decide(
    svc: CorrectionsService, article_id: str, items: list[ReviewItem], place: str, *,
    choice: str | None, keep_unresolved: bool, analyst: str,
) -> Correction:
    """Record one decision on item ``place`` of the queue, as the page does.

    Args:
        place: the item's place in the queue, from 1 (as printed, and as ``/review?item=``).
        choice: the candidate's number (from 1), or None to accept the machine's choice.
        keep_unresolved: accept an unresolved source as the text leaving it open.

    Raises:
        components.errors.BadInput: no such item or candidate, or ``keep_unresolved`` for an
            item the machine resolved.
    """
    n = _number(place, "--item")
    if not 1 <= n <= len(items):
        has = f"items 1 to {len(items)}" if items else "it is empty"
        raise BadInput(f"--item {n}: not a place in the review queue of article {article_id} ({has})")
    item = items[n - 1]
    if choice is not None:
        return choose(svc, article_id, item, _number(choice, "--choose"), analyst)
    if keep_unresolved and item.chosen is not None:
        raise BadInput(f"--keep-unresolved: item {n} (#{item.index + 1}) is resolved to {item.chosen.name}; "
                       "--accept it or --choose another candidate")
    return accept(svc, article_id, item, analyst)


def run_review(
    store, version: str, article_id: str, *, out: TextIO, as_json: bool = False, place: str | None = None,
    choice: str | None = None, accept_it: bool = False, keep_unresolved: bool = False,
    analyst: Callable[[], str] | None = None,
) -> int:
    """The ``review`` verb over an analysed article (exit status 0; bad input raises ``BadInput``).

    ``analyst`` is asked for the acting analyst's name only when a decision is to be recorded.
    """
    deciding = choice is not None or accept_it or keep_unresolved
    if place is not None and not deciding:
        raise BadInput("--item says which item to decide: add --choose K, --accept or --keep-unresolved")
    if deciding and place is None:
        raise BadInput("say which item to decide with --item N (its place in the queue, as listed)")
    article, items = article_queue(store, version, article_id)
    if deciding:
        svc = CorrectionsService(store, version)
        who = analyst() if analyst is not None else ""
        c = decide(svc, article_id, items, place, choice=choice, keep_unresolved=keep_unresolved, analyst=who)
        left = len(article_queue(store, version, article_id)[1])
        if as_json:
            print(json.dumps({"id": c.id, "article_id": c.article_id, "analyst": c.analyst, "at": c.at,
                              "action": c.action, "before": c.before, "after": c.after, "left": left},
                             ensure_ascii=False), file=out)
        else:
            print(f"#{c.id} {c.summary} ({c.analyst}, {c.at}); {left} left to review", file=out)
        return 0
    if as_json:
        print(json.dumps({"article_id": article.id, "title": article.title,
                          "items": [item_record(it, article.text, n) for n, it in enumerate(items, 1)]},
                         ensure_ascii=False), file=out)
    else:
        print("\n".join(queue_lines(article, items)), file=out)
    return 0
