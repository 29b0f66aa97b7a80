"""Safe, located YAML reading.

PyYAML's loaders lose positions, keep the last of two duplicate keys and expand
aliases (so a "billion laughs" document hangs them). This module composes the
YAML node graph itself, refuses anchors, aliases and tags, reports duplicate
keys, and returns plain data together with the position of every value, so
that later checks can say `file:line:column` for anything they find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from reportexport.problems import InputError, Location, Problem, format_path

try:  # libyaml parses about ten times faster; composing stays in Python for the checks.
    from yaml._yaml import CParser as _EventParser

    def _make_parser(self: Any, text: str) -> None:
        _EventParser.__init__(self, text)

except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _EventParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PurePythonParser(Reader, Scanner, _EventParser):  # type: ignore[misc,valid-type]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            _EventParser.__init__(self)

    _EventParser = _PurePythonParser  # type: ignore[misc,assignment]

    def _make_parser(self: Any, text: str) -> None:
        _PurePythonParser.__init__(self, text)


#: Deeper nesting than this is refused: nothing legitimate needs it, and
#: composing recursively would otherwise exhaust Python's stack.
MAX_DEPTH = 64

DataPath = tuple[str | int, ...]


@dataclass
class LocatedData:
    """Plain data read from YAML, with where each value (and each key) stands."""

    file: Path
    data: Any
    values: dict[DataPath, Location] = field(default_factory=dict)
    keys: dict[DataPath, Location] = field(default_factory=dict)

    def where(self, path: DataPath, *, key: bool = False) -> Location | None:
        """The location of the value at `path`, or of its nearest located parent."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get(())

    def problem(self, path: DataPath, message: str, *, key: bool = False) -> Problem:
        return Problem(self.file, self.where(path, key=key), format_path(path), message)


def _loc(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


class _StrictComposer(Composer, _EventParser, Resolver):  # type: ignore[misc,valid-type]
    """Composes nodes from parser events, noting what this tool refuses."""

    def __init__(self, text: str, file: Path) -> None:
        _make_parser(self, text)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.file = file
        self.problems: list[Problem] = []
        self._depth = 0

    def _refuse(self, mark: Any, message: str) -> None:
        self.problems.append(Problem(self.file, _loc(mark), "", message))

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self.get_event()
            self._refuse(
                event.start_mark,
                f"alias '*{event.anchor}' is not allowed: anchors and aliases are refused "
                "(write the value out in full)",
            )
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self._refuse(
                event.start_mark,
                f"anchor '&{event.anchor}' is not allowed: anchors and aliases are refused",
            )
            event.anchor = None
        if event.tag is not None and event.tag != "!":
            shown = event.tag.replace("tag:yaml.org,2002:", "!!")
            self._refuse(event.start_mark, f"tag '{shown}' is not allowed: tags are refused")
            event.tag = None
            if isinstance(event, ScalarEvent):
                # Resolve the scalar as if it had been written without the tag.
                event.implicit = (True, False)
        if isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise InputError(
                    [
                        Problem(
                            self.file,
                            _loc(event.start_mark),
                            "",
                            f"nested more than {MAX_DEPTH} levels deep; refusing to read further",
                        )
                    ]
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _scalar_value(node: ScalarNode) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:int":
        return yaml.constructor.SafeConstructor.construct_yaml_int(_CONSTRUCTOR, node)
    if tag == "tag:yaml.org,2002:float":
        return yaml.constructor.SafeConstructor.construct_yaml_float(_CONSTRUCTOR, node)
    # Timestamps stay text: the schema checks dates as strings, and the model parses them.
    return node.value


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _to_data(node: Node, path: DataPath, out: LocatedData, problems: list[Problem]) -> Any:
    out.values[path] = _loc(node.start_mark)
    if isinstance(node, ScalarNode):
        return _scalar_value(node)
    if isinstance(node, SequenceNode):
        return [_to_data(item, (*path, i), out, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            problems.append(
                Problem(out.file, _loc(key_node.start_mark), format_path(path), "keys must be text")
            )
            continue
        key = str(_scalar_value(key_node))
        child = (*path, key)
        if key in result:
            first = out.keys[child]
            problems.append(
                Problem(
                    out.file,
                    _loc(key_node.start_mark),
                    format_path(child),
                    f"duplicate key '{key}' (first given at line {first.line}, "
                    f"column {first.column})",
                )
            )
            continue
        out.keys[child] = _loc(key_node.start_mark)
        result[key] = _to_data(value_node, child, out, problems)
    return result


def _describe(character: int | str) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"


def _offset_to_location(text: str, offset: int) -> Location:
    before = text[:offset]
    line = before.count("\n") + 1
    return Location(line, offset - (before.rfind("\n") + 1) + 1)


def read_text(file: Path, *, max_bytes: int) -> str:
    """Read a UTF-8 text file, turning every way it can fail into a located problem."""
    try:
        if file.is_dir():
            raise InputError([Problem(file, None, "", "is a folder, not a YAML file")])
        size = file.stat().st_size
        if size > max_bytes:
            raise InputError(
                [
                    Problem(
                        file,
                        None,
                        "",
                        f"is {size / 2**20:.1f} MiB; the limit is {max_bytes / 2**20:.0f} MiB",
                    )
                ]
            )
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file, None, "", "no such file")]) from None
    except PermissionError:
        raise InputError([Problem(file, None, "", "cannot be read (permission denied)")]) from None
    except OSError as exc:
        raise InputError([Problem(file, None, "", f"cannot be read ({exc.strerror})")]) from None
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


def load_yaml(file: Path, *, max_bytes: int = 32 * 2**20) -> LocatedData:
    """Read `file` as strict YAML; raise InputError with every problem found."""
    text = read_text(file, max_bytes=max_bytes)
    composer = _StrictComposer(text, file)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            message = "a tab character cannot indent YAML: indent with spaces"
        raise InputError(
            [*composer.problems, Problem(file, _loc(mark) if mark else None, "", message)]
        ) from None
    except yaml.reader.ReaderError as exc:
        raise InputError(
            [
                Problem(
                    file,
                    _offset_to_location(text, exc.position),
                    "",
                    f"control character {_describe(exc.character)} is not allowed in YAML",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"invalid YAML ({exc})")]) from None
    located = LocatedData(file, None)
    problems = list(composer.problems)
    if node is None:
        problems.append(Problem(file, Location(1, 1), "", "the file is empty"))
        raise InputError(problems)
    located.data = _to_data(node, (), located, problems)
    if problems:
        raise InputError(problems)
    return located
