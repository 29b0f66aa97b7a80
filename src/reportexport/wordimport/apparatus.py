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
    body: int | None = None  # the source's top-level body sections
    #: The source's section titles, as a heading prints them after its number: what
    #: tells a number the editions printed from one the title opens with.
    titles: frozenset[str] = frozenset()


class LayoutMismatch(ValueError):
    """The document's headings cannot be the source's parts: the message says where."""


#: A heading's number as the editions print it: "2", "2.1", "A.1".
_ANY_NUMBER = re.compile(r"^(?:[0-9]+|[A-Z]+\.[0-9]+)(?:\.[0-9]+)*\s+(?=\S)")


def _unlabelled_annexes(draft: Draft, layout: Layout, start: int, annex_word: str) -> int:
    """Where the annexes begin when fewer headings are labelled "Annex A …" than the
    source has annexes: a label edited away in Word when the document has as many
    top-level headings as the source; else an annex was deleted or added in Word, or
    a section moved, and which heading is which is a guess: refused."""
    if layout.body is not None and len(draft.sections) != layout.body + layout.annexes:
        last = draft.sections[start - 1].title if start else ""
        labelled = len(draft.sections) - start
        raise LayoutMismatch(
            f"section '{last}': the Word document has {labelled} "
            f"heading{'s' * (labelled != 1)} labelled as annexes (\"{annex_word} A …\") "
            f"where the source has {layout.annexes}: add or remove annexes in the source")
    return max(1, len(draft.sections) - layout.annexes)


def _strip_numbers(sections: list[DraftSection], letter: str = "",
                   titles: frozenset[str] = frozenset()) -> list[str]:
    """Each heading's number taken off when it is one the editions printed: the number
    of the heading's place, unless the heading is a title of the source that opens with
    that number and lost its own ("3 ways to count", third); or, before a title of the
    source (`titles`), any number a heading of its depth can carry (a label edited, or
    a section added or deleted in Word above it). Never the first word of a title that
    lost its number ("2024 editions", "3 ways to count"): the headings kept whose
    number could be a label are returned, to be said."""
    found = list(_walk(sections))
    kept: list[str] = []
    for counters, section in found:
        title = section.title
        expected = _label(counters, letter) + " "
        match = _ANY_NUMBER.match(title)
        rest = title[match.end():].strip() if match else ""
        own = title[len(expected):].strip()
        if title.startswith(expected) and own and not (title in titles and own not in titles):
            section.title = own
        elif match is None or title in titles or not _a_label(match.group(), counters,
                                                               letter, len(found)):
            continue
        elif rest in titles:
            section.title = rest
        else:
            kept.append(title)
    return kept


def _strip_annex_labels(annexes: list[DraftSection], annex_word: str, count: int,
                        titles: frozenset[str]) -> list[tuple[str, str]]:
    """Each annex's label taken off when it is one the editions printed: the label of
    the annex's place ("Annex B" on the second, in the document's word), unless the
    heading is a title of the source that opens with it and lost its own ("Annex B of
    the 2021 decree", second); or, before a title of the source (`titles`), any label an
    annex of the document could carry (as many as its `count` top-level headings: a
    label edited in Word). Never the first words of a title that lost its label ("Annex
    B of the 2019 law"): the annexes kept whose opening could be a label are returned,
    each with its own label, to be said."""
    label = re.compile(rf"{re.escape(annex_word)} ([A-Z]+)\s+(?=\S)")
    kept: list[tuple[str, str]] = []
    for number, annex in enumerate(annexes, 1):
        title, own = annex.title, _annex_title(annex, number, annex_word)
        match = label.match(title)
        if own and not (title in titles and own not in titles):
            annex.title = own
        elif match is None or title in titles or not _an_annex_letter(match[1], count):
            continue
        elif (rest := title[match.end():].strip()) in titles:
            annex.title = rest
        else:
            kept.append((title, f"{annex_word} {annex_letter(number)}"))
    return kept


def _an_annex_letter(letters: str, count: int) -> bool:
    """Whether `letters` ("B", "AA") is the letter of one of `count` annexes: annex_letter
    orders them by length, then alphabetically (Z before AA)."""
    last = annex_letter(count)
    return (len(letters), letters) <= (len(last), last)


def _a_label(number: str, counters: tuple[int, ...], letter: str, count: int) -> bool:
    """Whether `number` ("3", "2.1", "A.1") could be a heading's label at the depth of
    `counters`: as many parts, none beyond the document's count of headings."""
    parts = number.strip().split(".")
    numbers = parts[1:] if letter else parts
    return (parts[0] == letter or not letter) and len(numbers) == len(counters) \
        and all(part.isdigit() and 0 < int(part) <= count for part in numbers)


def number_headings(draft: Draft, words: Mapping[str, str], layout: Layout | None = None
                    ) -> list[tuple[str, str]]:
    """The body's numbered headings as `numbered_sections`, its annexes ("Annex A …" in
    `words`, labels.py) as appendices; as `layout` says, when given (see Layout). Returns
    the headings that open with what may be a number or an annex's label but were kept
    as written: each title with the label the editions print there ("Annex A"), "" for
    a number."""
    annex_word = words["annex"]
    start = _first_annex(draft.sections, annex_word)
    if layout is not None and len(draft.sections) - start < layout.annexes:
        start = _unlabelled_annexes(draft, layout, start, annex_word)
    elif layout is not None and not layout.annexes:
        start = len(draft.sections)
    titles = layout.titles if layout is not None else frozenset()
    kept = _strip_annex_labels(draft.sections[start:], annex_word, len(draft.sections),
                               titles)
    draft.sections, annexes = draft.sections[:start], draft.sections[start:]
    draft.appendices = annexes
    # Our edition starts a page for every section of the front matter and every annex,
    # whatever the source asks: their page breaks say nothing of `new_page`.
    for section in [*(inner for _, inner in _walk(draft.front)), *annexes]:
        section.new_page = False
    # Numbered as the source says, or else as every heading's number says (the
    # annexes' headings too, lettered).
    numbered = layout.numbered if layout is not None else _numbered(draft.sections) and all(
        _numbered(annex.sections, annex_letter(number))
        for number, annex in enumerate(annexes, 1) if annex.sections)
    if numbered:
        draft.numbered_sections = True
        numbers = _strip_numbers(draft.sections, "", titles)
        for number, annex in enumerate(annexes, 1):
            numbers += _strip_numbers(annex.sections, annex_letter(number), titles)
        kept += [(title, "") for title in numbers]
    return kept

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
