"""Selecting text in an article with the mouse: a custom component, and the check of what it returns.

The component (Streamlit custom components v2: inline HTML, CSS and JavaScript, no build step)
shows the article's escaped reading HTML, where each ``<p data-start="N">`` carries the canonical
offset of its first character. When the analyst selects words, the script walks the text nodes of
each paragraph the DOM ``Range`` touches (skipping the attribution number badges, which are not
article text) and returns, per paragraph, the selection's start and end in UTF-16 code units from
the paragraph's start together with the text it covers. JavaScript counts UTF-16 units, Python
counts code points: :func:`utf16_to_index` converts (a character outside the Basic Multilingual
Plane, such as an emoji, is two units and one ``str`` index), and :func:`check_selection` refuses
anything that does not read exactly the same in the canonical text before a change is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.errors import BadInput
from components.records import Span
from components.render import CSS as READING_CSS

COMPONENT_NAME = "sourcelight.text_selection"


def utf16_to_index(text: str, base: int, units: int) -> int:
    """The ``str`` index ``units`` UTF-16 code units after index ``base`` of ``text``.

    Raises:
        components.errors.BadInput: negative or non-integer values, a point past the end of the
            text, or a point inside a character (between the two halves of a surrogate pair).
    """
    if isinstance(base, bool) or isinstance(units, bool) or not isinstance(base, int) or not isinstance(units, int):
        raise BadInput(f"selection offsets {base!r}, {units!r} are not whole numbers")
    if not 0 <= base <= len(text) or units < 0:
        raise BadInput(f"selection offset {units} after {base} is outside the article's text (0 to {len(text)})")
    i, left = base, units
    while left > 0:
        if i >= len(text):
            raise BadInput(f"selection offset {units} after {base} runs past the end of the article's text")
        width = 2 if ord(text[i]) > 0xFFFF else 1
        if width > left:
            raise BadInput(f"selection offset {units} after {base} falls inside the character {text[i]!r}")
        left -= width
        i += 1
    return i


def _short(s: str, limit: int = 50) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


def check_selection(text: str, start: int, end: int, selected_text: str) -> Span:
    """Check a selection against the canonical text; return it without surrounding whitespace.

    Args:
        text: the article's canonical text.
        start: index of the first selected character (Python ``str`` index).
        end: index after the last selected character.
        selected_text: what the browser says was selected; it must equal ``text[start:end]``.

    Raises:
        components.errors.BadInput: offsets that are not whole numbers or are out of range, an
            empty or whitespace-only selection, or a text that differs from the article's.
    """
    for v in (start, end):
        if isinstance(v, bool) or not isinstance(v, int):
            raise BadInput(f"selection offset {v!r} is not a whole number")
    if not 0 <= start < end <= len(text):
        raise BadInput(f"selection [{start}, {end}) is outside the article's text (0 to {len(text)} characters)")
    piece = text[start:end]
    if piece != selected_text:
        raise BadInput(
            f"selection [{start}, {end}) reads {_short(piece)} in the article, not {_short(str(selected_text))}: "
            "select the words again"
        )
    if not piece.strip():
        raise BadInput(f"selection [{start}, {end}) covers only whitespace: select some words")
    return Span(start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip())))


def selection_span(text: str, value: Mapping[str, Any]) -> Span:
    """The checked span of what the component returned (one piece per paragraph it touches).

    ``value`` is ``{"pieces": [{"p": paragraph_start, "s": utf16_start, "e": utf16_end, "text": str},
    ...]}``; pieces that cover nothing but whitespace (the end of a triple-clicked paragraph) are
    dropped, every other piece must read exactly the same in the article, and the result runs from
    the first piece's start to the last piece's end, trimmed.

    Raises:
        components.errors.BadInput: a malformed value or any piece that does not match the text.
    """
    pieces = value.get("pieces") if isinstance(value, Mapping) else None
    if not isinstance(pieces, list) or not pieces:
        raise BadInput("the selection holds no text: select some words in the article")
    spans: list[Span] = []
    for piece in pieces:
        if not isinstance(piece, Mapping) or not isinstance(piece.get("text"), str):
            raise BadInput(f"the selection piece {piece!r} is not readable: select the words again")
        base = piece.get("p")
        start = utf16_to_index(text, base, piece.get("s"))
        end = utf16_to_index(text, base, piece.get("e"))
        if start == end and not piece["text"]:
            continue
        if text[start:end] != piece["text"] or end <= start:
            check_selection(text, start, end, piece["text"])  # raises, saying what is wrong
        if piece["text"].strip():
            spans.append(Span(start, end))
    if not spans:
        raise BadInput("the selection covers only whitespace: select some words")
    spans.sort()
    for a, b in zip(spans, spans[1:], strict=False):
        if b.start < a.end:
            raise BadInput("the selection's parts overlap: select the words again")
    start, end = spans[0].start, spans[-1].end
    return check_selection(text, start, end, text[start:end])


# ---- the component -----------------------------------------------------------------------------

_CSS = (
    READING_CSS
    + """
.sl-pick{user-select:text;cursor:text}
.sl-pick .sl-n{user-select:none}
.sl-pick .sl-article{max-width:none}
::highlight(sl-picked){background-color:rgba(37,99,235,.30)}
"""
)

# Offsets are counted per paragraph in UTF-16 code units (JavaScript's string length) over the
# paragraph's text nodes, skipping the attribution number badges (<sup class="sl-n">), which the
# reading view inserts and which are not article text.
_JS = r"""
const BADGE = ".sl-n";

function textNodes(p) {
  const out = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest(BADGE)) continue;
    out.push(n);
  }
  return out;
}

function piecesOf(root, range) {
  const out = [];
  root.querySelectorAll("p[data-start]").forEach((p) => {
    if (!range.intersectsNode(p)) return;
    let u = 0, s = null, e = null, text = "";
    for (const n of textNodes(p)) {
      const len = n.data.length;
      if (range.comparePoint(n, len) < 0 || range.comparePoint(n, 0) > 0) { u += len; continue; }
      const lo = n === range.startContainer ? range.startOffset : 0;
      const hi = n === range.endContainer ? range.endOffset : len;
      if (hi > lo) {
        if (s === null) s = u + lo;
        e = u + hi;
        text += n.data.slice(lo, hi);
      }
      u += len;
    }
    if (s !== null) out.push({ p: Number(p.dataset.start), s: s, e: e, text: text });
  });
  return out;
}

function locate(root, p, units) {
  const para = root.querySelector('p[data-start="' + p + '"]');
  if (!para) return null;
  let u = 0;
  for (const n of textNodes(para)) {
    if (units <= u + n.data.length) return [n, units - u];
    u += n.data.length;
  }
  return null;
}

function paint(root, mark) {
  if (typeof CSS === "undefined" || !CSS.highlights || typeof Highlight === "undefined") return;
  const ranges = [];
  for (const m of mark || []) {
    const a = locate(root, m.p, m.s), b = locate(root, m.p, m.e);
    if (!a || !b) continue;
    const r = document.createRange();
    r.setStart(a[0], a[1]);
    r.setEnd(b[0], b[1]);
    ranges.push(r);
  }
  if (ranges.length) CSS.highlights.set("sl-picked", new Highlight(...ranges));
  else CSS.highlights.delete("sl-picked");
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector(".sl-pick");
  if (!root) {
    root = document.createElement("div");
    root.className = "sl-pick";
    parentElement.appendChild(root);
  }
  if (root.__slHtml !== data.html) {
    root.innerHTML = data.html;  // escaped by components.render on the Python side
    root.__slHtml = data.html;
  }
  paint(root, data.mark);

  const report = () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!range.intersectsNode(root)) return;
    const pieces = piecesOf(root, range);
    if (!pieces.length) return;
    setStateValue("selection", { article: data.article, seq: Date.now(), pieces: pieces });
  };
  // Read the selection once the browser has settled it (a click inside a selection clears it
  // only after mouseup). Listeners of an earlier call are removed first: Streamlit calls this
  // function again whenever the data changes.
  if (root.__slOff) root.__slOff();
  const onUp = () => setTimeout(report, 0);
  root.addEventListener("mouseup", onUp);
  root.addEventListener("keyup", onUp);
  root.__slOff = () => {
    root.removeEventListener("mouseup", onUp);
    root.removeEventListener("keyup", onUp);
    root.__slOff = null;
  };
  return root.__slOff;
}
"""


def _component():
    # Registering again with the same definition is a no-op, so each run may call this.
    return st.components.v2.component(COMPONENT_NAME, css=_CSS, js=_JS, isolate_styles=False)


def text_selector(html: str, article_id: str, *, key: str, mark: list[dict] | None = None) -> dict | None:
    """Show the article in the selection control; return its raw selection, or None.

    Args:
        html: escaped reading HTML (``components.render.reading_html(..., with_style=False)``),
            whose paragraphs carry ``data-start``.
        article_id: the article shown; a selection made on another article is ignored.
        key: widget key.
        mark: pieces (as the component returns them) to paint as the current selection.
    """
    result = _component()(
        key=key,
        data={"html": html, "article": article_id, "mark": mark or []},
        default={"selection": None},
        on_selection_change=lambda: None,
        height="content",
    )
    value = getattr(result, "selection", None)
    if not isinstance(value, Mapping) or value.get("article") != article_id:
        return None
    return dict(value)
