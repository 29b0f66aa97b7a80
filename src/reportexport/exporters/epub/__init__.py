"""The e-book edition: EPUB 3 (with an EPUB 2 NCX) packaged with ebooklib."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from reportexport.exporters import Exporter

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.theme import Theme


class EpubExporter(Exporter):
    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book with navigation, cover and accessibility metadata"

    def prepare(self) -> None:
        import reportexport.exporters.epub.writer  # noqa: F401

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        from reportexport.exporters.epub.writer import write_epub

        write_epub(report, theme, destination)

    def outline(self, path: Path) -> list[tuple[int, str]]:
        from reportexport.exporters.epub.readback import read_outline

        return read_outline(path)
