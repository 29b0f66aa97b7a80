"""The HTML edition: one self-contained page, semantic, findable, accessible, valid and safe.

The pages are built as users build them (`reportexport html SOURCE -o DIR`) and read
back two ways: as markup, with lxml's HTML parser (libxml2's HTML5 tokenizer, which ends
a script element where a browser does), and in a real browser (tests/browser.py:
Debian's Chromium through Playwright, axe-core injected, the Nu HTML Checker in Java).
The browser and Java checks are conformance tests; the markup checks need neither.

Hostile text (tests/data/html-hostile/, one case per file): every case builds into a
page that shows the hostile strings as text and runs none of them, or, where a
NAME.refused file stands beside it, is refused with the located message it holds.
tests/data/html-checks/ holds a page with one fault for each browser check and a clean
page that passes them all: the checks can fail, and can pass.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest

import browser
from conftest import DATA, ROOT, SOURCE, run_cli
from readers import normalise
from reportexport.building import build
from reportexport.source.reading import load_report
from reportexport.theme import load_theme

PAGES = {"report": SOURCE, "guide": ROOT / "examples" / "guide" / "guide.yaml"}
#: Sources whose pages are read as markup (and checked for fonts) only: many notes, Khmer,
#: ids like generated names, markup characters, front matter with numbered sections and annexes,
#: an SVG figure.
MARKUP_ONLY = {name: DATA / "valid" / f"{name}.yaml" for name in (
    "footnotes", "khmer", "colliding-ids", "markup-characters", "apparatus", "svg-figure",
    "new-page-and-landscape", "logo", "lists-of-tables-and-figures", "deep-nesting",
    "long-words-in-table-cells")}
#: Turkish capitals (text-transform under lang=tr) must come from the page's fonts.
MARKUP_ONLY["turkish"] = DATA / "html-checks" / "turkish.yaml"
HOSTILE_CASES = sorted((DATA / "html-hostile").glob("*.yaml"))
CHECKS = DATA / "html-checks"
#: What hostile sources hold; wherever a case has one, the page must show it as text.
PAYLOADS = ("<script>alert(1)</script>", "</script>", '" onerror="alert(1)',
            "javascript:alert(1)", "<img src=x onerror=alert(1)>")
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
#: The canonical summary's page, fonts and images included (issue #25).
SIZE_LIMIT = 250_000
KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
CONFIGS = [(name, width, scheme) for name in PAGES
           for width in browser.WIDTHS for scheme in browser.SCHEMES]


def build_html(source: Path, out: Path) -> Path:
    """`reportexport html SOURCE -o OUT`, as a user runs it: the page it writes."""
    result = run_cli("html", source, "-o", out, env=EPOCH)
    assert result.code == 0, result.stderr
    page = out / f"{load_report(source).metadata.slug}.html"
    written = sorted(path.name for path in out.iterdir()) if out.is_dir() else []
    assert written == [page.name], f"expected only {page.name} in {out}, found {written}"
    return page


def build_in_process(source: Path, out: Path) -> Path:
    """The same page through the public API: quicker, for the many small sources."""
    [page] = build(load_report(source), load_theme(), ["html"], out)
    return page


def parse(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page.read_bytes())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html")
    return {name: build_html(source, out / name) for name, source in PAGES.items()}


@pytest.fixture(scope="module")
def markup_pages(tmp_path_factory: pytest.TempPathFactory,
                 pages: dict[str, Path]) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html-markup")
    return {**pages, **{name: build_in_process(source, out / name)
                        for name, source in MARKUP_ONLY.items()}}


# --- The markup ----------------------------------------------------------------------------

ALL_SOURCES = {**PAGES, **MARKUP_ONLY}


@pytest.mark.parametrize("name", ALL_SOURCES)
def test_one_title_and_the_landmarks(markup_pages: dict[str, Path], name: str) -> None:
    doc = parse(markup_pages[name])
    meta = load_report(ALL_SOURCES[name]).metadata
    assert doc.get("lang") == meta.language
    [h1] = doc.xpath("//h1")
    assert normalise(h1.text_content()) == normalise(meta.title)
    missing = [tag for tag in ("header", "nav", "main", "footer")
               if not doc.xpath(f"//body//{tag}")]
    assert missing == [], f"no {missing} element"
    assert len(doc.xpath("//main")) == 1


@pytest.mark.parametrize("name", ALL_SOURCES)
def test_contents_list_every_section_in_order_at_its_depth(markup_pages: dict[str, Path],
                                                           name: str) -> None:
    doc = parse(markup_pages[name])
    walk = list(load_report(ALL_SOURCES[name]).walk())
    section_ids = [section.id for _, section in walk]
    listed = [href[1:] for href in doc.xpath("//nav//a/@href") if href.startswith("#")]
    assert [i for i in listed if i in section_ids] == section_ids
    for level, section in walk:
        [element] = doc.xpath("//*[@id=$id]", id=section.id)
        heading = element if re.fullmatch("h[1-6]", element.tag) or element.get(
            "role") == "heading" else element.xpath(
            "(.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//*[@role='heading'])[1]")[0]
        # The title is the h1: a section's level is one more; past h6, ARIA's heading role.
        if level + 1 <= 6:
            assert heading.tag == f"h{level + 1}", (section.id, heading.tag)
        else:
            assert (heading.tag, heading.get("aria-level")) == ("p", str(level + 1)), section.id
        # A numbered section's or an annex's heading begins with its label ("2.1", "Annex A").
        assert normalise(heading.text_content()).endswith(normalise(section.title))


@pytest.mark.parametrize("name", ALL_SOURCES)
def test_ids_are_unique_and_every_fragment_link_has_its_target(markup_pages: dict[str, Path],
                                                               name: str) -> None:
    doc = parse(markup_pages[name])
    ids = doc.xpath("//@id")
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    dangling = [href for href in doc.xpath("//a/@href")
                if href.startswith("#") and href[1:] not in set(ids)]
    assert dangling == []


@pytest.mark.parametrize("name", ALL_SOURCES)
def test_the_page_loads_nothing_from_elsewhere(markup_pages: dict[str, Path], name: str) -> None:
    """Images and fonts are data: URIs; links to other sites are only links (<a href>)."""
    doc = parse(markup_pages[name])
    loaded = [f"<{e.tag} {attr}={e.get(attr)[:60]!r}>" for e in doc.iter()
              if isinstance(e.tag, str) and e.tag != "a"
              for attr in ("src", "href", "srcset", "poster", "data", "action")
              if e.get(attr) is not None and not e.get(attr).startswith(("data:", "#"))]
    styles = " ".join(doc.xpath("//style/text()") + doc.xpath("//@style"))
    loaded += [f"CSS {found}" for found in re.findall(
        r"@import[^;]*|url\(\s*(?!['\"]?(?:data:|#))[^)]{0,60}", styles)]
    assert loaded == []


@pytest.mark.parametrize("name", ALL_SOURCES)
def test_nothing_inline_but_the_head_s_stylesheet_and_description(
        markup_pages: dict[str, Path], name: str) -> None:
    """The preview's Content-Security-Policy allows the head's one stylesheet by its hash
    and no style or event handler attribute (reportexport.previewing.policy); the one
    script is the JSON-LD description, data that is not run."""
    doc = parse(markup_pages[name])
    assert [style.getparent().tag for style in doc.iter("style")] == ["head"]
    assert doc.xpath("//@style") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    assert [script.get("type") for script in doc.iter("script")] == ["application/ld+json"]


def test_khmer_text_is_marked_as_khmer(markup_pages: dict[str, Path]) -> None:
    doc = parse(markup_pages["khmer"])
    unmarked = []
    for element in doc.xpath("//body//*"):
        own = (element.text or "") + "".join(child.tail or "" for child in element)
        if KHMER.search(own):
            lang = element.xpath("ancestor-or-self::*[@lang][1]/@lang")
            if not lang or not lang[0].startswith("km"):
                unmarked.append(f"<{element.tag}> {own.strip()[:40]!r} (lang {lang})")
    assert unmarked == []
    assert doc.xpath("//body//*[starts-with(@lang, 'km')]")


def _meta(doc: lxml.html.HtmlElement, key: str, value: str) -> list[str]:
    return [str(v) for v in doc.xpath(f"//head/meta[@{key}=$value]/@content", value=value)]


@pytest.mark.parametrize("name", PAGES)
def test_findable_and_shareable(pages: dict[str, Path], name: str) -> None:
    """<title>, a description, Open Graph; what the source says, escaped or not."""
    doc = parse(pages[name])
    meta = load_report(PAGES[name]).metadata
    assert meta.title in normalise(doc.findtext(".//head/title") or "")
    [description] = _meta(doc, "name", "description")
    if meta.description:  # the source's, or its beginning up to a word and an ellipsis
        shown = normalise(description)
        assert normalise(meta.description).startswith(shown.removesuffix("…").rstrip())
        assert shown == normalise(meta.description) or shown.endswith("…")
    else:  # from the lead: a sentence, not a word or two
        assert len(description) >= 50, description
    assert _meta(doc, "property", "og:title") == [meta.title]
    assert [normalise(d) for d in _meta(doc, "property", "og:description")] == [
        normalise(description)]
    assert _meta(doc, "property", "og:type") == ["article"]
    assert doc.xpath("//head/meta[@name='viewport']")


def json_ld(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    [script] = doc.xpath("//script[@type='application/ld+json']")
    data: dict[str, Any] = json.loads(script.text)
    return data


def _names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v["name"] if isinstance(v, dict) else v for v in values]


@pytest.mark.parametrize("name", [*PAGES, "hostile-metadata"])
def test_json_ld_describes_the_report(name: str, pages: dict[str, Path], tmp_path: Path) -> None:
    """schema.org's Report, parsed as a browser parses it; the hostile title holds
    `</script>`, which must not end the script element."""
    source = PAGES.get(name, DATA / "html-hostile" / "metadata.yaml")
    page = pages[name] if name in PAGES else build_in_process(source, tmp_path)
    data = json_ld(parse(page))
    meta = load_report(source).metadata
    assert "schema.org" in str(data["@context"])
    # A report with an ISBN is a Book as well, whose `isbn` schema.org defines (the guide).
    assert data["@type"] == (["Report", "Book"] if meta.isbn else "Report")
    assert data.get("isbn") == meta.isbn
    assert data["name"] == meta.title
    assert _names(data["author"]) == list(meta.authors)
    assert _names(data["publisher"]) == [meta.publisher]
    assert data["datePublished"] == meta.date.isoformat()
    assert data["inLanguage"] == meta.language


def test_the_canonical_page_is_small(pages: dict[str, Path]) -> None:
    size = pages["report"].stat().st_size
    assert size <= SIZE_LIMIT, f"{size:,} bytes"


def test_two_builds_are_byte_identical(pages: dict[str, Path], tmp_path: Path) -> None:
    again = build_html(SOURCE, tmp_path)
    assert again.read_bytes() == pages["report"].read_bytes()


@pytest.mark.parametrize("case", [c for c in HOSTILE_CASES if c.with_suffix(".refused").exists()],
                         ids=lambda c: c.stem)
def test_a_hostile_link_target_is_refused(case: Path, tmp_path: Path) -> None:
    result = run_cli("html", case, "-o", tmp_path / "out", env=EPOCH)
    assert result.code == 2, result.stderr
    assert case.with_suffix(".refused").read_text(encoding="utf-8").strip() in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --- In the browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium() -> Any:
    with browser.chromium() as opened:
        yield opened


@pytest.mark.conformance
@pytest.mark.parametrize(("name", "width", "scheme"), CONFIGS,
                         ids=[f"{n}-{w}-{s}" for n, w, s in CONFIGS])
def test_accessible_self_contained_and_fits(pages: dict[str, Path], chromium: Any, name: str,
                                            width: int, scheme: str) -> None:
    """axe-core finds no violation (WCAG 2.x A/AA and best practice), the page asks for
    nothing beyond itself, runs nothing hostile, never scrolls sideways, and draws all its
    text in the fonts it carries (none falls back to a font of the reader's machine)."""
    with browser.open_page(chromium, pages[name], width, scheme) as opened:
        found = {
            "axe violations": browser.axe_violations(opened.page),
            "requests beyond the page": sorted(opened.requests),
            "dialogs": opened.dialogs,
            "unsafe markup": browser.unsafe_markup(opened.page),
            "px wider than the viewport": browser.sideways_overflow(opened.page),
            "text in fonts the page does not carry": browser.fallback_fonts(opened.page),
        }
    assert found == {key: 0 if key.startswith("px") else [] for key in found}


@pytest.mark.conformance
@pytest.mark.parametrize("name", PAGES)
def test_contents_beside_the_text_when_wide_above_it_on_a_phone(pages: dict[str, Path],
                                                                chromium: Any, name: str) -> None:
    """Issue #25: 60-75 characters a line on a wide screen (the median full line of the
    main text's paragraphs), the contents a side column there and above the text on a phone."""
    with browser.open_page(chromium, pages[name], 1280) as opened:
        nav, main = browser.box(opened.page, "nav"), browser.box(opened.page, "main")
        lengths = sorted(browser.line_lengths(opened.page))
    assert nav["right"] <= main["left"] and nav["top"] < main["bottom"], (nav, main)
    assert lengths, "no full line of text in <main>'s paragraphs"
    assert 60 <= lengths[len(lengths) // 2] <= 75, lengths
    with browser.open_page(chromium, pages[name], 375) as opened:
        nav, main = browser.box(opened.page, "nav"), browser.box(opened.page, "main")
    assert nav["bottom"] <= main["top"], (nav, main)


@pytest.mark.conformance
def test_the_contents_number_nothing_where_the_body_numbers_nested_lists(
        markup_pages: dict[str, Path], chromium: Any) -> None:
    """The contents' lists of subsections show no marker, also on a page whose body numbers
    its nested lists 1. a. i. (the guide has both: a nested list's rule once matched
    every list in a list item, the contents' too, and numbered them "a.")."""
    with browser.open_page(chromium, markup_pages["guide"], 1280) as opened:
        styles = opened.page.evaluate("""() => {
            const types = (selector) => [...document.querySelectorAll(selector)]
                .map((list) => getComputedStyle(list).listStyleType);
            return {contents: types("nav li > ol"), body: types("main li > ol")};
        }""")
    assert styles["contents"] and set(styles["contents"]) == {"none"}, styles
    assert "lower-alpha" in styles["body"], styles


@pytest.mark.conformance
@pytest.mark.parametrize(("name", "has_links"), [("guide", True), ("apparatus", False)])
def test_print_leaves_out_the_contents_shows_addresses_and_breaks_pages(
        markup_pages: dict[str, Path], chromium: Any, name: str, has_links: bool) -> None:
    """Issue #25's print stylesheet: no navigation chrome, each link's address printed after
    it, a new page before each top-level section after the first (front matter and annexes
    included in the apparatus)."""
    top_level = [section.id for level, section in load_report(ALL_SOURCES[name]).walk()
                 if level == 1]
    with browser.open_page(chromium, markup_pages[name], 1280) as opened:
        found = browser.printed(opened.page, top_level)
        # Under print media: the brackets and addresses printed after links are text too.
        foreign = browser.fallback_fonts(opened.page)
    assert foreign == []
    assert found["contents"] and not any(found["contents"])
    assert bool(found["links"]) == has_links
    assert [href for href, after in found["links"] if href not in after] == []
    assert [i for i, rule in found["breaks"][1:] if rule != "page"] == []


@pytest.mark.conformance
def test_print_breaks_before_a_section_that_asks_for_a_new_page(
        markup_pages: dict[str, Path], chromium: Any) -> None:
    """`new_page` (#26) in the print stylesheet: a subsection that asks for a page starts
    one; one that does not, does not."""
    with browser.open_page(chromium, markup_pages["new-page-and-landscape"], 1280) as opened:
        found = browser.printed(opened.page, ["sampling", "wide-detail"])
    assert dict(found["breaks"]) == {"sampling": "page", "wide-detail": "auto"}


@pytest.mark.conformance
@pytest.mark.parametrize("name", MARKUP_ONLY)
def test_tricky_sources_in_the_browser(markup_pages: dict[str, Path], chromium: Any,
                                       name: str) -> None:
    """The tricky sources at a phone's width: what the canonical pages are held to above."""
    with browser.open_page(chromium, markup_pages[name], 375) as opened:
        found = {
            "axe violations": browser.axe_violations(opened.page),
            "requests beyond the page": sorted(opened.requests),
            "unsafe markup": browser.unsafe_markup(opened.page),
            "px wider than the viewport": browser.sideways_overflow(opened.page),
            "text in fonts the page does not carry": browser.fallback_fonts(opened.page),
        }
    assert found == {key: 0 if key.startswith("px") else [] for key in found}


@pytest.mark.conformance
@pytest.mark.parametrize(("name", "width"), [*((n, w) for n in PAGES for w in browser.WIDTHS),
                                             ("apparatus", 375), ("footnotes", 375)])
def test_every_link_and_note_lands(markup_pages: dict[str, Path], chromium: Any, name: str,
                                   width: int) -> None:
    """Every same-page link (contents, cross-references, automatic references, note marks
    and back-links) lands on a shown element with that id; every note mark reaches its note
    and comes back."""
    with browser.open_page(chromium, markup_pages[name], width) as opened:
        link_failures = browser.same_page_links(opened.page)
        marks, note_failures = browser.note_round_trips(opened.page)
    assert link_failures == []
    assert note_failures == []
    assert marks == len(list(load_report(ALL_SOURCES[name]).footnotes()))


@pytest.mark.conformance
@pytest.mark.parametrize(("name", "width"), [*((n, w) for n in ("guide", "footnotes")
                                                for w in browser.WIDTHS)])
def test_a_note_mark_stands_against_its_word_with_a_large_touch_target(
        markup_pages: dict[str, Path], chromium: Any, name: str, width: int) -> None:
    """No visible gap between a word and its note mark ("districts.¹", as every edition
    sets it), and a touch target of WCAG 2.2's 24 px each way all the same."""
    with browser.open_page(chromium, markup_pages[name], width) as opened:
        marks = browser.note_mark_fit(opened.page)
    assert [mark for mark in marks if mark["gap"] is not None], "no mark beside its word"
    assert [mark for mark in marks if mark["gap"] is not None and abs(mark["gap"]) > 0.5] == []
    assert [mark for mark in marks if min(mark["width"], mark["height"]) < 24] == []


@pytest.fixture(scope="module")
def nu_messages(markup_pages: dict[str, Path]) -> dict[Path, list[browser.NuMessage]]:
    """One Java run (its start is most of the time) for all the pages and the check pages."""
    return browser.nu_check([*markup_pages.values(), CHECKS / "faulty.html",
                             CHECKS / "clean.html"])


@pytest.mark.conformance
@pytest.mark.parametrize("name", ALL_SOURCES)
def test_the_nu_html_checker_finds_no_error(markup_pages: dict[str, Path], name: str,
                                            nu_messages: dict[Path, list[browser.NuMessage]],
                                            record_property: Any) -> None:
    messages = nu_messages[markup_pages[name]]
    record_property("nu_warnings", [str(m) for m in messages if m.kind == "warning"])
    assert [str(m) for m in messages if m.kind == "error"] == []


@pytest.mark.conformance
@pytest.mark.parametrize("case", [c for c in HOSTILE_CASES
                                  if not c.with_suffix(".refused").exists()],
                         ids=lambda c: c.stem)
def test_hostile_text_is_shown_and_never_run(case: Path, chromium: Any, tmp_path: Path) -> None:
    page = build_in_process(case, tmp_path)
    source_text = case.read_text(encoding="utf-8")
    expected = [payload for payload in PAYLOADS if payload in source_text]
    assert expected, "a hostile case holds at least one payload"
    with browser.open_page(chromium, page, 375) as opened:
        shown = browser.visible_text(opened.page)
        found = {
            "dialogs": opened.dialogs,
            "unsafe markup": browser.unsafe_markup(opened.page),
            "requests beyond the page": sorted(opened.requests),
            "payloads not shown as text": [p for p in expected if p not in shown],
        }
    assert found == {key: [] for key in found}


# --- The checks themselves -----------------------------------------------------------------

@pytest.mark.conformance
def test_every_check_finds_its_fault(
        chromium: Any, nu_messages: dict[Path, list[browser.NuMessage]]) -> None:
    """tests/data/html-checks/faulty.html has one fault for each check: each finds it."""
    page = CHECKS / "faulty.html"
    with browser.open_page(chromium, page, 375) as opened:
        violations = browser.axe_violations(opened.page)
        unsafe = browser.unsafe_markup(opened.page)
        overflow = browser.sideways_overflow(opened.page)
        links = browser.same_page_links(opened.page)
        marks, notes = browser.note_round_trips(opened.page)
        requests, dialogs = sorted(opened.requests), opened.dialogs
        fallbacks = browser.fallback_fonts(opened.page)
    assert "image-alt" in [v.split()[0] for v in violations], violations
    assert requests == ["file://" + str(CHECKS / "missing.png"),
                        "https://fonts.example.invalid/face.css"]
    assert dialogs == ["onerror ran"]
    # A script the page does not write is flagged whatever it holds (not only alert()).
    assert unsafe == ["<img onerror>", '<a href="javascript:void(0)">',
                      '<script type="text/javascript"> '
                      '"document.documentElement.dataset.touched = \\"yes\\";"']
    assert overflow > 1000
    assert [link.split(":")[0] for link in links] == ["#nowhere", "#hidden", "#covered"]
    assert (marks, notes) == (1, ["note mark '1' (#note-1): the note has no link back to the mark"])
    assert fallbacks and fallbacks[0].startswith("<h1>Faulty on purpose</h1>: "), fallbacks
    errors = [m.message for m in nu_messages[page] if m.kind == "error"]
    assert len(errors) == 2 and "alt" in errors[0] and "Duplicate ID" in errors[1], errors


@pytest.mark.conformance
def test_a_clean_page_passes_every_check(
        chromium: Any, nu_messages: dict[Path, list[browser.NuMessage]]) -> None:
    page = CHECKS / "clean.html"
    for width, scheme in zip(browser.WIDTHS, browser.SCHEMES, strict=True):
        with browser.open_page(chromium, page, width, scheme) as opened:
            assert browser.axe_violations(opened.page) == []
            assert browser.sideways_overflow(opened.page) == 0
            assert browser.same_page_links(opened.page) == []
            assert browser.note_round_trips(opened.page) == (1, [])
            assert (opened.requests, opened.dialogs, browser.unsafe_markup(opened.page)) == (
                [], [], [])
            assert browser.fallback_fonts(opened.page) == []
    assert nu_messages[page] == []


@pytest.mark.conformance
def test_axe_finds_pandocs_faults(tmp_path: Path, chromium: Any) -> None:
    """pandoc's standalone HTML of the same content (`pandoc -s --toc`), a page made by a
    well-known tool, has violations of the rules the edition is held to (issue #25)."""
    import pypandoc

    from markdown_source import to_markdown

    markdown = tmp_path / "report.md"
    markdown.write_text(to_markdown(load_report(SOURCE)), encoding="utf-8")
    page = tmp_path / "pandoc.html"
    pypandoc.convert_file(str(markdown), "html", outputfile=str(page),
                          extra_args=["--standalone", "--toc"])
    with browser.open_page(chromium, page, 375) as opened:
        violations = browser.axe_violations(opened.page)
        assert browser.same_page_links(opened.page) == []
    assert violations, "axe-core found nothing wrong in pandoc's page"


@pytest.mark.conformance
def test_lighthouse_scores_accessibility_best_practices_and_seo_at_100(
        pages: dict[str, Path]) -> None:
    """Lighthouse 12.2.3, mobile profile, from a loopback server (benchmarks/lighthouse.py).
    Performance depends on the machine's load: the benchmark prints it."""
    import lighthouse

    with lighthouse.serve(pages["report"].parent) as base:
        report = lighthouse.lighthouse(f"{base}/{pages['report'].name}")
    scores = lighthouse.scores(report)
    below = [line for line in lighthouse.shortfalls(report)
             if not line.startswith("performance")]
    assert {name: scores[name] for name in ("accessibility", "best-practices", "seo")} == {
        "accessibility": 100, "best-practices": 100, "seo": 100}, below


#: Sources with the everyday blocks of #26 (callouts, definition lists, nested lists,
#: table notes), checked in the browser as the report and the guide are.
BLOCK_PAGES = {"everyday-blocks": DATA / "valid" / "everyday-blocks.yaml"}
BLOCK_CONFIGS = [(name, width, scheme) for name in BLOCK_PAGES
                 for width in browser.WIDTHS for scheme in browser.SCHEMES]


@pytest.fixture(scope="module")
def block_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html-blocks")
    return {name: build_in_process(source, out / name) for name, source in BLOCK_PAGES.items()}


@pytest.mark.conformance
@pytest.mark.parametrize(("name", "width", "scheme"), BLOCK_CONFIGS,
                         ids=[f"{n}-{w}-{s}" for n, w, s in BLOCK_CONFIGS])
def test_everyday_blocks_are_accessible_and_fit(block_pages: dict[str, Path], chromium: Any,
                                                name: str, width: int, scheme: str) -> None:
    """A callout's aside, a definition list, nested lists and a table's note: no axe
    violation, nothing wider than the viewport, no text in a font the page lacks."""
    with browser.open_page(chromium, block_pages[name], width, scheme) as opened:
        found = {
            "axe violations": browser.axe_violations(opened.page),
            "px wider than the viewport": browser.sideways_overflow(opened.page),
            "text in fonts the page does not carry": browser.fallback_fonts(opened.page),
        }
    assert found == {key: 0 if key.startswith("px") else [] for key in found}


@pytest.mark.conformance
def test_epub_table_cells_break_long_words_on_a_phone(chromium: Any, tmp_path: Path) -> None:
    """The e-book's chapter, with its own stylesheet, at a phone's 375 px: a table of long
    URLs and identifiers breaks them in its cells rather than push the page sideways
    (a reading system has no scrolling table region, as the web page has)."""
    source = DATA / "valid" / "long-words-in-table-cells.yaml"
    [epub] = build(load_report(source), load_theme(), ["epub"], tmp_path)
    with zipfile.ZipFile(epub) as archive:
        css = archive.read("EPUB/styles/report.css").decode()
        chapter = archive.read("EPUB/text/sources.xhtml").decode()
    # The stylesheet inline (the page may fetch nothing beside itself), its fonts left out.
    css = re.sub(r"@font-face\s*{[^}]*}", "", css)
    page = tmp_path / "chapter.xhtml"
    page.write_text(re.sub(r"<link[^>]*stylesheet[^>]*/>", f"<style>{css}</style>", chapter),
                    encoding="utf-8")
    with browser.open_page(chromium, page, 375) as opened:
        assert browser.sideways_overflow(opened.page) == 0


@pytest.mark.conformance
def test_a_dark_logo_stands_on_a_light_plate_in_the_dark_scheme(markup_pages: dict[str, Path],
                                                                chromium: Any) -> None:
    """The test logo (drawn for white paper) on the dark scheme's background: on a white
    plate there, on the page's own white in the light scheme."""
    backgrounds = {}
    for scheme in ("light", "dark"):
        with browser.open_page(chromium, markup_pages["logo"], 1280, scheme) as opened:
            backgrounds[scheme] = opened.page.evaluate(
                "getComputedStyle(document.querySelector('img.logo')).backgroundColor")
    assert backgrounds == {"light": "rgba(0, 0, 0, 0)", "dark": "rgb(255, 255, 255)"}
