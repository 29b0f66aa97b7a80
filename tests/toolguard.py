"""The `conformance` marker, kept honest: a test without it may not start a conformance tool.

`pytest -m "not conformance"` is the inner loop (README): it must need no Java, no
LibreOffice, no Chromium with Ace and no PDF/UA checker. An audit hook sees every
process the subprocess module starts; while an unmarked test runs (its setup, and so
the fixtures it is first to ask for, included), starting one of the tools below fails
that test, in the inner loop and in the full run alike. tests/conftest.py loads this
plugin; tests/test_project.py shows that it fails such a test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from typing import Any

import pytest

#: Programs by their file name: EPUBCheck and the Nu HTML Checker run in Java, Ace and
#: Lighthouse start Chromium themselves.
TOOLS = frozenset({"java", "soffice", "libreoffice", "chromium", "ace", "ace-puppeteer", "pdfua",
                   "lighthouse"})
#: Playwright's driver, a Node.js process of the playwright package: it starts Chromium,
#: out of this hook's sight (tests/browser.py).
PLAYWRIGHT_DRIVER = "run-driver"

_running: pytest.Item | None = None  # the unmarked test running now, if any


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "subprocess.Popen" or _running is None:
        return
    program = os.path.basename(os.fsdecode(args[0]))  # the executable, never None here
    if PLAYWRIGHT_DRIVER in map(os.fsdecode, args[1] or ()):
        program = "chromium (through Playwright)"
    if program in TOOLS or program.startswith("chromium"):
        raise RuntimeError(f"{_running.nodeid} starts {program} but is not marked "
                           "@pytest.mark.conformance (pyproject.toml, tests/toolguard.py)")


def pytest_configure(config: pytest.Config) -> None:
    sys.addaudithook(_audit)  # for the life of the process; idle between tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    global _running
    _running = None if item.get_closest_marker("conformance") else item
    try:
        return (yield)
    finally:
        _running = None
