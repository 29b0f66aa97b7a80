"""The DOCX's and EPUB's archives, written reproducibly (support.zipfiles)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
import zlib
from pathlib import Path

import pytest

from reportexport.support import zipfiles
from reportexport.support.zipfiles import DeflatedKept, rewrite_zip

WHEN = dt.datetime(2023, 11, 14, 22, 13, 21, tzinfo=dt.UTC)
#: Members of every kind: stored and deflated, empty, a non-ASCII name, bytes that
#: do not compress, and the same content under two names (kept, then taken again).
MEMBERS = {
    "mimetype": b"application/epub+zip",
    "EPUB/empty.txt": b"",
    "EPUB/text/caf\u00e9.xhtml": "<p>Caf\u00e9 \u0175</p>".encode() * 40,
    "EPUB/images/noise.png": os.urandom(3000),
    "word/styles.xml": b"<w:styles>" + b"<w:style/>" * 5000 + b"</w:styles>",
    "word/copy.xml": b"<w:styles>" + b"<w:style/>" * 5000 + b"</w:styles>",
}
STORED = frozenset({"mimetype", "EPUB/images/noise.png"})


def _library_archive(members: dict[str, bytes]) -> bytes:
    """An archive as a library writes one: its own times and attributes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _by_zipfile(tmp_path: Path, members: dict[str, bytes]) -> bytes:
    """What zipfile itself writes for the members, with the times and attributes
    rewrite_zip pins: the bytes rewrite_zip wrote before it wrote archives itself."""
    path = tmp_path / "by-zipfile.zip"
    with zipfile.ZipFile(path, "w") as target:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, zipfiles.zip_time(WHEN))
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name in STORED else zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return path.read_bytes()


def test_the_archive_is_byte_for_byte_the_one_zipfile_writes(tmp_path: Path) -> None:
    expected = _by_zipfile(tmp_path, MEMBERS)
    for attempt in range(2):  # the second time from deflated members kept
        written = tmp_path / f"rewritten-{attempt}.zip"
        rewrite_zip(_library_archive(MEMBERS), written, WHEN, stored=STORED)
        assert written.read_bytes() == expected
    with zipfile.ZipFile(written) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == MEMBERS


def test_transformed_and_added_members_follow_and_a_changed_member_is_compressed_again(
        tmp_path: Path) -> None:
    written = tmp_path / "rewritten.zip"
    rewrite_zip(_library_archive(MEMBERS), written, WHEN, stored=STORED)
    changed = {**MEMBERS, "word/styles.xml": MEMBERS["word/styles.xml"].replace(
        b"<w:style/>", b"<w:style w:type='x'/>", 1), "word/added.xml": b"<added/>"}
    rewrite_zip(_library_archive(MEMBERS), written, WHEN, stored=STORED,
                transform={"word/styles.xml": lambda _: changed["word/styles.xml"]},
                added={"word/added.xml": b"<added/>"})
    assert written.read_bytes() == _by_zipfile(tmp_path, changed)


def test_a_duplicate_member_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="duplicate zip member 'mimetype'"):
        rewrite_zip(_library_archive(MEMBERS), tmp_path / "out.zip", WHEN,
                    added={"mimetype": b"again"})


def test_an_archive_past_the_classic_limits_is_left_to_zipfile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 2 GiB or 65,535 members zipfile writes ZIP64 records, which the archive's
    own writer does not: it hands the whole archive over (here with the limit lowered)."""
    monkeypatch.setattr(zipfiles, "_LARGEST", 10_000)
    written = tmp_path / "large.zip"
    rewrite_zip(_library_archive(MEMBERS), written, WHEN, stored=STORED)
    assert written.read_bytes() == _by_zipfile(tmp_path, MEMBERS)


def test_members_kept_deflated_are_bounded() -> None:
    kept = DeflatedKept(largest=100, budget=270)
    contents = [bytes([n]) * 90 for n in range(4)] + [b"x" * 101]
    for content in contents:
        crc, packed = kept(content)
        assert zlib.crc32(content) == crc
        assert zlib.decompress(packed, -15) == content
    # The oldest went; the largest never came.
    assert [content in kept for content in contents] == [False, True, True, True, False]
