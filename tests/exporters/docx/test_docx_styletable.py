"""The theme-to-Word-styles table (exporters/docx/styletable.py), read back from the styles
of a built edition with lxml: each row's font, size, colour, weight and spacing are the
theme's, resolved through Word's basedOn chain as Word would."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

import reportexport.exporters
from conftest import DATA, SOURCE, run_cli
from reportexport.exporters.docx.styletable import PARAGRAPH_STYLES, ParagraphRole
from reportexport.theme import Theme, load_theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
THEME = DATA / "themes" / "narrow-large-type.yaml"  # sizes and colours unlike the defaults
EVERY_BLOCK = DATA / "valid" / "everyday-blocks.yaml"


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, etree._Element]:
    out = tmp_path_factory.mktemp("styletable") / "report.docx"
    # A source with every kind of block: a kind's styles are only in editions that use it.
    result = run_cli("docx", EVERY_BLOCK, "--style", THEME, "-o", out, "-q")
    assert result.code == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        root = etree.fromstring(package.read("word/styles.xml"))
    # Keyed by the name in lower case: the file says "heading 1" where Word shows "Heading 1".
    return {str(style.xpath("string(w:name/@w:val)", namespaces=NS)).lower(): style
            for style in root.iterfind("w:style", NS)}


def _inherited(styles: dict[str, etree._Element], name: str, path: str) -> str | None:
    """The attribute at `path` in style `name` or the first style it is based on with it."""
    by_id = {style.get(f"{{{W}}}styleId"): style for style in styles.values()}
    style: etree._Element | None = styles[name.lower()]
    while style is not None:
        found = style.xpath(path, namespaces=NS)
        if found:
            return str(found[0])
        based = style.find("w:basedOn", NS)
        style = None if based is None else by_id.get(based.get(f"{{{W}}}val"))
    return None


def _expected_size(role: ParagraphRole, theme: Theme) -> float:
    assert role.size is not None
    if role.size == "heading":
        return theme.sizes.heading(role.level)
    return float(getattr(theme.sizes, role.size))


@pytest.mark.parametrize("role", [r for r in PARAGRAPH_STYLES if r.font], ids=lambda r: r.name)
def test_a_styles_font_size_and_colour_are_its_rows(styles: dict[str, etree._Element],
                                                    role: ParagraphRole) -> None:
    theme = load_theme(THEME)
    family = (theme.body_font if role.font == "body" else theme.heading_font).family
    assert _inherited(styles, role.name, "w:rPr/w:rFonts/@w:ascii") == family
    assert _inherited(styles, role.name, "w:rPr/w:sz/@w:val") == str(
        round(_expected_size(role, theme) * 2))
    assert role.colour is not None
    colour = getattr(theme.colours, role.colour).lstrip("#").upper()
    assert _inherited(styles, role.name, "w:rPr/w:color/@w:val") == colour
    if role.bold is not None:
        bold = _inherited(styles, role.name, "w:rPr/w:b/@w:val")
        assert (bold is None or bold not in ("0", "false")) is role.bold


@pytest.mark.parametrize("role", [r for r in PARAGRAPH_STYLES if r.space_after],
                         ids=lambda r: r.name)
def test_a_styles_space_after_is_its_rows(styles: dict[str, etree._Element],
                                          role: ParagraphRole) -> None:
    theme = load_theme(THEME)
    assert role.space_after is not None
    length = role.space_after
    spacing = getattr(theme.spacing, length.spacing) if length.spacing else 0.0
    twips = (spacing * length.times + length.points) * 20
    saved = _inherited(styles, role.name, "w:pPr/w:spacing/@w:after")
    assert saved is not None and abs(int(saved) - twips) <= 1


def test_every_style_the_table_names_is_in_the_edition(styles: dict[str, etree._Element],
                                                       ) -> None:
    assert [r.name for r in PARAGRAPH_STYLES if r.name.lower() not in styles] == []


def test_a_kind_of_blocks_styles_are_only_in_editions_that_use_it(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("styletable-plain") / "report.docx"
    assert run_cli("docx", SOURCE, "-o", out, "-q").code == 0
    with zipfile.ZipFile(out) as package:
        root = etree.fromstring(package.read("word/styles.xml"))
    names = {str(n).lower() for n in root.xpath("//w:style/w:name/@w:val", namespaces=NS)}
    optional = [r.name for r in PARAGRAPH_STYLES if r.feature]
    assert optional and [name for name in optional if name.lower() in names] == []


def test_the_unhyphenated_rows_are_the_ones_word_does_not_hyphenate(
        styles: dict[str, etree._Element]) -> None:
    suppressed = {name for name, style in styles.items()
                  if style.find("w:pPr/w:suppressAutoHyphens", NS) is not None}
    assert {r.name.lower() for r in PARAGRAPH_STYLES if not r.hyphenated} == suppressed & {
        r.name.lower() for r in PARAGRAPH_STYLES}


def test_styles_dressed_once_are_the_styles_dressed_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that builds many Word editions (a watcher's) dresses the styles once
    for each theme, text width and kinds of block: every edition is byte for byte the
    one it writes with nothing kept, whatever was built before it."""
    from reportexport.exporters.docx import styles as docx_styles
    from reportexport.loading import load

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    recoloured = tmp_path / "recoloured.yaml"  # the default theme, but for one colour
    default = (SOURCE.parents[1] / "styles" / "default.yaml").read_text(encoding="utf-8")
    assert 'accent: "#1D4E89"' in default
    recoloured.write_text(default.replace('accent: "#1D4E89"', 'accent: "#AA0011"'),
                          encoding="utf-8")
    exporter = reportexport.exporters.load("docx")
    minimal = DATA / "valid" / "minimal.yaml"
    cases = [(minimal, None), (EVERY_BLOCK, None), (DATA / "valid" / "callout-long.yaml", None),
             (EVERY_BLOCK, THEME), (minimal, THEME), (minimal, recoloured), (minimal, None)]
    for number, (source, theme_file) in enumerate(cases):
        report, theme = load(source, theme_file)
        kept, afresh = tmp_path / f"{number}-kept.docx", tmp_path / f"{number}-afresh.docx"
        exporter.export(report, theme, kept)
        docx_styles._DRESSED.clear()
        exporter.export(report, theme, afresh)
        assert kept.read_bytes() == afresh.read_bytes(), (source.name, theme_file)
