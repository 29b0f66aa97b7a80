"""Figures in the PDF: the image scaled to the measure, kept together with its caption."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer

from reportexport.exporters.pdf.flowables import Ink, TextMaker, caption_markup
from reportexport.exporters.pdf.reportlab_compat import ContentNamedFile
from reportexport.exporters.pdf.svgdrawing import SvgDrawings, TaggedDrawing
from reportexport.exporters.pdf.tagging import Element
from reportexport.model import Figure
from reportexport.source import svgimages
from reportexport.source.images import (
    edition_image,
    edition_image_digest,
    edition_image_is_the_file,
)
from reportexport.typography.sizing import figure_size


class TaggedImage(Image):
    """An image drawn as the content of its Figure element, which records where it lies."""

    tag: Element

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        with canvas.marked(self.tag):
            super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        self.canv.note_bounds(self.tag, self.drawWidth, self.drawHeight)
        super().draw()


def figure_flowables(figure: Figure, caption: ParagraphStyle, ink: Ink, measure: float,
                     text_height: float, element: Element, caption_element: Element,
                     text: TextMaker, svg: SvgDrawings,
                     anchors: Sequence[Flowable] = ()) -> list[Flowable]:
    """The image sized by layout.figure_size, with 'Figure N. caption' below it, kept
    together with `anchors` (destinations) before them."""
    title = caption_markup(figure, ink)
    below = ParagraphStyle("figure-caption", parent=caption, keepWithNext=0, spaceBefore=4)
    return [KeepTogether([*anchors, Spacer(1, caption.spaceBefore),
                          _picture(figure, measure, text_height, element, svg),
                          text(title, figure.caption or (), below, caption_element)]),
            Spacer(1, caption.spaceAfter * 2)]


def _picture(figure: Figure, measure: float, text_height: float, element: Element,
             svg: SvgDrawings) -> Flowable:
    if figure.media_type == svgimages.MEDIA_TYPE:
        width, height = figure_size(figure.width_px, figure.height_px, measure, text_height,
                                    px_per_inch=svgimages.CSS_PX_PER_INCH)
        return TaggedDrawing(svg.drawing(figure.image, width, height), element)
    width, height = figure_size(figure.width_px, figure.height_px, measure, text_height)
    # The bytes every edition embeds (8-bit sRGB, turned as viewers show it, no metadata):
    # reportlab would clip 16-bit grey to white and ignore EXIF orientation and profiles.
    # When they are the file's own, the file is named instead, and reportlab reads it only
    # when the figure is laid out (bytes handed over now would be held, for every figure of
    # the report at once, from here until each is drawn).
    # reportlab names a named file's image after the name it is given: the file's digest,
    # so that the edition does not depend on the folder it was built from.
    source = (ContentNamedFile(str(figure.image), edition_image_digest(figure.image))
              if edition_image_is_the_file(figure.image)
              else io.BytesIO(edition_image(figure.image)))
    image = TaggedImage(source, width=width, height=height, hAlign="LEFT")
    image.tag = element
    return image
