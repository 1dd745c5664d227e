"""What the story grouping compares: per-article word and name vectors, plus the embedding.

An article becomes :class:`StoryFeatures`: its sublinear term counts over lower-case words
(English stop words dropped, the title counted twice because it names the event), its
capitalised name phrases (the similarity engine's ``name_phrases``: "Lindsay Lohan", "Betty
Ford Center"), its embedding when the similarity engine has one, and its date. Term weights are
TF-IDF with document frequencies that grow as articles arrive (kept by the grouping's
``StoryIndex`` as arrays over its vocabulary), so nothing has to be refitted when the library grows.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from components.similarity.lexical import name_phrases

_WORD = re.compile(r"[a-z][a-z0-9'’\-]+|\d[\d,.]*\d")

# Common English words that say nothing about which event an article reports (scikit-learn's
# list, trimmed to what appears in news prose); kept here so the grouping needs no model.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves said says say told according mr mrs ms
one two new year years time people last week day monday tuesday wednesday thursday friday
saturday sunday may also like get got would could just its it's don't
""".split())


@dataclass(frozen=True)
class StoryFeatures:
    """One article as the grouping sees it.

    Attributes:
        article_id: the library id.
        terms: sublinear term frequency (1 + log count) per word.
        names: sublinear frequency per lower-cased name phrase.
        vector: unit embedding (all-MiniLM-L6-v2 pooled by the similarity engine), or None.
        day: the article's date as a day number (``date.toordinal``), or None when unknown.
    """

    article_id: str
    terms: dict[str, float]
    names: dict[str, float]
    vector: np.ndarray | None = None
    day: int | None = None


def _sublinear(counts: Counter) -> dict[str, float]:
    return {k: 1.0 + math.log(c) for k, c in counts.items()}


def parse_day(value: str | None) -> int | None:
    """``YYYY-MM-DD`` (or a longer ISO string) as a day number; None when missing or malformed."""
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).toordinal()
    except ValueError:
        return None


def article_features(
    article_id: str, title: str, text: str, date_value: str | None = None, vector: np.ndarray | None = None
) -> StoryFeatures:
    """Words, names, embedding and date of one article (title counted twice)."""
    body = f"{title}\n{title}\n{text}"
    words = Counter(w for w in _WORD.findall(body.lower()) if w not in STOP_WORDS)
    names = Counter(p.lower() for p in name_phrases(f"{title}\n{title}\n{text}"))
    vec = None
    if vector is not None:
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        vec = vec / norm if norm > 0 else None
    return StoryFeatures(article_id, _sublinear(words), _sublinear(names), vec, parse_day(date_value))
