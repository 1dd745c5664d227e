"""Metadata read from the top of an article: calendar dates (``parse_date``), bylines and
"Published …" lines (``parse_byline``), datelines ("BERLIN (Reuters) -") and standfirst tails
that name the outlet (" / Outlet").

Pure text functions; imports nothing from components.
"""
from __future__ import annotations

import re
from datetime import date as _date

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
