"""Reproducible zip containers (DOCX and EPUB are both zip files)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the zip format cannot say earlier


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when.astimezone(dt.UTC), _EARLIEST)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def rewrite_zip(data: bytes, destination: Path, when: dt.datetime,
                stored: frozenset[str] = frozenset(),
                transform: Mapping[str, Callable[[bytes], bytes]] | None = None,
                added: Mapping[str, bytes] | None = None) -> None:
    """Copy the archive `data` to `destination` with fixed entry times and attributes.

    Libraries stamp entries with the wall clock; pinning every entry's time,
    permissions and compression makes two builds of one source byte-identical.
    The entry order is kept (EPUB's `mimetype` must stay first and `stored`).
    `transform` may rewrite named entries on the way, for what a library cannot set;
    `added` entries follow the archive's own, in the order given.
    """
    transform = transform or {}
    date_time = zip_time(when)
    # Written straight to the file: a long report's archive is not held twice.
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(destination, "w") as target:
        written: set[str] = set()

        def write(name: str, content: bytes) -> None:
            # zipfile writes a second member of a name with only a warning; readers then
            # disagree on which one counts (Word refuses the file).
            if name in written:
                raise ValueError(f"duplicate zip member {name!r}")
            written.add(name)
            info = zipfile.ZipInfo(name, date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building machine
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            target.writestr(info, content)

        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename in transform:
                content = transform[entry.filename](content)
            write(entry.filename, content)
        for name, content in (added or {}).items():
            write(name, content)
