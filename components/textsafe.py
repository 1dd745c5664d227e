"""User-controlled text made safe to show: the one escaping function for Markdown, for every page.

Streamlit's Markdown (``st.markdown``, ``st.caption``, ``st.error``, widget labels, radio options,
toasts) renders links, images (a tracker fetched by every viewer's browser), ``:red[...]`` colour
directives, ``:material/...:`` icons and ``$...$`` LaTeX. Article titles, URLs, query parameters
(``?article=``, ``?source=``), note text, tags, analyst names and corrected source names are all
chosen by someone else, so each goes through ``md`` before it is put in Markdown: every character
that could start markup is backslash-escaped (so it shows as itself), line breaks become spaces,
bidirectional-override characters (which make "gpj.exe" read as "exe.jpg") are removed, and a
very long token gets zero-width break opportunities so it wraps instead of widening the page.
``plain`` does the last two only, for text elements that show characters as they are.
"""

from __future__ import annotations

import re

# Explicit bidirectional embeddings, overrides and isolates, and the directional marks.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Markup that can start anywhere in a line: emphasis, code, links and images, HTML and autolinks,
# headings, tables, strike-through, entities, Streamlit's :directives: and emoji codes and URL
# schemes (a colon before a letter or a slash) and $maths$ (each may be backslash-escaped in
# CommonMark); hyphens, dots, quotes and "a: b" colons are left alone so text reads as usual.
# Line-start markers (- + = > 1. 1)) are escaped where the text begins.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~$&@!]|:(?=[A-Za-z/]))")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")
#: A token longer than this gets a break opportunity every ``WRAP_EVERY`` characters.
LONG_TOKEN = 40
WRAP_EVERY = 20
_LONG = re.compile(rf"\S{{{LONG_TOKEN},}}")
_ZWSP = "\u200b"


def _wrap(token: re.Match) -> str:
    s = token.group(0)
    return _ZWSP.join(s[i : i + WRAP_EVERY] for i in range(0, len(s), WRAP_EVERY))


def plain(text: object) -> str:
    """``text`` with bidi controls removed and long tokens breakable; nothing else changed."""
    return _LONG.sub(_wrap, BIDI_CONTROLS.sub("", str(text)))


def md(text: object) -> str:
    """``text`` as literal Markdown on one line: whatever it holds renders as its characters
    (``![p](http://t/x) :red[X] $x$`` shows exactly that, fetching nothing)."""
    squashed = " ".join(BIDI_CONTROLS.sub("", str(text)).split())
    out = _MD_SPECIAL.sub(r"\\\1", _LONG.sub(_wrap, squashed))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)
