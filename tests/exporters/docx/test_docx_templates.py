"""Word reference documents that carry parts of their own (docs/editions.md: `--template` works
like pandoc's reference document: styles, page setup, header and footer, never content).

Each template is made at test time from real editions: our own Word edition of the
footnotes case (footnotes, embedded fonts), that edition after a LibreOffice round
trip (its separators numbered 0 and 1, its own embedded fonts, core properties under
LibreOffice's relationship type), and a document with text, a picture, a comment and
endnotes in its body. The guide (notes, links, a logo, an SVG figure, tables) is built with each,
and the edition is read back with zipfile and lxml: one member per name, every
relationship and id whole, openxml-audit clean, the notes and the text the source's
own, and LibreOffice opens it.
"""

from __future__ import annotations

import collections
import posixpath
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, ROOT, run_cli
from readers import normalise
from reportexport.model import Figure, nested_blocks
from reportexport.source.reading import load_report

GUIDE = ROOT / "examples" / "guide" / "guide.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
TEMPLATE_TEXT = "Template body text that must not appear"


def _edition(source: Path, out: Path) -> Path:
    result = run_cli("docx", source, "-o", out, "-q")
    assert result.code == 0, result.stderr
    [path] = out.glob("*.docx")
    return path


def _own_edition(folder: Path) -> Path:
    return _edition(DATA / "valid" / "footnotes.yaml", folder / "own")


def _libreoffice_round_trip(folder: Path) -> Path:
    assert shutil.which("soffice"), "LibreOffice is needed (.ci/run installs it)"
    edition = _own_edition(folder)
    out = folder / "libreoffice"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--headless", "--convert-to", "docx", "--outdir", str(out), str(edition)],
                   check=True, capture_output=True, timeout=180)
    return out / edition.name


_ENDNOTES = (
    f'<w:endnotes xmlns:w="{W}"><w:endnote w:type="separator" w:id="-1"><w:p><w:r>'
    '<w:separator/></w:r></w:p></w:endnote><w:endnote w:type="continuationSeparator" '
    'w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:endnote>'
    f'<w:endnote w:id="1"><w:p><w:r><w:t>{TEMPLATE_TEXT} (endnote)</w:t></w:r></w:p>'
    "</w:endnote></w:endnotes>")


def _content_of_its_own(folder: Path) -> Path:
    """A document with text, a picture and a comment in its body, and endnotes."""
    import docx
    from docx.shared import Mm

    base, path = folder / "base.docx", folder / "content.docx"
    document = docx.Document()
    paragraph = document.add_paragraph(TEMPLATE_TEXT)
    document.add_comment(paragraph.runs, text=f"{TEMPLATE_TEXT} (comment)", author="T")
    document.add_picture(str(DATA / "valid" / "images" / "bars.png"), width=Mm(40))
    document.save(base)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/word/endnotes.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.endnotes+xml"/></Types>'))
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdEndnotes" Type="{R}/endnotes" '
                    'Target="endnotes.xml"/></Relationships>').encode())
            elif item.filename == "word/settings.xml":
                data = data.replace(b"<w:compat>", b'<w:endnotePr><w:endnote w:id="-1"/>'
                                                   b'<w:endnote w:id="0"/></w:endnotePr><w:compat>')
                assert b"endnotePr" in data
            dst.writestr(item, data)
        dst.writestr("word/endnotes.xml", _ENDNOTES)
    return path


TEMPLATES: dict[str, Callable[[Path], Path]] = {
    "own-edition": _own_edition,
    "libreoffice-round-trip": _libreoffice_round_trip,
    "content-of-its-own": _content_of_its_own,
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's Word edition without a template: the text a template must not change."""
    return _edition(GUIDE, tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module", params=[  # LibreOffice makes the round trip's template
    pytest.param(name, marks=pytest.mark.conformance if name == "libreoffice-round-trip" else ())
    for name in sorted(TEMPLATES)])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    template = TEMPLATES[request.param](folder)
    out = folder / "out"
    # Warnings are errors: zipfile's "Duplicate name" is only a warning.
    result = run_cli("docx", GUIDE, "--template", template, "-o", out,
                     env={"PYTHONWARNINGS": "error"})
    assert result.code == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    [path] = out.glob("*.docx")
    return path


def _rels_name(member: str) -> str:
    folder, name = posixpath.split(member)
    return posixpath.join(folder, "_rels", name + ".rels")


def test_one_member_per_name_and_every_relationship_whole(built: Path) -> None:
    """No duplicate member; each relationship id unique in its part and its target
    present; each id a part names is one of its relationships; every part reached
    from the package's relationships (none left over); every part has a content type."""
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        assert [n for n, c in collections.Counter(names).items() if c > 1] == []
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in types.iterfind(f"{{{TYPES}}}Default")}
        overrides = {o.get("PartName") for o in types.iterfind(f"{{{TYPES}}}Override")}
        reached, queue = set(), ["_rels/.rels"]
        while queue:
            rels_member = queue.pop()
            source = posixpath.dirname(posixpath.dirname(rels_member))
            rels = list(etree.fromstring(archive.read(rels_member)))
            ids = [rel.get("Id") for rel in rels]
            assert len(ids) == len(set(ids)), (rels_member, ids)
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(source, rel.get("Target")))
                assert target in names, (rels_member, rel.get("Target"))
                if target not in reached:
                    reached.add(target)
                    if _rels_name(target) in names:
                        queue.append(_rels_name(target))
            owner = rels_member.replace("_rels/", "").removesuffix(".rels")
            if owner in names and owner.endswith(".xml"):
                named = {value for node in etree.fromstring(archive.read(owner)).iter()
                         for key, value in node.attrib.items() if key.startswith(f"{{{R}}}")}
                assert named <= set(ids), (owner, named - set(ids))
    parts = {n for n in names if not n.endswith(".rels") and n != "[Content_Types].xml"}
    assert parts == reached, f"left over: {parts - reached}, missing: {reached - parts}"
    for part in parts:
        assert f"/{part}" in overrides or part.rpartition(".")[2].lower() in defaults, part


def _texts(path: Path, member: str) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read(member))
    return [t.text or "" for t in root.iter(f"{{{W}}}t")]


def _pictures(source: Path) -> int:
    """How many pictures the Word edition of `source` holds: each figure's image (an SVG
    with the PNG Word shows where it cannot show SVG) and the logo, each image file once."""
    report = load_report(source)
    images = {block.image: block.media_type for _, section in report.walk()
              for block in nested_blocks(section.blocks) if isinstance(block, Figure)}
    if report.metadata.logo:
        images[report.metadata.logo.image] = report.metadata.logo.media_type
    return sum(2 if kind == "image/svg+xml" else 1 for kind in images.values())


def test_the_body_is_the_sources_only(built: Path, plain: Path) -> None:
    assert _texts(built, "word/document.xml") == _texts(plain, "word/document.xml")
    with zipfile.ZipFile(built) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist()
                              if name.endswith(".xml"))
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
    assert TEMPLATE_TEXT.encode() not in everything
    assert b"Sentence 1 of paragraph" not in everything, "the footnotes case's text"
    assert len(media) == _pictures(GUIDE), "the guide's pictures, none of the template's"


def _notes(path: Path) -> tuple[list[int], dict[int, str], dict[int, str], list[int]]:
    """(reference ids in reading order, note texts by id, separator types by id,
    separator ids the settings name)."""
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    references = [int(r.get(f"{{{W}}}id")) for r in document.iter(f"{{{W}}}footnoteReference")]
    notes, separators = {}, {}
    for note in footnotes.iterfind(f"{{{W}}}footnote"):
        number, kind = int(note.get(f"{{{W}}}id")), note.get(f"{{{W}}}type")
        if kind is None:
            notes[number] = normalise("".join(t.text or "" for t in note.iter(f"{{{W}}}t")))
        else:
            separators[number] = kind
    named = [int(n.get(f"{{{W}}}id"))
             for n in settings.iterfind(f"{{{W}}}footnotePr/{{{W}}}footnote")]
    return references, notes, separators, named


def test_the_footnotes_are_the_sources_in_order(built: Path, plain: Path) -> None:
    references, notes, separators, named = _notes(built)
    expected_references, expected_notes, _, _ = _notes(plain)
    assert references == expected_references == sorted(references)
    assert notes == expected_notes
    assert set(named) == set(separators), "the settings name the part's own separators"
    assert sorted(separators.values()) == ["continuationSeparator", "separator"]
    assert not set(separators) & set(notes)
    with zipfile.ZipFile(built) as archive:
        settings = archive.read("word/settings.xml")
    assert b"endnotePr" not in settings or b"<w:endnote " not in settings


def test_openxml_audit_finds_nothing(built: Path) -> None:
    from openxml_audit import FileFormat, OpenXmlValidator, predict

    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019).validate(built)
    findings = [(e.severity.value, e.description, e.part_uri, e.path) for e in result.errors]
    assert (result.is_valid, result.error_count, result.warning_count) == (True, 0, 0), \
        findings[:10]
    assert predict(result).prediction.value == "opens-clean"


@pytest.mark.conformance
def test_libreoffice_opens_it(built: Path, plain: Path, tmp_path: Path) -> None:
    assert shutil.which("soffice"), "LibreOffice is needed (.ci/run installs it)"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(built)],
                   check=True, capture_output=True, timeout=180)
    text = normalise(subprocess.run(
        ["pdftotext", str(tmp_path / built.with_suffix(".pdf").name), "-"],
        capture_output=True, text=True, check=True).stdout)
    _, notes, _, _ = _notes(plain)
    for piece in ("The reportexport guide", "Writing a source", "Table 2", *notes.values()):
        assert normalise(piece) in text, piece


def test_every_embedded_font_is_one_the_document_names(built: Path) -> None:
    """A template's embedded fonts stay only where a style, list, header, footer, theme
    or the text names their family (LibreOffice embeds fonts nothing uses: 1.5 MB of
    DejaVu Serif in the round trip); the theme's are embedded once, as the edition's."""
    with zipfile.ZipFile(built) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
        named = b"".join(archive.read(name) for name in archive.namelist()
                         if name.startswith("word/") and name.endswith(".xml")
                         and "fontTable" not in name)
    embedded = [font.get(f"{{{W}}}name") for font in table.iterfind(f"{{{W}}}font")
                if any(child.tag.startswith(f"{{{W}}}embed") for child in font)]
    assert {"Caladea", "Carlito"} <= set(embedded)
    for family in embedded:
        assert f'"{family}"'.encode() in named, family
