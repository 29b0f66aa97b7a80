"""The document front end: what every edition needs to know about a report beyond its
model, worked out once and in one place, so that the writers cannot disagree on it.

A writer is handed a :class:`Document` (`Document.of(report)`) and reads from it the
outline, where each section's heading is and its number ("2.1", "Annex A"), the cover's
and imprint's facts with the publication date formatted once, the captions with their
labels, what an automatic reference (`[](#id)`) prints, and the notes each part of
the report holds. `Document.report` is the report with its automatic references'
words filled in ("Table 2", "section 3.1"), so that a writer prints a reference's
content as it always has. Like the model it is format-neutral: a writer turns an
`Anchor` into its own kind of target (a PDF destination, a Word bookmark, an EPUB
file and fragment).
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from reportexport.labels import ENGLISH
from reportexport.model import (
    Block,
    CrossReference,
    Figure,
    Inline,
    Inlines,
    Note,
    Paragraph,
    Report,
    Section,
    Table,
    Text,
    block_content,
    cross_references,
    map_report,
    nested_blocks,
    notes,
    plain,
    walk_sections,
)
from reportexport.source.problems import ExportError
from reportexport.support.dates import human_date

#: What an annex's heading begins with, before its letter, in English (labels.py has
#: the report's own word).
ANNEX = ENGLISH["annex"]

#: Which part of the report a section is in (model.Report.parts).
Part = Literal["front", "body", "appendix"]


class Anchor(NamedTuple):
    """Where a section's heading stands: what a cross-reference to it and the outline lead to.

    A named tuple rather than a frozen dataclass: a long report makes thousands on
    every build, and a tuple is the cheaper to make (figures: benchmarks/README.md)."""

    section: Section
    level: int  # 1 for a top-level section
    number: int  # 1, 2, 3 … in reading order over all sections
    chapter: Section  # the top-level section it is in (itself, at level 1)
    #: What its heading begins with: "2.1" (numbered sections), "Annex A", "A.1", or
    #: nothing (front matter, sections not numbered).
    label: str
    part: Part
    #: What an automatic reference to a numbered section says before its number.
    section_word: str = "section"

    @property
    def heading(self) -> str:
        """The heading as every edition prints it, in its contents and its outline too:
        "2.1 Findings", "Annex A Methodology", or the title alone."""
        return f"{self.label} {self.section.title}" if self.label else self.section.title

    @property
    def reference(self) -> str:
        """What an automatic reference to the section prints: "Annex A", "section 2.1",
        or, where sections are not numbered, the section's title."""
        if not self.label:
            return self.section.title
        return self.label if self.opens_annex else f"{self.section_word} {self.label}"

    @property
    def opens_annex(self) -> bool:
        """An annex's own heading, which starts a new page in print."""
        return self.part == "appendix" and self.level == 1


#: The lists of tables and figures (`metadata.lists`), by kind: their titles' words.
LIST_TITLES = {"tables": "list_of_tables", "figures": "list_of_figures"}


@dataclass(frozen=True)
class BlockList:
    """A list of tables or of figures: its kind ("tables", "figures"), its title, and its
    entries in reading order, each block with the anchor of the section that holds it."""

    kind: str
    title: str
    entries: tuple[tuple[Table | Figure, Anchor], ...]

    @staticmethod
    def entry_text(block: Table | Figure) -> str:
        """An entry as every edition words it: "Table 2 Budget by district" (the label,
        then the caption's words, if it has any)."""
        caption = block.caption
        return f"{block.label} {plain(caption)}" if caption else block.label


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
    #: The cover's facts, (label, value): the authors, the source's, then the publication date.
    cover_facts: tuple[tuple[str, str], ...]
    #: Each section's anchor by its id: where cross-references to it lead.
    anchors: Mapping[str, Anchor]
    #: Each table and figure that has an id, by its id, with the anchor of its section.
    blocks: Mapping[str, tuple[Table | Figure, Anchor]] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, report: Report) -> Document:
        meta = report.metadata
        published = human_date(meta.date, meta.language)
        outline = tuple(_anchors(report))
        _check_targets(report, outline)
        if has_automatic_references(report):
            labels = {**{anchor.section.id: anchor.reference for anchor in outline},
                      **{ident: block.label for ident, (block, _) in _blocks(outline).items()}}
            report = map_report(report, lambda content: _resolved(content, labels))
            outline = tuple(_anchors(report))  # of the sections that hold the words
        anchors = {anchor.section.id: anchor for anchor in outline}
        blocks = _blocks(outline)
        words = meta.words
        authors = ((words["authors" if len(meta.authors) > 1 else "author"],
                    ", ".join(meta.authors)),) if meta.authors else ()
        return cls(report=report, outline=outline, published=published,
                   cover_facts=(*authors, *((fact.label, fact.value) for fact in meta.facts),
                                (words["published"], published)),
                   anchors=anchors, blocks=blocks)

    @property
    def words(self) -> Mapping[str, str]:
        """The words the editions add ("Contents", "Notes" …), in the report's language."""
        return self.report.metadata.words

    @property
    def notices(self) -> tuple[tuple[str, str], ...]:
        """The imprint's notices the source gives, (label, value): ISBN, rights, disclaimer."""
        return tuple((label, value) for _, label, value in self.keyed_notices)

    @property
    def keyed_notices(self) -> tuple[tuple[str, str, str], ...]:
        """The notices as (key, label, value): the key ("isbn", "rights", "disclaimer")
        names the notice whatever the language of its label."""
        meta, words = self.report.metadata, self.words
        return tuple((key, words[key], value) for key, value in (
            ("isbn", meta.isbn), ("rights", meta.rights), ("disclaimer", meta.disclaimer))
            if value)

    @property
    def imprint_facts(self) -> tuple[tuple[str, str], ...]:
        """The cover's facts, the publisher and the notices: for a title page with no
        publisher's line and no imprint of its own."""
        return (*self.cover_facts, (self.words["publisher"], self.report.metadata.publisher),
                *self.notices)

    def headings(self) -> list[tuple[int, str]]:
        """The outline as [(level, heading)]: what every edition's outline reads back as."""
        return [(anchor.level, anchor.heading) for anchor in self.outline]

    @property
    def front_matter(self) -> tuple[Anchor, ...]:
        """The front matter's anchors (they come first in the outline)."""
        return tuple(anchor for anchor in self.outline if anchor.part == "front")

    @property
    def main_matter(self) -> tuple[Anchor, ...]:
        """The body's and the appendices' anchors: the outline after the front matter."""
        return self.outline[len(self.front_matter):]

    @staticmethod
    def caption(block: Table | Figure) -> Caption:
        return Caption(block.label, block.caption)

    @property
    def lists(self) -> tuple[BlockList, ...]:
        """The lists of tables and figures the metadata asks for, in its order: each
        names the tables (or figures) in reading order, those inside callouts too."""
        def listed(kind: str) -> tuple[tuple[Table | Figure, Anchor], ...]:
            wanted = Table if kind == "tables" else Figure
            # Those in callouts too: they are numbered with the rest.
            return tuple((block, anchor) for anchor in self.outline
                         for block in nested_blocks(anchor.section.blocks)
                         if isinstance(block, Table | Figure) and isinstance(block, wanted))

        return tuple(BlockList(kind, self.words[LIST_TITLES[kind]], listed(kind))
                     for kind in self.report.metadata.lists)

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
    """Every section's anchor in reading order, with its number: "2.1" in the body when
    the report numbers its sections; "Annex A", then "A.1" when it does, in the
    appendices; none in the front matter."""
    numbered, words = report.metadata.numbered_sections, report.metadata.words
    index = 0
    parts: tuple[tuple[Part, tuple[Section, ...]], ...] = (
        ("front", report.front), ("body", report.sections), ("appendix", report.appendices))
    for part, sections in parts:
        chapter = sections[0] if sections else None
        counters: list[int] = []
        for level, section in walk_sections(sections):
            index += 1
            if level == 1:
                chapter = section
            assert chapter is not None  # a walk begins at a top-level section
            del counters[level:]
            counters += [0] * (level - len(counters))
            counters[level - 1] += 1
            yield Anchor(section, level, index, chapter,
                         _label(part, counters, numbered, words["annex"]), part,
                         words["section"])


def _label(part: Part, counters: list[int], numbered: bool, annex: str = ANNEX) -> str:
    """A heading's number (see `_anchors`) from the counts of its level and those above."""
    if part == "front":
        return ""
    if part == "appendix":
        letter = annex_letter(counters[0])
        if len(counters) == 1:
            return f"{annex} {letter}"
        return ".".join((letter, *map(str, counters[1:]))) if numbered else ""
    return ".".join(map(str, counters)) if numbered else ""


def annex_letter(number: int) -> str:
    """A, B … Z, then AA, AB …: the annexes' letters, 1-based."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return letters


def _blocks(outline: tuple[Anchor, ...]) -> dict[str, tuple[Table | Figure, Anchor]]:
    """Each table and figure that has an id, with the anchor of its section."""
    return {block.id: (block, anchor) for anchor in outline
            for block in nested_blocks(anchor.section.blocks)
            if isinstance(block, Table | Figure) and block.id}


def _check_targets(report: Report, outline: tuple[Anchor, ...]) -> None:
    """Raise ExportError unless every cross-reference names a section, table or figure.

    The loader refuses such a source with its location; a report made in Python
    (the public API) gets the same check here, before any edition looks a target up.
    """
    targets = {anchor.section.id for anchor in outline} | set(_blocks(outline))
    for content in _runs(report):
        for reference in cross_references(content):
            if reference.target_id not in targets:
                raise ExportError(f"cross-reference to '#{reference.target_id}': no "
                                  "section, table or figure of the report has that id")


def has_automatic_references(report: Report) -> bool:
    """Whether any cross-reference of the report has no words of its own."""
    return any(_automatic(content) for content in _runs(report))


def _runs(report: Report) -> Iterator[Inlines]:
    yield from (paragraph.content for paragraph in report.lead)
    for _, section in report.walk():
        for block in section.blocks:
            # A paragraph is its one run: block_content would rebuild it to say so.
            yield from (block.content,) if isinstance(block, Paragraph) else block_content(block)


def _automatic(content: Inlines) -> bool:
    return any(not node.content if isinstance(node, CrossReference)
               else not isinstance(node, Text) and _automatic(node.content)
               for node in content)


def _resolved(content: Inlines, labels: Mapping[str, str]) -> Inlines:
    """`content` with each automatic reference given its target's label as its words,
    capitalised where it opens a sentence ("Section 2.1 gives …")."""
    if not _automatic(content):
        return content
    return _Resolver(labels).run(content)


def printed_references(content: Inlines, labels: Mapping[str, str]) -> Inlines:
    """`content` as the editions print it: each automatic reference given its target's
    label from `labels` (by id; "" for an id it lacks), capitalised where it opens a
    sentence. The Word import compares a source's text with a document's so."""
    return _Resolver(_Labels(labels)).run(content) if _automatic(content) else content


class _Labels(dict[str, str]):
    """`labels` where an id they lack reads as "" (a section added in Word has none)."""

    def __missing__(self, key: str) -> str:
        return ""


#: What ends a sentence when a space follows it: a reference after it opens the next.
_SENTENCE_END = re.compile(r"[.?!]\s+$")


class _Resolver:
    """Fills in automatic references in reading order, knowing whether the text so far
    leaves the next words at a sentence's start (the run's start is one)."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels
        self.at_start = True

    def run(self, content: Inlines) -> Inlines:
        return tuple(self.node(node) for node in content)

    def node(self, node: Inline) -> Inline:
        if isinstance(node, Text):
            if node.text:
                self.at_start = bool(_SENTENCE_END.search(node.text))
            return node
        if isinstance(node, Note):  # a note's words are a run of their own
            outer, self.at_start = self.at_start, True
            note = dataclasses.replace(node, content=self.run(node.content))
            self.at_start = outer
            return note
        if isinstance(node, CrossReference) and not node.content:
            label = self.labels[node.target_id]
            if self.at_start:
                label = label[:1].upper() + label[1:]
            self.at_start = False
            return CrossReference(node.target_id, (Text(label),))
        return dataclasses.replace(node, content=self.run(node.content))
