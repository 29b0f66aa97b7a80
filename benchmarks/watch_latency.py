"""How long `reportexport watch` takes from a save to its editions replaced.

Run from the project root:  python benchmarks/watch_latency.py [--source PATH]
    [--formats pdf,docx,epub,html] [--edits 20] [--against PYTHON] [--breakdown]

A watcher runs on a copy of the source (the canonical summary unless `--source`
says otherwise; `benchmarks/data/rebuild.yaml` is the 11-page rich report, with
two tables, a figure and notes), beside a copy of its images. Each edit
rewrites one paragraph (a new word each time) and the clock runs from the save
until every edition of `--formats` in the output folder has been replaced, as
a writer with the editions open would see it. The watcher's own line ("built
... in N ms": reading the source and writing the editions) is read too, so the
rest (waiting for the editor to finish writing, publishing) shows.

`--against PYTHON` runs a second watcher with another installation's Python
(say, a venv of the previous commit) on its own copy, and alternates the saves
between the two, so that a busy spell of the machine slows both alike.

`--new-characters`: each save also types a character the source has not shown
yet (a Latin-1 letter or a punctuation mark): the HTML edition must then cut and
compress its fonts again.

`--breakdown` times, in this process and warm (libraries loaded, one build
done), reading the source and writing each edition, one after the other: where
a rebuild's time goes when nothing runs in parallel.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "In conclusion, the assessment"
BUILT = re.compile(r"reportexport: built .* in (\d+) ms(?: \((.*) ms\))?")


def _cli(python: str) -> list[str]:
    script = shutil.which("reportexport", path=str(Path(python).parent))
    return [script] if script else [python, "-m", "reportexport"]


class Watching:
    """One `reportexport watch` process on its own copy of the source."""

    def __init__(self, python: str, source: Path, work: Path, formats: list[str],
                 new_characters: bool = False) -> None:
        work.mkdir()
        self.formats = formats
        self.new_characters = new_characters
        self.text = source.read_text(encoding="utf-8")
        if MARKER not in self.text:
            raise SystemExit(f"{source}: has no paragraph with '{MARKER}' to edit")
        if (source.parent / "images").is_dir():
            shutil.copytree(source.parent / "images", work / "images")
        self.source = work / "report.yaml"
        self.source.write_text(self.text, encoding="utf-8")
        self.out = work / "out"
        self.built: queue.Queue[float] = queue.Queue()
        self.each: dict[str, list[float]] = {}  # each edition's time, as the watcher says
        self.process = subprocess.Popen(
            [*_cli(python), "watch", str(self.source), "-o", str(self.out),
             "--formats", ",".join(formats)], stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if found := BUILT.match(line):
                for name, ms in (part.split() for part in (found[2] or "").split(", ") if part):
                    self.each.setdefault(name, []).append(int(ms) / 1000)
                self.built.put(int(found[1]) / 1000)
            elif not line.startswith("reportexport: watching"):
                print(f"watcher: {line}", end="", file=sys.stderr)

    def editions(self) -> dict[str, tuple[int, int]]:
        stamps = {}
        for fmt in self.formats:
            for path in self.out.glob(f"*.{fmt}"):
                found = path.stat()
                stamps[fmt] = (found.st_ino, found.st_mtime_ns)
        return stamps

    def wait_for_new(self, before: dict[str, tuple[int, int]], timeout: float = 30.0) -> float:
        """perf_counter() once every edition differs from `before` (polled every 2 ms)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            now = self.editions()
            if len(now) == len(self.formats) and all(now[f] != before.get(f)
                                                     for f in self.formats):
                return time.perf_counter()
            time.sleep(0.002)
        raise SystemExit("the editions were not replaced within 30 s")

    def cpu(self) -> float:
        """CPU seconds the watcher and its build processes have used (Linux's /proc)."""
        ticks, pending = 0, [self.process.pid]
        while pending:
            pid = pending.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except (OSError, IndexError):
                continue
            pending += [int(child) for child in children]
        return ticks / os.sysconf("SC_CLK_TCK")

    def save(self, n: int) -> tuple[float, float, float]:
        """Edit, save, and return (save to editions replaced, the watcher's own build time,
        the CPU time its processes used meanwhile)."""
        while not self.built.empty():
            self.built.get()
        before = self.editions()
        cpu = self.cpu()
        typed = f" {_new_characters(self.text)[n]}" if self.new_characters else ""
        edited = self.text.replace(MARKER, f"In conclusion (edit {n}{typed}), the assessment")
        saved = time.perf_counter()
        self.source.write_text(edited, encoding="utf-8")
        replaced = self.wait_for_new(before) - saved
        built = self.built.get(timeout=30)
        time.sleep(0.1)  # the workers get the next build's shares ready: counted too
        return replaced, built, self.cpu() - cpu

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _new_characters(text: str) -> list[str]:
    """Letters and marks a writer may type that `text` lacks (nor their capitals, which
    the HTML edition's fonts hold for its labels), in code point order."""
    candidates = [chr(code) for code in (*range(0xC0, 0x100), *range(0x2013, 0x2027))]
    return [c for c in candidates if c not in text and c.upper() not in text.upper()
            and c.isprintable() and c not in "×÷"]


@contextmanager
def watching(pythons: list[str], source: Path, formats: list[str],
             new_characters: bool) -> Iterator[list[Watching]]:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        watchers = []
        for n, python in enumerate(pythons):
            watcher = Watching(python, source, Path(tmp) / f"w{n}", formats, new_characters)
            stack.callback(watcher.stop)
            watchers.append(watcher)
        for watcher in watchers:
            watcher.wait_for_new({})
            watcher.built.get(timeout=30)
        time.sleep(1.0)  # settled: the first build's processes are warm
        yield watchers


def measure(pythons: list[str], source: Path, formats: list[str], edits: int,
            new_characters: bool = False) -> list[list[tuple[float, float, float]]]:
    """For each Python, every edit's (save to replaced, build, CPU); the saves alternate."""
    results: list[list[tuple[float, float, float]]] = [[] for _ in pythons]
    with watching(pythons, source, formats, new_characters) as watchers:
        for watcher in watchers:
            watcher.each.clear()  # the first build's: not counted
        for n in range(edits):
            for watcher, result in zip(watchers, results, strict=True):
                result.append(watcher.save(n))
                time.sleep(0.2)  # a writer's pause between saves
        for python, watcher in zip(pythons, watchers, strict=True):
            if watcher.each:  # an older watcher does not say
                print(f"watch ({python}): each edition, in its worker, median ms: " + ", ".join(
                    f"{name} {statistics.median(times) * 1000:.0f}"
                    for name, times in watcher.each.items()))
    return results


def breakdown(source: Path, formats: list[str], runs: int) -> None:
    """Warm, in this process: reading the source, and each edition, one after the other."""
    from reportexport import exporters
    from reportexport.loading import load

    timings: dict[str, list[float]] = {"load": [], **{fmt: [] for fmt in formats}}
    chosen = [exporters.load(fmt) for fmt in formats]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs + 1):  # the first run warms up: not counted
            start = time.perf_counter()
            report, theme = load(source, None)
            took = {"load": time.perf_counter() - start}
            for exporter in chosen:
                start = time.perf_counter()
                exporter.export(report, theme, Path(tmp) / f"edition{exporter.suffix}")
                took[exporter.name] = time.perf_counter() - start
            for what, seconds in took.items():
                timings[what].append(seconds)
    shown = ", ".join(f"{what} {statistics.median(values[1:]) * 1000:.0f}"
                      for what, values in timings.items())
    print(f"in process, warm, median of {runs} ms: {shown}")


def _load() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "source" / "report.yaml")
    parser.add_argument("--formats", default="pdf,docx,epub,html")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--against", metavar="PYTHON",
                        help="another installation's Python, watched in turn")
    parser.add_argument("--new-characters", action="store_true")
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()
    formats = [name for name in args.formats.split(",") if name]
    pythons = [sys.executable, *([args.against] if args.against else [])]
    print(f"{args.source.name}, {','.join(formats)}, {os.cpu_count()} cores, {_load()}")
    results = measure(pythons, args.source.resolve(), formats, args.edits, args.new_characters)
    for python, result in zip(pythons, results, strict=True):
        replaced = [r for r, _, _ in result]
        built = [b for _, b, _ in result]
        cpu = [c for _, _, c in result]
        print(f"watch ({python}): save to editions replaced, ms: "
              + ", ".join(f"{s * 1000:.0f}" for s in replaced))
        print(f"watch ({python}): save to editions replaced median "
              f"{statistics.median(replaced) * 1000:.0f} ms, worst {max(replaced) * 1000:.0f} "
              f"ms; the watcher's build median {statistics.median(built) * 1000:.0f} ms; "
              f"CPU per save median {statistics.median(cpu) * 1000:.0f} ms")
    print(f"after: {_load()}")
    if args.breakdown:
        breakdown(args.source.resolve(), formats, 10)


if __name__ == "__main__":
    main()
