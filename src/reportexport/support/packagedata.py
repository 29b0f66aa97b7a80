"""Where the package's data files are: schemas, fonts and the default theme.

reportlab, Pillow and the EPUB writer take font files by path, so the package
is installed as files and its data is read from the package's own folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
