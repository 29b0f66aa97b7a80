"""Which font of a family's chain sets each piece of text, and in which language.

A theme's family names fallback fonts for scripts its own font lacks (Khmer in
the default theme). Every edition splits text into runs the same way: a letter
goes to the first font of the chain that has it; spaces, punctuation and marks
stay with the run they are in, and a whole word (no white space inside) keeps
one font when that font has all of it, so a word is shaped with one font.
A run in a script named in SCRIPT_LANGUAGES carries that language, so that
readers, Word and screen readers shape, break and speak it as that language.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from reportexport.source.problems import is_noncharacter
from reportexport.theme import FontFamily
from reportexport.typography.fontsubset import covers

#: (first, last code point, BCP 47 language) for the scripts whose text needs a
#: language of its own: each is written by one language, in practice.
SCRIPT_LANGUAGES = (
    (0x1780, 0x17FF, "km"), (0x19E0, 0x19FF, "km"),  # Khmer, Khmer Symbols
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1000, 0x109F, "my"),
)

K = TypeVar("K")
_WORDS = re.compile(r"\s+|\S+")
_HAS_LANGUAGE = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}"
                                         for first, last, _ in SCRIPT_LANGUAGES) + "]")


@dataclass(frozen=True, slots=True)
class Run:
    """Text set in one font of the chain: 0 for the family's own, n for its nth fallback."""

    text: str
    font: int
    language: str | None


def chain(family: FontFamily) -> tuple[FontFamily, ...]:
    return (family, *family.fallbacks)


def language_of(char: str) -> str | None:
    code = ord(char)
    for first, last, language in SCRIPT_LANGUAGES:
        if first <= code <= last:
            return language
    return None


def first_language(text: str) -> str | None:
    """The language of the first character of `text` that has one (`language_of`)."""
    found = _HAS_LANGUAGE.search(text)
    return None if found is None else language_of(found.group())


def _strong(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


#: Unicode's default-ignorable code points (DerivedCoreProperties.txt): joiners,
#: variation selectors, the soft hyphen, the word joiner… Shaping and layout act on
#: them, and a font need not have a glyph for them: they are drawn as nothing.
DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


def default_ignorable_codes() -> Iterator[int]:
    """Every code point DEFAULT_IGNORABLE matches."""
    ranges = DEFAULT_IGNORABLE.pattern[1:-1]
    for match in re.finditer(r"(.)(?:-(.))?", ranges, re.DOTALL):
        first, last = match.group(1), match.group(2) or match.group(1)
        yield from range(ord(first), ord(last) + 1)


def needs_glyph(char: str) -> bool:
    """Layout turns ordinary white space into spacing, and default-ignorable characters
    into nothing; every other character is drawn.

    Control characters, surrogates and noncharacters are no text (the source check
    refuses them on their own)."""
    if char.isspace():
        return char in "\u00a0\u202f"
    code = ord(char)
    if unicodedata.category(char) in ("Cc", "Cs") or is_noncharacter(code):
        return False
    return not DEFAULT_IGNORABLE.match(char)


@functools.cache
def _plain_characters(family: FontFamily) -> frozenset[str]:
    """The characters the family's own font has, in no script with a language of its own."""
    return frozenset(chr(code) for code in covers(family.regular)
                     if language_of(chr(code)) is None)


def _plain(text: str, family: FontFamily) -> bool:
    """True when the family's own font has every character and none needs a language."""
    return _plain_characters(family).issuperset(text)


def _split(text: str, key: Callable[[str], K], holds: Callable[[K, str], bool],
           start: K) -> list[tuple[str, K]]:
    """`text` in pieces of one key, in order. A word (no white space inside) keeps one
    key when its letters and digits agree on it and it `holds` the whole word;
    otherwise each letter takes its own key, and spaces, punctuation and marks stay
    with the piece they are in while it holds them."""
    pieces: list[tuple[str, K]] = []
    current = start
    for word in _WORDS.findall(text):
        if not word[0].isspace():
            keys = {key(c) for c in word if _strong(c)}
            if len(keys) == 1 and holds(whole := keys.pop(), word):
                current = whole
            else:
                for char in word:
                    if _strong(char) or not holds(current, char):
                        current = key(char)
                    pieces.append((char, current))
                continue
        pieces.append((word, current))
    merged: list[tuple[str, K]] = []
    for piece, piece_key in pieces:
        if merged and merged[-1][1] == piece_key:
            merged[-1] = (merged[-1][0] + piece, piece_key)
        else:
            merged.append((piece, piece_key))
    return merged


def font_runs(text: str, family: FontFamily) -> list[Run]:
    """`text` as runs of one font and one language, in order; joined, they are `text`."""
    if not text or _plain(text, family):
        return [Run(text, 0, None)]
    fonts = [covers(member.regular) for member in chain(family)]

    def key(char: str) -> tuple[int, str | None]:
        font = next((i for i, has in enumerate(fonts) if ord(char) in has), 0)
        return font, language_of(char)

    def holds(chosen: tuple[int, str | None], piece: str) -> bool:
        return all(ord(c) in fonts[chosen[0]] for c in piece if needs_glyph(c))

    first: tuple[int, str | None] = (0, None)
    return [Run(piece, font, language)
            for piece, (font, language) in _split(text, key, holds, first)]


def language_runs(text: str) -> list[Run]:
    """`text` as runs of one language (None: the document's), whatever the fonts."""
    if not _HAS_LANGUAGE.search(text):
        return [Run(text, 0, None)]
    return [Run(piece, 0, language)
            for piece, language in _split(text, language_of, lambda _key, _piece: True, None)]


def needed_fallbacks(characters: Iterable[str],
                     families: Iterable[FontFamily]) -> list[FontFamily]:
    """The fallbacks that set some of `characters` (a report's): those an edition carries."""
    used = {ord(c) for c in characters if needs_glyph(c)}
    needed: list[FontFamily] = []
    for family in families:
        lacking = used - covers(family.regular)
        for fallback in family.fallbacks:
            if lacking & covers(fallback.regular) and fallback not in needed:
                needed.append(fallback)
            lacking -= covers(fallback.regular)
    return needed


def uncovered(characters: Iterable[str], families: Iterable[FontFamily]) -> Iterator[
        tuple[str, FontFamily]]:
    """(character, family) for each drawn character that no font of a family's chain has."""
    families = list(families)
    needed = sorted({c for c in characters if needs_glyph(c)})
    for family in families:
        fonts = [covers(member.regular) for member in chain(family)]
        for char in needed:
            if not any(ord(char) in has for has in fonts):
                yield char, family
