"""LibreOffice as an independent reader of the Word edition: its PDF of a DOCX, made
without the theme's fonts installed, shows which fonts the DOCX itself carries."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def libreoffice_pdf_without_theme_fonts(docx: Path, out: Path) -> Path:
    """LibreOffice's PDF of `docx` on a machine whose only fonts are DejaVu's."""
    assert shutil.which("soffice"), "LibreOffice is needed (.ci/run installs it)"
    dejavu = next(Path(line.split(":")[0]).parent for line in subprocess.run(
        ["fc-list", "DejaVu Sans"], capture_output=True, text=True, check=True).stdout.splitlines())
    config = out / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><dir>{dejavu}</dir>"
                      f"<cachedir>{out / 'fontcache'}</cachedir></fontconfig>")
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=180,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
    return out / docx.with_suffix(".pdf").name
