"""One check for every edition: each drawn character has a font in the theme.

A character no font of the theme has (neither a family's own nor a fallback)
would print as a box in one edition and as nothing in another; every format
refuses it the same way, before any edition is written.

Each text is checked against the fonts that set it: the running text (the
lead, paragraphs, lists, quotations, table cells, notes) is set in the body
family in every edition; titles, captions, table headers and the metadata are
set in the heading family somewhere and in the body family elsewhere (the
EPUB's contents), so they are checked against both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reportexport.labels import colon
from reportexport.model import (
    Callout,
    Figure,
    Inlines,
    Report,
    Table,
    nested_blocks,
    plain,
    report_blocks,
)
from reportexport.source import svgimages
from reportexport.source.problems import ExportError, Problem
from reportexport.theme import Theme
from reportexport.typography.fontruns import uncovered

if TYPE_CHECKING:  # the build's workers never read a source: YAML is not imported there
    from reportexport.source.yamlload import LocatedData

_SHOWN_SECTIONS = 3


def _display_texts(report: Report) -> Iterator[str]:
    """The texts set in the heading family in some edition: all but the running text."""
    meta = report.metadata
    yield from (meta.title, meta.subtitle or "", meta.short_title or "", meta.publisher,
                meta.subject or "", meta.description or "", meta.rights or "",
                *meta.authors, *meta.keywords)
    for fact in meta.facts:
        yield from (fact.label, fact.value)
    for _, section in report.walk():
        yield section.title
        for block in nested_blocks(section.blocks):
            shown: tuple[Inlines | None, ...] = ()
            if isinstance(block, Callout):  # its title is set in the heading family
                shown = (block.title,)
            elif isinstance(block, Table):
                shown = (block.caption, *block.columns)
            elif isinstance(block, Figure):
                shown = (block.caption,)
                yield block.alt
            yield from (plain(content) for content in shown if content is not None)


def missing_characters(report: Report, theme: Theme) -> dict[str, list[str]]:
    """Each character no font that sets it has, with the families (and their fallbacks)
    that lack it: the body family's first when it is one of them."""
    # The distinct characters first: a long report uses a few hundred of them.
    display: set[str] = set()
    for text in _display_texts(report):
        display.update(text)
    # The colon joining a label to its text (labels.colon) is set in the body family: the
    # Word edition's title page. It is no text of the report's, which would bring a
    # fallback face into the editions that show no such colon.
    body = report.characters | set(colon(report.metadata.language))
    missing: dict[str, list[str]] = {}
    for characters, families in ((body, (theme.body_font,)),
                                 (display, (theme.heading_font,))):
        for char, family in uncovered(characters, families):
            names = " or ".join([family.family, *(f.family for f in family.fallbacks)])
            if names not in missing.setdefault(char, []):
                missing[char].append(names)
    return missing


def _running_text(path: tuple[str | int, ...]) -> bool:
    """A path to text set in the body family only (see the module's docstring)."""
    return path[:1] == ("lead",) or any(
        part in ("paragraph", "bullets", "numbered", "quote", "rows", "definitions", "note")
        for part in path)


def _describe(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X})"


def _where(report: Report, char: str) -> str:
    sections: list[str] = []
    for section, text in report.texts():
        name = "the metadata or lead" if section is None else f"section '{section.id}'"
        if char in text and name not in sections:
            sections.append(name)
    if not sections:  # a character of no text of the report's: the colon (labels.colon)
        return "the colon after a label"
    shown = ", ".join(sections[:_SHOWN_SECTIONS])
    more = len(sections) - _SHOWN_SECTIONS
    return shown + (f" and {more} more" if more > 0 else "")


def character_problems(located: LocatedData, report: Report, theme: Theme) -> list[Problem]:
    """One located problem per character no font has, at its first use in the source
    `located` (the one `report` was read from)."""
    missing = missing_characters(report, theme)
    if not missing:
        return []
    from reportexport.source.reading import located_strings

    strings = located_strings(located.data)
    body = " or ".join([theme.body_font.family,
                        *(f.family for f in theme.body_font.fallbacks)])
    problems = []
    for char, families in missing.items():
        if body in families:  # every text lacks it
            path = next((path for path, text in strings if char in text), ())
            message = (f"no font of the theme has {_describe(char)} (it is not in "
                       f"{'; nor in '.join(families)}); used in {_where(report, char)}; add a "
                       "fallback font that has it to the theme")
        else:  # the body family has it; the heading family, which sets the titles, not
            path = next((path for path, text in strings
                         if char in text and not _running_text(path)), ())
            message = (f"the heading fonts have no {_describe(char)} (it is not in "
                       f"{families[0]}), and titles, captions, table headers and the "
                       "metadata are set in them (the body font has it); add a fallback "
                       "font that has it to the heading family, or leave it out here")
        problems.append(located.problem(path, message))
    return problems


def _svg_figures(report: Report) -> Iterator[Figure]:
    for block in report_blocks(report):
        if isinstance(block, Figure) and block.media_type == svgimages.MEDIA_TYPE:
            yield block


def missing_svg_characters(report: Report, theme: Theme) -> dict[Figure, dict[str, str]]:
    """For each SVG figure, each character of its text that the font setting it lacks,
    with that font's family. An SVG's text is drawn in one font, without fallbacks: the
    theme's family its font-family names, else the body family (exporters/pdf/svgdrawing)."""
    from reportexport.source.images import svg_facts

    themed = {family.family.casefold(): family
              for family in (theme.body_font, theme.heading_font)}
    found: dict[Figure, dict[str, str]] = {}
    for figure in _svg_figures(report):
        for text in svg_facts(figure.image).texts:
            family = next((themed[name.casefold()] for name in text.families
                           if name.casefold() in themed), theme.body_font)
            alone = dataclasses.replace(family, fallbacks=())
            for char, _ in uncovered(text.characters, (alone,)):
                found.setdefault(figure, {})[char] = family.family
    return found


def svg_character_problems(located: LocatedData, report: Report,
                           theme: Theme) -> list[Problem]:
    """One located problem (at the figure's `image:`) per SVG figure whose text has
    characters its font lacks."""
    from reportexport.source.reading import located_strings

    found = missing_svg_characters(report, theme)
    if not found:
        return []
    folder = located.file.parent
    images = {_resolved(folder, text): path for path, text in located_strings(located.data)
              if path[-1:] == ("image",)}
    problems = []
    for figure, missing in found.items():
        path = images.get(figure.image, ())
        shown = ", ".join(f"{_describe(char)} (not in {family})"
                          for char, family in sorted(missing.items()))
        problems.append(located.problem(path, f"the SVG's text has characters its font "
                                              f"lacks: {shown}; an SVG's text is set in one "
                                              "font of the theme, without fallbacks"))
    return problems


def _resolved(folder: Path, name: str) -> Path | None:
    """Where an image's name leads, as source/images.py finds it (None: nowhere)."""
    try:
        return (folder.resolve() / name).resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL in the name
        return None


def check_characters(report: Report, theme: Theme) -> None:
    """Refuse a report with characters no font of the theme has, in a short message."""
    missing = sorted(missing_characters(report, theme).keys()
                     | {char for chars in missing_svg_characters(report, theme).values()
                        for char in chars})
    if missing:
        shown = ", ".join(_describe(char) for char in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ExportError(f"no font of the theme has {shown}{more}; `reportexport validate` "
                          "says where each is used")
