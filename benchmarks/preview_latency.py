"""How long `reportexport preview` takes from a save to the open page told to reload.

Run from the project root:  python benchmarks/preview_latency.py [--saves 20]

A preview runs on a copy of the canonical source, on a free port of 127.0.0.1. An
event-stream client listens as the open page does. Each save rewrites one paragraph
(a new word each time); the clock runs from the save until the `reload` event
arrives, and on until the new page has been read (what the browser does next).
Prints every latency, the median and the worst of each.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "In conclusion, the assessment"


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    return connection.getresponse()


def _next_event(stream: http.client.HTTPResponse) -> str:
    name = ""
    while line := stream.fp.readline().decode("utf-8").rstrip("\n"):
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
    return name or _next_event(stream)  # a comment or the retry field: read on


def measure(saves: int) -> tuple[list[float], list[float]]:
    python = sys.executable
    script = shutil.which("reportexport", path=str(Path(python).parent))
    cli = [script] if script else [python, "-m", "reportexport"]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.yaml"
        text = (ROOT / "source" / "report.yaml").read_text(encoding="utf-8")
        assert MARKER in text
        source.write_text(text, encoding="utf-8")
        preview = subprocess.Popen(
            [*cli, "preview", str(source), "--style", str(ROOT / "styles" / "default.yaml"),
             "--port", "0", "-q"], stdout=subprocess.PIPE, text=True)
        try:
            assert preview.stdout is not None
            port = int(preview.stdout.readline().strip().rsplit(":", 1)[1].rstrip("/"))
            page = _get(port, "/").read().decode("utf-8")
            if "problem" in page and 'role="alert"' in page:
                raise SystemExit("the canonical source did not build in the preview")
            events = re.search(r'new EventSource\("([^"]+)"\)', page)
            assert events is not None
            stream = _get(port, events.group(1))
            to_event, to_page = [], []
            for n in range(saves):
                edited = text.replace(MARKER, f"In conclusion (edit {n}), the assessment")
                saved = time.perf_counter()
                source.write_text(edited, encoding="utf-8")
                event = _next_event(stream)
                to_event.append(time.perf_counter() - saved)
                if event != "reload":
                    raise SystemExit(f"save {n}: '{event}' instead of a reload")
                assert f"(edit {n})" in _get(port, "/").read().decode("utf-8")
                to_page.append(time.perf_counter() - saved)
                time.sleep(0.3)  # a writer's pause between saves
        finally:
            preview.terminate()
            preview.wait(timeout=30)
    return to_event, to_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    to_event, to_page = measure(args.saves)
    for what, latencies in (("reload event", to_event), ("new page read", to_page)):
        shown = ", ".join(f"{s * 1000:.0f}" for s in latencies)
        print(f"preview: save to {what}, {len(latencies)} saves, ms: {shown}")
        print(f"preview: save to {what}: median {statistics.median(latencies) * 1000:.0f} ms, "
              f"worst {max(latencies) * 1000:.0f} ms ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
