"""Footnotes at the foot of the page their mark is on, in the one layout pass.

reportlab has no footnotes. The body frame reserves room at its foot for the
notes of each flowable it places, before placing it (and, for a flowable it
must split, for the notes of the part that stays on the page), and draws
them when the page ends. Marks are found in laid-out paragraphs by the font
they are set in (`note_numbers`).

This module is the one place the PDF exporter reaches past reportlab's public
API: a Frame's own geometry (`_y1p` and its neighbours) and the paragraph
fragments and container contents marks hide in. tests/test_footnotes.py checks
both halves of a split paragraph and every page of a report whose notes fall
in split paragraphs, lists, quotations and tables, so a reportlab release that
changes them fails there.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable, Frame, Paragraph, Table
from reportlab.platypus.doctemplate import ActionFlowable

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
        else:  # lists, list items and groups, whole or split
            for attribute in ("_flowables", "_content", "_flowable"):
                visit(getattr(item, attribute, ()))

    visit(flowable)
    return list(dict.fromkeys(found))


class _Shared:
    """What a frame only reads. reportlab deep-copies the current frame each time it
    measures a group kept together; the report's notes need not be copied with it."""

    def __init__(self, notes: Mapping[int, Flowable]) -> None:
        self.notes = notes

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


class NotesFrame(Frame):
    """A frame that keeps room at its foot for the notes of what it holds, and draws them.

    A note too long for the room left on its mark's page is split: its first
    lines stay with the mark, the rest is carried to the foot of the next page.
    """

    def __init__(self, *args: Any, notes: Mapping[int, Flowable], mark_font: str,
                 rule_colour: Any, **kwargs: Any) -> None:
        self._shared = _Shared(notes)
        self.mark_font, self.rule_colour = mark_font, rule_colour
        self._placed: list[int] = []  # numbers of the notes on this page
        self._drawn: list[Flowable] = []  # what the foot of this page shows
        self._carry: list[Flowable] = []  # the rest of a note split on this page
        self._reserved = 0.0
        super().__init__(*args, **kwargs)  # which resets the frame

    def __deepcopy__(self, memo: dict[int, Any]) -> NotesFrame:
        """reportlab deep-copies the frame to measure each group kept together; only
        the lists a measure may change need copies (a long report: 3% of its layout)."""
        measured = copy.copy(self)
        measured._placed, measured._drawn = list(self._placed), list(self._drawn)
        measured._carry = list(self._carry)
        return measured

    def _reset(self) -> None:
        super()._reset()
        carried, self._carry = self._carry, []
        self._placed, self._drawn = [], []
        self._reserved = self._room(carried)
        self._drawn = carried
        self._y1p = self._base() + self._reserved

    def _base(self) -> float:
        return self._y1 + self._bottomPadding

    def _room(self, flowables: list[Flowable]) -> float:
        if not flowables:
            return 0.0
        rule = 2 * RULE_GAP if not self._drawn else 0.0
        return rule + sum(f.wrap(self._aW, self._aH)[1] for f in flowables)

    def _new(self, flowable: Any) -> list[int]:
        if not self._shared.notes:  # a report without notes: no flowable need be searched
            return []
        return [n for n in note_numbers(flowable, self.mark_font) if n not in self._placed]

    def _try(self, flowable: Any, canv: Any, trySplit: int, feet: list[Flowable]) -> int:
        """Add `flowable` with room kept for `feet` as well; keep them if it fits."""
        room = self._room(feet)
        self._y1p = self._base() + self._reserved + room
        try:
            placed = super().add(flowable, canv, trySplit)
        finally:
            self._y1p = self._base() + self._reserved
        if placed and feet:
            self._drawn += feet
            self._reserved += room
            self._y1p = self._base() + self._reserved
        return placed

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        numbers = self._new(flowable)
        feet = [self._shared.notes[n] for n in numbers]
        if self._try(flowable, canv, trySplit, feet):
            self._placed += numbers
            return 1
        if not feet or self._carry:
            return 0
        # The whole notes do not fit: maybe the flowable does, with the last note's
        # first lines under it and the rest carried over.
        flowable.canv = canv  # as Frame.add lends it, for flowables that measure with it
        try:
            _, height = flowable.wrap(self._getAvailableWidth(), self._aH)
        finally:
            del flowable.canv
        before = 0.0 if self._atTop else flowable.getSpaceBefore()
        left = (self._y - before - height - self._base() - self._reserved
                - self._room(feet[:-1]) - (2 * RULE_GAP if not self._drawn else 0.0))
        parts = feet[-1].split(self._aW, left) if left > 0 else []
        if len(parts) != 2:
            return 0
        if self._try(flowable, canv, trySplit, [*feet[:-1], parts[0]]):
            self._placed += numbers
            self._carry = [parts[1]]
            return 1
        return 0

    def split(self, flowable: Any, canv: Any) -> list[Any]:
        base = self._base()
        room, parts = 0.0, []
        try:
            for _ in range(8):  # the part that stays may lose lines to its own notes' room
                self._y1p = base + self._reserved + room
                parts = super().split(flowable, canv)
                feet = [self._shared.notes[n] for n in self._new(parts[0])] if parts else []
                needed = self._room(feet)
                if needed <= room:
                    break
                room = needed
        finally:
            self._y1p = base + self._reserved
        return parts

    def draw_notes(self, canv: Any) -> None:
        """At the end of a page: its notes, below a short rule, from the foot of the text down."""
        if not self._drawn:
            return
        x = self._x1 + self._leftPadding
        y = self._base() + self._reserved - RULE_GAP
        canv.saveState()
        canv.setStrokeColor(self.rule_colour)
        canv.setLineWidth(0.5)
        canv.line(x, y, x + self._aW * 0.3, y)
        canv.restoreState()
        y -= RULE_GAP
        for note in self._drawn:
            _, height = note.wrap(self._aW, self._aH)
            y -= height
            note.drawOn(canv, x, y)


class CarriedNotes(ActionFlowable):
    """The story's last flowable: one more page if a note still has lines to show."""

    def __init__(self, frame: NotesFrame) -> None:
        super().__init__()
        self.frame = frame

    def apply(self, doc: Any) -> None:
        if self.frame._carry:
            doc.handle_pageBreak()
