"""Reviewers' marks in a Word document: tracked changes and comments.

Tracked changes are resolved before anything is read (accepted or rejected as the
user asked, or the import refused); comments are gathered to be printed, since the
source has no place for them and what a reviewer wrote must not be lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reportexport.wordimport.package import WordPackage, w

#: Marks that insert text (kept on accepting), and that delete it (kept on rejecting).
_INSERTIONS = ("ins", "moveTo")
_DELETIONS = ("del", "moveFrom")


def paragraph_number(element: Any, paragraphs: dict[Any, int]) -> int | None:
    """The number of the body paragraph holding `element` (1 for the first)."""
    while element is not None:
        if element in paragraphs:
            return paragraphs[element]
        element = element.getparent()
    return None


def number_paragraphs(document: Any) -> dict[Any, int]:
    """Each paragraph of the body, table cells' included, numbered in reading order."""
    return {p: i for i, p in enumerate(document.iter(w("p")), 1)}


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(w("t"), w("delText")))


def few_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


@dataclass(frozen=True)
class Change:
    kind: str  # "insertion" or "deletion"
    where: str  # "paragraph 12" or "footnotes"
    words: str


def tracked_changes(package: WordPackage) -> list[Change]:
    """Every pending insertion and deletion, in the body and in the notes."""
    numbers = number_paragraphs(package.document)
    found = []
    roots = [("", package.document)] + [(name, package.parts[name]) for name in
                                         ("footnotes", "endnotes") if name in package.parts]
    for part, root in roots:
        for element in root.iter(*(w(name) for name in _INSERTIONS + _DELETIONS)):
            if element.getparent() is not None and element.getparent().tag == w("rPr"):
                continue  # a paragraph mark's own insertion: no words of its own
            kind = "insertion" if element.tag in (w("ins"), w("moveTo")) else "deletion"
            number = paragraph_number(element, numbers) if not part else None
            where = f"paragraph {number}" if number else part or "the document"
            found.append(Change(kind, where, few_words(_text(element))))
    return found


def resolve_changes(package: WordPackage, decision: Literal["accept", "reject"]) -> None:
    """Apply (accept) or drop (reject) every tracked change, in place: the document
    then reads as Word shows it after "Accept all" or "Reject all"."""
    keep, drop = (_INSERTIONS, _DELETIONS) if decision == "accept" else (_DELETIONS, _INSERTIONS)
    for root in [package.document, *(package.parts[name] for name in ("footnotes", "endnotes")
                                     if name in package.parts)]:
        for element in list(root.iter(*(w(name) for name in drop))):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        for element in list(root.iter(*(w(name) for name in keep))):
            parent = element.getparent()
            if parent is None:
                continue
            if parent.tag == w("rPr"):
                parent.remove(element)  # a paragraph mark's revision: nothing to keep
                continue
            for deleted in element.iter(w("delText")):
                deleted.tag = w("t")  # rejected deletions read as text again
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset, child)
            parent.remove(element)
        # Formatting changes keep the formatting shown; their record goes.
        for element in list(root.iter(w("rPrChange"), w("pPrChange"))):
            element.getparent().remove(element)


@dataclass(frozen=True)
class Comment:
    author: str
    text: str  # what the reviewer wrote
    words: str  # the words commented on
    where: str  # "paragraph 12"


def comments(package: WordPackage) -> list[Comment]:
    """Each comment with its author, the commented words and their place."""
    part = package.parts.get("comments")
    if part is None:
        return []
    numbers = number_paragraphs(package.document)
    written = {c.get(w("id")): c for c in part.iter(w("comment"))}
    anchors, commented = _comment_marks(package.document)
    found = []
    for comment_id, comment in written.items():
        anchor = anchors.get(comment_id)
        words = "".join(commented.get(comment_id, []))
        number = paragraph_number(anchor, numbers) if anchor is not None else None
        found.append(Comment(comment.get(w("author"), "someone"),
                             " ".join(_text(comment).split()), few_words(words, 12),
                             f"paragraph {number}" if number else "the notes or a header"))
    return found


#: Of the words a comment covers, enough to show its first few (and that there are more).
_COMMENTED_CHARACTERS = 4096


def _comment_marks(document: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """In one pass through the document: each comment's anchor (its range's start, else
    its reference mark) and the text between its range marks (its first few thousand
    characters), by the comment's id."""
    anchors: dict[str, Any] = {}
    words: dict[str, list[str]] = {}
    open_ranges: dict[str, int] = {}  # a range being read -> the characters it holds
    for element in document.iter(w("commentRangeStart"), w("commentRangeEnd"),
                                 w("commentReference"), w("t")):
        comment_id = element.get(w("id"))
        if element.tag == w("t"):
            for open_id in list(open_ranges):
                words[open_id].append(element.text or "")
                open_ranges[open_id] += len(element.text or "")
                if open_ranges[open_id] > _COMMENTED_CHARACTERS:
                    del open_ranges[open_id]
        elif element.tag == w("commentRangeStart") and comment_id not in words:
            anchors[comment_id] = element
            words[comment_id] = []
            open_ranges[comment_id] = 0
        elif element.tag == w("commentRangeEnd"):
            open_ranges.pop(comment_id, None)
        elif element.tag == w("commentReference"):
            anchors.setdefault(comment_id, element)
    return anchors, words
