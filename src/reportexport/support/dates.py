"""Dates as a reader of the report's language expects to see them."""

from __future__ import annotations

import datetime as dt

_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)


def human_date(day: dt.date, language: str) -> str:
    """'5 July 2023' for English; ISO 8601 for languages without a table here."""
    if language.lower().split("-")[0] == "en":
        return f"{day.day} {_ENGLISH_MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()
