"""SVG figures, read back from every edition by readers independent of the writers.

The PDF draws the SVG as vector (no image XObject) with its text as text, inside a Figure
with its Alt; the DOCX holds a PNG picture whose blip names the SVG part (Word's
asvg:svgBlip); the EPUB and the HTML carry the SVG file unchanged behind an <img> with
its alt. Refusals of unsafe SVGs are in tests/data/invalid/figure-svg-*.
"""

from __future__ import annotations

import base64
import io
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from PIL import Image

from conftest import DATA
from imagecases import png_chunk
from readers import normalise, pdf_text
from reportexport.building import build
from reportexport.model import Figure, Report
from reportexport.source.reading import load_report
from reportexport.source.svgimages import SvgProblem, check_svg
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "svg-figure.yaml"
SVG = DATA / "valid" / "images" / "turnout.svg"
#: Words the SVG draws: its title (Carlito, bold), labels (Caladea), and one in a family
#: the theme lacks (set in the body family).
DRAWN = ("Turnout by province", "Kandal", "Takéo", "Kampot", "Kep", "per cent")
SVG_BLIP = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types"}


@pytest.fixture(scope="module")
def report() -> Report:
    return load_report(SOURCE)


@pytest.fixture(scope="module")
def editions(report: Report, theme: Theme,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = build(report, theme, ["pdf", "docx", "epub", "html"],
                  tmp_path_factory.mktemp("svg"))
    return {path.suffix[1:]: path for path in paths}


def _figure(report: Report) -> Figure:
    [figure] = [b for _, s in report.walk() for b in s.blocks if isinstance(b, Figure)]
    return figure


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_draws_the_svg_as_vector_with_its_text(editions: dict[str, Path]) -> None:
    images = subprocess.run(["pdfimages", "-list", str(editions["pdf"])], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert images == [], "the SVG figure is no image XObject"
    with pikepdf.open(editions["pdf"]) as pdf:
        fonts = {str(font.get("/BaseFont")) for page in pdf.pages
                 for font in page.Resources.get("/Font", {}).values()}
    text = normalise(pdf_text(editions["pdf"]))
    for words in DRAWN:
        assert words in text
    # Every font is embedded and the theme's: none of reportlab's standard fonts.
    assert all("+" in font for font in fonts), fonts
    assert {font.split("+")[1].split("-")[0] for font in fonts} == {"Carlito", "Caladea"}


def test_pdf_figure_is_tagged_with_alt_around_its_drawing(editions: dict[str, Path],
                                                          report: Report) -> None:
    result = subprocess.run(["pdfinfo", "-struct-text", str(editions["pdf"])],
                            capture_output=True, text=True, check=True).stdout
    lines = result.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "Figure:")
    # Its marked content (the drawing's text) is inside the Figure, before the caption.
    figure_text = next(line for line in lines[at + 1:] if line.strip().startswith('"'))
    assert all(words.replace(" ", "") in figure_text.replace(" ", "") for words in DRAWN)
    with pikepdf.open(editions["pdf"]) as pdf:
        alts = [str(node.Alt) for node in _struct_nodes(pdf.Root.StructTreeRoot)
                if node.get("/S") == pikepdf.Name.Figure]
    assert alts == [_figure(report).alt]


def test_pdf_draws_an_svg_shown_twice_from_one_rendering(
        tmp_path: Path, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    from svglib.svglib import SvgRenderer

    shutil.copytree(SVG.parent, tmp_path / "images")
    twice = SOURCE.read_text(encoding="utf-8").replace(
        "      - paragraph: After the chart.",
        "      - figure: {image: images/turnout.svg, alt: The same chart again}\n"
        "      - paragraph: After the chart.")
    (tmp_path / "twice.yaml").write_text(twice, encoding="utf-8")
    source = load_report(tmp_path / "twice.yaml")  # whose check renders the file once
    rendered = []
    render = SvgRenderer.render
    monkeypatch.setattr(SvgRenderer, "render",
                        lambda renderer, node: rendered.append(node) or render(renderer, node))
    [pdf] = build(source, theme, ["pdf"], tmp_path / "out")
    assert len(rendered) == 1, "the same SVG at the same size was rendered again"
    text = normalise(pdf_text(pdf))
    for words in DRAWN[1:]:  # the first is the caption's too
        assert text.count(words) == 2, words
    with pikepdf.open(pdf) as document:
        alts = [str(node.Alt) for node in _struct_nodes(document.Root.StructTreeRoot)
                if node.get("/S") == pikepdf.Name.Figure]
    assert alts == [_figure(load_report(SOURCE)).alt, "The same chart again"]


def _struct_nodes(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(_struct_nodes(kid))
    return found


# --- DOCX --------------------------------------------------------------------------------


def test_docx_holds_the_svg_and_its_png_fallback(editions: dict[str, Path]) -> None:
    with zipfile.ZipFile(editions["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        targets = {rel.get("Id"): "word/" + rel.get("Target")
                   for rel in rels.iterfind("rel:Relationship", NS)}
        [blip] = document.iterfind(".//a:blip", NS)
        [extension] = blip.iterfind("a:extLst/a:ext", NS)
        assert extension.get("uri") == SVG_BLIP
        [svg_blip] = extension.iterfind("asvg:svgBlip", NS)
        png_part = targets[blip.get(f"{{{NS['r']}}}embed")]
        svg_part = targets[svg_blip.get(f"{{{NS['r']}}}embed")]
        png, svg = archive.read(png_part), archive.read(svg_part)
    assert svg == SVG.read_bytes()
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG"
        # Drawn, not blank: the bars' dark blue is in it.
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert any(r < 60 and b > 60 for _, (r, _, b) in colours)
    declared = {o.get("PartName"): o.get("ContentType") for o in types.iterfind("ct:Override", NS)}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iterfind("ct:Default", NS)}
    assert declared.get("/" + svg_part, defaults.get("svg")) == "image/svg+xml"
    assert declared.get("/" + png_part, defaults.get("png")) == "image/png"


def test_docx_renders_an_svg_sized_in_millimetres(theme: Theme, tmp_path: Path) -> None:
    """resvg reads mm, pt and in only at a dpi it is given (at its default, it refused the
    SVG: "invalid size", and the build failed)."""
    (tmp_path / "ruler.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="50mm" height="20mm">'
        '<rect width="100%" height="100%" fill="#16344d"/></svg>', encoding="utf-8")
    source = tmp_path / "report.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8").replace("images/turnout.svg",
                                                                 "ruler.svg"), encoding="utf-8")
    [docx] = build(load_report(source), theme, ["docx"], tmp_path / "out")
    with zipfile.ZipFile(docx) as archive:
        [png] = [archive.read(name) for name in archive.namelist() if name.endswith(".png")]
    with Image.open(io.BytesIO(png)) as picture:
        # 50 × 20 mm at 150 dpi (the layout rounds the SVG's size to whole CSS px); the
        # rectangle fills it.
        width, height = picture.size
        assert abs(width - 295) <= 1 and abs(height - 118) <= 1
        assert picture.convert("RGB").getpixel((150, 60)) == (0x16, 0x34, 0x4D)


@pytest.mark.conformance
def test_libreoffice_opens_the_docx_and_shows_the_figure(editions: dict[str, Path],
                                                         tmp_path: Path) -> None:
    assert shutil.which("soffice"), "LibreOffice is needed (.ci/run installs it)"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(editions["docx"])], check=True, capture_output=True, timeout=180)
    converted = tmp_path / editions["docx"].with_suffix(".pdf").name
    text = normalise(pdf_text(converted))
    assert "Figure 1. Turnout by province, drawn as SVG" in text
    listed = subprocess.run(["pdfimages", "-list", str(converted)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    # LibreOffice draws the SVG (as vector, its text text) or, failing that, the PNG.
    assert "Takéo" in text or listed, "the figure is drawn"


# --- EPUB and HTML -----------------------------------------------------------------------


def test_epub_carries_the_svg_unchanged_with_its_alt(editions: dict[str, Path],
                                                     report: Report) -> None:
    with zipfile.ZipFile(editions["epub"]) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        items = [item for item in opf.iter("{http://www.idpf.org/2007/opf}item")
                 if item.get("media-type") == "image/svg+xml"]
        assert [item.get("properties") for item in items] == [None]
        href = items[0].get("href")
        assert archive.read(f"EPUB/{href}") == SVG.read_bytes()
        images = [img for name in archive.namelist() if name.endswith(".xhtml")
                  for img in etree.fromstring(archive.read(name)).iter(
                      "{http://www.w3.org/1999/xhtml}img") if img.get("src", "").endswith(".svg")]
    assert [(img.get("src"), img.get("alt")) for img in images] == [
        (f"../{href}", _figure(report).alt)]


def test_html_carries_the_svg_as_a_data_uri_with_its_alt(editions: dict[str, Path],
                                                         report: Report) -> None:
    import html5lib

    page = html5lib.parse(editions["html"].read_bytes(), namespaceHTMLElements=False)
    images = [img for img in page.iter("img")
              if img.get("src", "").startswith("data:image/svg+xml;base64,")]
    [img] = images
    assert img.get("alt") == _figure(report).alt
    assert base64.b64decode(img.get("src").partition(",")[2]) == SVG.read_bytes()


# --- The check ---------------------------------------------------------------------------

_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {}>'
        "{}</svg>")


@pytest.mark.parametrize(("attributes", "size"), [
    ('width="200" height="100"', (200, 100)),
    ('width="72pt" height="1in"', (96, 96)),
    ('width="25.4mm" height="2.54cm"', (96, 96)),
    ('viewBox="0 0 300 150"', (300, 150)),
    ('width="600" viewBox="0 0 300 150"', (600, 300)),
    ('width="100%" height="50%" viewBox="0,0,40,20"', (40, 20)),
])
def test_an_svg_is_sized_by_its_width_height_or_view_box(attributes: str,
                                                         size: tuple[float, float]) -> None:
    facts = check_svg(_SVG.format(attributes, "").encode())
    assert (round(facts.width), round(facts.height)) == size


#: A PNG of one pixel, as an SVG embeds a picture.
_PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4YSMHAALyASNM6jO1"
          "AAAAAElFTkSuQmCC")


@pytest.mark.parametrize("content", [
    '<use href="#bar"/><rect id="bar" width="1" height="1" style="fill: url(#grad)"/>',
    f'<image width="1" height="1" xlink:href="data:image/png;base64,{_PIXEL}"/>',
    '<style>rect { fill: url("#grad") }</style>',
])
def test_references_within_the_svg_and_data_images_are_allowed(content: str) -> None:
    check_svg(_SVG.format('width="10" height="10"', content).encode())


@pytest.mark.parametrize(("document", "said"), [
    ('<?xml-stylesheet href="https://example.com/s.css"?>'
     + _SVG.format('width="10" height="10"', ""), "links a style sheet"),
    (_SVG.format('width="10" height="10"', "<style>@import 'x.css';</style>"),
     "imports a style sheet"),
    (_SVG.format('width="10" height="10"', '<image href="other.svg"/>'),
     "refers to 'other.svg' outside itself"),
    (_SVG.format('width="10" height="10"', '<a href="javascript:alert(1)"/>'),
     "refers to 'javascript:alert(1)'"),
    (_SVG.format('width="10" height="10"', '<g ONLOAD="x()"/>'), "event attribute ONLOAD="),
    (_SVG.format('width="10" height="10"',
                 '<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'), "outside itself"),
    ('<svg width="10" height="10"/>', "lacks xmlns"),
    (_SVG.format('width="0" height="10"', ""), "must be more than 0"),
    (_SVG.format('width="20000" height="10"', ""), "at most 10000 px"),
    (b"<svg", "not well-formed XML"),
    (('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "b">]>'
      + _SVG.format('width="10" height="10"', "<text>&a;</text>")).encode("utf-16"),
     "declares a document type"),

    (_SVG.format('width="10" height="10"', "<SCRIPT>alert(1)</SCRIPT>"),
     "holds a <SCRIPT> element"),
    (_SVG.format('width="10" height="10" xmlns:h="http://www.w3.org/1999/xhtml"',
                 "<h:iframe/>"), "holds a <iframe> element"),
    (_SVG.format('width="10" height="10"', '<a xlink:href="#r"><rect id="r"/></a>'),
     "holds a link (<a href>)"),
    # CSS escapes spell url( and @import as CSS reads them.
    (_SVG.format('width="10" height="10"',
                 r"<style>rect { fill: u\72l(https://example.com/x.png) }</style>"),
     "refers to 'https://example.com/x.png' outside itself (<style>)"),
    (_SVG.format('width="10" height="10"', r"<style>@im\port 'x.css';</style>"),
     "imports a style sheet"),
    (_SVG.format('width="10" height="10"',
                 r'<rect style="fill: \75 rl(https://example.com/y)" width="1" height="1"/>'),
     "refers to 'https://example.com/y' outside itself (<rect style>)"),
    # An animation that sets an href sets a reference.
    (_SVG.format('width="10" height="10"',
                 '<a><set attributeName="href" to="javascript:alert(1)"/></a>'),
     "refers to 'javascript:alert(1)' outside itself (<set attributeName>)"),
    (_SVG.format('width="10" height="10"', '<image width="1" height="1"><animate '
                 'attributeName="xlink:href" values="#a;https://example.com/p.png"/></image>'),
     "refers to 'https://example.com/p.png'"),
    # What the editions' renderers would fail on, refused before a build meets it.
    (_SVG.format('width="10" height="10"', "").encode("utf-16"), "is not UTF-8 text"),
    ('<?xml version="1.0" encoding="ISO-8859-1"?>' + _SVG.format('width="10" height="10"', ""),
     "declares its encoding as ISO-8859-1"),
    (_SVG.format('width="10" height="10"',
                 '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'),
     "expands to too many elements"),
    (_SVG.format('width="10" height="10"', '<path d="M0 0 L1e25 0" stroke="black"/>'),
     "too large for a PDF"),
])
def test_what_the_check_refuses(document: str | bytes, said: str) -> None:
    data = document.encode() if isinstance(document, str) else document
    with pytest.raises(SvgProblem, match=said.replace("(", r"\(").replace(")", r"\)")):
        check_svg(data)


def test_every_fault_of_an_svg_is_told_once_in_its_order() -> None:
    """Not only the first: each fault of each element, one reference told once however
    often an element repeats it, and nothing of what a refused <foreignObject> holds."""
    document = _SVG.format('width="10" height="10"', (
        '\n<script>alert(1)</script>'
        '\n<image width="1" height="1" href="data:image/png;base64,QUFBQQ=="/>'
        '\n<a href="https://example.com/"><rect onclick="x()" width="1" height="1"/></a>'
        '\n<rect style="fill: url(https://example.com/p); stroke: url(https://example.com/p)"/>'
        '\n<foreignObject><div xmlns="http://www.w3.org/1999/xhtml" onclick="y()"/>'
        "</foreignObject>"))
    with pytest.raises(SvgProblem) as refused:
        check_svg(document.encode())
    assert [fault.split(" (line")[0] for fault in refused.value.faults] == [
        "holds a <script> element",
        "embeds a picture that cannot be read as PNG or JPEG (<image href>)",
        "refers to 'https://example.com/' outside itself (<a href>)",
        "holds a link (<a href>)",
        "has an event attribute onclick= on <rect>",
        "refers to 'https://example.com/p' outside itself (<rect style>)",
        "holds a <foreignObject> element"]
    assert [int(fault.split("(line ")[1].split()[0]) for fault in refused.value.faults] == [
        2, 3, 4, 4, 4, 5, 6]
    assert refused.value.more == 0


def test_a_renderers_warnings_stay_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    """svglib's warnings (a <use> of itself) would reach the terminal."""
    check_svg(_SVG.format('width="10" height="10"', '<g id="a"><use href="#a"/></g>').encode())
    assert capfd.readouterr().err == ""


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG's signature, header and an empty image data chunk: all Pillow reads to know
    its size (its pixels are never there)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"")) + png_chunk(b"IEND", b""))


@pytest.mark.parametrize(("picture", "said"), [
    (base64.b64encode(b"AAAA").decode(), "embeds a picture that cannot be read as PNG or JPEG"),
    (base64.b64encode(_png_header_only(8000, 8000)).decode(),
     "embeds a picture of 8000 × 8000 pixels (<image href>) (line 1 of the SVG); the limit "
     "is 40 million pixels"),
    (base64.b64encode(_png_header_only(30000, 30000)).decode(),
     "embeds a picture too large to be decoded safely"),
])
def test_an_embedded_picture_is_checked_as_a_figures_own_before_it_is_decoded(
        picture: str, said: str, capfd: pytest.CaptureFixture[str]) -> None:
    """resvg and svglib decode an embedded picture whole: a 150 KB SVG holding a PNG of
    30,000 pixels square made resvg ask for 3.6 GB and abort the process."""
    document = _SVG.format('width="10" height="10"', '<image width="1" height="1" '
                           f'href="data:image/png;base64,{picture}"/>')
    with pytest.raises(SvgProblem) as refused:
        check_svg(document.encode())
    assert said in str(refused.value)
    assert capfd.readouterr().err == ""  # no Pillow warning on the terminal
