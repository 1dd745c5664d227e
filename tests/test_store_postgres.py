"""The Store on both backends: SQLite files and a real PostgreSQL server.

The ``store`` fixture here (and in ``test_corrections.py``, which imports ``BACKENDS`` and
``open_store``) is parametrised over ``sqlite`` and ``postgres``; the PostgreSQL runs carry the
``postgres`` marker and need ``SOURCELIGHT_TEST_PG_URL`` (``scripts/start_test_postgres.sh`` prints
one). Without it they skip with the reason, except in CI (``CI`` set), where they fail. Each test
run gets a fresh database, dropped at the end, and each test a fresh schema in it, so reruns are
clean: ``pytest -m postgres`` runs the Store, corrections and concurrency tests against PostgreSQL.
"""
from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa

from components.records import Analysis, Article, Attribution, Entity, EntityGroup, Span
from components.store import Store

PG_ENV = "SOURCELIGHT_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

_RUN: dict[str, str] = {}  # this test run's PostgreSQL database URL


def pg_run_url(config: pytest.Config) -> str:
    """A fresh PostgreSQL database for this test run (created once, dropped when pytest ends)."""
    base = os.environ.get(PG_ENV, "").strip()
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set, and CI must run the PostgreSQL tests: "
                        f"export {PG_ENV}=\"$(scripts/start_test_postgres.sh)\"")
        pytest.skip(f"{PG_ENV} is not set: start a server with scripts/start_test_postgres.sh to run this")
    if "url" not in _RUN:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        name = f"sourcelight_test_{os.getpid()}_{secrets.token_hex(4)}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        config.add_cleanup(drop)
        _RUN["url"] = sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    return _RUN["url"]


def open_store(backend: str, tmp_path, request: pytest.FixtureRequest) -> Store:
    """A fresh, empty Store on ``backend``: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        return Store(str(tmp_path / "library.db"))
    run_url = pg_run_url(request.config)
    schema = f"t_{secrets.token_hex(6)}"
    engine = sa.create_engine(run_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    # Every connection of this URL (child processes' too) resolves table names in the new schema.
    url = sa.make_url(run_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return Store(url.render_as_string(hide_password=False))


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    s = open_store(request.param, tmp_path, request)
    yield s
    s.engine.dispose()


TEXT = "Ministers met in Paris on Monday. “We will act,” the minister said."


def _article(text: str = TEXT, **kw) -> Article:
    import hashlib

    return Article(id=hashlib.sha256(text.encode()).hexdigest()[:16], text=text, paragraphs=(Span(0, len(text)),), **kw)


def _analysis(article: Article, version: str = "v1") -> Analysis:
    t = article.text
    paris = Span(t.index("Paris"), t.index("Paris") + 5)
    monday = Span(t.index("Monday"), t.index("Monday") + 6)
    quote = Span(t.index("We will act,"), t.index("We will act,") + len("We will act,"))
    return Analysis(
        article_id=article.id,
        version=version,
        entities=(Entity(paris.start, paris.end, "GPE", "g0"), Entity(monday.start, monday.end, "DATE", "g1")),
        groups=(EntityGroup("g0", "Paris", "GPE", (paris,)), EntityGroup("g1", "Monday", "DATE", (monday,))),
        attributions=(
            Attribution(Span(t.index("the minister"), t.index("the minister") + 12), "the minister", "official",
                        Span(t.rindex("said"), t.rindex("said") + 4), (quote,), "direct"),
        ),
        extra={"note": "ünïcode ✓"},
    )


def test_articles_round_trip_and_skip_duplicates(store):
    a = _article(title="Talks in Paris", outlet="Wire", date="2020-01-02", url="https://example.org/x")
    assert store.add_articles([a]) == ([a.id], [])
    assert store.add_articles([a]) == ([], [a.id])
    back = store.get_article(a.id)
    assert back == a
    assert back.text[back.paragraphs[0].start : back.paragraphs[0].end] == TEXT
    assert store.count_articles() == 1
    assert [s.id for s in store.list_articles()] == [a.id]
    assert store.get_article("nope") is None


def test_analyses_versioned_replace_and_iterate(store):
    a, b = _article(), _article("Another text about Berlin and Rome; nobody said anything.")
    store.add_articles([a, b])
    an = _analysis(a)
    store.put_analysis(an)
    assert store.get_analysis(a.id, "v1") == an
    assert store.get_analysis(a.id, "v1").extra == {"note": "ünïcode ✓"}
    assert store.get_analysis(a.id, "v2") is None
    assert store.missing_analyses("v1") == [b.id]
    # same (article, version) replaces; another version sits beside it
    smaller = Analysis(a.id, "v1", an.entities[:1], an.groups[:1], ())
    store.put_analyses([smaller, _analysis(a, "v2")])
    assert store.get_analysis(a.id, "v1") == smaller
    assert store.get_analysis(a.id, "v2").attributions == an.attributions
    assert [(x.id, y.version) for x, y in store.iter_analysed("v2")] == [(a.id, "v2")]
    assert store.analysed_ids("v1") == {a.id}
