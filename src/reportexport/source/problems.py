"""Located problems in a source or theme file, and the exception that carries them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A 1-based line and column in a text file."""

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, where it is and what it is."""

    file: Path
    location: Location | None
    path: str
    message: str
    #: Where in the text at `path` the problem stands (-1: the text as a whole, or no
    #: text): it keeps the problems of one text in the text's order where they share a
    #: location (a quoted string is located where it begins). For an image's problems,
    #: all located at its name, which of them it is, in the image's order.
    offset: int = field(default=-1, compare=False)
    #: How many problems past those shown this one stands for: a closing "and N more in
    #: this text" (`more_in_text`) stands for N; every other problem (0) for itself.
    more: int = field(default=0, compare=False)

    @property
    def stands_for(self) -> int:
        """How many problems this one counts as: itself, or the N of a closing line."""
        return self.more or 1

    def __str__(self) -> str:
        where = str(self.file)
        if self.location is not None:
            where += f":{self.location.line}:{self.location.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


#: The most problems of one kind one text is reported with; past them, a closing problem
#: says how many more there are (`more_in_text`): a paste of ten thousand control
#: characters is told in a screenful.
PROBLEMS_SHOWN_PER_TEXT = 20


def more_in_text(count: int, what: str = "text") -> str:
    """The message of the problem closing a text's (or a file's) list of problems of one
    kind, with `count` more of them past PROBLEMS_SHOWN_PER_TEXT (its `more`)."""
    return f"and {count:,} more in this {what}"


def capped(found: Sequence[T], problem: Callable[[T], Problem], what: str = "text"
           ) -> list[Problem]:
    """The problems of one kind `found` in one text (or file, or image), in its order:
    the first PROBLEMS_SHOWN_PER_TEXT made by `problem`, then one closing them where the
    first of the rest stands, saying how many more there are (its `more`)."""
    shown, more = split_at_cap(found)
    problems = [problem(item) for item in shown]
    if more:
        closing = problem(found[PROBLEMS_SHOWN_PER_TEXT])
        problems.append(replace(closing, message=more_in_text(more, what), more=more))
    return problems


def split_at_cap(found: Sequence[T]) -> tuple[Sequence[T], int]:
    """The first PROBLEMS_SHOWN_PER_TEXT of `found`, and how many more there are."""
    shown = found[:PROBLEMS_SHOWN_PER_TEXT]
    return shown, len(found) - len(shown)


class InputError(Exception):
    """Bad input: the CLI reports every problem and exits with status 2."""

    def __init__(self, problems: list[Problem], notes: Sequence[str] = ()) -> None:
        # Two checks may find the same fault (an empty title is both too short and blank):
        # told once. Problems at two places of one text are two, though printed alike (a
        # quoted text's are all located where it begins): the offset tells them apart.
        unique = {(str(p), p.offset): p for p in problems}.values()
        self.problems = sorted(
            unique, key=lambda p: (p.location or Location(0, 0), p.path, p.offset, p.message)
        )
        #: What the work that failed had noticed on its way (a Word import's notes: a
        #: picture left out): often why it failed, said before the problems.
        self.notes = tuple(notes)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def count(self) -> int:
        """How many problems were found: those listed, and those a closing "and N more in
        this text" stands for."""
        return sum(p.stands_for for p in self.problems)

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Problem], tuple[str, ...]]]:
        # Exporters may run in worker processes; keep the problems across pickling.
        return (InputError, (self.problems, self.notes))


class UnreadableEdition(ValueError):
    """A file read back as an edition lacks what every edition of its format holds (a
    page's <main>, a Word document's body); the message says what, in words."""


class ExportError(Exception):
    """The source is valid, but an edition cannot faithfully carry it (exit status 2).

    For example a character the theme's font has no glyph for.
    """


class OutputError(ExportError):
    """The editions cannot go where they were asked to (exit status 2).

    For example a folder in the way of an edition's file name, or two formats
    given the same file. Found before anything is written.
    """


def format_path(parts: tuple[str | int, ...]) -> str:
    """Render a data path the way a reader of the YAML thinks of it: sections[3].title."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def is_noncharacter(code: int) -> bool:
    """Whether `code` is one of Unicode's 66 noncharacters: U+FDD0-U+FDEF, and the last
    two code points of every plane (U+FFFE, U+1FFFF...)."""
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def character_kind(code: int) -> str:
    """What a code point that a source may not hold is called in a message: a control
    character (C0, DEL, C1), a surrogate, or a noncharacter (U+FFFE, U+FDD0...)."""
    if code <= 0x1F or 0x7F <= code <= 0x9F:
        return "control character"
    return "surrogate" if 0xD800 <= code <= 0xDFFF else "noncharacter"
