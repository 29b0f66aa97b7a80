"""reportexport: one structured YAML report, published as PDF, DOCX and EPUB editions.

The public API, for scripts and notebooks::

    import reportexport

    report, theme = reportexport.load("source/report.yaml")
    paths = reportexport.build(report, theme, ["pdf", "epub"], "dist")

Bad input raises :class:`InputError`, whose ``problems`` each name a file,
line and column; an edition that cannot carry the source raises
:class:`ExportError`. A new format subclasses :class:`Exporter`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path

from reportexport.building import Builder, build
from reportexport.exporters import Exporter, Option, RegistryError
from reportexport.model import Report
from reportexport.source.problems import ExportError, InputError, Location, Problem
from reportexport.theme import Theme, load_theme

# Reading sources (YAML, the schema) is imported when first needed: the worker
# processes of a build import this package but never read a source.

__all__ = [
    "Builder",
    "ExportError",
    "Exporter",
    "InputError",
    "Location",
    "Option",
    "Problem",
    "RegistryError",
    "Report",
    "Theme",
    "__version__",
    "build",
    "formats",
    "load",
    "load_report",
    "load_theme",
]


def formats() -> list[str]:
    """The names of every registered format: the built-in ones first, then plug-ins."""
    from reportexport.exporters import registered

    return list(registered())


def load_report(source: str | Path) -> Report:
    """Read and check a report source; raise InputError listing every problem found."""
    from reportexport.source.reading import load_report as load_source

    return load_source(Path(source))


def load(source: str | Path, style: str | Path | None = None) -> tuple[Report, Theme]:
    """Read and check a report source and a theme (the default one when `style` is None).

    Both are read before giving up, so one InputError lists every problem of both.
    """
    from reportexport.loading import load as load_checked

    return load_checked(Path(source), None if style is None else Path(style))
