"""Canonical article text and article ids: every offset in the product points into the canonical
text, and the id is a hash of it, so the same text always gets the same id.

Imports nothing from components.
"""
from __future__ import annotations

import hashlib


def canonical_text(text: str) -> str:
    """The canonical form of an article text: ``\\r\\n`` and ``\\r`` become ``\\n``.

    A leading byte-order mark (U+FEFF) is dropped; nothing else changes, so offsets computed on
    the result stay valid for the article's whole life.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def article_id(text: str) -> str:
    """The article's library id: the first 16 hex digits of SHA-256 of its canonical text."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()[:16]
