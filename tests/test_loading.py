"""One loading pipeline (reportexport.loading): `reportexport.load`, the watcher and
the builder check through it, so a check added there is made by all three, and a
source is refused alike whichever of them reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportexport
from conftest import DATA
from reportexport import loading
from reportexport.source.problems import ExportError, InputError, Problem
from reportexport.source.reading import load_report
from reportexport.theme import load_theme
from reportexport.watching import Watcher

MINIMAL = DATA / "valid" / "minimal.yaml"
WIDE = DATA / "invalid" / "table-too-wide.yaml"


@pytest.fixture
def a_new_check(monkeypatch: pytest.MonkeyPatch) -> Problem:
    """A check added to the pipeline's theme checks, which finds one problem."""
    found = Problem(MINIMAL, None, "", "a problem only the new check finds")
    checks = loading.theme_problems
    monkeypatch.setattr(loading, "theme_problems",
                        lambda *args: [*checks(*args), found])
    return found


def test_load_makes_a_check_added_to_the_pipeline(a_new_check: Problem) -> None:
    with pytest.raises(InputError) as refused:
        reportexport.load(MINIMAL)
    assert refused.value.problems == [a_new_check]


def test_the_watcher_makes_it_on_every_read(a_new_check: Problem, tmp_path: Path) -> None:
    watcher = Watcher(MINIMAL, None)
    for _ in range(2):  # the first read loads the theme; the next keep it
        with pytest.raises(InputError) as refused:
            watcher.load({MINIMAL})
        assert refused.value.problems == [a_new_check]


def test_the_builder_makes_the_pipelines_checks(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    def refuse(*_: object) -> None:
        raise ExportError("refused by the pipeline's checks")

    monkeypatch.setattr(loading, "check_buildable", refuse)
    with pytest.raises(ExportError, match="pipeline"):
        reportexport.build(load_report(MINIMAL), load_theme(), ["epub"], tmp_path)
    assert not list(tmp_path.glob("*.epub"))


def test_load_and_the_watcher_refuse_a_source_alike(tmp_path: Path) -> None:
    with pytest.raises(InputError) as by_load:
        reportexport.load(WIDE)
    watcher = Watcher(WIDE, None)
    for _ in range(2):
        with pytest.raises(InputError) as by_watcher:
            watcher.load({WIDE})
        assert by_watcher.value.problems == by_load.value.problems
