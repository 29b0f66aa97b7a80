"""Reading a PDF's outline back with pypdf, independently of the writer."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def _walk(items: list[Any], level: int, out: list[tuple[int, str]]) -> None:
    for item in items:
        if isinstance(item, list):
            _walk(item, level + 1, out)
        else:
            out.append((level, str(item.title)))


def read_outline(path: Path) -> list[tuple[int, str]]:
    from pypdf import PdfReader

    from reportexport.source.inputfiles import read_bounded

    out: list[tuple[int, str]] = []
    # pypdf bounds what each stream inflates to; the file itself is bounded here.
    _walk(PdfReader(io.BytesIO(read_bounded(path, what="a PDF"))).outline, 1, out)
    return out
