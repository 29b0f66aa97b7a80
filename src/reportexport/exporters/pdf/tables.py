"""Tables in the PDF: a caption kept with its table, a header row repeated on every page."""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as GridTable

from reportexport.exporters.pdf.flowables import Ink, TextMaker, caption_markup, markup
from reportexport.exporters.pdf.tagging import Element
from reportexport.layout import column_widths
from reportexport.model import Inlines, Table, plain

PADDING = 4.0  # points on each side of a cell's text
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def table_flowables(table: Table, body: ParagraphStyle, header_font: str,
                    caption: ParagraphStyle, ink: Ink, accent: Any, rule: Any,
                    measure: float, element: Element, text: TextMaker) -> list[Flowable]:
    """The caption and the grid, tagged Table > Caption, THead > TR > TH, TBody > TR > TD."""
    cell_style = ParagraphStyle("cell", parent=body, spaceBefore=0, spaceAfter=0)
    styles = {
        (align, header): ParagraphStyle(f"cell-{align}-{header}", parent=cell_style,
                                        alignment=_ALIGN[align],
                                        fontName=header_font if header else cell_style.fontName)
        for align in _ALIGN for header in (False, True)
    }

    def text_width(content: Inlines, header: bool, longest_word: bool) -> float:
        font = header_font if header else cell_style.fontName
        words = plain(content).split() or [""]
        pieces = words if longest_word else [" ".join(words)]
        return (max(stringWidth(piece, font, cell_style.fontSize) for piece in pieces)
                + 2 * PADDING)

    grid = [table.columns, *table.rows]
    natural = [max(text_width(row[i], r == 0, False) for r, row in enumerate(grid))
               for i in range(len(table.columns))]
    least = [max(text_width(row[i], r == 0, True) for r, row in enumerate(grid))
             for i in range(len(table.columns))]
    caption_paragraph = text(caption_markup(table, ink), table.caption or (), caption,
                             element.add("Caption"))
    head, body_rows = element.add("THead"), element.add("TBody")
    data = []
    for r, row in enumerate(grid):
        tr = (head if r == 0 else body_rows).add("TR")
        data.append([text(markup(content, ink), content, styles[(align, r == 0)],
                          tr.add("TH", scope="Column") if r == 0 else tr.add("TD"))
                     for content, align in zip(row, table.align, strict=True)])
    flowable = GridTable(data, colWidths=column_widths(natural, least, measure), repeatRows=1,
                         hAlign="LEFT", style=[
                             ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                             ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                             ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, accent),
                             ("LINEBELOW", (0, 0), (-1, 0), 1.2, accent),
                             ("LINEBELOW", (0, 1), (-1, -2), 0.4, rule),
                             ("LINEBELOW", (0, -1), (-1, -1), 0.8, accent),
                         ])
    return [caption_paragraph, flowable, Spacer(1, body.spaceAfter)]
