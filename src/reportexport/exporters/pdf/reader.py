"""Reading a PDF's outline back with pypdf, independently of the writer."""

from __future__ import annotations

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

    out: list[tuple[int, str]] = []
    _walk(PdfReader(path).outline, 1, out)
    return out
