"""A briefing as Markdown (CommonMark/GFM): tables for the breakdowns, block quotes for the quotes.

Holds :func:`to_markdown` and :func:`md`, which backslash-escapes every character of article text
that could become markup (so no article can inject links, HTML or formatting). May import
:mod:`components.briefing.common`, :mod:`components.briefing.model` and :mod:`components.charts`;
never the store or another writer.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from components.briefing.common import _squash, safe_url
from components.briefing.model import Briefing
from components.charts import type_label

# Markdown that text could trigger mid-line: emphasis, code, links and images ([ ]), HTML and
# autolinks (< >), entities (&), tables (|), strike-through (~), maths ($) and headings (#).
# Line-start markers (- + = > 1. 1)) are escaped too, for text that opens a line (a byline).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(text: str) -> str:
    """Text for Markdown: whitespace squashed and every character that could be markup escaped,
    including a list or heading marker it starts with ("1. Evil outlet" stays text)."""
    out = _MD_SPECIAL.sub(r"\\\1", _squash(str(text)))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)


def _md_url(url: str) -> str:
    """A URL safe inside ``[text](URL)``: spaces, brackets and parentheses percent-encoded."""
    return quote(url, safe=":/?&=#%+,;@!$'*~.-_")


def _md_link(url: str | None, text: str) -> str:
    url = safe_url(url or "")
    return f"[{md(text)}]({_md_url(url)})" if url else md(text)


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown (CommonMark/GFM): tables for the breakdowns, block quotes for quotes.

    Text from articles is backslash-escaped, so no article can inject links, HTML or formatting.
    """
    count = f"{len(briefing.items)} article{'s' * (len(briefing.items) != 1)} · {briefing.quote_count} quotes"
    out = [f"# {md(briefing.title)}", "", f"*Prepared {md(briefing.created)} with Sourcelight · {count}*", ""]
    for n, item in enumerate(briefing.items, 1):
        out.append(f"## {n}\\. {md(item.title)}")
        out.append("")
        links = [_md_link(item.link, "Open in Sourcelight")]
        if safe_url(item.url):
            links.append(_md_link(item.url, "Original"))
        meta = md(item.meta)
        out.append(f"{meta}{' · ' if meta else ''}{' · '.join(links)}")
        out.append("")
        out.append(f"**Sourcing profile:** {md(item.profile)}")
        out.append("")
        if item.sources:
            most = max(r.attributions for r in item.sources) or 1
            out.append("| Source | Type | Attributions | Direct | Indirect | Mixed | Words |" +
                       (" Chart |" if briefing.charts else ""))
            out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |" + (" --- |" if briefing.charts else ""))
            for r in item.sources:
                bar = f" {'█' * max(1, round(12 * r.attributions / most))} |" if briefing.charts else ""
                out.append(
                    f"| {md(r.source)} | {md(type_label(r.type))} | {r.attributions} | {r.direct} | {r.indirect} "
                    f"| {r.mixed} | {r.words} |{bar}"
                )
            out.append("")
        out.append("### Quotes")
        out.append("")
        if not item.quotes:
            out.extend(["*No quotes chosen.*", ""])
        for q in item.quotes:
            where = ", ".join(md(b) for b in (item.outlet, item.date) if b)
            nested = f", reported by {md(q.nested_in)}" if q.nested_in else ""
            out.append(f"> {md(q.quoted)}")
            out.append(">")
            out.append(
                f"> — **{md(q.source)}** ({md(type_label(q.source_type))}), {md(q.kind_phrase)}, cue “{md(q.cue)}”"
                f"{nested}{' · ' + where if where else ''} · {_md_link(q.link, f'#{q.index + 1} in the article')}"
            )
            out.append("")
        if item.notes:
            out.extend(["### Analyst notes", ""])
            for note in item.notes:
                on = f"On “{md(note.quote)}”: " if note.quote else ""
                out.append(f"- {on}{md(note.text)} — {md(note.analyst)}, {md(note.at[:10])}")
            out.append("")
        if item.similar or item.similar_note:
            out.extend(["### Similar articles", ""])
            if item.similar:
                for s in item.similar:
                    tail = ", ".join(md(b) for b in (s.outlet, s.date) if b)
                    out.append(f"- {_md_link(s.link, s.title)}{' — ' + tail if tail else ''}")
            else:
                out.append(f"*{md(item.similar_note)}*")
            out.append("")
    out.append(f"*Links open the articles in Sourcelight at {md(briefing.base_url)}.*")
    return "\n".join(out) + "\n"
