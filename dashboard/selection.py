"""Selecting text in an article with the mouse: the Streamlit custom component.

The component (Streamlit custom components v2: inline HTML, CSS and JavaScript, no build step)
shows the article's escaped reading HTML, where each ``<p data-start="N">`` carries the canonical
offset of its first character. When the analyst selects words, the script walks the text nodes of
each paragraph the DOM ``Range`` touches (skipping the attribution number badges, which are not
article text) and returns, per paragraph, the selection's start and end in UTF-16 code units from
the paragraph's start together with the text it covers. The check of that value lives in
:mod:`components.selection` (re-exported here). Layout only: may import Streamlit and
``components``; nothing else in ``dashboard``.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.render import CSS as READING_CSS
from components.selection import check_selection, selection_span, utf16_to_index

__all__ = ["COMPONENT_NAME", "check_selection", "selection_span", "text_selector", "utf16_to_index"]

COMPONENT_NAME = "sourcelight.text_selection"


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
