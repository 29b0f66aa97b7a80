"""Reading a DOCX back from its XML (zip and lxml), independently of python-docx."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from reportexport.source.inputfiles import open_zip, parse_xml, read_bounded, read_member
from reportexport.source.problems import UnreadableEdition

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)


def heading_levels(styles_xml: bytes | etree._Element) -> dict[str, int]:
    """Style id -> heading level, for Word's built-in heading styles."""
    root = etree.fromstring(styles_xml) if isinstance(styles_xml, bytes) else styles_xml
    levels: dict[str, int] = {}
    for style in root.iterfind("w:style", NS):
        name = style.find("w:name", NS)
        match = _HEADING_NAME.match(name.get(f"{{{W}}}val", "")) if name is not None else None
        style_id = style.get(f"{{{W}}}styleId")
        if match and style_id is not None:  # a style without an id is no paragraph's style
            levels[style_id] = int(match.group(1))
    return levels


def paragraph_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))


def read_outline(path: Path) -> list[tuple[int, str]]:
    """The headings of the DOCX `path`; a file that is not one within bounds raises InputError."""
    what = "a Word document (.docx)"
    with open_zip(read_bounded(path, what=what), path, what) as archive:
        def part(name: str) -> etree._Element:
            return parse_xml(read_member(archive, name, path), path, name)

        levels = heading_levels(part("word/styles.xml"))
        body = part("word/document.xml").find("w:body", NS)
    if body is None:
        raise UnreadableEdition("the Word document has no body")
    out = []
    for paragraph in body.iterfind("w:p", NS):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        style_id = style.get(f"{{{W}}}val") if style is not None else None
        if style_id is not None and style_id in levels:
            out.append((levels[style_id], paragraph_text(paragraph)))
    return out
