"""Each page's content compressed as soon as the page is finished.

reportlab keeps every page's drawing operators as text until the document is
saved, and only then compresses them (and ASCII85-encodes them, a quarter
larger again). For a long report that text is the largest thing held while
the pages are laid out. Compressing a page when it is shown holds a fifth of
it instead, and writes the same operators.

This reaches past reportlab's public API: the document's page list and a
page's `stream` and `Contents`. `check_reportlab()` fails loudly if they are
gone, and every test that reads a PDF back reads these streams.
"""

from __future__ import annotations

import zlib
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFPage, PDFStream


def compress_last_page(document: Any) -> None:
    """Replace the last shown page's text stream by its compressed stream."""
    page = document.Pages.pages[-1]
    operators = page.stream
    if isinstance(operators, str):
        operators = operators.encode("latin-1")
    page.Contents = PDFStream(PDFDictionary({"Filter": PDFName("FlateDecode")}),
                              zlib.compress(operators))
    page.stream = None


def check_reportlab() -> None:
    if not (hasattr(PDFPage, "stream") and "Contents" in getattr(PDFPage, "__NoDefault__", ())):
        raise RuntimeError("this reportlab release no longer keeps a page's stream and "
                           "Contents where pagestreams.py expects them")
