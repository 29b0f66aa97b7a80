"""The document front end: what every edition needs to know about a report beyond its
model, worked out once and in one place, so that the writers cannot disagree on it.

A writer is handed a :class:`Document` (`Document.of(report)`) and reads from it the
outline, where each section's heading is, the cover's and imprint's facts with the
publication date formatted once, the captions with their labels, and the notes each
part of the report holds. Like the model it is format-neutral: a writer turns an
`Anchor` into its own kind of target (a PDF destination, a Word bookmark, an EPUB
file and fragment).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from reportexport.model import (
    Block,
    Figure,
    Inlines,
    Note,
    Paragraph,
    Report,
    Section,
    Table,
    block_content,
    notes,
)
from reportexport.support.dates import human_date

#: The label of the fact every edition adds after the source's own: the publication date.
PUBLISHED = "Published"
#: The label of the publisher's fact, in an imprint that shows the publisher nowhere else.
PUBLISHER = "Publisher"


class Anchor(NamedTuple):
    """Where a section's heading stands: what a cross-reference to it and the outline lead to.

    A named tuple: a long report has thousands, made on every build (a frozen
    dataclass takes several times as long to make)."""

    section: Section
    level: int  # 1 for a top-level section
    number: int  # 1, 2, 3 … in reading order over all sections
    chapter: Section  # the top-level section it is in (itself, at level 1)


@dataclass(frozen=True)
class Caption:
    """A table's or a figure's caption: its label ("Table 2") and its own words, if any."""

    label: str
    content: Inlines | None


@dataclass(frozen=True)
class Document:
    """A report with everything its editions share worked out (see the module's doc)."""

    report: Report
    #: Every section's heading, in reading order: the outline.
    outline: tuple[Anchor, ...]
    #: The publication date as the report's language writes it.
    published: str
    #: The cover's facts, (label, value): the source's, then the publication date.
    cover_facts: tuple[tuple[str, str], ...]
    #: Each section's anchor by its id: where cross-references to it lead.
    anchors: Mapping[str, Anchor]

    @classmethod
    def of(cls, report: Report) -> Document:
        meta = report.metadata
        published = human_date(meta.date, meta.language)
        outline = tuple(_anchors(report))
        return cls(report=report, outline=outline, published=published,
                   cover_facts=(*((fact.label, fact.value) for fact in meta.facts),
                                (PUBLISHED, published)),
                   anchors={anchor.section.id: anchor for anchor in outline})

    @property
    def imprint_facts(self) -> tuple[tuple[str, str], ...]:
        """The cover's facts and the publisher: for a title page with no publisher's line."""
        return (*self.cover_facts, (PUBLISHER, self.report.metadata.publisher))

    @staticmethod
    def caption(block: Table | Figure) -> Caption:
        return Caption(block.label, block.caption)

    def lead_notes(self) -> list[Note]:
        """The notes whose marks stand in the lead, in reading order."""
        return [note for paragraph in self.report.lead for note in notes(paragraph.content)]

    def chapter_notes(self, chapter: Section) -> list[Note]:
        """The notes whose marks stand in a top-level section and its subsections, in
        reading order (blocks before subsections, each block in `map_content`'s order)."""
        return [note for section in _subtree(chapter) for block in section.blocks
                for note in _block_notes(block)]

    def notes(self) -> list[Note]:
        """Every note of the report, in reading order: numbered 1, 2, 3 …"""
        return list(self.report.footnotes())


def _block_notes(block: Block) -> Iterator[Note]:
    """The notes whose marks stand in `block`, in reading order."""
    # A paragraph, the common case, is its one run: block_content would rebuild it to
    # say so, which for a long report is most of the time the notes take.
    runs = (block.content,) if isinstance(block, Paragraph) else block_content(block)
    for content in runs:
        yield from notes(content)


def _subtree(section: Section) -> Iterator[Section]:
    yield section
    for child in section.sections:
        yield from _subtree(child)


def _anchors(report: Report) -> Iterator[Anchor]:
    chapter: Section | None = None
    for index, (level, section) in enumerate(report.walk(), 1):
        if level == 1:
            chapter = section
        assert chapter is not None  # walk begins at a top-level section
        yield Anchor(section, level, index, chapter)
