"""Every bad source in tests/data/invalid gets exit 2 and located messages, with no traceback.

One case per file: NAME.yaml is the source, NAME.expected lists lines that
must each appear in the error output (LINE:COLUMN: PATH: message).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from reportexport.cli import main

CASES = sorted((DATA / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("source", CASES, ids=[c.stem for c in CASES])
def test_bad_source_is_refused_with_located_messages(
        source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In-process, through `validate`: a build checks the source the same way (below)."""
    expected = (source.with_suffix(".expected")).read_text(encoding="utf-8").splitlines()
    assert main(["validate", str(source)]) == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    for line in expected:
        if re.match(r"\d+:\d+: ", line):  # a located line: FILE:LINE:COLUMN: …
            assert f"{source}:{line}" in stderr, stderr
        else:
            assert line in stderr, stderr


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 25


def test_a_bad_source_exits_2_without_a_traceback_from_a_real_process(tmp_path: Path) -> None:
    source = DATA / "invalid" / "many-problems-at-once.yaml"
    result = run_cli("all", source, "-o", tmp_path / "out")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{source}:")
    assert not (tmp_path / "out").exists()


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run_cli("validate", missing)
    assert result.code == 2
    assert f"{missing}: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_folder_given_as_source(tmp_path: Path) -> None:
    result = run_cli("validate", tmp_path)
    assert result.code == 2
    assert f"{tmp_path}: is a folder, not a YAML file" in result.stderr


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, which reads any file: simulate the permission error instead.
    from reportexport.source.problems import InputError
    from reportexport.source.reading import load_report

    source = tmp_path / "locked.yaml"
    source.write_text("metadata: {}\n")

    real_open = os.open

    def refuse(path: str | Path, *args: object, **kwargs: object) -> int:
        if Path(path) == source:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError) as caught:
        load_report(source)
    assert str(caught.value) == f"{source}: cannot be read (permission denied)"


def test_bad_theme_is_located(tmp_path: Path) -> None:
    theme = tmp_path / "theme.yaml"
    from conftest import ROOT

    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace('text: "#1F2328"', 'text: "dark grey"').replace("size: A4", "size: A3")
    theme.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--style", theme)
    assert result.code == 2
    lines = text.splitlines()
    colour_line = next(i for i, line in enumerate(lines, 1) if "dark grey" in line)
    size_line = next(i for i, line in enumerate(lines, 1) if "size: A3" in line)
    errors = result.stderr
    assert f"{theme}:{colour_line}:9: colours.text: expected a colour written #RRGGBB" in errors
    assert f"{theme}:{size_line}:9: page.size: expected one of A4, A5, Letter, Legal" in errors


def test_a_theme_gets_every_stage_at_once(tmp_path: Path) -> None:
    """Schema problems do not hide a missing font file; each message names the value."""
    from conftest import ROOT

    theme = tmp_path / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    text = (text.replace("size: A4", "size: a4").replace("Caladea-Bold.ttf", "Caladea-Blod.ttf")
            .replace("contents: shared", "contents: yes"))
    theme.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--style", theme)
    assert result.code == 2
    lines = text.splitlines()

    def at(words: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if words in line)

    for expected in (
        f"{at('size: a4')}:9: page.size: expected one of A4, A5, Letter, Legal; found 'a4' "
        "(did you mean 'A4'?)",
        f"{at('Blod')}:11: fonts.body.bold: font file 'Caladea-Blod.ttf' not found beside the "
        "theme or among the bundled fonts (did you mean 'Caladea-Bold.ttf'?)",
        f"{at('contents: yes')}:11: contents: expected one of page, shared, none; found yes, "
        "which YAML reads as true\n",
    ):
        assert f"{theme}:{expected}" in result.stderr, result.stderr
    assert "3 problems" in result.stderr


def test_theme_font_that_does_not_exist(tmp_path: Path) -> None:
    from conftest import ROOT

    theme = tmp_path / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme.write_text(text.replace("Caladea-Bold.ttf", "Missing-Bold.ttf"), encoding="utf-8")
    result = run_cli("validate", "--style", theme)
    assert result.code == 2
    assert "fonts.body.bold: font file 'Missing-Bold.ttf' not found" in result.stderr


def test_without_libyaml_the_same_problems_are_found_at_the_same_places() -> None:
    """PyYAML built without libyaml falls back to its pure-Python parser."""
    import json
    import subprocess
    import sys

    probe = """
import json, sys
sys.modules["yaml._yaml"] = None  # as if PyYAML had been built without libyaml
from pathlib import Path
from reportexport import load
from reportexport.source.problems import InputError
found = {}
for name in sys.argv[1:]:
    try:
        load(Path(name))
        found[name] = []
    except InputError as exc:
        found[name] = [str(p) for p in exc.problems]
print(json.dumps(found))
"""
    done = subprocess.run([sys.executable, "-c", probe, *map(str, CASES)],
                          capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    for source in CASES:
        first = source.with_suffix(".expected").read_text(encoding="utf-8").splitlines()[0]
        location = first.split(": ")[0]
        assert any(p.startswith(f"{source}:{location}: ") for p in found[str(source)]), (
            source.name, found[str(source)])


@pytest.mark.parametrize(("case", "place", "places", "closing"), [
    # A quoted text is located where it begins: its problems keep the text's order.
    ("text-many-control-characters", r"at position (\d+) of the text", range(2, 41, 2),
     "and 5 more in this text"),
    # An SVG's faults are all located at the figure's `image:`: they keep the file's order.
    ("figure-svg-many-scripts", r"\(line (\d+) of the SVG\)", range(2, 22),
     "and 5 more in this image"),
])
def test_problems_located_alike_keep_their_order(
        case: str, place: str, places: range, closing: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Problems located alike are told in the order of what holds them (position 2 before
    position 10, line 2 before line 10), at most 20, then the closing "and N more"."""
    source = DATA / "invalid" / f"{case}.yaml"
    assert main(["validate", str(source)]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines()
             if line.startswith(f"{source}:")]
    assert [int(found) for line in lines for found in re.findall(place, line)] == list(places)
    assert lines[-1].endswith(f": {closing}")


def test_an_svg_with_several_faults_is_refused_before_any_edition_is_written(
        tmp_path: Path) -> None:
    source = DATA / "invalid" / "figure-svg-script-and-external-href.yaml"
    result = run_cli("all", source, "-o", tmp_path / "out")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "holds a <script> element (line 2 of the SVG)" in result.stderr
    assert "refers to 'https://example.com/track.png' outside itself" in result.stderr
    assert "reportexport: 2 problems; nothing was written" in result.stderr
    assert not (tmp_path / "out").exists()
