"""A figure's image: checked before anything is built, and the one copy every edition embeds.

The check refuses what no edition can carry (a missing, damaged, animated or oversized
file, a decompression bomb) with a message for the figure's `image:` key, decoding the
image fully once. What the editions embed is the file itself when every edition shows it
alike (8-bit PNG, RGB or grey JPEG, no colour profile but sRGB), less its metadata; other
images are converted once, deterministically, to what every edition shows alike: 8-bit
sRGB pixels (16-bit grey, CMYK, colour profiles, PNG gamma), turned as viewers show them
(EXIF orientation), re-encoded in the source's format.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportexport.source import svgimages
from reportexport.source.inputfiles import (
    MAX_INPUT_BYTES,
    check_regular,
    looks_like_xml,
    read_bounded,
)
from reportexport.source.problems import InputError
from reportexport.support.filecache import cached_by_file

if TYPE_CHECKING:
    from PIL import Image as PILImage

#: More pixels than any figure in a report needs (a 300 dpi A3 page is 17 million):
#: larger images are refused before they are decoded (decompression bombs).
MAX_PIXELS = 40_000_000
#: The same limit as a source's: a larger image file is refused before it is opened.
MAX_FILE_BYTES = MAX_INPUT_BYTES
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg",
               "MPO": "image/jpeg"}  # a camera's JPEG with a second picture after the first
#: Quality of a JPEG that had to be re-encoded (CMYK, a colour profile, a rotation).
JPEG_QUALITY = 95
#: PNG chunks an edition's copy keeps: the pixels and what says how to show them.
#: Text, EXIF, time and other metadata chunks stay behind.
_PNG_KEPT_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"pHYs", b"sRGB"})
#: The gamma of sRGB as PNG's gAMA states it (1/2.2), and how far from it is the same.
_SRGB_GAMMA, _GAMMA_TOLERANCE = 1 / 2.2, 0.01
_ORIENTATION = 0x0112  # the EXIF tag
#: How to turn the pixels for each EXIF orientation, as Pillow's ImageOps.exif_transpose does.
_TURNS = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
          6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}  # Image.Transpose's names
_QUARTER_TURNS = frozenset({5, 6, 7, 8})  # width and height change places
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ImageProblem(ValueError):
    """An image the source may not use: each thing wrong with it, a message (an SVG may
    have several faults; other images one), and how many more past those (`more`)."""

    def __init__(self, *messages: str, more: int = 0) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages
        self.more = more


@dataclass(frozen=True)
class CheckedImage:
    path: Path
    media_type: str
    width: int  # as the editions show it: after the EXIF orientation is applied
    height: int


def check_image(name: str, folder: Path) -> CheckedImage:
    """The image `name` (relative to `folder`), or ImageProblem saying what is wrong with it."""
    path = _located(name, folder)
    try:
        stat = path.stat()
    except OSError as exc:  # removed or replaced since it was found
        raise ImageProblem(f"'{name}' cannot be opened: {exc.strerror or exc}") from None
    if stat.st_size > MAX_FILE_BYTES:
        raise ImageProblem(f"'{name}' is {stat.st_size / 2**20:.1f} MiB; the limit is "
                           f"{MAX_FILE_BYTES // 2**20} MiB")
    try:
        if _is_svg(path, stat.st_mtime_ns, stat.st_size):
            return _checked_svg(path, stat.st_mtime_ns, stat.st_size)
        return _checked(path, stat.st_mtime_ns, stat.st_size)
    except ImageProblem as exc:
        raise ImageProblem(*(f"'{name}' {message}" for message in exc.messages),
                           more=exc.more) from None


def edition_image(path: Path) -> bytes:
    """The bytes every edition embeds for the checked image at `path` (PNG stays PNG and
    JPEG stays JPEG, so the figure's media type holds). Only an image that needs converting
    is decoded here; the others are their file less its metadata."""
    stat = path.stat()
    if _is_svg(path, stat.st_mtime_ns, stat.st_size):
        return _read(path)  # checked to be inert (svgimages): every edition carries it as it is
    converted = _converted(path, stat.st_mtime_ns, stat.st_size)
    if converted is not None:
        return converted
    return _kept(_read(path))


def _read(path: Path) -> bytes:
    """The checked image's file, within the check's limit should it have grown since."""
    return read_bounded(path, MAX_FILE_BYTES, "an image")


def _kept(data: bytes) -> bytes:
    """The file's bytes less its metadata (`data` itself when it has none to leave)."""
    return _png_kept(data) if data.startswith(_PNG_SIGNATURE) else _jpeg_kept(data)


@cached_by_file(maxsize=256)
def edition_image_digest(path: Path) -> str:
    """The SHA-256 of edition_image(path), in hex: what names an image in an edition, the
    same from any folder and for every figure that shows it."""
    return hashlib.sha256(edition_image(path)).hexdigest()


def edition_image_is_the_file(path: Path) -> bool:
    """Whether edition_image(path) is the file's own bytes, unchanged (so that a writer
    may read the file itself, when it needs it)."""
    stat = path.stat()
    return _is_the_file(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _is_the_file(path: Path, modified: int, size: int) -> bool:
    if _is_svg(path, modified, size):
        return True
    if _converted(path, modified, size) is not None:
        return False
    data = _read(path)
    return _kept(data) is data


def _not_a_file(name: str, path: Path, root: Path) -> str:
    """What stands at `path` instead of an image file (a folder, a FIFO, a device: reading
    one could block or never end), said as for every other input file."""
    if path.exists():
        try:
            check_regular(path, "an image file")
        except InputError as exc:
            return f"'{name}' {exc.problems[0].message}"
    return f"'{name}': no such image file in {root}"


def _located(name: str, folder: Path) -> Path:
    relative = Path(name)
    if relative.is_absolute():
        raise ImageProblem(f"'{name}' is an absolute path; give the image's path relative to "
                           "the source's folder")
    try:
        root = folder.resolve()
        path = (root / relative).resolve()  # follows symbolic links, so they cannot lead out
        is_file = path.is_file()
    except RuntimeError:  # Python 3.11 and 3.12 raise it for a loop of symbolic links
        raise ImageProblem(f"'{name}' is a loop of symbolic links") from None
    except OSError as exc:  # a name too long, a folder that cannot be read
        if exc.errno == errno.ELOOP:  # how Python 3.13 says it
            raise ImageProblem(f"'{name}' is a loop of symbolic links") from None
        raise ImageProblem(f"'{name}' cannot be opened: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte
        raise ImageProblem(f"'{name}' is not a usable path") from None
    if not path.is_relative_to(root):
        raise ImageProblem(f"'{name}' is outside the source's folder ({root}); images must be "
                           "in that folder or below it")
    if not is_file:
        raise ImageProblem(_not_a_file(name, path, root))
    return path


@functools.lru_cache(maxsize=256)
def _is_svg(path: Path, modified: int, size: int) -> bool:
    """Whether the file is XML (so an SVG, or nothing an edition can show): PNG and JPEG
    files never open with '<'. Decided by content, as for the other formats."""
    with path.open("rb") as file:
        return looks_like_xml(file.read(64))


@functools.lru_cache(maxsize=256)
def _checked_svg(path: Path, modified: int, size: int) -> CheckedImage:
    facts = svg_facts(path)
    # The model's size is in whole pixels; an SVG's in CSS px, to the next whole one.
    return CheckedImage(path, svgimages.MEDIA_TYPE, max(1, round(facts.width)),
                        max(1, round(facts.height)))


def svg_facts(path: Path) -> svgimages.SvgFacts:
    """The checked SVG's size and texts (ImageProblem when it is not a safe SVG)."""
    stat = path.stat()
    return _svg_facts(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _svg_facts(path: Path, modified: int, size: int) -> svgimages.SvgFacts:
    try:
        return svgimages.check_svg(_read(path))
    except InputError as exc:
        raise ImageProblem(f"cannot be read ({exc.problems[0].message})") from None
    except svgimages.SvgProblem as exc:
        raise ImageProblem(*exc.faults, more=exc.more) from None


@functools.lru_cache(maxsize=256)
def _checked(path: Path, modified: int, size: int) -> CheckedImage:
    """The image checked and decoded once (per process and version of the file).
    Raises ImageProblem with a message that follows the name."""
    from PIL import Image, UnidentifiedImageError

    try:
        # Opening reads the header only: the size is known before anything is decoded.
        with quiet_size_warnings(), Image.open(path) as image:
            kind, (width, height) = image.format, image.size
            _check_header(image, kind, width, height)
            plan = _plan(image, path)
            image.verify()  # every chunk's checksum, through to the end (PNG)
        with Image.open(path) as image:
            image.load()  # every pixel: a truncated or damaged file fails here, not in a build
    except ImageProblem:
        raise
    except Image.DecompressionBombError:
        raise ImageProblem("is too large to be decoded safely") from None
    except UnidentifiedImageError:
        raise ImageProblem("cannot be read as an image; use PNG, JPEG or SVG") from None
    except ValueError as exc:
        # Pillow's words for a compressed PNG chunk over PngImagePlugin.MAX_TEXT_CHUNK (a
        # zTXt, iTXt or iCCP bomb); tests/exporters/test_image_modes.py fails if they change.
        if "MAX_TEXT" in str(exc):
            raise ImageProblem("holds a metadata chunk (text or colour profile) that "
                               f"decompresses to more than the {_max_text_mib()} MiB "
                               "allowed: save the image again without its metadata") from None
        raise ImageProblem(f"is damaged and cannot be decoded ({exc})") from None
    except PermissionError:
        raise ImageProblem("cannot be read (permission denied)") from None
    except (OSError, SyntaxError, EOFError, struct.error) as exc:
        raise ImageProblem(f"is truncated or damaged and cannot be decoded ({exc})") from None
    turned = plan.orientation in _QUARTER_TURNS
    return CheckedImage(path, MEDIA_TYPES[str(kind)], *((height, width) if turned
                                                        else (width, height)))


@contextlib.contextmanager
def quiet_size_warnings() -> Iterator[None]:
    """Pillow warns, on the terminal, of images over its own limit (89 million pixels) as
    it opens them; the checks refuse those over MAX_PIXELS with a message of their own."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _max_text_mib() -> int:
    from PIL import PngImagePlugin

    return max(1, PngImagePlugin.MAX_TEXT_CHUNK // 2**20)


def _check_header(image: PILImage.Image, kind: str | None, width: int, height: int) -> None:
    if kind not in MEDIA_TYPES:
        raise ImageProblem(f"is a {kind} image; use PNG, JPEG or SVG")
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"is {width} × {height} pixels; the limit is "
                           f"{MAX_PIXELS // 1_000_000} million pixels")
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and kind != "MPO":  # an MPO's first picture is what JPEG viewers show
        raise ImageProblem(f"is animated ({frames} frames), and a printed page cannot show "
                           "that: use a PNG or JPEG of the one frame the figure should show")


@dataclass(frozen=True)
class _Plan:
    """What the editions need done to an image, decided from its header alone, so that the
    check and every build (in whichever process) decide alike without decoding."""

    convert: bool  # False: the file's own pixels suit every edition
    orientation: int  # EXIF's, 1 when there is none
    profile: bytes | None  # a colour profile other than sRGB's


def _plan(image: PILImage.Image, path: Path) -> _Plan:
    kind = image.format
    orientation = _orientation(image)
    profile = _profile(image)
    convert = (orientation in _TURNS or profile is not None or kind == "MPO"
               or _png_gamma(image) is not None
               or ("transparency" in image.info and image.mode != "P")
               or image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA")
               or (kind == "PNG" and _png_bit_depth(path) > 8)
               or (kind != "PNG" and image.mode not in ("L", "RGB"))
               or _stored_as_rgb(image))
    return _Plan(convert, orientation, profile)


def _stored_as_rgb(image: PILImage.Image) -> bool:
    """A JPEG whose Adobe segment says its three colours are RGB, not YCbCr: the JFIF
    segment every edition's copy opens with would say YCbCr, so it is re-encoded."""
    return (image.format != "PNG" and image.mode == "RGB"
            and image.info.get("adobe_transform") == 0 and "jfif" not in image.info)


def _orientation(image: PILImage.Image) -> int:
    """EXIF's orientation as the header has it (a PNG's eXIf chunk after the pixels is
    metadata left behind, the same in the check and the build)."""
    from PIL import Image

    exif = Image.Exif()
    if image.format == "PNG":
        if "exif" in image.info:
            exif.load(image.info["exif"])
    else:
        exif = image.getexif()
    value = exif.get(_ORIENTATION, 1)
    return value if isinstance(value, int) else 1


@functools.lru_cache(maxsize=16)
def _converted(path: Path, modified: int, size: int) -> bytes | None:
    """The image converted for the editions, or None when its file suits them as it is."""
    from PIL import Image

    with Image.open(path) as image:
        plan = _plan(image, path)
        if not plan.convert:
            return None
        image.load()
        return _encoded(_shown(image, plan), str(image.format))


def _shown(image: PILImage.Image, plan: _Plan) -> PILImage.Image:
    """The pixels as a colour-managed viewer shows them: 8-bit L, LA, RGB or RGBA in sRGB."""
    gamma = _png_gamma(image)
    if plan.profile is not None:
        # CMYK goes through its own profile (a designer's press profile) straight to sRGB;
        # the other modes are made 8-bit first. A profile that does not fit is ignored.
        shown = (_to_srgb(image if image.mode == "CMYK" else _eight_bit(image), plan.profile)
                 or _eight_bit(image))
    else:
        shown = _eight_bit(image)
        if gamma is not None:
            shown = _gamma_corrected(shown, gamma)
    if plan.orientation in _TURNS:
        from PIL import Image

        shown = shown.transpose(Image.Transpose[_TURNS[plan.orientation]])
    elif shown is image:
        shown = shown.copy()
    shown.info = {}  # nothing of the file's metadata is written again
    return shown


def _eight_bit(image: PILImage.Image) -> PILImage.Image:
    mode = image.mode
    if mode in ("1", "L", "RGB") and "transparency" in image.info:  # one colour transparent
        return image.convert("RGBA")
    if mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if mode.startswith("I"):  # 16-bit grey (I;16, I;16B, I): scaled, not clipped at 255
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if mode == "1":
        return image.convert("L")
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if mode == "PA":
        return image.convert("RGBA")
    return image.convert("RGB")  # CMYK (Pillow undoes Adobe's inverted CMYK), YCbCr, LAB


def _profile(image: PILImage.Image) -> bytes | None:
    """The image's ICC profile when it is not sRGB (an sRGB profile changes nothing)."""
    data = image.info.get("icc_profile")
    if not data:
        return None
    try:
        from PIL import ImageCms
    except ImportError:  # a Pillow built without LittleCMS: profiles are ignored
        return None
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data)))
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # as browsers do: an unreadable profile is ignored
    return None if "srgb" in description.lower() else data


def _to_srgb(image: PILImage.Image, profile: bytes) -> PILImage.Image | None:
    """The pixels in sRGB through their profile; None when the profile does not fit them
    (as browsers do, such a profile is then ignored)."""
    from PIL import ImageCms

    mode = {"L": "RGB", "LA": "RGBA", "CMYK": "RGB"}.get(image.mode, image.mode)
    source = image.convert(mode) if image.mode in ("L", "LA") else image
    try:
        return ImageCms.profileToProfile(
            source, ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def _png_gamma(image: PILImage.Image) -> float | None:
    """A PNG's gAMA when it differs from sRGB's and no sRGB or ICC chunk overrides it."""
    gamma = image.info.get("gamma")
    if (image.format != "PNG" or not gamma or "srgb" in image.info
            or "icc_profile" in image.info or abs(gamma - _SRGB_GAMMA) < _GAMMA_TOLERANCE):
        return None
    return float(gamma)


def _gamma_corrected(image: PILImage.Image, gamma: float) -> PILImage.Image:
    exponent = 1 / (gamma * 2.2)
    curve = [round(255 * (level / 255) ** exponent) for level in range(256)]
    bands = len(image.getbands())
    alpha = image.mode in ("LA", "RGBA")
    return image.point(curve * (bands - 1) + (list(range(256)) if alpha else curve))


def _encoded(image: PILImage.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind in ("JPEG", "MPO"):
        flat = image if image.mode in ("L", "RGB") else image.convert("RGB")
        flat.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False)
    else:
        image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, whole chunk) for each chunk of a PNG that Pillow has read through."""
    chunks, at = [], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append((kind, data[at:at + 12 + length]))
        at += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_bit_depth(path: Path) -> int:
    with path.open("rb") as file:
        header = file.read(25)
    return header[24]  # IHDR's bit depth, after the signature and IHDR's length and type


def _png_kept(data: bytes) -> bytes:
    """The PNG without its metadata chunks (the same bytes when it has none)."""
    chunks = _png_chunks(data)
    if all(kind in _PNG_KEPT_CHUNKS for kind, _ in chunks):
        return data
    return data[:8] + b"".join(chunk for kind, chunk in chunks if kind in _PNG_KEPT_CHUNKS)


#: JPEG segments an edition's copy keeps before the scan: JFIF (APP0) and Adobe (APP14,
#: which says how the colours are coded); EXIF, XMP, ICC (sRGB here), comments stay behind.
_JPEG_DROPPED = frozenset({*range(0xE1, 0xEE), 0xEF, 0xFE})
#: A JFIF segment (version 1.01, square pixels, no thumbnail), first after the start of
#: image: python-docx recognises a JPEG by it (or by EXIF, which is left behind) and fails
#: on any other, as on Adobe's CMYK files that open with APP14.
_JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def _jpeg_kept(data: bytes) -> bytes:
    """The JPEG without its metadata segments, opening with a JFIF segment (the same bytes
    when it has no metadata and opens with one)."""
    segments, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before a marker
            at += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is the image
            break
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        segments.append((marker, data[at:at + 2 + length]))
        at += 2 + length
    kept = [segment for marker, segment in segments if marker not in _JPEG_DROPPED]
    jfif = [segment for segment in kept if segment[4:9] == b"JFIF\0"]
    if len(kept) == len(segments) and jfif and kept[0] is jfif[0]:
        return data
    rest = [segment for segment in kept if not jfif or segment is not jfif[0]]
    return b"".join([data[:2], jfif[0] if jfif else _JFIF, *rest, data[at:]])
