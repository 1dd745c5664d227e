"""A web page's own metadata made fit for an article: the headline without the site's suffix
(``"… | DW | 19.01.2020"``, ``"… - BBC News"``, ``"… | Reuters"``), and the byline rather than the
site's name as the author.

Pages put the site's name where a reader looks for the author (``<meta name="author"
content="Deutsche Welle">``) and append the site, a section or a date to every ``<title>``. The
rules are data (``data/page_titles.json``: separators, site names, sections); the page's own
``og:site_name`` and its host name count as site names too. The byline is looked for in
trafilatura's author, then JSON-LD ``author`` objects, ``<meta>`` author tags and elements marked
``rel``/``itemprop``/``class`` author or byline; the first that reads as people's names and is not
a site's name wins, and none is better than the site's name. May import components.errors and
components.articles.metadata; lxml (trafilatura's own dependency) inside a call.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from components.articles.metadata import _drop_roles, _find_date, _looks_like_names, _only_date_noise
from components.errors import SourcelightError

DATA = Path(__file__).resolve().parent / "data" / "page_titles.json"
#: JSON-LD blocks are read to this depth and this many nodes at most (a page is hostile input).
_JSONLD_DEPTH, _JSONLD_NODES, _JSONLD_BYTES = 8, 2000, 200_000
#: A byline element's text longer than this is a paragraph, not a byline.
_BYLINE_CHARS = 120
_META_AUTHOR = ("author", "byl", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author",
                "article:author", "twitter:creator")
_BY_PREFIX = re.compile(r"^\s*(?:written\s+)?by\s*:?\s+", re.I)
_PARENS = re.compile(r"\s*\([^)]*\)")
#: Between several names in one byline.
_JOINED = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
#: A byline ending in one of these names a desk, not a person ("Reuters Staff").
_STAFF_WORDS = frozenset("staff reporters reporter desk newsroom team editors correspondents writers agencies".split())
#: Words a site adds to its host's name in titles ("BBC News", "DW.COM", "Reuters.com").
_HOST_TAILS = ("news", "com", "online", "sport", "world", "english")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    try:
        raw = json.loads(DATA.read_text(encoding="utf-8"))
        seps = tuple(str(s) for s in raw["separators"])
        sites = frozenset(_norm(s) for s in raw["sites"])
        sections = frozenset(_norm(s) for s in raw["sections"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SourcelightError(f"{DATA}: the page-title rules cannot be read ({exc})") from exc
    if not seps or not all(s.strip() for s in seps):
        raise SourcelightError(f"{DATA}: every separator must hold a visible character")
    return seps, sites, sections


def _norm(name: str) -> str:
    """Lower case, a leading "the" and every non-alphanumeric character dropped."""
    s = _PARENS.sub("", str(name or "")).strip().lower()
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[\W_]+", "", s)


def _host_names(url: str | None) -> set[str]:
    """``https://www.dw.com/en/x`` → {"dw", "dwcom"}: the host's names a title suffix may use."""
    host = (urlsplit(url or "").hostname or "").lower()
    if not host:
        return set()
    labels = [x for x in host.split(".") if x and x != "www"]
    out = {_norm(".".join(labels))}
    if len(labels) >= 2:
        # the registrable name: bbc.co.uk → bbc, dw.com → dw
        core = labels[-3] if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else labels[-2]
        out.add(_norm(core))
    return {x for x in out if x}


def is_site_name(name: str, *, sitename: str | None = None, url: str | None = None) -> bool:
    """Whether ``name`` is a site's name (a known one, the page's ``og:site_name``, its host)
    rather than a person's."""
    key = _norm(name)
    if not key:
        return False
    _, sites, _ = _rules()
    hosts = _host_names(url)
    if key in sites or key in hosts or (sitename and key == _norm(sitename)):
        return True
    # "BBC News" on bbc.co.uk, "DW.COM" on dw.com: the host's name plus a word sites add
    return any(key == h + tail for h in hosts for tail in _HOST_TAILS)


def _is_date(segment: str) -> bool:
    iso, m = _find_date(segment)
    return bool(iso) and _only_date_noise(segment[: m.start()] + segment[m.end():])


def clean_title(title: str | None, *, sitename: str | None = None, url: str | None = None) -> str:
    """``title`` with the site's suffix removed: trailing segments after a separator (see the data
    file) that are a site name, a date, or a section just before a removed site name.

    ``"Germany's coal exit | DW | 19.01.2020"`` → ``"Germany's coal exit"``;
    ``"Talks resume | World news | The Guardian"`` → ``"Talks resume"``. A leading site name
    (``"BBC News - Talks resume"``) goes too. A title that would be left empty is kept whole.
    """
    s = " ".join(str(title or "").split())
    if not s:
        return ""
    seps, _, sections = _rules()
    pattern = re.compile("|".join(re.escape(x) for x in seps))
    cuts = [m.start() for m in pattern.finditer(s)]
    ends = {m.start(): m.end() for m in pattern.finditer(s)}
    end, removed_site = len(s), False
    while cuts:
        cut = cuts.pop()
        segment = s[ends[cut]:end].strip()
        if is_site_name(segment, sitename=sitename, url=url):
            removed_site = True
        elif not (_is_date(segment) or (removed_site and _norm(segment) in sections)):
            break
        if not s[:cut].strip():
            break
        end = cut
    s = s[:end].strip()
    first = pattern.search(s)
    if first and is_site_name(s[: first.start()], sitename=sitename, url=url) and s[first.end():].strip():
        s = s[first.end():].strip()
    return s


def _person(candidate: str, sitename: str | None, url: str | None) -> str:
    """``candidate`` as a byline ("By Jane Doe, Staff Writer" → "Jane Doe"; "Jane Doe and Reuters"
    → "Jane Doe"), or "" when it names no person, only sites or a site's staff ("Reuters Staff")."""
    s = " ".join(_PARENS.sub("", _BY_PREFIX.sub("", str(candidate or ""))).split()).strip(" ,;|")
    if not s or len(s) > _BYLINE_CHARS or "://" in s or "@" in s:
        return ""
    people = []
    for part in _JOINED.split(_drop_roles(s)):
        words = part.split()
        while words and words[-1].lower() in _STAFF_WORDS:  # "Reuters Staff", "DW newsroom"
            words = words[:-1]
        name = " ".join(words)
        if name and len(words) == len(part.split()) and not is_site_name(name, sitename=sitename, url=url) \
                and _looks_like_names(name):
            people.append(name)
    return ", ".join(people)


def _jsonld_authors(data, depth: int = 0, budget: list[int] | None = None) -> list[str]:
    budget = budget if budget is not None else [_JSONLD_NODES]
    out: list[str] = []
    if depth > _JSONLD_DEPTH or budget[0] <= 0:
        return out
    budget[0] -= 1
    if isinstance(data, list):
        for item in data[:100]:
            out += _jsonld_authors(item, depth + 1, budget)
    elif isinstance(data, dict):
        for key, value in list(data.items())[:100]:
            if key in ("author", "creator"):
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str):
                        out.append(v)
                    elif isinstance(v, dict) and str(v.get("@type", "Person")) != "Organization":
                        name = v.get("name")
                        if isinstance(name, str):
                            out.append(name)
            elif isinstance(value, dict | list):
                out += _jsonld_authors(value, depth + 1, budget)
    return out


def html_bylines(html: str) -> list[str]:
    """Author candidates a page gives, in the order they are trusted: JSON-LD ``author``,
    ``<meta>`` author tags, then elements marked ``rel``/``itemprop``/``class`` author or byline."""
    try:
        import lxml.html
    except ImportError:
        return []
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):  # empty or unparseable document
        return []
    out: list[str] = []
    for script in root.xpath('//script[@type="application/ld+json"]')[:20]:
        text = (script.text or "")[:_JSONLD_BYTES]
        try:
            out += _jsonld_authors(json.loads(text))
        except (ValueError, RecursionError):
            continue
    for meta in root.xpath("//meta[@content]")[:500]:
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if key in _META_AUTHOR:
            out.append(meta.get("content") or "")
    marked = root.xpath(
        '//*[@rel="author" or contains(@itemprop, "author")'
        ' or contains(translate(@class, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"), "byline")'
        ' or contains(translate(@class, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"), "author")]'
    )
    for el in marked[:50]:
        names = el.xpath('.//*[@itemprop="name"]')
        texts = [n.text_content() for n in names] or [el.text_content()]
        out += [t for t in texts if len(t) <= 4 * _BYLINE_CHARS]
    return out


def page_author(extracted: str | None, html: str, *, sitename: str | None = None, url: str | None = None) -> str:
    """The page's byline: trafilatura's author (``extracted``; several joined by ";") less any
    site name, else the first person's name among ``html_bylines``; "" when there is none, never
    the site's name."""
    people = [p for p in (_person(x, sitename, url) for x in re.split(r"\s*;\s*", extracted or "")) if p]
    if people:
        return ", ".join(dict.fromkeys(people))
    for candidate in html_bylines(html):
        person = _person(candidate, sitename, url)
        if person:
            return person
    return ""
