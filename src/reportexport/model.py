"""The typed document model every exporter reads. It knows nothing of output formats."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never

from reportexport.labels import added_words, labels_for
from reportexport.support.dates import accented_months, human_date


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
    """A link to a section, table or figure of the same report, by its id. With no
    content (`[](#id)`, an automatic reference) every edition prints the target's
    label, which the document front end works out ("Table 2", "section 3.1")."""

    target_id: str
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
    if len(content) == 1 and isinstance(content[0], Text):  # most runs: one plain text
        return content[0].text
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


#: How deep lists nest: a list, a list in one of its items, and one more.
LIST_LEVELS = 3


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inlines, ...]
    #: The list nested in each item, if any, one per item; () when none has one.
    sublists: tuple[SubList | None, ...] = ()

    def sublist(self, index: int) -> SubList | None:
        """The list nested in item `index`, if it has one."""
        return self.sublists[index] if self.sublists else None


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inlines, ...]
    #: The list nested in each item, if any, one per item; () when none has one.
    sublists: tuple[SubList | None, ...] = ()

    def sublist(self, index: int) -> SubList | None:
        """The list nested in item `index`, if it has one."""
        return self.sublists[index] if self.sublists else None


#: A list, as it may stand in a list's item (at most LIST_LEVELS deep).
SubList = BulletList | NumberedList


@dataclass(frozen=True)
class Definition:
    """A term and what it means: an entry of a glossary or a list of acronyms."""

    term: Inlines
    definition: Inlines


@dataclass(frozen=True)
class DefinitionList:
    items: tuple[Definition, ...]


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
    id: str | None = None  # what a cross-reference to it names
    note: Inlines | None = None  # a line under the table: "Source: field reports."
    word: str = "Table"  # its label's word, in the report's language (labels.py)

    @property
    def label(self) -> str:
        """What every edition calls it: "Table 3" ("Tableau 3")."""
        return f"{self.word} {self.number}"


@dataclass(frozen=True)
class Figure:
    """An image with its description, numbered in reading order."""

    number: int
    image: Path  # an absolute path: a checked PNG, JPEG or inert SVG in the source's folder
    media_type: str  # image/png, image/jpeg or image/svg+xml
    width_px: int  # as the editions show it (images.edition_image: after EXIF orientation)
    height_px: int
    alt: str
    caption: Inlines | None = None
    id: str | None = None  # what a cross-reference to it names
    word: str = "Figure"  # its label's word, in the report's language (labels.py)

    @property
    def label(self) -> str:
        """What every edition calls it: "Figure 3"."""
        return f"{self.word} {self.number}"


@dataclass(frozen=True)
class Callout:
    """A box set apart from the running text (key messages, a case study), numbered in
    reading order: its optional title, then any blocks but callouts."""

    number: int
    blocks: tuple[Block, ...]
    title: Inlines | None = None


Block = (Paragraph | BulletList | NumberedList | DefinitionList | Quote | Table | Figure
         | Callout)


def nested_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """`blocks` and, after each callout, the blocks inside it: in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, Callout):
            yield from nested_blocks(block.blocks)


#: What begins every name an edition makes up for itself: a note's anchor and its
#: mark's, a table's, a figure's, the e-book's cover and title page files. The
#: schema's section id pattern lets no id begin with it (tests/exporters/test_generated_names.py
#: checks), so no section id can take, or be taken by, a generated name.
GENERATED_PREFIX = "_"

#: The parts of a report that hold sections, in reading order: `Report`'s fields and the
#: source's keys alike.
SECTION_PARTS = ("front", "sections", "appendices")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    new_page: bool = False  # starts a page in print
    landscape: bool = False  # a top-level section's pages turned in print


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Logo:
    """The publisher's logo: an image checked like a figure's (source/images.py)."""

    image: Path  # absolute, inside the source's folder
    media_type: str  # image/png or image/jpeg
    width_px: int  # as the editions show it
    height_px: int


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
    isbn: str | None = None  # as written, its check digit checked by the loader
    disclaimer: str | None = None
    numbered_sections: bool = False  # 1, 1.1, 1.1.1 in headings, contents and references
    logo: Logo | None = None  # on the cover of every edition
    lists: tuple[str, ...] = ()  # "tables", "figures": lists after the contents
    labels: tuple[tuple[str, str], ...] = ()  # the source's own words (labels.py's keys)

    @property
    def words(self) -> dict[str, str]:
        """The words the editions add, in the report's language (labels.labels_for)."""
        return labels_for(self.language, self.labels)

    @property
    def running_title(self) -> str:
        return self.short_title or self.title

    @property
    def isbn_urn(self) -> str | None:
        """The ISBN as a URN, "urn:isbn:9783161484100" (RFC 8254: its digits, no
        hyphens): the identifier the editions' metadata give it as."""
        if self.isbn is None:
            return None
        return "urn:isbn:" + "".join(c for c in self.isbn if c.isalnum()).upper()


@dataclass(frozen=True)
class Report:
    """A report: its metadata, the lead, and its sections in three parts, in reading
    order: the front matter (unnumbered, before the contents), the body (`sections`)
    and the appendices (the annexes, lettered A, B, C …)."""

    metadata: Metadata
    sections: tuple[Section, ...]
    lead: tuple[Paragraph, ...] = ()
    front: tuple[Section, ...] = ()
    appendices: tuple[Section, ...] = ()

    @property
    def parts(self) -> tuple[tuple[Section, ...], ...]:
        """The front matter, the body and the appendices, in reading order."""
        return self.front, self.sections, self.appendices

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section with its level (1 for top-level), in reading order: the front
        matter's, the body's, then the appendices'."""
        for part in self.parts:
            yield from walk_sections(part)

    def outline(self) -> list[tuple[int, str]]:
        """The section tree as [(level, title), …], the source's titles as written. The
        editions' outlines read back as frontend.Document.headings(), which numbers them
        ("2.1 …") and names annexes ("Annex A …") when the report does."""
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
        known_ascii = b""  # the ASCII characters among them, which most text is made of
        for _, text in self.texts():
            # Those known are dropped from the text's UTF-8 bytes (ASCII bytes stand for
            # themselves there, and in no other character's bytes): only the rest is looked at.
            rest = text.encode("utf-8", "surrogatepass").translate(None, known_ascii)
            if rest:
                count = len(used)
                used.update(rest.decode("utf-8", "surrogatepass"))
                if len(used) != count:
                    known_ascii = bytes(sorted(ord(char) for char in used if char.isascii()))
        return frozenset(used)

    def texts(self) -> Iterator[tuple[Section | None, str]]:
        """Every piece of text with the section it belongs to (None for metadata and lead)."""
        meta = self.metadata
        for value in (meta.title, meta.subtitle, meta.short_title, meta.publisher,
                      meta.subject, meta.description, meta.rights, meta.isbn,
                      meta.disclaimer, *meta.authors, *meta.keywords):
            if value:
                yield None, value
        for fact in meta.facts:
            yield None, fact.label
            yield None, fact.value
        for word in added_words(meta.language, meta.labels):
            yield None, word
        if accented_months(meta.language):  # the publication date, as the cover gives it
            yield None, human_date(meta.date, meta.language)
        for paragraph in self.lead:
            yield None, paragraph.text
        for _, section in self.walk():
            yield section, section.title
            for block in section.blocks:
                for text in block_texts(block):
                    yield section, text


def report_blocks(report: Report) -> Iterator[Block]:
    """Every block of the report's sections, those inside callouts too, in reading order."""
    for _, section in report.walk():
        yield from nested_blocks(section.blocks)


#: Characters in a word no narrow column holds whole: a URL, an identifier (a word of
#: the language breaks at its hyphenation points, as a cell's words may).
LONG_WORD = 20


def has_long_word(content: Inlines) -> bool:
    """Whether `content` holds a word of LONG_WORD characters or more."""
    return any(len(word) >= LONG_WORD for word in plain(content).split())


def _long_words_in_cells(table: Table) -> bool:
    return any(has_long_word(cell) for row in (table.columns, *table.rows) for cell in row)


def block_features(report: Report) -> frozenset[str]:
    """The optional kinds of block the report uses ("table-note"): what an edition
    styles only when used, so that a report without them is written as before."""
    found: set[str] = set()
    for block in report_blocks(report):
        if isinstance(block, Table) and _long_words_in_cells(block):
            found.add("long-cell-words")
        if isinstance(block, Table) and block.note is not None:
            found.add("table-note")
        elif isinstance(block, BulletList | NumberedList) and block.sublists:
            found.add("nested-list")
        elif isinstance(block, DefinitionList):
            found.add("definitions")
        elif isinstance(block, Callout):
            found.add("callout")
    return frozenset(found)


def walk_sections(sections: tuple[Section, ...], level: int = 1
                  ) -> Iterator[tuple[int, Section]]:
    """`sections` and their subsections with their levels, in reading order."""
    for section in sections:
        yield level, section
        if section.sections:  # most have none: no generator made for them
            yield from walk_sections(section.sections, level + 1)


def map_content(block: Block, change: Callable[[Inlines], Inlines]) -> Block:
    """`block` with `change` applied to each run of text it holds, one at a time in
    reading order: a table's caption, its header, its cells row by row, then its note; a
    quotation's text, then its attribution. The one statement of a block's reading
    order: `block_content` lists the runs through it, `number_notes` numbers by it.
    Every kind is named (assert_never): one it does not know is refused, not taken for a list."""
    match block:
        case Paragraph():  # most blocks: kept when its run is (a loaded report's notes)
            content = change(block.content)
            return block if content is block.content else Paragraph(content)
        case Quote():
            text = change(block.text)
            return Quote(text, None if block.attribution is None else change(block.attribution))
        case BulletList() | NumberedList():
            return _map_list(block, change)
        case Callout():
            title = None if block.title is None else change(block.title)
            return Callout(block.number, tuple(map_content(inner, change)
                                               for inner in block.blocks), title)
        case DefinitionList():
            return DefinitionList(tuple(Definition(change(item.term), change(item.definition))
                                        for item in block.items))
        case Table():
            caption = None if block.caption is None else change(block.caption)
            columns = tuple(change(cell) for cell in block.columns)
            rows = tuple(tuple(change(cell) for cell in row) for row in block.rows)
            note = None if block.note is None else change(block.note)
            return dataclasses.replace(block, caption=caption, columns=columns, rows=rows,
                                       note=note)
        case Figure():
            return (block if block.caption is None
                    else dataclasses.replace(block, caption=change(block.caption)))
        case _:
            assert_never(block)


def _map_list(block: SubList, change: Callable[[Inlines], Inlines]) -> SubList:
    """A list with `change` applied to each item, then to the items of its sublist."""
    items: list[Inlines] = []
    sublists: list[SubList | None] = []
    for index, item in enumerate(block.items):
        items.append(change(item))
        sublist = block.sublist(index)
        sublists.append(None if sublist is None else _map_list(sublist, change))
    return type(block)(tuple(items), tuple(sublists) if block.sublists else ())


def block_content(block: Block) -> tuple[Inlines, ...]:
    """Every run of text a block holds, in reading order (a figure's alt text first)."""
    if isinstance(block, Callout):  # its title, then its blocks' runs (figures' alt texts)
        return (*(() if block.title is None else (block.title,)),
                *(run for inner in block.blocks for run in block_content(inner)))
    if isinstance(block, Paragraph):  # most blocks: one run
        return (block.content,)
    runs: list[Inlines] = [(Text(block.alt),)] if isinstance(block, Figure) else []

    def gather(content: Inlines) -> Inlines:
        runs.append(content)
        return content

    map_content(block, gather)
    return tuple(runs)


def number_notes(report: Report) -> Report:
    """`report` with its notes numbered 1, 2, 3 … in reading order: the lead, then each
    section's blocks (`map_content`'s order) before its subsections. The one place notes
    get their numbers, whatever order the source was read in, so that every edition
    (which prints `Note.number`) numbers alike and Report.footnotes() counts up."""
    counter = itertools.count(1)

    def numbered(content: Inlines) -> Inlines:
        if all(isinstance(node, Text) for node in content):
            return content  # plain text, the common case: nothing to rebuild
        return tuple(Note(next(counter), node.content) if isinstance(node, Note)
                     else node if isinstance(node, Text)
                     else dataclasses.replace(node, content=numbered(node.content))
                     for node in content)

    return map_report(report, numbered)


def map_report(report: Report, change: Callable[[Inlines], Inlines]) -> Report:
    """`report` with `change` applied to each run of text of the lead and of every
    section's blocks, one at a time in reading order (`walk`'s, each block's in
    `map_content`'s): the one statement of the report's reading order of text."""

    def section(sect: Section) -> Section:
        blocks = tuple(map_content(block, change) for block in sect.blocks)
        sections = tuple(section(child) for child in sect.sections)
        if all(map(operator.is_, blocks, sect.blocks)) and all(
                map(operator.is_, sections, sect.sections)):
            return sect  # nothing in it changed: kept, not copied
        return dataclasses.replace(sect, blocks=blocks, sections=sections)

    def paragraph(para: Paragraph) -> Paragraph:
        content = change(para.content)
        return para if content is para.content else Paragraph(content)

    lead = tuple(paragraph(para) for para in report.lead)
    parts = tuple(tuple(section(sect) for sect in part) for part in report.parts)
    if all(map(operator.is_, lead, report.lead)) and all(
            all(map(operator.is_, new, old)) for new, old in zip(parts, report.parts,
                                                                 strict=True)):
        return report  # nothing in it changed: kept, not copied
    front, body, appendices = parts
    return dataclasses.replace(report, lead=lead, front=front, sections=body,
                               appendices=appendices)


def block_texts(block: Block) -> tuple[str, ...]:
    """Every piece of text a block shows, its notes' texts included."""
    texts: list[str] = []
    for content in block_content(block):
        texts.append(plain(content))
        texts.extend(plain(note.content) for note in notes(content))
    return tuple(texts)
