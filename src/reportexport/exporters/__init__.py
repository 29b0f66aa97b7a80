"""The exporter contract, and the registry of formats.

An exporter is a class with the attributes and methods of :class:`Exporter`
(subclassing it is the easy way to get its defaults). The built-in PDF, DOCX
and EPUB exporters are a plain table (:data:`BUILT_IN`), as Pandoc's and
Sphinx's are; another package adds a format through the entry-point group
``reportexport.exporters`` without touching this one. Exporter modules import
their output library inside ``export``/``outline``, so listing formats stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from importlib.metadata import EntryPoint

    from reportexport.model import Report
    from reportexport.source.problems import Problem
    from reportexport.theme import Theme

GROUP = "reportexport.exporters"
PROVIDER = "reportexport"

#: This package's formats, name -> "module:class", longest to build first (see build.build).
BUILT_IN = {
    "pdf": "reportexport.exporters.pdf:PdfExporter",
    "docx": "reportexport.exporters.docx:DocxExporter",
    "epub": "reportexport.exporters.epub:EpubExporter",
    "html": "reportexport.exporters.html:HtmlExporter",
}

Outline = list[tuple[int, str]]


@dataclass(frozen=True)
class Option:
    """A setting a format takes, offered on the command line as ``--NAME``.

    `name` is the keyword the exporter's constructor receives; `aliases` are
    further command-line spellings; `path` says the value is a file.
    """

    name: str
    help: str
    metavar: str = "VALUE"
    path: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def flags(self) -> tuple[str, ...]:
        return (f"--{self.name.replace('_', '-')}", *self.aliases)


class Exporter:
    """What every format provides. Subclass it, or provide the same attributes.

    An exporter is constructed with its options as keywords (see `options`)
    and must be picklable: a multi-format build hands it to a worker process.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]  # with the dot: ".pdf"
    media_type: ClassVar[str]
    description: ClassVar[str]
    #: The settings this format accepts; each reaches the constructor as a keyword.
    options: ClassVar[tuple[Option, ...]] = ()
    #: The CPU its edition takes, relative to other formats: a build with fewer
    #: free cores than formats shares the formats out among its processes by it.
    cost: ClassVar[float] = 1.0

    #: Set by a build that shows progress, while `export` runs: say(what) passes it on.
    progress: Callable[[str], None] | None = None

    def say(self, what: str) -> None:
        """Tell the user how the edition is coming along ("200 pages laid out"), if asked."""
        if self.progress is not None:
            self.progress(what)

    def prepare(self) -> None:
        """Get ready to export: import the output library, for example.

        Optional. A multi-format build calls it in the worker process that
        will build the edition, while the source is still being read.
        """

    def check_options(self) -> list[Problem]:
        """What is wrong with the options' files (a Word template that is no Word
        document), as a build would find it.

        Optional. `reportexport validate` calls it when options are given to it.
        """
        return []

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        """Write the edition to `destination` (the caller makes the write atomic)."""
        raise NotImplementedError

    def outline(self, path: Path) -> Outline:
        """Read a written edition back into [(level, title), …] with an independent parser."""
        raise NotImplementedError


_REQUIRED = ("name", "suffix", "media_type", "description", "export", "outline")


class RegistryError(Exception):
    """A format name that is unknown, registered twice, or cannot be loaded."""


@dataclass(frozen=True)
class Registered:
    name: str
    value: str  # "module:attribute"
    provider: str  # the distribution that registers it
    entry_point: EntryPoint | None = None  # how a plug-in is loaded

    def load(self) -> Any:
        if self.entry_point is not None:
            return self.entry_point.load()
        module, _, attribute = self.value.partition(":")
        return getattr(import_module(module), attribute)


@cache
def _entry_points() -> tuple[EntryPoint, ...]:
    # Once a process: the command line asks for every format's class and options.
    # Imported here: a worker process unpickling an exporter never needs it.
    from importlib.metadata import entry_points

    return tuple(entry_points(group=GROUP))


def registered() -> dict[str, Registered]:
    """Every format by name, built-in ones first, without importing any exporter."""
    found = {name: Registered(name, value, PROVIDER) for name, value in BUILT_IN.items()}
    for ep in _entry_points():
        provider = ep.dist.name if ep.dist is not None else ep.value
        if ep.name in found and found[ep.name].value != ep.value:
            raise RegistryError(
                f"format '{ep.name}' is registered twice ({found[ep.name].value} by "
                f"{found[ep.name].provider}, {ep.value} by {provider}); uninstall one of them"
            )
        found.setdefault(ep.name, Registered(ep.name, ep.value, provider, ep))
    return found


def _available(names: dict[str, Registered]) -> str:
    return ", ".join(sorted(names)) if names else "none (is reportexport installed?)"


def exporter_class(name: str) -> Any:
    """The class registered as `name`, checked against the contract."""
    names = registered()
    if name not in names:
        raise RegistryError(f"unknown format '{name}'; available: {_available(names)}")
    try:
        cls = names[name].load()
    except Exception as exc:  # a broken plug-in must not take the CLI down with a traceback
        raise RegistryError(
            f"format '{name}' ({names[name].value}) could not be loaded: "
            f"{type(exc).__name__}: {exc}; available: {_available(names)}"
        ) from exc
    if not all(hasattr(cls, attribute) for attribute in _REQUIRED):
        raise RegistryError(
            f"format '{name}' ({names[name].value}) does not provide name, suffix, "
            f"media_type, description, export() and outline(); available: {_available(names)}"
        )
    return cls


def options_of(name: str) -> tuple[Option, ...]:
    return tuple(getattr(exporter_class(name), "options", ()))


def load(name: str, **options: Any) -> Exporter:
    """The exporter registered as `name`, constructed with `options`."""
    cls = exporter_class(name)
    declared = {option.name for option in getattr(cls, "options", ())}
    unknown = sorted(set(options) - declared)
    if unknown:
        raise RegistryError(
            f"format '{name}' takes no option {', '.join(repr(o) for o in unknown)}"
            + (f" (it takes {', '.join(sorted(declared))})" if declared else "")
        )
    try:
        return cls(**options)  # type: ignore[no-any-return]
    except Exception as exc:
        raise RegistryError(
            f"format '{name}' could not be set up: {type(exc).__name__}: {exc}"
        ) from exc


def for_file(path: Path) -> Exporter:
    """The exporter whose suffix matches `path`."""
    names = registered()
    broken = []
    for name in names:
        try:
            exporter = load(name)
        except RegistryError as exc:
            broken.append(str(exc).split("; available")[0])
            continue
        if path.suffix.lower() == exporter.suffix:
            return exporter
    because = f" ({'; '.join(broken)})" if broken else ""
    raise RegistryError(
        f"no registered format reads '{path.suffix or path.name}' files{because}; "
        f"available: {_available(names)}"
    )
