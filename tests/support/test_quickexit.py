"""A process ended without finalization keeps what a normal exit does that counts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import atexit, sys
    from reportexport.support.quickexit import skip_finalization

    class Finalized:
        # Python's finalization would run this; an ended process does not.
        def __del__(self):
            print("finalized", file=sys.stderr)

    kept = Finalized()
    status = {status!r}
    skip_finalization(lambda: status)
    atexit.register(lambda: print("a later handler ran", file=sys.stderr))
    sys.stdout.write("held in the buffer, flushed at the end")
    sys.exit(5)
""")


_WITHOUT_DEBUG = {name: value for name, value in os.environ.items()
                  if name != "REPORTEXPORT_DEBUG"}


def _run(status: int | None, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(status=status), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, check=False, env=_WITHOUT_DEBUG)


@pytest.mark.parametrize("status", [0, 3])
def test_the_process_ends_with_its_status_its_output_and_its_later_handlers(
        status: int, tmp_path: Path) -> None:
    ended = _run(status, tmp_path)
    assert ended.returncode == status
    assert ended.stdout == "held in the buffer, flushed at the end"
    assert "a later handler ran" in ended.stderr
    assert "finalized" not in ended.stderr


def test_no_status_exits_as_python_does(tmp_path: Path) -> None:
    ended = _run(None, tmp_path)
    assert ended.returncode == 5
    assert ended.stdout == "held in the buffer, flushed at the end"
    assert "a later handler ran" in ended.stderr
    assert "finalized" in ended.stderr


def test_a_process_without_standard_output_ends_quietly(tmp_path: Path) -> None:
    """Started with its standard output closed (`>&-`), Python gives it none."""
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(status=0).replace(
        'sys.stdout.write("held in the buffer, flushed at the end")', "sys.stdout = None"),
        encoding="utf-8")
    ended = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                           timeout=60, check=False, env=_WITHOUT_DEBUG)
    assert ended.returncode == 0
    assert "Exception" not in ended.stderr and "finalized" not in ended.stderr


@pytest.mark.parametrize(("options", "environment"),
                         [(["-X", "dev"], {}), ([], {"REPORTEXPORT_DEBUG": "1"})],
                         ids=["dev-mode", "debug"])
def test_a_debugging_run_exits_as_python_does(options: list[str], environment: dict[str, str],
                                              tmp_path: Path) -> None:
    """Finalization is where unclosed files and leaks are reported: kept when debugging."""
    script = tmp_path / "script.py"
    script.write_text(SCRIPT.format(status=3), encoding="utf-8")
    ended = subprocess.run([sys.executable, *options, str(script)], capture_output=True,
                           text=True, timeout=60, check=False,
                           env={**os.environ, **environment})
    assert ended.returncode == 5
    assert "finalized" in ended.stderr
