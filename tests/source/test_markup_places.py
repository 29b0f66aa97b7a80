"""Where in a text each markup problem and cross-reference stands (inline.read_text).

markdown-it gives inline tokens no position: the reader wraps its link rule and the
footnote plugin's inline-note rule to note one. These tests fail loudly if either
library renames those rules or stops matching at the markup's first character.
"""

from __future__ import annotations

from pathlib import Path

from reportexport.source.inline import read_text
from reportexport.source.problems import PROBLEMS_SHOWN_PER_TEXT, Location, Problem, capped


def _starts(text: str) -> list[tuple[str, str]]:
    """Each problem's message opening, and the text from where it is placed."""
    return [(str(error)[:23], text[error.start:error.start + 6])
            for error in read_text(text).errors]


def test_each_refused_link_is_placed_at_its_own_bracket() -> None:
    text = "One [a](ftp://x) two [](ftp://x) end."
    assert [error.start for error in read_text(text).errors] == [4, 21, 21]


def test_each_refused_autolink_is_placed_at_its_own_angle_bracket() -> None:
    text = "See <ftp://x> and <ftp://x>."
    assert [error.start for error in read_text(text).errors] == [4, 18]


def test_an_escaped_bracket_is_not_taken_for_the_link_after_it() -> None:
    text = r"An \[x](ftp://a) before [y](ftp://a)."
    assert [error.start for error in read_text(text).errors] == [text.index("[y]")]


def test_a_refused_note_and_the_links_in_notes_are_placed_in_the_whole_text() -> None:
    text = "a ^[b [c](ftp://q) ^[d [e](ftp://r)]] f [x ^[n]](https://e.org)"
    assert _starts(text) == [
        ("link to 'ftp://q': a li", "[c](ft"),
        ("a note inside a note (^", "^[d [e"),  # told before the words it refuses
        ("link to 'ftp://r': a li", "[e](ft"),
        ("a note inside a link's ", "^[n]]("),
    ]


def test_cross_references_in_a_refused_note_are_found_where_they_stand() -> None:
    text = "A ^[a ^[b [](#gone2)]] and [](#gone1)."
    assert read_text(text).references == [("gone2", text.index("[](#gone2")),
                                          ("gone1", text.index("[](#gone1"))]


def test_capped_shows_the_first_then_closes_at_the_first_of_the_rest() -> None:
    found = list(range(PROBLEMS_SHOWN_PER_TEXT + 5))

    def problem(offset: int) -> Problem:
        return Problem(Path("r.yaml"), Location(1, offset + 1), "p", f"fault {offset}", offset)

    problems = capped(found, problem)
    assert [p.message for p in problems[-2:]] == [
        f"fault {PROBLEMS_SHOWN_PER_TEXT - 1}", "and 5 more in this text"]
    assert problems[-1].location == Location(1, PROBLEMS_SHOWN_PER_TEXT + 1)
    assert sum(p.more or 1 for p in problems) == len(found)
    assert capped(found[:PROBLEMS_SHOWN_PER_TEXT], problem)[-1].more == 0
