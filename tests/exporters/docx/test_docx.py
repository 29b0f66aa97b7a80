"""The Word edition, read back from its own XML with zipfile and lxml."""

from __future__ import annotations

import itertools
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, run_cli
from office import libreoffice_pdf_without_theme_fonts
from readers import normalise
from reportexport.building import build
from reportexport.model import Figure, Report, Table, nested_blocks
from reportexport.source.reading import load_report
from reportexport.theme import Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


def _xml(path: Path, member: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(member))


def _style_names(path: Path) -> dict[str, str]:
    styles = _xml(path, "word/styles.xml")
    return {
        s.get(f"{{{W}}}styleId"): s.find("w:name", NS).get(f"{{{W}}}val")
        for s in styles.iterfind("w:style", NS)
    }


def _body_paragraphs(path: Path) -> list[etree._Element]:
    return list(_xml(path, "word/document.xml").find("w:body", NS).iterfind("w:p", NS))


def _style_of(paragraph: etree._Element) -> str | None:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return None if style is None else style.get(f"{{{W}}}val")


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))


def test_headings_use_builtin_styles_in_source_order(editions: dict[str, Path],
                                                     report: Report) -> None:
    path = editions["docx"]
    names = _style_names(path)
    headings = [
        (int(names[_style_of(p)].split()[-1]), _text(p))
        for p in _body_paragraphs(path)
        if _style_of(p) and names.get(_style_of(p), "").lower().startswith("heading ")
    ]
    assert headings == report.outline()


def test_headings_carry_no_direct_formatting(editions: dict[str, Path]) -> None:
    path = editions["docx"]
    names = _style_names(path)
    heading_paragraphs = [
        p for p in _body_paragraphs(path)
        if names.get(_style_of(p) or "", "").lower().startswith("heading ")
    ]
    assert heading_paragraphs
    for paragraph in heading_paragraphs:
        assert [etree.QName(c).localname for c in paragraph.find("w:pPr", NS)] == ["pStyle"]
        assert paragraph.find(".//w:rPr", NS) is None


def test_styles_carry_the_theme(editions: dict[str, Path], theme: Theme) -> None:
    styles = _xml(editions["docx"], "word/styles.xml")
    heading = styles.find("w:style[@w:styleId='Heading1']", NS)
    fonts = heading.find("w:rPr/w:rFonts", NS)
    assert fonts.get(f"{{{W}}}ascii") == theme.heading_font.family
    assert fonts.get(f"{{{W}}}asciiTheme") is None, "a theme font would override the theme's"
    assert heading.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == theme.colours.accent[1:]
    assert heading.find("w:pPr/w:keepNext", NS) is not None
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == theme.body_font.family
    size = normal.find("w:rPr/w:sz", NS).get(f"{{{W}}}val")
    assert int(size) == round(theme.sizes.body * 2)


def test_title_subtitle_and_body_styles(editions: dict[str, Path], report: Report) -> None:
    paragraphs = _body_paragraphs(editions["docx"])
    assert _style_of(paragraphs[0]) == "Title" and _text(paragraphs[0]) == report.metadata.title
    assert _style_of(paragraphs[1]) == "Subtitle"
    body = [_text(p) for p in paragraphs if _style_of(p) == "Normal"]
    assert body == [b.text for _, s in report.walk() for b in s.blocks]
    assert [_text(p) for p in paragraphs if _style_of(p) == "Lead"] == [
        p.text for p in report.lead
    ]


def test_table_of_contents_is_a_filled_field(editions: dict[str, Path], report: Report) -> None:
    path = editions["docx"]
    document = _xml(path, "word/document.xml")
    instructions = [normalise(t.text) for t in document.iter(f"{{{W}}}instrText")]
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    bookmarks = {
        b.get(f"{{{W}}}name"): normalise(_text(b.getparent()))
        for b in document.iter(f"{{{W}}}bookmarkStart")
    }
    entries = [
        (int(_style_of(p)[-1]), h.get(f"{{{W}}}anchor"), _text(h))
        for p in _body_paragraphs(path) if (_style_of(p) or "").startswith("TOC")
        and _style_of(p) != "TOCHeading"
        for h in p.iterfind("w:hyperlink", NS)
    ]
    assert [(level, title) for level, _, title in entries] == [
        (level, title) for level, title in report.outline() if level <= 3
    ]
    for _, anchor, title in entries:
        assert bookmarks[anchor] == title, "each entry links to the bookmark on its heading"
    settings = _xml(path, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(f"{{{W}}}val") == "true"


def test_header_footer_and_page_setup(editions: dict[str, Path], report: Report,
                                      theme: Theme) -> None:
    path = editions["docx"]
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        footers = [archive.read(m) for m in members if m.startswith("word/footer")]
        headers = [archive.read(m) for m in members if m.startswith("word/header")]
    footer_fields = {
        normalise(t.text) for f in footers for t in etree.fromstring(f).iter(f"{{{W}}}instrText")
    }
    assert {"PAGE", "NUMPAGES"} <= footer_fields
    assert any(report.metadata.running_title.encode() in h for h in headers)
    sect = _xml(path, "word/document.xml").find("w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert abs(int(size.get(f"{{{W}}}w")) - theme.page.width_mm / 25.4 * 1440) < 2
    assert sect.find("w:titlePg", NS) is not None, "no header on the title page"


def test_core_properties_and_language(editions: dict[str, Path], report: Report) -> None:
    path = editions["docx"]
    core = _xml(path, "docProps/core.xml")
    meta = report.metadata
    assert core.findtext("dc:title", namespaces=NS) == meta.title
    assert core.findtext("dc:subject", namespaces=NS) == meta.subject
    assert core.findtext("dc:creator", namespaces=NS) == "; ".join(meta.authors)
    assert core.findtext("cp:keywords", namespaces=NS) == ", ".join(meta.keywords)
    assert core.findtext("dc:description", namespaces=NS) == meta.description
    assert core.findtext("dc:language", namespaces=NS) == "en"
    assert core.findtext("dcterms:created", namespaces=NS) == "2023-07-05T00:00:00Z"
    assert core.findtext("dcterms:modified", namespaces=NS) == "2023-07-05T00:00:00Z"
    with zipfile.ZipFile(path) as archive:
        everything = b"".join(archive.read(m) for m in archive.namelist())
    assert b"python-docx" not in everything and b"2013-12-23" not in everything
    styles = _xml(path, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(f"{{{W}}}val") == "en"


def test_numbered_lists_restart(tmp_path: Path, theme: Theme) -> None:
    report = load_report(DATA / "valid" / "deep-nesting.yaml")
    [path] = build(report, theme, ["docx"], tmp_path)
    numbered = [p for p in _body_paragraphs(path) if _style_of(p) == "ListNumber"]
    first = {p.find("w:pPr/w:numPr/w:numId", NS) is None for p in numbered[:2]}
    assert first == {True}, "the first list uses the style's own numbering"
    second = {p.find("w:pPr/w:numPr/w:numId", NS).get(f"{{{W}}}val") for p in numbered[2:]}
    assert len(second) == 1
    numbering = _xml(path, "word/numbering.xml")
    num = numbering.find(f"w:num[@w:numId='{second.pop()}']", NS)
    assert num.find("w:lvlOverride/w:startOverride", NS).get(f"{{{W}}}val") == "1"


def _make_template(path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt, RGBColor

    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.name = "Template Sans"
    heading.font.size = Pt(30)
    heading.font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.header.paragraphs[0].text = "Template header"
    document.add_paragraph("Template body text that must not appear.")
    document.save(path)


def test_template_styles_page_setup_and_header_win(tmp_path: Path) -> None:
    template = tmp_path / "reference.docx"
    _make_template(template)
    out = tmp_path / "out"
    result = run_cli("docx", "--template", template, "-o", out)
    assert result.code == 0, result.stderr
    [path] = out.iterdir()
    styles = _xml(path, "word/styles.xml")
    heading = styles.find("w:style[@w:styleId='Heading1']", NS)
    assert heading.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == "Template Sans"
    assert heading.find("w:rPr/w:sz", NS).get(f"{{{W}}}val") == "60"
    # The theme fills what the template lacks.
    assert styles.find("w:style[@w:styleId='Lead']", NS) is not None
    size = _xml(path, "word/document.xml").find("w:body/w:sectPr/w:pgSz", NS)
    assert int(size.get(f"{{{W}}}w")) > int(size.get(f"{{{W}}}h")), "template's landscape kept"
    with zipfile.ZipFile(path) as archive:
        headers = b"".join(archive.read(m) for m in archive.namelist()
                           if m.startswith("word/header"))
        document = archive.read("word/document.xml")
    assert b"Template header" in headers
    assert b"Template body text" not in document


@pytest.mark.parametrize("kind", ["missing", "dotx", "not-word", "other-prefix"])
def test_bad_templates_are_refused(tmp_path: Path, kind: str) -> None:
    template = tmp_path / {"missing": "nope.docx", "dotx": "t.dotx", "not-word": "t.docx",
                           "other-prefix": "t.docx"}[kind]
    if kind in ("dotx", "other-prefix"):
        _make_template(tmp_path / "base.docx")
        with zipfile.ZipFile(tmp_path / "base.docx") as src, \
                zipfile.ZipFile(template, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if kind == "dotx" and item.filename == "[Content_Types].xml":
                    data = data.replace(b"document.main+xml", b"template.main+xml")
                if kind == "other-prefix" and item.filename == "word/document.xml":
                    # Valid XML, but its body is in a prefix the written body does not use.
                    data = re.sub(rb"(?<![\w:])w:", b"ww:", data)
                    data = data.replace(b"xmlns:w=", b"xmlns:ww=")
                dst.writestr(item, data)
    elif kind == "not-word":
        template.write_text("just text", encoding="utf-8")
    result = run_cli("docx", "--template", template, "-o", tmp_path / "out")
    assert result.code == 2
    assert "Traceback" not in result.stderr
    expected = {"missing": "no such template file", "dotx": "is a Word template (.dotx)",
                "not-word": "not a Word document",
                "other-prefix": "does not declare the 'w' prefix"}[kind]
    assert f"{template}: {expected}" in result.stderr


def test_zip_entries_have_fixed_times(editions: dict[str, Path]) -> None:
    with zipfile.ZipFile(editions["docx"]) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 7, 5, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def _deobfuscated_fonts(docx: Path) -> dict[tuple[str, str], bytes]:
    """Each embedded face by (family, embed element), read back as ECMA-376 17.8.1 says."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    faces = {}
    with zipfile.ZipFile(docx) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
        rels = etree.fromstring(archive.read("word/_rels/fontTable.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        types = archive.read("[Content_Types].xml").decode()
        assert 'Extension="odttf" ContentType="application/vnd.openxmlformats-' \
               'officedocument.obfuscatedFont"' in types
        for font in table.iter(f"{w}font"):
            for embed in font:
                if not embed.tag.startswith(f"{w}embed"):
                    continue
                data = archive.read("word/" + targets[embed.get(f"{r}id")])
                guid = embed.get(f"{w}fontKey").strip("{}").replace("-", "")
                key = [int(guid[i:i + 2], 16) for i in range(30, -1, -2)]
                head = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32]))
                faces[(font.get(f"{w}name"), embed.tag[len(w):])] = head + data[32:]
    return faces


def test_the_theme_fonts_are_embedded_as_word_does(editions: dict[str, Path], theme: Theme,
                                                   report: Report) -> None:
    import io

    from fontTools.ttLib import TTFont

    faces = _deobfuscated_fonts(editions["docx"])
    expected = {(family.family, element): path
                for family in (theme.body_font, theme.heading_font)
                for element, path in (("embedRegular", family.regular),
                                      ("embedBold", family.bold),
                                      ("embedItalic", family.italic),
                                      ("embedBoldItalic", family.bold_italic))}
    assert set(faces) == set(expected)
    text = {c for _, piece in report.texts() for c in piece if not c.isspace()}
    for (family, element), data in faces.items():
        font, original = TTFont(io.BytesIO(data)), TTFont(expected[(family, element)])
        assert font["name"].getDebugName(1) == original["name"].getDebugName(1)
        assert font["name"].getDebugName(2) == original["name"].getDebugName(2), element
        cmap = set(font.getBestCmap())
        assert {ord(c) for c in text} & set(original.getBestCmap()) <= cmap
        assert set(map(ord, "The quick brown fox, 1–2 €")) <= cmap, "room for an editor to type"
        assert len(font.getGlyphOrder()) < len(original.getGlyphOrder()), "a subset"
    with zipfile.ZipFile(editions["docx"]) as archive:
        settings = archive.read("word/settings.xml").decode()
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings


@pytest.mark.conformance
def test_libreoffice_opens_and_converts_it(editions: dict[str, Path], report: Report,
                                           theme: Theme, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = libreoffice_pdf_without_theme_fonts(editions["docx"], tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    # The theme's fonts come from the document itself: the machine has none of them.
    used = {line.split()[0].partition("+")[2].partition("-")[0]
            for line in fonts.splitlines()[2:]}
    assert used == {theme.body_font.family, theme.heading_font.family}, fonts
    reader = PdfReader(pdf)
    text = normalise(" ".join(page.extract_text() or "" for page in reader.pages))
    assert len(reader.pages) >= 3
    for _, title in report.outline():
        assert title in text
    assert report.metadata.running_title in text and "Page 2 of" in text


@pytest.mark.conformance  # in-process, but 16 s: the inner loop's slowest test by twice
def test_openxml_audit_finds_nothing_in_any_edition(tmp_path: Path, theme: Theme) -> None:
    """openxml-audit (OOXML schema and Word-compatibility rules) on every DOCX the corpus,
    the guide and a reference document give: no error, no warning, 'opens clean'.

    One validator per file: openxml-audit 0.8 keys what it reads of other parts (the
    footnotes' ids) by the id() of the package, and its command line keeps one
    validator for every file, so a file could be checked against the footnotes of
    the one audited before it (seen once in CI: split-links against footnotes)."""
    from openxml_audit import FileFormat, OpenXmlValidator, predict

    sources = [*sorted((DATA / "valid").glob("*.yaml")),
               DATA.parents[1] / "examples" / "guide" / "guide.yaml"]
    for source in sources:
        build(load_report(source), theme, ["docx"], tmp_path / source.stem)
    template = tmp_path / "reference.docx"
    _make_template(template)
    build(load_report(sources[0]), theme, ["docx"], tmp_path / "with-template",
          options={"docx": {"template": template}})
    template.unlink()
    editions = sorted(tmp_path.rglob("*.docx"))
    assert len(editions) == len(sources) + 1
    for edition in editions:
        result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019).validate(edition)
        findings = [(e.severity.value, e.description, e.part_uri, e.path)
                    for e in result.errors]
        assert (result.is_valid, result.error_count, result.warning_count) == (
            True, 0, 0), (edition, findings[:10])
        assert predict(result).prediction.value == "opens-clean", edition


def test_word_hyphenates_the_body_and_not_the_headings(editions: dict[str, Path]) -> None:
    """As the PDF: the body hyphenates (Word's own dictionaries), names and headings not."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(editions["docx"]) as archive:
        settings = etree.fromstring(archive.read("word/settings.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    assert settings.find(f"{w}autoHyphenation") is not None
    assert settings.find(f"{w}doNotHyphenateCaps") is not None
    suppressed = {style.get(f"{w}styleId") for style in styles.iter(f"{w}style")
                  if style.find(f"{w}pPr/{w}suppressAutoHyphens") is not None}
    assert {"Title", "Heading1", "Heading2", "Header", "Footer"} <= suppressed
    assert "Normal" not in suppressed


def test_embedding_settings_keep_the_schema_order(tmp_path: Path) -> None:
    """A reference document that already says embedSystemFonts: the settings the font
    embedding adds go around it in CT_Settings' order (…, embedTrueTypeFonts,
    embedSystemFonts, saveSubsetFonts, …), which Word enforces."""
    base, template = tmp_path / "base.docx", tmp_path / "reference.docx"
    _make_template(base)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(template, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/settings.xml":
                # In its place: after the view settings (zoom), where Word writes it.
                data = re.sub(rb"(<w:zoom[^>]*/>)", rb"\1<w:embedSystemFonts/>", data)
                assert b"embedSystemFonts" in data
            dst.writestr(item, data)
    result = run_cli("docx", "--template", template, "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    [path] = (tmp_path / "out").iterdir()
    names = [etree.QName(child).localname for child in _xml(path, "word/settings.xml")]
    embeds = [name for name in names
              if name in ("embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts")]
    assert embeds == ["embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts"], names


@pytest.mark.parametrize("contents", [  # with contents, LibreOffice lays out the pages
    pytest.param("page", marks=pytest.mark.conformance),
    pytest.param("shared", marks=pytest.mark.conformance),
    "none"])
def test_the_theme_says_where_the_contents_go_as_in_the_pdf(tmp_path: Path, report: Report,
                                                             contents: str) -> None:
    """As in the PDF: by default the lead and the body follow the contents on their page
    (a page of their own left a short report's contents page mostly empty, and the DOCX a
    page longer than the PDF); a theme may give them a page, or leave them out. Read back
    from LibreOffice's pages."""
    from pypdf import PdfReader

    from reportexport.theme import load_theme

    theme_file = tmp_path / "theme.yaml"
    text = (DATA.parents[1] / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme_file.write_text(text.replace("contents: shared", f"contents: {contents}"),
                          encoding="utf-8")
    [path] = build(report, load_theme(theme_file), ["docx"], tmp_path / "out")
    instructions = [normalise(t.text) for t in _xml(path, "word/document.xml").iter(
        f"{{{W}}}instrText")]
    assert any(i.startswith("TOC ") for i in instructions) == (contents != "none")
    if contents == "none":
        return  # no contents, nothing to place
    pages = [normalise(page.extract_text() or "")
             for page in PdfReader(libreoffice_pdf_without_theme_fonts(path, tmp_path)).pages]
    lead = normalise(report.lead[0].text)[:40]
    body = normalise(next(s for _, s in report.walk()).blocks[0].text)[:40]
    assert "Contents" in pages[1]
    assert (lead in pages[1]) == (body in pages[1]) == (contents == "shared")
    assert lead in pages[2 if contents == "page" else 1]


def _keeps_with_next(paragraph: etree._Element, styles: etree._Element) -> bool:
    """The paragraph's effective keepNext: its own, else its style's, else the base's."""
    def flag(ppr: etree._Element | None) -> bool | None:
        keep = None if ppr is None else ppr.find("w:keepNext", NS)
        return None if keep is None else keep.get(f"{{{W}}}val", "1") not in ("0", "false")

    own = flag(paragraph.find("w:pPr", NS))
    style_id = _style_of(paragraph)
    while own is None and style_id is not None:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        own = flag(style.find("w:pPr", NS))
        based = style.find("w:basedOn", NS)
        style_id = None if based is None else based.get(f"{{{W}}}val")
    return bool(own)


def test_a_figure_keeps_with_its_caption_and_the_caption_ends_the_group(
        tmp_path: Path, theme: Theme) -> None:
    """Headings keep with what follows, a picture with its caption, a table's caption
    (above it) with the table; a figure's caption (below it) keeps with nothing, or a
    picture near a page's foot would take the next paragraph's lines along and leave
    the rest of the page empty."""
    guide = load_report(DATA.parents[1] / "examples" / "guide" / "guide.yaml")
    [path] = build(guide, theme, ["docx"], tmp_path)
    styles = _xml(path, "word/styles.xml")
    paragraphs = _body_paragraphs(path)
    kinds = {}
    for previous, paragraph in itertools.pairwise(paragraphs):
        text = _text(paragraph)
        if _style_of(paragraph) == "Caption":
            kind = "figure caption" if text.startswith("Figure") else "table caption"
            kinds.setdefault(kind, []).append(_keeps_with_next(paragraph, styles))
            if kind == "figure caption":
                assert previous.find(".//w:drawing", NS) is not None
                kinds.setdefault("picture", []).append(_keeps_with_next(previous, styles))
        elif (_style_of(paragraph) or "").startswith("Heading"):
            kinds.setdefault("heading", []).append(_keeps_with_next(paragraph, styles))
    blocks = [block for _, section in guide.walk() for block in nested_blocks(section.blocks)]
    figures = sum(isinstance(block, Figure) for block in blocks)
    tables = sum(isinstance(block, Table) and block.caption is not None for block in blocks)
    assert figures and tables, "the guide has figures and captioned tables"
    assert kinds == {"picture": [True] * figures, "figure caption": [False] * figures,
                     "table caption": [True] * tables,
                     "heading": [True] * len(list(guide.walk()))}


def test_a_figure_s_caption_is_followed_by_a_paragraph_s_space_and_more(
        tmp_path: Path, theme: Theme) -> None:
    """A figure's caption ends the figure's group: it is followed by more space than the
    Caption style gives a table's caption (kept close to its table), and more than a
    body paragraph's, as the PDF's figure is (LibreOffice showed it hard against the
    next paragraph)."""
    [path] = build(load_report(DATA / "valid" / "figures.yaml"), theme, ["docx"], tmp_path)
    styles = _xml(path, "word/styles.xml")

    def style_after(style_id: str) -> int:
        spacing = styles.find(f"w:style[@w:styleId='{style_id}']/w:pPr/w:spacing", NS)
        return int(spacing.get(f"{{{W}}}after"))

    afters = [int(paragraph.find("w:pPr/w:spacing", NS).get(f"{{{W}}}after"))
              for paragraph in _body_paragraphs(path)
              if _style_of(paragraph) == "Caption" and _text(paragraph).startswith("Figure")]
    assert afters, "the source has figures"
    normal = styles.find("w:style[@w:type='paragraph'][@w:default='1']", NS).get(
        f"{{{W}}}styleId")
    assert all(after > max(style_after("Caption"), style_after(normal)) for after in afters)
