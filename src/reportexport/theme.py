"""The format-neutral theme: page, fonts, sizes, colours and spacing shared by every edition."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportexport.support.packagedata import PACKAGE

if TYPE_CHECKING:
    from reportexport.source.problems import Problem
    from reportexport.source.yamlload import LocatedData

#: Page sizes in millimetres (width, height), portrait.
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "Letter": (215.9, 279.4),
    "Legal": (215.9, 355.6),
}


#: The narrowest text and the shortest text frame a page may leave inside its margins
#: (millimetres): a word of a heading, a contents entry with its page number, a list's
#: or quotation's indent and a table's columns need some room; A5 with 55 mm side
#: margins (38 mm) still sets every edition.
LEAST_MEASURE_MM = 35.0
LEAST_TEXT_HEIGHT_MM = 80.0


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class PageSetup:
    size: str
    width_mm: float
    height_mm: float
    margins_mm: Margins


@dataclass(frozen=True)
class FontFamily:
    """A family name and its TrueType files; missing styles fall back to regular or bold.

    `fallbacks` set, in order, the text of scripts this family's font lacks.
    """

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    fallbacks: tuple[FontFamily, ...] = ()

    def files(self) -> dict[str, Path]:
        return {
            "regular": self.regular,
            "bold": self.bold,
            "italic": self.italic,
            "bold_italic": self.bold_italic,
        }


@dataclass(frozen=True)
class Sizes:
    body: float
    small: float
    lead: float
    title: float
    subtitle: float
    headings: tuple[float, ...]

    def heading(self, level: int) -> float:
        return self.headings[min(level, len(self.headings)) - 1]


def tint(colour: str, share: float) -> str:
    """`colour` ("#1f4e79") mixed with white, `share` of it kept: a light fill of it."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(255 - (255 - part) * share):02x}"
                         for part in (red, green, blue))


@dataclass(frozen=True)
class Colours:
    text: str
    accent: str
    muted: str
    rule: str
    quote: str
    cover_background: str
    cover_text: str


@dataclass(frozen=True)
class Spacing:
    paragraph_after: float
    heading_before: tuple[float, ...]
    heading_after: float
    list_indent: float
    quote_indent: float

    def before_heading(self, level: int) -> float:
        return self.heading_before[min(level, len(self.heading_before)) - 1]


@dataclass(frozen=True)
class Theme:
    name: str
    source: Path
    page: PageSetup
    body_font: FontFamily
    heading_font: FontFamily
    sizes: Sizes
    line_height: float
    colours: Colours
    spacing: Spacing
    #: The PDF's and the DOCX's contents: "page" (a page of its own), "shared" (the
    #: lead and the body follow on its page) or "none".
    contents: str = "shared"

    def turned(self) -> Theme:
        """This theme with its page turned on its side (a landscape section's): the
        width and height swap, the margins stay with their edges."""
        page = replace(self.page, width_mm=self.page.height_mm, height_mm=self.page.width_mm)
        return replace(self, page=page)


def default_theme_path() -> Path:
    """The default theme: the project's top-level styles/default.yaml.

    A wheel carries that folder as the package data `reportexport.styles`; an
    editable install cannot map a folder without `__init__.py`, so there the
    file is read where it stands in the checkout.
    """
    installed = PACKAGE / "styles" / "default.yaml"
    return installed if installed.is_file() else PACKAGE.parents[1] / "styles" / "default.yaml"


def bundled_fonts_dir() -> Path:
    return PACKAGE / "fonts"


#: The tables every edition's font machinery reads (reportlab's TrueType reader
#: needs these; HarfBuzz and the EPUB's subsets work from the same ones).
_TRUETYPE_TABLES = frozenset({b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp",
                              b"name", b"post"})
_SFNT_VERSIONS = {b"\x00\x01\x00\x00": "TrueType", b"true": "TrueType",
                  b"OTTO": "OpenType with PostScript (CFF) outlines",
                  b"ttcf": "TrueType collection"}


def truetype_problem(path: Path) -> str | None:
    """Why the font file `path` cannot serve every edition, or None.

    Only its header and table directory are read: a file that is not a font
    (a text file named .ttf) is told once, here, not as a missing glyph for
    every character of the report.
    """
    from reportexport.source.inputfiles import MAX_INPUT_BYTES, check_regular, read_start

    size = check_regular(path, "a font file")
    if size > MAX_INPUT_BYTES:
        return (f"is {size / 2**20:.1f} MiB; the limit is {MAX_INPUT_BYTES // 2**20} MiB")
    header = read_start(path, 12, "a font file")
    kind = _SFNT_VERSIONS.get(header[:4])
    if kind is None or len(header) < 12:
        return "is not a TrueType font (its first bytes are no font's header)"
    if kind != "TrueType":
        return f"is a {kind} file; use a TrueType font (.ttf) with TrueType outlines"
    count = int.from_bytes(header[4:6], "big")
    directory = read_start(path, 16 * count, "a font file", offset=12)
    records = [directory[i : i + 16] for i in range(0, len(directory) - 15, 16)]
    tables = {record[:4] for record in records}
    missing = sorted(t.decode("latin-1") for t in _TRUETYPE_TABLES - tables)
    if missing:
        return f"is not a complete TrueType font (it has no {', '.join(missing)} table)"
    if len(records) < count or any(int.from_bytes(record[8:12], "big")
                                   + int.from_bytes(record[12:16], "big") > size
                                   for record in records):
        return "is cut short: its tables run past the end of the file"
    return None


def _font_file(located: LocatedData, path: tuple[str | int, ...], name: str,
               problems: list[Problem]) -> Path | None:
    """The file a theme's font entry names, beside the theme or bundled, checked."""
    from reportexport.source.problems import InputError

    for folder in (located.file.parent, bundled_fonts_dir()):
        candidate = folder / name
        if not os.path.lexists(candidate):
            continue
        try:
            problem = truetype_problem(candidate)
        except InputError as exc:
            problem = exc.problems[0].message
        if problem is None:
            return candidate.resolve()
        problems.append(located.problem(path, f"font file '{name}' ({candidate}) {problem}"))
        return None
    problems.append(located.problem(
        path, f"font file '{name}' not found beside the theme or among the bundled fonts"
        f"{_font_file_guess(name, located.file.parent)}"))
    return None


def _font_file_guess(name: str, folder: Path) -> str:
    """" (did you mean 'Caladea-Bold.ttf'?)" for a misspelt font file name, else ""."""
    import difflib

    known = sorted({path.name for place in (folder, bundled_fonts_dir())
                    for path in place.glob("*.ttf")})
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f" (did you mean '{guess[0]}'?)" if guess else ""


def _font_family(located: LocatedData, path: tuple[str | int, ...],
                 problems: list[Problem]) -> FontFamily | None:
    """The family at `path`, noting each font file that cannot be found. It runs on
    themes the schema refused too (one pass reports every problem), so it trusts no
    shape: a family that is not a mapping, or a file name that is not text, is skipped."""
    data: Any = located.data
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        return None
    found: dict[str, Path] = {}
    for style in ("regular", "bold", "italic", "bold_italic"):
        name = data.get(style)
        if not isinstance(name, str) or not name:
            continue
        file = _font_file(located, (*path, style), name, problems)
        if file is not None:
            found[style] = file
    listed = data.get("fallbacks")
    fallbacks = tuple(_font_family(located, (*path, "fallbacks", i), problems)
                      for i in range(len(listed) if isinstance(listed, list) else 0))
    family = data.get("family")
    if "regular" not in found or None in fallbacks or not isinstance(family, str):
        return None
    bold = found.get("bold", found["regular"])
    italic = found.get("italic", found["regular"])
    return FontFamily(
        family=family,
        regular=found["regular"],
        bold=bold,
        italic=italic,
        bold_italic=found.get("bold_italic", bold if "bold" in found else italic),
        fallbacks=tuple(f for f in fallbacks if f is not None),
    )


def _page_problems(located: LocatedData) -> list[Problem]:
    """Margins that leave too little page for the text (the schema bounds each alone)."""
    page = located.data["page"]
    width, height = PAGE_SIZES_MM[page["size"]]
    margins = page["margins_mm"]
    problems = []
    measure = width - margins["left"] - margins["right"]
    if measure < LEAST_MEASURE_MM:
        problems.append(located.problem(
            ("page", "margins_mm", "right"),
            f"the margins leave a text width of {measure:g} mm on {page['size']} "
            f"({width:g} mm wide); the text needs at least {LEAST_MEASURE_MM:g} mm"))
    text_height = height - margins["top"] - margins["bottom"]
    if text_height < LEAST_TEXT_HEIGHT_MM:
        problems.append(located.problem(
            ("page", "margins_mm", "bottom"),
            f"the margins leave a text height of {text_height:g} mm on {page['size']} "
            f"({height:g} mm high); the text needs at least {LEAST_TEXT_HEIGHT_MM:g} mm"))
    return problems


def load_theme(file: Path | None = None) -> Theme:
    """Read and check a theme (the default one when `file` is None)."""
    # Imported here, not above: exporter processes unpickle a Theme without reading YAML.
    from reportexport.source import schema
    from reportexport.source.problems import InputError, Problem
    from reportexport.source.yamlload import load_yaml

    # lexists: a link that loops is no missing file; reading it says what it is.
    if file is not None and not os.path.lexists(file):
        raise InputError([Problem(file, None, "", "no such theme file")])
    located = load_yaml(file or default_theme_path())
    if isinstance(located.data, dict) and {"metadata", "sections"} & set(located.data):
        raise InputError([located.problem((), "this looks like a report source, not a theme "
                                          "(a theme sets page, fonts, sizes_pt, colours…); pass "
                                          "a theme file to --style")])
    # The font files are looked for whatever the schema found: one pass, every problem.
    problems = schema.check(located, "theme")
    if not problems:  # the margins are summed only on a page of the schema's shape
        problems += _page_problems(located)
    body = _font_family(located, ("fonts", "body"), problems)
    heading = _font_family(located, ("fonts", "heading"), problems)
    if problems or body is None or heading is None:
        raise InputError(problems)
    data = located.data
    page, sizes, spacing = data["page"], data["sizes_pt"], data["spacing_pt"]
    width, height = PAGE_SIZES_MM[page["size"]]
    return Theme(
        name=data.get("name", located.file.stem),
        source=located.file,
        page=PageSetup(page["size"], width, height, Margins(**page["margins_mm"])),
        body_font=body,
        heading_font=heading,
        sizes=Sizes(
            body=sizes["body"],
            small=sizes["small"],
            lead=sizes["lead"],
            title=sizes["title"],
            subtitle=sizes["subtitle"],
            headings=tuple(sizes["headings"]),
        ),
        line_height=data["line_height"],
        contents=data.get("contents", "shared"),
        colours=Colours(**data["colours"]),
        spacing=Spacing(
            paragraph_after=spacing["paragraph_after"],
            heading_before=tuple(spacing["heading_before"]),
            heading_after=spacing["heading_after"],
            list_indent=spacing["list_indent"],
            quote_indent=spacing["quote_indent"],
        ),
    )
