"""The typed document model every exporter reads. It knows nothing of output formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class NumberedList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str | None = None


Block = Paragraph | BulletList | NumberedList | Quote


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


def block_texts(block: Block) -> tuple[str, ...]:
    if isinstance(block, Paragraph):
        return (block.text,)
    if isinstance(block, Quote):
        return (block.text,) if block.attribution is None else (block.text, block.attribution)
    return block.items
