"""Benchmark every edition from 1x to 1000x, side by side with pandoc and a naive reportlab build.

Run from the project root:  python benchmarks/run.py  (see --help for scales and runs)

Everything is measured as whole processes (cold start, imports included):
median wall time over --runs runs and the peak resident memory of the largest
process (wait4's rusage). In-process times (source already loaded, libraries
already imported) are measured too. Ratios are printed alongside seconds
because shared machines are noisy, and every ratio (a format against the
previous scale, against pandoc or the naive build, `all` against importing its
libraries) compares commands run in turn, so that a busy spell slows both alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from scaled_source import scaled  # noqa: E402

FORMATS = ("pdf", "docx", "epub", "html")
# Every library `all` imports to build the canonical source: YAML, the schema
# engine, the three output libraries, Pillow (the EPUB cover), HarfBuzz (font
# subsetting), pyphen (the PDF's hyphenation) and fontTools with Brotli (the web
# page's WOFF2 fonts). icu4py is imported only for text in Khmer, Thai, Lao or Myanmar.
LIBRARY_IMPORTS = ("import yaml, jsonschema_rs, reportlab.platypus, docx, ebooklib.epub, "
                   "PIL.Image, uharfbuzz, pyphen, fontTools.ttLib.woff2, brotli")


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mib: float
    cpu_seconds: float  # user + system, the process and the children it waited for

    def __str__(self) -> str:
        return f"{self.seconds:8.2f} s {self.peak_mib:7.0f} MiB"


def _run_once(command: list[str], env: dict[str, str] | None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MiB and CPU seconds of one cold run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure_alternating(commands: list[list[str]], runs: int,
                        env: dict[str, str] | None = None, quick_runs: int = 1) -> list[Measure]:
    """`measure` for several commands, run in turn: a busy spell slows them all alike.

    Commands that take under a second get at least `quick_runs` runs: their
    medians are the ones a few milliseconds of noise can move.
    """
    samples = [[_run_once(command, env)] for command in commands]
    quick = max(taken[0][0] for taken in samples) < 1.0
    for _ in range((max(runs, quick_runs) if quick else runs) - 1):
        for command, taken in zip(commands, samples, strict=True):
            taken.append(_run_once(command, env))
    return [Measure(statistics.median(t for t, _, _ in taken), max(p for _, p, _ in taken),
                    statistics.median(c for _, _, c in taken)) for taken in samples]


def measure(command: list[str], runs: int, env: dict[str, str] | None = None,
            quick_runs: int = 1) -> Measure:
    """Median wall and CPU time, and the largest peak RSS, over `runs` cold runs of `command`."""
    return measure_alternating([command], runs, env, quick_runs)[0]


def in_process(source: Path, out: Path, runs: int) -> dict[str, float]:
    """Median seconds per format with libraries imported and the source loaded.

    Runs in a child process: a parent grown by these imports would pass its
    peak memory on to every process it starts afterwards (Linux keeps the
    high-water mark across fork and exec), spoiling the cold measurements.
    """
    done = subprocess.run([sys.executable, __file__, "--in-process", str(source), str(out),
                           str(runs)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _in_process_child(source: Path, out: Path, runs: int) -> None:
    from reportexport.building import build
    from reportexport.source.reading import load_report
    from reportexport.theme import load_theme

    report, theme = load_report(source), load_theme()
    results = {}
    for fmt in FORMATS:
        build(report, theme, [fmt], out)  # warm: imports and font registration
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            build(report, theme, [fmt], out)
            times.append(time.perf_counter() - start)
        results[fmt] = statistics.median(times)
    from pypdf import PdfReader

    pdf = next(out.glob("*.pdf"))
    results["pages"] = len(PdfReader(pdf).pages)
    print(json.dumps(results))


def main() -> None:
    if sys.argv[1:2] == ["--in-process"]:
        _in_process_child(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100,1000",
                        help="comma-separated scale factors (default: 1,10,100,1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--quick-runs", type=int, default=15,
                        help="at least this many runs for commands under a second (default: 15)")
    parser.add_argument("--no-pandoc", action="store_true", help="skip pandoc")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reportlab build")
    parser.add_argument("--markdown", type=Path, help="also write the results table here")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    python = sys.executable
    # The console script, as users run it (python -m adds runpy's start-up).
    script = shutil.which("reportexport", path=str(Path(python).parent))
    cli = [script] if script else [python, "-m", "reportexport"]
    pandoc = None
    if not args.no_pandoc:
        try:
            import pypandoc

            pandoc = pypandoc.get_pandoc_path()
        except (ImportError, OSError):
            pandoc = shutil.which("pandoc")
    env = {"SOURCE_DATE_EPOCH": "1688515200"}

    print(f"reportexport benchmark, {dt.date.today()}, {platform.node()}: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, runs={args.runs}")
    # Unmeasured runs first: the first start-up after an install reads cold files
    # and would make whichever command is measured first look slow.
    for command in ([python, "-c", LIBRARY_IMPORTS],
                    [*cli, "all", str(ROOT / "source" / "report.yaml"), "-o", tempfile.mkdtemp()],
                    *([[pandoc, "--version"]] if pandoc else [])):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    quick = args.quick_runs
    bare = measure([python, "-c", "pass"], args.runs, quick_runs=quick)
    libs_command = [python, "-c", LIBRARY_IMPORTS]
    libs = measure(libs_command, args.runs, quick_runs=quick)
    print(f"bare interpreter {bare}; interpreter + libraries ({LIBRARY_IMPORTS}) {libs}")
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = (ROOT / "source" / "report.yaml").read_text(encoding="utf-8")
        previous_scale: int | None = None
        for scale in scales:
            source = work / f"report-{scale}x.yaml"
            source.write_text(scaled(base, scale), encoding="utf-8")
            out = work / f"out-{scale}"
            size = source.stat().st_size / 2**20
            print(f"\n== {scale}x ({size * 1024:.0f} KiB of YAML)")
            markdown = work / f"report-{scale}x.md"
            if pandoc:
                subprocess.run([python, str(HERE / "markdown_source.py"), str(source),
                                str(markdown)], check=True)
            # Every ratio compares commands measured in turn, in the same minutes:
            # the format at the previous scale (growth), and the other tool.
            others: dict[str, tuple[str, list[str]]] = {"all": ("imports", libs_command)}
            if not args.no_naive:
                others["pdf"] = ("naive reportlab multiBuild",
                                 [python, str(HERE / "naive_pdf.py"), str(source),
                                  str(work / "naive.pdf")])
            if pandoc:
                for fmt, extra in (("docx", []), ("epub", ["-t", "epub3"]), ("html", ["-s"])):
                    others[fmt] = (f"pandoc {fmt}", [pandoc, str(markdown), "--toc", *extra,
                                                     "-o", str(work / f"pandoc.{fmt}")])
            grows = previous_scale is not None and scale == 10 * previous_scale
            results: dict[str, Measure] = {}
            ratios: dict[str, float] = {}
            for fmt in (*FORMATS, "all"):
                commands = [[*cli, fmt, str(source), "-o", str(out)]]
                if grows:
                    commands.append([*cli, fmt, str(work / f"report-{previous_scale}x.yaml"),
                                     "-o", str(work / f"out-{previous_scale}")])
                if fmt in others:
                    commands.append(others[fmt][1])
                measured = measure_alternating(commands, args.runs, env, quick)
                results[fmt] = measured[0]
                growth = ""
                if grows:
                    growth = f"  ({measured[0].seconds / measured[1].seconds:.1f}x the " \
                             f"previous scale, measured in turn)"
                print(f"reportexport {fmt:5} {results[fmt]}{growth}")
                if fmt in others:
                    ratios[fmt] = measured[0].seconds / measured[-1].seconds
                    if fmt == "all":
                        libs = measured[-1]
                    else:
                        print(f"{others[fmt][0]} {measured[-1]}  -> reportexport {fmt} at "
                              f"{ratios[fmt]:.2f}x, measured in turn")
            if pandoc:
                # Word in: our Word edition of this scale imported into a new source,
                # against pandoc reading the same file into Markdown, measured in turn.
                [edition] = (out).glob("*.docx")
                imported = measure_alternating(
                    [[*cli, "import", str(edition), "-o", str(work / f"import-{scale}"),
                      "--force", "-q"],
                     [pandoc, str(edition), "-t", "markdown", "-o", str(work / "pandoc-in.md")]],
                    args.runs, env, quick)
                print(f"reportexport import {imported[0]}\npandoc docx->md     {imported[1]}"
                      f"  -> import at {imported[0].seconds / imported[1].seconds:.2f}x, "
                      "measured in turn")
            warm = in_process(source, work / "warm", args.runs)
            n_pages = int(warm.pop("pages"))
            print(f"PDF: {n_pages} pages, {n_pages / results['pdf'].seconds:.0f} pages/s")
            print(f"'all' / library import time, measured in turn: "
                  f"{results['all'].seconds / libs.seconds:.2f} ({results['all'].seconds:.3f} s "
                  f"/ {libs.seconds:.3f} s); 'all' used {results['all'].cpu_seconds:.2f} s of CPU "
                  f"in its processes (the libraries' import {libs.cpu_seconds:.2f} s), so on "
                  f"{os.cpu_count()} cores it cannot take less than "
                  f"{results['all'].cpu_seconds / (os.cpu_count() or 1):.2f} s")
            print("in-process: " + ", ".join(f"{f} {s:.2f} s" for f, s in warm.items()))
            cells = [f"{scale}x", f"{size * 1024:.0f} KiB"]
            cells += [f"{results[f].seconds:.2f} s, {results[f].peak_mib:.0f} MiB"
                      for f in (*FORMATS, "all")]
            cells += [f"{ratios[f]:.2f}" if f in ratios else "–" for f in FORMATS]
            cells += [f"{n_pages / results['pdf'].seconds:.0f}",
                      f"{results['all'].seconds / libs.seconds:.2f}",
                      f"{results['all'].cpu_seconds:.2f} s"]
            rows.append("| " + " | ".join(cells) + " |")
            previous_scale = scale
    header = ["scale", "source", "pdf", "docx", "epub", "html", "all", "pdf / naive",
              "docx / pandoc", "epub / pandoc", "html / pandoc", "PDF pages/s", "all / imports",
              "all CPU"]
    table = "\n".join([
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *rows,
    ])
    print("\n" + table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
