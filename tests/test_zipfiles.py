"""The zip writer behind DOCX and EPUB: the same records as zipfile, and streams kept.

zipfile is the reference: for any entries, rewrite_zip must write exactly the
bytes zipfile writes for them with the same time and attributes. Streams that
are already compressed (a library's, a font's gzip copy) must be copied as
they are, and only when they hold the entry's content.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from reportexport.zipfiles import gzip_deflated, rewrite_zip, zip_time

WHEN = dt.datetime(2023, 7, 5, 13, 47, 31, tzinfo=dt.UTC)  # odd: the format keeps even seconds
FONTS = ROOT / "src" / "reportexport" / "fonts"


def _archive(entries: dict[str, bytes], level: int | None = 0) -> bytes:
    """An archive as a library writes it: wall-clock times, deflated at `level`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zipfile_copy(entries: dict[str, bytes], stored: frozenset[str],
                  levels: dict[str, int], path: Path) -> bytes:
    """What zipfile writes for the entries with pinned times and attributes."""
    with zipfile.ZipFile(path, "w") as target:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=zip_time(WHEN))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, content, compresslevel=levels.get(name))
    return path.read_bytes()


names = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="\\"),
                min_size=1, max_size=20).filter(lambda n: not n.endswith("/"))
contents = st.one_of(st.binary(max_size=3000),
                     st.text(max_size=3000).map(lambda t: (t * 3).encode("utf-8")))


@settings(max_examples=60, deadline=None)
@given(entries=st.dictionaries(names, contents, min_size=1, max_size=8), data=st.data())
def test_writes_what_zipfile_writes(tmp_path_factory: pytest.TempPathFactory,
                                    entries: dict[str, bytes], data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("zip")
    stored = frozenset(data.draw(st.sets(st.sampled_from(sorted(entries)))))
    levels = data.draw(st.dictionaries(st.sampled_from(sorted(entries)),
                                       st.integers(min_value=0, max_value=9)))
    ours = folder / "ours.zip"
    rewrite_zip(_archive(entries), ours, WHEN, stored=stored, levels=levels)
    assert ours.read_bytes() == _zipfile_copy(entries, stored, levels, folder / "ref.zip")
    with zipfile.ZipFile(ours) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == entries


def test_a_library_stream_is_kept_and_gives_the_same_archive(tmp_path: Path) -> None:
    entries = {"word/document.xml": b"<w:document>" + b"<w:p/>" * 4000 + b"</w:document>",
               "docProps/core.xml": b"<cp:coreProperties/>" * 50}
    kept, again = tmp_path / "kept.zip", tmp_path / "again.zip"
    rewrite_zip(_archive(entries, level=None), kept, WHEN, keep_compressed=True)
    rewrite_zip(_archive(entries, level=None), again, WHEN)
    assert kept.read_bytes() == again.read_bytes()


def test_keeping_copies_the_stream_itself(tmp_path: Path) -> None:
    # Deflated at level 1, the stream differs from a level-6 one: kept means that one.
    content = bytes(range(256)) * 64 + b"text " * 5000
    source = _archive({"part.xml": content}, level=1)
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        library_size = archive.getinfo("part.xml").compress_size
    kept = tmp_path / "kept.zip"
    rewrite_zip(source, kept, WHEN, keep_compressed=True)
    with zipfile.ZipFile(kept) as archive:
        assert archive.getinfo("part.xml").compress_size == library_size
        assert archive.read("part.xml") == content
        assert archive.getinfo("part.xml").date_time == (2023, 7, 5, 13, 47, 30)


def test_a_transformed_or_stored_entry_is_not_kept(tmp_path: Path) -> None:
    source = _archive({"a.xml": b"<a/>" * 100, "mimetype": b"application/epub+zip"},
                      level=None)
    out = tmp_path / "out.zip"
    rewrite_zip(source, out, WHEN, keep_compressed=True, stored=frozenset({"mimetype"}),
                transform={"a.xml": lambda x: x.replace(b"a", b"b")})
    with zipfile.ZipFile(out) as archive:
        assert archive.read("a.xml") == b"<b/>" * 100
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED


def test_a_precompressed_stream_is_used_when_it_holds_the_content(tmp_path: Path) -> None:
    content = b"glyphs " * 20000
    ready = gzip_deflated(gzip.compress(content, compresslevel=9, mtime=0))
    assert ready is not None
    out = tmp_path / "out.zip"
    rewrite_zip(_archive({"font.ttf": content}), out, WHEN, levels={"font.ttf": 1},
                precompressed={"font.ttf": ready})
    with zipfile.ZipFile(out) as archive:
        assert archive.getinfo("font.ttf").compress_size == len(ready.stream)
        assert archive.read("font.ttf") == content


@pytest.mark.parametrize("stale", ["content", "size"])
def test_a_stale_precompressed_stream_is_passed_over(tmp_path: Path, stale: str) -> None:
    content = b"new glyphs " * 3000
    old = content[:-1] + b"!" if stale == "content" else content + b" "
    ready = gzip_deflated(gzip.compress(old, mtime=0))
    assert ready is not None
    out = tmp_path / "out.zip"
    rewrite_zip(_archive({"font.ttf": content}), out, WHEN, precompressed={"font.ttf": ready})
    with zipfile.ZipFile(out) as archive:
        assert archive.read("font.ttf") == content


def test_gzip_deflated_reads_a_plain_gzip_file_only() -> None:
    content = b"abc" * 100
    ready = gzip_deflated(gzip.compress(content, mtime=0))
    assert ready is not None
    assert zlib.decompress(ready.stream, -15) == content
    assert (ready.crc, ready.size) == (zlib.crc32(content), len(content))
    named = io.BytesIO()
    with gzip.GzipFile("font.ttf", "wb", fileobj=named, mtime=0) as file:  # has a name field
        file.write(content)
    assert gzip_deflated(named.getvalue()) is None
    assert gzip_deflated(zlib.compress(content)) is None
    assert gzip_deflated(b"") is None


BUNDLED = sorted(FONTS.glob("*.ttf"))


@pytest.mark.parametrize("font", BUNDLED, ids=[font.name for font in BUNDLED])
def test_every_bundled_font_has_a_compressed_copy_of_itself(font: Path) -> None:
    copy = font.with_name(font.name + ".gz")
    assert copy.is_file(), "run `python tools/compress_fonts.py`"
    ready = gzip_deflated(copy.read_bytes())
    assert ready is not None
    assert zlib.decompress(ready.stream, -15) == font.read_bytes(), (
        f"{copy.name} no longer holds {font.name}: run `python tools/compress_fonts.py`"
    )


def test_the_bundled_fonts_are_found() -> None:
    # The test above is one case per font: none found would pass it silently.
    assert len(BUNDLED) >= 6
