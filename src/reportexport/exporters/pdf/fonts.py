"""Registering the theme's TrueType fonts with reportlab."""

from __future__ import annotations

import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reportexport.exporters.pdf.reportlab_compat import (
    UnshapedTTFont,
    font_file_name,
    give_blank_glyph,
)
from reportexport.source.problems import ExportError
from reportexport.theme import FontFamily
from reportexport.typography.fontruns import default_ignorable_codes


@dataclass(frozen=True)
class FontNames:
    """reportlab names of one family's four styles."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


@dataclass(frozen=True)
class Registered:
    """What a registered font name stands for: a style of `family`, whose fallbacks
    are registered as `fallbacks` (in the family's order)."""

    family: FontFamily
    style: str
    fallbacks: tuple[FontNames | None, ...]  # None: not registered, no text needs it
    shaped: bool  # a fallback's face: its text is shaped, and read back through ActualText


#: Each font name register_family gave, and what it stands for: paragraph markup
#: finds a style's fallback faces here (scripts.with_fallbacks).
REGISTERED: dict[str, Registered] = {}


def register_family(role: str, family: FontFamily, shaped: bool = False,
                    needed: Collection[FontFamily] | None = None,
                    styles: Collection[str] = ("regular", "bold", "italic", "bold_italic"),
                    ) -> FontNames:
    """Register the family's faces in `styles`, and those of the fallbacks in `needed`
    (all when None): a font no text needs costs its parsing and memory for nothing."""
    # Names derive from the file name, never from its folder or the process,
    # so the same theme gives the same bytes on every machine.
    names = {style: register_alias(role, path, shaped) for style, path in family.files().items()
             if style in styles}
    # A face no text needs is set as its upright twin (never drawn), unparsed.
    names.setdefault("italic", names["regular"])
    names.setdefault("bold", names["regular"])
    names.setdefault("bold_italic", names["bold"])
    pdfmetrics.registerFontFamily(
        names["regular"],
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold_italic"],
    )
    fallbacks = tuple(register_family(role, fallback, shaped=True)
                      if needed is None or fallback in needed else None
                      for fallback in family.fallbacks)
    for style, name in names.items():
        REGISTERED[name] = Registered(family, style, fallbacks, shaped)
    return FontNames(**names)


def register_alias(role: str, path: Path, shaped: bool = False) -> str:
    """One TrueType file under a name of its own (`role`), for text that must be told apart."""
    name = f"{role}-{path.stem}"
    known = set(pdfmetrics.getRegisteredFontNames())
    if name in known and font_file_name(name) != str(path):
        name = f"{name}-{zlib.crc32(str(path).encode()):08x}"
    if name not in known:
        try:
            font = (TTFont if shaped else UnshapedTTFont)(name, str(path))
        except TTFError as exc:  # a font the theme's check let through, broken inside
            raise ExportError(f"{path}: the PDF cannot use this font ({exc})") from None
        draw_ignorables_as_nothing(font)
        pdfmetrics.registerFont(font)
    return name


def draw_ignorables_as_nothing(font: TTFont) -> None:
    """Give the default-ignorable characters the font lacks (a joiner, a variation
    selector, the word joiner, the soft hyphen in a heading) its blank space glyph,
    zero wide, as HarfBuzz and every reading system draw them. reportlab would draw
    its .notdef box. The text keeps them, so it reads back as the source."""
    give_blank_glyph(font, default_ignorable_codes())
