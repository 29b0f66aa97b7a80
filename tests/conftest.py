"""Shared fixtures: the real source, built editions, and a way to run the CLI as users do."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportexport.building import build
from reportexport.model import Report
from reportexport.source.reading import load_report
from reportexport.theme import Theme, load_theme
from toolguard import pytest_configure, pytest_runtest_protocol  # noqa: F401  (hooks)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the scaled sources are shared with the benchmark
SOURCE = ROOT / "source" / "report.yaml"
DATA = Path(__file__).resolve().parent / "data"
FORMATS = ("pdf", "docx", "epub", "html")


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> CliResult:
    """Run `python -m reportexport` in a fresh process, exactly as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("REPORTEXPORT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "reportexport", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, env=full_env, timeout=300,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def report() -> Report:
    return load_report(SOURCE)


@pytest.fixture(scope="session")
def theme() -> Theme:
    return load_theme()


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory, report: Report,
             theme: Theme) -> dict[str, Path]:
    """Every edition of the real source, built once for the whole session."""
    out = tmp_path_factory.mktemp("editions")
    paths = build(report, theme, list(FORMATS), out)
    return {path.suffix.lstrip("."): path for path in paths}


@pytest.fixture(scope="session")
def scaled_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real source at 20x: enough pages to exercise page breaks and long contents."""
    from scaled_source import scaled

    path = tmp_path_factory.mktemp("scaled") / "report-20x.yaml"
    path.write_text(scaled(SOURCE.read_text(encoding="utf-8"), 20), encoding="utf-8")
    return path
