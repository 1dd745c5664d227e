"""Typed, validated loading of the attribution data files in ``data/``.

The reporting-cue lexicon (``cues.json``), the media outlets with their aliases
(``outlets.jsonl``), the source-type patterns (``source_patterns.json``) and the evidence of a
person's gender (``gender.json``) are data, not code:
this module reads them once, checks every field's type and allowed values, and returns frozen
records. A malformed entry raises ``ValueError`` naming the file, the entry and the problem, so
a bad edit to a data file fails at load time rather than silently changing the rules.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SLOTS = ("ccomp", "xcomp", "dobj", "prep", "reverse", "quote", "named", "as", "dobj_person", "finite")


@dataclass(frozen=True)
class VerbCue:
    """A reporting verb: its lemma, where its content may sit, and prepositions for ``prep``."""

    lemma: str
    frame: str
    slots: frozenset[str]
    preps: frozenset[str]


@dataclass(frozen=True)
class NounCue:
    """A reporting noun ('concern', 'criticism') and the words that introduce its content."""

    lemma: str
    preps: frozenset[str]


@dataclass(frozen=True)
class Outlet:
    """A media outlet's canonical name and the other names it goes by."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class GenderCues:
    """Gendered words, each lower-cased word mapped to ``"female"`` or ``"male"``."""

    honorifics: dict[str, str]  # 'mrs', 'sir' (without the dot)
    role_nouns: dict[str, str]  # 'spokeswoman', 'husband'
    first_names: dict[str, str]  # 'angela', 'donald'
    pronouns: dict[str, str]  # 'she', 'his'


@dataclass(frozen=True)
class Lexicon:
    """Everything the extractor reads from ``data/``."""

    verbs: dict[str, VerbCue]
    nouns: dict[str, NounCue]
    light_verbs: frozenset[str]
    control_verbs: frozenset[str]
    label_stoplist: frozenset[str]
    interviewer_labels: frozenset[str]
    adjectives: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    outlets: tuple[Outlet, ...]
    outlet_by_alias: dict[str, tuple[Outlet, ...]]  # lower-cased name/alias -> outlets
    unnamed_heads: frozenset[str]
    official_heads: frozenset[str]
    media_heads: frozenset[str]
    finding_heads: frozenset[str]
    reference_heads: frozenset[str]
    person_pronouns: frozenset[str]
    nonperson_pronouns: frozenset[str]
    gender: GenderCues


def _fail(where: str, msg: str) -> None:
    raise ValueError(f"attribution data {where}: {msg}")


def _str(obj: dict, key: str, where: str, *, required: bool = True) -> str:
    val = obj.get(key, None if required else "")
    if not isinstance(val, str) or (required and not val.strip()):
        _fail(where, f"field {key!r} must be a non-empty string, got {val!r}")
    return val


def _strs(obj: dict, key: str, where: str, *, default: list | None = None) -> list[str]:
    val = obj.get(key, default)
    if not isinstance(val, list) or not all(isinstance(v, str) and v.strip() for v in val):
        _fail(where, f"field {key!r} must be a list of non-empty strings, got {val!r}")
    return [v.strip() for v in val]


def _load_cues(path: Path) -> tuple:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        _fail(path.name, f"cannot be read as JSON ({exc})")
    frames: dict[str, frozenset[str]] = {}
    for name, spec in raw.get("frames", {}).items():
        slots = _strs(spec, "slots", f"{path.name} frame {name!r}")
        if bad := set(slots) - set(SLOTS):
            _fail(f"{path.name} frame {name!r}", f"unknown slots {sorted(bad)}; allowed {SLOTS}")
        _str(spec, "why", f"{path.name} frame {name!r}")
        frames[name] = frozenset(slots)
    verbs: dict[str, VerbCue] = {}
    for n, entry in enumerate(raw.get("verbs", [])):
        where = f"{path.name} verbs[{n}]"
        lemma = _str(entry, "lemma", where).lower()
        frame = _str(entry, "frame", where)
        if frame not in frames:
            _fail(where, f"unknown frame {frame!r}; known: {sorted(frames)}")
        slots = frozenset(_strs(entry, "slots", where, default=sorted(frames[frame])))
        if bad := slots - set(SLOTS):
            _fail(where, f"unknown slots {sorted(bad)}")
        preps = frozenset(p.lower() for p in _strs(entry, "preps", where, default=[]))
        if "prep" in slots and frame != "speech_obj" and not preps:
            _fail(where, "slot 'prep' needs a non-empty 'preps' list")
        _str(entry, "why", where, required=False)
        verbs[lemma] = VerbCue(lemma, frame, slots, preps)
    nouns = {}
    for n, entry in enumerate(raw.get("nouns", [])):
        where = f"{path.name} nouns[{n}]"
        lemma = _str(entry, "lemma", where).lower()
        nouns[lemma] = NounCue(lemma, frozenset(p.lower() for p in _strs(entry, "preps", where)))
    light = raw.get("light_verbs", {})
    light_verbs = frozenset(x.lower() for x in _strs(light, "lemmas", f"{path.name} light_verbs"))
    adjectives = frozenset(
        _str(e, "lemma", f"{path.name} adjectives[{n}]").lower()
        for n, e in enumerate(raw.get("adjectives", []))
    )
    phrases = tuple(
        tuple(w.lower() for w in _strs(e, "words", f"{path.name} phrases[{n}]"))
        for n, e in enumerate(raw.get("phrases", []))
    )
    control = raw.get("control_verbs", {})
    control_verbs = frozenset(x.lower() for x in _strs(control, "lemmas", f"{path.name} control_verbs"))
    stop = raw.get("label_stoplist", {})
    label_stoplist = frozenset(x.lower() for x in _strs(stop, "words", f"{path.name} label_stoplist"))
    return verbs, nouns, light_verbs, control_verbs, label_stoplist, adjectives, phrases


def _load_outlets(path: Path) -> tuple[Outlet, ...]:
    outlets = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{path.name}:{n}"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                _fail(where, f"not JSON ({exc})")
            if not isinstance(entry, dict):
                _fail(where, "each line must be a JSON object")
            outlets.append(Outlet(_str(entry, "name", where), tuple(_strs(entry, "aliases", where))))
    return tuple(outlets)


def _heads(raw: dict, key: str, path: Path) -> frozenset[str]:
    section = raw.get(key)
    if not isinstance(section, dict):
        _fail(path.name, f"missing section {key!r}")
    return frozenset(h.lower() for h in _strs(section, "heads", f"{path.name} {key}"))


def _load_gender(path: Path) -> GenderCues:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        _fail(path.name, f"cannot be read as JSON ({exc})")
    sections = {}
    for key in ("honorifics", "role_nouns", "first_names", "pronouns"):
        section = raw.get(key)
        if not isinstance(section, dict):
            _fail(path.name, f"missing section {key!r}")
        words: dict[str, str] = {}
        for gender in ("female", "male"):
            for w in _strs(section, gender, f"{path.name} {key}"):
                if words.setdefault(w.lower(), gender) != gender:
                    _fail(f"{path.name} {key}", f"{w!r} is listed as both female and male")
        sections[key] = words
    return GenderCues(**sections)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and validate every data file once per process.

    Returns:
        The frozen ``Lexicon``.

    Raises:
        ValueError: a data file is missing a field or has a value of the wrong type.
    """
    verbs, nouns, light_verbs, control_verbs, label_stoplist, adjectives, phrases = _load_cues(DATA_DIR / "cues.json")
    outlets = _load_outlets(DATA_DIR / "outlets.jsonl")
    by_alias: dict[str, list[Outlet]] = {}
    for outlet in outlets:
        for name in (outlet.name, *outlet.aliases):
            key = name.lower()
            by_alias.setdefault(key, []).append(outlet)
            if key.startswith("the "):
                by_alias.setdefault(key[4:], []).append(outlet)
    path = DATA_DIR / "source_patterns.json"
    try:
        pats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        _fail(path.name, f"cannot be read as JSON ({exc})")
    pron = pats.get("pronouns", {})
    return Lexicon(
        verbs=verbs,
        nouns=nouns,
        light_verbs=light_verbs,
        control_verbs=control_verbs,
        label_stoplist=label_stoplist,
        interviewer_labels=frozenset(
            x.lower() for x in _strs(pats.get("interviewer_labels", {}), "labels", f"{path.name} interviewer_labels")
        ),
        adjectives=adjectives,
        phrases=phrases,
        outlets=outlets,
        outlet_by_alias={k: tuple(v) for k, v in by_alias.items()},
        unnamed_heads=_heads(pats, "unnamed", path),
        official_heads=_heads(pats, "official", path),
        media_heads=_heads(pats, "media", path),
        finding_heads=_heads(pats, "finding", path),
        reference_heads=_heads(pats, "definite_references", path),
        person_pronouns=frozenset(_strs(pron, "person", f"{path.name} pronouns")),
        nonperson_pronouns=frozenset(_strs(pron, "nonperson", f"{path.name} pronouns")),
        gender=_load_gender(DATA_DIR / "gender.json"),
    )
