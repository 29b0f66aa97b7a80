"""The web edition read back as a browser parses it (html5lib), not from the writer's
state: structure and text order against the source, contents, notes both ways,
languages, hostile text, linked data, self-containment, size and reproducibility.
The checks in a real browser (axe-core, the Nu checker, Lighthouse) are elsewhere."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, ROOT, SOURCE, run_cli
from readers import html_body, normalise
from reportexport.exporters.html import page
from reportexport.exporters.html.webstyle import CONTRAST, contrast, palette
from reportexport.frontend import Document
from reportexport.model import (
    Callout,
    DefinitionList,
    Figure,
    Link,
    Note,
    Paragraph,
    Quote,
    Report,
    Table,
    Text,
    nested_blocks,
    plain,
)
from reportexport.source.reading import load_report
from reportexport.theme import Theme

GUIDE = ROOT / "examples" / "guide" / "guide.yaml"
HOSTILE = '<script>alert(1)</script></script><img src=x onerror="alert(2)"> javascript:alert(3)'


def _write(report: Report, theme: Theme, folder: Path) -> Path:
    path = folder / f"{report.metadata.slug}.html"
    path.write_bytes(page(report, theme))
    return path


def _head(path: Path) -> etree._Element:
    head = html_body(path).getparent().find("head")
    assert head is not None
    return head


def _text(element: etree._Element) -> str:
    return normalise("".join(element.itertext()))


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory, theme: Theme) -> tuple[Report, Path]:
    report = load_report(GUIDE)
    return report, _write(report, theme, tmp_path_factory.mktemp("guide"))


def test_landmarks_and_one_h1(guide: tuple[Report, Path]) -> None:
    report, path = guide
    body = html_body(path)
    assert body.getparent().get("lang") == report.metadata.language
    assert [_text(h1) for h1 in body.iter("h1")] == [report.metadata.title]
    for landmark in ("header", "nav", "main", "footer"):
        assert len(body.findall(f".//{landmark}")) == 1, landmark
    header, footer = body.find(".//header"), body.find(".//footer")
    for label, value in (*((f.label, f.value) for f in report.metadata.facts),):
        assert label in _text(header) and value in _text(header)
    assert report.metadata.publisher in _text(footer)


def test_sections_and_their_blocks_in_the_sources_order(guide: tuple[Report, Path]) -> None:
    """Each section is a <section> holding its heading (h2 for a top-level one) and
    then its blocks' words, in the source's order."""
    report, path = guide
    main = html_body(path).find(".//main")
    sections = [s for s in main.iter("section") if s.get("role") != "doc-endnotes"]
    outline = Document.of(report).outline
    assert len(sections) == len(outline)
    for element, anchor in zip(sections, outline, strict=True):
        heading, section = element[0], anchor.section
        assert (heading.tag, heading.get("id"), _text(heading)) == (
            f"h{min(anchor.level + 1, 6)}", section.id, anchor.heading)
        words = _text(element)
        position = 0
        for block in section.blocks:
            first = _first_words(block)
            found = words.find(first, position)
            assert found >= 0, f"{first!r} missing or out of order in {section.id}"
            position = found


def _first_words(block: object) -> str:
    if isinstance(block, Paragraph):
        return normalise(block.text)[:40]
    if isinstance(block, Quote):
        return normalise(plain(block.text))[:40]
    if isinstance(block, Table | Figure):
        return block.label
    if isinstance(block, DefinitionList):
        return normalise(plain(block.items[0].term))[:40]
    if isinstance(block, Callout):
        return normalise(plain(block.title))[:40] if block.title else _first_words(block.blocks[0])
    return normalise(plain(block.items[0]))[:40]  # type: ignore[attr-defined]


def test_contents_list_every_section_in_order_and_lead_to_it(guide: tuple[Report, Path]) -> None:
    report, path = guide
    body = html_body(path)
    contents, *lists = body.find(".//nav").findall("ol")
    by_id = {element.get("id"): element for element in body.iter() if element.get("id")}
    ids = set(by_id)
    outline = Document.of(report).outline
    targets = [(link.get("href"), _text(link)) for link in contents.iter("a")]
    assert targets == [(f"#{a.section.id}", a.heading) for a in outline]
    # The lists of tables and figures the metadata asks for, under the contents: each
    # entry the label and caption of a section's own table or figure, in reading order,
    # leading to the element that holds that caption.
    kinds = {"tables": Table, "figures": Figure}
    expected = [[normalise(f"{b.label} {plain(b.caption or ())}") for a in outline
                 for b in a.section.blocks if isinstance(b, kinds[kind])]
                for kind in report.metadata.lists]
    assert [[_text(link) for link in entries.iter("a")] for entries in lists] == expected
    assert report.metadata.lists and all(expected), "the guide lists tables and figures"
    for link in (link for entries in lists for link in entries.iter("a")):
        target = by_id[link.get("href")[1:]]
        caption = next(e for e in target.iter("caption", "figcaption"))
        assert _text(link).startswith(_text(caption).split(".")[0])
    for element in body.iter("a"):
        href = element.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, f"{href} leads nowhere"


def test_tables_figures_and_quotations_say_what_they_are(guide: tuple[Report, Path]) -> None:
    report, path = guide
    main = html_body(path).find(".//main")
    blocks = [b for _, s in report.walk() for b in nested_blocks(s.blocks)]
    tables = [b for b in blocks if isinstance(b, Table)]
    for table, element in zip(tables, main.iter("table"), strict=True):
        region = element.getparent()
        caption = element.find("caption")
        assert (region.get("role"), region.get("tabindex")) == ("region", "0")
        assert region.get("aria-labelledby") == caption.get("id")
        assert _text(caption).startswith(table.label)
        headers = element.findall("thead/tr/th")
        assert [h.get("scope") for h in headers] == ["col"] * len(table.columns)
        for row in element.findall("tbody/tr"):
            for cell, align in zip(row.findall("td"), table.align, strict=True):
                assert f"align-{align}" in cell.get("class", "").split()
    figures = [b for b in blocks if isinstance(b, Figure)]
    for figure, element in zip(figures, main.iter("figure"), strict=True):
        image = element.find("img")
        assert image.get("alt") == figure.alt
        assert image.get("src", "").startswith(f"data:{figure.media_type};base64,")
        assert _text(element.find("figcaption")).startswith(figure.label)
    quotes = [b for b in blocks if isinstance(b, Quote)]
    assert len(main.findall(".//blockquote")) == len(quotes)


def test_every_note_mark_leads_to_its_note_and_back(guide: tuple[Report, Path]) -> None:
    report, path = guide
    body = html_body(path)
    by_id = {element.get("id"): element for element in body.iter() if element.get("id")}
    marks = [a for a in body.iter("a") if a.get("role") == "doc-noteref"]
    notes = list(report.footnotes())
    assert len(marks) == len(notes) > 0
    endnotes = body.find(".//section[@role='doc-endnotes']")
    for mark, note in zip(marks, notes, strict=True):
        target = by_id[mark.get("href")[1:]]
        assert target.getparent().getparent() is endnotes  # section > ol > li
        assert normalise(plain(note.content)) in _text(target)
        back = target.find("a[@role='doc-backlink']")
        assert by_id[back.get("href")[1:]] is mark


def test_khmer_runs_are_marked_as_khmer(tmp_path: Path, theme: Theme) -> None:
    path = _write(load_report(DATA / "valid" / "khmer.yaml"), theme, tmp_path)
    khmer = re.compile("[\u1780-\u17ff]")
    body = html_body(path)
    checked = 0
    for element in body.iter():
        own = (element.text or "") if isinstance(element.tag, str) else ""
        if khmer.search(own):
            checked += 1
            assert element.get("lang") == "km", etree.tostring(element)
    assert checked


def _hostile_report() -> Report:
    """Every kind of source text holding markup, and a javascript: link the loader
    would refuse (a report built by other code)."""
    report = load_report(DATA / "valid" / "figures.yaml")
    words = (Text(HOSTILE), Note(1, (Text(HOSTILE),)),
             Link("javascript:alert(4)", (Text("a link"),)))
    section = report.sections[0]
    figure = next(b for b in section.blocks if isinstance(b, Figure))
    blocks = (Paragraph(words), dataclasses.replace(figure, alt=HOSTILE, caption=(Text(HOSTILE),)),
              Table(1, ((Text(HOSTILE),),), (((Text(HOSTILE),),),), ("left",), (Text(HOSTILE),)))
    meta = dataclasses.replace(report.metadata, title=HOSTILE, description=None)
    return dataclasses.replace(report, metadata=meta, lead=(),
                               sections=(dataclasses.replace(section, id="s", title=HOSTILE,
                                                             blocks=blocks, sections=()),))


def test_hostile_text_stays_text(tmp_path: Path, theme: Theme) -> None:
    path = _write(_hostile_report(), theme, tmp_path)
    body = html_body(path)
    document = body.getroottree()
    scripts = list(document.iter("script"))
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        for name in ("href", "src"):
            assert not element.get(name, "").lower().startswith("javascript:")
    assert element_count(body, "img") == 1  # the figure's, not the text's <img>
    text = _text(body)
    assert text.count(HOSTILE) >= 6  # title, heading, paragraph, note, caption, cell
    assert _head(path).find("title").text == HOSTILE
    assert json.loads(scripts[0].text)["name"] == HOSTILE
    assert "</script>" not in scripts[0].text and "<" not in scripts[0].text


def element_count(root: etree._Element, tag: str) -> int:
    return sum(1 for _ in root.iter(tag))


def test_findable_and_shareable(guide: tuple[Report, Path]) -> None:
    report, path = guide
    meta = report.metadata
    head = _head(path)
    named = {m.get("name") or m.get("property"): m.get("content") for m in head.iter("meta")}
    assert head.find("title").text == meta.title
    assert named["og:title"] == meta.title and named["og:type"] == "article"
    assert len(named["description"]) >= 50 and named["og:description"] == named["description"]
    [script] = head.findall("script[@type='application/ld+json']")
    data = json.loads(script.text)
    # The guide has an ISBN: a Report and a Book, schema.org's type that has `isbn`.
    assert (data["@type"], data["name"], data["datePublished"], data["inLanguage"]) == (
        ["Report", "Book"], meta.title, meta.date.isoformat(), meta.language)
    assert data["isbn"] == meta.isbn
    assert [a["name"] for a in data["author"]] == list(meta.authors)
    assert data["publisher"]["name"] == meta.publisher


def test_the_page_asks_no_other_host(guide: tuple[Report, Path]) -> None:
    _, path = guide
    document = html_body(path).getroottree()
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = element.get(name)
            if value is None or (element.tag == "a" and name == "href"):
                continue
            assert value.startswith(("data:", "#")), f"<{element.tag} {name}={value[:40]}>"
    css = "".join(style.text for style in document.iter("style"))
    assert "@import" not in css
    assert all(url.startswith('"data:') for url in re.findall(r"url\((.{6})", css))


def test_the_canonical_page_is_small_and_reproducible(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run_cli("html", SOURCE, "-o", out, env=env).code == 0
    [one], [two] = list(first.iterdir()), list(second.iterdir())
    assert one.read_bytes() == two.read_bytes()
    assert one.stat().st_size <= 250_000


@pytest.mark.parametrize("dark", [False, True])
def test_every_colour_keeps_its_contrast_even_from_a_pale_theme(theme: Theme, dark: bool) -> None:
    pale = dataclasses.replace(theme, colours=dataclasses.replace(
        theme.colours, text="#cccccc", accent="#ffff00", muted="#eeeeee", quote="#dddddd"))
    for chosen in (theme, pale):
        colours = palette(chosen, dark)
        for name, least in CONTRAST.items():
            assert contrast(colours[name], colours["background"]) >= least, (name, dark)


def test_every_colour_the_rules_use_is_set_for_light_dark_and_print(
        guide: tuple[Report, Path]) -> None:
    _, path = guide
    css = "".join(style.text for style in html_body(path).getroottree().iter("style"))
    used = set(re.findall(r"var\(--([a-z-]+)\)", css))
    blocks = re.findall(r":root \{ (--[^}]*)\}", css)
    assert len(blocks) == 3  # light, then inside the dark scheme's and the printer's @media
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css
    for block in blocks:
        assert used <= set(re.findall(r"--([a-z-]+):", block))


def _embedded_characters(path: Path) -> dict[tuple[str, str, str], set[str]]:
    """(family, weight, style) -> the characters of the WOFF2 face the page embeds."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    css = "".join(style.text for style in html_body(path).getroottree().iter("style"))
    faces = {}
    for family, weight, slant, data in re.findall(
            r'@font-face \{ font-family: "([^"]+)"; font-weight: (\w+); font-style: (\w+); '
            r'src: url\("data:font/woff2;base64,([^"]+)"\)', css):
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        faces[(family, weight, slant)] = {chr(code) for code in font.getBestCmap()}
    return faces


def test_the_fonts_hold_what_the_page_shows_in_capitals_too(tmp_path: Path, theme: Theme) -> None:
    """The facts' terms and the contents' label are set in capitals by the stylesheet:
    the heading face holds the capitals of words the text writes in small letters."""
    report = load_report(DATA / "valid" / "khmer.yaml")
    faces = _embedded_characters(_write(report, theme, tmp_path))
    heading = faces[(theme.heading_font.family, "bold", "normal")]
    assert set("PUBLISHEDCONTENTS") <= heading
    body = faces[(theme.body_font.family, "normal", "normal")]
    assert set(normalise(plain(report.sections[0].blocks[0].content))) - body <= set(
        "\u1780\u17ff ").union(chr(c) for c in range(0x1780, 0x1800))


def test_the_back_links_sign_is_in_the_notes_own_font(guide: tuple[Report, Path]) -> None:
    """Not in a font of the reader's system (U+21A9 is in neither default face)."""
    _, path = guide
    body_face = next(chars for (family, weight, slant), chars in _embedded_characters(path).items()
                     if (weight, slant) == ("normal", "normal") and family == "Caladea")
    signs = {"".join(span.itertext()) for span in html_body(path).iter("span")
             if span.get("aria-hidden") == "true"}
    assert signs and all(set(sign.replace("\ufe0e", "")) <= body_face for sign in signs)


def test_references_to_tables_figures_and_annexes_land_on_them(tmp_path: Path,
                                                                theme: Theme) -> None:
    report = load_report(DATA / "valid" / "apparatus.yaml")
    body = html_body(_write(report, theme, tmp_path))
    by_id = {element.get("id"): element for element in body.iter() if element.get("id")}
    landed = {}
    for link in body.find(".//main").iter("a"):
        href = link.get("href", "")
        if href.startswith("#") and link.get("role") is None:
            landed[_text(link)] = by_id[href[1:]]
    assert landed["Table 1"].tag == "table" and landed["Figure 1"].tag == "figure"
    assert _text(landed["Annex A"]).startswith("Annex A")


def test_with_no_description_nor_lead_the_description_is_the_bodys_first_paragraph(
        theme: Theme, tmp_path: Path) -> None:
    """Not the front matter's first section title ("Acknowledgements"): the body's first
    paragraph, with its automatic references' labels, in the page's description, the
    Open Graph description and the JSON-LD."""
    report = load_report(DATA / "valid" / "apparatus.yaml")
    assert report.metadata.description is None and not report.lead
    head = _head(_write(report, theme, tmp_path))
    named = {m.get("name") or m.get("property"): m.get("content") for m in head.iter("meta")}
    [script] = head.findall("script[@type='application/ld+json']")
    described = (named["description"], named["og:description"],
                 json.loads(script.text)["description"])
    assert all(text.startswith("Budgets are in Table 1, the chart is Figure 1")
               for text in described), described
