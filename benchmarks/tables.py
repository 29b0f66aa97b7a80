"""Time per table row, at 1,000 to 40,000 rows, in every edition.

A report of one section holding one one-column table of N rows ("Row 1" ...)
is built into each edition in a process of its own (the console script's
`reportexport FORMAT`), and the wall time and peak RSS are printed with the
CPU time per 1,000 rows: a build in linear time keeps that column flat.

    .venv/bin/python benchmarks/tables.py [--rows 1000,10000,20000,40000] [--formats pdf,docx,epub]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

from run import _run_once


def table_source(rows: int) -> str:
    """A report whose one section holds a one-column table of `rows` rows."""
    return yaml.safe_dump({
        "metadata": {"title": f"A table of {rows} rows", "publisher": "P", "authors": "A",
                     "date": "2024-01-31", "language": "en"},
        "sections": [{"id": "table", "title": "The table", "blocks": [
            {"table": {"caption": "Rows", "columns": ["Row"],
                       "rows": [[f"Row {n}"] for n in range(1, rows + 1)]}}]}],
    }, sort_keys=False)


def build(source: Path, out: Path, edition: str) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one cold `reportexport EDITION`."""
    script = Path(sys.executable).with_name("reportexport")
    command = [str(script), edition, str(source), "-o", str(out)]
    return _run_once(command, {"SOURCE_DATE_EPOCH": "1700000000"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="1000,10000,20000,40000")
    parser.add_argument("--formats", default="pdf,docx,epub")
    args = parser.parse_args()
    print("| edition | rows | wall | CPU | CPU per 1,000 rows | peak RSS |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for edition in args.formats.split(","):
            for rows in (int(n) for n in args.rows.split(",")):
                source = Path(folder) / f"table-{rows}.yaml"
                source.write_text(table_source(rows), encoding="utf-8")
                seconds, peak, cpu = build(source, Path(folder) / "out", edition)
                print(f"| {edition} | {rows:,} | {seconds:.2f} s | {cpu:.2f} s | "
                      f"{cpu / rows * 1000 * 1000:.0f} ms | {peak:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
