"""Shared fixtures: the real spaCy pipeline (loaded once per session) and ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_b880dba6bbaee506.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def nlp():
    from components.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; skips (with the reason) where it is absent, e.g. a user's fresh clone.

    In CI (``CI=true``) its absence is a failure, not a skip.
    """
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared is missing at {SHARED}, and CI must have it")
        pytest.skip(f"../shared not found at {SHARED}: data-dependent test skipped")
    return SHARED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")

# The app's background worker (analysing and indexing the whole library from the first page view)
# is off in tests unless a test turns it on: tests over small libraries drive the pages' own
# buttons, and eight servers indexing 292 articles at once would starve the machine.
# tests/test_browser_first_start.py runs the app with it on.
os.environ.setdefault("SOURCELIGHT_BACKGROUND", "0")
