"""The web edition: one self-contained HTML5 page (images and font subsets inside it),
built on the HTML core it shares with the EPUB (exporters.htmlcore)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from reportexport.exporters import Exporter

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.theme import Theme


def page(report: Report, theme: Theme, *, whole_scripts: bool = False) -> bytes:
    """The whole page, deterministic, nothing written: what `export` writes and, with
    font subsets that hold `whole_scripts` (see writer.page_bytes), what a preview serves."""
    from reportexport.exporters.html.writer import page_bytes

    return page_bytes(report, theme, whole_scripts=whole_scripts)


class HtmlExporter(Exporter):
    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    media_type: ClassVar[str] = "text/html"
    description: ClassVar[str] = "one self-contained HTML5 page, images and fonts inside"
    cost: ClassVar[float] = 0.5

    def prepare(self) -> None:
        import reportexport.exporters.html.writer  # noqa: F401

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        destination.write_bytes(page(report, theme))

    def outline(self, path: Path) -> list[tuple[int, str]]:
        from reportexport.exporters.html.readback import read_outline

        return read_outline(path)
