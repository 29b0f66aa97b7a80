"""The PNG Word shows for an SVG figure where it cannot show SVG (before Word 2016, and
LibreOffice's import of the DOCX), rendered from the SVG by resvg.

Rendered with the theme's fonts only (never the machine's), so that the same source gives
the same PNG everywhere: text in a family the theme lacks is set in the body family.
"""

from __future__ import annotations

from pathlib import Path

from reportexport.source.svgimages import CSS_PX_PER_INCH
from reportexport.support.filecache import cached_by_file
from reportexport.theme import FontFamily

#: The fallback's resolution at the size the figure is set (as a raster figure's least).
FALLBACK_DPI = 150


def fallback_png(path: Path, body: FontFamily, heading: FontFamily, width_pt: float,
                 height_pt: float) -> bytes:
    """The SVG at `path` as a PNG of `width_pt` × `height_pt` at FALLBACK_DPI, its text in
    the theme's `body` and `heading` families."""
    return _rendered(path, body, heading, max(1, round(width_pt * FALLBACK_DPI / 72)),
                     max(1, round(height_pt * FALLBACK_DPI / 72)))


@cached_by_file(maxsize=16)
def _rendered(path: Path, body: FontFamily, heading: FontFamily, width: int,
              height: int) -> bytes:
    import resvg_py

    # The checked file itself (source/svgimages.py: nothing outside it is referred to).
    fonts = [str(font) for family in (body, heading) for font in family.files().values()]
    # resvg's default dpi (0) makes a length in mm, pt or in nothing: "SVG has an invalid
    # size". Lengths map to CSS px at 96 to the inch, as the layout reads them.
    return bytes(resvg_py.svg_to_bytes(
        svg_path=str(path), width=width, height=height, dpi=CSS_PX_PER_INCH,
        skip_system_fonts=True, font_files=sorted(set(fonts)), font_family=body.family,
        serif_family=body.family, sans_serif_family=heading.family,
        monospace_family=body.family, cursive_family=body.family,
        fantasy_family=body.family))
