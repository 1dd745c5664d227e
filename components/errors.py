"""Every error a user can cause, in one place. Each message says what was wrong and what to do.

The CLI prints ``str(exc)`` on one line and exits non-zero; the app shows it with ``st.error``.
"""
from __future__ import annotations


class SourcelightError(Exception):
    """Base class: a problem with the user's input or setup, never a bug."""


class ModelNotInstalled(SourcelightError):
    """A configured model package is missing."""


class BadInput(SourcelightError):
    """An input (file, paste, URL, corpus line) cannot be used as an article."""


class StoreError(SourcelightError):
    """The database cannot be opened or written."""


class MissingPackage(SourcelightError):
    """A package needed for one feature (HTML pages, PDF, Ray, feeds) is missing or broken."""
