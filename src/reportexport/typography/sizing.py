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
                text_height: float, px_per_inch: float = LEAST_DPI) -> tuple[float, float]:
    """Width and height in points: within the measure and TALLEST of the text's height,
    and never upscaled past LEAST_DPI. A vector figure (SVG) has no pixels to run out of:
    its size in CSS px is given with `px_per_inch` 96, so that it is set at its own size
    (its text as large as its author drew it), or smaller to fit."""
    width = min(measure, width_px * 72 / px_per_inch)
    height = width * height_px / width_px
    if height > text_height * TALLEST:
        width, height = width * text_height * TALLEST / height, text_height * TALLEST
    return width, height


def column_widths(natural: list[float], least: list[float], measure: float) -> list[float]:
    """Widths that fill `measure`, from each column's width unwrapped (`natural`) and
    the width it must keep (`least`: its longest word, which never breaks inside).

    When everything fits, each column is stretched in proportion. Otherwise the
    narrow columns keep their whole text's width (they grow before the wide
    text columns wrap), and the wide ones share what is left in proportion to
    their text, none below its least width. When keeping the narrow columns
    whole leaves the wide ones less than their least, every column shares the
    measure that way. No column ends below its least width unless the least
    widths alone exceed the measure (then they are scaled down together).
    """
    if sum(natural) <= measure:
        return [width * measure / sum(natural) for width in natural]
    if sum(least) >= measure:
        return [width * measure / sum(least) for width in least]
    kept = _narrow(natural, measure)
    widths = _shared(natural, least, measure, kept)
    if widths is None:  # the narrow columns left too little: they wrap too
        widths = _shared(natural, least, measure, {})
    assert widths is not None  # sum(least) < measure: sharing everything always fits
    return widths


def _narrow(natural: list[float], measure: float) -> dict[int, float]:
    """The columns no wider than an even share of what the others leave, at their width."""
    kept: dict[int, float] = {}
    while True:
        rest = [i for i in range(len(natural)) if i not in kept]
        if not rest:
            return kept
        fair = (measure - sum(kept.values())) / len(rest)
        narrow = {i: natural[i] for i in rest if natural[i] <= fair}
        if not narrow:
            return kept
        kept |= narrow


def _shared(natural: list[float], least: list[float], measure: float,
            kept: dict[int, float]) -> list[float] | None:
    """`kept` columns at their width; the others share the rest in proportion to
    `natural`, none below `least` (None when the rest cannot hold their least)."""
    fixed = dict(kept)
    while True:
        rest = [i for i in range(len(natural)) if i not in fixed]
        left = measure - sum(fixed.values())
        if left < sum(least[i] for i in rest) - 1e-9:
            return None
        total = sum(natural[i] for i in rest)
        shares = {i: left * natural[i] / total for i in rest}
        short = {i: least[i] for i in rest if shares[i] < least[i]}
        if not short:
            return [fixed.get(i, shares.get(i, 0.0)) for i in range(len(natural))]
        fixed |= short
