"""The benchmark runs (at 1x, quickly); it prints figures and asserts no time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from reportexport.model import block_content, cross_references, walk_sections
from reportexport.source.reading import load_report


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


def test_the_rich_example_scales_with_ids_and_references_of_its_own(tmp_path: Path) -> None:
    """benchmarks/rich.py's source: the guide's sections repeated, each copy's sections,
    tables and figures with ids of their own, and its references leading into the copy
    (a reference to what is not copied, an annex, still leads there)."""
    from scaled_source import scaled

    guide = ROOT / "examples" / "guide" / "guide.yaml"
    shutil.copytree(guide.parent / "images", tmp_path / "images")
    source = tmp_path / "guide-3x.yaml"
    source.write_text(scaled(guide.read_text(encoding="utf-8"), 3), encoding="utf-8")
    report, original = load_report(source), load_report(guide)
    assert len(report.sections) == 3 * len(original.sections)
    assert [a.id for a in report.appendices] == [a.id for a in original.appendices]
    copies = report.sections[2 * len(original.sections):]
    targets = {reference.target_id for section in copies for _, inner in walk_sections((section,))
               for block in inner.blocks for content in block_content(block)
               for reference in cross_references(content)}
    assert targets and all(t.endswith("-3") or t.startswith("annex-") for t in targets), targets
