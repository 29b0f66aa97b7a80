"""An SVG figure as reportlab vector drawing (svglib): its shapes stay shapes, its text text.

The text is set in the theme's fonts, which the PDF embeds: in the family the SVG's
font-family names when it is one of the theme's, in the body family otherwise. svglib
would otherwise look the name up among reportlab's standard fonts (not embedded, which
PDF/UA forbids) or on the machine (fontconfig), and so set the same file differently
from one machine to the next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable

from reportexport.exporters.pdf.fonts import FontNames
from reportexport.exporters.pdf.tagging import Element
from reportexport.source.images import edition_image
from reportexport.source.svgimages import parsed_svg, quiet_svglib

_BOLD_WEIGHTS = frozenset({"bold", "bolder", "600", "700", "800", "900"})


class SvgFontMap:
    """svglib's font map (SvgRenderer's `font_map`): a reportlab font for each font-family
    an SVG names, from the theme's families only."""

    def __init__(self, families: dict[str, FontNames], fallback: FontNames) -> None:
        self.families = {name.casefold(): fonts for name, fonts in families.items()}
        self.fallback = fallback

    def find_font(self, font_name: str, weight: str = "normal",
                  style: str = "normal") -> tuple[str, bool]:
        """The face for `font_name` in `weight` and `style`; exact when the theme has the
        family (svglib then takes it over the SVG's later, generic, names)."""
        fonts = self.families.get(font_name.strip().casefold())
        face = fonts or self.fallback
        bold = str(weight).strip().lower() in _BOLD_WEIGHTS
        italic = str(style).strip().lower() in ("italic", "oblique")
        name = ((face.bold_italic if italic else face.bold) if bold
                else (face.italic if italic else face.regular))
        return name, fonts is not None


class SvgDrawings:
    """The SVG figures of one build, each file drawn once at each size it is shown.

    A report that shows the same diagram again shares its drawing: reportlab draws a
    Drawing as often as asked and leaves it as it was, and svglib's rendering is most
    of an SVG figure's cost. Kept by the file's bytes, so a file changed between two
    builds of a watcher is drawn anew.
    """

    def __init__(self, fonts: SvgFontMap) -> None:
        self.fonts = fonts
        self._drawn: dict[tuple[bytes, float, float], Drawing] = {}

    def drawing(self, path: Path, width: float, height: float) -> Drawing:
        data = edition_image(path)
        key = (data, width, height)
        if key not in self._drawn:
            self._drawn[key] = svg_drawing(path, self.fonts, width, height, data)
        return self._drawn[key]


def svg_drawing(path: Path, fonts: SvgFontMap, width: float, height: float,
                data: bytes | None = None) -> Drawing:
    """The SVG at `path` (checked: source/svgimages.py; `data`, its edition's bytes, if
    read already) drawn `width` × `height` points."""
    from svglib.svglib import SvgRenderer

    # Parsed here, safely, rather than by svglib's own parser (which recovers from broken
    # XML): the edition's bytes are the checked file's.
    root = parsed_svg(edition_image(path) if data is None else data)
    quiet_svglib()
    renderer = SvgRenderer(str(path), font_map=fonts, external_reference_root=str(path.parent))
    drawing: Drawing = renderer.render(root)
    natural_width, natural_height = drawing.width, drawing.height
    drawing.scale(width / natural_width, height / natural_height)
    drawing.width, drawing.height = width, height
    # reportlab sets this font before any of the drawing's own: the default (Helvetica)
    # would be a font the PDF names without embedding it.
    drawing.initialFontName = fonts.fallback.regular
    return drawing


class TaggedDrawing(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A vector figure drawn as the content of its Figure element, as TaggedImage is."""

    def __init__(self, drawing: Drawing, tag: Element) -> None:
        super().__init__()
        self.drawing, self.tag = drawing, tag
        self.width, self.height = drawing.width, drawing.height
        self.hAlign = "LEFT"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        with canvas.marked(self.tag):
            super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        self.canv.note_bounds(self.tag, self.width, self.height)
        renderPDF.draw(self.drawing, self.canv, 0, 0)
