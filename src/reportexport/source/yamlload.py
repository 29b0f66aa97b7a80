"""Safe, located YAML reading.

PyYAML's loaders lose positions, keep the last of two duplicate keys and expand
aliases (so a "billion laughs" document hangs them). This module builds plain
data straight from the parser's events, refuses anchors, aliases and tags,
reports duplicate keys, and keeps the position of every value, so that later
checks can say `file:line:column` for anything they find.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from reportexport.source.inputfiles import MAX_INPUT_BYTES, read_bounded
from reportexport.source.problems import (
    InputError,
    Location,
    Problem,
    capped,
    character_kind,
    format_path,
)

try:  # libyaml where PyYAML was built with it; it is many times faster.
    from yaml._yaml import CParser as _EventParser

    def _make_parser(self: Any, text: str) -> None:
        _EventParser.__init__(self, text)

    #: libyaml reads the text as UTF-8: where it refuses a character, it counts bytes.
    _REFUSED_AT_BYTE = True

except ImportError:  # PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PurePythonParser(Reader, Scanner, Parser):
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)

    _EventParser = _PurePythonParser  # type: ignore[misc,assignment]

    def _make_parser(self: Any, text: str) -> None:
        _PurePythonParser.__init__(self, text)

    _REFUSED_AT_BYTE = False


#: Deeper nesting than this is refused: nothing legitimate needs it.
MAX_DEPTH = 64

DataPath = tuple[str | int, ...]


@dataclass
class SourcePlaces:
    """Where each value (and each key) of a source stands, and how some were written:
    what only messages need."""

    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)
    #: true/false and nothing as written (`no`, `~`), for messages that quote them.
    written: dict[DataPath, str] = field(default_factory=dict)
    #: Where a mapping or list is written in flow style, `{…}` or `[…]`.
    flow: set[DataPath] = field(default_factory=set)
    #: Strings written as literal block scalars (`|`), whose lines are the file's lines.
    literal: set[DataPath] = field(default_factory=set)


@dataclass
class LocatedData:
    """Plain data read from YAML, and where each value (and each key) stands."""

    file: Path
    data: Any
    #: Numbers as written (`4.50`, not 4.5), for text that must print them so.
    numerals: dict[DataPath, str] = field(default_factory=dict)
    #: The text the data was read from, read again for its places when a message needs them.
    text: str = field(default="", repr=False)
    _places: SourcePlaces | None = field(default=None, repr=False)
    _file_lines: list[str] | None = field(default=None, repr=False)

    @property
    def places(self) -> SourcePlaces:
        """Where the values stand: the text read again, the first time a message asks
        (most sources have none to give, and noting every place would slow each reading)."""
        if self._places is None:
            places = SourcePlaces()
            _StrictReader(self.text, self.file, places).read(LocatedData(self.file, None))
            self._places = places
        return self._places

    def where(self, path: DataPath, *, key: bool = False) -> Location | None:
        """The location of the value at `path`, or of its nearest located parent."""
        places = self.places
        if key and path in places.keys:
            return places.keys[path]
        while path:
            if path in places.values:
                return places.values[path]
            path = path[:-1]
        return places.values.get(())

    def problem(self, path: DataPath, message: str, *, key: bool = False) -> Problem:
        return Problem(self.file, self.where(path, key=key), format_path(path), message)

    def problem_in_text(self, path: DataPath, text: str, offset: int, message: str) -> Problem:
        """A problem at `offset` into `text`, the string at `path`: where it stands when
        the string is a literal block scalar (its lines are the file's); else where the
        string begins (a quoted or folded string's lines are not the file's)."""
        start = self.where(path)
        if start is None or offset < 0 or path not in self.places.literal:
            return replace(self.problem(path, message), offset=offset)
        lines = self._lines()
        content = [i for i in range(start.line, len(lines)) if lines[i].strip()]
        if not content:
            return replace(self.problem(path, message), offset=offset)
        line_in_text = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        indent = len(lines[content[0]]) - len(lines[content[0]].lstrip(" "))
        # The indicator's line, then the string's lines one for one.
        where = Location(start.line + 1 + line_in_text, indent + column + 1)
        return Problem(self.file, where, format_path(path), message, offset)

    def _lines(self) -> list[str]:
        if self._file_lines is None:
            self._file_lines = self.text.splitlines()  # the text read, standard input's too
        return self._file_lines


def _loc(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar_value(tag: str, text: str) -> Any:
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        return _CONSTRUCTOR.construct_yaml_int(ScalarNode(tag, text))
    if tag == "tag:yaml.org,2002:float":
        return _CONSTRUCTOR.construct_yaml_float(ScalarNode(tag, text))
    # Timestamps stay text: the schema checks dates as strings, and the model parses them.
    return text


def _is_number(value: Any) -> bool:
    """Whether a scalar was read as a number (`_scalar_value` gives exact ints and
    floats; a bool is no number here), whose numeral is kept for messages."""
    return type(value) is int or type(value) is float


#: The first characters of the plain scalars YAML reads as something else than text
#: (nothing, true/false, numbers, dates; "" for the empty scalar): PyYAML's resolver
#: looks a scalar up by its first character, and one starting otherwise is text.
_RESOLVED_OPENINGS = frozenset(Resolver.yaml_implicit_resolvers)


class _Frame:
    """An open mapping or sequence while events stream in."""

    __slots__ = ("container", "key", "mapping", "path", "skip")

    def __init__(self, container: Any, path: DataPath, skip: bool = False) -> None:
        self.container = container
        self.mapping = isinstance(container, dict)
        self.path = path
        self.key: str | None = None
        self.skip = skip  # a collection used as a mapping key: read past it


def _child_path(parent: _Frame, root: _Frame) -> DataPath:
    """The path of the value about to be put in `parent`."""
    if parent is root:
        return ()
    if parent.mapping:
        assert parent.key is not None  # a value in a mapping follows its key
        return (*parent.path, parent.key)
    return (*parent.path, len(parent.container))


class _Refused(Exception):
    """Something this tool refuses, met while reading without places: read again with them."""


class _StrictReader(_EventParser, Resolver):
    """Builds plain data straight from parser events, noting what this tool refuses.

    No node graph is built: composing nodes first would cost more time and
    memory than parsing, and expanding aliases is exactly what must not happen.
    Without `places` (the first reading of a source), the reader notes no place
    and stops at the first thing it refuses (`_Refused`), whose message needs them.
    """

    def __init__(self, text: str, file: Path, places: SourcePlaces | None) -> None:
        _make_parser(self, text)
        Resolver.__init__(self)
        self.file = file
        self.places = places
        self.problems: list[Problem] = []

    def _refuse(self, mark: Any, message: str, path: str = "") -> None:
        if self.places is None:
            raise _Refused
        self.problems.append(Problem(self.file, _loc(mark), path, message))

    def _check_properties(self, event: Any) -> None:
        """Refuse an alias, an anchor or a tag."""
        if type(event) is AliasEvent:
            self._refuse(
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed: anchors and aliases are refused "
                "(write the value out in full)",
            )
            return
        if event.anchor is not None:
            self._refuse(
                event.start_mark,
                f"anchor '&{event.anchor}' is not allowed: anchors and aliases are refused",
            )
        if event.tag is not None and event.tag != "!":
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")
            self._refuse(event.start_mark, f"tag '{shown}' is not allowed: tags are refused")

    def _next_event(self) -> Event:
        event = self.get_event()
        # Only past the end of the stream is there no event, and reading stops at its end.
        assert event is not None
        return event

    def read(self, out: LocatedData) -> bool:
        """Fill `out`; False when the stream holds no document."""
        self.get_event()  # StreamStart
        if self.check_event(StreamEndEvent):
            return False
        self.get_event()  # DocumentStart
        root = _Frame([], ())
        stack = [root]
        get_event, placed = self.get_event, self.places is not None
        while stack:
            event: Any = get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            top = stack[-1]
            if top.skip:
                if kind is MappingStartEvent or kind is SequenceStartEvent:
                    stack.append(_Frame(None, top.path, skip=True))
                continue
            if kind is AliasEvent or event.anchor is not None or (
                    event.tag is not None and event.tag != "!"):
                self._check_properties(event)
            if top.mapping and top.key is None:
                if not placed and kind is ScalarEvent and event.value not in top.container:
                    top.key = event.value  # most keys: text given once
                else:
                    self._read_key(event, top, stack)
                continue
            if top is root:
                stack.pop()
            if kind is ScalarEvent and not placed:  # most values: text, read on its own
                value = self._scalar(event)
                if _is_number(value):
                    out.numerals[_child_path(top, root)] = event.value
            else:
                value = self._read_value(event, kind, _child_path(top, root), stack, out)
            if top.mapping:
                if top.key:  # else a refused key's value: dropped
                    top.container[top.key] = value
                top.key = None
            else:
                top.container.append(value)
        self._end_document()
        out.data = root.container[0]
        return True

    def _read_key(self, event: Event, mapping: _Frame, stack: list[_Frame]) -> None:
        """A key of `mapping`: text, as written (JSON keys are text, and `yes:` is no key
        named True), and not given before; else refused, and the value that follows dropped."""
        if type(event) is not ScalarEvent:
            self._refuse(event.start_mark, "keys must be text", format_path(mapping.path))
            if isinstance(event, CollectionStartEvent):
                stack.append(_Frame(None, mapping.path, skip=True))
            mapping.key = ""
            return
        key = event.value
        if key in mapping.container:
            child = (*mapping.path, key)
            if self.places is None:  # refused only with places, the first key's among them
                raise _Refused
            first = self.places.keys[child]
            self._refuse(
                event.start_mark,
                f"duplicate key '{key}' (first given at line {first.line}, "
                f"column {first.column})",
                format_path(child),
            )
            mapping.key = ""
        else:
            mapping.key = key
            if self.places is not None:
                self.places.keys[(*mapping.path, key)] = _loc(event.start_mark)

    def _read_value(self, event: Any, kind: type[Event], path: DataPath, stack: list[_Frame],
                    out: LocatedData) -> Any:
        """The value `event` (of type `kind`) starts at `path` (an empty mapping or list,
        opened on `stack`, for a collection; None for a refused alias), its numeral noted in
        `out`, its place and how it was written in `self.places`, if kept."""
        places = self.places
        value: Any = None
        if kind is ScalarEvent:
            value = self._scalar(event, path)
            if type(value) is str:
                pass
            elif _is_number(value):
                out.numerals[path] = event.value
            elif places is not None:
                places.written[path] = event.value
            if places is not None and event.style == "|":
                places.literal.add(path)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise InputError([Problem(
                    self.file, _loc(event.start_mark), "",
                    f"nested more than {MAX_DEPTH} levels deep; refusing to read further",
                )])
            value = {} if kind is MappingStartEvent else []
            stack.append(_Frame(value, path))
            if places is not None and event.flow_style:
                places.flow.add(path)
        if places is not None:
            places.values[path] = _loc(event.start_mark)
        return value

    def _end_document(self) -> None:
        self.get_event()  # DocumentEnd
        if not self.check_event(StreamEndEvent):
            extra = self._next_event()
            self._refuse(extra.start_mark, "expected one YAML document, found another one")

    def _scalar(self, event: Any, path: DataPath = ()) -> Any:
        if event.value[:1] not in _RESOLVED_OPENINGS:  # text, whatever its style
            return event.value
        if event.implicit[0] or (event.tag is not None and event.tag != "!"):
            # Plain scalars resolve as YAML 1.1 says; explicitly tagged ones (already
            # refused) resolve as if the tag were absent.
            # types-PyYAML leaves BaseResolver.resolve unannotated; it returns the tag, a str.
            tag: str = self.resolve(ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
            try:
                return _scalar_value(tag, event.value)
            except ValueError:  # Python reads no integer of more than 4,300 digits
                self._refuse(event.start_mark,
                             f"a number of {len(event.value):,} characters is more than can be "
                             "read; to keep it as text, quote it", format_path(path))
        return event.value


def _code(character: int | str) -> int:
    """The code point of what PyYAML's reader refused (libyaml gives a number)."""
    return character if isinstance(character, int) else ord(character)


def _describe(character: int | str) -> str:
    return f"U+{_code(character):04X}"


def _character_offset(text: str, position: int) -> int:
    """Where in `text` the reader refused a character, given where it said it did."""
    if not _REFUSED_AT_BYTE:
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))


def _offset_to_location(text: str, offset: int) -> Location:
    before = text[:offset]
    line = before.count("\n") + 1
    return Location(line, offset - (before.rfind("\n") + 1) + 1)


def _refused_characters(text: str, file: Path, exc: yaml.reader.ReaderError) -> list[Problem]:
    """Every character YAML refuses in `text`, each where it stands (at most
    PROBLEMS_SHOWN_PER_TEXT, then how many more), not only the one the reader stopped
    at (`exc`)."""
    refused = {_character_offset(text, exc.position): _code(exc.character)}
    # PyYAML's reader's own class of what YAML 1.1 refuses (libyaml refuses the same);
    # the reader stops at the first it meets.
    for match in yaml.reader.Reader.NON_PRINTABLE.finditer(text):
        refused.setdefault(match.start(), ord(match.group()))
    return capped(sorted(refused), lambda offset: Problem(
        file, _offset_to_location(text, offset), "", f"{character_kind(refused[offset])} "
        f"{_describe(refused[offset])} is not allowed in YAML"), "file")


#: The name a source read from standard input (given as "-") goes by in messages.
STDIN = Path("<stdin>")


def read_text(file: Path, *, max_bytes: int) -> str:
    """Read a UTF-8 text file (STDIN: standard input), turning every failure into a problem."""
    if file == STDIN:
        try:
            raw = sys.stdin.buffer.read(max_bytes + 1)
        except OSError as exc:
            raise InputError([Problem(file, None, "",
                                      f"cannot be read ({exc.strerror})")]) from None
        if len(raw) > max_bytes:
            raise InputError([Problem(file, None, "", f"is more than {max_bytes / 2**20:.0f} "
                                      "MiB; that is the limit")])
    else:
        raw = read_bounded(file, max_bytes, "a YAML file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        where = _offset_to_location(good, len(good))
        raise InputError(
            [
                Problem(
                    file,
                    where,
                    "",
                    f"is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded "
                    "(save the file as UTF-8)",
                )
            ]
        ) from None
    # Windows line endings are fine; normalise them so columns and text match.
    return text.replace("\r\n", "\n")


_OPENERS = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}


def _line_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


def _unclosed_opener(text: str, index: int) -> tuple[str, Location] | None:
    """The innermost '[' or '{' still open where the parser gave up at `index`, if any.

    libyaml's message for some of these slips (a ',' before the next line's '-')
    names no bracket: YAML's own scanner, run again up to that point, finds it.
    """
    openers: list[tuple[str, Location]] = []
    closers = yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken
    try:
        for token in yaml.scan(text):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                openers.append(("[" if isinstance(token, yaml.FlowSequenceStartToken) else "{",
                                _loc(token.start_mark)))
            elif isinstance(token, closers) and openers:
                openers.pop()
    except yaml.YAMLError:  # the scanner stops where the mistake is, as the parser did
        pass
    return openers[-1] if openers else None


def _syntax_problems(exc: yaml.MarkedYAMLError, text: str, file: Path) -> list[Problem]:
    """libyaml's complaint where it noticed it, with a hint for the common slips.

    An unclosed bracket is also reported where it was opened, which is where
    the mistake is; libyaml notices it only lines later.
    """
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.problem} ({exc.context})"
    if mark is None:
        return [Problem(file, None, "", message)]
    at = text[mark.index : mark.index + 1]
    line = _line_of(text, mark.index)
    column = mark.index - (text.rfind("\n", 0, mark.index) + 1)
    opener = _OPENERS.get(exc.context or "")
    opened: Location | None = _loc(exc.context_mark) if exc.context_mark is not None else None
    if exc.context == "while parsing a flow node" and (unclosed := _unclosed_opener(
            text, mark.index)) is not None:
        opener, opened = unclosed
    found: list[Problem] = []
    if at == "\t":
        message = "a tab character cannot indent YAML: indent with spaces"
    elif opener and opened is not None:
        closer = "]" if opener == "[" else "}"
        found.append(Problem(file, opened, "", f"this '{opener}' is never closed: add the "
                             f"'{closer}', or quote a value that starts with '{opener}'"))
        message += f"; the '{opener}' at line {opened.line}, column {opened.column} is not closed"
    elif exc.problem and exc.problem.startswith("mapping values are not allowed"):
        if ": " in line[: column] or line[:column].rstrip().endswith(":"):
            message += "; a value that contains ': ' must be quoted: \"like: this\""
        else:
            message += "; check the indentation of this line against the line above"
    elif at == "-" and exc.problem in ("did not find expected key",
                                       "did not find expected '-' indicator"):
        message += ("; this list item is at another depth than the items before it: "
                    "line up its '-' with theirs")
    elif exc.problem in ("did not find expected key", "did not find expected '-' indicator") or (
            exc.problem or "").startswith("expected <block end>"):
        message += "; check the indentation of this line against the line above"
    elif exc.context == "while parsing a flow node":
        message += "; is a '[' or '{' before it left open?"
    found.append(Problem(file, _loc(mark), "", message))
    return found


def load_yaml(file: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> LocatedData:
    """Read `file` as strict YAML ("-": standard input); raise InputError with every problem."""
    if str(file) == "-":
        file = STDIN
    text = read_text(file, max_bytes=max_bytes)
    located = LocatedData(file, None, text=text)
    try:
        found = _read(located, None)
    except _Refused:  # what is refused is told with places: read again, noting them
        located = LocatedData(file, None, text=text, _places=SourcePlaces())
        found = _read(located, located._places)
    if not found:
        raise InputError([Problem(file, Location(1, 1), "", "the file is empty")])
    return located


def _read(located: LocatedData, places: SourcePlaces | None) -> bool:
    """Read `located.text` into `located` (False: the text holds no document); raise
    InputError with every problem, or _Refused when there are some and no `places`."""
    text, file = located.text, located.file
    problems: list[Problem] = []
    try:
        # The pure-Python reader checks characters as it is made; libyaml as it reads.
        reader = _StrictReader(text, file, places)
        problems = reader.problems
        found = reader.read(located)
    except yaml.MarkedYAMLError as exc:
        raise InputError([*problems, *_syntax_problems(exc, text, file)]) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(_refused_characters(text, file, exc)) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"invalid YAML ({exc})")]) from None
    if reader.problems:
        raise InputError(reader.problems)
    return found
