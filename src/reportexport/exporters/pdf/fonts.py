"""Registering the theme's TrueType fonts with reportlab, and proving they cover the text."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reportexport.model import Report
from reportexport.problems import ExportError
from reportexport.theme import FontFamily, Theme


@dataclass(frozen=True)
class FontNames:
    """reportlab names of one family's four styles."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


def register_family(role: str, family: FontFamily) -> FontNames:
    # Names derive from the file name, never from its folder or the process,
    # so the same theme gives the same bytes on every machine.
    names = {style: register_alias(role, path) for style, path in family.files().items()}
    pdfmetrics.registerFontFamily(
        names["regular"],
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold_italic"],
    )
    return FontNames(**names)


def register_alias(role: str, path: Path) -> str:
    """One TrueType file under a name of its own (`role`), for text that must be told apart."""
    name = f"{role}-{path.stem}"
    known = set(pdfmetrics.getRegisteredFontNames())
    if name in known and pdfmetrics.getFont(name).face.filename != str(path):
        name = f"{name}-{zlib.crc32(str(path).encode()):08x}"
    if name not in known:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _needs_glyph(char: str) -> bool:
    # Layout turns ordinary white space into spacing, not glyphs; no-break spaces are drawn.
    return not char.isspace() or char in "\u00a0\u202f"


def check_coverage(report: Report, theme: Theme, body: FontNames, heading: FontNames) -> None:
    """Refuse to build when a character has no glyph: a silent box or blank is worse."""
    body_glyphs = pdfmetrics.getFont(body.regular).face.charToGlyph
    heading_glyphs = pdfmetrics.getFont(heading.bold).face.charToGlyph
    missing: dict[tuple[str, str], str] = {}
    fonts = ((body_glyphs, theme.body_font.family), (heading_glyphs, theme.heading_font.family))
    # One pass over the distinct characters first: the text of a long report
    # uses a few hundred of them, and only a miss needs the section named.
    used = set().union(*(text for _, text in report.texts()))
    if all(ord(c) in glyphs for c in used if _needs_glyph(c) for glyphs, _ in fonts):
        return
    for section, text in report.texts():
        where = f"section '{section.id}' ({section.title})" if section else "metadata or lead"
        for char in set(text):
            if not _needs_glyph(char):
                continue
            for glyphs, family in fonts:
                if ord(char) not in glyphs:
                    missing.setdefault((char, family), where)
    if missing:
        details = "; ".join(
            f"'{char}' (U+{ord(char):04X}) in {where}, font {family}"
            for (char, family), where in sorted(missing.items())[:10]
        )
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise ExportError(
            f"the theme's fonts have no glyph for {details}{more}; "
            "choose a theme font that covers these characters"
        )
