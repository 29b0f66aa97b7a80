"""Reading a PDF's outline back with pypdf, independently of the writer."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _walk(items: list[Any], level: int, out: list[tuple[int, str]]) -> None:
    for item in items:
        if isinstance(item, list):
            _walk(item, level + 1, out)
        else:
            out.append((level, str(item.title)))


@contextlib.contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf logs what it repairs or gives up on ("invalid pdf header", "EOF marker not
    found") to its logger, which Python prints to standard error when no handler is set:
    the caller says in its own words whether the file could be read."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_outline(path: Path) -> list[tuple[int, str]]:
    from pypdf import PdfReader

    from reportexport.source.inputfiles import read_bounded

    out: list[tuple[int, str]] = []
    # pypdf bounds what each stream inflates to; the file itself is bounded here.
    data = read_bounded(path, what="a PDF")
    with _pypdf_quiet():
        _walk(PdfReader(io.BytesIO(data)).outline, 1, out)
    return out
