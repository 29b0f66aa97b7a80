"""The page's fonts: each face the stylesheet uses, cut to the characters the page
shows (typography.fontsubset, as the EPUB and DOCX cut theirs) and compressed as
WOFF2 (fontTools, with Brotli), as data: URIs, so the page asks no other host."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Collection, Iterable
from pathlib import Path

from reportexport.exporters.htmlcore.styles import font_faces
from reportexport.theme import FontFamily, Theme
from reportexport.typography.fontsubset import GENERATED_CHARACTERS, subset_font


def woff2(font: bytes) -> bytes:
    """A TrueType font as WOFF2; same bytes for same input (its own timestamps kept)."""
    from fontTools.ttLib import TTFont

    # HarfBuzz's subset keeps the font's dates; fontTools warns of any before 1970
    # that it reads as Unix time, which is no concern of the reader's.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    out = io.BytesIO()
    face = TTFont(io.BytesIO(font), recalcTimestamp=False)
    face.flavor = "woff2"
    face.save(out, reorderTables=False)
    return out.getvalue()


def font_urls(theme: Theme, fallbacks: Collection[FontFamily],
              shown: Iterable[str]) -> dict[Path, str]:
    """Each font file the stylesheet names -> its subset as a data: URI."""
    characters = frozenset(shown) | GENERATED_CHARACTERS
    urls: dict[Path, str] = {}
    for *_, path in font_faces(theme, fallbacks):
        if path not in urls:
            data = base64.b64encode(woff2(subset_font(path, characters))).decode("ascii")
            urls[path] = f"data:font/woff2;base64,{data}"
    return urls
