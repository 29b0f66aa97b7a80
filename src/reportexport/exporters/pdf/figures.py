"""Figures in the PDF: the image scaled to the measure, kept together with its caption."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer

from reportexport.exporters.pdf.flowables import Ink, markup
from reportexport.model import Figure

#: An image is never set larger than its pixels allow at this resolution (dots per inch).
LEAST_DPI = 150


def figure_flowables(figure: Figure, caption: ParagraphStyle, ink: Ink, measure: float,
                     tallest: float) -> list[Flowable]:
    """The image at most as wide as the measure and as tall as `tallest`, never upscaled
    past LEAST_DPI, with 'Figure N. caption' below it."""
    natural = figure.width_px * 72 / LEAST_DPI
    width = min(measure, natural)
    height = width * figure.height_px / figure.width_px
    if height > tallest:
        width, height = width * tallest / height, tallest
    image = Image(str(figure.image), width=width, height=height, hAlign="LEFT")
    title = f"<b>Figure {figure.number}</b>"
    if figure.caption is not None:
        title = f"<b>Figure {figure.number}.</b> {markup(figure.caption, ink)}"
    below = ParagraphStyle("figure-caption", parent=caption, keepWithNext=0, spaceBefore=4)
    return [KeepTogether([Spacer(1, caption.spaceBefore), image, Paragraph(title, below)]),
            Spacer(1, caption.spaceAfter * 2)]
