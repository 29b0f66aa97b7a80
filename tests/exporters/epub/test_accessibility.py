"""Ace by DAISY, the accessibility checker publishers use, finds no violation in the e-books.

.ci/run installs Ace globally (npm, without its Electron download) and Debian's
Chromium; a machine without them skips this check, as one without LibreOffice
skips that one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import DATA, ROOT
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import Theme

pytestmark = pytest.mark.conformance  # every test here reads Ace's reports

ACE, CHROMIUM = shutil.which("ace-puppeteer"), shutil.which("chromium")
CASES = {
    "report": ROOT / "source" / "report.yaml",
    "guide": ROOT / "examples" / "guide" / "guide.yaml",
    "footnotes": DATA / "valid" / "footnotes.yaml",  # many notes in one document
    "empty-cells": DATA / "valid" / "empty-cells.yaml",  # table cells with nothing in them
    "svg-figure": DATA / "valid" / "svg-figure.yaml",  # an image/svg+xml figure
    # callouts (asides), definition lists, nested lists, a table's note
    "everyday-blocks": DATA / "valid" / "everyday-blocks.yaml",
}


@pytest.fixture(scope="module")
def ace_reports(theme: Theme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    assert ACE and CHROMIUM, "Ace by DAISY and Chromium are needed (.ci/run installs both)"
    folder = tmp_path_factory.mktemp("ace")
    running = {}
    for name, source in CASES.items():
        [epub] = build(load_report(source), theme, ["epub"], folder / name)
        running[name] = subprocess.Popen(
            [str(ACE), "-f", "-s", "-o", str(folder / f"{name}-report"), str(epub)],
            env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reports = {}
    for name, process in running.items():
        output, _ = process.communicate(timeout=300)
        report = folder / f"{name}-report" / "report.json"
        assert report.is_file(), output
        reports[name] = json.loads(report.read_text(encoding="utf-8"))
    return reports


@pytest.mark.parametrize("case", list(CASES))
def test_ace_finds_no_violation(case: str, ace_reports: dict[str, dict]) -> None:
    report = ace_reports[case]
    violations = [(assertion["earl:testSubject"]["url"], check["earl:test"]["dct:title"],
                   check["earl:result"]["dct:description"])
                  for assertion in report["assertions"] for check in assertion["assertions"]]
    assert report["earl:result"]["earl:outcome"] == "pass", violations
    assert violations == []
