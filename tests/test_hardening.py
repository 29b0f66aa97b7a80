"""Never lose an edition, and stay bounded on absurd input."""

from __future__ import annotations

import errno
import hashlib
import re
import time
from pathlib import Path

import pytest

from conftest import SOURCE, run_cli
from reportexport.cli import main


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub"])
def test_disk_full_keeps_the_previous_edition(fmt: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from reportexport import exporters

    out = tmp_path / "dist"
    assert main([fmt, str(SOURCE), "-o", str(out)]) == 0
    before = _digests(out)
    exporter_class = type(exporters.load(fmt))
    real_export = exporter_class.export

    def full_disk(self: object, report: object, theme: object, destination: Path) -> None:
        real_export(self, report, theme, destination)  # the file is written…
        raise OSError(errno.ENOSPC, "No space left on device", str(destination))  # …then not

    monkeypatch.setattr(exporter_class, "export", full_disk)
    capsys.readouterr()
    assert main([fmt, str(SOURCE), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert _digests(out) == before
    assert sorted(p.name for p in out.iterdir()) == list(before), "no temporary file left"


def test_a_50_mib_source_is_refused_at_once(tmp_path: Path) -> None:
    source = tmp_path / "huge.yaml"
    with source.open("wb") as handle:
        handle.write(b"metadata: {}\n")
        handle.truncate(50 * 2**20)
    start = time.perf_counter()
    result = run_cli("validate", source)
    elapsed = time.perf_counter() - start
    assert result.code == 2
    assert f"{source}: is 50.0 MiB; the limit is 32 MiB" in result.stderr
    print(f"refused a 50 MiB source in {elapsed:.2f} s")


@pytest.mark.parametrize("depth", [65, 100_000])
def test_absurd_nesting_is_refused_without_recursion(depth: int, tmp_path: Path) -> None:
    source = tmp_path / "deep.yaml"
    source.write_text("a: " + "[" * depth + "]" * depth + "\n")
    result = run_cli("validate", source)
    assert result.code == 2, result.stderr
    # Ours stops at 64 levels; far deeper, libyaml's own scanner refuses first (at 1000).
    assert re.search(rf"{re.escape(str(source))}:1:\d+: .*(nested more than 64 levels deep|"
                     r"exceeded maximum nesting depth)", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr


def test_deep_mapping_nesting_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "deep.yaml"
    source.write_text("".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n")
    result = run_cli("validate", source)
    assert result.code == 2
    assert ": nested more than 64 levels deep" in result.stderr
