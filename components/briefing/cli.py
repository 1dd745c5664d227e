"""The ``brief`` command and the choices around it: a pack of articles written in one format.

Holds :func:`render` (a briefing as bytes in ``html``, ``pdf`` or ``md``), :data:`MIME_TYPES`,
:func:`brief_cli` (analyses what is missing, builds the pack, writes it) and :func:`choose` (a
stale deep-link value clears). May import every other part of :mod:`components.briefing`, the store
and, inside :func:`brief_cli`, :mod:`components.analysis` and :mod:`components.nlp`; no other part
of :mod:`components.briefing` imports it (the package only re-exports it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from components.briefing.common import FORMATS
from components.briefing.html_pack import to_html
from components.briefing.library import build_briefing, similar_links
from components.briefing.markdown_pack import to_markdown
from components.briefing.model import Briefing
from components.briefing.pdf_pack import to_pdf
from components.errors import BadInput
from components.store import Store


def render(briefing: Briefing, fmt: str) -> bytes:
    """The briefing in ``fmt`` (``html``, ``pdf`` or ``md``) as bytes ready to write or download.

    Raises:
        BadInput: an unknown format.
    """
    if fmt == "html":
        return to_html(briefing).encode("utf-8")
    if fmt == "md":
        return to_markdown(briefing).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(briefing)
    raise BadInput(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")


MIME_TYPES = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown"}


def brief_cli(
    store: Store,
    version: str | None,
    article_ids: Sequence[str],
    fmt: str,
    out_path: str | Path,
    nlp=None,
    *,
    similar: bool = False,
    base: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The ``brief`` command: a pack of ``article_ids`` with all their attributions and shareable notes.

    Articles not analysed yet are analysed first (with ``nlp``, loaded when needed).

    Args:
        store: the library.
        version: the analysis version (None: the version of ``nlp``'s pipeline).
        article_ids: the articles, in order.
        fmt: ``html``, ``pdf`` or ``md``.
        out_path: the file to write.
        nlp: the spaCy pipeline (loaded only when an article needs analysing, or for ``version``).
        similar: add similar-article links from the stored similarity index.
        base: the app's address for links (default :func:`base_url`).
        progress: called with (done, total) while analysing.

    Returns:
        The path written.

    Raises:
        BadInput: unknown format, unknown article ids (all named), or an unwritable output.
    """
    from components.analysis import analyze_missing, pipeline_version

    if fmt not in FORMATS:
        raise BadInput(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        raise BadInput("no article id given")
    known = {a.id for a in store.get_articles(ids)}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BadInput(f"article id(s) not in the library: {', '.join(unknown)}")
    if version is None or nlp is not None:
        if nlp is None:
            from components.nlp import load_nlp

            nlp = load_nlp()
        version = pipeline_version(nlp)
    analysed = store.analysed_ids(version)
    missing = [i for i in ids if i not in analysed]
    if missing:
        if nlp is None:
            from components.nlp import load_nlp

            nlp = load_nlp()
        analyze_missing(store, nlp, ids=missing, progress=progress)
    briefing = build_briefing(
        store, version, ids, similar=(lambda i: similar_links(store, i, base=base)) if similar else None, base=base
    )
    data = render(briefing, fmt)
    path = Path(out_path)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(f"output {out_path}: cannot write it ({exc.strerror or exc})") from None
    return path


def choose(items: Collection[str], wanted: str | None) -> str | None:
    """``wanted`` when it is one of ``items``, else None (stale deep-link values clear)."""
    return wanted if wanted is not None and wanted in items else None
