"""Lighthouse's four scores for the HTML edition, and for pandoc's HTML of the same content.

Run from the project root:  python benchmarks/lighthouse.py  (see --help)

Both pages are served from a temporary folder by the standard library's HTTP server on
127.0.0.1 (a free port) and audited by Lighthouse 12.2.3 (tools/package.json; `npm ci
--ignore-scripts --prefix tools` installs it) driving Debian's Chromium (CHROME_PATH) with
its default mobile profile: a mid-range phone on a throttled connection, simulated. The
performance score depends on the machine's load, so it is printed here, not asserted in a
unit test. Each audit that kept a category below 100 is listed under the scores.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

LIGHTHOUSE = ROOT / "tools" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: As root (CI, this machine's sessions) Chromium runs only without its sandbox.
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1 at a free port, for as long as the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, report_path: Path | None = None) -> dict[str, Any]:
    """Lighthouse's JSON report of `url`: mobile profile, the four categories."""
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's Chromium is needed (apt-get install chromium)")
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is needed at {LIGHTHOUSE}: "
                         "run `npm ci --ignore-scripts --prefix tools`")
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CHROME_PATH": chromium})
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    if report_path:
        report_path.write_text(done.stdout, encoding="utf-8")
    report: dict[str, Any] = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {report['runtimeError']}")
    return report


def scores(report: dict[str, Any]) -> dict[str, int]:
    """Each category's score out of 100, as Lighthouse shows it."""
    return {name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES}


def shortfalls(report: dict[str, Any]) -> list[str]:
    """The audits that kept a category below 100: `category: audit-id (score)`."""
    found = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {ref['id']} ({audit['score']:.2f}) {audit['title']}")
    return found


def build_pages(source: Path, folder: Path) -> dict[str, str]:
    """Our page and pandoc's of the same content, in `folder`: {label: file name}."""
    import pypandoc

    from markdown_source import to_markdown
    from reportexport.source.reading import load_report

    subprocess.run([sys.executable, "-m", "reportexport", "html", str(source), "-o",
                    str(folder)], check=True, stdout=subprocess.DEVNULL)
    report = load_report(source)
    markdown = folder / "content.md"
    markdown.write_text(to_markdown(report), encoding="utf-8")
    subprocess.run([pypandoc.get_pandoc_path(), "-s", "--toc", str(markdown), "-o",
                    str(folder / "pandoc.html")], check=True)
    return {"reportexport html": f"{report.metadata.slug}.html",
            "pandoc -s --toc": "pandoc.html"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=ROOT / "source" / "report.yaml")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; medians are shown")
    parser.add_argument("--json", type=Path, help="write the last run's reports here (a folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = build_pages(args.source, folder)
        with serve(folder) as base:
            results = {label: [lighthouse(f"{base}/{name}") for _ in range(args.runs)]
                       for label, name in pages.items()}
    print(f"Lighthouse 12.2.3, mobile profile, {args.runs} run(s) each, median score:")
    print(f"{'page':20}" + "".join(f"{name:>18}" for name in CATEGORIES))
    for label, reports in results.items():
        runs = [scores(report) for report in reports]
        medians = {name: statistics.median(run[name] for run in runs) for name in CATEGORIES}
        spread = {name: f"{min(r[name] for r in runs)}-{max(r[name] for r in runs)}"
                  for name in CATEGORIES}
        print(f"{label:20}" + "".join(f"{medians[n]:>8g} ({spread[n]:>7})" for n in CATEGORIES))
    for label, reports in results.items():
        print(f"\n{label}: below 100 in the last run")
        for line in shortfalls(reports[-1]) or ["nothing"]:
            print(f"  {line}")
        if args.json:
            args.json.mkdir(parents=True, exist_ok=True)
            (args.json / f"{label.split()[0]}.json").write_text(json.dumps(reports[-1]))


if __name__ == "__main__":
    main()
