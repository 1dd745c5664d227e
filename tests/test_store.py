"""The library store: articles and versioned analyses survive a reopen, unchanged."""

from __future__ import annotations

import pytest

from components.errors import StoreError
from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.store import Store, db_url


def sample(i: int = 0) -> tuple[Article, Analysis]:
    text = f"Peskov said “no” on day {i}."
    art = Article(
        id=f"id{i}",
        text=text,
        title=f"T{i}",
        outlet="O",
        date="2023-09-12",
        paragraphs=(Span(0, len(text)),),
        standfirst=None,
        origin=f"test{i}",
        warnings=("w",),
    )
    ana = Analysis(
        art.id,
        "v1",
        entities=(Entity(0, 6, "PERSON", "PERSON:peskov"),),
        groups=(EntityGroup("PERSON:peskov", "Dmitry Peskov", "PERSON", (Span(0, 6),)),),
        attributions=(
            Attribution(Span(0, 6), "Dmitry Peskov", "person", Span(7, 11), (Span(12, 16),), "direct", None),
        ),
    )
    return art, ana


def test_round_trip_across_reopen(tmp_path):
    url = f"sqlite:///{tmp_path}/lib.db"
    art, ana = sample()
    s = Store(url)
    assert s.add_articles([art]) == (["id0"], [])
    s.put_analysis(ana)
    s.engine.dispose()
    again = Store(url)
    assert again.get_article("id0") == art
    assert again.get_analysis("id0", "v1") == ana
    assert again.get_analysis("id0", "v2") is None  # another pipeline version is not served
    assert again.missing_analyses("v2") == ["id0"] and again.missing_analyses("v1") == []
    assert again.has_analysis("id0", "v1") and not again.has_analysis("id0", "v2")
    assert not again.has_analysis("nope", "v1")
    assert [a.id for a, _ in again.iter_analysed("v1")] == ["id0"]


def test_duplicates_are_skipped_and_kept(tmp_path):
    s = Store(str(tmp_path / "lib.db"))
    arts = [sample(i)[0] for i in range(3)]
    assert s.add_articles(arts[:2])[0] == ["id0", "id1"]
    added, skipped = s.add_articles(arts)
    assert added == ["id2"] and skipped == ["id0", "id1"]
    assert s.count_articles() == 3
    assert [a.id for a in s.get_articles(["id2", "id0"])] == ["id2", "id0"]


def test_replacing_an_analysis(tmp_path):
    s = Store(str(tmp_path / "lib.db"))
    art, ana = sample()
    s.add_articles([art])
    s.put_analysis(ana)
    s.put_analysis(Analysis(art.id, "v1"))
    assert s.get_analysis(art.id, "v1").entities == ()


def test_db_url_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "x.db"))
    assert db_url() == f"sqlite:///{tmp_path / 'x.db'}"
    assert db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unusable_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot"):
        Store("nosuchdialect://x/y")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="database folder"):
        Store(str(blocker / "sub" / "lib.db"))
