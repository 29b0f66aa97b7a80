"""`reportexport init DIR`: a small, valid, commented project to start from."""

from __future__ import annotations

from pathlib import Path

from reportexport.source.problems import InputError, Problem
from reportexport.source.schema import schema_text
from reportexport.support.packagedata import PACKAGE
from reportexport.theme import default_theme_path

SCHEMA_LINE = "# yaml-language-server: $schema={}\n"


def _theme_text() -> str:
    """The default theme, pointing editors at a schema beside it instead of in the package."""
    lines = default_theme_path().read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        lines[0] = SCHEMA_LINE.format("theme.schema.json")
    return "".join(lines)


def files() -> dict[str, str | bytes]:
    """What `init` writes: relative path -> text (or bytes)."""
    return {
        "source/images/example-chart.png":
            (PACKAGE / "starter" / "images" / "example-chart.png").read_bytes(),
        "source/report.yaml": (PACKAGE / "starter" / "report.yaml").read_text(encoding="utf-8"),
        "source/report.schema.json": schema_text("report"),
        "styles/default.yaml": _theme_text(),
        "styles/theme.schema.json": schema_text("theme"),
    }


def create(folder: Path) -> list[Path]:
    """Write the starter project into `folder` (made if missing); never overwrite a file."""
    planned = {folder / name: content for name, content in files().items()}
    existing = [path for path in planned if path.exists()]
    if existing:
        raise InputError([Problem(path, None, "", "already exists; init writes only into a new "
                                  "or empty project folder, and overwrites nothing")
                          for path in existing])
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(folder, None, "", "is a file, not a folder")])
    for path, content in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return list(planned)
