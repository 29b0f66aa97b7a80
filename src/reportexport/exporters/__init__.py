"""The exporter contract, and the registry that finds exporters through entry points.

An exporter is any class registered in the entry-point group
``reportexport.exporters`` that satisfies :class:`Exporter`. The built-in PDF,
DOCX and EPUB exporters are registered the same way, in this project's
pyproject.toml, so a separate package adds a format without touching this one.
Exporter modules import their output library inside ``export``/``outline``,
so finding and listing exporters stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:  # listing and choosing formats needs neither
    from reportexport.model import Report
    from reportexport.theme import Theme

GROUP = "reportexport.exporters"

Outline = list[tuple[int, str]]


@runtime_checkable
class Exporter(Protocol):
    """What every format plug-in provides.

    An exporter may also offer ``prepare()``, which imports what ``export``
    needs; a multi-format build calls it in the exporter's own process while
    the source is still being read.
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
    entry_point: EntryPoint

    @property
    def provider(self) -> str:
        dist = self.entry_point.dist
        return dist.name if dist is not None else self.entry_point.value


@cache
def _entry_points() -> tuple[EntryPoint, ...]:
    # Scanning installed distributions costs tens of milliseconds; a build asks
    # several times, and its worker processes inherit the answer.
    return tuple(entry_points(group=GROUP))


def registered() -> dict[str, Registered]:
    """Every registered format by name, without importing any exporter."""
    found: dict[str, Registered] = {}
    for ep in _entry_points():
        entry = Registered(ep.name, ep)
        if ep.name in found and found[ep.name].entry_point.value != ep.value:
            raise RegistryError(
                f"format '{ep.name}' is registered twice ({found[ep.name].entry_point.value} by "
                f"{found[ep.name].provider}, {ep.value} by {entry.provider}); uninstall one of them"
            )
        found[ep.name] = entry
    return dict(sorted(found.items()))


def _available(names: dict[str, Registered]) -> str:
    return ", ".join(names) if names else "none (is reportexport installed?)"


def load(name: str, **options: Any) -> Exporter:
    """The exporter registered as `name`, constructed with `options`."""
    names = registered()
    if name not in names:
        raise RegistryError(f"unknown format '{name}'; available: {_available(names)}")
    try:
        factory = names[name].entry_point.load()
        exporter = factory(**options)
    except Exception as exc:  # a broken plug-in must not take the CLI down with a traceback
        raise RegistryError(
            f"format '{name}' ({names[name].entry_point.value}) could not be loaded: "
            f"{type(exc).__name__}: {exc}; available: {_available(names)}"
        ) from exc
    if not isinstance(exporter, Exporter):
        raise RegistryError(
            f"format '{name}' ({names[name].entry_point.value}) does not provide name, suffix, "
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
