"""Font subsets for the editions that carry their fonts as files (EPUB, DOCX).

The PDF keeps reportlab's own subsetting. The zip editions embed fonts cut
here to the glyphs their text needs, plus whatever those glyphs become through
the font's layout features (so Khmer still shapes). HarfBuzz's subsetter does
the cutting: uharfbuzz is already here for reportlab's shaping, and it cuts a
face in about a millisecond where fontTools takes most of a second (benchmarks/README.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import uharfbuzz as hb

from reportexport.source.inputfiles import read_bounded
from reportexport.support.filecache import cached_by_file

#: What an editor may type into a DOCX without leaving the embedded font:
#: printable ASCII, Latin-1, the common typographic punctuation and the euro.
EDITING_CHARACTERS = frozenset(
    chr(code) for code in (*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2027),
                           *range(0x2030, 0x203B), 0x20AC)
)

#: What a reading system may draw that is in no text node: list numbers and
#: bullets, and the hyphen of automatic hyphenation.
GENERATED_CHARACTERS = frozenset("0123456789.-\u2010\u2022\u25e6\u25aa \u00a0")


def subset_font(font: Path, characters: Iterable[str]) -> bytes:
    """The TrueType `font` cut to the glyphs of `characters`; same bytes for same input."""
    return _cut(font, frozenset(characters))


# Kept while the file stays as it was: a watcher's build process cuts the same faces to
# the same characters at every rebuild, unless the writer typed a character new to the
# report. The cuts, not the faces they were cut from: a large report's build needs the
# memory.
@cached_by_file(maxsize=16)
def _cut(font: Path, characters: frozenset[str]) -> bytes:
    face = hb.Face(read_bounded(font, what="a font file"))
    wanted = hb.SubsetInput()
    for code in sorted({ord(c) for c in characters} & covers(font)):
        wanted.unicode_set.add(code)
    # Every layout feature (complex scripts need their own), and every name,
    # since the name table carries the font's licence, which travels with it.
    for keep_all in (wanted.layout_feature_tag_set, wanted.name_id_set,
                     wanted.name_lang_id_set):
        keep_all.clear()  # each starts as HarfBuzz's default choice; an empty set inverted is all
        keep_all.invert()
    # Hinting serves low-resolution screens and is most of a TrueType file's bytes.
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    cut = hb.subset(face, wanted)
    if cut is None:
        raise ValueError(f"HarfBuzz could not subset {font}")
    return bytes(cut.blob.data)


@functools.cache
def covers(font: Path) -> frozenset[int]:
    """The code points `font` has glyphs for."""
    return frozenset(hb.Face(read_bounded(font, what="a font file")).unicodes)
