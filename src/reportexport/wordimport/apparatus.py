"""The publisher's apparatus in a Word document's headings: numbers and annexes.

Our Word edition prints each heading as every edition does (frontend.Anchor.heading):
"2.1 Findings" when the report numbers its sections, "Annex A Methodology" for an
annex ("Annexe A" in French: the document's words, labels.py) and "A.1 Sampling"
inside a numbered one. Read back, the numbers go (the source
says `numbered_sections` instead) and the annexes become the source's appendices. A
document whose headings do not all carry exactly the numbers the editions would print
is read as written: nothing is taken off a heading on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportexport.frontend import annex_letter

if TYPE_CHECKING:
    from reportexport.wordimport.reader import Draft, DraftSection


def _walk(sections: list[DraftSection], counters: tuple[int, ...] = ()
          ) -> Iterator[tuple[tuple[int, ...], DraftSection]]:
    """Each section with its place among its siblings and its ancestors': (2, 1) for 2.1."""
    for number, section in enumerate(sections, 1):
        here = (*counters, number)
        yield here, section
        yield from _walk(section.sections, here)


def _annex_title(section: DraftSection, number: int, annex: str) -> str | None:
    """The title after "Annex B " (`annex`: the word) when `section` is the `number`-th
    annex; else None."""
    prefix = f"{annex} {annex_letter(number)} "
    return section.title[len(prefix):].strip() or None \
        if section.title.startswith(prefix) else None


def _first_annex(sections: list[DraftSection], annex: str) -> int:
    """Where the annexes begin: the longest run of top-level sections at the end titled
    "Annex A …", "Annex B …" in order (the body keeps at least its first section)."""
    for start in range(1, len(sections)):
        if _annex_title(sections[start], 1, annex) and all(
                _annex_title(section, number, annex) for number, section
                in enumerate(sections[start:], 1)):
            return start
    return len(sections)


def _numbered(sections: list[DraftSection], letter: str = "") -> bool:
    """Whether every heading of `sections` begins with the number the editions print."""
    found = list(_walk(sections))
    return bool(found) and all(
        section.title.startswith(_label(counters, letter) + " ")
        and section.title[len(_label(counters, letter)) + 1:].strip()
        for counters, section in found)


def _label(counters: tuple[int, ...], letter: str) -> str:
    return ".".join((letter, *map(str, counters)) if letter else map(str, counters))


def _strip(sections: list[DraftSection], letter: str = "") -> None:
    for counters, section in _walk(sections):
        section.title = section.title[len(_label(counters, letter)) + 1:].strip()


@dataclass(frozen=True)
class Layout:
    """What the source an edition is read back into says of its headings: whether they
    are numbered and how many annexes end it. An edited heading may have lost its
    number or label in Word; the source's word is taken over the headings' look. And
    the words the source gives its editions (`metadata.labels`), which the document is
    read with instead of those its properties record."""

    numbered: bool
    annexes: int
    labels: tuple[tuple[str, str], ...] = ()


#: A heading's number as the editions print it: "2", "2.1", "A.1".
_ANY_NUMBER = re.compile(r"^(?:[0-9]+|[A-Z]+\.[0-9]+)(?:\.[0-9]+)*\s+(?=\S)")


def number_headings(draft: Draft, words: Mapping[str, str], layout: Layout | None = None
                    ) -> None:
    """The body's numbered headings as `numbered_sections`, its annexes ("Annex A …" in
    `words`, labels.py) as appendices; as `layout` says, when given (see Layout)."""
    annex_word = words["annex"]
    start = _first_annex(draft.sections, annex_word)
    if layout is not None and len(draft.sections) - start < layout.annexes:
        # Fewer labelled annexes than the source has: a label was edited away in Word.
        start = max(1, len(draft.sections) - layout.annexes)
    elif layout is not None and not layout.annexes:
        start = len(draft.sections)
    draft.sections, annexes = draft.sections[:start], draft.sections[start:]
    for number, annex in enumerate(annexes, 1):
        annex.title = _annex_title(annex, number, annex_word) or re.sub(
            rf"^{re.escape(annex_word)} [A-Z]+\s+(?=\S)", "", annex.title)
    draft.appendices = annexes
    # Our edition starts a page for every section of the front matter and every annex,
    # whatever the source asks: their page breaks say nothing of `new_page`.
    for section in [*(inner for _, inner in _walk(draft.front)), *annexes]:
        section.new_page = False
    if layout is not None and layout.numbered:
        draft.numbered_sections = True
        for _, section in [*_walk(draft.sections),
                           *(inner for annex in annexes for inner in _walk(annex.sections))]:
            section.title = _ANY_NUMBER.sub("", section.title)
        return
    numbered = _numbered(draft.sections)
    if layout is None and numbered and all(_numbered(annex.sections, annex_letter(number))
                        for number, annex in enumerate(annexes, 1) if annex.sections):
        draft.numbered_sections = True
        _strip(draft.sections)
        for number, annex in enumerate(annexes, 1):
            _strip(annex.sections, annex_letter(number))


def references(draft: Draft, words: Mapping[str, str]) -> dict[int, str]:
    """What an automatic reference to each section prints in mid-sentence, by the
    section's identity: "section 2.1", "Annex A", "section A.1" (in `words`), or its
    title (frontend.Anchor.reference)."""
    found: dict[int, str] = {}
    numbered, section_word = draft.numbered_sections, words["section"]
    for section in draft.front:
        for _, inner in _walk([section]):
            found[id(inner)] = inner.title
    for counters, section in _walk(draft.sections):
        found[id(section)] = (f"{section_word} {_label(counters, '')}" if numbered
                              else section.title)
    for number, annex in enumerate(draft.appendices, 1):
        letter = annex_letter(number)
        found[id(annex)] = f"{words['annex']} {letter}"
        for counters, inner in _walk(annex.sections):
            found[id(inner)] = (f"{section_word} {_label(counters, letter)}" if numbered
                                else inner.title)
    return found


#: What an automatic reference to a table or figure prints: "Table 3", "Figure 1".
BLOCK_LABEL = re.compile(r"^(Table|Figure) ([1-9][0-9]*)$")
