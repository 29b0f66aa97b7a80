"""Footnotes at the foot of the page their mark is on, in the one layout pass.

reportlab has no footnotes. The body frame reserves room at its foot for the
notes of each flowable it places, before placing it (and, for a flowable it
must split, for the notes of the part that stays on the page), and draws
them when the page ends. Marks are found in laid-out paragraphs by the font
they are set in (`note_numbers`), which reaches into reportlab's paragraph
fragments: the one place this exporter does so, checked by
tests/test_footnotes.py against every split a long paragraph can make.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable, Frame, Paragraph, Table

#: The gap above the rule that separates notes from the text, and below it (points).
RULE_GAP = 6.0


def note_numbers(flowable: Any, mark_font: str) -> list[int]:
    """The numbers of the note marks in `flowable` (paragraphs, lists, tables, groups)."""
    found: list[int] = []

    def fragments(fragment: Any) -> None:
        if isinstance(fragment, list | tuple):
            if (len(fragment) == 2 and isinstance(fragment[1], str)
                    and getattr(fragment[0], "fontName", None) == mark_font
                    and fragment[1].strip().isdigit()):
                found.append(int(fragment[1]))
                return
            for item in fragment:
                fragments(item)
        elif (getattr(fragment, "fontName", None) == mark_font
              and getattr(fragment, "text", "").strip().isdigit()):
            found.append(int(fragment.text))

    def visit(item: Any) -> None:
        if isinstance(item, Paragraph):
            for fragment in item.frags:
                fragments(fragment)
        elif isinstance(item, Table):
            for row in item._cellvalues:
                for cell in row:
                    visit(cell)
        elif isinstance(item, list | tuple):
            for child in item:
                visit(child)
        else:
            for attribute in ("_flowables", "_content"):
                visit(getattr(item, attribute, ()))

    visit(flowable)
    return list(dict.fromkeys(found))


class NotesFrame(Frame):
    """A frame that keeps room at its foot for the notes of what it holds, and draws them."""

    def __init__(self, *args: Any, notes: Mapping[int, Flowable], mark_font: str,
                 rule_colour: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes, self.mark_font, self.rule_colour = notes, mark_font, rule_colour
        self._placed: list[int] = []
        self._reserved = 0.0

    def _reset(self) -> None:
        super()._reset()
        self._placed, self._reserved = [], 0.0

    def _room(self, numbers: list[int]) -> float:
        if not numbers:
            return 0.0
        rule = 2 * RULE_GAP if not self._placed else 0.0
        return rule + sum(self.notes[n].wrap(self._aW, self._aH)[1] for n in numbers)

    def _new(self, flowable: Any) -> list[int]:
        return [n for n in note_numbers(flowable, self.mark_font) if n not in self._placed]

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        numbers = self._new(flowable)
        base = self._y1 + self._bottomPadding
        room = self._room(numbers)
        self._y1p = base + self._reserved + room
        try:
            placed = super().add(flowable, canv, trySplit)
        finally:
            self._y1p = base + self._reserved
        if placed and numbers:
            self._placed += numbers
            self._reserved += room
            self._y1p = base + self._reserved
        return placed

    def split(self, flowable: Any, canv: Any) -> list[Any]:
        base = self._y1 + self._bottomPadding
        room, parts = 0.0, []
        try:
            for _ in range(8):  # the part that stays may lose lines to its own notes' room
                self._y1p = base + self._reserved + room
                parts = super().split(flowable, canv)
                needed = self._room(self._new(parts[0])) if parts else 0.0
                if needed <= room:
                    break
                room = needed
        finally:
            self._y1p = base + self._reserved
        return parts

    def draw_notes(self, canv: Any) -> None:
        """At the end of a page: its notes, below a short rule, from the foot of the text up."""
        if not self._placed:
            return
        x = self._x1 + self._leftPadding
        y = self._y1 + self._bottomPadding + self._reserved - RULE_GAP
        canv.saveState()
        canv.setStrokeColor(self.rule_colour)
        canv.setLineWidth(0.5)
        canv.line(x, y, x + self._aW * 0.3, y)
        canv.restoreState()
        y -= RULE_GAP
        for number in self._placed:
            note = self.notes[number]
            _, height = note.wrap(self._aW, self._aH)
            y -= height
            note.drawOn(canv, x, y)
