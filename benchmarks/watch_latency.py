"""How long `reportexport watch` takes from a save to all three editions replaced.

Run from the project root:  python benchmarks/watch_latency.py [--edits 20]

A watcher runs on a copy of the canonical source. Each edit rewrites one
paragraph (a new word each time) and the clock runs from the save until the
last of the three editions in the output folder has been replaced, as a
writer with the PDF open would see it. Prints every latency, the median and
the worst.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("pdf", "docx", "epub")


def _editions(out: Path) -> dict[str, int]:
    stamps = {}
    for fmt in FORMATS:
        for path in out.glob(f"*.{fmt}"):
            stamps[fmt] = path.stat().st_mtime_ns
    return stamps


def _wait_for_new(out: Path, before: dict[str, int], timeout: float = 30.0) -> float:
    """Seconds until every edition's mtime differs from `before` (polled every 2 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        now = _editions(out)
        if len(now) == len(FORMATS) and all(now[f] != before.get(f) for f in FORMATS):
            return time.perf_counter()
        time.sleep(0.002)
    raise SystemExit("the editions were not replaced within 30 s")


def measure(edits: int) -> list[float]:
    python = sys.executable
    script = shutil.which("reportexport", path=str(Path(python).parent))
    cli = [script] if script else [python, "-m", "reportexport"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "report.yaml"
        text = (ROOT / "source" / "report.yaml").read_text(encoding="utf-8")
        source.write_text(text, encoding="utf-8")
        out = work / "out"
        watcher = subprocess.Popen([*cli, "watch", str(source), "-o", str(out), "-q"],
                                   stderr=subprocess.PIPE, text=True)
        try:
            _wait_for_new(out, {})
            time.sleep(1.0)  # settled: the first build's processes are warm
            latencies = []
            marker = "In conclusion, the assessment"
            assert marker in text
            for n in range(edits):
                before = _editions(out)
                edited = text.replace(marker, f"In conclusion (edit {n}), the assessment")
                saved = time.perf_counter()
                source.write_text(edited, encoding="utf-8")
                latencies.append(_wait_for_new(out, before) - saved)
                time.sleep(0.3)  # a writer's pause between saves
        finally:
            watcher.terminate()
            watcher.wait(timeout=30)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    latencies = measure(args.edits)
    shown = ", ".join(f"{s * 1000:.0f}" for s in latencies)
    print(f"watch: save to three editions replaced, {len(latencies)} edits, ms: {shown}")
    print(f"watch: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"worst {max(latencies) * 1000:.0f} ms ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
