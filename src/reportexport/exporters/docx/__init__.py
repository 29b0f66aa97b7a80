"""The Word edition: a DOCX built on Word's own styles, for colleagues to edit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # a worker process imports neither before it needs them
    from reportexport.model import Report
    from reportexport.theme import Theme


class DocxExporter:
    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    description: ClassVar[str] = "editable Word document with real styles and contents"

    def __init__(self, template: Path | None = None) -> None:
        self.template = template

    def prepare(self) -> None:
        """Import the output library ahead of export (the build overlaps it with loading)."""
        import reportexport.exporters.docx.writer  # noqa: F401

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        from reportexport.exporters.docx.writer import write_docx

        write_docx(report, theme, destination, self.template)

    def outline(self, path: Path) -> list[tuple[int, str]]:
        from reportexport.exporters.docx.reader import read_outline

        return read_outline(path)
