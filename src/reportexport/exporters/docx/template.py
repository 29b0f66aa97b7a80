"""Reading a Word reference document (`--template`) within bounds, before python-docx does.

python-docx inflates every part of the package into memory and parses the XML
ones with a parser that keeps entity references, which would be copied into the
edition. So the file is read here first: at most 32 MiB, each part inflated to
at most that much (and all of them to MAX_INFLATED_BYTES), and no XML part may
declare a document type. python-docx then opens the bytes checked here.
"""

from __future__ import annotations

import os
from pathlib import Path

from reportexport.inputfiles import (
    MAX_INPUT_BYTES,
    check_declared_sizes,
    looks_like_xml,
    open_zip,
    parse_xml,
    read_bounded,
    read_member,
)
from reportexport.problems import ExportError, InputError

WHAT = "a Word document (.docx)"


def checked_template(template: Path) -> bytes:
    """The bytes of `template`, or ExportError saying why it cannot be used."""
    if not os.path.lexists(template):
        raise ExportError(f"{template}: no such template file")
    try:
        data = read_bounded(template, MAX_INPUT_BYTES, WHAT)
        with open_zip(data, template, WHAT) as archive:
            check_declared_sizes(archive, template)
            for info in archive.infolist():
                part = read_member(archive, info, template)
                if looks_like_xml(part):
                    parse_xml(part, template, info.filename, well_formed=False)
    except InputError as exc:
        raise ExportError(str(exc)) from None
    return data
