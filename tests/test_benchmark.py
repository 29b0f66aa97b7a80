"""The benchmark runs (at 1x, quickly); it prints figures and asserts no time."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_benchmark_runs_at_1x() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scales", "1", "--runs", "1",
         "--quick-runs", "1", "--no-pandoc", "--no-naive"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for fmt in ("pdf", "docx", "epub", "html", "all"):
        assert any(line.startswith(f"reportexport {fmt}") for line in lines)
    assert lines[-1].startswith("| 1x |")
