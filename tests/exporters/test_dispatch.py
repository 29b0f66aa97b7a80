"""Every writer handles every block and inline kind of the model, or refuses the report.

A block or inline kind the model gains and a writer does not handle must not be
dropped from that edition without a word (the Word and EPUB writers once did): each
writer's dispatch is a `match` over the model's closed unions ending in
`assert_never`, which mypy proves complete and which raises when it is not. These
tests hand each writer a kind it cannot know and expect that refusal.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT
from reportexport.model import Inlines, Paragraph, Report, Text
from reportexport.source.reading import load_report
from reportexport.theme import Theme


@dataclass(frozen=True)
class Aside:
    """A block kind no writer knows."""

    items: tuple[Inlines, ...] = ()


@dataclass(frozen=True)
class Sidenote:
    """An inline kind no writer knows."""

    content: Inlines


def _write_pdf(report: Report, theme: Theme, destination: Path) -> None:
    from reportexport.exporters.pdf.writer import write_pdf

    write_pdf(report, theme, destination)


def _write_docx(report: Report, theme: Theme, destination: Path) -> None:
    from reportexport.exporters.docx.writer import write_docx

    write_docx(report, theme, destination, None)


def _write_epub(report: Report, theme: Theme, destination: Path) -> None:
    from reportexport.exporters.epub.writer import write_epub

    write_epub(report, theme, destination)


def _write_html(report: Report, theme: Theme, destination: Path) -> None:
    from reportexport.exporters.html import page

    destination.write_bytes(page(report, theme))


WRITERS: dict[str, Callable[[Report, Theme, Path], None]] = {
    "pdf": _write_pdf, "docx": _write_docx, "epub": _write_epub, "html": _write_html}


def _with_block(block: object) -> Report:
    """The minimal report with `block` added to its one section's blocks."""
    report = load_report(DATA / "valid" / "minimal.yaml")
    section = report.sections[0]
    section = dataclasses.replace(section, blocks=(*section.blocks, block))  # type: ignore[arg-type]
    return dataclasses.replace(report, sections=(section,))


def _pdf_block(block: Any) -> object:
    from reportexport.exporters.pdf.writer import _block_flowables

    return _block_flowables(block, None, None, None, None)  # type: ignore[arg-type]


def _docx_block(block: Any) -> object:
    from reportexport.exporters.docx.writer import _write_block

    _write_block(None, block, None, 0, 0)  # type: ignore[arg-type]
    return None


def _epub_block(block: Any) -> object:
    from reportexport.exporters.epub.xhtml import flavour
    from reportexport.exporters.htmlcore.markup import block_element

    return block_element(block, flavour({}))


#: Each writer's block dispatch, with what its handlers would need left out: an unknown
#: kind must be refused before any handler runs. (A whole build cannot carry one that far:
#: the model's own reading of a block, map_content, refuses it first.)
def _html_block(block: Any) -> object:
    from reportexport.exporters.html.writer import HTML
    from reportexport.exporters.htmlcore.markup import block_element

    return block_element(block, HTML)


BLOCK_DISPATCH: dict[str, Callable[[Any], object]] = {
    "pdf": _pdf_block, "docx": _docx_block, "epub": _epub_block, "html": _html_block}


@pytest.mark.parametrize("name", sorted(BLOCK_DISPATCH))
def test_a_writer_refuses_a_block_kind_it_does_not_handle(name: str) -> None:
    with pytest.raises(AssertionError, match="unreachable"):
        BLOCK_DISPATCH[name](Aside())


def test_the_model_refuses_a_block_kind_it_does_not_know(theme: Theme, tmp_path: Path) -> None:
    """A build of a report holding an unknown block kind stops at the model's reading."""
    with pytest.raises(AssertionError, match="unreachable"):
        _write_epub(_with_block(Aside()), theme, tmp_path / "aside.epub")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_writer_refuses_an_inline_kind_it_does_not_handle(
        name: str, theme: Theme, tmp_path: Path) -> None:
    paragraph = Paragraph((Text("Before "), Sidenote((Text("aside"),))))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="unreachable"):
        WRITERS[name](_with_block(paragraph), theme, tmp_path / f"sidenote.{name}")


#: The modules whose dispatch mypy proves complete (and the model and front end they read).
TYPE_CHECKED = ("model.py", "frontend.py", "loading.py", "exporters/pdf/writer.py",
                "exporters/pdf/flowables.py", "exporters/docx/writer.py",
                "exporters/htmlcore/markup.py", "exporters/epub/xhtml.py",
                "exporters/epub/writer.py", "exporters/html/writer.py")


def test_mypy_proves_every_writers_dispatch_complete() -> None:
    """A kind added to model.Block or model.Inline and not handled by a writer is a
    type error (assert_never's argument is then not Never), before any test builds."""
    checked = [str(ROOT / "src" / "reportexport" / module) for module in TYPE_CHECKED]
    done = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent",
                           *checked], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
