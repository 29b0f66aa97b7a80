"""Every image mode Pillow reads, built into every edition and read back pixel by pixel.

The cases are tests/imagecases.py, made at test time. One source shows them all as
figures; each edition's copy of each image is read back independently (pikepdf's PdfImage
for the PDF, Pillow on the file the DOCX and EPUB embed) and a known pixel compared with
what a viewer shows: a mid-grey 128 stays about 128 (16-bit grey once came out 254), CMYK
comes out in its colours, a profile or a gamma is applied, EXIF orientation turns the
picture in every edition alike. The second half: images the check must refuse, each with a
located error and nothing written.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image

from conftest import FORMATS, run_cli
from imagecases import CASES, ImageCase, halves, png_chunk, saved
from reportexport.building import build
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.source.reading import load_report
from reportexport.theme import Theme

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = """metadata:
  title: Image modes
  publisher: P
  authors: A
  date: "2024-01-31"
  language: en
sections:
  - id: s
    title: S
    blocks:
"""
#: Keys of Pillow's info that are metadata an edition's copy should not carry.
METADATA = ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp")


def size_of(index: int) -> tuple[int, int]:
    return 24 + 2 * index, 10 + index  # unique: an edition's copy is matched by its size


def shown_size(index: int, case: ImageCase) -> tuple[int, int]:
    width, height = size_of(index)
    return (height, width) if case.turned else (width, height)


def source_with(folder: Path, figures: list[tuple[str, str]]) -> Path:
    """A source with one figure per (file name in images/, alt text), one per line."""
    lines = [f"      - figure: {{image: images/{name}, alt: {alt}}}\n" for name, alt in figures]
    source = folder / "report.yaml"
    source.write_text(HEAD + "".join(lines), encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def mode_editions(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("image-modes")
    (folder / "images").mkdir()
    for index, case in enumerate(CASES):
        (folder / "images" / f"{case.name}{case.suffix}").write_bytes(case.make(*size_of(index)))
    source = source_with(folder, [(f"{case.name}{case.suffix}", case.name) for case in CASES])
    paths = build(load_report(source), theme, list(FORMATS), folder / "out")
    return {path.suffix[1:]: path for path in paths}


def pdf_image(path: Path, size: tuple[int, int]) -> tuple[Image.Image, Image.Image | None]:
    """The drawn image of that size: its pixels and its soft mask (alpha), as PdfImage reads
    them; only device grey or RGB without a Decode array, which every reader shows alike."""
    import pikepdf
    from pikepdf import PdfImage

    pdf = pikepdf.open(path)  # kept open while its objects are read
    [image] = [image for page in pdf.pages
               for image in page.get_images().values()
               if (int(image.Width), int(image.Height)) == size]
    assert str(image.ColorSpace) in ("/DeviceGray", "/DeviceRGB"), image.ColorSpace
    assert "/Decode" not in image
    assert b"Exif" not in _jpeg_stream(image), "metadata copied into the PDF"
    mask = PdfImage(image.SMask).as_pil_image() if "/SMask" in image else None
    return PdfImage(image).as_pil_image(), mask


def _jpeg_stream(image: Any) -> bytes:
    """A DCT image's JPEG file as the PDF holds it (reportlab wraps it in ASCII85)."""
    import base64

    import pikepdf

    filters = ([str(f) for f in image.Filter] if isinstance(image.Filter, pikepdf.Array)
               else [str(image.Filter)])
    if "/DCTDecode" not in filters:
        return b""
    raw = image.read_raw_bytes()
    if filters[0] == "/ASCII85Decode":
        raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
    return raw


def docx_images(path: Path) -> dict[str, bytes]:
    """Each picture's file by its description (the case's name)."""
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        rels = {rel.get("Id"): rel.get("Target")
                for rel in etree.fromstring(archive.read("word/_rels/document.xml.rels"))}
        return {inline.find(f"{{{WP}}}docPr").get("descr"):
                archive.read("word/" + rels[next(inline.iter(f"{{{A}}}blip")).get(f"{{{R}}}embed")])
                for inline in document.iter(f"{{{WP}}}inline")}


def epub_images(path: Path) -> dict[str, bytes]:
    """Each figure's image file by its alt text (the case's name)."""
    with zipfile.ZipFile(path) as archive:
        found = {}
        for href in read_package(archive).spine:
            for image in etree.fromstring(archive.read(href)).iter(f"{{{E_NS['x']}}}img"):
                source = posixpath.normpath(posixpath.join(posixpath.dirname(href),
                                                           image.get("src")))
                found[image.get("alt")] = archive.read(source)
        return found


def assert_shows(case: ImageCase, size: tuple[int, int], pixels: Image.Image,
                 alpha: Image.Image | None, where: str) -> None:
    assert pixels.size == size, f"{where}: {pixels.size}, not {size}"
    rgba = pixels.convert("RGBA")
    for probe in case.probes(*size):
        shown = rgba.getpixel((probe.x, probe.y))
        opacity = alpha.convert("L").getpixel((probe.x, probe.y)) if alpha else shown[3]
        assert abs(opacity - probe.alpha) <= 2, f"{where} {probe}: alpha {opacity}"
        if probe.rgb is not None:
            assert all(abs(a - b) <= case.tolerance for a, b in zip(shown[:3], probe.rgb,
                                                                strict=True)), (
                f"{where} {probe}: shows {shown[:3]}")


def assert_file_shows(case: ImageCase, size: tuple[int, int], data: bytes, where: str) -> None:
    """An embedded file: in the source's format, turned already, without metadata."""
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == ("PNG" if case.suffix == ".png" else "JPEG"), where
        assert getattr(image, "n_frames", 1) == 1, where
        assert image.getexif().get(0x0112, 1) == 1, f"{where}: still needs turning"
        assert not [key for key in METADATA if key in image.info], f"{where}: {image.info}"
        assert not getattr(image, "text", {}), f"{where}: text chunks {image.text}"
        image.load()
        assert_shows(case, size, image, None, where)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.name for case in CASES])
def test_every_edition_shows_the_image_as_a_viewer_does(mode_editions: dict[str, Path],
                                                        index: int) -> None:
    case = CASES[index]
    size = shown_size(index, case)
    pixels, alpha = pdf_image(mode_editions["pdf"], size)
    assert_shows(case, size, pixels, alpha, "pdf")
    assert_file_shows(case, size, docx_images(mode_editions["docx"])[case.name], "docx")
    assert_file_shows(case, size, epub_images(mode_editions["epub"])[case.name], "epub")


def test_an_image_without_metadata_is_embedded_as_it_is(mode_editions: dict[str, Path]) -> None:
    """The common case costs nothing and loses nothing: the file's own bytes."""
    folder = mode_editions["pdf"].parents[1] / "images"
    for name in ("png-RGB", "png-P-transparent", "png-grey-2-bit"):
        original = (folder / f"{name}.png").read_bytes()
        assert docx_images(mode_editions["docx"])[name] == original
        assert epub_images(mode_editions["epub"])[name] == original


# Images the check must refuse: (file name, its bytes, the message after the located path).
def _png(width: int = 40, height: int = 30) -> bytes:
    return saved(halves("RGB", (200, 60, 30), (20, 90, 160)), "PNG")(width, height)


def _jpeg() -> bytes:
    return saved(halves("RGB", (200, 60, 30), (20, 90, 160)), "JPEG")(40, 30)


def _bomb(kind: bytes, after_pixels: bool = False) -> bytes:
    text = zlib.compress(b"a" * (16 * 2**20), 9)  # 16 KiB that decompress to 16 MiB
    # zTXt and iCCP: keyword, compression method; iTXt: keyword, compressed, method, no
    # language, no translated keyword.
    data = (b"Comment\0\1\0\0\0" if kind == b"iTXt" else b"Comment\0\0") + text
    png = _png()
    at = len(png) - 12 if after_pixels else 33  # before IEND, or after IHDR
    return png[:at] + png_chunk(kind, data) + png[at:]


def _animated() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG", save_all=True,
                                           append_images=[Image.new("RGB", (20, 20), "blue")])
    return out.getvalue()


def _tiff(mode: str, colour: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (20, 20), colour).save(out, format="TIFF")  # type: ignore[arg-type]
    return out.getvalue()


def _damaged_checksum() -> bytes:
    png = bytearray(_png())
    png[50] ^= 0xFF  # inside IDAT: its checksum no longer matches
    return bytes(png)


def _sparse(path: Path) -> None:
    """A PNG padded to 33 MiB without using the disk: refused before it is opened."""
    with path.open("wb") as file:
        file.write(_png())
        file.truncate(33 * 2**20)


def _loop(path: Path) -> None:
    os.symlink(path.with_name("loop-b.png"), path)
    os.symlink(path, path.with_name("loop-b.png"))


def _written(make: Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(make())
    return write


#: (file name, how it is made, the message after "'images/NAME' ").
REFUSED: list[tuple[str, Callable[[Path], None], str]] = [
    ("truncated.png", _written(lambda: _png()[: len(_png()) // 2]), "is truncated or damaged"),
    ("without-end.png", _written(lambda: _png()[:-12]), "is truncated or damaged"),
    ("bad-checksum.png", _written(_damaged_checksum), "is truncated or damaged"),
    ("truncated.jpg", _written(lambda: _jpeg()[: len(_jpeg()) // 2]),
     "is truncated or damaged"),
    ("ztxt-bomb.png", _written(lambda: _bomb(b"zTXt")),
     "holds a metadata chunk (text or colour profile) that decompresses"),
    ("ztxt-bomb-after-pixels.png", _written(lambda: _bomb(b"zTXt", after_pixels=True)),
     "holds a metadata chunk (text or colour profile) that decompresses"),
    ("itxt-bomb.png", _written(lambda: _bomb(b"iTXt")),
     "holds a metadata chunk (text or colour profile) that decompresses"),
    ("iccp-bomb.png", _written(lambda: _bomb(b"iCCP")),
     "holds a metadata chunk (text or colour profile) that decompresses"),
    ("animated.png", _written(_animated), "is animated (2 frames)"),
    ("float.tif", _written(lambda: _tiff("F", 0.5)), "is a TIFF image; use PNG"),
    ("lab.tif", _written(lambda: _tiff("LAB", (50, 0, 0))), "is a TIFF image; use PNG"),
    ("huge.png", _sparse, "is 33.0 MiB; the limit is 32 MiB"),
    ("loop.png", _loop, "is a loop of symbolic links"),
    ("n" * 300 + ".png", lambda path: None, "cannot be opened: File name too long"),
]


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One source with every refused image, validated and built once each."""
    folder = tmp_path_factory.mktemp("refused")
    (folder / "images").mkdir()
    for name, make, _ in REFUSED:
        make(folder / "images" / name)
    source = source_with(folder, [(name, "Alt") for name, _, _ in REFUSED])
    out = folder / "out"
    return {"source": source, "out": out, "validate": run_cli("validate", source),
            "all": run_cli("all", source, "-o", out)}


@pytest.mark.parametrize("command", ["validate", "all"])
def test_refused_images_stop_validate_and_the_build(refusals: dict, command: str) -> None:
    result = refusals[command]
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr and "ImageReader" not in result.stderr
    out: Path = refusals["out"]
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("index", range(len(REFUSED)), ids=[name for name, _, _ in REFUSED])
@pytest.mark.parametrize("command", ["validate", "all"])
def test_each_refused_image_is_located(refusals: dict, command: str, index: int) -> None:
    name, _, message = REFUSED[index]
    assert (f"{refusals['source']}:{11 + index}:25: sections[0].blocks[{index}].figure.image: "
            f"'images/{name}' {message}") in refusals[command].stderr, refusals[command].stderr


def test_a_text_bomb_is_refused_before_it_is_decompressed_whole(tmp_path: Path) -> None:
    """Pillow stops at PngImagePlugin.MAX_TEXT_CHUNK: a zTXt of 256 MiB costs no 256 MiB."""
    import resource

    from reportexport.source.images import ImageProblem, check_image

    compressor = zlib.compressobj(9)
    text = b"".join(compressor.compress(b"\0" * 2**24) for _ in range(16)) + compressor.flush()
    png = _png()
    (tmp_path / "bomb.png").write_bytes(png[:33] + png_chunk(b"zTXt", b"C\0\0" + text)
                                        + png[33:])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageProblem, match="metadata"):
        check_image("bomb.png", tmp_path)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 128
