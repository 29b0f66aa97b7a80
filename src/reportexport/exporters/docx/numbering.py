"""Numbering for lists nested in a list's items: Word's levels 1 and 2 (w:ilvl).

The reference document's list styles number one level each, so the items of a
nested list take their numbering from an abstract numbering of their own, with
all three levels the source allows (model.LIST_LEVELS), added to the numbering
part only when a report has a nested list.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

from reportexport.exporters.docx import wml
from reportexport.model import LIST_LEVELS

#: Each level's (format, text): as the PDF and the web page label them.
_BULLETS = tuple(("bullet", text) for text in ("•", "–", "•"))
_NUMBERS = (("decimal", "%1."), ("lowerLetter", "%2."), ("lowerRoman", "%3."))
#: Twips: where each level's text starts, and the label's room before it.
_STEP, _HANGING = 360, 360


def next_num_id(numbering: Any) -> str:
    """A numbering instance id the numbering part does not use yet."""
    return str(max((int(num.get(qn("w:numId"))) for num in numbering.findall(qn("w:num"))),
                   default=0) + 1)


class NestedNumbering:
    """The numbering instances of nested lists, made as the body is written."""

    def __init__(self, numbering: Any) -> None:
        self.numbering = numbering
        self._abstract: dict[bool, str] = {}  # numbered or not -> abstractNumId

    def instance(self, numbered: bool, level: int) -> str:
        """A new numbering instance for one nested list at `level` (1 or 2): a numbered
        list starts again at 1 under each item."""
        num_id = next_num_id(self.numbering)
        self.numbering.append(wml.element(
            "w:num", {"w:numId": num_id},
            wml.element("w:abstractNumId", {"w:val": self._abstract_for(numbered)}),
            wml.element("w:lvlOverride", {"w:ilvl": str(level)},
                        wml.element("w:startOverride", {"w:val": "1"}))))
        return num_id

    def _abstract_for(self, numbered: bool) -> str:
        if numbered not in self._abstract:
            ids = [int(a.get(qn("w:abstractNumId")))
                   for a in self.numbering.findall(qn("w:abstractNum"))]
            abstract_id = str(max(ids, default=-1) + 1)
            levels = _NUMBERS if numbered else _BULLETS
            abstract = wml.element(
                "w:abstractNum", {"w:abstractNumId": abstract_id},
                wml.element("w:multiLevelType", {"w:val": "multilevel"}),
                *(_level(ilvl, *levels[ilvl]) for ilvl in range(LIST_LEVELS)))
            first_num = self.numbering.find(qn("w:num"))  # abstract numberings come first
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                self.numbering.append(abstract)
            self._abstract[numbered] = abstract_id
        return self._abstract[numbered]


def _level(ilvl: int, number_format: str, text: str) -> Any:
    return wml.element(
        "w:lvl", {"w:ilvl": str(ilvl)},
        wml.element("w:start", {"w:val": "1"}),
        wml.element("w:numFmt", {"w:val": number_format}),
        wml.element("w:lvlText", {"w:val": text}),
        wml.element("w:lvlJc", {"w:val": "left"}),
        wml.element("w:pPr", None, wml.element(
            "w:ind", {"w:left": str(_STEP * (ilvl + 1)), "w:hanging": str(_HANGING)})))
