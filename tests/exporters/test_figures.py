"""Figures read back from every edition: the images, their descriptions and captions.

The source is tests/data/valid/figures.yaml (a PNG and a JPEG beside it).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, FORMATS
from reportexport.building import build
from reportexport.exporters.epub.readback import NS as E_NS
from reportexport.exporters.epub.readback import read_package
from reportexport.model import Figure
from reportexport.source.problems import InputError
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "figures.yaml"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(scope="module")
def figures() -> list[Figure]:
    return [block for _, section in load_report(SOURCE).walk() for block in section.blocks
            if isinstance(block, Figure)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> dict[str, Path]:
    paths = build(load_report(SOURCE), theme, list(FORMATS), tmp_path_factory.mktemp("figures"))
    return {path.suffix[1:]: path for path in paths}


def test_the_source_checks_and_numbers_its_figures(figures: list[Figure]) -> None:
    assert [(f.number, f.media_type, f.width_px, f.height_px) for f in figures] == [
        (1, "image/png", 480, 300), (2, "image/jpeg", 320, 200)]


def test_pdf_embeds_each_image_at_its_own_pixels(built: dict[str, Path],
                                                 figures: list[Figure]) -> None:
    import pikepdf

    pdf = pikepdf.open(built["pdf"])
    sizes = sorted((int(image.Width), int(image.Height)) for page in pdf.pages
                   for image in page.get_images().values())
    assert sizes == sorted((f.width_px, f.height_px) for f in figures)
    from pypdf import PdfReader

    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(built["pdf"]).pages)
    assert "Figure 1. Bars drawn for this test, with emphasis" in text and "Figure 2" in text


def test_docx_pictures_carry_their_alt_text(built: dict[str, Path],
                                            figures: list[Figure]) -> None:
    with zipfile.ZipFile(built["docx"]) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        rels = {rel.get("Id"): rel.get("Target")
                for rel in etree.fromstring(archive.read("word/_rels/document.xml.rels"))}
        names = set(archive.namelist())
    inlines = list(document.iter(f"{{{WP}}}inline"))
    assert [i.find(f"{{{WP}}}docPr").get("descr") for i in inlines] == [f.alt for f in figures]
    assert len({i.find(f"{{{WP}}}docPr").get("id") for i in inlines}) == len(inlines)
    for inline, figure in zip(inlines, figures, strict=True):
        target = rels[next(inline.iter(f"{{{A}}}blip")).get(f"{{{R}}}embed")]
        assert f"word/{target}" in names
        assert Path(target).suffix == (".png" if figure.media_type == "image/png" else ".jpg")


def test_epub_figures_have_images_alt_text_and_captions(built: dict[str, Path],
                                                        figures: list[Figure]) -> None:
    x = E_NS["x"]
    with zipfile.ZipFile(built["epub"]) as archive:
        package = read_package(archive)
        media = {href: kind for href, kind, _ in package.manifest.values()}
        found = []
        for href in package.spine:
            for element in etree.fromstring(archive.read(href)).iter(f"{{{x}}}figure"):
                image = element.find("x:img", E_NS)
                source = posixpath.normpath(posixpath.join(posixpath.dirname(href),
                                                           image.get("src")))
                found.append((image.get("alt"), media[source], archive.read(source),
                              "".join(element.find("x:figcaption", E_NS).itertext())))
    assert [(alt, kind, content) for alt, kind, content, _ in found] == [
        (f.alt, f.media_type, f.image.read_bytes()) for f in figures]
    assert [caption for *_, caption in found] == [
        "Figure 1. Bars drawn for this test, with emphasis", "Figure 2"]


def test_a_symbolic_link_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "images").symlink_to(DATA / "valid" / "images")
    source = project / "report.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_report(source)
    assert all("is outside the source's folder" in p.message for p in caught.value.problems)
    assert len(caught.value.problems) == 2


def test_a_figure_fits_the_measure_of_a_narrow_theme(tmp_path: Path) -> None:
    """On A5 with wide margins the PNG (480 px, 230 pt at 150 dpi) is scaled down to fit."""
    import pikepdf

    from reportexport.theme import load_theme

    theme_file = tmp_path / "narrow.yaml"
    theme_file.write_text((DATA.parents[1] / "styles" / "default.yaml").read_text(
        encoding="utf-8").replace("size: A4", "size: A5").replace(
        "margins_mm: {top: 24, bottom: 24, left: 42, right: 42}",
        "margins_mm: {top: 20, bottom: 20, left: 35, right: 35}"), encoding="utf-8")
    theme = load_theme(theme_file)
    assert (theme.page.width_mm, theme.page.margins_mm.left) == (148.0, 35)
    [pdf] = build(load_report(SOURCE), theme, ["pdf"], tmp_path / "out")
    measure = (148.0 - 70) / 25.4 * 72
    widths = []
    for page in pikepdf.open(pdf).pages:
        contents = page.obj.Contents
        content = (b"".join(part.read_bytes() for part in contents)
                   if isinstance(contents, pikepdf.Array) else contents.read_bytes())
        for name in page.get_images():
            # The image is drawn with "w 0 0 h x y cm": its width is the cm's first number.
            for match in re.finditer(rb"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm\s+"
                                     + re.escape(str(name).encode()) + rb" Do", content):
                widths.append(float(match.group(1)))
    assert len(widths) == 2 and all(width <= measure + 0.5 for width in widths)
    assert max(widths) > measure - 0.5  # the wide PNG fills the narrow measure
