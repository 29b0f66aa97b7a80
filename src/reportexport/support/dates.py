"""Dates as a reader of the report's language expects to see them."""

from __future__ import annotations

import datetime as dt

from reportexport.support.languagetags import primary_subtag

_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
_FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)
_SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre",
)


def human_date(day: dt.date, language: str) -> str:
    """'5 July 2023' for English, '5 juillet 2023' ('1er mai') for French, '5 de julio
    de 2023' for Spanish; ISO 8601 for languages without a table here."""
    primary, month = primary_subtag(language), day.month - 1
    if primary == "en":
        return f"{day.day} {_ENGLISH_MONTHS[month]} {day.year}"
    if primary == "fr":
        return f"{'1er' if day.day == 1 else day.day} {_FRENCH_MONTHS[month]} {day.year}"
    if primary == "es":
        return f"{day.day} de {_SPANISH_MONTHS[month]} de {day.year}"
    return day.isoformat()


def read_human_date(text: str, language: str) -> dt.date | None:
    """The date `human_date` writes as `text` in `language` ('1er mai 2024', '1 de mayo
    de 2024', '1 May 2024', or ISO 8601); None for other text."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    months = _MONTH_NUMBERS.get(primary_subtag(language), {})
    words = text.lower().replace(" de ", " ").split()
    if len(words) != 3 or words[1] not in months:
        return None
    day, month, year = words
    try:
        return dt.date(int(year), months[month], int(day.removesuffix("er")))
    except ValueError:  # no number, or no such day
        return None


#: Each language's months, lower case, to their numbers.
_MONTH_NUMBERS = {
    language: {name.lower(): number for number, name in enumerate(names, 1)}
    for language, names in (("en", _ENGLISH_MONTHS), ("fr", _FRENCH_MONTHS),
                            ("es", _SPANISH_MONTHS))}


def accented_months(language: str) -> bool:
    """Whether `language`'s dates are written with months whose letters go beyond
    ASCII (French, Spanish): text the fonts must cover, as they must the source's."""
    return primary_subtag(language) in ("fr", "es")
