"""Loading articles: bytes, files, folders, corpora, pasted text and URLs become ``Article`` records.

Every article has one canonical plain text (decoded, line endings made ``\\n``, nothing else
changed) and every offset in the product points into it; the article's id is a hash of that text,
so the same text always gets the same id. Metadata (headline, outlet, author, place, date,
standfirst) is taken from the caller when given and otherwise parsed from the top of the text;
body paragraphs exclude the headline, its repetition, the byline and trailing page furniture.
Input is hostile: sizes are capped before reading, binary data is refused, HTML is reduced to
plain text by trafilatura, only http(s) URLs are fetched, and every problem a user could cause
raises ``BadInput`` with the input's name and the problem, or is recorded as a warning when the
article can still be read.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from urllib.parse import urlsplit

from components.errors import BadInput
from components.fetch import http_get
from components.records import Article, Span

# --- limits and settings --------------------------------------------------------------------

#: Largest single-article file (txt, md, html) or fetched page, checked before reading it all.
MAX_BYTES = 10 * 1024 * 1024
#: Largest corpus file (jsonl, csv): a corpus holds many articles, so it may be bigger.
MAX_CORPUS_BYTES = 200 * 1024 * 1024
#: Longest article text in characters; spaCy refuses longer texts by default (``max_length``).
MAX_ARTICLE_CHARS = 1_000_000
#: Seconds a URL fetch may take in all (connect, headers and body together).
FETCH_TIMEOUT_S = 10.0
USER_AGENT = "Sourcelight/0.1 (news reading dashboard)"

TEXT_EXTENSIONS = (".txt", ".text")
MARKDOWN_EXTENSIONS = (".md", ".markdown")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
CORPUS_EXTENSIONS = (".jsonl", ".csv")
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS + MARKDOWN_EXTENSIONS + HTML_EXTENSIONS + CORPUS_EXTENSIONS

#: Fields a corpus line (JSONL object or CSV row) may carry; only ``text`` is required.
CORPUS_FIELDS = ("id", "title", "text", "date", "outlet", "author", "url")

#: Files in a folder that document it rather than being articles (compared lower-case).
NOT_ARTICLE_NAMES = frozenset(
    {"attribution.md", "readme.md", "readme.txt", "license.md", "license.txt", "changelog.md"}
)

#: Short lines that web pages leave at the end of a copied article (buttons, section links,
#: cookie banners). Only a run of these at the very end is dropped: inside the body a line
#: "News" could be real text. Compared lower-case, without trailing punctuation.
FURNITURE_LINES = frozenset(
    {
        "news", "dismiss", "close", "accept", "accept all", "ok", "got it", "cookie settings",
        "advertisement", "advertising", "sponsored", "share", "share this", "share this article",
        "share on facebook", "share on twitter", "tweet", "email", "print", "facebook", "twitter",
        "linkedin", "whatsapp", "copy link", "read more", "more", "see more", "show more",
        "related", "related articles", "related stories", "read next", "most read", "top stories",
        "comments", "leave a comment", "subscribe", "sign up", "log in", "login", "register",
        "back to top", "menu", "home", "search", "skip to content", "follow us", "newsletter",
    }
)

WIKINEWS_LICENCE_URL = "https://creativecommons.org/licenses/by/2.5/"
#: One-line credit for the bundled Wikinews articles, for the app's footer and exports.
WIKINEWS_CREDIT = (
    "Bundled Wikinews articles (2019–2020) by Wikinews contributors, licensed CC BY 2.5 "
    f"({WIKINEWS_LICENCE_URL}); titles and URLs in seeds/ATTRIBUTION.md."
)

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


# --- the load report --------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What a load produced: articles added, inputs skipped or rejected, and warnings.

    Iterating, indexing and ``len()`` go over ``articles``, so a report can be used where a list
    of articles is expected. ``skipped`` and ``rejected`` hold ``(name, reason)`` pairs; a name is
    a file, a corpus line (``"corpus.jsonl line 3"``) or a URL. ``warnings`` are
    ``"name: problem"`` lines for articles that loaded despite a problem.
    """

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _origin_by_id: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def add(self, article: Article, name: str | None = None) -> bool:
        """Add ``article`` unless one with the same id is already here (then skip it).

        Returns:
            True when added, False when skipped as a duplicate.
        """
        name = name or article.origin or article.id
        if article.id in self._origin_by_id:
            first = self._origin_by_id[article.id]
            self.skipped.append((name, f"same text as {first} (id {article.id})"))
            return False
        self._origin_by_id[article.id] = name
        self.articles.append(article)
        self.warnings.extend(f"{name}: {w}" for w in article.warnings)
        return True

    def reject(self, name: str, reason: str) -> None:
        """Record that ``name`` could not be loaded, and why."""
        self.rejected.append((name, reason))

    def summary(self) -> str:
        """One line: how many articles were added, skipped and rejected."""
        return (
            f"added {len(self.articles)}, skipped {len(self.skipped)}, "
            f"rejected {len(self.rejected)}, warnings {len(self.warnings)}"
        )

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, index: int) -> Article:
        return self.articles[index]


# --- canonical text and ids -------------------------------------------------------------------


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


# --- decoding ---------------------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _sniff_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a byte-order mark from the NUL bytes of mostly-ASCII text."""
    sample = data[: 64 * 1024]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0) / pairs
    odd_nuls = sample[1::2].count(0) / pairs
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _plausible_western(text: str) -> bool:
    """Whether text decoded as cp1252 reads like a Western European language.

    Western text is mostly ASCII letters with some accented ones, and its non-ASCII symbols
    (quotes, dashes, €) sit between words, not inside them. Cyrillic bytes read as cp1252 come
    out as almost only accented letters ("Ïðèâåò"); Polish cp1250 bytes put symbols inside words
    ("Za¿ó³æ"). Both fail here.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(1 for c in letters if ord(c) > 127) / len(letters) >= 0.3:
        return False
    for k in range(1, len(text) - 1):
        c = text[k]
        if ord(c) > 127 and not c.isalpha() and text[k - 1].isalpha() and text[k + 1].isalpha():
            if c not in "’‘–—·":  # "don’t", "Jean–Paul": fine inside a word
                return False
    return not any(0x80 <= ord(c) <= 0x9F for c in text)  # C1 controls: not cp1252 text


def _guess_legacy_encoding(data: bytes) -> str | None:
    """Pick an 8-bit encoding for bytes that are not UTF-8.

    cp1252 (a superset of Latin-1's printable range) is tried first and kept when the result
    reads like a Western language (``_plausible_western``): charset-normalizer alone scores
    cp1250, cp1252, cp850 and others equally on short Western texts and often reports the wrong
    one, turning “quotes” and € into other letters. Otherwise charset-normalizer's best guess is
    used (e.g. cp1251 for Russian); None when nothing fits.
    """
    from charset_normalizer import from_bytes

    for encoding in ("cp1252", "latin-1"):
        try:
            candidate = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_western(candidate[:200_000]):
            return encoding
    best = from_bytes(data[: 512 * 1024]).best()
    return best.encoding if best is not None else None


_BAD_CONTROLS_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc minus \t\n\v\f\r


def _check_is_text(text: str, name: str) -> str:
    controls = len(_BAD_CONTROLS_RE.findall(text))
    if controls > max(2, len(text) // 200):
        raise BadInput(
            f"{name}: looks like a binary file ({controls} control characters), not text"
        )
    return text


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a file's bytes to text: UTF-8 (with or without BOM), UTF-16/32, else a legacy 8-bit
    encoding detected with charset-normalizer.

    Args:
        data: the raw bytes.
        name: the input's name, used in messages.

    Returns:
        The decoded text (not yet canonical) and warnings, e.g. when a fallback encoding was used.

    Raises:
        BadInput: empty input, binary data (NUL bytes, control characters), undecodable bytes.
    """
    if not data:
        raise BadInput(f"{name}: the file is empty")
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise BadInput(
                    f"{name}: starts with a {label} byte-order mark but is not valid {label} "
                    f"({exc.reason} at byte {exc.start + len(bom)})"
                ) from None
            warnings = [] if label == "UTF-8" else [f"not UTF-8: decoded as {label} (byte-order mark)"]
            return _check_is_text(text, name), warnings
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise BadInput(
                f"{name}: looks like a binary file (NUL bytes that are not UTF-16), not text"
            ) from None
        return _check_is_text(text, name), [
            f"not UTF-8: decoded as {utf16.upper()} (detected, no byte-order mark)"
        ]
    if b"\x00" in data:
        raise BadInput(f"{name}: looks like a binary file (it contains NUL bytes), not text")
    try:
        return _check_is_text(data.decode("utf-8"), name), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    encoding = _guess_legacy_encoding(data)
    if encoding is None:
        raise BadInput(
            f"{name}: is not UTF-8 (bad byte at {first_bad}) and no text encoding fits: "
            "is it a binary file? Save it as UTF-8 text"
        )
    text = data.decode(encoding, errors="replace")
    return _check_is_text(text, name), [
        f"not UTF-8: decoded as {encoding} (detected); check accented characters"
    ]


# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH = (
    r"(?P<mon>january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_DATE_PATTERNS = (
    # 2023-09-12, 2023-09-12T10:00:00Z
    re.compile(
        r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d-])"
    ),
    # September 12, 2023 / Sept. 12 2023 / Sep 12th, 2023
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    # 12 September 2023 / 12th of Sept. 2023
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})\b", re.I),
    # 12.09.2023 (day first, European) / 09/12/2023 only when unambiguous
    re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})\b"),
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?"
_DATE_NOISE_RE = re.compile(
    rf"\b(?:{_WEEKDAY}|{_TIME}|at|on|updated|published|posted|last|first|gmt|utc|bst|cet|cest"
    r"|msk|[ecmp][sd]?t|z)\b|[\s,;:|/()·•–—-]+",
    re.I,
)


def _date_from_match(m: re.Match) -> str:
    groups = m.groupdict()
    try:
        year = int(groups["y"])
        if groups.get("mon"):
            month, day = _MONTHS[groups["mon"].lower().rstrip(".")], int(groups["d"])
        elif groups.get("sep"):
            a, b = int(groups["a"]), int(groups["b"])
            if groups["sep"] == "." or a > 12:
                day, month = a, b
            elif b > 12:
                month, day = a, b
            else:  # 03/04/2023: March 4 or 3 April? Refuse rather than guess.
                return ""
        else:
            month, day = int(groups["m"]), int(groups["d"])
        return _date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return ""


def _find_date(s: str) -> tuple[str, re.Match | None]:
    found: list[tuple[int, str, re.Match]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(s):
            iso = _date_from_match(m)
            if iso:
                found.append((m.start(), iso, m))
                break
    if not found:
        return "", None
    _, iso, m = min(found, key=lambda t: t[0])
    return iso, m


def parse_date(value: str) -> str:
    """The first calendar date written in ``value``, as ISO ``YYYY-MM-DD``, or ``""``.

    Reads ``2023-09-12``, ``September 12, 2023``, ``Sept. 12 2023``, ``12 September 2023``,
    ``12th of Sep 2023``, ``12.09.2023`` and unambiguous ``09/13/2023``.
    """
    return _find_date(value or "")[0]


def _only_date_noise(s: str) -> bool:
    return not _DATE_NOISE_RE.sub("", s).strip()


# --- bylines, datelines, standfirst tails -----------------------------------------------------

_BY_RE = re.compile(r"^(?:written\s+)?by\s*:?\s+(?P<rest>\S.*)$", re.I)
_PUBLISHED_RE = re.compile(
    r"^(?P<kind>published|first published|posted|updated|last updated|last modified)"
    r"(?:\s+on)?\s*:?\s*(?P<rest>.+)$",
    re.I,
)
_NAME_PARTICLES = frozenset(
    "de da das do dos di del della van von der den ter la le du al el bin ibn bint st. y".split()
)
_NAME_JOINERS = frozenset({"and", "&"})
_ROLE_WORDS = frozenset(
    "correspondent reporter editor writer staff journalist contributor columnist analyst "
    "bureau chief senior political economics business foreign news desk".split()
)
#: "... deal. / bne IntelliNews": a standfirst whose tail names the outlet after a slash or bar.
_OUTLET_TAIL_RE = re.compile(
    r"^(?P<body>.*?[.!?…\"”’)])\s+[/|]\s+(?P<outlet>[^\s/|][^/|]{0,48}[^\s/|.])\s*$"
)
#: "BERLIN (Reuters) - ..." / "NEW YORK, Sept 12 (AP) — ..." at the start of the first paragraph.
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,30}[A-Z.])(?:,\s*[A-Z][A-Za-z.]{1,12}(?:\s+\d{1,2})?)?"
    r"\s*(?:\((?P<outlet>[A-Za-z][\w .&'’-]{0,30})\))?\s*[—–-]{1,2}\s"
)


def _is_name_token(tok: str) -> bool:
    core = tok.strip(",;")
    if not core:
        return False
    if core.lower() in _NAME_PARTICLES or core.lower() in _NAME_JOINERS:
        return True
    return core[0].isupper() and all(c.isalpha() or c in ".'’-" for c in core)


def _looks_like_names(s: str) -> bool:
    """True for "Ben Aris", "Jane Doe and John Roe", "J. R. Smith", "Ana de la Cruz"."""
    tokens = s.split()
    if not 1 <= len(tokens) <= 12 or len(s) > 100:
        return False
    if not all(_is_name_token(t) for t in tokens):
        return False
    return any(t[0].isupper() for t in tokens) and tokens[-1].strip(",;").lower() not in (
        _NAME_JOINERS | _NAME_PARTICLES
    )


def _looks_like_place(s: str) -> bool:
    tokens = s.replace(",", " ").split()
    if not 1 <= len(tokens) <= 5:
        return False
    return tokens[0][0].isupper() and all(
        t[0].isupper() or t.lower() in ("of", "de", "la", "el", "upon", "on") for t in tokens
    )


def _looks_like_outlet(s: str) -> bool:
    words = s.split()
    return (
        1 <= len(words) <= 6
        and len(s) <= 50
        and s[0].isalnum()
        and not parse_date(s)
        and s[-1] not in ".!?,;:"
    )


def _drop_roles(author: str) -> str:
    """"Jane Doe, Staff Writer" -> "Jane Doe"; "Jane Doe, John Roe" stays."""
    parts = [p.strip() for p in author.split(",")]
    while len(parts) > 1 and any(w.lower() in _ROLE_WORDS for w in parts[-1].split()):
        parts.pop()
    return ", ".join(parts)


def parse_byline(line: str) -> dict[str, str] | None:
    """Metadata from one byline-like line, or None when the line is not one.

    Reads "By Ben Aris in Berlin September 12, 2023", "By Jane Doe | Reuters",
    "By Jane Doe and John Roe, Staff Writers - 12 Sept 2023", "Published: 12 September 2023",
    "Updated 10:30 GMT, Tuesday 12 September 2023" and a line that is only a date.

    Returns:
        A dict with some of ``author``, ``place``, ``outlet``, ``date`` (ISO) and ``updated``.
    """
    s = line.strip().lstrip("#").strip()
    if not s or len(s) > 160:
        return None
    m = _PUBLISHED_RE.match(s)
    if m:
        iso, dm = _find_date(m["rest"])
        if iso and _only_date_noise(m["rest"][: dm.start()] + m["rest"][dm.end() :]):
            key = "updated" if "updated" in m["kind"].lower() or "modified" in m["kind"] else "date"
            return {key: iso}
        return None
    m = _BY_RE.match(s)
    if m:
        rest = m["rest"]
        found: dict[str, str] = {}
        iso, dm = _find_date(rest)
        if iso:
            found["date"] = iso
            tail = rest[dm.end() :]
            if not _only_date_noise(tail):
                return None
            rest = rest[: dm.start()]
            # drop weekday names / times / separators left just before the date
            rest = re.sub(rf"(?:[\s,;|·•–—-]|\b{_WEEKDAY}|{_TIME})+$", "", rest, flags=re.I)
        parts = [p.strip(" ,;") for p in re.split(r"\s+[|•·]\s+|\s+[—–-]\s+", rest)]
        parts = [p for p in parts if p]
        if not parts:
            return None
        who = parts[0]
        place = ""
        pm = re.search(r"\s+in\s+(?P<place>[^,]+(?:,\s*[A-Z][\w.]*)?)$", who)
        if pm:
            who, place = who[: pm.start()], pm["place"].strip()
            if not _looks_like_place(place):
                return None
        who = _drop_roles(who)
        if not _looks_like_names(who):
            return None
        found["author"] = who
        if place:
            found["place"] = place
        for extra in parts[1:]:
            if "outlet" not in found and _looks_like_outlet(extra):
                found["outlet"] = extra
            else:
                return None
        return found
    iso, dm = _find_date(s)
    if iso and _only_date_noise(s[: dm.start()] + s[dm.end() :]):
        return {"date": iso}
    return None


# --- lines and paragraphs ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    start: int  # of the stripped line
    end: int
    text: str
    gap_before: bool  # a blank line (or the start of the text) precedes it


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    gap = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(_Line(start, start + len(stripped), stripped, gap))
            gap = False
        else:
            gap = True
        pos += len(raw) + 1
    return out


_SENTENCE_END = tuple(".!?:;\"”’»)…")


def _is_hard_wrapped(block: list[_Line]) -> bool:
    """True when a block's lines are one paragraph wrapped at a width, not one paragraph each."""
    if len(block) < 2 or max(len(ln.text) for ln in block) > 100:
        return False
    open_ends = sum(1 for ln in block[:-1] if not ln.text.endswith(_SENTENCE_END))
    return open_ends >= (len(block) - 1) / 2


def _paragraphs(lines: list[_Line]) -> list[Span]:
    blocks: list[list[_Line]] = []
    for ln in lines:
        if ln.gap_before or not blocks:
            blocks.append([ln])
        else:
            blocks[-1].append(ln)
    spans: list[Span] = []
    for block in blocks:
        if _is_hard_wrapped(block):
            spans.append(Span(block[0].start, block[-1].end))
        else:
            spans.extend(Span(ln.start, ln.end) for ln in block)
    return spans


def _norm(s: str) -> str:
    return " ".join(s.replace("’", "'").split()).casefold()


def _strip_md_heading(s: str) -> str:
    return re.sub(r"^#{1,6}\s+", "", s).strip()


def _looks_like_headline(line: _Line) -> bool:
    if re.match(r"^#{1,6}\s+\S", line.text):
        return True
    s = line.text
    return (
        len(s) <= 200
        and len(s.split()) <= 30
        and not s.endswith((".", ",", ";", ":", "…"))
        and parse_byline(s) is None
    )


def _is_furniture(line: _Line) -> bool:
    return len(line.text) <= 40 and line.text.strip(" .:!»›>|-").casefold() in FURNITURE_LINES


# --- quotation marks --------------------------------------------------------------------------

_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"


def _first_curly(s: str) -> str:
    return next((c for c in s if c in _OPEN_QUOTES or c in _CLOSE_QUOTES), "")


def quotation_warnings(text: str, paragraphs: Iterable[Span]) -> list[str]:
    """Warnings for body paragraphs whose quotation marks do not pair up.

    A quotation may run over paragraphs: either each continuing paragraph re-opens it (the
    newspaper convention) or the next paragraph closes it. Anything else left open at the end of
    a paragraph, and any closing mark with nothing open, is reported with the paragraph's number
    (1-based, body paragraphs). German „…“ and Hungarian „…” pairs are understood; straight
    double quotes are paired in order.
    """
    paras = [span.text(text) for span in paragraphs]
    out: list[str] = []
    stack: list[str] = []  # open curly marks
    curly_from = 0  # paragraph where the open curly quotation began
    inside = False  # a straight quotation is open
    straight_from = 0
    for k, p in enumerate(paras):
        nxt = paras[k + 1].lstrip() if k + 1 < len(paras) else ""
        body = p.lstrip()
        if stack and body.startswith(tuple(_OPEN_QUOTES)):
            body = body[1:]  # re-opened by convention: the quotation goes on
        if inside and body.startswith('"'):
            body = body[1:]
        stray = False
        for ch in body:
            if ch == "„" or ch == "«":
                if not stack:
                    curly_from = k
                stack.append(ch)
            elif ch == "“":
                if stack and stack[-1] == "„":
                    stack.pop()  # German „…“
                else:
                    if not stack:
                        curly_from = k
                    stack.append(ch)
            elif ch in _CLOSE_QUOTES:
                if stack:
                    stack.pop()
                else:
                    stray = True
            elif ch == '"':
                inside = not inside
                if inside:
                    straight_from = k
        if stray:
            out.append(f"paragraph {k + 1} closes a quotation that was never opened")
        if stack:
            first = _first_curly(nxt)
            goes_on = nxt.startswith(tuple(_OPEN_QUOTES)) or (first != "" and first in _CLOSE_QUOTES)
            if not goes_on:
                out.append(f"paragraph {curly_from + 1} opens a quotation that never closes")
                stack.clear()
        if inside:
            goes_on = nxt.startswith('"') or nxt.count('"') % 2 == 1
            if not goes_on:
                out.append(
                    f'paragraph {straight_from + 1} opens a quotation (") that never closes'
                )
                inside = False
    return out


# --- parsing one article ----------------------------------------------------------------------


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def parse_article(
    text: str,
    *,
    origin: str = "",
    title: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    date: str | None = None,
    url: str | None = None,
    place: str | None = None,
    warnings: Iterable[str] = (),
) -> Article:
    """Build an ``Article`` from a text, parsing the metadata that is not given.

    The top of the text is read for a headline (the first line, when it is short and does not end
    like a sentence, or a Markdown ``# `` heading), a repetition of it, a standfirst (the line
    before the byline; an ``" / Outlet"`` tail names the outlet and is left out of its span), a
    byline ("By X in Place Month D, YYYY", "By X | Outlet", "Published …", a date alone) and a
    dateline ("BERLIN (Reuters) -"). Short page-furniture lines at the end ("News", "Dismiss",
    see ``FURNITURE_LINES``) are dropped. The rest are body paragraphs: blank-line separated
    blocks, one paragraph per line unless the block is hard-wrapped.

    Args:
        text: the article text; it is made canonical (see ``canonical_text``) first.
        origin: where it came from (a path, ``"paste"``, a URL), used in messages.
        title, outlet, author, date, url, place: metadata known from elsewhere; given values win
            over parsed ones. ``date`` is normalised to ISO when it can be read.
        warnings: problems already found while loading (e.g. the encoding fallback).

    Returns:
        The article; problems that did not stop it (no paragraphs, unbalanced quotation marks)
        are in ``Article.warnings``.

    Raises:
        BadInput: the text is empty or only whitespace, or longer than ``MAX_ARTICLE_CHARS``.
    """
    name = origin or "text"
    text = canonical_text(text)
    if not text.strip():
        raise BadInput(f"{name}: there is no text (it is empty or only whitespace)")
    if len(text) > MAX_ARTICLE_CHARS:
        raise BadInput(
            f"{name}: the text has {len(text):,} characters, over the limit of "
            f"{MAX_ARTICLE_CHARS:,} for one article; split it into articles"
        )
    warn = list(warnings)
    given = {
        "title": _clean(title), "outlet": _clean(outlet), "author": _clean(author),
        "date": _clean(date), "url": _clean(url), "place": _clean(place),
    }
    parsed: dict[str, str] = {}
    lines = _lines(text)
    n, i = len(lines), 0

    # Headline: the given title when the text repeats it, else a headline-like first line.
    headline = given["title"]
    if headline:
        if _norm(_strip_md_heading(lines[0].text)) == _norm(headline):
            i = 1
    elif _looks_like_headline(lines[0]):
        headline = parsed["title"] = _strip_md_heading(lines[0].text)
        i = 1
    while i < n and headline and _norm(_strip_md_heading(lines[i].text)) == _norm(headline):
        i += 1  # the headline repeated (web pages show it twice)

    # Byline within the next few lines; the line(s) between headline and byline are a standfirst.
    standfirst: Span | None = None
    by_index = next(
        (j for j in range(i, min(i + 3, n)) if parse_byline(lines[j].text) is not None), None
    )
    first_meta = i
    if by_index is not None:
        j = by_index
        while j < n and (found := parse_byline(lines[j].text)) is not None:
            for key, value in found.items():
                parsed.setdefault(key, value)
            j += 1
        i = j  # lines between the standfirst and the byline are header, not body
    has_room = by_index is not None and by_index > first_meta
    if first_meta < n and (has_room or (by_index is None and headline)):
        line = lines[first_meta]
        tail = _OUTLET_TAIL_RE.match(line.text)
        if tail and _looks_like_outlet(tail["outlet"]):
            standfirst = Span(line.start, line.start + len(tail["body"]))
            parsed.setdefault("outlet", tail["outlet"].strip())
            i = max(i, first_meta + 1)
        elif has_room:
            standfirst = Span(line.start, line.end)

    # Trailing page furniture, then body paragraphs.
    end = n
    while end > i and _is_furniture(lines[end - 1]):
        end -= 1
    paragraphs = _paragraphs(lines[i:end])
    if paragraphs:
        dl = _DATELINE_RE.match(paragraphs[0].text(text))
        if dl:
            parsed.setdefault("place", dl["place"].strip().title())
            if dl["outlet"]:
                parsed.setdefault("outlet", dl["outlet"].strip())

    date_value = given["date"]
    if date_value:
        iso = parse_date(date_value)
        if iso:
            date_value = iso
        else:
            warn.append(f"date {date_value!r} is not a recognised date; kept as given")
    else:
        date_value = parsed.get("date") or parsed.get("updated", "")

    if not paragraphs:
        warn.append("no body paragraphs: the text has only a headline or metadata")
    warn.extend(quotation_warnings(text, paragraphs))
    return Article(
        id=article_id(text),
        text=text,
        title=given["title"] or parsed.get("title", ""),
        outlet=given["outlet"] or parsed.get("outlet", ""),
        author=given["author"] or parsed.get("author", ""),
        place=given["place"] or parsed.get("place", ""),
        date=date_value,
        url=given["url"],
        paragraphs=tuple(paragraphs),
        standfirst=standfirst,
        origin=origin,
        warnings=tuple(warn),
    )


# --- HTML -------------------------------------------------------------------------------------


def html_to_article(
    html: str, *, origin: str = "", url: str | None = None, warnings: Iterable[str] = ()
) -> Article:
    """The main text of a web page as an article, with trafilatura.

    Scripts, styles, navigation, comments and attributes are dropped; the article text is plain
    text (it may contain ``<`` characters, which rendering escapes). Title, author, date and site
    name come from the page's metadata.

    Raises:
        BadInput: no article text could be found in the page.
    """
    from components.optional import guarded, require

    needed_for = "Reading HTML pages"
    trafilatura = require("trafilatura", package="trafilatura", needed_for=needed_for)
    name = origin or url or "HTML"
    doc = guarded(
        lambda: trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        ),
        package="lxml_html_clean",
        needed_for=needed_for,
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text.strip():
        raise BadInput(f"{name}: no article text found in the HTML page")
    return parse_article(
        text,
        origin=origin,
        title=getattr(doc, "title", None),
        author=getattr(doc, "author", None),
        outlet=getattr(doc, "sitename", None),
        date=getattr(doc, "date", None),
        url=url or getattr(doc, "url", None),
        warnings=warnings,
    )


# --- corpora ----------------------------------------------------------------------------------


def _record_to_article(record: object, where: str, origin_base: str) -> Article:
    if not isinstance(record, dict):
        raise BadInput(f"{where}: is not a JSON object with a 'text' field")
    text = record.get("text")
    if text is None:
        raise BadInput(f"{where}: has no 'text' field")
    if not isinstance(text, str):
        raise BadInput(f"{where}: 'text' is not a string")
    if not text.strip():
        raise BadInput(f"{where}: 'text' is empty")
    rid = _clean(record.get("id"))
    return parse_article(
        text,
        origin=f"{origin_base}#{rid}" if rid else where,
        title=record.get("title") if isinstance(record.get("title"), str) else None,
        outlet=record.get("outlet") if isinstance(record.get("outlet"), str) else None,
        author=record.get("author") if isinstance(record.get("author"), str) else None,
        date=_clean(record.get("date")) or None,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
    )


def _problem(exc: BadInput, where: str) -> str:
    message = str(exc)
    return message[len(where) + 2 :] if message.startswith(f"{where}: ") else message


def _load_jsonl(data: bytes, name: str, report: LoadReport) -> None:
    text, warns = decode_bytes(data, name)
    report.warnings.extend(f"{name}: {w}" for w in warns)
    before = len(report.articles) + len(report.skipped)
    bad = 0
    for lineno, line in enumerate(canonical_text(text).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name} line {lineno}"
        try:
            record = json.loads(line)
            article = _record_to_article(record, where, f"corpus:{Path(name).name}")
        except json.JSONDecodeError as exc:
            report.reject(where, f"not valid JSON ({exc.msg}, column {exc.colno})")
            bad += 1
            continue
        except RecursionError:
            # json recurses once per level: a line nested 200,000 deep would end the whole load
            report.reject(where, "JSON nested too deeply to read (an article record is one flat object)")
            bad += 1
            continue
        except BadInput as exc:
            report.reject(where, _problem(exc, where))
            bad += 1
            continue
        report.add(article, article.origin)
    if len(report.articles) + len(report.skipped) == before:
        first = report.rejected[-bad] if bad else None
        detail = f"; first problem: {first[0]}: {first[1]}" if first else ""
        raise BadInput(f"{name}: no article could be read from it ({bad} bad lines{detail})")


def _load_csv(data: bytes, name: str, report: LoadReport) -> None:
    text, warns = decode_bytes(data, name)
    report.warnings.extend(f"{name}: {w}" for w in warns)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_CHARS * 4))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{name}: the CSV file has no header row") from None
    except csv.Error as exc:
        raise BadInput(f"{name}: is not a readable CSV file ({exc})") from None
    columns = [h.strip().lstrip("\ufeff").lower() for h in header]
    if "text" not in columns:
        shown = ", ".join(repr(c) for c in columns[:10]) or "none"
        raise BadInput(
            f"{name}: the CSV has no 'text' column (its columns: {shown}); "
            f"a corpus CSV has columns {', '.join(CORPUS_FIELDS)} (only text is required)"
        )
    before = len(report.articles) + len(report.skipped)
    bad = 0
    while True:
        first_line = reader.line_num + 1  # a quoted text may span lines: name the first
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.reject(f"{name} line {first_line}", f"CSV error ({exc}); rest not read")
            bad += 1
            break
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name} line {first_line}"
        record = {col: row[k] for k, col in enumerate(columns) if k < len(row) and col}
        try:
            article = _record_to_article(record, where, f"corpus:{Path(name).name}")
        except BadInput as exc:
            report.reject(where, _problem(exc, where))
            bad += 1
            continue
        report.add(article, article.origin)
    if len(report.articles) + len(report.skipped) == before:
        raise BadInput(f"{name}: no article could be read from it ({bad} bad rows)")


# --- loaders ----------------------------------------------------------------------------------


def _limit_for(ext: str) -> int:
    return MAX_CORPUS_BYTES if ext in CORPUS_EXTENSIONS else MAX_BYTES


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _check_extension(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise BadInput(
            f"{name}: unsupported file type {ext or '(no extension)'}; "
            f"use one of {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    return ext


def _load_into(report: LoadReport, data: bytes, name: str) -> None:
    ext = _check_extension(name)
    limit = _limit_for(ext)
    if len(data) > limit:
        raise BadInput(f"{name}: the file is {_mb(len(data))}, over the {_mb(limit)} limit")
    if ext == ".jsonl":
        _load_jsonl(data, name, report)
        return
    if ext == ".csv":
        _load_csv(data, name, report)
        return
    text, warns = decode_bytes(data, name)
    if ext in HTML_EXTENSIONS:
        article = html_to_article(text, origin=name, warnings=warns)
    else:
        article = parse_article(text, origin=name, warnings=warns)
    report.add(article, name)


def load_bytes(data: bytes, name: str) -> LoadReport:
    """Load an uploaded file's bytes, by its extension: .txt, .md, .html/.htm, .jsonl, .csv.

    Args:
        data: the file's content.
        name: its file name (the extension picks the reader; the name appears in messages).

    Returns:
        A report whose ``articles`` are the articles read (one, or many for a corpus) and whose
        ``rejected`` lists corpus lines that could not be read, by line number.

    Raises:
        BadInput: unsupported type, over the size limit, empty, binary, no usable text, a CSV
            without a ``text`` column, a corpus with no usable line.
    """
    report = LoadReport()
    _load_into(report, data, name)
    return report


def iter_article_files(path: str | os.PathLike[str]) -> list[Path]:
    """The files ``load_path`` would read for ``path``: itself, or a folder's files recursively
    (sorted; hidden files and folders left out).

    Raises:
        BadInput: the path does not exist.
    """
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise BadInput(f"{root}: no such file or folder")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_file(path: str | os.PathLike[str], report: LoadReport | None = None) -> LoadReport:
    """Load one file into ``report`` (a new one when None): added, skipped or rejected.

    The size is checked before the file is read; problems are recorded in ``report.rejected``
    rather than raised, so a folder load goes on past a bad file.
    """
    report = report if report is not None else LoadReport()
    p = Path(path)
    name = str(p)
    try:
        ext = _check_extension(name)
        size = p.stat().st_size
        limit = _limit_for(ext)
        if size == 0:
            raise BadInput(f"{name}: the file is empty")
        if size > limit:
            raise BadInput(f"{name}: the file is {_mb(size)}, over the {_mb(limit)} limit")
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
        _load_into(report, data, name)
    except BadInput as exc:
        report.reject(name, _problem(exc, name))
    except OSError as exc:
        report.reject(name, f"cannot be read ({exc.strerror or exc})")
    return report


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_file: Callable[[Path], None] | None = None,
) -> LoadReport:
    """Load files and folders (recursively) into one report, dropping duplicate texts.

    Documentation files in a folder (``NOT_ARTICLE_NAMES``, e.g. ATTRIBUTION.md) are skipped;
    files of other types are rejected with the reason.

    Args:
        paths: files or folders.
        on_file: called with each file before it is read (for a progress bar).

    Raises:
        BadInput: one of the paths does not exist.
    """
    report = LoadReport()
    for path in paths:
        root = Path(path)
        files = iter_article_files(root)
        for f in files:
            if on_file is not None:
                on_file(f)
            if root.is_dir() and f.name.lower() in NOT_ARTICLE_NAMES:
                report.skipped.append((str(f), "documentation, not an article"))
                continue
            load_file(f, report)
    return report


def load_path(
    path: str | os.PathLike[str], *, on_file: Callable[[Path], None] | None = None
) -> LoadReport:
    """Load a file or a folder (recursively); see ``load_paths``."""
    return load_paths([path], on_file=on_file)


def load_seeds(folder: str | os.PathLike[str] | None = None) -> LoadReport:
    """Load the bundled seed folder: the seed article (``000_*``) first, then the rest.

    Args:
        folder: the folder; default ``SOURCELIGHT_SEEDS`` or the repository's ``seeds/``.

    Raises:
        BadInput: the folder does not exist.
    """
    root = Path(folder or os.environ.get("SOURCELIGHT_SEEDS") or DEFAULT_SEEDS)
    if not root.is_dir():
        raise BadInput(f"{root}: the seeds folder does not exist")
    files = iter_article_files(root)
    first = [f for f in files if f.parent == root and f.name.startswith("000_")]
    ordered = first + [f for f in files if f not in first]
    report = LoadReport()
    for f in ordered:
        if f.name.lower() in NOT_ARTICLE_NAMES:
            continue
        load_file(f, report)
    return report


def load_paste(text: str, *, title: str | None = None) -> list[Article]:
    """Pasted text as an article (metadata parsed from it unless ``title`` is given).

    Raises:
        BadInput: nothing was pasted, or more than ``MAX_BYTES``.
    """
    if text is None or not text.strip():
        raise BadInput("pasted text: there is no text; paste an article first")
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise BadInput(f"pasted text: {_mb(size)} is over the {_mb(MAX_BYTES)} limit")
    return [parse_article(text, origin="paste", title=title)]


# --- URLs -------------------------------------------------------------------------------------


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")


def fetch_url(
    url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_BYTES
) -> list[Article]:
    """Fetch a web page (http/https only) and return its main text as an article.

    HTML goes through trafilatura (see ``html_to_article``); plain text is read as is. The
    request goes through ``components.fetch.http_get``: internal addresses are refused (on every
    redirect), the size cap is enforced while the body streams in, and ``timeout`` bounds the
    whole fetch, connection, headers and body together.

    Args:
        url: an ``http://`` or ``https://`` URL.
        timeout: seconds for the whole fetch.
        max_bytes: the largest body accepted.

    Raises:
        BadInput: another scheme, no host, an internal address, an HTTP error status, a network error, a timeout, an
            oversize body, a body that is not HTML or text, or no article text in it.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadInput(
            f"{url or 'URL'}: only http:// and https:// URLs can be fetched"
            + (f" (not {scheme}:)" if scheme else "")
        )
    if not parts.hostname:
        raise BadInput(f"{url}: the URL has no host name")
    fetched = http_get(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
        size_text=_mb,
    )
    data, final_url = fetched.body, fetched.url
    content_type = fetched.headers.get_content_type()
    charset = fetched.headers.get_content_charset()
    declared = "Content-Type" in fetched.headers

    if not data:
        raise BadInput(f"{url}: the server sent an empty page")
    sniffed_html = data.lstrip()[:1] == b"<"
    if content_type in _HTML_TYPES or (not declared and sniffed_html):
        kind = "html"
    elif content_type in _TEXT_TYPES or (not declared and not sniffed_html):
        kind = "text"
    else:
        raise BadInput(f"{url}: the server sent {content_type}, not a web page or text")
    text, warns = _decode_with_charset(data, charset, url)
    if kind == "html":
        return [html_to_article(text, origin=url, url=final_url, warnings=warns)]
    return [parse_article(text, origin=url, url=final_url, warnings=warns)]


def _decode_with_charset(data: bytes, charset: str | None, name: str) -> tuple[str, list[str]]:
    if charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" in text:
                raise BadInput(f"{name}: looks like binary data (NUL bytes), not text")
            return _check_is_text(text, name), []
    return decode_bytes(data, name)
