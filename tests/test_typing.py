"""The package's types hold: mypy --strict, as configured in pyproject.toml, finds
nothing over src/ (issue 23, item 6). `py.typed` ships them, so they are checked."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from conftest import ROOT


def test_mypy_strict_finds_no_error_in_src() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "src/reportexport"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_configured_strict() -> None:
    """The command line's --strict is also the configuration's, so a bare `mypy` agrees."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["src/reportexport"]
