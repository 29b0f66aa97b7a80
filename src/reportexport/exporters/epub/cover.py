"""The cover image (PNG), drawn from the theme and the metadata with Pillow."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageColor, ImageDraw, ImageFont

from reportexport.exporters.logoplate import PLATE, needs_plate
from reportexport.model import Logo, Metadata
from reportexport.source.images import edition_image
from reportexport.theme import Theme

WIDTH, HEIGHT = 1600, 2400
TEXT, ACCENT = 254, 255  # the levels drawn in (see cover_png)
SHADES = 32  # of the text over the background, in the palette: the letters' edges
LOGO_BOX = (420, 150)  # the logo's box at the top right (pixels)
PLATE_PAD = 24  # the light plate's margin around a logo the band would hide (pixels)
LOGO_GAP = 60  # between the publisher's line and the logo (pixels)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(text: str, path: str, start: int, width: int, max_lines: int) -> tuple[
        ImageFont.FreeTypeFont, list[str]]:
    """The largest size, from `start` down, at which `text` wraps into `max_lines`."""
    size = start
    while True:
        font = ImageFont.truetype(path, size)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines or size <= 24:
            return font, lines
        size -= 4


# A watcher rebuilds many times with the same title and theme: the drawing is
# kept (see the watch latency in benchmarks/README.md).
@functools.lru_cache(maxsize=4)
def cover_png(meta: Metadata, published: str, theme: Theme) -> bytes:
    """The cover: publisher, title, subtitle, and the `published` date in the band."""
    c = theme.colours
    # Drawn as levels of one ink, 0 (the background) to TEXT (the text colour), and
    # ACCENT for the accent's rules: anti-aliased letters blend between the first
    # two, so the levels, fewer of them, are a palette's indices. A palette PNG is a
    # quarter of a JPEG's size, with no ringing around the letters.
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    margin = 130
    measure = WIDTH - 2 * margin
    heading = theme.heading_font
    rule = 230  # the accent's rule under the publisher's line
    if meta.logo:  # the publisher's line gives way to the logo: wrapped, or smaller
        room = measure - _logo_size(meta.logo)[0] - 2 * PLATE_PAD - LOGO_GAP
        small, lines = _fit(meta.publisher.upper(), str(heading.bold), 44, room, 2)
        for number, line in enumerate(lines):
            draw.text((margin, 150 + number * round(small.size * 1.2)), line, font=small,
                      fill=TEXT)
        rule += (len(lines) - 1) * round(small.size * 1.2)
    else:
        small = ImageFont.truetype(str(heading.bold), 44)
        draw.text((margin, 150), meta.publisher.upper(), font=small, fill=TEXT)
    draw.rectangle((margin, rule, margin + 220, rule + 12), fill=ACCENT)

    title_font, title_lines = _fit(meta.title, str(heading.bold), 132, measure, 6)
    y = 700
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=TEXT)
        y += int(title_font.size * 1.15)
    if meta.subtitle:
        y += 50
        sub_font, sub_lines = _fit(meta.subtitle, str(heading.regular), 72, measure, 3)
        for line in sub_lines:
            draw.text((margin, y), line, font=sub_font, fill=TEXT)
            y += int(sub_font.size * 1.3)

    band = HEIGHT - 420
    draw.rectangle((0, band, WIDTH, HEIGHT), fill=TEXT)
    draw.rectangle((0, band - 14, WIDTH, band), fill=ACCENT)
    date_font = ImageFont.truetype(str(heading.regular), 56)
    draw.text((margin, band + 150), published, font=date_font,
              fill=0)
    image = image.point([round(level * (SHADES - 1) / TEXT) for level in range(TEXT + 1)]
                        + [SHADES])  # ACCENT
    image.putpalette(_palette(c.cover_background, c.cover_text, c.accent))
    if meta.logo:  # in colour: the cover is no longer one ink's levels
        image = _with_logo(image.convert("RGB"), meta.logo, WIDTH - margin, 130,
                           needs_plate(meta.logo, c.cover_background))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _logo_size(logo: Logo) -> tuple[int, int]:
    """The logo's size in its LOGO_BOX (pixels)."""
    scale = min(LOGO_BOX[0] / logo.width_px, LOGO_BOX[1] / logo.height_px)
    return max(1, round(logo.width_px * scale)), max(1, round(logo.height_px * scale))


def _with_logo(cover: Image.Image, logo: Logo, right: int, top: int, plate: bool
               ) -> Image.Image:
    """`cover` with the logo (the one converted copy every edition embeds) at its top
    right, in a LOGO_BOX, over the band's colour where it is transparent, or on a light
    plate when the band would hide it (`plate`, logoplate.needs_plate)."""
    with Image.open(io.BytesIO(edition_image(logo.image))) as opened:
        picture = opened.convert("RGBA")
    size = _logo_size(logo)
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    if plate:
        right -= PLATE_PAD
        ImageDraw.Draw(cover).rounded_rectangle(
            (right - size[0] - PLATE_PAD, top - PLATE_PAD, right + PLATE_PAD,
             top + size[1] + PLATE_PAD), radius=PLATE_PAD // 2, fill=PLATE)
    cover.paste(picture, (right - size[0], top), picture)
    return cover


def _palette(background: str, text: str, accent: str) -> list[int]:
    """Index i < SHADES: i/(SHADES - 1) of the way from `background` to `text`;
    index SHADES: `accent`."""
    start, end = ImageColor.getrgb(background)[:3], ImageColor.getrgb(text)[:3]
    levels = [[round(a + (b - a) * i / (SHADES - 1)) for a, b in zip(start, end, strict=True)]
              for i in range(SHADES)]
    return [value for rgb in (*levels, ImageColor.getrgb(accent)[:3]) for value in rgb]
