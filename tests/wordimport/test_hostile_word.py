"""Word files made to break the import: each a clear notice or refusal naming the file and
the place, never an internal error, and work bounded by what the document holds.

The documents are python-docx's blank one with the body (and notes) a case gives:
tests/data/wordimport/hostile, one case per file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA, run_cli
from reportexport.source.reading import load_report

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = f'xmlns:w="{W}" xmlns:r="{R}"'
CASES = sorted((DATA / "wordimport" / "hostile").glob("*.yaml"))
FOOTNOTES_REL = (f'<Relationship Id="rIdNotes" Type="{R}/footnotes" Target="footnotes.xml"/>')
FOOTNOTES_CT = ('<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')


def word_file(path: Path, body: str, footnotes: str | None = None,
              parts: dict[str, bytes] | None = None, rels: str = "") -> Path:
    """python-docx's blank document with `body` as its body's XML; `footnotes` (the
    w:footnote elements), other `parts` and relationships (`rels`) added."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    if footnotes is not None:
        rels += FOOTNOTES_REL
        parts = {**(parts or {}), "word/footnotes.xml": (
            f"<w:footnotes {NAMESPACES}>{footnotes}</w:footnotes>").encode()}
    with zipfile.ZipFile(io.BytesIO(blank.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        f"<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>"
                        ).encode()
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml" and footnotes is not None:
                data = data.replace(b"</Types>", FOOTNOTES_CT.encode() + b"</Types>")
            out.writestr(info, data)
        for name, data in (parts or {}).items():
            out.writestr(name, data)
    return path


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_a_hostile_word_file_is_a_notice_or_a_refusal(case_file: Path,
                                                      tmp_path: Path) -> None:
    case: dict[str, Any] = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    path = word_file(tmp_path / "hostile.docx", case["body"], case.get("footnotes"))
    result = run_cli("import", path, "-o", tmp_path / "new")
    assert "internal error" not in result.stderr, result.stderr
    if "refused" in case:
        assert result.code == 2, result.stderr
        assert f"{path}: {case['refused']}" in result.stderr, result.stderr
        assert not (tmp_path / "new").exists()
        return
    assert result.code == 0, result.stderr
    for notice in case.get("notices", []):
        assert f"{path}: {notice}" in result.stderr, result.stderr
    report = load_report(tmp_path / "new" / "report.yaml")
    texts = [" ".join(section.title for _, section in report.walk())]
    texts += [run for content in report.contents() for run in _plain(content)]
    for words in case.get("kept", []):
        assert any(words in text for text in texts), (words, texts)


def _plain(content: Any) -> list[str]:
    from reportexport.model import notes, plain

    return [plain(content), *(plain(note.content) for note in notes(content))]
