"""The premises of the source reading's shortcuts (source/yamlload.py, source/reading.py,
source/inline.py): each says when a check or a step can be skipped, and must stay true
whatever PyYAML or Unicode's tables do."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from conftest import DATA, ROOT
from reportexport.source import inline, reading, yamlload

#: The one corpus source that is no text: nothing is read from it, with places or without.
NOT_TEXT = DATA / "invalid" / "not-utf8.yaml"
SOURCES = sorted({ROOT / "source" / "report.yaml", ROOT / "examples" / "guide" / "guide.yaml",
                  *(DATA / "valid").glob("*.yaml"), *(DATA / "invalid").glob("*.yaml")}
                 - {NOT_TEXT})


def test_the_source_that_is_no_text_is_refused_before_any_reading() -> None:
    with pytest.raises(yamlload.InputError, match="is not UTF-8"):
        yamlload.read_text(NOT_TEXT, max_bytes=yamlload.MAX_INPUT_BYTES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_reading_without_places_gives_the_data_reading_with_them_gives(source: Path) -> None:
    text = yamlload.read_text(source, max_bytes=yamlload.MAX_INPUT_BYTES)
    plain = yamlload.LocatedData(source, None, text=text)
    placed = yamlload.LocatedData(source, None, text=text)
    places = yamlload.SourcePlaces()
    try:
        found = yamlload._read(plain, None)
    except yamlload._Refused:  # read again with places (load_yaml), which refuse it too
        with pytest.raises(yamlload.InputError):
            yamlload._read(placed, places)
        return
    except yamlload.InputError as refused:  # refused alike, with the same messages
        with pytest.raises(yamlload.InputError) as again:
            yamlload._read(placed, places)
        assert again.value.problems == refused.problems
        return
    assert yamlload._read(placed, places) == found
    assert (plain.data, plain.numerals) == (placed.data, placed.numerals)
    # The places found later, when a message asks, are those of a reading with them.
    assert plain.places == places and bool(places.values) == found


def test_a_scalar_opening_with_no_resolvers_character_is_text() -> None:
    resolver = Resolver()
    assert None not in Resolver.yaml_implicit_resolvers  # no resolver for every scalar
    for code in range(0x20, 0x30000):
        first = chr(code)
        if first in yamlload._RESOLVED_OPENINGS or unicodedata.category(first) == "Cs":
            continue
        for value in (first, first + "1", first + "rue", first + "0:0"):
            assert resolver.resolve(ScalarNode, value, (True, False)) == (  # type: ignore[no-untyped-call]
                "tag:yaml.org,2002:str"), value


def test_every_character_xml_or_html_forbids_is_unprintable() -> None:
    printable = "".join(char for char in map(chr, range(0x110000)) if char.isprintable())
    assert reading._XML_FORBIDDEN.search(printable) is None
    assert next(reading._html_forbidden(printable), None) is None


def test_visible_ascii_is_readable_by_the_long_test_too() -> None:
    for char in map(chr, range(0x21, 0x7F)):
        assert unicodedata.category(char) not in inline._UNREADABLE_CATEGORIES
        assert char not in inline._BLANK_CHARACTERS and not char.isspace()


def test_the_characters_of_a_report_are_those_of_its_texts() -> None:
    for source in SOURCES:
        try:
            report = reading.check_source(source)[0]
        except yamlload.InputError:
            continue
        assert report.characters == {char for _, text in report.texts() for char in text}
