"""The same report as Markdown, so that pandoc gets exactly the content reportexport gets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reportexport.model import BulletList, NumberedList, Paragraph, Quote, Report
from reportexport.source.reading import load_report


def _escape(text: str) -> str:
    # Backslash-escape what Markdown would read as markup, so both tools print the same text.
    return "".join("\\" + c if c in "\\`*_{}[]<>#+-.!|&" else c for c in text)


def to_markdown(report: Report) -> str:
    meta = report.metadata
    header = {
        "title": meta.title, "author": list(meta.authors), "lang": meta.language,
        "date": meta.date.isoformat(), "publisher": meta.publisher,
    }
    out = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in header.items()),
           "---", ""]
    out.extend(f"{_escape(p.text)}\n" for p in report.lead)
    for level, section in report.walk():
        out.append(f"{'#' * level} {_escape(section.title)} {{#{section.id}}}\n")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f"{_escape(block.text)}\n")
            elif isinstance(block, Quote):
                out.append(f"> {_escape(block.text)}\n")
            elif isinstance(block, BulletList | NumberedList):
                marker = "1." if isinstance(block, NumberedList) else "-"
                out.extend(f"{marker} {_escape(item)}" for item in block.items)
                out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(to_markdown(load_report(Path(sys.argv[1]))), encoding="utf-8")
