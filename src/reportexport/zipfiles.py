"""Reproducible zip containers (DOCX and EPUB are both zip files).

zipfile reads the archives a library wrote; the copy is written here, because
zipfile cannot store a DEFLATE stream that is already compressed: it would
inflate and deflate again a font compressed when the package was made, or a
part the library has just compressed. The records written are the ones zipfile
writes for the same entries, byte for byte (tests/test_zipfiles.py checks that),
so what any zip reader accepts from zipfile it accepts from here.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the zip format cannot say earlier

# The zip format's records (APPNOTE 4.3.7, 4.3.12, 4.3.16), as zipfile packs them.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate; what zipfile writes for entries without zip64
_UNIX = 3
_UTF8_NAME = 0x800
_PERMISSIONS = 0o644 << 16
# zipfile writes zip64 records for entries over this size (its ZIP64_LIMIT, less the 5%
# it allows for compression growing them); this writer has none. No edition comes near.
_LIMIT = int(zipfile.ZIP64_LIMIT / 1.05)


@dataclass(frozen=True)
class Deflated:
    """An entry's content, compressed already: a raw DEFLATE stream, the CRC-32 and
    size of what it inflates to."""

    stream: bytes
    crc: int
    size: int


def gzip_deflated(member: bytes) -> Deflated | None:
    """The DEFLATE stream inside a plain gzip file (RFC 1952), or None for any other.

    A gzip file is that stream between a ten-byte header and a trailer holding
    the CRC-32 and size, which is what a zip entry needs beside it.
    """
    if len(member) < 18 or member[:4] != b"\x1f\x8b\x08\x00":  # deflate, no optional fields
        return None
    crc, size = struct.unpack("<2L", member[-8:])
    return Deflated(member[10:-8], crc, size)


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    when = max(when.astimezone(dt.UTC), _EARLIEST)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _raw_stream(archive: io.BytesIO, entry: zipfile.ZipInfo) -> bytes:
    """An entry's compressed bytes as the archive holds them (zipfile can only inflate)."""
    archive.seek(entry.header_offset)
    header = _LOCAL.unpack(archive.read(_LOCAL.size))
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {entry.filename}")
    archive.seek(header[-2] + header[-1], io.SEEK_CUR)  # the name and extra field
    return archive.read(entry.compress_size)


def _deflate(content: bytes, level: int | None) -> bytes:
    # As zipfile compresses: raw DEFLATE (no zlib header), default memory level.
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION if level is None else level,
                                  zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


class _ZipWriter:
    """The records of a zip archive, as zipfile writes them for the same entries."""

    def __init__(self, when: dt.datetime) -> None:
        date_time = zip_time(when)
        self._date = (date_time[0] - 1980) << 9 | date_time[1] << 5 | date_time[2]
        self._time = date_time[3] << 11 | date_time[4] << 5 | date_time[5] // 2
        self._out = io.BytesIO()
        self._directory: list[bytes] = []

    def add(self, name: str, method: int, crc: int, size: int, payload: bytes) -> None:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        offset = self._out.tell()
        if max(size, len(payload), offset) > _LIMIT:
            raise ValueError(f"{name}: too large for a zip archive without zip64")
        self._out.write(_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, method, self._time,
                                    self._date, crc, len(payload), size, len(encoded), 0))
        self._out.write(encoded)
        self._out.write(payload)
        self._directory.append(_CENTRAL.pack(
            b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, method, self._time, self._date,
            crc, len(payload), size, len(encoded), 0, 0, 0, 0, _PERMISSIONS, offset,
        ) + encoded)

    def getvalue(self) -> bytes:
        start = self._out.tell()
        self._out.writelines(self._directory)
        self._out.write(_END.pack(b"PK\x05\x06", 0, 0, len(self._directory),
                                  len(self._directory), self._out.tell() - start, start, 0))
        return self._out.getvalue()


def rewrite_zip(data: bytes, destination: Path, when: dt.datetime,
                stored: frozenset[str] = frozenset(),
                transform: Mapping[str, Callable[[bytes], bytes]] | None = None,
                levels: Mapping[str, int] | None = None,
                precompressed: Mapping[str, Deflated] | None = None,
                keep_compressed: bool = False) -> None:
    """Copy the archive `data` to `destination` with fixed entry times and attributes.

    Libraries stamp entries with the wall clock; pinning every entry's time,
    permissions and compression makes two builds of one source byte-identical.
    The entry order is kept (EPUB's `mimetype` must stay first and `stored`).
    `transform` may rewrite named entries on the way, for what a library cannot set.
    `levels` gives named entries a zlib level other than the default (6).
    `precompressed` gives named entries their compressed form, used when it is
    the entry's content (same CRC-32 and size). `keep_compressed` copies the
    entries the library deflated as they are instead of compressing them again:
    for a library that deflates at the default level, as zipfile does.
    """
    transform = transform or {}
    levels = levels or {}
    precompressed = precompressed or {}
    archive = io.BytesIO(data)
    target = _ZipWriter(when)
    with zipfile.ZipFile(archive) as source:
        for entry in source.infolist():
            name = entry.filename
            ready = precompressed.get(name)
            if (keep_compressed and ready is None and entry.compress_type == zipfile.ZIP_DEFLATED
                    and name not in transform and name not in levels and name not in stored):
                ready = Deflated(_raw_stream(archive, entry), entry.CRC, entry.file_size)
            if ready is not None and (ready.crc, ready.size) == (entry.CRC, entry.file_size):
                target.add(name, zipfile.ZIP_DEFLATED, ready.crc, ready.size, ready.stream)
                continue
            content = source.read(name)
            if name in transform:
                content = transform[name](content)
            if name in stored:
                method, payload = zipfile.ZIP_STORED, content
            else:
                method, payload = zipfile.ZIP_DEFLATED, _deflate(content, levels.get(name))
            target.add(name, method, zlib.crc32(content), len(content), payload)
    destination.write_bytes(target.getvalue())
