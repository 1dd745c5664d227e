"""The locks (requirements*.txt) pin every package and still satisfy their inputs (requirements*.in)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scripts.check_lock as check_lock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path, monkeypatch):
    for name in ("requirements.in", "requirements-dev.in", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setattr(check_lock, "ROOT", tmp_path)
    return tmp_path


def test_the_committed_locks_satisfy_their_inputs():
    assert check_lock.check() == []


def test_every_transitive_dependency_is_pinned():
    pins = check_lock.read_lock(ROOT / "requirements.txt", [])
    # trafilatura's jusText needs lxml.html.clean, a project of its own since lxml 6.
    for name in ("lxml", "lxml-html-clean", "justext", "torch", "tqdm", "urllib3"):
        assert name in pins, name


def test_an_input_the_lock_does_not_satisfy_is_reported(copy):
    lock = copy / "requirements.txt"
    lock.write_text(lock.read_text().replace("\nspacy==3.8.18", "\nspacy==3.7.0"))
    problems = check_lock.check()
    assert any("spacy==3.7.0 does not satisfy spacy==3.8.18" in p for p in problems)


def test_an_unpinned_or_missing_package_is_reported(copy):
    lock = copy / "requirements.txt"
    text = lock.read_text()
    text = text.replace("\nfeedparser==6.0.14", "\nfeedparser>=6")
    lock.write_text(text)
    problems = check_lock.check()
    assert any("not an exact pin: 'feedparser>=6'" in p for p in problems)
    assert any("feedparser is asked for" in p for p in problems)
