"""One check for every edition: each drawn character has a font in the theme.

A character no font of the theme has (neither a family's own nor a fallback)
would print as a box in one edition and as nothing in another; every format
refuses it the same way, before any edition is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportexport.fontruns import uncovered
from reportexport.model import Report
from reportexport.problems import ExportError, Problem
from reportexport.theme import Theme

if TYPE_CHECKING:  # the build's workers never read a source: YAML is not imported there
    from reportexport.yamlload import LocatedData

_SHOWN_SECTIONS = 3


def missing_characters(report: Report, theme: Theme) -> dict[str, list[str]]:
    """Each character no font has, with the families (and their fallbacks) that lack it."""
    # The distinct characters first: a long report uses a few hundred of them.
    used = report.characters
    missing: dict[str, list[str]] = {}
    for char, family in uncovered(used, (theme.body_font, theme.heading_font)):
        names = [family.family, *(fallback.family for fallback in family.fallbacks)]
        missing.setdefault(char, []).append(" or ".join(names))
    return missing


def _describe(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X})"


def _where(report: Report, char: str) -> str:
    sections: list[str] = []
    for section, text in report.texts():
        name = "the metadata or lead" if section is None else f"section '{section.id}'"
        if char in text and name not in sections:
            sections.append(name)
    shown = ", ".join(sections[:_SHOWN_SECTIONS])
    more = len(sections) - _SHOWN_SECTIONS
    return shown + (f" and {more} more" if more > 0 else "")


def character_problems(located: LocatedData, report: Report, theme: Theme) -> list[Problem]:
    """One located problem per character no font has, at its first use in the source
    `located` (the one `report` was read from)."""
    missing = missing_characters(report, theme)
    if not missing:
        return []
    from reportexport.source import located_strings

    strings = located_strings(located.data)
    problems = []
    for char, families in missing.items():
        path = next((path for path, text in strings if char in text), ())
        problems.append(located.problem(
            path, f"no font of the theme has {_describe(char)} (it is not in "
                  f"{'; nor in '.join(families)}); used in {_where(report, char)}; add a "
                  "fallback font that has it to the theme"))
    return problems


def check_characters(report: Report, theme: Theme) -> None:
    """Refuse a report with characters no font of the theme has, in a short message."""
    missing = sorted(missing_characters(report, theme))
    if missing:
        shown = ", ".join(_describe(char) for char in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ExportError(f"no font of the theme has {shown}{more}; `reportexport validate` "
                          "says where each is used")
