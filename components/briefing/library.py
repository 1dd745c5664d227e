"""A briefing from the library: the corrected analyses, the shareable notes, similar articles, stories.

Holds :func:`build_briefing` (each article's analysis read through the one read path,
:func:`components.effective.iter_effective`), :func:`shareable_notes` (private notes are never
read), :func:`similar_links` (from the stored embeddings only, never slow), :func:`story_article_ids`
(how a pack includes a story) and :func:`move` (reordering the builder's list). May import
:mod:`components.briefing.common`, :mod:`components.briefing.model`, the store and
:mod:`components.effective`; the corrections service, the similarity engine and the story service
only inside the functions that need them; never a writer or the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from components.briefing.common import SIMILAR_K, article_link, base_url
from components.briefing.model import Briefing, NoteLike, SimilarLink, make_item
from components.effective import iter_effective
from components.errors import BadInput
from components.store import Store


def shareable_notes(store: Store, article_id: str) -> list[NoteLike]:
    """The article's notes marked shareable (private notes are never read)."""
    try:
        from components.corrections import CorrectionsService
    except ImportError:  # pragma: no cover
        return []
    return list(CorrectionsService(store).notes(article_id, shareable_only=True))


SimilarFinder = Callable[[Sequence[str]], tuple[Mapping[str, Sequence[SimilarLink]], str]]


def build_briefing(
    store: Store,
    version: str,
    article_ids: Sequence[str],
    *,
    attributions: Mapping[str, Sequence[int]] | None = None,
    notes: Mapping[str, Sequence[NoteLike]] | None = None,
    similar: SimilarFinder | Mapping[str, Sequence[SimilarLink]] | None = None,
    title: str = "",
    charts: bool = True,
    base: str | None = None,
    created: str | None = None,
) -> Briefing:
    """A briefing of ``article_ids`` (in that order) from the library.

    Each article's analysis is the corrected one, read through the one read path
    (:func:`components.effective.iter_effective`).

    Args:
        store: the library.
        version: the analysis version to read (the app's pipeline version).
        article_ids: the articles, in the order they appear in the pack.
        attributions: per article id, the attribution indices to quote, in order; an article
            missing from the mapping (or no mapping) gets all its attributions in reading order.
        notes: per article id, its notes (only shareable ones are kept); None reads the notes
            marked shareable from the corrections layer.
        similar: similar-article links per id, or a function of the ids returning
            ``(links per id, note)`` where ``note`` says why links are missing (e.g. the
            similarity index is not built); None leaves similar articles out.
        title: the pack's title (default: "Briefing: " and the first article's title).
        charts: include the breakdown charts.
        base: the app's address for links (default :func:`base_url`).
        created: when it was made (default: now, UTC, to the minute).

    Raises:
        BadInput: unknown ids (named), an article not analysed yet, or a bad attribution index.
    """
    base = (base or base_url()).rstrip("/")
    ids = list(dict.fromkeys(str(i) for i in article_ids))
    if not ids:
        raise BadInput("no article chosen: a briefing needs at least one article id")
    pairs = [(article, eff.analysis) for article, eff in iter_effective(store, version, ids)]
    links: Mapping[str, Sequence[SimilarLink]] = {}
    missing_note = ""
    if callable(similar):
        links, missing_note = similar([a.id for a, _ in pairs])
    elif similar is not None:
        links = similar
    items = []
    for article, analysis in pairs:
        article_notes = notes.get(article.id, ()) if notes is not None else shareable_notes(store, article.id)
        found = tuple(links.get(article.id, ()))
        note = missing_note if similar is not None and not found else ""
        if similar is not None and not found and not note:
            note = "No similar articles found in the library."
        items.append(
            make_item(
                article,
                analysis,
                attributions=(attributions or {}).get(article.id),
                notes=article_notes,
                similar=found,
                similar_note=note,
                base=base,
            )
        )
    if not title:
        title = f"Briefing: {items[0].title}" if len(items) == 1 else f"Briefing: {len(items)} articles"
    return Briefing(
        title=title,
        created=created or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        items=tuple(items),
        charts=charts,
        base_url=base,
    )


def similar_links(
    store: Store, article_ids: Sequence[str], *, k: int = SIMILAR_K, base: str | None = None
) -> tuple[dict[str, tuple[SimilarLink, ...]], str]:
    """Similar articles from the stored embeddings, without computing any (never slow).

    Only articles whose embeddings are already cached (``python -m components index``, or the
    app's Search page) take part; nothing is encoded here.

    Returns:
        ``(links per article id, note)``: ``note`` is empty when every id was found in the index,
        else it says what is missing and how to build the index.
    """
    base = (base or base_url()).rstrip("/")
    how = "build it with `python -m components index` or on the Search page"
    try:
        from components.similarity.embed import EmbeddingCache, content_hash
        from components.similarity.engine import SimilarityEngine
    except ImportError:
        return {}, "Similar-article search is not available in this installation."
    cached = EmbeddingCache(store.engine).load_all()
    if not cached:
        return {}, f"Similar articles: the similarity index is not built yet ({how})."
    library = [a for a in store.get_articles() if content_hash(a.title, a.text) in cached]
    by_id = {a.id: a for a in library}
    wanted = [i for i in article_ids if i in by_id]
    missing = [i for i in article_ids if i not in by_id]
    note = (
        f"Similar articles: {len(missing)} article(s) are not in the similarity index yet ({how})."
        if missing
        else ""
    )
    if not wanted or len(library) < 2:
        return {}, note or f"Similar articles: the similarity index is not built yet ({how})."
    engine = SimilarityEngine(store.engine)
    engine.index_articles(library)
    out = {}
    for i in wanted:
        out[i] = tuple(
            SimilarLink(
                article_id=m.id,
                title=by_id[m.id].title or m.id,
                outlet=by_id[m.id].outlet,
                date=by_id[m.id].date,
                link=article_link(base, m.id),
            )
            for m in engine.similar(i, k)
        )
    return out, note


def move(seq: Sequence[Any], index: int, delta: int) -> list[Any]:
    """``seq`` with the element at ``index`` moved by ``delta`` places (clamped to the ends)."""
    out = list(seq)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + delta, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


def story_article_ids(store: Store, story_id: str) -> list[str]:
    """A story's articles, in arrival order: how a briefing pack includes a story.

    Raises:
        BadInput: no story has that id.
    """
    from components.stories.service import StoryService

    return list(StoryService(store).story(story_id).article_ids)
