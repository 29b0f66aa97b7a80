"""Sharing a table's measure among its columns, by how much text each holds.

Format-neutral arithmetic: the PDF measures text in points with its fonts, the
DOCX estimates it from character counts; both pass widths in one unit.
"""

from __future__ import annotations


def column_widths(natural: list[float], least: list[float], measure: float) -> list[float]:
    """Widths that fill `measure`, from each column's width unwrapped (`natural`) and
    its longest word (`least`).

    When everything fits, each column is stretched in proportion. Otherwise the
    columns narrower than an even share keep their width, and the wide ones share
    what is left in proportion to their text, never below their longest word
    unless the measure cannot hold even that.
    """
    if sum(natural) <= measure:
        return [width * measure / sum(natural) for width in natural]
    fair = measure / len(natural)
    narrow = [width <= fair for width in natural]
    left = measure - sum(width for width, kept in zip(natural, narrow, strict=True) if kept)
    wide_total = sum(width for width, kept in zip(natural, narrow, strict=True) if not kept)
    widths = [width if kept else max(low, left * width / wide_total)
              for width, low, kept in zip(natural, least, narrow, strict=True)]
    return [width * measure / sum(widths) for width in widths]
