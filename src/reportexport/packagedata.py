"""Where the package's data files are: schemas, fonts and the default theme.

They are read as files (reportlab, Pillow and the EPUB writer take font paths),
so the package is installed as files, and its folder is found from here rather
than through importlib.resources, which a build would pay about 3 ms to import.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
