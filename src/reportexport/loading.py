"""The one loading pipeline: read a source, check it, and build its model.

Every way in goes through here, so that none checks less than another (the last
fixes were for drift between `reportexport.load`, the watcher and the builder):

1. read the YAML and check the source alone: the schema, its semantics, and the
   model built from it (`source.check_source`);
2. check it with the theme: characters no font of the theme has, and, once
   everything else is sound, tables its page cannot hold (`theme_problems`).

`load` reads the theme too; `load_checked` takes one already loaded (the watcher's,
kept while its file does not change); `check_buildable` runs step 2 on a report
handed to a build without its source, with unlocated messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reportexport.source.problems import InputError, Problem
from reportexport.theme import Theme, load_theme
from reportexport.typography.glyphcoverage import (
    character_problems,
    check_characters,
    svg_character_problems,
)
from reportexport.typography.tablefit import check_tables, table_problems

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.source.yamlload import LocatedData

# Reading sources (YAML, the schema) is imported when first needed: the worker
# processes of a build import the package, and so this module, but never read a source.


def theme_problems(located: LocatedData, report: Report, theme: Theme,
                   found: list[Problem]) -> list[Problem]:
    """The problems of `report` (read from `located`) with `theme`, after the `found` ones:
    characters no font has, and tables its page cannot hold, which are laid out only
    when nothing else was found (a table's rows and cells are then sound)."""
    problems = (character_problems(located, report, theme)
                + svg_character_problems(located, report, theme))
    if not found and not problems:
        problems += table_problems(located, report, theme)
    return problems


def check_buildable(report: Report, theme: Theme) -> None:
    """`theme_problems`' checks, for a report without its source: raise ExportError, in
    a short message, for the first that fails (every format refuses them alike)."""
    check_characters(report, theme)
    check_tables(report, theme)


def load_checked(source: Path, theme: Theme) -> Report:
    """The report of `source`, checked alone and with `theme`; raise InputError listing
    every problem found."""
    from reportexport.source.reading import check_source

    report, located, problems = check_source(source)
    problems += theme_problems(located, report, theme, problems)
    if problems:
        raise InputError(problems)
    return report


def load(source: Path, style: Path | None) -> tuple[Report, Theme]:
    """The report of `source` and the theme of `style` (the default one when None), each
    checked; both are read before giving up, so one InputError lists every problem of
    both."""
    from reportexport.source.reading import check_source

    problems: list[Problem] = []
    report = theme = located = None
    try:
        report, located, problems = check_source(source)
    except InputError as exc:  # YAML that cannot be parsed: nothing more to check in it
        problems += exc.problems
    try:
        theme = load_theme(style)
    except InputError as exc:
        problems += exc.problems
    if report is not None and located is not None and theme is not None:
        problems += theme_problems(located, report, theme, problems)
    if problems or report is None or theme is None:
        raise InputError(problems)
    return report, theme
