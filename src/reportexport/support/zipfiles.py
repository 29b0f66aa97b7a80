"""Reproducible zip containers (DOCX and EPUB are both zip files)."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

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

    def members() -> Iterator[tuple[str, bytes]]:
        written: set[str] = set()
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            contents = ((entry.filename, source.read(entry)) for entry in source.infolist())
            for name, content in (*contents, *(added or {}).items()):
                # zipfile writes a second member of a name with only a warning; readers
                # then disagree on which one counts (Word refuses the file).
                if name in written:
                    raise ValueError(f"duplicate zip member {name!r}")
                written.add(name)
                yield name, transform[name](content) if name in transform else content

    # Written straight to the file: a long report's archive is not held twice.
    try:
        with destination.open("wb") as file:
            _write_classic_zip(file, members(), date_time, stored)
    except _NeedsZip64:
        _write_with_zipfile(destination, members(), date_time, stored)


class _NeedsZip64(Exception):
    """An archive beyond the classic zip format's limits (2 GiB, 65,535 members)."""


#: What the classic format holds: zipfile turns to ZIP64 beyond these.
_LARGEST = zipfile.ZIP64_LIMIT
_MOST_MEMBERS = zipfile.ZIP_FILECOUNT_LIMIT


def _write_classic_zip(file: BinaryIO, members: Iterable[tuple[str, bytes]],
                       date_time: tuple[int, int, int, int, int, int],
                       stored: frozenset[str]) -> None:
    """The archive of `members`, byte for byte as zipfile writes it with the ZipInfo
    `_write_with_zipfile` makes (tests/support/test_zipfiles.py compares them), with each
    member's deflated bytes from DEFLATED: zipfile compresses every member again, and
    a watcher writes the same fonts and styles at every rebuild. Raises _NeedsZip64
    where zipfile would write ZIP64 records."""
    year, month, day, hour, minute, second = date_time
    stamp = struct.pack("<2H", hour << 11 | minute << 5 | second // 2,
                        (year - 1980) << 9 | month << 5 | day)
    directory: list[bytes] = []
    offset = 0
    for name, content in members:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800  # the name is UTF-8
        method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
        crc, packed = (zlib.crc32(content), content) if name in stored else DEFLATED(content)
        if (len(content) * 1.05 > _LARGEST or offset + 30 + len(encoded) + len(packed) > _LARGEST
                or len(directory) >= _MOST_MEMBERS):
            raise _NeedsZip64
        # Version 2.0 needed and made by; made on Unix (3), rw-r--r--.
        sizes = struct.pack("<3L2H", crc, len(packed), len(content), len(encoded), 0)
        file.write(struct.pack("<4s2B2H", b"PK\x03\x04", 20, 0, flags, method)
                   + stamp + sizes + encoded)
        file.write(packed)
        directory.append(struct.pack("<4s4B2H", b"PK\x01\x02", 20, 3, 20, 0, flags, method)
                         + stamp + sizes + struct.pack("<3H2L", 0, 0, 0, 0o644 << 16, offset)
                         + encoded)
        offset += 30 + len(encoded) + len(packed)
    listing = b"".join(directory)
    file.write(listing)
    file.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(directory), len(directory),
                           len(listing), offset, 0))


def _write_with_zipfile(destination: Path, members: Iterable[tuple[str, bytes]],
                        date_time: tuple[int, int, int, int, int, int],
                        stored: frozenset[str]) -> None:
    with zipfile.ZipFile(destination, "w") as target:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building machine
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            target.writestr(info, content)


class DeflatedKept:
    """Members' deflated bytes and CRC by their content, as zipfile's deflate makes them.

    Kept for a watcher, whose DOCX and EPUB carry the same fonts, styles and
    images at every rebuild: compressing them was most of writing the archive.
    A member over `largest` bytes is not kept (a long report's text), nor more
    than `budget` bytes of members in all, the least recently written going first.
    """

    def __init__(self, largest: int, budget: int) -> None:
        self.largest, self.budget = largest, budget
        self._kept: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
        self._size = 0

    def __contains__(self, content: bytes) -> bool:
        return content in self._kept

    def __call__(self, content: bytes) -> tuple[int, bytes]:
        found = self._kept.get(content)
        if found is not None:
            self._kept.move_to_end(content)
            return found
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        made = (zlib.crc32(content), compressor.compress(content) + compressor.flush())
        if len(content) <= self.largest:
            self._kept[content] = made
            self._size += len(content)
            while self._size > self.budget:
                self._size -= len(self._kept.popitem(last=False)[0])
        return made


DEFLATED = DeflatedKept(largest=1 << 20, budget=8 << 20)
