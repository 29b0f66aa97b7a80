"""Dates as the editions print them, read back (the Word import's title-page facts)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportexport.support.dates import human_date, read_human_date


@pytest.mark.parametrize("language", ["en", "en-GB", "fr", "fr-CA", "es", "km"])
def test_every_day_of_a_leap_year_reads_back(language: str) -> None:
    first = dt.date(2024, 1, 1)
    for offset in range(366):
        day = first + dt.timedelta(days=offset)
        assert read_human_date(human_date(day, language), language) == day


@pytest.mark.parametrize(("text", "language"), [
    ("31 février 2024", "fr"), ("1 mai", "fr"), ("1er Mayo 2024", "fr"),
    ("1 de mai de 2024", "es"), ("May 1st 2024", "en"), ("1 mayo 2024 extra", "es"),
    ("le 1er mai 2024", "fr"), ("", "en")])
def test_other_text_is_no_date(text: str, language: str) -> None:
    assert read_human_date(text, language) is None
