"""Reading a report source: strict YAML, the shipped schema, semantic checks, the model."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from reportexport.labels import ENGLISH
from reportexport.model import (
    LIST_LEVELS,
    SECTION_PARTS,
    Block,
    BulletList,
    Callout,
    Definition,
    DefinitionList,
    Fact,
    Figure,
    Inlines,
    Logo,
    Metadata,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Section,
    SubList,
    Table,
    Text,
    number_notes,
    report_blocks,
)
from reportexport.source import inline, schema
from reportexport.source.images import ImageProblem, check_image
from reportexport.source.problems import (
    InputError,
    Problem,
    capped,
    character_kind,
    is_noncharacter,
    more_in_text,
)
from reportexport.source.yamlload import DataPath, LocatedData, load_yaml

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
#: The longest any one text (a paragraph, list item, cell, note) may be: about 15 pages
#: of one paragraph. Laying out a paragraph costs more than its length as it grows (the
#: PDF breaks what is left of it into lines again on every page it fills, each time
#: longer than the last), so a source of a few huge paragraphs could hold a build for
#: hours; no report needs one this long.
MAX_TEXT_CHARACTERS = 50_000

#: Characters XML 1.0 cannot carry: they would corrupt the DOCX and EPUB.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters XML carries but HTML forbids (the Nu checker: "Forbidden code point"), so the
#: web edition could not: a carriage return (which HTML turns into a line feed), DEL and the
#: C1 controls (U+0080-U+009F, which a Windows-1252 paste can leave), and the noncharacters
#: (U+FDD0-U+FDEF, and the last two code points of every plane past the first).
#: The search is for those of the first plane and for every character from the first
#: noncharacter past it on (U+1FFFE), and `_html_forbidden` keeps the noncharacters among the
#: latter (`forbidden_in_html`): a class listing the 32 of them makes the regex engine test
#: each character of every text against each.
HTML_SUSPECT = re.compile("[\r\x7f-\x9f\ufdd0-\ufdef\U0001fffe-\U0010ffff]")


def forbidden_in_html(match: re.Match[str]) -> bool:
    """Whether a match of HTML_SUSPECT is a character HTML forbids: past the first plane,
    only the noncharacters are."""
    code = ord(match.group())
    return code < 0x10000 or is_noncharacter(code)


def _html_forbidden(text: str) -> Iterator[re.Match[str]]:
    """Every character of `text` HTML forbids (see `HTML_SUSPECT`), in order."""
    return (m for m in HTML_SUSPECT.finditer(text) if forbidden_in_html(m))


#: What the schema's date pattern accepts; only such text can be a real date or not.
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def compose(text: str) -> str:
    """`text` with each letter and the accents typed after it composed into one character
    where Unicode has one (e + U+0301: é), as a shaping engine draws them; marks with no
    composed form stay. Text already composed is returned as it is, and characters that
    NFC would replace on their own (CJK compatibility ideographs) are kept."""
    if unicodedata.is_normalized("NFC", text):
        return text
    out: list[str] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not _is_mark(text[i]):
            cluster = text[start:i]
            out.append(unicodedata.normalize("NFC", cluster) if len(cluster) > 1 else cluster)
            start = i
    return "".join(out)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _composed_strings(located: LocatedData) -> list[tuple[DataPath, str]]:
    """Every string of the parsed source composed (see `compose`) in place, with its path,
    in document order."""
    strings = located_strings(located.data)
    for i, (path, text) in enumerate(strings):
        composed = compose(text)
        if composed is not text:  # rare: most text is composed as typed
            strings[i] = (path, composed)
            if not path:
                located.data = composed
                continue
            _at(located.data, path[:-1])[path[-1]] = composed
    return strings


def located_strings(data: Any, path: DataPath = ()) -> list[tuple[DataPath, str]]:
    """Every string in the parsed source, with its path, in document order."""
    found: list[tuple[DataPath, str]] = []
    _gather_strings(data, path, found)
    return found


def _gather_strings(data: Any, path: DataPath, found: list[tuple[DataPath, str]]) -> None:
    if isinstance(data, str):
        found.append((path, data))
    elif isinstance(data, dict):
        for key, value in data.items():
            _gather_strings(value, (*path, key), found)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _gather_strings(value, (*path, i), found)


def _xml_problems(located: LocatedData, strings: list[tuple[DataPath, str]]) -> list[Problem]:
    problems = []
    for path, text in strings:
        if text.isprintable():  # every character XML or HTML forbids is unprintable
            continue
        # Every such character of the text, in its order: removing the first, a writer
        # is not to be told of the next one only on the next run.
        forbidden = sorted([(m.start(), _XML_CANNOT_CARRY) for m in _XML_FORBIDDEN.finditer(text)]
                           + [(m.start(), _HTML_FORBIDS) for m in _html_forbidden(text)])
        problems += capped(forbidden, partial(_forbidden_character, located, path, text))
    return problems


def _forbidden_character(located: LocatedData, path: DataPath, text: str,
                         found: tuple[int, str]) -> Problem:
    """The problem of the character at `found`'s offset, which the text may not hold for
    `found`'s reason."""
    offset, why = found
    code = ord(text[offset])
    return located.problem_in_text(path, text, offset, f"{character_kind(code)} U+{code:04X} "
                                   f"at position {offset + 1} of the text {why}; remove it")


_XML_CANNOT_CARRY = "cannot be carried by XML (DOCX, EPUB)"
_HTML_FORBIDS = "is forbidden in HTML (the web edition)"


def _parse_date(located: LocatedData, path: DataPath, problems: list[Problem]) -> dt.date | None:
    """The date at `path`; None, noting why, when it is no real date. A value of another
    shape (the schema said so already) is None without a second problem."""
    text = _at(located.data, path)
    if not isinstance(text, str) or not _DATE_SHAPE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(located.problem(path, f"'{text}' is not a real calendar date"))
        return None


def _at(data: Any, path: DataPath) -> Any:
    """The value at `path`, or None where the data has another shape (the schema refused it)."""
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _items(data: Any, key: str) -> list[Any]:
    """`data[key]` when it is a list, else no items: stages run on data the schema refused."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _text(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) else ""



#: Why two ids may not differ only in case, by the kind of the second: a section's id
#: names the e-book's file of it; every id names a bookmark of the DOCX.
_CASE_CLASH_REASON = {
    "section": "ids name files, and some file systems take such names for one",
    "table": "ids name the DOCX's bookmarks, and Word takes such names for one",
    "figure": "ids name the DOCX's bookmarks, and Word takes such names for one",
}


def _section_problems(located: LocatedData) -> list[Problem]:
    """Sections nested too deep or empty, and ids used twice: sections', tables' and
    figures' ids are one namespace, which cross-references name."""
    problems: list[Problem] = []
    seen: dict[str, tuple[DataPath, str]] = {}  # by the id in lower case

    def check_id(kind: str, ident: Any, here: DataPath) -> None:
        if not isinstance(ident, str):
            return
        if ident.lower() not in seen:
            # Ids are ASCII (the schema's pattern): lower() is their case folding.
            seen[ident.lower()] = (here, ident)
            return
        first_path, first_id = seen[ident.lower()]
        first = located.where((*first_path, "id"))
        at = f" (first used at line {first.line})" if first else ""
        problems.append(located.problem((*here, "id"), (
            f"duplicate {kind} id '{ident}'{at}" if ident == first_id else
            f"{kind} id '{ident}' differs from '{first_id}'{at} only in case: "
            + _CASE_CLASH_REASON[kind] + "; make them differ in more than case")))

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
            check_id("section", section.get("id"), here)
            for b, block in enumerate(_items(section, "blocks")):
                for kind in ("table", "figure"):
                    held = block.get(kind) if isinstance(block, dict) else None
                    if isinstance(held, dict):
                        check_id(kind, held.get("id"), (*here, "blocks", b, kind))
            if "title" in section and not section.get("blocks") and not section.get("sections"):
                problems.append(
                    located.problem(here, "a section needs blocks or sections; this one is empty")
                )
            if depth > 1 and section.get("landscape") is True:
                problems.append(located.problem((*here, "landscape"), (
                    "only a top-level section can be landscape (its pages turn with it); "
                    "set landscape on the section that holds this one")))
            visit(section.get("sections", []), (*here, "sections"), depth + 1)

    for part in SECTION_PARTS:
        visit(_at(located.data, (part,)), (part,), 1)
    return problems


#: The schema's pattern for an ISBN: digits, hyphens and spaces, ending in a digit or X.
_ISBN_SHAPE = re.compile(r"[0-9][0-9 -]*[0-9Xx]")


def isbn_check_digit(digits: str) -> str:
    """The check digit of an ISBN whose other digits are `digits` (9 for an ISBN-10,
    12 for an ISBN-13): "0"–"9", or "X" (ten) for an ISBN-10."""
    if len(digits) == 9:
        remainder = -sum((10 - i) * int(d) for i, d in enumerate(digits)) % 11
        return "X" if remainder == 10 else str(remainder)
    return str(-sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits)) % 10)


def _isbn_problems(located: LocatedData) -> list[Problem]:
    """An ISBN of the wrong length, or whose check digit is not the one its digits give."""
    path = ("metadata", "isbn")
    isbn = _at(located.data, path)
    if not isinstance(isbn, str) or not _ISBN_SHAPE.fullmatch(isbn):
        return []  # the schema's pattern said so: one message is enough
    compact = re.sub(r"[\s-]", "", isbn)
    if not re.fullmatch(r"[0-9]{9}[0-9Xx]|[0-9]{13}", compact):
        return [located.problem(path, f"'{isbn}' is not an ISBN: an ISBN has 13 digits "
                                      "(or 10, the last of which may be X)")]
    if len(compact) == 13 and compact[:3] not in ("978", "979"):
        return [located.problem(path, f"'{isbn}' is not an ISBN-13: an ISBN-13 begins "
                                      "with 978 or 979")]
    expected = isbn_check_digit(compact[:-1])
    if compact[-1].upper() == expected:
        return []
    return [located.problem(path, (
        f"ISBN '{isbn}' ends in the check digit {compact[-1]}, but its other digits give "
        f"{expected}: a digit is mistyped somewhere, or the check digit should be {expected}"))]


def _invisible_problems(located: LocatedData, strings: list[tuple[DataPath, str]]
                        ) -> list[Problem]:
    """Texts that print nothing a reader can see: only zero-width, format or combining
    characters (whitespace alone the schema refuses). A title or heading of them is an
    unnamed entry in every contents and a link with no name on the web page; a publisher
    of them, a line the PDF's cover cannot size. A table cell may be empty anyway."""
    return [located.problem(path, "has no character a reader can see (only zero-width, "
                                  "format or combining characters): write its words")
            for path, text in strings
            if not inline.readable(text) and text.strip() and "rows" not in path]


#: No text of fewer characters is too long, and no other last key of a path has a limit.
_SHORTEST_LIMIT = min(limit for limit, _, _ in TEXT_LIMITS.values())
_LIMITED_KEYS = frozenset(shape[-1] for shape in TEXT_LIMITS)


def _text_limits(path: DataPath) -> tuple[int, str, str] | None:
    """The limit (TEXT_LIMITS) of the text at `path`, if it has one."""
    if path and isinstance(path[-1], str) and path[-1] not in _LIMITED_KEYS:
        return None
    shape = tuple(key for key in path if isinstance(key, str))
    if shape[:1] and shape[0] in SECTION_PARTS and shape[-1:] == ("title",):
        shape = ("sections", "title")  # a nested section's title is a heading too
    return TEXT_LIMITS.get(shape)


def _length_problems(located: LocatedData, strings: list[tuple[DataPath, str]]
                     ) -> list[Problem]:
    """Texts longer than a page can set (TEXT_LIMITS) or than any text may be
    (MAX_TEXT_CHARACTERS), and more facts than a cover holds."""
    problems: list[Problem] = []
    for path, text in strings:
        if len(text) <= _SHORTEST_LIMIT:
            continue
        limits = _text_limits(path)
        if limits is None and len(text) > MAX_TEXT_CHARACTERS:
            problems.append(located.problem(
                path, f"a text of {len(text):,} characters; a paragraph, list item, cell, "
                f"note or alternative text is at most {MAX_TEXT_CHARACTERS:,}: split it"))
            continue
        if limits is None:
            continue
        limit, one, many = limits
        if len(text) > limit:
            problems.append(located.problem(
                path, f"{one} of {len(text):,} characters; {many} are at most "
                f"{limit:,} characters"))
    facts = _at(located.data, ("metadata", "facts"))
    if isinstance(facts, list) and len(facts) > MAX_FACTS:
        problems.append(located.problem(
            ("metadata", "facts", MAX_FACTS),
            f"{len(facts)} facts; the cover holds at most {MAX_FACTS}"))
    return problems


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "report"


class _RichTextReader:
    """Turns the source's rich texts into inline nodes, noting every problem where it stands.

    It also numbers the tables and figures, in reading order (notes are numbered once
    the report is whole, by model.number_notes).
    """

    def __init__(self, located: LocatedData, words: Mapping[str, str] = ENGLISH) -> None:
        self.located = located
        self.words = words  # the tables' and figures' labels' words (labels.py)
        self.problems: list[Problem] = []
        # Cross-references to check: each one's text, target and offset into the text.
        self.references: list[tuple[DataPath, str, int]] = []
        self.tables = self.figures = self.callouts = 0  # numbered in reading order
        self.marked_up = False  # whether some text is more than plain text (notes, links)

    def __call__(self, path: DataPath) -> Inlines:
        text = _at(self.located.data, path)
        if not isinstance(text, str):
            if isinstance(text, int | float) and not isinstance(text, bool):
                return (Text(self.located.numerals.get(path, str(text))),)  # a cell: as written
            return ()  # an empty table cell, or another shape (the schema said so already)
        stripped = text.strip()
        if not stripped:
            return ()  # an empty table cell (the schema allows nothing else to be empty)
        read = inline.read_text(stripped)
        content, errors = read.nodes, read.errors
        if not errors and len(content) == 1 and isinstance(content[0], Text):
            return content  # plain text, most of it: no reference, no note
        # The reader's offsets are into the stripped text; the problems', into the text.
        lead = len(text) - len(text.lstrip())
        # A text's cross-references are checked even when its markup has problems, those
        # inside a note it refuses among them.
        self.references += [(path, target, lead + start if start >= 0 else -1)
                            for target, start in read.references]
        if errors:
            self._problems_in_text(path, text, [
                (lead + error.start if error.start >= 0 else -1, str(error))
                for error in errors])
            return (Text(stripped),)
        self.marked_up = True
        return content

    def check_references(self, ids: set[str]) -> None:
        """Every cross-reference names a section, a table or a figure (`ids`)."""
        dangling: dict[DataPath, list[tuple[int, str]]] = {}  # each text's, in its order
        hints: dict[str, str] = {}  # by target: a text may name one many times
        for path, target, offset in self.references:
            if target in ids:
                continue
            if target not in hints:
                guess = difflib.get_close_matches(target, sorted(ids), n=1)
                hints[target] = f" (did you mean '#{guess[0]}'?)" if guess else ""
            dangling.setdefault(path, []).append((
                offset, f"cross-reference to '#{target}': no section, table or "
                f"figure has that id{hints[target]}"))
        for path, found in dangling.items():
            text = _at(self.located.data, path)
            self._problems_in_text(path, text if isinstance(text, str) else "", found)

    def _problems_in_text(self, path: DataPath, text: str, found: list[tuple[int, str]]
                          ) -> None:
        """A problem for each of `found` (the offset of the link or note it is about, or
        -1, and its message) in `text`, the string at `path`, in the text's order: where
        its markup stands, or where the text does. At most PROBLEMS_SHOWN_PER_TEXT, then
        how many more."""
        in_order = sorted(found, key=lambda item: item[0])  # stable: a link's own order
        self.problems += capped(in_order, lambda item: self.located.problem_in_text(
            path, text, item[0], item[1]))


# The builders below run on data the schema may have refused (so that one pass
# reports every problem): they trust no shape, and skip what is malformed.


def _block(data: Any, path: DataPath, rich: _RichTextReader) -> Block | None:
    if not isinstance(data, dict):
        return None
    if "paragraph" in data:
        return Paragraph(rich((*path, "paragraph")))
    for kind in ("bullets", "numbered"):
        if kind in data:
            return _list(data, kind, path, rich)
    if "definitions" in data:
        return DefinitionList(tuple(
            Definition(rich((*path, "definitions", i, "term")),
                       rich((*path, "definitions", i, "definition")))
            for i in range(len(_items(data, "definitions")))))
    if isinstance(data.get("table"), dict):
        return _table(data["table"], (*path, "table"), rich)
    if isinstance(data.get("figure"), dict):
        return _figure(data["figure"], (*path, "figure"), rich)
    if isinstance(data.get("callout"), dict):
        return _callout(data["callout"], (*path, "callout"), rich)
    quote = data.get("quote")
    if not isinstance(quote, dict):
        return None
    attribution = (rich((*path, "quote", "attribution"))
                   if quote.get("attribution") else None)
    return Quote(rich((*path, "quote", "text")), attribution)


def _callout(data: dict[str, Any], path: DataPath, rich: _RichTextReader) -> Callout:
    """A callout and its blocks, read in place (its tables, figures and notes are
    numbered in reading order); a callout inside it is refused where it stands."""
    rich.callouts += 1
    number = rich.callouts
    title = rich((*path, "title")) if "title" in data else None
    blocks: list[Block] = []
    for i, item in enumerate(_items(data, "blocks")):
        if isinstance(item, dict) and "callout" in item:
            rich.problems.append(rich.located.problem(
                (*path, "blocks", i, "callout"),
                "a callout inside a callout: a callout holds any blocks but callouts"))
            continue
        block = _block(item, (*path, "blocks", i), rich)
        if block is not None:
            blocks.append(block)
    return Callout(number, tuple(blocks), title)


def _list(data: dict[str, Any], kind: str, path: DataPath, rich: _RichTextReader,
          level: int = 1) -> SubList:
    """The list `data[kind]` at `level`, its items' own lists read (LIST_LEVELS at most)."""
    items: list[Inlines] = []
    sublists: list[SubList | None] = []
    for i, item in enumerate(_items(data, kind)):
        if not isinstance(item, dict):
            items.append(rich((*path, kind, i)))
            sublists.append(None)
            continue
        items.append(rich((*path, kind, i, "text")))
        inner = next((k for k in ("bullets", "numbered") if k in item), None)
        if inner is not None and level == LIST_LEVELS:
            rich.problems.append(rich.located.problem(
                (*path, kind, i, inner), f"a list nested {LIST_LEVELS + 1} levels deep: "
                f"lists nest {LIST_LEVELS} levels at most"))
            inner = None
        sublists.append(None if inner is None
                        else _list(item, inner, (*path, kind, i), rich, level + 1))
    make = BulletList if kind == "bullets" else NumberedList
    return make(tuple(items), tuple(sublists) if any(sublists) else ())


def _table(data: dict[str, Any], path: DataPath, rich: _RichTextReader) -> Table:
    width = len(_items(data, "columns"))
    # A row of another shape (the schema said so) is measured by no one; an empty list is.
    rows = [row if isinstance(row, list) else None for row in _items(data, "rows")]
    for i, row in enumerate(rows):
        if width and row is not None and len(row) != width:
            rich.problems.append(rich.located.problem(
                (*path, "rows", i), f"this row has {len(row)} cell{'s' * (len(row) != 1)}; "
                f"the table has {width} column{'s' * (width != 1)}"))
    align = _items(data, "align")
    if align and len(align) != width:
        rich.problems.append(rich.located.problem(
            (*path, "align"), f"{len(align)} alignment{'s' * (len(align) != 1)} for {width} "
            f"column{'s' * (width != 1)}: give one per column, or none"))
    rich.tables += 1
    return Table(
        number=rich.tables,
        columns=tuple(rich((*path, "columns", i)) for i in range(width)),
        rows=tuple(tuple(rich((*path, "rows", r, i)) for i in range(len(row or ())))
                   for r, row in enumerate(rows)),
        align=tuple(align) if len(align) == width else ("left",) * width,
        caption=rich((*path, "caption")) if "caption" in data else None,
        id=_id(data),
        note=rich((*path, "note")) if "note" in data else None,
        word=rich.words["table"],
    )


def _id(data: dict[str, Any]) -> str | None:
    """A table's or a figure's id, if it has one."""
    ident = data.get("id")
    return ident if isinstance(ident, str) else None


def _figure(data: dict[str, Any], path: DataPath, rich: _RichTextReader) -> Figure:
    rich.figures += 1
    caption = rich((*path, "caption")) if "caption" in data else None
    alt, name = _text(data, "alt"), _text(data, "image")
    if not name:  # no path to check: the schema said so already
        return Figure(rich.figures, Path(), "", 0, 0, alt, caption, _id(data),
                      rich.words["figure"])
    try:
        image = check_image(name, rich.located.file.parent)
    except ImageProblem as exc:
        rich.problems += _image_problems(rich.located, (*path, "image"), exc)
        return Figure(rich.figures, Path(), "", 0, 0, alt, caption, _id(data),
                      rich.words["figure"])
    return Figure(rich.figures, image.path, image.media_type, image.width, image.height,
                  alt, caption, _id(data), rich.words["figure"])


def _image_problems(located: LocatedData, path: DataPath, exc: ImageProblem
                    ) -> list[Problem]:
    """Each thing wrong with the image named at `path`, located there in the image's
    order, closed by how many more it has past those shown."""
    problems = [replace(located.problem(path, message), offset=i)
                for i, message in enumerate(exc.messages)]
    if exc.more:
        problems.append(replace(located.problem(path, more_in_text(exc.more, "image")),
                                offset=len(problems), more=exc.more))
    return problems


def _section(data: Any, path: DataPath, rich: _RichTextReader) -> Section | None:
    if not isinstance(data, dict):
        return None
    blocks = [block for i, item in enumerate(_items(data, "blocks"))
              if (block := _block(item, (*path, "blocks", i), rich)) is not None]
    sections = [section for i, item in enumerate(_items(data, "sections"))
                if (section := _section(item, (*path, "sections", i), rich)) is not None]
    sid = data.get("id")
    return Section(
        id=sid if isinstance(sid, str) else "",
        title=_text(data, "title"),
        blocks=tuple(blocks),
        sections=tuple(sections),
        new_page=data.get("new_page") is True,
        landscape=data.get("landscape") is True,
    )


def _part(data: Any, part: str, rich: _RichTextReader) -> tuple[Section, ...]:
    """The sections of one part of the source (front, sections, appendices)."""
    sections = (_section(s, (part, i), rich) for i, s in enumerate(_items(data, part)))
    return tuple(s for s in sections if s is not None)


def _names(value: Any) -> tuple[str, ...]:
    """`authors`: one name, or a list of them."""
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(name.strip() for name in names if isinstance(name, str))


def _derived_identifier(publisher: str, title: str, date: dt.date) -> str:
    """A stable urn:uuid for a source that states no identifier."""
    import uuid

    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{publisher}\n{title}\n{date}"))


def _metadata(data: Any, date: dt.date, modified: dt.date | None) -> Metadata:
    data = data if isinstance(data, dict) else {}

    def text(key: str) -> str | None:
        return _text(data, key) or None

    title, publisher = _text(data, "title"), _text(data, "publisher")
    identifier = text("identifier") or _derived_identifier(publisher, title, date)
    facts = (fact for fact in _items(data, "facts") if isinstance(fact, dict))
    language, slug = data.get("language"), data.get("slug")
    return Metadata(
        title=title,
        publisher=publisher,
        authors=_names(data.get("authors")),
        date=date,
        language=language if isinstance(language, str) else "",
        identifier=identifier,
        slug=slug if isinstance(slug, str) and slug else slugify(text("short_title") or title),
        subtitle=text("subtitle"),
        short_title=text("short_title"),
        modified=modified,
        subject=text("subject"),
        keywords=tuple(k.strip() for k in _items(data, "keywords") if isinstance(k, str)),
        description=text("description"),
        rights=text("rights"),
        facts=tuple(Fact(_text(f, "label"), _text(f, "value")) for f in facts),
        isbn=text("isbn"),
        disclaimer=text("disclaimer"),
        numbered_sections=data.get("numbered_sections") is True,
        lists=tuple(kind for kind in _items(data, "lists") if kind in ("tables", "figures")),
        labels=_labels(data.get("labels")),
    )


def _labels(data: Any) -> tuple[tuple[str, str], ...]:
    """The source's own words for the editions' (the schema names the keys)."""
    if not isinstance(data, dict):
        return ()
    return tuple((key, " ".join(word.split())) for key, word in data.items()
                 if key in ENGLISH and isinstance(word, str) and word.strip())


def _logo(located: LocatedData, problems: list[Problem]) -> Logo | None:
    """The logo checked as a figure's image is; a located problem if it cannot be one."""
    path = ("metadata", "logo")
    name = _at(located.data, path)
    if not isinstance(name, str) or not name.strip():  # the schema says what is wrong
        return None
    try:
        image = check_image(name, located.file.parent)
    except ImageProblem as exc:
        problems += _image_problems(located, path, exc)
        return None
    if image.media_type not in ("image/png", "image/jpeg"):  # a figure may be an SVG
        problems.append(located.problem(path, f"'{name}' is an SVG image; a logo is a PNG "
                                              "or JPEG image (export the SVG as a PNG)"))
        return None
    return Logo(image.path, image.media_type, image.width, image.height)


def named_images(file: Path) -> set[Path]:
    """The files the source `file`'s figures and logo name (resolved from its folder),
    whether or not they exist or can be used: what a watcher follows while the source
    fails, so that adding or replacing a missing or damaged image rebuilds. Empty when
    the source cannot be read as YAML."""
    try:
        data = load_yaml(file).data
    except InputError:
        return set()
    names = [_at(data, ("metadata", "logo"))]

    def gather(node: Any) -> None:  # blocks nest (callouts): every figure, wherever it is
        if isinstance(node, dict):
            figure = node.get("figure")
            if isinstance(figure, dict):
                names.append(figure.get("image"))
            for value in node.values():
                gather(value)
        elif isinstance(node, list):
            for value in node:
                gather(value)

    for part in SECTION_PARTS:
        gather(_at(data, (part,)))
    return {(file.parent / name).absolute() for name in names
            if isinstance(name, str) and name.strip() and "\0" not in name}


def load_report(file: Path) -> Report:
    """Read and check a report source; raise InputError listing every problem found."""
    return read_report(file)[0]


def read_report(file: Path) -> tuple[Report, LocatedData]:
    """`load_report`, and the source as read, for checks that locate what they find
    (coverage; standard input cannot be read twice)."""
    report, located, problems = check_source(file)
    if problems:
        raise InputError(problems)
    return report, located


def check_source(file: Path) -> tuple[Report, LocatedData, list[Problem]]:
    """Every problem of the source `file`, stage after stage, and its report. With
    problems, the report holds what is well formed (and stand-ins for the rest): it
    is only for the checks that need one, such as the characters', to run as well.

    Only YAML that cannot be parsed stops the checking (it raises InputError).
    """
    located = load_yaml(file)
    # Every edition then carries a letter and its accent as one character, which every
    # font that has the letter draws (the heading font may lack the bare accent). The
    # strings are gathered once for every check of every text.
    strings = _composed_strings(located)
    # Every stage runs, whatever the stages before found: one pass reports every problem.
    problems = schema.check(located, "report")
    problems += (_xml_problems(located, strings) + _section_problems(located)
                 + _length_problems(located, strings) + _isbn_problems(located)
                 + _invisible_problems(located, strings))
    data = located.data if isinstance(located.data, dict) else {}
    date = _parse_date(located, ("metadata", "date"), problems)
    modified = _parse_date(located, ("metadata", "modified"), problems)
    # With problems, the date may be a stand-in: the report is then only for checking.
    metadata = _metadata(data.get("metadata"), date or dt.date(1, 1, 1), modified)
    rich = _RichTextReader(located, metadata.words)
    lead = tuple(Paragraph(rich(("lead", i))) for i in range(len(_items(data, "lead"))))
    # Read in reading order, which numbers the tables and figures.
    front, body, appendices = (_part(data, part, rich) for part in SECTION_PARTS)
    metadata = replace(metadata, logo=_logo(located, problems))
    report = Report(metadata, body, lead, front, appendices)
    if rich.marked_up:  # else there is no note to number
        report = number_notes(report)
    if rich.references:  # else no id needs gathering
        rich.check_references({section.id for _, section in report.walk() if section.id}
                              | {block.id for block in report_blocks(report)
                                 if isinstance(block, Table | Figure) and block.id})
    problems += rich.problems + _empty_list_problems(located, report)
    return report, located, problems


def _empty_list_problems(located: LocatedData, report: Report) -> list[Problem]:
    """A list of tables (or figures) the metadata asks for where the report has none:
    a heading over nothing (and an e-book navigation list EPUBCheck refuses)."""
    kinds = {"tables": Table, "figures": Figure}
    asked = [(i, kind) for i, kind in enumerate(_items(_at(located.data, ("metadata",)), "lists"))
             if kind in kinds]
    if not asked:  # most reports: no need to look through the blocks
        return []
    present = {kind for kind, block_type in kinds.items()
               if any(isinstance(block, block_type) for block in report_blocks(report))}
    return [located.problem(("metadata", "lists", i),
                            f"a list of {kind} is asked for, but the report has no "
                            f"{kind.removesuffix('s')}: leave '{kind}' out")
            for i, kind in asked if kind not in present]
