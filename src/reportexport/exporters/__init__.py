"""The exporter contract, and the registry of formats.

An exporter is any class that satisfies :class:`Exporter`. The built-in PDF,
DOCX and EPUB exporters are a plain table (:data:`BUILT_IN`), as Pandoc's and
Sphinx's are; another package adds a format through the entry-point group
``reportexport.exporters`` without touching this one. Looking for such plug-ins
imports importlib.metadata (about 20 ms, a tenth of a small build), so it is
done only when a command needs more than the built-in formats. Exporter modules
import their output library inside ``export``/``outline``, so finding and
listing exporters stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:  # listing and choosing formats needs none of these
    from importlib.metadata import EntryPoint

    from reportexport.model import Report
    from reportexport.theme import Theme

GROUP = "reportexport.exporters"
PROVIDER = "reportexport"

#: This package's formats: name -> "module:class".
BUILT_IN = {
    "docx": "reportexport.exporters.docx:DocxExporter",
    "epub": "reportexport.exporters.epub:EpubExporter",
    "pdf": "reportexport.exporters.pdf:PdfExporter",
}

Outline = list[tuple[int, str]]


@runtime_checkable
class Exporter(Protocol):
    """What every format plug-in provides.

    An exporter may also offer ``prepare()``, which imports what ``export``
    needs; a multi-format build calls it in the process that will build the
    edition while the source is still being read. It may declare ``cost``, a rough relative
    measure of the CPU its edition takes (1 if absent): a multi-format build
    with fewer free cores than formats shares the formats out among its
    processes by cost, costliest first.
    """

    name: ClassVar[str]
    suffix: ClassVar[str]  # with the dot: ".pdf"
    media_type: ClassVar[str]
    description: ClassVar[str]

    def export(self, report: Report, theme: Theme, destination: Path) -> None:
        """Write the edition to `destination` (the caller makes the write atomic)."""

    def outline(self, path: Path) -> Outline:
        """Read a written edition back into [(level, title), …] with an independent parser."""


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
    # Scanning installed distributions costs tens of milliseconds; a build asks
    # several times, and its worker processes inherit the answer.
    from importlib.metadata import entry_points

    return tuple(entry_points(group=GROUP))


def registered(*, plugins: bool = True) -> dict[str, Registered]:
    """Every format by name, without importing any exporter; only built-ins if not `plugins`."""
    found = {name: Registered(name, value, PROVIDER) for name, value in BUILT_IN.items()}
    for ep in _entry_points() if plugins else ():
        provider = ep.dist.name if ep.dist is not None else ep.value
        if ep.name in found and found[ep.name].value != ep.value:
            raise RegistryError(
                f"format '{ep.name}' is registered twice ({found[ep.name].value} by "
                f"{found[ep.name].provider}, {ep.value} by {provider}); uninstall one of them"
            )
        found.setdefault(ep.name, Registered(ep.name, ep.value, provider, ep))
    return dict(sorted(found.items()))


def plugins() -> list[str]:
    """The formats other packages add, by name."""
    return [name for name in registered() if name not in BUILT_IN]


def _available(names: dict[str, Registered]) -> str:
    return ", ".join(names) if names else "none (is reportexport installed?)"


def load(name: str, **options: Any) -> Exporter:
    """The exporter registered as `name`, constructed with `options`."""
    names = registered(plugins=name not in BUILT_IN)
    if name not in names:
        raise RegistryError(f"unknown format '{name}'; available: {_available(names)}")
    try:
        exporter = names[name].load()(**options)
    except Exception as exc:  # a broken plug-in must not take the CLI down with a traceback
        raise RegistryError(
            f"format '{name}' ({names[name].value}) could not be loaded: "
            f"{type(exc).__name__}: {exc}; available: {_available(names)}"
        ) from exc
    if not isinstance(exporter, Exporter):
        raise RegistryError(
            f"format '{name}' ({names[name].value}) does not provide name, suffix, "
            f"media_type, description, export() and outline(); available: {_available(names)}"
        )
    return exporter


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
