"""What a Word paragraph is, from its style and numbering: by structure, not by our names.

A style's meaning is found by its name along its basedOn chain (Heading 2, Quote,
Caption, Title …) and by its outline level, so a house style "Chapter" based on
Heading 1, or given outline level 0, is a section heading as Word's navigation
pane shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportexport.wordimport.package import WordPackage, w, word_number

_HEADING = re.compile(r"heading\s*([1-9])$")
#: Names of paragraph styles that mean a quotation (Word's, LibreOffice's, pandoc's).
QUOTE_STYLES = frozenset({"quote", "intense quote", "block text", "quotations", "quotation"})
CAPTION_STYLES = frozenset({"caption", "table caption", "image caption", "figure caption"})


def _on(element: Any) -> bool:
    """A toggle property (w:b, w:i) that is present and not switched off."""
    return element is not None and element.get(w("val"), "true") not in ("0", "false", "off")


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None  # 0-based outline level, 9 for body text
    num: tuple[str, str] | None  # (numId, ilvl)
    italic: bool
    bold: bool


@dataclass
class Styles:
    """The package's styles and numbering definitions, resolved."""

    styles: dict[str, _Style] = field(default_factory=dict)
    formats: dict[tuple[str, str], str] = field(default_factory=dict)  # (numId, ilvl) -> numFmt
    default_language: str | None = None

    def chain(self, style_id: str | None) -> list[_Style]:
        out: list[_Style] = []
        while style_id and style_id in self.styles and len(out) < 20:  # a loop ends too
            style = self.styles[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def names(self, style_id: str | None) -> list[str]:
        return [style.name.lower() for style in self.chain(style_id)]

    def heading_level(self, style_id: str | None, own_outline: int | None) -> int | None:
        """1 for a top-level heading …; None for a paragraph that is no heading."""
        if own_outline is not None:
            return own_outline + 1 if own_outline < 9 else None
        for style in self.chain(style_id):
            match = _HEADING.match(style.name.lower())
            if match:
                return int(match.group(1))
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
        return None

    def numbering(self, style_id: str | None) -> tuple[str, str] | None:
        return next((s.num for s in self.chain(style_id) if s.num is not None), None)

    def list_kind(self, num: tuple[str, str]) -> str:
        """"bullets" or "numbered", from the numbering definition's format at that level."""
        found = self.formats.get(num) or self.formats.get((num[0], "0"), "decimal")
        return "bullets" if found in ("bullet", "none") else "numbered"

    def character(self, style_id: str | None) -> tuple[bool, bool]:
        """(italic, bold) that a character style gives, along its chain."""
        chain = self.chain(style_id)
        names = [s.name.lower() for s in chain]
        italic = any(s.italic for s in chain) or "emphasis" in names
        bold = any(s.bold for s in chain) or "strong" in names
        return italic, bold


def _num(properties: Any) -> tuple[str, str] | None:
    num_pr = properties.find(w("numPr")) if properties is not None else None
    if num_pr is None:
        return None
    num_id = num_pr.find(w("numId"))
    if num_id is None:
        return None
    level = num_pr.find(w("ilvl"))
    return (num_id.get(w("val"), "0"), level.get(w("val"), "0") if level is not None else "0")


def own_numbering(p_pr: Any) -> tuple[str, str] | None:
    return _num(p_pr)


def read_styles(package: WordPackage) -> Styles:
    found = Styles()
    root = package.parts.get("styles")
    if root is not None:
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            name = style.find(w("name"))
            based = style.find(w("basedOn"))
            p_pr, r_pr = style.find(w("pPr")), style.find(w("rPr"))
            outline = p_pr.find(w("outlineLvl")) if p_pr is not None else None
            found.styles[style_id] = _Style(
                name.get(w("val"), style_id) if name is not None else style_id,
                based.get(w("val")) if based is not None else None,
                word_number(outline.get(w("val"))) if outline is not None else None,
                _num(p_pr),
                r_pr is not None and _on(r_pr.find(w("i"))),
                r_pr is not None and _on(r_pr.find(w("b"))),
            )
        language = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
        if language is not None:
            found.default_language = language.get(w("val"))
    numbering = package.parts.get("numbering")
    if numbering is not None:
        abstract = {}
        for definition in numbering.iter(w("abstractNum")):
            abstract[definition.get(w("abstractNumId"))] = {
                level.get(w("ilvl"), "0"): fmt.get(w("val"), "decimal")
                for level in definition.iter(w("lvl"))
                if (fmt := level.find(w("numFmt"))) is not None}
        for num in numbering.iter(w("num")):
            ref = num.find(w("abstractNumId"))
            levels = abstract.get(ref.get(w("val")) if ref is not None else None, {})
            for ilvl, fmt in levels.items():
                found.formats[(num.get(w("numId"), ""), ilvl)] = fmt
    return found
