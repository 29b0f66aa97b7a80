"""Where a line may break inside text written without spaces between its words.

Khmer, Thai, Lao and Myanmar write no space between words, and reportlab breaks
lines only at spaces. ICU's line-break rules (with its dictionaries for these
scripts), through icu4py, say where the words are; scripts.with_fallbacks
sets each word but the last of a run in `joined_face`, a copy of the font whose
space is zero wide, followed by a space: reportlab may break the line there,
and where it does not, the space joins the words with nothing between them.
"""

from __future__ import annotations

import functools
import io

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reportexport.exporters.pdf.fonts import REGISTERED
from reportexport.exporters.pdf.reportlab_compat import font_file_bytes


@functools.lru_cache(maxsize=4096)
def words(text: str, language: str) -> tuple[str, ...]:
    """`text` (no white space in it) as the pieces a line may break between."""
    from icu4py.breakers import LineBreaker
    from icu4py.locale import Locale

    return tuple(text[start:end] for start, end in LineBreaker(text, Locale(language)).segments())


def joined_face(name: str) -> str:
    """The registered font `name` with a space of no width, registered once."""
    joined = f"{name}-joined"
    if joined not in pdfmetrics.getRegisteredFontNames():
        from fontTools.ttLib import TTFont as FontFile

        data = FontFile(io.BytesIO(font_file_bytes(name)), recalcTimestamp=False)
        space = data.getBestCmap()[ord(" ")]
        data["hmtx"][space] = (0, data["hmtx"][space][1])
        # A face name of its own: reportlab shares one font object among the
        # registrations of a face name, which would give back the spaced one.
        names = data["name"]
        names.setName(f"{names.getDebugName(6)}-Joined", 6, 3, 1, 0x409)
        out = io.BytesIO()
        data.save(out)
        out.seek(0)
        pdfmetrics.registerFont(TTFont(joined, out))
        REGISTERED[joined] = REGISTERED[name]  # the same face, for what it says
    return joined
