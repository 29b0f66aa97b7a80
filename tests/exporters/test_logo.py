"""The publisher's logo (#26), read back from every edition by independent readers: the
image on the cover (PDF: pikepdf; DOCX, EPUB, HTML: their XML), its pixels the logo's,
described by the publisher's name. The source is tests/data/valid/logo.yaml."""

from __future__ import annotations

import base64
import io
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from conftest import DATA
from readers import html_body
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "logo.yaml"
LOGO = DATA / "valid" / "images" / "logo.png"
PUBLISHER = "Example Network"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, ["pdf", "docx", "epub", "html"],
                  tmp_path_factory.mktemp("logo"))
    return {path.suffix[1:]: path for path in paths}


def _pixels(image: Image.Image) -> bytes:
    return image.convert("RGBA").tobytes()


def _is_the_logo(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as shown, Image.open(LOGO) as logo:
        return shown.size == logo.size and _pixels(shown) == _pixels(logo)


def test_pdf_cover_shows_the_logo_as_a_described_figure(editions: dict[str, Path]) -> None:
    with pikepdf.open(editions["pdf"]) as pdf:
        cover = pdf.pages[0]
        images = [pikepdf.PdfImage(image) for image in cover.get_images().values()]
        assert [(image.width, image.height) for image in images] == [Image.open(LOGO).size]
        assert all(len(page.get_images()) == 0 for page in pdf.pages[1:])
        shown = images[0].as_pil_image()  # its colours; the transparency is its soft mask
        with Image.open(LOGO) as logo:
            assert shown.convert("RGB").tobytes() == logo.convert("RGB").tobytes()

        def figures(element: pikepdf.Dictionary) -> list[str]:
            found = [str(element.get("/Alt"))] if element.get("/S") == "/Figure" else []
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids else []
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    found += figures(kid)
            return found

        assert figures(pdf.Root.StructTreeRoot) == [PUBLISHER]


def test_docx_title_page_begins_with_the_logo(editions: dict[str, Path]) -> None:
    with zipfile.ZipFile(editions["docx"]) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        body = root.find(f"{W}body")
        assert body is not None
        first = body[0]
        drawing = first.find(f".//{WP}docPr")
        assert drawing is not None and drawing.get("descr") == PUBLISHER
        blip = first.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
        assert blip is not None
        rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
                       "embed")
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        assert _is_the_logo(archive.read(f"word/{target}"))
        assert "".join(body[1].itertext()) == "A report with a logo"  # the title follows


def test_epub_title_page_and_cover_image_show_the_logo(editions: dict[str, Path]) -> None:
    with zipfile.ZipFile(editions["epub"]) as archive:
        name = next(n for n in archive.namelist() if n.endswith("titlepage.xhtml"))
        page = etree.fromstring(archive.read(name))
        logo = page.find(f".//{XHTML}img[@class='logo']")
        assert logo is not None and logo.get("alt") == PUBLISHER
        member = posixpath.normpath(posixpath.join(posixpath.dirname(name), logo.get("src", "")))
        assert _is_the_logo(archive.read(member))
        with Image.open(io.BytesIO(archive.read("EPUB/images/cover.png"))) as cover:
            corner = cover.convert("RGB").crop((cover.width // 2, 0, cover.width, 400))
            # The logo's orange bar, a colour the cover has nowhere else.
            rgb = corner.tobytes()
            assert any(abs(r - 200) + abs(g - 120) + abs(b - 30) < 30
                       for r, g, b in zip(rgb[0::3], rgb[1::3], rgb[2::3], strict=True))


def test_html_header_shows_the_logo(editions: dict[str, Path]) -> None:
    header = html_body(editions["html"]).find(".//header")
    assert header is not None
    logo = header.find(".//img")
    assert logo is not None and logo.get("alt") == PUBLISHER
    media_type, data = logo.get("src", "").removeprefix("data:").split(";base64,")
    assert media_type == "image/png" and _is_the_logo(base64.b64decode(data))


def _near_white(image: Image.Image) -> int:
    rgb = image.convert("RGB").tobytes()
    return sum(min(rgb[i:i + 3]) > 235 for i in range(0, len(rgb), 3))


def test_a_dark_logo_stands_on_a_light_plate_on_the_dark_band(editions: dict[str, Path],
                                                               tmp_path: Path) -> None:
    """The test logo (blue and orange, for white paper) is all but lost on the default
    theme's dark band: the PDF's cover and the EPUB's cover image set it on white
    (without the plate, the band's top right holds no white at all)."""
    import subprocess
    subprocess.run(["pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-png",
                    str(editions["pdf"]), str(tmp_path / "cover")], check=True)
    [png] = tmp_path.glob("cover*.png")
    with Image.open(png) as page:
        corner = page.crop((page.width // 2, 0, page.width, page.height // 8))
        assert _near_white(corner) > corner.width * corner.height // 10
    with zipfile.ZipFile(editions["epub"]) as archive, Image.open(
            io.BytesIO(archive.read("EPUB/images/cover.png"))) as cover:
        corner = cover.crop((cover.width // 2, 0, cover.width, 400))
        assert _near_white(corner) > corner.width * corner.height // 10


def test_a_long_publishers_name_gives_way_to_the_logo_on_the_epub_cover(
        tmp_path: Path, theme: Theme) -> None:
    """Wrapped (or set smaller), the publisher's line ends well before the logo (a solid
    red block, which needs no plate on the band): its letters stop short of the block,
    the band showing between (drawn as one long line, it ran on under the logo)."""
    source = tmp_path / "long.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8").replace(
        "publisher: Example Network",
        "publisher: The Example Network for Free and Fair Elections in the Region"),
        encoding="utf-8")
    (tmp_path / "images").mkdir()
    Image.new("RGB", (300, 100), (255, 0, 0)).save(tmp_path / "images" / "logo.png")
    [epub] = build(load_report(source), theme, ["epub"], tmp_path / "out")
    with zipfile.ZipFile(epub) as archive, Image.open(
            io.BytesIO(archive.read("EPUB/images/cover.png"))) as cover:
        strip = cover.convert("RGB").crop((0, 120, cover.width, 320))
    rgb = strip.tobytes()
    pixels = [rgb[i:i + 3] for i in range(0, len(rgb), 3)]
    columns = [i % strip.width for i, (r, g, b) in enumerate(pixels) if min(r, g, b) > 235]
    red = [i % strip.width for i, (r, g, b) in enumerate(pixels) if r > 235 and g + b < 30]
    assert columns and red
    assert min(red) - max(columns) >= 40


def test_the_pdf_logo_stands_centred_on_the_publishers_line(editions: dict[str, Path]) -> None:
    """The logo and the publisher's line (in capitals) read as one line: the image's middle
    is the middle of the capitals, the baseline raised by half the cap height the
    embedded font declares (it stood on the baseline, towering over the line)."""
    placed: list[list[float]] = []
    lines: list[tuple[str, float, float, float]] = []  # text, baseline, size, cap height

    def before(operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
        if operator == b"Do":
            placed.append(cm)

    def text(words: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if words.strip() and font is not None:
            baseline = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            cap = float(font["/FontDescriptor"]["/CapHeight"])
            lines.append((words.strip(), baseline, size * cm[3] * tm[3], cap))

    PdfReader(editions["pdf"]).pages[0].extract_text(visitor_operand_before=before,
                                                      visitor_text=text)
    [(_, _, _, height, _, bottom)] = placed  # the logo, unturned
    [(_, baseline, size, cap)] = [line for line in lines if line[0] == PUBLISHER.upper()]
    assert abs(bottom + height / 2 - (baseline + size * cap / 1000 / 2)) < 0.5


def test_a_long_title_stays_clear_of_the_logos_plate(tmp_path: Path, theme: Theme) -> None:
    """A title long enough to fill the band rises no higher than a line's gap under the
    logo's plate: the top of its first line's letters (poppler's box, accents and all)
    stands a publisher's line (its box's height) below the plate's foot (the last of
    the run of rows of the rendered cover's right half, from the plate's top, that
    hold white)."""
    title = " ".join(["A title long enough to fill the cover band with its words"] * 10)
    source = tmp_path / "long.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8").replace(
        "title: A report with a logo", f"title: {title}"), encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(LOGO.read_bytes())
    [pdf] = build(load_report(source), theme, ["pdf"], tmp_path / "out")
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    title_top = float(re.findall(r'yMin="([\d.]+)"[^>]*>A</word>', boxes)[0])
    [(top, bottom)] = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">EXAMPLE<',
                                 boxes)
    line = float(bottom) - float(top)  # the publisher's line's height
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "cover")], check=True)  # a pixel a point
    [png] = tmp_path.glob("cover*.png")
    with Image.open(png) as page:
        right = page.convert("RGB").crop((page.width // 2, 0, page.width - 4,
                                          page.height // 2))
    rgb = right.tobytes()
    white = [any(min(rgb[3 * (y * right.width + x):3 * (y * right.width + x) + 3]) > 245
                 for x in range(right.width)) for y in range(right.height)]
    plate_top = white.index(True)
    plate_foot = plate_top + white[plate_top:].index(False) - 1
    assert plate_foot - plate_top > 20, "no plate"
    assert title_top - plate_foot >= line, (title_top, plate_foot, line)
