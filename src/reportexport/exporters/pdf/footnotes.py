"""Footnotes at the foot of the page their mark is on, in the one layout pass.

reportlab has no footnotes. The body frame reserves room at its foot for the
notes of each flowable it places, before placing it (and, for a flowable it
must split, for the notes of the part that stays on the page), and draws
them when the page ends. Marks are found in laid-out paragraphs by the font
they are set in (`note_numbers`).

What this needs past reportlab's public API (a frame's foot, the paragraph
fragments and container contents marks hide in, the document's count of a
page's flowables) it asks of reportlab_compat. tests/exporters/test_footnotes.py checks
both halves of a split paragraph and every page of a report whose notes fall
in split paragraphs, lists, quotations and tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable

from reportexport.exporters.pdf.reportlab_compat import (
    FootedFrame,
    contained_flowables,
    count_page_as_filled,
    paragraph_fragments,
)

#: The gap above the rule that separates notes from the text, and below it (points).
RULE_GAP = 6.0
#: The share of a page's text frame that notes carried over from earlier pages may
#: take, so that the text goes on beside them (after the story's end they take it all).
CARRIED_SHARE = 2 / 3
#: How many splits a flowable is tried with, looking for the part that fits with its notes.
SPLIT_TRIES = 12


def note_numbers(flowable: Any, mark_font: str) -> list[int]:
    """The numbers of the note marks in `flowable` (paragraphs, lists, tables, groups)."""
    return list(dict.fromkeys(_marks(flowable, mark_font)))


def _marks(item: Any, mark_font: str) -> tuple[int, ...]:
    """The note numbers in `item`, in order, kept on it: the frame asks again for each
    try of a group (a heading kept with what follows, a table) and each split, and a
    flowable's marks do not change once made (a part split off is a new flowable)."""
    if isinstance(item, list | tuple):
        return tuple(n for child in item for n in _marks(child, mark_font))
    kept: tuple[int, ...] | None = getattr(item, "_note_marks", None)
    if kept is None:
        kept = (_paragraph_marks(item, mark_font) if isinstance(item, Paragraph)
                else tuple(n for child in contained_flowables(item)  # tables, lists, groups
                           for n in _marks(child, mark_font)))
        item._note_marks = kept
    return kept


def holds_no_marks(flowable: Any) -> None:
    """Say of `flowable` that it holds no note mark, which its maker knows (a table none of
    whose cells marks a note), so that it is not searched: a long table's part for the
    page would be made just to be searched, each time the table is split."""
    flowable._note_marks = ()


def _paragraph_marks(paragraph: Any, mark_font: str) -> tuple[int, ...]:
    """The note numbers a paragraph's marks say; one its maker knows to hold no mark
    (`may_mark_notes`) is not searched."""
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

    if getattr(paragraph, "may_mark_notes", True):
        for fragment in paragraph_fragments(paragraph):
            fragments(fragment)
    return tuple(found)


class _Shared:
    """What a frame only reads. reportlab deep-copies the current frame each time it
    measures a group kept together; the report's notes need not be copied with it."""

    def __init__(self, notes: Mapping[int, Flowable]) -> None:
        self.notes = notes

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


class NotesFrame(FootedFrame):
    """A frame that keeps room at its foot for the notes of what it holds, and draws them.

    Each note begins at the foot of its mark's page when it can: a flowable whose
    notes cannot all begin under it is split, so that the part kept on the page
    has room for its own. A note too long for the room left is split, and what
    does not fit waits for the foot of the next page, and of the pages after it
    if it is longer than a page, as publishers set them. Only a flowable that
    cannot be split, or a part of one that is kept on the page anyway, leaves
    whole notes to begin on the next page: many marks in one table cell, or in
    one line.
    """

    def __init__(self, *args: Any, notes: Mapping[int, Flowable], mark_font: str,
                 rule_colour: Any, **kwargs: Any) -> None:
        self._shared = _Shared(notes)
        self.mark_font, self.rule_colour = mark_font, rule_colour
        self._placed: set[int] = set()  # numbers of the notes given a place, in the report
        self._drawn: list[Flowable] = []  # what the foot of this page shows
        self._waiting: list[Flowable] = []  # notes, or their ends, for the pages to come
        self._reserved = 0.0
        self._carried: list[Flowable] = []  # what this page was given to carry over
        self._split_tried: tuple[Any, list[Any]] | None = None
        #: Set once the story has ended: the pages still needed hold notes only.
        self.closing = False
        super().__init__(*args, **kwargs)  # which resets the frame

    def __deepcopy__(self, memo: dict[int, Any]) -> NotesFrame:
        """reportlab deep-copies the frame to measure each group kept together; only
        the lists a measure may change need copies (a long report: 3% of its layout)."""
        # copy.copy's result for a Frame (its state is its __dict__), without going
        # through the generic copy protocol.
        measured = object.__new__(type(self))
        measured.__dict__.update(self.__dict__)
        measured.__dict__.update(_placed=set(self._placed), _drawn=list(self._drawn),
                                 _waiting=list(self._waiting), _carried=list(self._carried))
        return measured

    def take_over(self, other: NotesFrame) -> None:
        """Carry on from `other`, the frame of the last page (of another size): the notes
        it placed, those still waiting for a page's foot, and whether the story ended."""
        self._placed, self._waiting, self.closing = other._placed, other._waiting, other.closing
        other._waiting = []

    def page_begun(self) -> None:
        self._split_tried = None
        # What this page was given to carry, before it is shared out: it can give way.
        self._carried = self._waiting
        # Notes carried over leave the text a share of the page, until the story ends.
        height = self.room()[1]
        self._share_carried(height if self.closing else height * CARRIED_SHARE)

    def _share_carried(self, limit: float) -> None:
        """Show at this page's foot what fits in `limit` of the notes carried over."""
        self._drawn, self._reserved = [], 0.0
        drawn, rest = self._fill(self._carried, limit - self._rule())
        if not drawn and self.closing:  # a piece no page can hold: shown, not waited for forever
            drawn, rest = self._carried[:1], self._carried[1:]
        self._reserved = self._room(drawn)
        self._drawn, self._waiting = drawn, rest
        self.set_foot(self.base() + self._reserved)

    def _give_way(self, flowable: Any, canv: Any) -> None:
        """At the top of a page, the notes carried over make room for a flowable that
        cannot be split and does not fit beside them (a figure, a table's row): they
        continue on the next page instead of pushing it off every page."""
        if not (self.at_top() and self._carried and self._drawn) or self.closing:
            return
        if self._room_under(flowable, canv) is not None:
            return
        parts = self.split(flowable, canv)
        self._split_tried = (flowable, parts)  # the split reportlab asks for next
        if parts:
            return
        self._share_carried(0.0)  # measured without notes, at the top of the page
        left = self._room_under(flowable, canv)
        self._share_carried(left or 0.0)

    def _rule(self) -> float:
        """The room the rule above the notes takes, if this page has no note yet."""
        return 0.0 if self._drawn else 2 * RULE_GAP

    def _note_height(self, flowable: Flowable) -> float:
        height: float = flowable.wrap(*self.room())[1]
        return height

    def _room(self, flowables: list[Flowable]) -> float:
        if not flowables:
            return 0.0
        return self._rule() + sum(self._note_height(f) for f in flowables)

    def _fill(self, notes: list[Flowable], room: float) -> tuple[list[Flowable], list[Flowable]]:
        """The notes, in order, that fit in `room` (the last perhaps split), and the rest."""
        fitting: list[Flowable] = []
        for i, note in enumerate(notes):
            height = self._note_height(note)
            if height <= room:
                fitting.append(note)
                room -= height
                continue
            parts = note.split(self.room()[0], room) if room > 0 else []
            if len(parts) == 2:
                return [*fitting, parts[0]], [parts[1], *notes[i + 1:]]
            return fitting, notes[i:]
        return fitting, []

    def _new(self, flowable: Any) -> list[int]:
        if not self._shared.notes:  # a report without notes: no flowable need be searched
            return []
        return [n for n in note_numbers(flowable, self.mark_font) if n not in self._placed]

    def _try(self, flowable: Any, canv: Any, trySplit: int, feet: list[Flowable]) -> int:
        """Add `flowable` with room kept for `feet` as well; keep them if it fits."""
        room = self._room(feet)
        self.set_foot(self.base() + self._reserved + room)
        try:
            placed: int = super().add(flowable, canv, trySplit)
        finally:
            self.set_foot(self.base() + self._reserved)
        if placed and feet:
            self._drawn += feet
            self._reserved += room
            self.set_foot(self.base() + self._reserved)
        return placed

    def _room_under(self, flowable: Any, canv: Any) -> float | None:
        """The height the page has left under `flowable` if it were added, or None if
        it does not fit (measured as Frame.add measures)."""
        top = self.cursor() - self.space_before(flowable)
        flowable.canv = canv  # as Frame.add lends it, for flowables that measure with it
        try:
            _, height = flowable.wrap(self.available_width(), top - self.foot())
        finally:
            del flowable.canv
        left = top - height - self.foot()
        return left if left >= 0 else None

    def add(self, flowable: Any, canv: Any, trySplit: int = 0) -> int:
        self._give_way(flowable, canv)
        numbers = self._new(flowable)
        if not numbers:
            added: int = super().add(flowable, canv, trySplit)
            return added
        feet = [self._shared.notes[n] for n in numbers]
        if not self._waiting and self._try(flowable, canv, trySplit, feet):
            self._placed.update(numbers)
            return 1
        # The whole notes do not fit under it. Maybe the flowable does, with its notes
        # begun under it and their ends carried to the next page; notes still waiting
        # from earlier pages go first, and these after them.
        left = self._room_under(flowable, canv)
        if left is None:
            return 0  # the frame splits it
        begun, rest = ([], feet) if self._waiting else self._fill(feet, left - self._rule())
        if rest and len(begun) < len(feet) and not self._keep_anyway(flowable, canv):
            return 0  # the frame splits it, so that a shorter part begins all its notes
        if not self._try(flowable, canv, trySplit, begun):
            return 0
        self._placed.update(numbers)
        self._waiting += rest
        return 1

    def _keep_anyway(self, flowable: Any, canv: Any) -> bool:
        """Whether `flowable` stays on this page although some of its notes begin on the
        next: it is the part the frame split off to fit here, notes from earlier pages
        fill this page's foot (no split would make room), or it is at the top of the
        page and cannot be split (moving it would leave the page empty)."""
        if getattr(flowable, "_split_here", False) or self._waiting:
            return True
        if not self.at_top():
            return False
        parts = self.split(flowable, canv)
        self._split_tried = (flowable, parts)  # the split reportlab asks for next
        return not parts

    def split(self, flowable: Any, canv: Any) -> list[Any]:
        tried, self._split_tried = self._split_tried, None
        if tried is not None and tried[0] is flowable:
            return tried[1]
        if not self._shared.notes:
            split: list[Any] = super().split(flowable, canv)
            return split
        parts: list[Any]
        if self._waiting:  # this page's foot has no room for new notes: they wait
            parts = super().split(flowable, canv)
        else:
            parts = self._split_with_notes(flowable, canv)
        if parts:
            # Kept on this page even if its notes do not all fit: they continue.
            parts[0]._split_here = True
        return parts

    def _split_with_notes(self, flowable: Any, canv: Any) -> list[Any]:
        """The longest part of `flowable` that fits here with room for its own notes.

        The room kept for notes is searched for: too little and the part's notes do
        not fit under it, too much and no part fits. Where none fits with all its
        notes, the shortest part found is kept here and its notes continue.
        """
        base = self.base()
        room, low, high = 0.0, 0.0, None  # low: too little room; high: no part fits
        best: list[Any] = []  # parts whose first fits with its notes, at the least room found
        best_room = None
        shortest: list[Any] = []
        try:
            for _ in range(SPLIT_TRIES):
                self.set_foot(base + self._reserved + room)
                parts = super().split(flowable, canv)
                if not parts and room == 0:
                    return []  # no part fits here at all
                needed = (self._room([self._shared.notes[n] for n in self._new(parts[0])])
                          if parts else 0.0)
                if parts and needed <= room:
                    best, best_room = parts, room
                elif parts:
                    shortest, low = parts, room
                else:
                    high = room
                if best_room is not None:  # narrow down to the least room that is enough
                    if best_room - low < 1.0:
                        break
                    room = (low + best_room) / 2
                elif parts and (high is None or needed < high):
                    room = needed
                else:
                    room = (low + (high or needed)) / 2
        finally:
            self.set_foot(base + self._reserved)
        return best or shortest

    def draw_notes(self, canv: Any) -> None:
        """At the end of a page: its notes, below a short rule, from the foot of the text down."""
        if not self._drawn:
            return
        x = self.content_left()
        width, height = self.room()
        y = self.base() + self._reserved - RULE_GAP
        canv.saveState()
        canv.setStrokeColor(self.rule_colour)
        canv.setLineWidth(0.5)
        canv.line(x, y, x + width * 0.3, y)
        canv.restoreState()
        y -= RULE_GAP
        for note in self._drawn:
            _, note_height = note.wrap(width, height)
            y -= note_height
            note.drawOn(canv, x, y)


class CarriedNotes(ActionFlowable):
    """The story's last flowable: as many more pages as the notes still waiting need."""

    def apply(self, doc: Any) -> None:
        doc.frame.closing = True  # the frame in use: portrait or landscape
        while doc.frame._waiting:  # each new page shows at least one piece of them
            # A page of notes is not an empty page (reportlab halts after ten of those).
            count_page_as_filled(doc)
            doc.handle_pageBreak()
            doc.clean_hanging()  # begins the next page, which takes its share of the notes
