"""Layout arithmetic every paged edition shares: table columns and figure sizes.

Format-neutral: the PDF measures text in points with its fonts, the DOCX
estimates it from character counts; both pass lengths in one unit.
"""

from __future__ import annotations

#: A figure is never set larger than its pixels allow at this resolution (dots per inch).
LEAST_DPI = 150
#: A figure takes at most this share of the text's height, so its caption fits beside it.
TALLEST = 0.7


def figure_size(width_px: int, height_px: int, measure: float,
                text_height: float) -> tuple[float, float]:
    """Width and height in points: within the measure and TALLEST of the text's height,
    and never upscaled past LEAST_DPI."""
    width = min(measure, width_px * 72 / LEAST_DPI)
    height = width * height_px / width_px
    if height > text_height * TALLEST:
        width, height = width * text_height * TALLEST / height, text_height * TALLEST
    return width, height


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
