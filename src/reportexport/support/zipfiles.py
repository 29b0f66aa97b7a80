"""Reproducible zip containers (DOCX and EPUB are both zip files)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

# The zip format's MS-DOS date counts years from 1980 in seven bits, and seconds in
# twos: it cannot say earlier than _EARLIEST or later than _LATEST.
_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)


class ArchiveBuffer(io.BytesIO):
    """An in-memory file for a library to write a zip archive to (ebooklib, python-docx).

    Interrupted halfway (Ctrl-C), such a library leaves its archive open over
    this file, among objects in reference cycles, which the garbage collector
    finalizes in no set order: when this file was closed first, the archive's
    finalizer failed on it at exit and printed "Exception ignored in:
    ZipFile.__del__" with a traceback. Not closed when collected, the file is
    there for the archive's last write; its memory is freed all the same.
    """

    def __del__(self) -> None:
        pass


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """The entries' time: `when`, held within what the zip format can say. Readers see
    the report's dates in its metadata, which keep the real ones (2108 included)."""
    when = min(max(when.astimezone(dt.UTC), _EARLIEST), _LATEST)
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
