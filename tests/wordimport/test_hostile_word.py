"""Word files made to break the import: each a clear notice or refusal naming the file and
the place, never an internal error, and work bounded by what the document holds.

The documents are python-docx's blank one with the body (and notes) a case gives:
tests/data/wordimport/hostile, one case per file.
"""

from __future__ import annotations

import io
import os
import stat
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
    body = case["body"].replace("{fields}", case.get("fields", "") * case.get("repeat", 1))
    path = word_file(tmp_path / "hostile.docx", body, case.get("footnotes"))
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
    for words in case.get("exact", []):  # a whole text: a caption, a paragraph
        assert words in texts, (words, texts)


def _plain(content: Any) -> list[str]:
    from reportexport.model import notes, plain

    return [plain(content), *(plain(note.content) for note in notes(content))]


def _table(span: str) -> str:
    """A table of a two-column grid whose header cell spans `span` columns."""
    cell = "<w:tc>{}<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    spanning = cell.format(f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>', "Head")
    return ('<w:tbl><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>'
            f'<w:tr>{spanning}</w:tr><w:tr>{cell.format("", "a")}{cell.format("", "b")}'
            "</w:tr></w:tbl>")


HEADING = '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Intro</w:t></w:r></w:p>'


@pytest.mark.parametrize("span", ["9999", "300000000"])
def test_a_cell_spans_no_more_columns_than_its_table_has(span: str, tmp_path: Path) -> None:
    """A span of 300000000 made as many empty cells (minutes, gigabytes): the table is
    as wide as its grid, said."""
    path = word_file(tmp_path / "span.docx", HEADING + _table(span))
    result = run_cli("import", path, "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    [table] = load_report(tmp_path / "new" / "report.yaml").sections[0].blocks
    assert len(table.columns) == 2 and [len(row) for row in table.rows] == [2]
    said = ("the table's grid has 2 columns: it spans 2" if span == "9999"
            else f"a cell spanning '{span}' columns, no count Word writes")
    assert said in result.stderr, result.stderr
    assert (tmp_path / "new" / "report.yaml").stat().st_size < 4000  # 9999 columns: 60 kB


DRAWING = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:docPr id="1" name="Pic" descr="Bars"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="0" name="bars"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdBars"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>")


def _pictures(path: Path, count: int, picture: bytes) -> Path:
    """A document showing `picture` `count` times (one part, one relationship)."""
    return word_file(path, HEADING + DRAWING * count, parts={"word/media/bars.png": picture},
                     rels=f'<Relationship Id="rIdBars" Type="{R}/image" '
                          'Target="media/bars.png"/>')


def test_a_picture_shown_many_times_is_one_file(tmp_path: Path) -> None:
    """200 drawings of one picture wrote 200 copies of it (1.6 GB for an 8 MiB one)."""
    picture = (DATA / "valid" / "images" / "bars.png").read_bytes()
    path = _pictures(tmp_path / "pictures.docx", 200, picture)
    result = run_cli("import", path, "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    assert [p.name for p in (tmp_path / "new" / "images").iterdir()] == ["bars.png"]
    report = load_report(tmp_path / "new" / "report.yaml")
    assert len(report.sections[0].blocks) == 200
    assert {block.image.name for block in report.sections[0].blocks} == {"bars.png"}


def test_the_new_files_follow_the_umask(tmp_path: Path) -> None:
    """The source and its images were written 0600 whatever the umask (mkstemp's)."""
    picture = (DATA / "valid" / "images" / "bars.png").read_bytes()
    path = _pictures(tmp_path / "picture.docx", 1, picture)
    mask = os.umask(0o022)
    try:
        result = run_cli("import", path, "-o", tmp_path / "new")
    finally:
        os.umask(mask)
    assert result.code == 0, result.stderr
    for written in (tmp_path / "new" / "report.yaml", tmp_path / "new" / "images" / "bars.png"):
        assert stat.S_IMODE(written.stat().st_mode) == 0o644, written


def test_a_picture_that_is_no_image_is_left_out(tmp_path: Path) -> None:
    """A picture whose bytes open as a PNG's and then are none: the source made named an
    image that cannot be read, and did not load (it was written all the same, exit 0)."""
    path = _pictures(tmp_path / "broken.docx", 2, b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = run_cli("import", path, "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    assert f"{path}: the picture 'images/bars.png' cannot be read as an image; use PNG, " \
        "JPEG or SVG; left out (in section 'Intro')" in result.stderr, result.stderr
    report = load_report(tmp_path / "new" / "report.yaml")
    assert not report.sections[0].blocks[1:]  # its title as its text: no figure
    assert not (tmp_path / "new" / "images").exists()


#: A list of figures, as Word writes its field: a TOC of the "Figure" captions.
LIST_OF_FIGURES = (
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
    ' TOC \\h \\z \\c "Figure" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
    '</w:r><w:r><w:t>Figure 1 Bars</w:t></w:r></w:p>'
    '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


@pytest.mark.parametrize(("picture", "said"), [
    ("linked", "a linked picture (not embedded): left out"),
    ("junk.png", "a damaged picture (its .png file does not open as one): left out"),
    ("cut.png", "the picture 'images/cut.png' cannot be read as an image; use PNG, JPEG or "
                "SVG; left out (in section 'Intro')"),
    ("drawing.gif", "a picture in a format the source cannot hold (.gif; PNG or JPEG only): "
                    "left out"),
])
def test_a_list_of_figures_whose_only_picture_is_left_out_is_left_out(
        tmp_path: Path, picture: str, said: str) -> None:
    """The source refuses a list of figures where it has none: the import made one,
    and refused its own source, naming a file it never wrote, the picture's notice unsaid."""
    data = {"junk.png": b"garbage", "cut.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
            "drawing.gif": b"GIF89a" + bytes(32)}.get(picture, b"")
    target = ('Target="file:///etc/passwd" TargetMode="External"' if picture == "linked"
              else f'Target="media/{picture}"')
    path = word_file(tmp_path / "figures.docx", LIST_OF_FIGURES + HEADING
                     + DRAWING.replace('name="bars"', f'name="{picture}"'),
                     parts={f"word/media/{picture}": data} if data else None,
                     rels=f'<Relationship Id="rIdBars" Type="{R}/image" {target}/>')
    result = run_cli("import", path, "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    assert f"{path}: " in result.stderr and said in result.stderr, result.stderr
    assert f"{path}: the document's list of figures: the source keeps no figure to list; " \
        "left out" in result.stderr, result.stderr
    report = load_report(tmp_path / "new" / "report.yaml")
    assert "figures" not in report.metadata.lists


def test_a_source_that_would_not_load_is_not_written(tmp_path: Path) -> None:
    """The new source is loaded back, with its images, before anything is written."""
    from reportexport.source.problems import InputError
    from reportexport.wordimport import _check_new_source

    with pytest.raises(InputError) as refused:
        _check_new_source(tmp_path / "report.yaml", "metadata: {}\n", {})
    assert all(p.file == tmp_path / "report.yaml" and "the source made from the document "
               "does not load, so it is not written" in p.message
               for p in refused.value.problems)
    assert not list(tmp_path.iterdir())


def test_headings_titled_alike_are_numbered_on(tmp_path: Path) -> None:
    """Ids go on from the last number given to their base (one pass, where each id
    tried every number before it); an id a title gives ("Same 3") is never given twice."""
    titles = ["Same", "Same 3", "Same", "Same", "Same"]
    body = "".join(HEADING.replace("Intro", title) + "<w:p><w:r><w:t>Text.</w:t></w:r></w:p>"
                   for title in titles)
    result = run_cli("import", word_file(tmp_path / "same.docx", body), "-o", tmp_path / "new")
    assert result.code == 0, result.stderr
    report = load_report(tmp_path / "new" / "report.yaml")
    assert [s.id for s in report.sections] == ["same", "same-3", "same-2", "same-4", "same-5"]
