"""Reading a report source: strict YAML, the shipped schema, semantic checks, the model."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any

from reportexport import inline, schema
from reportexport.images import ImageProblem, check_image
from reportexport.model import (
    Block,
    BulletList,
    Fact,
    Figure,
    Inlines,
    Metadata,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Section,
    Table,
    Text,
    cross_references,
)
from reportexport.problems import InputError, Problem
from reportexport.yamlload import DataPath, LocatedData, load_yaml

#: Word offers Heading 1–9 and XHTML h1–h6; six levels keep every edition faithful.
MAX_SECTION_DEPTH = 6

#: The longest texts that pages have room for, in characters. A heading is set in its
#: own size and again as a contents entry: 300 characters make about eight lines of a
#: top-level heading on the default theme's measure and leave most of an A5 page free.
#: The cover sets the title smaller as it grows, down to a floor (exporters/pdf/writer.py).
#: A running head is one line at the foot of the header rule: longer is cut short there.
TEXT_LIMITS: dict[tuple[str, ...], tuple[int, str, str]] = {
    ("metadata", "title"): (600, "a title", "titles"),
    ("metadata", "subtitle"): (300, "a subtitle", "subtitles"),
    ("metadata", "short_title"): (100, "a short title", "short titles (running heads)"),
    ("metadata", "facts", "label"): (40, "a fact's label", "labels"),
    ("metadata", "facts", "value"): (120, "a fact's value", "values"),
    ("sections", "title"): (300, "a heading", "headings"),
}
#: The cover has room for this many facts below its band.
MAX_FACTS = 8

#: Characters XML 1.0 cannot carry: they would corrupt the DOCX and EPUB.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def located_strings(data: Any, path: DataPath = ()) -> list[tuple[DataPath, str]]:
    """Every string in the parsed source, with its path, in document order."""
    if isinstance(data, str):
        return [(path, data)]
    if isinstance(data, dict):
        return [item for key, value in data.items()
                for item in located_strings(value, (*path, key))]
    if isinstance(data, list):
        return [item for i, value in enumerate(data) for item in located_strings(value, (*path, i))]
    return []


def _xml_problems(located: LocatedData) -> list[Problem]:
    problems = []
    for path, text in located_strings(located.data):
        match = _XML_FORBIDDEN.search(text)
        if match:
            code = ord(match.group())
            problems.append(
                located.problem(
                    path,
                    f"control character U+{code:04X} at position {match.start() + 1} of the text "
                    "cannot be carried by XML (DOCX, EPUB); remove it",
                )
            )
    return problems


def _parse_date(located: LocatedData, path: DataPath, problems: list[Problem]) -> dt.date | None:
    text = located.data
    for part in path:
        text = text[part]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(located.problem(path, f"'{text}' is not a real calendar date"))
        return None


def _section_problems(located: LocatedData) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, DataPath] = {}

    def visit(sections: Any, path: DataPath, depth: int) -> None:
        # Runs even when the schema found problems, so it trusts no shape.
        if not isinstance(sections, list):
            return
        for i, section in enumerate(sections):
            here = (*path, i)
            if not isinstance(section, dict):
                continue
            if depth > MAX_SECTION_DEPTH:
                problems.append(
                    located.problem(
                        here, f"sections nest at most {MAX_SECTION_DEPTH} levels deep"
                    )
                )
                continue
            sid = section.get("id")
            if not isinstance(sid, str):
                pass
            elif sid in seen:
                first = located.where((*seen[sid], "id"))
                at = f" (first used at line {first.line})" if first else ""
                problems.append(located.problem((*here, "id"), f"duplicate section id '{sid}'{at}"))
            else:
                seen[sid] = here
            if "title" in section and not section.get("blocks") and not section.get("sections"):
                problems.append(
                    located.problem(here, "a section needs blocks or sections; this one is empty")
                )
            visit(section.get("sections", []), (*here, "sections"), depth + 1)

    if isinstance(located.data, dict):
        visit(located.data.get("sections"), ("sections",), 1)
    return problems


def _length_problems(located: LocatedData) -> list[Problem]:
    """Texts longer than a page can set (TEXT_LIMITS), and more facts than a cover holds."""
    problems: list[Problem] = []
    for path, text in located_strings(located.data):
        shape = tuple(key for key in path if isinstance(key, str))
        if shape[:1] == ("sections",) and shape[-1:] == ("title",):
            shape = ("sections", "title")  # a nested section's title is a heading too
        if shape not in TEXT_LIMITS:
            continue
        limit, one, many = TEXT_LIMITS[shape]
        if len(text) > limit:
            problems.append(located.problem(
                path, f"{one} of {len(text):,} characters; {many} are at most "
                f"{limit:,} characters"))
    metadata = located.data.get("metadata") if isinstance(located.data, dict) else None
    facts = metadata.get("facts") if isinstance(metadata, dict) else None
    if isinstance(facts, list) and len(facts) > MAX_FACTS:
        problems.append(located.problem(
            ("metadata", "facts", MAX_FACTS),
            f"{len(facts)} facts; the cover holds at most {MAX_FACTS}"))
    return problems


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "report"


class _Texts:
    """Turns the source's rich texts into inline nodes, noting every problem where it stands.

    It also numbers the tables, figures and notes, in reading order.
    """

    def __init__(self, located: LocatedData) -> None:
        self.located = located
        self.problems: list[Problem] = []
        self.references: list[tuple[DataPath, str]] = []  # cross-references to check
        self.tables = self.figures = self.notes = 0  # numbered in reading order

    def __call__(self, path: DataPath) -> Inlines:
        text = self.located.data
        for part in path:
            text = text[part]
        if not isinstance(text, str):  # a number in a table cell: as written
            return (Text(self.located.numerals.get(path, str(text))),)
        try:
            content = inline.parse(text.strip(), self._next_note)
        except inline.MarkupError as exc:
            self.problems.append(self.located.problem(path, str(exc)))
            return (Text(text.strip()),)
        self.references += [(path, ref.section_id) for ref in cross_references(content)]
        return content

    def _next_note(self) -> int:
        self.notes += 1
        return self.notes

    def check_references(self, ids: set[str]) -> None:
        for path, section_id in self.references:
            if section_id not in ids:
                guess = difflib.get_close_matches(section_id, sorted(ids), n=1)
                hint = f" (did you mean '#{guess[0]}'?)" if guess else ""
                self.problems.append(self.located.problem(
                    path, f"cross-reference to '#{section_id}': no section has that id{hint}"))


def _block(data: dict[str, Any], path: DataPath, rich: _Texts) -> Block:
    if "paragraph" in data:
        return Paragraph(rich((*path, "paragraph")))
    if "bullets" in data:
        return BulletList(tuple(rich((*path, "bullets", i)) for i in range(len(data["bullets"]))))
    if "numbered" in data:
        return NumberedList(tuple(rich((*path, "numbered", i))
                                  for i in range(len(data["numbered"]))))
    if "table" in data:
        return _table(data["table"], (*path, "table"), rich)
    if "figure" in data:
        return _figure(data["figure"], (*path, "figure"), rich)
    quote = data["quote"]
    attribution = (rich((*path, "quote", "attribution"))
                   if quote.get("attribution") else None)
    return Quote(rich((*path, "quote", "text")), attribution)


def _table(data: dict[str, Any], path: DataPath, rich: _Texts) -> Table:
    width = len(data["columns"])
    for i, row in enumerate(data["rows"]):
        if len(row) != width:
            rich.problems.append(rich.located.problem(
                (*path, "rows", i), f"this row has {len(row)} cell{'s' * (len(row) != 1)}; "
                f"the table has {width} column{'s' * (width != 1)}"))
    align = data.get("align", [])
    if align and len(align) != width:
        rich.problems.append(rich.located.problem(
            (*path, "align"), f"{len(align)} alignment{'s' * (len(align) != 1)} for {width} "
            f"column{'s' * (width != 1)}: give one per column, or none"))
    rich.tables += 1
    return Table(
        number=rich.tables,
        columns=tuple(rich((*path, "columns", i)) for i in range(width)),
        rows=tuple(tuple(rich((*path, "rows", r, i)) for i in range(len(row)))
                   for r, row in enumerate(data["rows"])),
        align=tuple(align) if len(align) == width else ("left",) * width,
        caption=rich((*path, "caption")) if "caption" in data else None,
    )


def _figure(data: dict[str, Any], path: DataPath, rich: _Texts) -> Figure:
    rich.figures += 1
    caption = rich((*path, "caption")) if "caption" in data else None
    try:
        image = check_image(data["image"].strip(), rich.located.file.parent)
    except ImageProblem as exc:
        rich.problems.append(rich.located.problem((*path, "image"), str(exc)))
        return Figure(rich.figures, Path(), "", 0, 0, data["alt"].strip(), caption)
    return Figure(rich.figures, image.path, image.media_type, image.width, image.height,
                  data["alt"].strip(), caption)


def _section(data: dict[str, Any], path: DataPath, rich: _Texts) -> Section:
    return Section(
        id=data["id"],
        title=data["title"].strip(),
        blocks=tuple(_block(b, (*path, "blocks", i), rich)
                     for i, b in enumerate(data.get("blocks", []))),
        sections=tuple(_section(s, (*path, "sections", i), rich)
                       for i, s in enumerate(data.get("sections", []))),
    )


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _derived_identifier(publisher: str, title: str, date: dt.date) -> str:
    """A stable urn:uuid for a source that states no identifier."""
    import uuid

    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{publisher}\n{title}\n{date}"))


def _metadata(data: dict[str, Any], date: dt.date, modified: dt.date | None) -> Metadata:
    def text(key: str) -> str | None:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else None

    title = data["title"].strip()
    publisher = data["publisher"].strip()
    identifier = text("identifier") or _derived_identifier(publisher, title, date)
    return Metadata(
        title=title,
        publisher=publisher,
        authors=tuple(a.strip() for a in _as_list(data["authors"])),
        date=date,
        language=data["language"],
        identifier=identifier,
        slug=data.get("slug") or slugify(text("short_title") or title),
        subtitle=text("subtitle"),
        short_title=text("short_title"),
        modified=modified,
        subject=text("subject"),
        keywords=tuple(k.strip() for k in data.get("keywords", [])),
        description=text("description"),
        rights=text("rights"),
        facts=tuple(Fact(f["label"].strip(), f["value"].strip()) for f in data.get("facts", [])),
    )


def load_report(file: Path) -> Report:
    """Read and check a report source; raise InputError listing every problem found."""
    return read_report(file)[0]


def read_report(file: Path) -> tuple[Report, LocatedData]:
    """`load_report`, and the source as read, for checks that locate what they find
    (coverage; standard input cannot be read twice)."""
    located = load_yaml(file)
    # Every check runs, so that one pass reports every problem of the file.
    problems = schema.check(located, "report")
    problems += _xml_problems(located) + _section_problems(located) + _length_problems(located)
    if problems:
        raise InputError(problems)
    date = _parse_date(located, ("metadata", "date"), problems)
    modified = None
    if "modified" in located.data["metadata"]:
        modified = _parse_date(located, ("metadata", "modified"), problems)
    if problems or date is None:
        raise InputError(problems)
    data = located.data
    rich = _Texts(located)
    # The lead comes first in reading order: its notes are numbered first.
    lead = tuple(Paragraph(rich(("lead", i))) for i in range(len(data.get("lead", []))))
    report = Report(
        metadata=_metadata(data["metadata"], date, modified),
        sections=tuple(_section(s, ("sections", i), rich) for i, s in enumerate(data["sections"])),
        lead=lead,
    )
    rich.check_references({section.id for _, section in report.walk()})
    if rich.problems:
        raise InputError(rich.problems)
    return report, located
