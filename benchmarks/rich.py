"""The rich example (every element: markup, notes, tables, a figure, the apparatus) at scale.

Run from the project root:  python benchmarks/rich.py [--scales 1,100,1000] [--runs 1]

The guide (examples/guide/guide.yaml) has its sections repeated with unique
ids, its tables' and figures' too (scaled_source.py), beside a copy of its
images, and each edition is built by a cold `reportexport FORMAT` process:
median wall time and peak RSS, and the PDF's pages. A plain source of the same
size is measured in turn, so that the cost of the markup itself shows as a ratio.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import FORMATS, measure_alternating  # noqa: E402
from scaled_source import scaled  # noqa: E402

GUIDE = ROOT / "examples" / "guide" / "guide.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,100,1000")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    python = sys.executable
    script = shutil.which("reportexport", path=str(Path(python).parent))
    cli = [script] if script else [python, "-m", "reportexport"]
    env = {"SOURCE_DATE_EPOCH": "1688515200"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(GUIDE.parent / "images", work / "images")
        for scale in (int(s) for s in args.scales.split(",")):
            rich = work / f"guide-{scale}x.yaml"
            rich.write_text(scaled(GUIDE.read_text(encoding="utf-8"), scale), encoding="utf-8")
            plain = work / f"report-{scale * 3}x.yaml"  # about as many sections
            plain.write_text(scaled((ROOT / "source" / "report.yaml").read_text(
                encoding="utf-8"), max(1, scale * 3 // 8)), encoding="utf-8")
            cells = [f"{scale}x", f"{rich.stat().st_size / 1024:.0f} KiB"]
            for fmt in FORMATS:
                out = work / f"out-{scale}"
                rich_run, plain_run = measure_alternating(
                    [[*cli, fmt, str(rich), "-o", str(out), "-q"],
                     [*cli, fmt, str(plain), "-o", str(work / "plain"), "-q"]], args.runs, env)
                print(f"{scale}x rich {fmt}: {rich_run}   (plain source of "
                      f"{plain.stat().st_size / 1024:.0f} KiB: {plain_run})", flush=True)
                cells.append(f"{rich_run.seconds:.2f} s, {rich_run.peak_mib:.0f} MiB")
            from pypdf import PdfReader

            pages = len(PdfReader(next((work / f"out-{scale}").glob("*.pdf"))).pages)
            cells.append(str(pages))
            rows.append("| " + " | ".join(cells) + " |")
    print(f"\n| scale | source | {' | '.join(FORMATS)} | PDF pages |\n"
          + "|---" * (len(FORMATS) + 3) + "|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
