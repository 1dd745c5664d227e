"""One line per correction for the history view: what changed, before → after.

``Correction.summary`` reads it. May import components.corrections.anchoring (and the records,
for type hints only); nothing that reads or writes the database.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.corrections.anchoring import _quote

if TYPE_CHECKING:
    from components.corrections.records import Correction


def _summary(c: Correction) -> str:
    b, a, s = c.before, c.after, c.spans

    def q(t: Any) -> str:
        return _quote(t[2]) if isinstance(t, list | tuple) and len(t) == 3 else "none"

    key = (c.target, c.action)
    if c.target == "correction":
        return f"{c.action} #{s.get('correction', c.reverts)}: {b.get('summary', '')}"
    if key == ("story", "move"):
        return f"moved the article from story {b.get('story')} to {a.get('story')}"
    if key == ("story", "split"):
        return f"split {len(s.get('articles', []))} article(s) out of story {b.get('story')} into {a.get('story')}"
    if key == ("article", "edit"):
        return "edited " + "; ".join(f"{k}: {_quote(str(b.get(k, '')))} → {_quote(str(v))}" for k, v in a.items())
    if key == ("entity", "relabel"):
        return f"entity {q(s['entity'])}: {b.get('label')} → {a.get('label')}"
    if key == ("entity", "delete"):
        return f"removed entity {q(s['entity'])} ({b.get('label')})"
    if key == ("entity", "add"):
        return f"added entity {q(s['entity'])} ({a.get('label')})"
    if key == ("entity", "relabel_all"):
        return f"every {_quote(s['text'])} → {a.get('label')} ({len(b.get('mentions', []))} mentions)"
    if key == ("group", "merge"):
        return f"merged {_quote(b.get('other', {}).get('name', ''))} into {_quote(b.get('group', {}).get('name', ''))}"
    if key == ("group", "split"):
        return f"split {a.get('name')!r} out of {_quote(b.get('name', ''))}"
    if key == ("group", "rename"):
        return f"renamed {_quote(b.get('name', ''))} → {_quote(a.get('name', ''))}"
    if key == ("group", "relabel"):
        return f"group {_quote(b.get('name', ''))}: {b.get('label')} → {a.get('label')}"
    cue = q(s.get("cue"))
    if key == ("attribution", "set_source"):
        return f"source of {cue}: {q(b.get('source'))} ({b.get('source_canonical')}) → " + (
            f"{q(a.get('source', b.get('source')))} ({a.get('source_canonical', b.get('source_canonical'))})"
        )
    if key == ("attribution", "set_cue"):
        return f"cue {cue} → {q(a.get('cue'))}"
    if key == ("attribution", "set_content"):
        return f"content of {cue}: {' … '.join(q(t) for t in b.get('content', []))} → " + " … ".join(
            q(t) for t in a.get("content", [])
        )
    if key == ("attribution", "set_kind"):
        return f"kind of {cue}: {b.get('kind')} → {a.get('kind')}"
    if key == ("attribution", "delete"):
        return f"removed attribution {cue} ({b.get('source_canonical') or q(b.get('source'))})"
    if key == ("attribution", "add"):
        return f"added attribution {cue} ({a.get('source_canonical') or q(a.get('source'))}, {a.get('kind')})"
    return f"{c.target} {c.action}"
