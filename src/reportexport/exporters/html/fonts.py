"""The page's fonts: each face the stylesheet uses, cut to the characters the page
shows (typography.fontsubset, as the EPUB and DOCX cut theirs) and compressed as
WOFF2 (fontTools, with Brotli), as data: URIs, so the page asks no other host."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Collection, Iterable
from pathlib import Path

from reportexport.exporters.htmlcore.markup import Element
from reportexport.exporters.htmlcore.styles import font_faces
from reportexport.support.filecache import cached_by_file
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


def used_faces(body: Element) -> frozenset[tuple[str, str]]:
    """The faces, as (role, style), that the page's markup can select (the stylesheet's
    rules read the other way round; a face too many costs bytes, one too few a
    browser's slanted or thickened stand-in). Headings, captions, header cells and
    the facts' terms are bold in the heading family; quotations are italic."""
    def has(xpath: str) -> bool:
        return bool(body.xpath(f"boolean({xpath})"))

    faces = {("body", "regular"), ("heading", "regular"), ("heading", "bold")}
    for face, xpath in ((("body", "italic"), "//em | //blockquote"),
                        (("body", "bold"), "//strong"),
                        (("body", "bold_italic"), "//em//strong | //strong//em"
                                                  " | //blockquote//strong"),
                        (("heading", "bold_italic"), "//th//em | //caption//em | //dt//em")):
        if has(xpath):
            faces.add(face)
    return frozenset(faces)


def font_urls(theme: Theme, fallbacks: Collection[FontFamily], shown: Iterable[str],
              used: Collection[tuple[str, str]]) -> dict[Path, str]:
    """Each font file of the faces `used` -> its subset to `shown` as a data: URI."""
    characters = frozenset(shown) | GENERATED_CHARACTERS
    return {path: _font_uri(path, characters)
            for *_, path in font_faces(theme, fallbacks, used)}


#: Ideographic scripts (CJK, Hangul, Yi, from U+2E80 on) have too many characters for
#: `whole_rows` to take their rows whole: their pages keep their subsets to the text.
IDEOGRAPHS_FROM = 0x2E80


def whole_rows(characters: Iterable[str]) -> frozenset[str]:
    """Every character of the 128-code-point rows that `characters` (below
    IDEOGRAPHS_FROM) fall in: the rest of their scripts' letters and punctuation,
    since Unicode's blocks begin on such rows. For a preview, rebuilt as its writer
    types: a letter new to the page then finds its glyph in the faces already cut,
    rather than every face being cut and compressed (WOFF2, slow) again."""
    rows = {ord(character) >> 7 for character in characters
            if ord(character) < IDEOGRAPHS_FROM}
    return frozenset(chr(code) for row in sorted(rows)
                     for code in range(row << 7, (row + 1) << 7))


# Kept: a preview rebuilds the page on every save, mostly with the same characters, and
# each face is subset and compressed again otherwise.
@cached_by_file(maxsize=32)
def _font_uri(path: Path, characters: frozenset[str]) -> str:
    font = woff2(subset_font(path, characters, every_feature=False))
    return f"data:font/woff2;base64,{base64.b64encode(font).decode('ascii')}"
