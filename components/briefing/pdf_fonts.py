"""The PDF's fonts: Noto Sans cut down to the pack's characters, else DejaVu Sans, else Helvetica.

Holds :func:`_pdf_fonts` (which font family a pack is set in, and which code points it draws),
:func:`_noto_static` (static Noto Sans instances subset to a pack's characters, cached),
:func:`_briefing_chars` (the characters a pack uses), :data:`DEJAVU_DIR` and the Latin-1 fallback
table. May import :mod:`components.briefing.model`, :mod:`components.charts`,
:mod:`components.records` and, inside the functions, fontTools and ``fontpkg_noto_sans``; never fpdf
or the rest of the PDF writer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from components.briefing.model import Briefing
from components.charts import KIND_LABELS, type_label
from components.records import KINDS

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_ASCII_FALLBACK = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "...", "\u00a0": " "})


@dataclass(frozen=True)
class _PdfFonts:
    family: str
    files: dict[str, str]  # style ("", "B", "I") -> path; empty for fpdf's core Helvetica
    covered: frozenset[int] | None  # code points the font draws; None: Latin-1 only (core font)


@functools.lru_cache(maxsize=8)
def _noto_static(chars: frozenset[int]) -> tuple[tuple[str, bytes], ...]:
    """Static Noto Sans regular/bold/italic cut down to ``chars`` (about a second per style).

    Noto Sans ships (in the ``fontpkg-noto-sans`` package) as variable fonts; a PDF wants static
    ones, and instancing the whole font takes ~10 s, so the font is first subset to the
    characters the briefing uses, then instanced.
    """
    import io

    import fontpkg_noto_sans
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    files = {"": "NotoSans[wdth,wght].ttf", "I": "NotoSans-Italic[wdth,wght].ttf"}
    out = []
    for styles, name in ((("", "B"), files[""]), (("I",), files["I"])):
        font = TTFont(Path(fontpkg_noto_sans.ROOT) / "files" / name)
        opts = subset.Options()
        opts.layout_features = ["kern", "liga"]
        opts.notdef_outline = True
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(chars | {0x20, 0x3F}))
        sub.subset(font)
        for style in styles:
            inst = instancer.instantiateVariableFont(
                font, {"wght": 700 if style == "B" else 400, "wdth": 100}, static=True
            )
            buf = io.BytesIO()
            inst.save(buf)
            out.append((style, buf.getvalue()))
    return tuple(out)


def _cmap(data_or_path: bytes | str) -> frozenset[int]:
    import io

    from fontTools.ttLib import TTFont

    src = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    return frozenset(TTFont(src).getBestCmap())


def _pdf_fonts(chars: frozenset[int], folder: Path) -> _PdfFonts:
    """Noto Sans from its PyPI package; else DejaVu Sans from the system; else Helvetica (Latin-1)."""
    try:
        made = _noto_static(chars)
    except ImportError:
        made = ()
    if made:
        files = {}
        for style, data in made:
            path = folder / f"NotoSans-{style or 'R'}.ttf"
            path.write_bytes(data)
            files[style] = str(path)
        return _PdfFonts("NotoSans", files, _cmap(made[0][1]))
    dejavu = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
    if all((DEJAVU_DIR / f).is_file() for f in dejavu.values()):
        files = {s: str(DEJAVU_DIR / f) for s, f in dejavu.items()}
        return _PdfFonts("DejaVuSans", files, _cmap(files[""]))
    return _PdfFonts("helvetica", {}, None)


def _briefing_chars(briefing: Briefing) -> frozenset[int]:
    bits: list[str] = [briefing.title, briefing.created, briefing.base_url]
    for item in briefing.items:
        bits += [item.title, item.meta, item.profile, item.link, item.url]
        for r in item.sources:
            bits += [r.source, type_label(r.type)]
        for q in item.quotes:
            bits += [q.source, q.content, q.cue, q.nested_in or "", q.kind_phrase, q.link, type_label(q.source_type)]
        for n in item.notes:
            bits += [n.text, n.analyst, n.at, n.quote]
        for s in item.similar:
            bits += [s.title, s.outlet, s.date, s.link]
        bits.append(item.similar_note)
    bits.append("0123456789 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;()#“”—…·–-'\"?/■")
    for k in KINDS:
        bits.append(KIND_LABELS[k])
    return frozenset(ord(c) for c in "".join(bits) if c.isprintable())
