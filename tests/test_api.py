"""The front door for Python users: `import reportexport` and its documented names."""

from __future__ import annotations

import dataclasses
import zipfile
from contextlib import nullcontext
from pathlib import Path

import pytest

import reportexport
from conftest import DATA, SOURCE
from reportexport.model import CrossReference, Paragraph, Text


def test_the_public_names_are_exported_and_documented() -> None:
    for name in reportexport.__all__:
        assert hasattr(reportexport, name), name
    for name in ("load", "load_report", "load_theme", "build", "Builder", "formats",
                 "Exporter", "Option", "InputError", "ExportError", "Problem"):
        assert name in reportexport.__all__
        assert getattr(reportexport, name).__doc__, name


def test_load_and_build_from_python(tmp_path: Path) -> None:
    report, theme = reportexport.load(str(SOURCE))
    paths = reportexport.build(report, theme, ["epub", "docx"], tmp_path, parallel=False)
    assert [path.suffix for path in paths] == [".epub", ".docx"]
    assert reportexport.formats()[:3] == ["pdf", "docx", "epub"]


def test_a_template_reaches_the_docx_exporter_as_an_option(tmp_path: Path) -> None:
    report, theme = reportexport.load(SOURCE)
    with pytest.raises(reportexport.ExportError, match="no such template file"):
        reportexport.build(report, theme, ["docx"], tmp_path,
                           options={"docx": {"template": str(tmp_path / "missing.docx")}})


def test_bad_input_raises_located_problems() -> None:
    source = DATA / "invalid" / "duplicate-key.yaml"
    with pytest.raises(reportexport.InputError) as caught:
        reportexport.load(source)
    [problem] = caught.value.problems
    assert problem.file == source and problem.location is not None
    assert problem.location.line > 0 and "duplicate key" in problem.message


def test_a_builder_builds_again_without_starting_over(tmp_path: Path) -> None:
    report, theme = reportexport.load(SOURCE)
    with reportexport.Builder(["pdf", "epub"]) as builder:
        first = builder.build(report, theme, tmp_path / "one")
        second = builder.build(report, theme, tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub", "html"])
@pytest.mark.parametrize("words", [(), (Text("the table"),)], ids=["automatic", "with-words"])
def test_a_cross_reference_to_no_id_made_in_python_is_an_export_error(
        fmt: str, words: tuple[Text, ...], tmp_path: Path) -> None:
    """What the loader refuses with a location, the public API refuses by name (no
    bare KeyError from an edition's lookup)."""
    report, theme = reportexport.load(DATA / "valid" / "minimal.yaml")
    stray = Paragraph((Text("See "), CrossReference("nowhere", words), Text(".")))
    first = report.sections[0]
    report = dataclasses.replace(report, sections=(
        dataclasses.replace(first, blocks=(*first.blocks, stray)), *report.sections[1:]))
    with pytest.raises(reportexport.ExportError, match="'#nowhere'"):
        reportexport.build(report, theme, [fmt], tmp_path, parallel=False)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_a_theme_colour_made_in_python_is_parsed_alike_by_both_css_editions(
        fmt: str, tmp_path: Path) -> None:
    """The e-book's CSS once took the theme's colours raw: a value that ends a rule
    went into it; the web page parses them. Both now parse, and both refuse alike."""
    report, theme = reportexport.load(DATA / "valid" / "minimal.yaml")
    hostile = dataclasses.replace(theme, colours=dataclasses.replace(
        theme.colours, accent="#1f3a5f; } body { display: none"))
    with pytest.raises(reportexport.ExportError, match="theme colour accent"):
        reportexport.build(report, hostile, [fmt], tmp_path / "hostile", parallel=False)
    named = dataclasses.replace(theme, colours=dataclasses.replace(theme.colours, accent="navy"))
    [edition] = reportexport.build(report, named, [fmt], tmp_path / "named", parallel=False)
    with zipfile.ZipFile(edition) if fmt == "epub" else nullcontext() as book:
        css = ("".join(book.read(name).decode() for name in book.namelist()
                       if name.endswith(".css")) if book else edition.read_text())
    assert "#000080" in css and "navy" not in css


def test_a_change_to_the_reports_text_copies_only_what_it_changed() -> None:
    """map_report keeps each part the change left alone (a build of a big report
    copies nothing for a change that finds nothing to do), and the report itself
    when nothing changed at all."""
    from reportexport.model import Inlines, map_report

    report = reportexport.load_report(SOURCE)
    assert report.lead and report.sections
    assert map_report(report, lambda content: content) is report
    first = report.lead[0].content

    def lead_only(content: Inlines) -> Inlines:
        return (*content, Text("!")) if content is first else content

    changed = map_report(report, lead_only)
    assert changed is not report
    assert changed.lead[0].text == report.lead[0].text + "!"
    assert all(a is b for a, b in zip(changed.lead[1:], report.lead[1:], strict=True))
    assert all(a is b for a, b in zip(changed.sections, report.sections, strict=True))
