"""Write a gzip copy beside each bundled font, for the EPUB writer to embed as it is.

Run after adding or replacing a font in src/reportexport/fonts/:

    python tools/compress_fonts.py

An e-book stores its fonts deflated. The bundled fonts never change, so they
are compressed once, here, at the best level, instead of on every build (30 ms,
a third of a small e-book's build). A gzip file is that DEFLATE stream with the
CRC-32 and size a zip entry needs (reportexport.zipfiles.gzip_deflated). The
test suite fails while a copy lags behind its font.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

FONTS = Path(__file__).resolve().parents[1] / "src" / "reportexport" / "fonts"


def compressed(font: Path) -> bytes:
    # mtime=0: the copy depends on the font alone, so regenerating it changes nothing.
    return gzip.compress(font.read_bytes(), compresslevel=9, mtime=0)


def main() -> int:
    for font in sorted(FONTS.glob("*.ttf")):
        target = font.with_name(font.name + ".gz")
        target.write_bytes(compressed(font))
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
