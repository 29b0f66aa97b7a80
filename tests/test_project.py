"""The project's promises about itself: README commands, CI, lint, licences."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme)


def test_readme_opens_with_the_build_and_test_commands() -> None:
    build, test = _readme_commands()[:2]
    assert build.endswith("reportexport all")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    test = _readme_commands()[1]
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_code_is_ruff_clean() -> None:
    # ruff is installed beside the interpreter running the tests (the test extra).
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is part of the test extra and must be installed")
    done = subprocess.run([ruff, "check", "src", "tests", "benchmarks"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_licences_ship_with_the_fonts() -> None:
    fonts = ROOT / "src" / "reportexport" / "fonts"
    families = {path.name.split("-")[0] for path in fonts.glob("*.ttf")}
    for family in families:
        assert (fonts / f"{family}-OFL.txt").read_text().startswith("Copyright")
    assert (ROOT / "LICENSE").is_file()


@pytest.mark.parametrize("page", ["README.md", "docs/source-format.md"])
def test_source_examples_are_valid(page: str, tmp_path: Path) -> None:
    # The README's short example and the annotated one of the source format's page.
    from reportexport.source.reading import load_report

    text = (ROOT / page).read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.+?)\n```", text, re.DOTALL).group(1)
    source = tmp_path / "example.yaml"
    source.write_text(example, encoding="utf-8")
    (tmp_path / "images").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "valid" / "images" / "bars.png",
                tmp_path / "images" / "chart.png")
    report = load_report(source)
    data = yaml.safe_load(example)
    titles = [section["title"] for part in ("front", "sections", "appendices")
              for section in data.get(part, [])]
    assert titles and report.outline() == [(1, title) for title in titles]


DOCS = ["README.md", "CHANGELOG.md", "benchmarks/README.md",
        *(f"docs/{page.name}" for page in sorted((ROOT / "docs").glob("*.md")))]


@pytest.mark.parametrize("page", DOCS)
def test_docs_links_resolve(page: str) -> None:
    # Every relative link of the README and the docs names a file that exists.
    text = (ROOT / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        path = target.split("#")[0]
        assert (ROOT / page).parent.joinpath(path).exists(), f"{page}: {target}"
    fences = [line for line in text.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0, f"{page}: a code block is not closed"


def test_readme_stays_short() -> None:
    assert len((ROOT / "README.md").read_bytes()) <= 14 * 1024


_GUARDED = """
import os, subprocess, sys
import pytest

TOOL = os.environ["FAKE_TOOL"]


def test_unmarked():
    subprocess.run([TOOL], check=True)


@pytest.mark.conformance
def test_marked():
    subprocess.run([TOOL], check=True)


@pytest.fixture(scope="module")
def report():
    return subprocess.run([TOOL], check=True)


def test_unmarked_through_a_fixture(report):
    pass


def test_unmarked_playwright():
    # Playwright's driver is Node.js running the package's cli.js; it starts Chromium.
    subprocess.run([os.environ["FAKE_NODE"], "cli.js", "run-driver"], check=True)


@pytest.mark.parametrize("program", [pytest.param(TOOL, marks=pytest.mark.conformance),
                                     sys.executable], ids=["tool", "python"])
def test_case(program):
    subprocess.run([program, "-c", "pass"], check=True)
"""


def test_an_unmarked_test_that_starts_a_conformance_tool_fails(tmp_path: Path) -> None:
    """The inner loop (`pytest -m "not conformance"`) needs none of the conformance tools:
    tests/toolguard.py fails a test that starts one without the marker (here stand-ins
    named soffice, and node run as Playwright's driver), and the project's own marker
    settings refuse a misspelt marker."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]
    assert "--strict-markers" in options["addopts"].split()
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-markers\nmarkers =\n" +
        "".join(f"    {line}\n" for line in options["markers"]))
    (tmp_path / "conftest.py").write_text(
        "from toolguard import pytest_configure, pytest_runtest_protocol  # noqa: F401\n")
    (tmp_path / "test_guarded.py").write_text(_GUARDED)
    (tmp_path / "test_misspelt.py").write_text(
        "import pytest\n\n@pytest.mark.conformace\ndef test_typo():\n    pass\n")
    tool = tmp_path / "bin" / "soffice"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    node = tool.with_name("node")
    node.write_bytes(tool.read_bytes())
    node.chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--continue-on-collection-errors", "-q", "-rfE"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "FAKE_TOOL": str(tool), "FAKE_NODE": str(node),
             "PYTHONPATH": str(ROOT / "tests")})
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    failed = sorted(re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, re.MULTILINE))
    assert failed == ["test_guarded.py::test_unmarked",
                      "test_guarded.py::test_unmarked_playwright",
                      "test_guarded.py::test_unmarked_through_a_fixture",
                      "test_misspelt.py"], out
    assert "test_unmarked starts soffice but is not marked" in out, out
    assert "starts chromium (through Playwright) but is not marked" in out, out
    assert "'conformace' not found in `markers`" in out, out
    assert re.search(r"\b2 failed, 3 passed, 2 errors\b", out), out


def test_every_package_of_the_source_tree_is_installed() -> None:
    """pyproject.toml lists the packages a wheel carries: a package left out installs
    nowhere but an editable checkout (the HTML edition's once did)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts)
             for init in src.rglob("__init__.py")}
    assert found - listed == set(), "packages missing from [tool.setuptools] packages"
