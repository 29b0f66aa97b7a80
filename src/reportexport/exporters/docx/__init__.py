"""The Word edition: a DOCX built on Word's own styles, for colleagues to edit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from reportexport.exporters import Exporter, Option
from reportexport.source.problems import ExportError, Problem

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.theme import Theme


class DocxExporter(Exporter):
    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    description: ClassVar[str] = "editable Word document with real styles and contents"
    options: ClassVar[tuple[Option, ...]] = (
        Option("template", "a .docx whose styles, page setup, header and footer the Word "
               "edition uses (pandoc's --reference-doc)", metavar="FILE.docx", path=True,
               aliases=("--reference-doc",)),
    )

    def __init__(self, template: str | Path | None = None) -> None:
        self.template = None if template is None else Path(template)

    def prepare(self) -> None:
        import reportexport.exporters.docx.writer  # noqa: F401

    def check_options(self) -> list[Problem]:
        """The template's problems, as a build meets them when it opens the template."""
        if self.template is None:
            return []
        from reportexport.exporters.docx.writer import open_template

        try:
            open_template(self.template)
        except ExportError as exc:  # its message begins with the template's name
            return [Problem(self.template, None, "",
                            str(exc).removeprefix(f"{self.template}: "))]
        return []

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        from reportexport.exporters.docx.writer import write_docx

        write_docx(report, theme, destination, self.template)

    def outline(self, path: Path) -> list[tuple[int, str]]:
        from reportexport.exporters.docx.readback import read_outline

        return read_outline(path)
