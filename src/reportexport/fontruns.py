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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reportexport.fontsubset import covers
from reportexport.model import Report
from reportexport.theme import FontFamily

#: (first, last code point, BCP 47 language) for the scripts whose text needs a
#: language of its own: each is written by one language, in practice.
SCRIPT_LANGUAGES = (
    (0x1780, 0x17FF, "km"), (0x19E0, 0x19FF, "km"),  # Khmer, Khmer Symbols
    (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x1000, 0x109F, "my"),
)

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


def _strong(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def needs_glyph(char: str) -> bool:
    """Layout turns ordinary white space into spacing; every other character is drawn."""
    return not char.isspace() or char in "\u00a0\u202f"


@functools.cache
def _plain_characters(family: FontFamily) -> frozenset[str]:
    """The characters the family's own font has, in no script with a language of its own."""
    return frozenset(chr(code) for code in covers(family.regular)
                     if language_of(chr(code)) is None)


def _plain(text: str, family: FontFamily) -> bool:
    """True when the family's own font has every character and none needs a language."""
    return _plain_characters(family).issuperset(text)


def font_runs(text: str, family: FontFamily) -> list[Run]:
    """`text` as runs of one font and one language, in order; joined, they are `text`."""
    if not text or _plain(text, family):
        return [Run(text, 0, None)]
    fonts = [covers(member.regular) for member in chain(family)]

    def first_with(char: str) -> int:
        return next((i for i, has in enumerate(fonts) if ord(char) in has), 0)

    runs: list[Run] = []
    font, language = 0, None
    for word in _WORDS.findall(text):
        if word[0].isspace():
            runs.append(Run(word, font, language))
            continue
        strong = [c for c in word if _strong(c)]
        wanted = {first_with(c) for c in strong}
        if len(wanted) == 1:
            whole = wanted.pop()
            if all(ord(c) in fonts[whole] for c in word if needs_glyph(c)):
                languages = {language_of(c) for c in strong}
                language = languages.pop() if len(languages) == 1 else None
                font = whole
                runs.append(Run(word, font, language))
                continue
        for char in word:
            if _strong(char) or ord(char) not in fonts[font]:
                font, language = first_with(char), language_of(char)
            runs.append(Run(char, font, language))
    return _merged(runs)


def language_runs(text: str) -> list[Run]:
    """`text` as runs of one language (None: the document's), whatever the fonts."""
    if not _HAS_LANGUAGE.search(text):
        return [Run(text, 0, None)]
    runs: list[Run] = []
    language = None
    for word in _WORDS.findall(text):
        if not word[0].isspace():
            languages = {language_of(c) for c in word if _strong(c)}
            if len(languages) == 1:
                language = languages.pop()
            else:
                for char in word:
                    if _strong(char):
                        language = language_of(char)
                    runs.append(Run(char, 0, language))
                continue
        runs.append(Run(word, 0, language))
    return _merged(runs)


def needed_fallbacks(report: Report, families: Iterable[FontFamily]) -> set[FontFamily]:
    """The fallbacks that set some of the report's text: those an edition must carry."""
    used = {ord(c) for c in report.characters()}
    needed = set()
    for family in families:
        lacking = used - covers(family.regular)
        for fallback in family.fallbacks:
            if lacking & covers(fallback.regular):
                needed.add(fallback)
                lacking -= covers(fallback.regular)
    return needed


def _merged(runs: Iterable[Run]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if out and (out[-1].font, out[-1].language) == (run.font, run.language):
            out[-1] = Run(out[-1].text + run.text, run.font, run.language)
        else:
            out.append(run)
    return out


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
