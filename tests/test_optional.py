"""A missing or broken optional package is one clear line, in the library and on the command line."""

from __future__ import annotations

import sys

import pytest

from components import articles
from components.__main__ import main
from components.errors import MissingPackage
from components.optional import guarded, require

PAGE = "<html><head><title>T</title></head><body><article><p>" + "Officials said the talks went well. " * 20 + "</p></article></body></html>"


def test_require_names_feature_and_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import now raises ImportError
    with pytest.raises(MissingPackage) as err:
        require("trafilatura", package="trafilatura", needed_for="Reading HTML pages")
    msg = str(err.value)
    assert "Reading HTML pages" in msg and "'trafilatura'" in msg and "\n" not in msg


def test_lazy_import_error_inside_a_call_becomes_one_message():
    def broken():
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    with pytest.raises(MissingPackage, match="lxml_html_clean"):
        guarded(broken, package="lxml_html_clean", needed_for="Reading HTML pages")


def test_html_page_with_broken_extractor_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    import trafilatura

    def drifted(*a, **k):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")

    monkeypatch.setattr(trafilatura, "bare_extraction", drifted)
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "lib.db"))
    with pytest.raises(MissingPackage):
        articles.html_to_article(PAGE, origin="page.html")
    code = main(["ingest", str(page)])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2
    assert len(errors) == 1 and "lxml_html_clean" in errors[0] and "Traceback" not in err


def test_html_page_reads_with_the_locked_install():
    art = articles.html_to_article(PAGE, origin="page.html")
    assert "Officials said the talks went well." in art.text


def test_ingest_on_ray_without_ray_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if ray[data] were not installed
    monkeypatch.setitem(sys.modules, "ray.data", None)
    art = tmp_path / "a.txt"
    art.write_text("Officials said the talks went well.", encoding="utf-8")
    monkeypatch.setenv("SOURCELIGHT_DB", str(tmp_path / "lib.db"))
    code = main(["ingest", str(art), "--engine", "ray"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "--engine ray" in err and "'ray[data]'" in err
    # nothing was half-done before the message: the file was not even added
    from components.store import Store

    assert Store(str(tmp_path / "lib.db")).count_articles() == 0
