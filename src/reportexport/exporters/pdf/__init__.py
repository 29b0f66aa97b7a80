"""The PDF edition: a print-ready report laid out with reportlab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from reportexport.exporters import Exporter

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.theme import Theme


class PdfExporter(Exporter):
    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    media_type: ClassVar[str] = "application/pdf"
    description: ClassVar[str] = "print-ready PDF with cover, contents, bookmarks (reportlab)"
    cost: ClassVar[float] = 3.0  # laying out pages: the longest edition at every scale

    def prepare(self) -> None:
        import reportexport.exporters.pdf.writer  # noqa: F401

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        from reportexport.exporters.pdf.writer import write_pdf

        write_pdf(report, theme, destination, self.say)

    def outline(self, path: Path) -> list[tuple[int, str]]:
        from reportexport.exporters.pdf.readback import read_outline

        return read_outline(path)
