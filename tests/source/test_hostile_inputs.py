"""Hostile files given as source, theme, font, template or to `inspect`: refused, exit 2.

Each case is made at test time: devices, FIFOs and loops of links cannot be
committed, and a zip bomb is a tiny compressed stream (1 KiB per MiB of
zeros) written into an archive by hand, never a big file. Every run that
could hit the old behaviour runs in a process whose address space is capped
(RLIMIT_AS), so an unbounded read fails there instead of eating the machine,
and with a timeout, so a read that waits forever on a FIFO fails too.
"""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, SOURCE, CliResult
from reportexport.theme import Theme

#: Enough for any build of these small inputs; far less than a bomb inflates to.
ADDRESS_SPACE = 1536 * 2**20
GIB = 2**30


def run_bounded(*args: str | Path) -> CliResult:
    """`python -m reportexport ARGS` with its memory capped and a timeout."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    env = {key: value for key, value in os.environ.items() if key != "REPORTEXPORT_DEBUG"}
    done = subprocess.run([sys.executable, "-m", "reportexport", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
                          preexec_fn=cap)
    return CliResult(done.returncode, done.stdout, done.stderr)


def assert_refused(result: CliResult, path: Path, *phrases: str) -> None:
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert str(path) in result.stderr, result.stderr  # the file is named
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def assert_nothing_written(folder: Path) -> None:
    assert not folder.exists() or not any(folder.iterdir())


# --- Paths that are not regular files ------------------------------------------------------

def _special(kind: str, path: Path) -> Path:
    if kind == "device":
        path.symlink_to("/dev/zero")  # a link with the right suffix; reading follows it
    elif kind == "fifo":
        os.mkfifo(path)  # nobody ever writes to it
    elif kind == "loop":
        path.symlink_to(path.with_name("other" + path.suffix))
        path.with_name("other" + path.suffix).symlink_to(path)
    elif kind == "too-large":
        with path.open("wb") as file:
            file.truncate(40 * 2**20)  # sparse: no disk used
    return path


_SAID = {"device": "is a character device", "fifo": "is a named pipe (FIFO)",
         "loop": "symbolic link that leads round in a loop",
         "too-large": "is 40.0 MiB; the limit is 32 MiB"}


def _theme_with_font(folder: Path, font_name: str) -> Path:
    theme = folder / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme.write_text(text.replace("regular: Caladea-Regular.ttf", f"regular: {font_name}"),
                     encoding="utf-8")
    return theme


@pytest.mark.parametrize("kind", list(_SAID))
@pytest.mark.parametrize("role", ["source", "theme", "font", "template", "inspect"])
def test_a_path_that_is_no_regular_file_is_refused_by_name(
        tmp_path: Path, role: str, kind: str) -> None:
    suffix = {"source": ".yaml", "theme": ".yaml", "font": ".ttf", "template": ".docx",
              "inspect": ".epub"}[role]
    path = _special(kind, tmp_path / f"input{suffix}")
    args: tuple[str | Path, ...] = {
        "source": ("validate", path),
        "theme": ("validate", SOURCE, "--style", path),
        "font": ("validate", SOURCE, "--style", _theme_with_font(tmp_path, path.name)),
        "template": ("docx", SOURCE, "--template", path, "-o", tmp_path / "out"),
        "inspect": ("inspect", path),
    }[role]
    result = run_bounded(*args)
    assert_refused(result, path, _SAID[kind])
    if role == "font":  # located at the theme's entry, said once
        assert "theme.yaml:14:14: fonts.body.regular: font file 'input.ttf'" in result.stderr
    assert_nothing_written(tmp_path / "out")


def test_an_image_that_is_no_regular_file_is_refused_by_what_it_is(tmp_path: Path) -> None:
    """A figure's image or the logo that is a FIFO is named for what it is (once: 'no such
    image file', though the name was there). A device is reached only by a link, which
    leads out of the source's folder (refused as such)."""
    _special("fifo", tmp_path / "chart.png")
    source = tmp_path / "report.yaml"
    source.write_text("metadata: {title: T, publisher: P, authors: A, date: '2024-01-31', "
                      "language: en, logo: chart.png}\n"
                      "sections:\n  - id: s\n    title: S\n    blocks:\n"
                      "      - figure: {image: chart.png, alt: A chart}\n", encoding="utf-8")
    result = run_bounded("validate", source)
    assert_refused(result, source, f"'chart.png' {_SAID['fifo']}, not an image file")
    assert "metadata.logo" in result.stderr and "figure.image" in result.stderr


def test_pillows_own_size_warning_stays_off_the_terminal(tmp_path: Path) -> None:
    """Pillow warns of an image over 89 million pixels as it opens one; the check refuses
    it over 40 million in its own words, and the warning printed beside them."""
    from PIL import Image

    from imagecases import png_chunk
    from reportexport.source.images import ImageProblem, check_image

    header = struct.pack(">IIBBBBB", 10_000, 10_000, 1, 0, 0, 0, 0)
    (tmp_path / "big.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"")) + png_chunk(b"IEND", b""))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(ImageProblem, match="10000 × 10000 pixels"):
            check_image("big.png", tmp_path)
    assert [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)] == []


# --- Fonts that are not fonts --------------------------------------------------------------

_BUNDLED_FONT = ROOT / "src" / "reportexport" / "fonts" / "Caladea-Regular.ttf"
_NOT_FONTS = {
    "text": (lambda: b"not a font at all\n", "is not a TrueType font"),
    # reportlab embeds TrueType outlines only: the PDF could not carry it.
    "cff": (lambda: b"OTTO" + _BUNDLED_FONT.read_bytes()[4:], "PostScript (CFF) outlines"),
    "cut-short": (lambda: _BUNDLED_FONT.read_bytes()[:30000], "is cut short"),
}


@pytest.mark.parametrize("kind", list(_NOT_FONTS))
def test_a_font_file_that_is_no_truetype_font_is_said_once_at_the_themes_entry(
        tmp_path: Path, kind: str) -> None:
    content, said = _NOT_FONTS[kind]
    (tmp_path / "Fake.ttf").write_bytes(content())
    result = run_bounded("validate", SOURCE, "--style", _theme_with_font(tmp_path, "Fake.ttf"))
    assert_refused(result, tmp_path / "theme.yaml",
                   "theme.yaml:14:14: fonts.body.regular: font file 'Fake.ttf'", said)
    assert "no font of the theme has" not in result.stderr
    assert "reportexport: 1 problem;" in result.stderr


# --- Zip bombs -----------------------------------------------------------------------------

def _deflated_zeros(size: int) -> bytes:
    """A raw deflate stream that inflates to `size` zero bytes (a multiple of 1 MiB),
    about 1 KiB per MiB: one fully flushed block repeated, since a full flush
    resets the compressor, so each MiB compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(2**20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // 2**20) + compressor.flush()


def write_zip(path: Path, members: list[tuple[str, bytes]], bomb: str, inflated: int) -> None:
    """A zip archive of `members` (stored, in order) in which the member `bomb` is
    replaced by zeros that inflate to `inflated` bytes, declared honestly (its CRC
    is not: no reader gets far enough to check it)."""
    local, central = bytearray(), bytearray()
    for name, data in members:
        method, crc, stream, size = 0, zlib.crc32(data), data, len(data)
        if name == bomb:
            method, crc, stream, size = 8, 0, _deflated_zeros(inflated), inflated
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, method, 0, 0x21, crc, len(stream), size)
        central += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                    + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(local)) + encoded)
        local += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + stream
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))


def _members(edition: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(edition) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@pytest.mark.parametrize(("fmt", "bomb"), [("epub", "EPUB/nav.xhtml"),
                                           ("docx", "word/document.xml")])
def test_inspect_refuses_a_zip_bomb_before_inflating_it(
        tmp_path: Path, editions: dict[str, Path], fmt: str, bomb: str) -> None:
    path = tmp_path / f"bomb.{fmt}"
    write_zip(path, _members(editions[fmt]), bomb, 3 * GIB // 2)
    assert path.stat().st_size < 4 * 2**20  # small, as bombs are
    assert_refused(run_bounded("inspect", path), path,
                   f"part '{bomb}' inflates to more than 32 MiB")


def test_a_template_whose_styles_inflate_to_3_gib_is_refused(
        tmp_path: Path, editions: dict[str, Path]) -> None:
    path = tmp_path / "bomb.docx"
    write_zip(path, _members(editions["docx"]), "word/styles.xml", 3 * GIB)
    result = run_bounded("docx", SOURCE, "--template", path, "-o", tmp_path / "out")
    assert_refused(result, path, "part 'word/styles.xml' inflates to more than 32 MiB")
    assert_nothing_written(tmp_path / "out")


def test_a_template_of_too_many_parts_is_refused_before_they_are_read(
        tmp_path: Path, plain_template: Path) -> None:
    path = tmp_path / "many.docx"
    shutil.copy(plain_template, path)
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(10_001):
            archive.writestr(f"junk/{number}", b"")
    result = run_bounded("docx", SOURCE, "--template", path, "-o", tmp_path / "out")
    assert_refused(result, path, "parts; the limit is 10000")


# --- XML with a DTD ------------------------------------------------------------------------

_XXE = b'<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
_LAUGHS = (b'<!DOCTYPE w:styles [<!ENTITY l0 "ha">'
           + b"".join(b'<!ENTITY l%d "' % i + b"&l%d;" % (i - 1) * 10 + b'">'
                      for i in range(1, 10)) + b"]>")


def _with_doctype(members: list[tuple[str, bytes]], part: str, doctype: bytes,
                  reference: bytes) -> list[tuple[str, bytes]]:
    """`members` with a document type declared in `part`, and `reference` used in its text."""
    out = []
    for name, data in members:
        if name == part:
            data = data.replace(b"?>", b"?>" + doctype, 1)
            start = data.index(b"<w:t", data.index(b"<w:body") if b"<w:body" in data else 0)
            start = data.index(b">", start) + 1
            data = data[:start] + reference + data[start:]
        out.append((name, data))
    return out


def _docx_with_doctype(tmp_path: Path, source: Path, part: str, doctype: bytes,
                       reference: bytes) -> Path:
    path = tmp_path / "doctype.docx"
    members = _with_doctype(_members(source), part, doctype, reference)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Word document as Word's users have them: python-docx's default, with a text run."""
    import docx

    path = tmp_path_factory.mktemp("template") / "plain.docx"
    document = docx.Document()
    document.add_paragraph("Text of the reference document.")
    document.save(str(path))
    return path


@pytest.mark.parametrize(("name", "doctype", "reference"), [
    ("external-entity", _XXE, b"&xxe;"), ("billion-laughs", _LAUGHS, b"&l9;")],
    ids=["external-entity", "billion-laughs"])
def test_a_template_whose_xml_declares_a_dtd_is_refused(
        tmp_path: Path, plain_template: Path, name: str, doctype: bytes,
        reference: bytes) -> None:
    path = _docx_with_doctype(tmp_path, plain_template, "word/document.xml", doctype, reference)
    result = run_bounded("docx", SOURCE, "--template", path, "-o", tmp_path / "out")
    assert_refused(result, path, "part 'word/document.xml' declares a document type")
    assert_nothing_written(tmp_path / "out")


def test_inspect_refuses_a_docx_whose_xml_declares_a_dtd(
        tmp_path: Path, editions: dict[str, Path]) -> None:
    doctype = b'<!DOCTYPE w:document [<!ENTITY e "Injected heading text">]>'
    path = _docx_with_doctype(tmp_path, editions["docx"], "word/document.xml", doctype, b"&e;")
    result = run_bounded("inspect", path)
    assert_refused(result, path, "not a readable DOCX edition",
                   "part 'word/document.xml' declares a document type")
    assert "Injected" not in result.stdout


def test_inspect_refuses_an_epub_whose_package_declares_a_dtd(
        tmp_path: Path, editions: dict[str, Path]) -> None:
    path = tmp_path / "doctype.epub"
    members = [(name, data.replace(b"?>", b'?><!DOCTYPE c [<!ENTITY e "x">]>', 1)
                if name == "META-INF/container.xml" else data)
               for name, data in _members(editions["epub"])]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    assert_refused(run_bounded("inspect", path), path,
                   "part 'META-INF/container.xml' declares a document type")


# --- Dates the zip format cannot say -------------------------------------------------------

def test_a_date_after_2107_builds_and_every_edition_keeps_it(tmp_path: Path) -> None:
    """The zip entries' times stop at the format's last (2107-12-31 23:59:58); the
    metadata readers show keeps the report's date (tests/data/valid builds it too)."""
    import pikepdf
    from lxml import etree

    from conftest import DATA

    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    done = subprocess.run([sys.executable, "-m", "reportexport", "all",
                           DATA / "valid" / "date-after-2107.yaml", "-o", tmp_path, "-q"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    stem = tmp_path / "a-report-from-the-next-century"
    with pikepdf.open(stem.with_suffix(".pdf")) as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:21080301")
    for suffix in (".docx", ".epub"):
        with zipfile.ZipFile(stem.with_suffix(suffix)) as archive:
            assert {info.date_time for info in archive.infolist()} == {(2107, 12, 31, 23, 59, 58)}
            if suffix == ".docx":
                core = etree.fromstring(archive.read("docProps/core.xml"))
                modified = core.find("{http://purl.org/dc/terms/}modified").text
                assert modified == "2108-03-01T00:00:00Z"
            else:
                opf = archive.read("EPUB/content.opf").decode()
                assert "<dc:date>2108-02-29</dc:date>" in opf
                assert ">2108-03-01T00:00:00Z</meta>" in opf


# --- Theme text that reaches CSS -----------------------------------------------------------

@pytest.mark.parametrize("family", [
    'Evil"; } body { color: red } x { "', "Bell\x07Face", "O'Brien Sans", "Tab\tFace",
    " Leading", "Back\\slash"], ids=["css-breakout", "control", "quote", "tab", "space",
                                     "backslash"])
def test_a_family_name_that_is_not_plain_is_refused_where_the_theme_gives_it(
        tmp_path: Path, family: str) -> None:
    import json

    theme = tmp_path / "theme.yaml"
    text = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    theme.write_text(text.replace("family: Caladea", f"family: {json.dumps(family)}", 1),
                     encoding="utf-8")
    result = run_bounded("validate", SOURCE, "--style", theme)
    assert_refused(result, theme, "theme.yaml:13:13: fonts.body.family: expected a font "
                                  "family name of ASCII letters, digits, spaces and hyphens")


#: A CSS string token, escapes included (CSS Syntax 3, 4.3.5).
_CSS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def test_family_names_are_css_strings_whatever_they_hold(theme: Theme) -> None:
    """Defence in depth, past the schema: with every string token taken out, the
    stylesheet of a theme whose names would break out of their strings is the
    stylesheet of plain names."""
    from reportexport.exporters.htmlcore.styles import stylesheet

    evil = 'Evil"; } body { color: red } x { "\\\n<'
    hostile = dataclasses.replace(
        theme, body_font=dataclasses.replace(theme.body_font, family=evil),
        heading_font=dataclasses.replace(theme.heading_font, family=evil + "2"))
    files = {path: f'fonts/a"b {index}.ttf' for index, path in enumerate(
        {*theme.body_font.files().values(), *theme.heading_font.files().values()})}
    assert (_CSS_STRING.sub('""', stylesheet(hostile, files))
            == _CSS_STRING.sub('""', stylesheet(theme, files)))


def test_a_font_file_name_with_spaces_and_quotes_gets_a_plain_name_in_the_epub(
        tmp_path: Path) -> None:
    from lxml import etree

    from reportexport.building import build
    from reportexport.source.reading import load_report
    from reportexport.theme import load_theme

    bundled = ROOT / "src" / "reportexport" / "fonts" / "Caladea-Regular.ttf"
    (tmp_path / 'My "Font" (1).ttf').write_bytes(bundled.read_bytes())
    theme = load_theme(_theme_with_font(tmp_path, "'My \"Font\" (1).ttf'"))
    [epub] = build(load_report(SOURCE), theme, ["epub"], tmp_path / "out", parallel=False)
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        hrefs = [item.get("href") for item in opf.iter("{http://www.idpf.org/2007/opf}item")
                 if item.get("media-type") == "font/ttf"]
        css = archive.read("EPUB/styles/report.css").decode()
    assert "fonts/My--Font---1-.ttf" in hrefs
    assert all(re.fullmatch(r"[A-Za-z0-9._/-]+", href) for href in hrefs), hrefs
    assert 'url("../fonts/My--Font---1-.ttf")' in css


def test_the_docx_font_table_finds_a_family_whatever_its_name_holds() -> None:
    """Past the schema too: the name is compared, never put into an XPath."""
    from lxml import etree

    from reportexport.exporters.docx.fontembedding import EmbeddedFace, _font_table, _Placed

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    name = "O'Brien \"Sans\" ]"
    table = (f'<w:fonts xmlns:w="{w}"><w:font w:name={quoted(name)}>'
             '<w:charset w:val="00"/></w:font></w:fonts>').encode()
    face = EmbeddedFace(name, "embedRegular", "{KEY}", b"")
    placed = [_Placed(face, "word/fonts/font1.odttf", "rIdFont1")]
    fonts = etree.fromstring(_font_table(table, placed, frozenset())).findall(f"{{{w}}}font")
    assert len(fonts) == 1 and fonts[0].find(f"{{{w}}}embedRegular") is not None


def quoted(value: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(value)


def test_source_date_epoch_after_2107_builds_and_past_9999_is_refused(tmp_path: Path) -> None:
    from conftest import run_cli

    assert run_cli("docx", "-o", tmp_path, env={"SOURCE_DATE_EPOCH": "4500000000"}).code == 0
    result = run_cli("epub", "-o", tmp_path, env={"SOURCE_DATE_EPOCH": "300000000000"})
    assert result.code == 2 and "outside the dates an edition can record" in result.stderr
