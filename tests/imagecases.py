"""Small images in every mode Pillow reads, made at test time, and the pixels a viewer shows.

Each case is a file (PNG or JPEG bytes) whose left part is one colour and right part
another; `probes` say which colour (and alpha) a reader must find where, in the image as
viewers show it (after EXIF orientation). Every case has its own size, so that an edition's
copy can be matched to its case by size alone.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Probe:
    x: int
    y: int
    rgb: Colour | None  # None: any colour (a transparent pixel's colour is not shown)
    alpha: int = 255


@dataclass(frozen=True)
class ImageCase:
    name: str
    suffix: str  # .png or .jpg
    make: Callable[[int, int], bytes]  # (width, height) -> the file
    probes: Callable[[int, int], list[Probe]]  # (shown width, shown height) -> probes
    tolerance: int = 2  # JPEG is lossy
    turned: bool = False  # shown with width and height swapped (EXIF orientation)


def halves(mode: str, left: object, right: object) -> Callable[[int, int], Image.Image]:
    def draw(width: int, height: int) -> Image.Image:
        image = Image.new(mode, (width, height), left)  # type: ignore[arg-type]
        image.paste(right, (width // 2, 0, width, height))  # type: ignore[arg-type]
        return image
    return draw


def saved(draw: Callable[[int, int], Image.Image], fmt: str,
          **options: object) -> Callable[[int, int], bytes]:
    def make(width: int, height: int) -> bytes:
        out = io.BytesIO()
        draw(width, height).save(out, format=fmt, **options)
        return out.getvalue()
    return make


def left_right(left: Colour | None, right: Colour | None, left_alpha: int = 255,
               right_alpha: int = 255) -> Callable[[int, int], list[Probe]]:
    return lambda w, h: [Probe(2, h // 2, left, left_alpha),
                         Probe(w - 3, h // 2, right, right_alpha)]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def raw_png(width: int, height: int, colour_type: int, depth: int,
            pixel: Callable[[int, int], bytes], extra: bytes = b"") -> bytes:
    """A PNG written by hand, for what Pillow does not write (16-bit RGB, LA, gamma)."""
    rows = b"".join(b"\0" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra
            + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


def with_chunks(make: Callable[[int, int], bytes],
                *chunks: bytes) -> Callable[[int, int], bytes]:
    """The PNG with chunks put after its IHDR."""
    def made(width: int, height: int) -> bytes:
        data = make(width, height)
        return data[:33] + b"".join(chunks) + data[33:]
    return made


def sixteen(*samples: int) -> bytes:
    return struct.pack(f">{len(samples)}H", *samples)


def linear_rgb_profile() -> bytes:
    """An ICC v2 RGB profile with sRGB's primaries and a gamma of 1.0 (linear light): a
    sample of 128 is shown as sRGB's 188. Written by hand: Pillow makes only sRGB and LAB."""
    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))
    description = b"Linear RGB for tests\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(description)) + description
            + b"\0" * 12 + b"\0" * 67)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)), (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
            (b"bXYZ", xyz(0.1431, 0.0606, 0.7141))]
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100) + b"\0\0"  # gamma 1.0
    tags += [(b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    return _icc(b"mntr", b"RGB ", b"XYZ ", tags)


def inverted_cmyk_profile() -> bytes:
    """An ICC v2 CMYK profile (lut8 A2B0, a 2-point grid) that shows no ink as black and any
    ink as white: the opposite of what converting CMYK without the profile gives, so a
    reader can tell that the profile was applied."""
    description = b"Inverted CMYK for tests\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(description)) + description
            + b"\0" * 12 + b"\0" * 67)
    wtpt = b"XYZ \0\0\0\0" + struct.pack(">3i", 63190, 65536, 54061)
    identity = bytes(range(256))
    corners = b"".join(bytes([0 if corner == 0 else 255, 128, 128]) for corner in range(16))
    lut = (b"mft1\0\0\0\0" + bytes([4, 3, 2, 0])
           + struct.pack(">9i", 65536, 0, 0, 0, 65536, 0, 0, 0, 65536)
           + identity * 4 + corners + identity * 3)
    tags = [(b"desc", desc), (b"wtpt", wtpt), (b"A2B0", lut)]
    return _icc(b"prtr", b"CMYK", b"Lab ", tags)


def _icc(device_class: bytes, space: bytes, pcs: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset, entries, body = 128 + table_size, b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        entries += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = 128 + table_size + len(body)
    header = (struct.pack(">I", size) + b"none" + bytes([2, 0x10, 0, 0]) + device_class
              + space + pcs + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24
              + struct.pack(">I", 0) + struct.pack(">3i", 63190, 65536, 54061) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + entries + body


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    exif[0x013B] = "Artist's name, which no edition needs"
    return exif.tobytes()


def rgba_png_from_palette(width: int, height: int) -> bytes:
    image = Image.new("P", (width, height), 0)
    image.putpalette([200, 60, 30, 20, 90, 160])
    image.paste(1, (width // 2, 0, width, height))
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=1)
    return out.getvalue()


def reheaded(make: Callable[[int, int], bytes], segment: bytes) -> Callable[[int, int], bytes]:
    """The JPEG with its JFIF segment replaced by `segment` (b"": none), as cameras (EXIF
    first) and Adobe's software (APP14 first) write them."""
    def made(width: int, height: int) -> bytes:
        data = make(width, height)
        assert data[6:10] == b"JFIF"
        return data[:2] + segment + data[4 + struct.unpack(">H", data[4:6])[0]:]
    return made


def mpo(width: int, height: int) -> bytes:
    first = Image.new("RGB", (width, height), (200, 60, 30))
    second = Image.new("RGB", (width, height), (20, 90, 160))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


GREY, DARK = 128, 30
RED, BLUE = (200, 60, 30), (20, 90, 160)
G, D = (GREY,) * 3, (DARK,) * 3

CASES = [
    ImageCase("png-1", ".png", saved(halves("1", 0, 1), "PNG"),
              left_right((0, 0, 0), (255, 255, 255))),
    ImageCase("png-1-transparent", ".png", saved(halves("1", 0, 1), "PNG", transparency=1),
              left_right((0, 0, 0), None, 255, 0)),
    ImageCase("png-L", ".png", saved(halves("L", GREY, DARK), "PNG"), left_right(G, D)),
    ImageCase("png-LA", ".png", saved(halves("LA", (GREY, 255), (DARK, 0)), "PNG"),
              left_right(G, None, 255, 0)),
    ImageCase("png-P", ".png",
              saved(lambda w, h: halves("RGB", RED, BLUE)(w, h).quantize(4), "PNG"),
              left_right(RED, BLUE)),
    ImageCase("png-P-transparent", ".png", rgba_png_from_palette,
              left_right(RED, None, 255, 0)),
    ImageCase("png-RGB", ".png", saved(halves("RGB", RED, BLUE), "PNG"), left_right(RED, BLUE)),
    ImageCase("png-RGBA", ".png", saved(halves("RGBA", (*RED, 255), (*BLUE, 0)), "PNG"),
              left_right(RED, None, 255, 0)),
    ImageCase("png-RGB-transparent-colour", ".png",
              saved(halves("RGB", RED, BLUE), "PNG", transparency=BLUE),
              left_right(RED, None, 255, 0)),
    ImageCase("png-I;16", ".png", saved(halves("I;16", GREY * 257, DARK * 257), "PNG"),
              left_right(G, D)),
    ImageCase("png-I;16B", ".png", saved(halves("I;16B", GREY * 257, DARK * 257), "PNG"),
              left_right(G, D)),
    ImageCase("png-RGB-16-bit", ".png",
              lambda w, h: raw_png(w, h, 2, 16, lambda x, y: sixteen(
                  *(v * 257 for v in (RED if x < w // 2 else BLUE)))),
              left_right(RED, BLUE)),
    ImageCase("png-RGBA-16-bit", ".png",
              lambda w, h: raw_png(w, h, 6, 16, lambda x, y: sixteen(
                  *(v * 257 for v in ((*RED, 255) if x < w // 2 else (*BLUE, 0))))),
              left_right(RED, None, 255, 0)),
    ImageCase("png-LA-16-bit", ".png",
              lambda w, h: raw_png(w, h, 4, 16, lambda x, y: sixteen(
                  *((GREY * 257, 65535) if x < w // 2 else (DARK * 257, 0)))),
              left_right(G, None, 255, 0)),
    ImageCase("png-grey-2-bit", ".png", lambda w, h: raw_png_2bit(w, h),
              left_right((85,) * 3, (170,) * 3)),
    ImageCase("png-gamma-1.0", ".png",
              with_chunks(saved(halves("L", GREY, 0), "PNG"),
                          png_chunk(b"gAMA", struct.pack(">I", 100000))),
              left_right((186,) * 3, (0, 0, 0))),
    ImageCase("png-gamma-srgb", ".png",
              with_chunks(saved(halves("L", GREY, DARK), "PNG"),
                          png_chunk(b"gAMA", struct.pack(">I", 45455))),
              left_right(G, D)),
    ImageCase("png-icc-linear", ".png",
              saved(halves("RGB", G, (0, 0, 0)), "PNG", icc_profile=linear_rgb_profile()),
              left_right((188,) * 3, (0, 0, 0))),
    ImageCase("png-text-metadata", ".png",
              with_chunks(saved(halves("RGB", RED, BLUE), "PNG"),
                          png_chunk(b"tEXt", b"Comment\0made by a designer's tool"),
                          png_chunk(b"zTXt", b"Software\0\0" + zlib.compress(b"x" * 1000)),
                          png_chunk(b"tIME", struct.pack(">HBBBBB", 2026, 1, 2, 3, 4, 5))),
              left_right(RED, BLUE)),
    ImageCase("jpeg-L", ".jpg", saved(halves("L", GREY, DARK), "JPEG", quality=95),
              left_right(G, D), tolerance=6),
    ImageCase("jpeg-RGB", ".jpg", saved(halves("RGB", RED, BLUE), "JPEG", quality=95),
              left_right(RED, BLUE), tolerance=8),
    ImageCase("jpeg-CMYK", ".jpg",  # Pillow writes Adobe's inverted CMYK, as Photoshop does
              saved(halves("CMYK", (0, 255, 255, 0), (255, 255, 0, 0)), "JPEG", quality=95),
              left_right((255, 0, 0), (0, 0, 255)), tolerance=10),
    ImageCase("jpeg-CMYK-profile", ".jpg",
              saved(halves("CMYK", (0, 0, 0, 0), (0, 0, 0, 255)), "JPEG", quality=95,
                    icc_profile=inverted_cmyk_profile()),
              left_right((0, 0, 0), (255, 255, 255)), tolerance=10),
    ImageCase("jpeg-YCbCr", ".jpg", saved(halves("YCbCr", (GREY, 128, 128), (DARK, 128, 128)),
                                          "JPEG", quality=95), left_right(G, D), tolerance=6),
    ImageCase("jpeg-icc-linear", ".jpg",
              saved(halves("RGB", G, (0, 0, 0)), "JPEG", quality=95,
                    icc_profile=linear_rgb_profile()),
              left_right((188,) * 3, (0, 0, 0)), tolerance=6),
    # Orientation 6: the camera was turned; viewers turn the picture 90° clockwise, so the
    # stored left half (red) is shown on top.
    ImageCase("jpeg-exif-orientation", ".jpg",
              saved(halves("RGB", RED, BLUE), "JPEG", quality=95, exif=exif_orientation(6)),
              lambda w, h: [Probe(w // 2, 2, RED), Probe(w // 2, h - 3, BLUE)],
              tolerance=8, turned=True),
    ImageCase("jpeg-exif-metadata", ".jpg",  # upright: goes in as it is, less its EXIF
              saved(halves("RGB", RED, BLUE), "JPEG", quality=95, exif=exif_orientation(1)),
              left_right(RED, BLUE), tolerance=8),
    ImageCase("jpeg-exif-first", ".jpg",  # a camera's: no JFIF segment, EXIF first
              reheaded(saved(halves("RGB", RED, BLUE), "JPEG", quality=95),
                       b"\xff\xe1" + struct.pack(">H", 2 + len(exif_orientation(1)))
                       + exif_orientation(1)),  # Pillow's EXIF bytes start "Exif\0\0"
              left_right(RED, BLUE), tolerance=8),
    ImageCase("jpeg-adobe-first", ".jpg",  # Adobe's: APP14 (YCbCr) first, no JFIF
              reheaded(saved(halves("RGB", RED, BLUE), "JPEG", quality=95),
                       b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01"),
              left_right(RED, BLUE), tolerance=8),
    ImageCase("jpeg-MPO", ".jpg", mpo, left_right(RED, RED), tolerance=8),
]


def raw_png_2bit(width: int, height: int) -> bytes:
    """Grey at 2 bits a sample: levels 1 and 2 of 3 (85 and 170)."""
    def row(y: int) -> bytes:
        levels = [1 if x < width // 2 else 2 for x in range(width)]
        levels += [0] * (-len(levels) % 4)
        return bytes((a << 6) | (b << 4) | (c << 2) | d
                     for a, b, c, d in zip(*[iter(levels)] * 4, strict=True))
    rows = b"".join(b"\0" + row(y) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 2, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))
