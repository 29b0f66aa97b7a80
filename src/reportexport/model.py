"""The typed document model every exporter reads. It knows nothing of output formats."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emphasis:
    content: Inlines


@dataclass(frozen=True)
class Strong:
    content: Inlines


@dataclass(frozen=True)
class Link:
    """A link out of the report: an http, https or mailto URL."""

    url: str
    content: Inlines


@dataclass(frozen=True)
class CrossReference:
    """A link to a section of the same report, by its id."""

    section_id: str
    content: Inlines


@dataclass(frozen=True)
class Note:
    """A footnote, written where its mark goes; numbered in reading order across the report."""

    number: int
    content: Inlines


Inline = Text | Emphasis | Strong | Link | CrossReference | Note
#: A run of text with its inline markup: what paragraphs, items and quotations hold.
Inlines = tuple[Inline, ...]


def plain(content: Inlines) -> str:
    """The words of `content` without their markup or notes, as the running text reads."""
    return "".join(node.text if isinstance(node, Text)
                   else "" if isinstance(node, Note) else plain(node.content)
                   for node in content)


def notes(content: Inlines) -> Iterator[Note]:
    """The notes whose marks stand in `content`, in reading order."""
    for node in content:
        if isinstance(node, Note):
            yield node
        elif not isinstance(node, Text):
            yield from notes(node.content)


def cross_references(content: Inlines) -> Iterator[CrossReference]:
    for node in content:
        if isinstance(node, CrossReference):
            yield node
        if not isinstance(node, Text):
            yield from cross_references(node.content)


@dataclass(frozen=True)
class Paragraph:
    content: Inlines

    @property
    def text(self) -> str:
        return plain(self.content)


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inlines, ...]


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inlines, ...]


@dataclass(frozen=True)
class Quote:
    text: Inlines
    attribution: Inlines | None = None


@dataclass(frozen=True)
class Table:
    """A table: a header row, body rows of as many cells, numbered in reading order."""

    number: int
    columns: tuple[Inlines, ...]  # never empty: a heading names its column
    rows: tuple[tuple[Inlines, ...], ...]  # a cell may be empty, (): it prints nothing
    align: tuple[str, ...]  # "left", "center" or "right", one per column
    caption: Inlines | None = None

    @property
    def label(self) -> str:
        """What every edition calls it: "Table 3"."""
        return f"Table {self.number}"


@dataclass(frozen=True)
class Figure:
    """An image with its description, numbered in reading order."""

    number: int
    image: Path  # an absolute path, checked to be a PNG or JPEG inside the source's folder
    media_type: str  # image/png or image/jpeg
    width_px: int  # as the editions show it (images.edition_image: after EXIF orientation)
    height_px: int
    alt: str
    caption: Inlines | None = None

    @property
    def label(self) -> str:
        """What every edition calls it: "Figure 3"."""
        return f"Figure {self.number}"


Block = Paragraph | BulletList | NumberedList | Quote | Table | Figure


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Metadata:
    title: str
    publisher: str
    authors: tuple[str, ...]
    date: dt.date
    language: str
    identifier: str
    slug: str
    subtitle: str | None = None
    short_title: str | None = None
    modified: dt.date | None = None
    subject: str | None = None
    keywords: tuple[str, ...] = ()
    description: str | None = None
    rights: str | None = None
    facts: tuple[Fact, ...] = ()

    @property
    def running_title(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True)
class Report:
    metadata: Metadata
    sections: tuple[Section, ...]
    lead: tuple[Paragraph, ...] = ()

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section with its level (1 for top-level), in reading order."""

        def visit(sections: tuple[Section, ...], level: int) -> Iterator[tuple[int, Section]]:
            for section in sections:
                yield level, section
                yield from visit(section.sections, level + 1)

        yield from visit(self.sections, 1)

    def outline(self) -> list[tuple[int, str]]:
        """The section tree as [(level, title), …]: what every edition must read back as."""
        return [(level, section.title) for level, section in self.walk()]

    def contents(self) -> Iterator[Inlines]:
        """Every run of marked-up text, the lead's and the sections', in reading order."""
        for paragraph in self.lead:
            yield paragraph.content
        for _, section in self.walk():
            for block in section.blocks:
                yield from block_content(block)

    def footnotes(self) -> Iterator[Note]:
        """Every note, in reading order: numbered 1, 2, 3 …"""
        for content in self.contents():
            yield from notes(content)

    @functools.cached_property
    def characters(self) -> frozenset[str]:
        """Every character the report's text uses (its pieces made one at a time, not
        all held: a long report's text is many megabytes). Kept: the load's check,
        the build's and each edition ask, and a worker receives it with the report."""
        used: set[str] = set()
        for _, text in self.texts():
            used.update(text)
        return frozenset(used)

    def texts(self) -> Iterator[tuple[Section | None, str]]:
        """Every piece of text with the section it belongs to (None for metadata and lead)."""
        meta = self.metadata
        for value in (meta.title, meta.subtitle, meta.short_title, meta.publisher,
                      meta.subject, meta.description, meta.rights, *meta.authors,
                      *meta.keywords):
            if value:
                yield None, value
        for fact in meta.facts:
            yield None, fact.label
            yield None, fact.value
        for paragraph in self.lead:
            yield None, paragraph.text
        for _, section in self.walk():
            yield section, section.title
            for block in section.blocks:
                for text in block_texts(block):
                    yield section, text


def block_content(block: Block) -> tuple[Inlines, ...]:
    """Every run of text a block holds, in reading order."""
    if isinstance(block, Paragraph):
        return (block.content,)
    if isinstance(block, Quote):
        return (block.text,) if block.attribution is None else (block.text, block.attribution)
    if isinstance(block, Table):
        caption = () if block.caption is None else (block.caption,)
        return (*caption, *block.columns, *(cell for row in block.rows for cell in row))
    if isinstance(block, Figure):
        alt: Inlines = (Text(block.alt),)
        return (alt,) if block.caption is None else (alt, block.caption)
    return block.items


def block_texts(block: Block) -> tuple[str, ...]:
    """Every piece of text a block shows, its notes' texts included."""
    return tuple(text for content in block_content(block)
                 for text in (plain(content), *(plain(note.content) for note in notes(content))))
