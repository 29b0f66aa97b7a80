"""Hyphenation of the PDF's text with pyphen (the dictionaries LibreOffice and WeasyPrint use).

reportlab asks for a word's hyphenation points when the word does not fit at
the end of a line, and adds a hyphen to the head. flowables._space_line_ends
then draws that hyphen as a soft hyphen (U+00AD): it shows as a hyphen, and the
text read back (copying, searching, the tag tree) is the word unbroken, since a
soft hyphen is not part of the text's words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pyphen

SOFT_HYPHEN = "\u00ad"
#: Hyphens and dashes a word may already hold: a hard hyphen and a soft hyphen are
#: where such a word breaks, with no hyphen added; an en dash, a non-breaking hyphen
#: (U+2011) and a hyphen (U+2010) are not broken after (reportlab would add a hyphen).
_BREAK_AFTER = "-" + SOFT_HYPHEN
_WRITTEN_BREAKS = _BREAK_AFTER + "\u2013\u2011\u2010"
#: Letters kept together at a word's start and end: "in-clusivity" and "report-ed"
#: read badly; and the shortest word broken. Ragged-right lines need few breaks:
#: only a long word leaves a gap worth closing.
_LEFT, _RIGHT, SHORTEST = 3, 3, 8


def written_breaks(word: str) -> list[tuple[str, str]]:
    """The breaks of a word that holds hyphens or dashes: after its hard and soft hyphens
    only, longest head first. Pattern hyphenation inside one of its parts ("sub-sam-ple")
    reads badly, and pyphen offers a break before the hyphen ("sub" + "-sample"), to
    which reportlab adds one: "sub-" and "-sample"."""
    return [(word[:i + 1], word[i + 1:]) for i in range(len(word) - 2, 0, -1)
            if word[i] in _BREAK_AFTER and word[i + 1] not in _WRITTEN_BREAKS]


@functools.cache
def hyphenator(language: str) -> Callable[[str], list[tuple[str, str]]] | None:
    """The ways to break a word of `language`, longest head first; None without a dictionary."""
    # Plain "en" takes the US patterns (Liang's, TeX's): pyphen's British ones,
    # its choice for "en", break "elect-oral" and "rep-res-ent-at-ives".
    code = "en_US" if language.lower() == "en" else language.replace("-", "_")
    dictionary = pyphen.language_fallback(code)
    if dictionary is None:
        return None
    hyphenate = pyphen.Pyphen(lang=dictionary, left=_LEFT, right=_RIGHT)

    # reportlab asks again each time the word ends a line; a report repeats its words.
    @functools.lru_cache(maxsize=8192)
    def pairs(word: str) -> list[tuple[str, str]]:
        if any(mark in word for mark in _WRITTEN_BREAKS):
            return written_breaks(word)
        if word[:1].isupper():  # names (Cambodian, Candlelight) are not broken
            return []
        return list(hyphenate.iterate(word))

    return pairs
