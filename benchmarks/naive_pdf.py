"""The naive baseline: reportlab's documented multiBuild recipe with contents and outline.

A TableOfContents flowable is filled by afterFlowable notifications, which
needs multiBuild to lay the whole document out again until page numbers
settle. This is what the PDF exporter's single pass is measured against.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from reportexport.model import Paragraph as ParagraphBlock
from reportexport.model import block_texts
from reportexport.source.reading import load_report


class _Doc(SimpleDocTemplate):
    def afterFlowable(self, flowable: object) -> None:
        level = getattr(flowable, "outline_level", None)
        if level is None:
            return
        key = flowable.outline_key  # type: ignore[attr-defined]
        text = flowable.getPlainText()  # type: ignore[attr-defined]
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level, closed=False)
        self.notify("TOCEntry", (level, text, self.page, key))


def build(source: Path, destination: Path) -> None:
    report = load_report(source)
    styles = getSampleStyleSheet()
    story: list[object] = [Paragraph(escape(report.metadata.title), styles["Title"]),
                           TableOfContents(), PageBreak()]
    for level, section in report.walk():
        heading = Paragraph(escape(section.title), styles[f"Heading{min(level, 6)}"])
        heading.outline_level, heading.outline_key = level - 1, section.id  # type: ignore[attr-defined]
        story.append(heading)
        for block in section.blocks:
            style = styles["BodyText"] if isinstance(block, ParagraphBlock) else styles["Bullet"]
            story.extend(Paragraph(escape(text), style) for text in block_texts(block))
    _Doc(str(destination), pagesize=A4).multiBuild(story)


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
