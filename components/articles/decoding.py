"""Decoding a file's bytes to text: UTF-8 (with or without a byte-order mark), UTF-16/32 and,
failing those, a legacy 8-bit encoding (cp1252 when it reads as Western text, else
charset-normalizer's guess); binary data is refused.

May import components.errors; nothing else from components.
"""
from __future__ import annotations

import codecs
import re

from components.errors import BadInput

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
