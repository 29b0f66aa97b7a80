"""A Draft as the text of a new source: tidy, commented like the `init` starter.

Long texts are folded block scalars (`>-`) at about 100 columns; short ones are
plain where YAML reads them back as the same string, double-quoted otherwise.
The whole text is read back and compared before it is written (see `source_text`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import yaml

from reportexport.model import (
    BulletList,
    Callout,
    DefinitionList,
    Figure,
    Inlines,
    NumberedList,
    Paragraph,
    Quote,
    SubList,
    Table,
)
from reportexport.wordimport.markup import to_markup
from reportexport.wordimport.reader import Draft, DraftSection

WIDTH = 100
_PLAIN = re.compile(r"^[A-Za-z0-9À-￿(\"'][^\n\t]*$")
_FOLDABLE = re.compile(r"^\S(?:(?! {2})[^\n\t])*\S$")
#: Characters YAML reads as line breaks (NEL, the line and paragraph separators): in a
#: folded or plain scalar they would break the line; quoted, they are escaped.
_BREAKS = {"\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def scalar(text: str, indent: int, column: int | None = None) -> str:
    """`text` as a YAML value of a key (or `- ` item) at `indent`, starting at `column`."""
    column = indent + 2 if column is None else column
    breaks = any(char in text for char in _BREAKS)
    if len(text) + column < WIDTH or not _FOLDABLE.match(text) or breaks:
        if (_PLAIN.match(text) and text[0] not in "\"'" and ": " not in text
                and " #" not in text and not text.endswith((":", " "))
                and not breaks and _reads_back(text)):
            return text
        quoted = json.dumps(text, ensure_ascii=False)
        for char, escaped in _BREAKS.items():
            quoted = quoted.replace(char, escaped)
        return quoted
    lines = textwrap.wrap(text, WIDTH - indent - 2, break_long_words=False,
                          break_on_hyphens=False)
    pad = " " * (indent + 2)
    return ">-\n" + "\n".join(pad + line for line in lines)


def _reads_back(text: str) -> bool:
    try:
        loaded: object = yaml.safe_load(f"k: {text}")
        return loaded == {"k": text}
    except yaml.YAMLError:
        return False


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def key(self, indent: int, key: str, value: str, comment: str = "") -> None:
        line = f"{' ' * indent}{key}: {scalar(value, indent, indent + len(key) + 2)}"
        if comment and "\n" not in line:
            line = f"{line:<44} # {comment}" if len(line) < 44 else f"{line}   # {comment}"
        self.add(line)

    def item(self, indent: int, value: str) -> None:
        self.add(f"{' ' * indent}- {scalar(value, indent + 2)}")

    def markup(self, indent: int, key: str, content: Inlines) -> None:
        self.key(indent, key, to_markup(content))


def source_text(draft: Draft, docx_name: str) -> str:
    """The new source's text: a commented header, the metadata, the lead and the sections."""
    out = _Writer()
    for line in _header(docx_name):
        out.add(line)
    out.add("metadata:")
    _metadata(out, draft)
    if draft.lead:
        out.add("")
        out.add("lead:                                        # set apart before the first "
                "section")
        for content in draft.lead:
            out.item(2, to_markup(content))
    for key, part, comment in (
            ("front", draft.front, "before the contents, unnumbered"),
            ("sections", draft.sections, ""),
            ("appendices", draft.appendices, "the annexes: Annex A, B ...")):
        if not part and key != "sections":
            continue
        out.add("")
        out.add(f"{key}:".ljust(44) + f" # {comment}" if comment else f"{key}:")
        for number, section in enumerate(part):
            if number:
                out.add("")
            _section(out, section, 2)
    return "\n".join(out.lines) + "\n"


def _header(docx_name: str) -> tuple[str, ...]:
    """The comment that opens the source: where it came from and what to do next."""
    return (
        "# yaml-language-server: $schema=report.schema.json",
        "#",
        "# A report source that `reportexport import` read from the Word document",
        f"# {docx_name}.",
        "# Check the words and the metadata below (the import read them from the",
        "# document's title page and properties), then build every edition with:",
        "#",
        "#     reportexport all report.yaml       # PDF, DOCX, EPUB and the web page into dist/",
        "#     reportexport validate report.yaml  # check it and list every problem at once",
        "#",
        "# `reportexport schema > report.schema.json` lets YAML editors complete keys",
        "# and flag mistakes as you type.",
        "",
    )


def _metadata(out: _Writer, draft: Draft) -> None:
    """The metadata's keys, the required ones filled in where the document had none."""
    out.key(2, "title", draft.title or "Untitled report", "on the cover and in the metadata")
    if draft.subtitle:
        out.key(2, "subtitle", draft.subtitle, "optional")
    publisher = draft.publisher or (draft.authors[0] if draft.authors else "Publisher")
    out.key(2, "publisher", publisher)
    authors = draft.authors or [publisher]
    if len(authors) == 1:
        out.key(2, "authors", authors[0], "one name, or a list of names")
    else:
        out.add("  authors:")
        for author in authors:
            out.item(4, author)
    date = draft.date or dt.date.today()
    out.add(f'  date: "{date.isoformat()}"'.ljust(44) + " # publication date, YYYY-MM-DD")
    out.key(2, "language", draft.language or "en", "BCP 47: en, en-GB, km, th, ...")
    if draft.identifier:
        out.key(2, "identifier", draft.identifier)
    if draft.subject:
        out.key(2, "subject", draft.subject)
    if draft.keywords:
        out.add("  keywords:")
        for keyword in draft.keywords:
            out.item(4, keyword)
    if draft.description:
        out.key(2, "description", draft.description)
    for key in ("rights", "isbn", "disclaimer"):
        value = getattr(draft, key)
        if value:
            out.key(2, key, value)
    if draft.numbered_sections:
        out.add("  numbered_sections: true".ljust(44) + " # 1, 1.1, 1.1.1 in the headings")
    if draft.logo:
        out.key(2, "logo", draft.logo, "on the cover")
    if draft.lists:
        out.add(f"  lists: [{', '.join(draft.lists)}]".ljust(44) + " # after the contents")
    if draft.labels:
        out.add("  labels:                                    # the editions' words, "
                "in place of the language's")
        for key, word in draft.labels:
            out.key(4, key, word)
    if draft.facts:
        out.add("  facts:                                     # key facts for the cover")
        for label, value in draft.facts:
            out.add(f"    - label: {scalar(label, 6, 13)}")
            out.add(f"      value: {scalar(value or '-', 6, 13)}")


def _section(out: _Writer, section: DraftSection, indent: int) -> None:
    pad = " " * indent
    out.add(f"{pad}- id: {section.id}")
    out.key(indent + 2, "title", section.title)
    if section.new_page:
        out.add(f"{pad}  new_page: true")
    if section.landscape and indent == 2:
        out.add(f"{pad}  landscape: true")
    if section.blocks:
        out.add(f"{pad}  blocks:")
        for block in section.blocks:
            _block(out, block, indent + 4)
    if section.sections:
        out.add(f"{pad}  sections:")
        for child in section.sections:
            _section(out, child, indent + 4)


def list_key(block: SubList) -> str:
    """The source's key for a list of this kind."""
    return "bullets" if isinstance(block, BulletList) else "numbered"


def _list_items(out: _Writer, block: SubList, indent: int) -> None:
    """A list's items, each with its own list as `{text, bullets}` or `{text, numbered}`."""
    for index, item in enumerate(block.items):
        sublist = block.sublist(index)
        if sublist is None:
            out.item(indent, to_markup(item))
            continue
        out.add(f"{' ' * indent}- text: {scalar(to_markup(item), indent + 2, indent + 8)}")
        out.add(f"{' ' * indent}  {list_key(sublist)}:")
        _list_items(out, sublist, indent + 4)


_NUMBER = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")
_FLOW_PLAIN = re.compile(r"^[A-Za-z(][^,\[\]{}#:\n\t\"']*$")


def _flow(cells: list[str], column: int) -> str | None:
    """A row as `[a, 12, "b, c"]` when it fits on one line, as the starter writes rows;
    a number stays bare (the loader prints it as written)."""
    items = []
    for text in cells:
        if not text:
            items.append('""')
        elif _NUMBER.match(text) or (_FLOW_PLAIN.match(text) and not text.endswith(" ")
                                     and _reads_back(text)):
            items.append(text)
        else:
            items.append(json.dumps(text, ensure_ascii=False))
    line = "[" + ", ".join(items) + "]"
    return line if column + len(line) <= WIDTH else None


def _block(out: _Writer, block: object, indent: int) -> None:
    pad = " " * indent
    if isinstance(block, Paragraph):
        out.add(f"{pad}- paragraph: {scalar(to_markup(block.content), indent + 2, indent + 13)}")
    elif isinstance(block, BulletList | NumberedList):
        out.add(f"{pad}- {list_key(block)}:")
        _list_items(out, block, indent + 4)
    elif isinstance(block, Quote):
        out.add(f"{pad}- quote:")
        out.markup(indent + 4, "text", block.text)
        if block.attribution:
            out.markup(indent + 4, "attribution", block.attribution)
    elif isinstance(block, Table):
        _table(out, block, indent)
    elif isinstance(block, Callout):
        out.add(f"{pad}- callout:")
        if block.title:
            out.markup(indent + 4, "title", block.title)
        out.add(f"{pad}    blocks:")
        for inner in block.blocks:
            _block(out, inner, indent + 6)
    elif isinstance(block, DefinitionList):
        out.add(f"{pad}- definitions:")
        for item in block.items:
            out.add(f"{pad}    - term: {scalar(to_markup(item.term), indent + 6, indent + 12)}")
            out.markup(indent + 6, "definition", item.definition)
    elif isinstance(block, Figure):
        out.add(f"{pad}- figure:")
        if block.id:
            out.add(f"{pad}    id: {block.id}")
        out.key(indent + 4, "image", block.image.as_posix())
        out.key(indent + 4, "alt", block.alt)
        if block.caption:
            out.markup(indent + 4, "caption", block.caption)
    else:
        raise AssertionError(f"a kind of block the new source cannot write: {block!r}")


def _table(out: _Writer, block: Table, indent: int) -> None:
    pad = " " * indent
    out.add(f"{pad}- table:")
    if block.id:
        out.add(f"{pad}    id: {block.id}")
    if block.caption:
        out.markup(indent + 4, "caption", block.caption)
    columns = [to_markup(cell) for cell in block.columns]
    flow = _flow(columns, indent + 13)
    if flow:
        out.add(f"{pad}    columns: {flow}")
    else:
        out.add(f"{pad}    columns:")
        for text in columns:
            out.item(indent + 6, text)
    if any(a != "left" for a in block.align):
        out.add(f"{pad}    align: [{', '.join(block.align)}]")
    out.add(f"{pad}    rows:")
    for row in block.rows:
        cells = [to_markup(cell) for cell in row]
        flow = _flow(cells, indent + 8)
        if flow:
            out.add(f"{pad}      - {flow}")
            continue
        out.add(f"{pad}      -")
        for text in cells:
            out.add(f"{pad}        - {scalar(text, indent + 8) if text else '~'}")
    if block.note:
        out.markup(indent + 4, "note", block.note)
