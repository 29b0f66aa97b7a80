"""Characters drawn as nothing, and accents typed after their letter, in every edition.

The source is tests/data/valid/decomposed-accents-and-joiners.yaml (its text is
checked in every edition by test_editions_corpus.py). Here: the PDF draws none
of them as its font's .notdef box, read back with pikepdf and fontTools.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from conftest import DATA
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

SOURCE = DATA / "valid" / "decomposed-accents-and-joiners.yaml"


def _glyph_ids(font: pikepdf.Dictionary) -> dict[int, int] | None:
    """Character code to glyph id of an embedded TrueType font; None: codes are glyph ids."""
    if font.Subtype == "/Type0":
        cid_map = font.DescendantFonts[0].get("/CIDToGIDMap")
        if not isinstance(cid_map, pikepdf.Stream):
            return None  # /Identity
        data = cid_map.read_bytes()
        return {i // 2: int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)}
    embedded = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
    order = {name: gid for gid, name in enumerate(embedded.getGlyphOrder())}
    codes: dict[int, int] = {}
    for table in embedded["cmap"].tables:
        symbol = table.platformID == 3 and table.platEncID == 0  # codes at U+F000 + code
        for code, name in table.cmap.items():
            codes.setdefault(code & 0xFF if symbol else code, order[name])
    return codes


def notdef_drawn(pdf_path: Path) -> list[tuple[str, int]]:
    """(font, code) of each character the PDF draws with glyph 0, its font's .notdef."""
    found: list[tuple[str, int]] = []
    fonts: dict[tuple[int, int], dict[int, int] | None] = {}

    def shown(font: pikepdf.Dictionary, data: bytes) -> None:
        if font.objgen not in fonts:
            fonts[font.objgen] = _glyph_ids(font)
        glyphs = fonts[font.objgen]
        wide = font.Subtype == "/Type0"
        codes = ([int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
                 if wide else list(data))
        for code in codes:
            if (code if glyphs is None else glyphs.get(code, 0)) == 0:
                found.append((str(font.BaseFont), code))

    def walk(owner: pikepdf.Object, resources: pikepdf.Dictionary) -> None:
        font = None
        for operands, operator in pikepdf.parse_content_stream(owner):
            name = str(operator)
            if name == "Tf":
                font = resources.Font[operands[0]]
            elif name in ("Tj", "'", '"'):
                shown(font, bytes(operands[-1]))
            elif name == "TJ":
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        shown(font, bytes(item))
            elif name == "Do":
                xobject = resources.XObject[operands[0]]
                if xobject.Subtype == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            walk(page, page.Resources)
    return found


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> Path:
    [path] = build(load_report(SOURCE), theme, ["pdf"], tmp_path_factory.mktemp("invisible"))
    return path


def test_the_pdf_draws_no_notdef_box(pdf: Path) -> None:
    """Joiners, variation selectors and the word joiner, which the body font lacks, and
    the soft hyphen and word joiner in a heading (the heading font lacks both)."""
    assert notdef_drawn(pdf) == []


def test_without_the_blank_glyphs_the_pdf_draws_notdef_boxes(tmp_path: Path) -> None:
    """The check above can fail: the same PDF, built with reportlab's fonts as they
    come (in a process of its own, as reportlab keeps one font per face), draws the
    characters its fonts lack as glyph 0."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reportexport.exporters.pdf import fonts\n"
        "fonts.draw_ignorables_as_nothing = lambda font: None\n"
        "from reportexport import build, load_report, load_theme\n"
        "build(load_report(Path(sys.argv[1])), load_theme(), ['pdf'], Path(sys.argv[2]))\n"
    )
    subprocess.run([sys.executable, "-c", probe, str(SOURCE), str(tmp_path)], check=True)
    [pdf] = tmp_path.glob("*.pdf")
    drawn = notdef_drawn(pdf)
    # U+FE0F, U+200D, U+200C, U+2060 (twice) and U+200B in the body's running text
    assert len(drawn) >= 6 and {font.partition("+")[2] for font, _ in drawn} >= {
        "Caladea-Regular"}, drawn
