"""An SVG figure: parsed safely, refused when it could run or fetch anything, and sized.

Every edition carries the SVG as its author wrote it (the EPUB and HTML as the file
itself, the DOCX beside a PNG rendered from it, the PDF as vector drawing), so what
is checked here is all that keeps it inert: no script, no event attribute, no foreign
(HTML) content, no reference to anything outside the file but a `data:` PNG or JPEG,
no document type declaration (whose entities could expand or fetch).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportexport.source.inputfiles import safe_parser
from reportexport.source.problems import split_at_cap

if TYPE_CHECKING:
    from lxml import etree

MEDIA_TYPE = "image/svg+xml"
SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: CSS pixels to the inch: how an SVG's own size (in px, or in user units) maps to print.
CSS_PX_PER_INCH = 96
#: Neither side of an SVG may claim more than this (CSS px, 2.6 m): it is laid out, and
#: its Word fallback rendered, from that size.
MAX_SIDE_PX = 10_000
_UNIT_PX = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
            "cm": 96 / 2.54, "in": 96.0}
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_LENGTH = re.compile(rf"\s*({_NUMBER})\s*(px|pt|pc|mm|cm|in)?\s*")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
#: Embedded pictures an SVG may carry: what every edition's reader decodes alike.
_DATA_IMAGES = ("data:image/png", "data:image/jpeg")


class SvgProblem(ValueError):
    """An SVG the source may not use: each of its faults (a message that follows the image's
    name), in the file's order, at most PROBLEMS_SHOWN_PER_TEXT of them, and how many
    more it has past those (`more`)."""

    def __init__(self, *faults: str, more: int = 0) -> None:
        super().__init__("\n".join(faults))
        self.faults = faults
        self.more = more


def _refused(faults: list[str]) -> SvgProblem:
    """The SVG's faults, each once (one <style> may refer to a file twice), at most
    PROBLEMS_SHOWN_PER_TEXT shown: a hostile file's ten thousand scripts are told in a
    screenful."""
    shown, more = split_at_cap(list(dict.fromkeys(faults)))
    return SvgProblem(*shown, more=more)


@dataclass(frozen=True)
class SvgText:
    families: tuple[str, ...]  # its font-family's names, as the SVG gives (or inherits) them
    characters: str


@dataclass(frozen=True)
class SvgFacts:
    width: float  # CSS px
    height: float
    texts: tuple[SvgText, ...]  # each <text> element's, in document order


def parsed_svg(data: bytes) -> etree._Element:
    """The SVG's root element, parsed without expanding, fetching or loading anything."""
    from lxml import etree

    dtd = SvgProblem("declares a document type or entities (<!DOCTYPE>, <!ENTITY>), "
                     "which an SVG image may not: save it without them")
    text = data.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise dtd
    try:
        root: etree._Element = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SvgProblem(f"is not well-formed XML, so not an SVG image ({exc})") from None
    docinfo = root.getroottree().docinfo
    # As inputfiles.parse_xml: a declaration in another encoding than UTF-8 is seen here.
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[attr-defined]
        raise dtd
    return root


def check_svg(data: bytes) -> SvgFacts:
    """What the editions need of an SVG image, or SvgProblem saying every reason it is
    refused (but for a file that cannot be read as an SVG at all: that alone)."""
    root = parsed_svg(data)
    _check_root(root)
    faults = [*_style_sheet_links(root), *_element_faults(root)]
    size: tuple[float, float] | None = None
    try:
        size = svg_size(root)
    except SvgProblem as exc:
        faults += exc.faults
    encoding = _encoding_fault(data, root)
    faults += [encoding] if encoding else []
    if faults or size is None:
        raise _refused(faults)
    # The renderers are given only an SVG found inert, sized and in UTF-8: what they
    # fail on is said once the rest is right.
    _check_drawable(data, root)
    texts = tuple(SvgText(_families(text), _text(text))
                  for text in root.iter(f"{{{SVG_NS}}}text"))
    return SvgFacts(*size, texts)


def _check_root(root: etree._Element) -> None:
    """Refuse a file whose root is not SVG's <svg>: it is no SVG image to check further."""
    from lxml import etree

    name = etree.QName(root).localname
    if root.tag != f"{{{SVG_NS}}}svg":
        if name == "svg":
            raise SvgProblem(f'is not an SVG image: its <svg> element lacks xmlns="{SVG_NS}"')
        raise SvgProblem(f"is not an SVG image: its root element is <{name}>")


def _style_sheet_links(root: etree._Element) -> Iterator[str]:
    from lxml import etree

    for sibling in root.itersiblings(preceding=True):
        if isinstance(sibling, etree._ProcessingInstruction) \
                and sibling.target == "xml-stylesheet":
            yield ("links a style sheet (<?xml-stylesheet?>): an SVG image may refer to "
                   "nothing outside itself")


def _element_faults(root: etree._Element) -> Iterator[str]:
    """Every element's faults, in document order. What a refused script or foreign
    element holds is not looked into: it goes with the element, and its HTML would
    otherwise be told element by element."""
    pending = [root]
    while pending:
        element = pending.pop()
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            continue
        foreign = _foreign_fault(element)
        if foreign:
            yield foreign
            continue
        yield from _faults_of(element)
        pending.extend(reversed(list(element)))


_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;]+)")


def _families(element: etree._Element) -> tuple[str, ...]:
    """The font-family names the element sets or inherits (from an attribute or a style
    attribute: what svglib and resvg read alike)."""
    for holder in (element, *element.iterancestors()):
        match = _FONT_FAMILY.search(str(holder.get("style", "")))
        value = match.group(1) if match else holder.get("font-family")
        if value:
            return tuple(name.strip().strip("'\"") for name in str(value).split(","))
    return ()


class _AnyFont:
    """An svglib font map that sets every text in one of reportlab's standard fonts: what
    the check needs to measure text, with no font file read and no fontconfig asked."""

    def find_font(self, font_name: str, weight: str = "normal",
                  style: str = "normal") -> tuple[str, bool]:
        return "Helvetica", True


def quiet_svglib() -> None:
    """Keep svglib's warnings ("Circular <use> reference detected, skipping") off the
    terminal: what it cannot draw, it skips, and what would fail a build is checked here."""
    logging.getLogger("svglib.svglib").setLevel(logging.CRITICAL)


#: An object's repr, as a library's message may quote one (`<_io.BytesIO object at 0x7f…>`):
#: it says nothing to the author and differs from run to run.
_OBJECT_REPR = re.compile(r"\s*<[^<>]* at 0x[0-9a-fA-F]+>")


def _check_drawable(data: bytes, root: etree._Element) -> None:
    """Refuse an SVG that an edition's renderer would fail on, as the build would meet it:
    resvg (the Word fallback) refuses trees of too many nodes (a <use> loop or bomb);
    svglib cannot draw a length of 'abc'; reportlab cannot write a number beyond about
    1e20 into the PDF. `root` is `data` parsed; svglib draws a tree of its own (it may
    change what it draws)."""
    from reportlab.graphics import renderPDF
    from svglib.svglib import SvgRenderer

    try:
        _resvg_parsed(data.decode("utf-8"))
        quiet_svglib()
        renderPDF.drawToString(SvgRenderer("", font_map=_AnyFont()).render(parsed_svg(data)))
    except Exception as exc:  # the renderers raise what their parsing meets
        raise SvgProblem(f"cannot be drawn: {_drawing_failure(exc)}") from None


def _encoding_fault(data: bytes, root: etree._Element) -> str | None:
    """Why the SVG is not UTF-8 text declared so (or not at all), if it is not: resvg (the
    Word fallback) reads only UTF-8, and an e-book's XML must be UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text: save it as UTF-8"
    declared = str(root.getroottree().docinfo.encoding)
    if declared.upper() != "UTF-8":  # EPUBCheck: "XML documents must be encoded in UTF-8"
        return (f"declares its encoding as {declared}: save it as UTF-8, declared so or "
                "not at all (an e-book's XML must be UTF-8)")
    return None


def _drawing_failure(exc: Exception) -> str:
    """What a renderer's exception says, in the author's terms where it can be."""
    reason = _OBJECT_REPR.sub("", str(exc)).replace("\n", " ")
    too_large = re.search(r"number too large (\S+)", reason)
    if too_large:  # reportlab's fp_str, for any number beyond ±1e20
        return (f"it holds a coordinate or length too large for a PDF "
                f"({too_large.group(1)}); keep its numbers within ±1e20")
    if "nodes limit" in reason:  # resvg's guard against <use> loops and bombs
        return ("it expands to too many elements (a <use> that refers to itself, or "
                "uses of uses multiplying)")
    return reason


def _resvg_parsed(text: str) -> None:
    """Parse the SVG as the Word fallback's renderer does (drawn on one pixel: the parsing
    is what can fail), with no font and nothing fetched."""
    import resvg_py

    resvg_py.svg_to_bytes(svg_string=text, width=1, height=1, dpi=CSS_PX_PER_INCH,
                          skip_system_fonts=True)


def _where(element: etree._Element) -> str:
    return f"(line {element.sourceline} of the SVG)"


def _foreign_fault(element: etree._Element) -> str | None:
    """Why the element may not be in an SVG figure at all (a script, HTML), if so."""
    from lxml import etree

    name = etree.QName(element).localname
    # In any case: EPUBCheck takes a <SCRIPT> for a script (OPF-014, "scripted").
    if name.lower() in ("script", "foreignobject") or etree.QName(element).namespace == XHTML_NS:
        return (f"holds a <{name}> element {_where(element)}; an SVG figure may hold "
                "neither scripts nor foreign (HTML) content")
    return None


def _faults_of(element: etree._Element) -> Iterator[str]:
    """The faults of an element an SVG may hold: its event attributes, its references to
    anything outside the file, a link."""
    from lxml import etree

    name, where = etree.QName(element).localname, _where(element)
    for attribute, raw in element.attrib.items():
        local, value = etree.QName(attribute).localname, str(raw)
        if local.lower().startswith("on"):
            yield (f"has an event attribute {local}= on <{name}> {where}; an SVG figure "
                   "may hold no scripts")
            continue
        targets = [value] if local == "href" else [
            m.group(2) for m in _URL.finditer(css_unescaped(value))]
        yield from _target_faults(targets, f"<{name} {local}>", where)
    if name == "a" and any(etree.QName(key).localname == "href" for key in element.attrib):
        # An image is never clicked, and EPUBCheck refuses a link in one (RSC-011).
        yield (f"holds a link (<a href>) {where}: a figure's image cannot be clicked in "
               "any edition; keep what the <a> holds, without the <a>")
    if name in _ANIMATIONS and str(element.get("attributeName", "")).split(":")[-1] == "href":
        # What an animation sets an href to is a reference as the attribute's own would be.
        targets = [str(element.get(key)) for key in ("from", "to", "by") if element.get(key)]
        targets += str(element.get("values", "")).split(";") if element.get("values") else []
        yield from _target_faults(targets, f"<{name} attributeName>", where)
    if name == "style":
        css = css_unescaped(_text(element))
        if "@import" in css.lower():
            yield (f"imports a style sheet (@import in <style>) {where}: an SVG image may "
                   "refer to nothing outside itself")
        yield from _target_faults([m.group(2) for m in _URL.finditer(css)], "<style>", where)


#: SVG's animation elements that can set an attribute (SMIL), an href among them.
_ANIMATIONS = frozenset({"set", "animate"})
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)


def css_unescaped(css: str) -> str:
    """CSS as its parser reads it, for the checks above: escapes decoded (`u\\72l(` is
    `url(`, `@im\\port` is `@import`) and comments dropped."""
    def decoded(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(2)
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _CSS_ESCAPE.sub(decoded, _CSS_COMMENT.sub("", css))


def _text(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _target_faults(targets: list[str], holder: str, where: str) -> Iterator[str]:
    for target in targets:
        stripped = target.strip()
        if stripped.startswith("#"):
            continue
        if stripped.lower().startswith(_DATA_IMAGES):
            fault = _data_image_fault(stripped, holder, where)
            yield from [fault] if fault else []
            continue
        shown = stripped if len(stripped) <= 60 else stripped[:57] + "..."
        yield (f"refers to '{shown}' outside itself ({holder}) {where}; an SVG figure may "
               "refer only to its own parts (#id) and to data: PNG or JPEG images")


def _data_image_fault(uri: str, holder: str, where: str) -> str | None:
    """Why an embedded picture is refused, if it is: it must be a PNG or JPEG of at most
    images.MAX_PIXELS, as a figure's own is, read from its header before a renderer
    decodes it (resvg allocates every pixel: a 150 KB SVG embedding a
    30,000-pixel-square PNG asked for 3.6 GB)."""
    import base64
    import binascii
    import io
    from urllib.parse import unquote_to_bytes

    from PIL import Image

    from reportexport.source.images import MAX_PIXELS, quiet_size_warnings

    header, _, payload = uri.partition(",")
    try:
        if header.lower().endswith(";base64"):
            payload = "".join(payload.split())
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = unquote_to_bytes(payload)
        with quiet_size_warnings(), Image.open(io.BytesIO(data)) as picture:
            kind, (width, height) = picture.format, picture.size
    except Image.DecompressionBombError:  # Pillow's own limit, far above MAX_PIXELS
        return (f"embeds a picture too large to be decoded safely ({holder}) {where}; "
                f"the limit is {MAX_PIXELS // 1_000_000} million pixels")
    except (binascii.Error, OSError, ValueError):
        kind, width, height = None, 0, 0
    if kind not in ("PNG", "JPEG"):
        return f"embeds a picture that cannot be read as PNG or JPEG ({holder}) {where}"
    if width * height > MAX_PIXELS:
        return (f"embeds a picture of {width} × {height} pixels ({holder}) {where}; "
                f"the limit is {MAX_PIXELS // 1_000_000} million pixels")
    return None


def svg_size(root: etree._Element) -> tuple[float, float]:
    """The SVG's size in CSS px: its width and height, or what its viewBox gives."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = _view_box(root.get("viewBox"))
    if width is None or height is None:
        if box is None:
            raise SvgProblem("has no size to lay out: give its <svg> element a width and a "
                             "height (in px, pt, mm, cm or in) or a viewBox")
        box_width, box_height = box
        if width is not None:
            height = width * box_height / box_width
        elif height is not None:
            width = height * box_width / box_height
        else:
            width, height = box_width, box_height
    if not (0 < width <= MAX_SIDE_PX and 0 < height <= MAX_SIDE_PX):
        raise SvgProblem(f"is {width:g} × {height:g} px; each side must be more than 0 and "
                         f"at most {MAX_SIDE_PX} px")
    return width, height


def _length(value: str | None) -> float | None:
    """An absolute length in CSS px; None for none, a percentage or an em."""
    match = _LENGTH.fullmatch(value) if value is not None else None
    if match is None:
        return None
    return float(match.group(1)) * _UNIT_PX[match.group(2) or ""]


def _view_box(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    numbers = re.findall(_NUMBER, value)
    if len(numbers) != 4:
        return None
    width, height = float(numbers[2]), float(numbers[3])
    return (width, height) if width > 0 and height > 0 else None
