"""The Word import reads the words the editions add in the document's language (#26).

The round trips of the corpus cases (labels-in-french, labels-given-by-the-source,
reference-opens-a-sentence, wordimport/imprint-in-spanish) are in test_word_import.py;
here: the custom properties that carry a source's own words, a document without them,
a foreign French document's captions, and what is no automatic reference.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import reportexport
from conftest import DATA, run_cli
from reportexport.building import build
from reportexport.model import CrossReference, Paragraph, Table, plain
from reportexport.source.reading import load_report
from reportexport.wordimport import read_word

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
OWN_WORDS = DATA / "valid" / "labels-given-by-the-source.yaml"
SENTENCES = DATA / "valid" / "reference-opens-a-sentence.yaml"


def _edition(source: Path, folder: Path) -> Path:
    report, theme = reportexport.load(source)
    [path] = build(report, theme, ["docx"], folder, parallel=False)
    return path


def _custom_properties(docx: Path) -> dict[str, str]:
    """The document's custom properties, by name, read from docProps/custom.xml."""
    with zipfile.ZipFile(docx) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return {}
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    return {prop.get("name"): "".join(prop.itertext())
            for prop in root.iter(f"{{{CUSTOM}}}property")}


def _rewritten(docx: Path, out: Path, edit: Any) -> Path:
    """`docx` with `edit(name, xml bytes)` applied to each member (it returns the new
    bytes, or None to leave the member out)."""
    with zipfile.ZipFile(docx) as archive, zipfile.ZipFile(out, "w") as copy:
        for info in archive.infolist():
            data = edit(info.filename, archive.read(info))
            if data is not None:
                copy.writestr(info.filename, data)
    return out


def _with_properties(docx: Path, out: Path, properties: dict[str, str]) -> Path:
    """`docx` with its custom properties replaced by `properties`."""
    entries = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), 2))
    custom = (f'<Properties xmlns="{CUSTOM}" xmlns:vt="http://schemas.openxmlformats.org/'
              f'officeDocument/2006/docPropsVTypes">{entries}</Properties>').encode()
    return _rewritten(docx, out, lambda name, data: custom if name == "docProps/custom.xml"
                      else data)


def test_the_sources_own_words_are_recorded_and_read_back(tmp_path: Path) -> None:
    edition = _edition(OWN_WORDS, tmp_path / "edition")
    # One property per word the source gives, named after its key (labels.py's).
    assert _custom_properties(edition) == {"reportexport.label.table": "Cuadro",
                                           "reportexport.label.list_of_tables":
                                           "Índice de cuadros"}
    result = run_cli("import", edition, "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    imported = load_report(tmp_path / "new" / "report.yaml")
    assert imported.metadata.labels == load_report(OWN_WORDS).metadata.labels
    [table] = [b for _, s in imported.walk() for b in s.blocks if isinstance(b, Table)]
    assert table.caption is not None and plain(table.caption) == "Datos por región"


def test_a_source_without_words_of_its_own_records_none(tmp_path: Path) -> None:
    edition = _edition(DATA / "valid" / "labels-in-french.yaml", tmp_path)
    assert _custom_properties(edition) == {"Rights": "© 2024 Réseau Exemple."}


def test_update_reads_with_the_sources_own_words(tmp_path: Path) -> None:
    """A Word document that lost its properties (saved by another program, say) is read
    back into its source with the source's words: "Cuadro 1" is still a caption's label."""
    edition = _edition(OWN_WORDS, tmp_path / "edition")
    bare = _with_properties(edition, tmp_path / "bare.docx", {})
    fresh = run_cli("import", bare, "-o", tmp_path / "new")
    assert fresh.code == 0, fresh.stderr
    assert "labels:" not in (tmp_path / "new" / "report.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "src" / OWN_WORDS.name
    copy.parent.mkdir()
    copy.write_bytes(OWN_WORDS.read_bytes())
    result = run_cli("import", bare, "--update", copy)
    assert result.code == 0, result.stderr
    assert copy.read_bytes() == OWN_WORDS.read_bytes()


def test_a_property_no_source_could_give_is_reported(tmp_path: Path) -> None:
    edition = _edition(OWN_WORDS, tmp_path / "edition")
    odd = _with_properties(edition, tmp_path / "odd.docx", {
        "reportexport.label.table": "Cuadro", "reportexport.label.colour": "Color",
        "reportexport.label.page_of": "Página {page}", "Client": "Ministerio"})
    imported = read_word(odd)
    assert imported.draft.labels == [("table", "Cuadro")]
    reported = [n for n in imported.notices if "custom property" in n]
    assert len(reported) == 2 and "'reportexport.label.colour'" in reported[0] \
        and "'reportexport.label.page_of'" in reported[1], reported


def _french_document(path: Path) -> Path:
    """A French Word document made by hand: its captions say "Tableau 2 :"."""
    import docx

    document = docx.Document()
    document.core_properties.language = "fr-FR"
    document.core_properties.title = "Rapport"
    document.add_paragraph("Budget", style="Heading 1")
    document.add_paragraph("Tableau 2 : Budget par district", style="Caption")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("District", "Montant"), ("Alpha", "3")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("Le tableau dit tout.")
    document.save(str(path))
    return path


def test_a_french_documents_caption_labels_its_table(tmp_path: Path) -> None:
    imported = read_word(_french_document(tmp_path / "rapport.docx"))
    [section] = imported.draft.sections
    table, paragraph = section.blocks
    assert isinstance(table, Table) and table.caption is not None
    assert plain(table.caption) == "Budget par district"
    assert isinstance(paragraph, Paragraph)


@pytest.mark.parametrize(("shown", "automatic"), [("Section 2.1", True),
                                                  ("section 2.1", True),
                                                  ("SECTION 2.1", False),
                                                  ("Section 2.2", False)])
def test_only_the_first_letter_of_a_reference_may_be_capitalised(
        shown: str, automatic: bool, tmp_path: Path) -> None:
    """The reference opening the first paragraph prints "Section 2.1": with its first
    letter either way it is automatic; other words are a reference with words."""
    edition = _edition(SENTENCES, tmp_path / "edition")

    def edit(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        text = data.decode()
        assert text.count(">Section 2.1<") >= 1
        return text.replace(">Section 2.1<", f">{shown}<", 1).encode()

    imported = read_word(_rewritten(edition, tmp_path / "edited.docx", edit))
    first = imported.draft.sections[0].blocks[0]
    assert isinstance(first, Paragraph)
    reference = first.content[0]
    assert isinstance(reference, CrossReference)
    assert (reference.content == ()) is automatic
    if not automatic:
        assert plain(reference.content) == shown


def test_a_reference_with_its_labels_words_is_no_edit(tmp_path: Path) -> None:
    """A source that words a reference as the editions would ("Section 2.1" opening a
    sentence, written out) is unchanged by its unedited Word edition, which reads the
    reference back as an automatic one."""
    source = tmp_path / "src" / "report.yaml"
    source.parent.mkdir()
    text = SENTENCES.read_text(encoding="utf-8")
    assert '"[](#method) gives' in text
    source.write_text(text.replace('"[](#method) gives', '"[Section 2.1](#method) gives'),
                      encoding="utf-8")
    before = source.read_bytes()
    edition = _edition(source, tmp_path / "edition")
    result = run_cli("import", edition, "--update", source, "--diff")
    assert result.code == 0, result.stderr
    assert source.read_bytes() == before, result.stdout
