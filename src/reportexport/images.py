"""Checking a figure's image before anything is built: where it is, what it is, how big."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: More pixels than any figure in a report needs (a 300 dpi A3 page is 17 million):
#: larger images are refused before they are decoded (decompression bombs).
MAX_PIXELS = 40_000_000
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class ImageProblem(ValueError):
    """An image the source may not use; the message says why."""


@dataclass(frozen=True)
class CheckedImage:
    path: Path
    media_type: str
    width: int
    height: int


def check_image(name: str, folder: Path) -> CheckedImage:
    """The image `name` (relative to `folder`), or ImageProblem saying what is wrong with it."""
    relative = Path(name)
    if relative.is_absolute():
        raise ImageProblem(f"'{name}' is an absolute path; give the image's path relative to "
                           "the source's folder")
    root = folder.resolve()
    path = (root / relative).resolve()  # follows symbolic links, so they cannot lead out
    if not path.is_relative_to(root):
        raise ImageProblem(f"'{name}' is outside the source's folder ({root}); images must be "
                           "in that folder or below it")
    if not path.is_file():
        raise ImageProblem(f"'{name}': no such image file in {root}")
    from PIL import Image, UnidentifiedImageError

    try:
        # Opening reads the header only: the size is known before anything is decoded.
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except Image.DecompressionBombError:
        raise ImageProblem(f"'{name}' is too large to be decoded safely") from None
    except (UnidentifiedImageError, OSError):
        raise ImageProblem(f"'{name}' cannot be read as an image; use PNG or JPEG") from None
    if kind not in MEDIA_TYPES:
        raise ImageProblem(f"'{name}' is a {kind} image; use PNG or JPEG")
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"'{name}' is {width} × {height} pixels; the limit is "
                           f"{MAX_PIXELS // 1_000_000} million pixels")
    return CheckedImage(path, MEDIA_TYPES[kind], width, height)
