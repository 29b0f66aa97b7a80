"""Font subsets for the editions that carry their fonts as files (EPUB, DOCX, the
web page's WOFF2).

The PDF keeps reportlab's own subsetting. The other editions embed fonts cut
here to the glyphs their text needs, plus whatever those glyphs become through
the font's layout features (so Khmer still shapes). HarfBuzz's subsetter does
the cutting: uharfbuzz is already here for reportlab's shaping, and it cuts a
face in about a millisecond where fontTools takes most of a second (benchmarks/README.md).
"""

from __future__ import annotations

import functools
import unicodedata
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


def subset_font(font: Path, characters: Iterable[str], *, every_feature: bool = True) -> bytes:
    """The TrueType `font` cut to the glyphs of `characters`; same bytes for same input.

    With `every_feature`, the glyphs of every layout feature stay: a Word user may
    turn on small capitals or old-style figures. Without, only those of the
    features a shaper applies unasked (HarfBuzz's default set: kerning, standard
    ligatures, marks, and every complex script's own), which is all a browser or
    reading system applies to text whose stylesheet asks for no other; ours asks
    for none. A Latin face then keeps about half its glyphs (no small capitals,
    alternates or fractions), which makes the file and its WOFF2 compression smaller.
    """
    return _cut(font, frozenset(characters), every_feature)


# Kept while the file stays as it was: a watcher's build process cuts the same faces to
# the same characters at every rebuild, unless the writer typed a character new to the
# report. The cuts, not the faces they were cut from: a large report's build needs the
# memory.
@cached_by_file(maxsize=16)
def _cut(font: Path, characters: frozenset[str], every_feature: bool) -> bytes:
    face = hb.Face(read_bounded(font, what="a font file"))
    wanted = hb.SubsetInput()
    for code in sorted(_with_parts(frozenset(map(ord, characters))) & covers(font)):
        wanted.unicode_set.add(code)
    # Every name, since the name table carries the font's licence, which travels with it.
    keep = [wanted.name_id_set, wanted.name_lang_id_set]
    if every_feature:
        keep.append(wanted.layout_feature_tag_set)
    for keep_all in keep:
        keep_all.clear()  # each starts as HarfBuzz's default choice; an empty set inverted is all
        keep_all.invert()
    # Hinting serves low-resolution screens and is most of a TrueType file's bytes.
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    cut = hb.subset(face, wanted)
    if cut is None:
        raise ValueError(f"HarfBuzz could not subset {font}")
    return bytes(cut.blob.data)


#: The pre-base vowel sign E that a shaper splits from each of Khmer's two-part vowels
#: (HarfBuzz's Khmer shaper, `decompose_khmer`); Unicode gives them no decomposition.
_KHMER_TWO_PART_VOWELS = frozenset((0x17BE, 0x17BF, 0x17C0, 0x17C4, 0x17C5))
_KHMER_VOWEL_SIGN_E = 0x17C1


def _with_parts(codes: frozenset[int]) -> frozenset[int]:
    """`codes` and the characters a shaper splits them into: their canonical
    decompositions (a letter the face lacks is drawn from its parts, and the Indic
    shapers split two-part vowels such as U+09CB even when the face has them), and
    the first part of Khmer's two-part vowels. A cut without them draws those
    letters otherwise than the whole face does, even when it holds every glyph of
    the text: the shaper looks the parts up by character."""
    parts = {ord(part) for code in codes if code > 0x7F
             for part in unicodedata.normalize("NFD", chr(code))}
    if not _KHMER_TWO_PART_VOWELS.isdisjoint(codes):
        parts.add(_KHMER_VOWEL_SIGN_E)
    return codes | parts


@functools.cache
def covers(font: Path) -> frozenset[int]:
    """The code points `font` has glyphs for."""
    return frozenset(hb.Face(read_bounded(font, what="a font file")).unicodes)
