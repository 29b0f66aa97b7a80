"""How long `reportexport preview` takes from a save to the open page told to reload.

Run from the project root:  python benchmarks/preview_latency.py [--saves 20]

A preview runs on a copy of the canonical source, on a free port of 127.0.0.1. An
event-stream client listens as the open page does. Each save rewrites one paragraph
(a new word each time); the clock runs from the save until the `reload` event
arrives, and on until the new page has been read (what the browser does next).
Prints every latency, the median and the worst of each, and the page's size.

`--new-characters`: each save also types a character the page has not shown yet
(a Latin-1 letter or a punctuation mark), as a writer does now and then; the
page's fonts must then hold it. `--python` runs another installation's preview
(say, a venv of the previous commit), to compare in turn.
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
MARKER = "In conclusion, the assessment"
EVENTS = "/__preview__/events"


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


def _events_address(page: str, query: str) -> str:
    """The event stream's address, as the page's script asks for it: with the page's own
    query (the key) and the build it shows; or as written in the page by a preview of
    before the key (--python)."""
    written = re.search(r'new EventSource\("([^"]+)"\)', page)
    if written is not None:
        return written.group(1)
    build = re.search(r'searchParams\.set\("since", "([^"]+)"\)', page)
    assert build is not None, "no event stream in the page"
    return f"{EVENTS}?{query}&since={build.group(1)}"


def _new_characters(text: str) -> list[str]:
    """Letters and marks a writer may type that `text` lacks, in code point order."""
    candidates = [chr(code) for code in (*range(0x41, 0x5B), *range(0x61, 0x7B),
                                         *range(0xC0, 0x100), *range(0x2013, 0x2027))]
    return [c for c in candidates if c not in text and c.isprintable() and c not in "×÷"]


def measure(saves: int, python: str, new_characters: bool
            ) -> tuple[list[float], list[float], int]:
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
            url = urlsplit(preview.stdout.readline().strip())  # with its key, if it has one
            port, address = url.port, f"/?{url.query}"
            assert port is not None, url
            page = _get(port, address).read().decode("utf-8")
            if "problem" in page and 'role="alert"' in page:
                raise SystemExit("the canonical source did not build in the preview")
            stream = _get(port, _events_address(page, url.query))
            to_event, to_page = [], []
            fresh = _new_characters(text)
            for n in range(saves):
                typed = f" {fresh[n % len(fresh)]}" if new_characters else ""
                edited = text.replace(MARKER, f"In conclusion (edit {n}{typed}), the assessment")
                saved = time.perf_counter()
                source.write_text(edited, encoding="utf-8")
                event = _next_event(stream)
                to_event.append(time.perf_counter() - saved)
                if event != "reload":
                    raise SystemExit(f"save {n}: '{event}' instead of a reload")
                served = _get(port, address).read()
                assert f"(edit {n}{typed})" in served.decode("utf-8")
                to_page.append(time.perf_counter() - saved)
                time.sleep(0.3)  # a writer's pause between saves
        finally:
            preview.terminate()
            preview.wait(timeout=30)
    return to_event, to_page, len(page.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--new-characters", action="store_true")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    to_event, to_page, size = measure(args.saves, args.python, args.new_characters)
    print(f"preview ({args.python}): the first page served, {size:,} bytes")
    for what, latencies in (("reload event", to_event), ("new page read", to_page)):
        shown = ", ".join(f"{s * 1000:.0f}" for s in latencies)
        print(f"preview: save to {what}, {len(latencies)} saves, ms: {shown}")
        print(f"preview: save to {what}: median {statistics.median(latencies) * 1000:.0f} ms, "
              f"worst {max(latencies) * 1000:.0f} ms ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
