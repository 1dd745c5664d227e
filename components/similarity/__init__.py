"""Similar-article search: which articles in the library tell the same story, which match a
free-text query, and which passages elsewhere say something close to a given quote.

Three rankers are fused. (1) Embeddings: all-MiniLM-L6-v2 over sentence-packed passages of about
64 words plus the title, pooled per article with more weight on the headline and lead
(``embed.py``); vectors are cached in SQL by (content hash, model, passage scheme), so a text is
embedded once, ever. (2) BM25 (``bm25s``'s weights, computed in ``lexical.py`` so rows can be
appended), used as a vector space between articles and as plain BM25 for text queries.
(3) Overlap of capitalised names (people, places,
organisations), which also explains a match ("shared: Lindsay Lohan, Betty Ford Center"). The
z-scored rankers are summed, then re-ranked by shared nearest neighbours (``fusion.py``, with
the measurements behind each constant). Vector search is exact up to ``index.EXACT_LIMIT``
vectors and approximate (usearch HNSW) beyond (``index.py``). With ``index_dir`` everything is served from an
index folder on disk, memory-mapped and shared by every process (``folder.py``; there the
approximate search is a scan of sign codes with exact rescoring). Use::

    engine = SimilarityEngine(sqlalchemy_engine)          # encoder loads on first need
    engine.index_articles([(id, title, text), ...], progress=lambda done, total: ...)
    engine.similar(id, k=10)          # -> [Match(id, score, shared_entities, rankers)]
    engine.search_text("who resigned", k=10)
    engine.similar_passages(quote, k=10, exclude=[id])  # -> [PassageMatch(article_id, span, score)]

``similar_jsonl`` is the ``similar`` CLI contract and ``index_library`` the ``index`` verb;
``python -m components.similarity CORPUS --queries Q -k 50 -o OUT`` runs the former.
"""
from __future__ import annotations

from components.similarity.embed import MODEL_NAME, PASSAGE_SCHEME, EmbeddingCache, metadata
from components.similarity.engine import (
    IndexStats,
    Match,
    PassageMatch,
    SimilarityEngine,
    index_library,
    similar_jsonl,
)
from components.similarity.index import VectorIndex

__all__ = [
    "MODEL_NAME",
    "PASSAGE_SCHEME",
    "EmbeddingCache",
    "IndexStats",
    "Match",
    "PassageMatch",
    "SimilarityEngine",
    "VectorIndex",
    "index_library",
    "metadata",
    "similar_jsonl",
]
