"""Figures in the PDF: the image scaled to the measure, kept together with its caption."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer

from reportexport.exporters.pdf.flowables import Ink, caption_markup
from reportexport.layout import figure_size
from reportexport.model import Figure


def figure_flowables(figure: Figure, caption: ParagraphStyle, ink: Ink, measure: float,
                     text_height: float) -> list[Flowable]:
    """The image sized by layout.figure_size, with 'Figure N. caption' below it."""
    width, height = figure_size(figure.width_px, figure.height_px, measure, text_height)
    image = Image(str(figure.image), width=width, height=height, hAlign="LEFT")
    title = caption_markup(figure, ink)
    below = ParagraphStyle("figure-caption", parent=caption, keepWithNext=0, spaceBefore=4)
    return [KeepTogether([Spacer(1, caption.spaceBefore), image, Paragraph(title, below)]),
            Spacer(1, caption.spaceAfter * 2)]
