"""Whether the publisher's logo needs a light plate behind it on a coloured ground.

A logo is most often drawn for white paper: dark on a dark cover band it all but
vanishes. Rather than move it out of the band (the cover's design puts it beside the
publisher's line), an edition sets it on a plate of white when most of its visible
area contrasts with the ground less than WCAG 2.1 asks of graphics (1.4.11: 3:1). A
logo drawn for dark grounds (light on transparent) is left as it is: a plate would
hide it. The editions decide alike: the PDF's cover, the EPUB's cover image and the
web page's dark scheme ask here.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageColor

from reportexport.model import Logo
from reportexport.source.images import edition_image

#: WCAG 2.1's least contrast for graphics (1.4.11, non-text contrast).
LEAST_CONTRAST = 3.0
#: The plate's colour: the paper a logo is drawn for.
PLATE = "#FFFFFF"
#: The side of the square a logo is reduced to before its pixels are counted.
SAMPLE = 64


def _luminance(rgb: tuple[int, ...]) -> float:
    """WCAG's relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@functools.lru_cache(maxsize=8)
def needs_plate(logo: Logo, ground: str) -> bool:
    """Whether more than half of `logo`'s visible pixels contrast with `ground` (a CSS
    colour) less than LEAST_CONTRAST."""
    background = ImageColor.getrgb(ground)
    with Image.open(io.BytesIO(edition_image(logo.image))) as opened:
        picture = opened.convert("RGBA")
    picture.thumbnail((SAMPLE, SAMPLE))
    data = picture.tobytes()  # RGBA, four bytes a pixel
    visible = [pixel for pixel in (tuple(data[i:i + 4]) for i in range(0, len(data), 4))
               if pixel[3] >= 128]
    faint = sum(contrast(pixel, background) < LEAST_CONTRAST for pixel in visible)
    return faint * 2 > len(visible)
