"""A Word document's body as the source's kinds of blocks, in nested sections.

The result is a `Draft`: the model's own inline nodes and blocks (format-neutral,
model.py knows nothing of Word), in sections that still carry what Word calls
them (their bookmarks), and every notice about what the source cannot hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reportexport.labels import PROPERTY_PREFIX, acceptable, labels_for
from reportexport.model import (
    LIST_LEVELS,
    Block,
    BulletList,
    Callout,
    CrossReference,
    Definition,
    DefinitionList,
    Emphasis,
    Figure,
    Inline,
    Inlines,
    Link,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Strong,
    SubList,
    Table,
    Text,
    map_content,
    notes,
    plain,
)
from reportexport.source.inline import SCHEMES, readable
from reportexport.source.inputfiles import refuse
from reportexport.source.reading import (
    HTML_SUSPECT,
    MAX_SECTION_DEPTH,
    forbidden_in_html,
    slugify,
)
from reportexport.support.dates import read_human_date
from reportexport.wordimport.apparatus import (
    Layout,
    LayoutMismatch,
    number_headings,
    references,
)
from reportexport.wordimport.marks import few_words, number_paragraphs
from reportexport.wordimport.package import R, WordPackage, w, word_number
from reportexport.wordimport.styles import (
    CAPTION_STYLES,
    QUOTE_STYLES,
    Styles,
    own_numbering,
    read_styles,
)

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
#: Paragraph styles that are plain paragraphs in Word, LibreOffice and pandoc files.
_PLAIN_STYLES = frozenset({
    "normal", "body text", "first paragraph", "compact", "default", "default style",
    "text body", "normal (web)", "no spacing", "plain text", "list paragraph", "body text 2",
    "body text 3", "body text indent", "normal indent", "standard", "table text",
    "table contents", "footnote text", "endnote text",
})
# Looked up in every body paragraph (for section breaks), made once.
_PROPERTIES, _SECTION = w("pPr"), w("sectPr")
#: The table style of our edition's callouts (exporters/docx/styles.py): what tells one.
CALLOUT_STYLE = "callout box"
_DASHES = ("— ", "―", "—", "– ", "-- ")
def _unwritable(match: re.Match[str]) -> str:
    """A character the source refuses as it stands in Word's text (HTML forbids it): a
    carriage return or next-line character (NEL) is a space, another goes; one it holds
    stays."""
    char = match.group()
    if not forbidden_in_html(match):
        return char
    return " " if char in "\r\x85" else ""


#: Fields nest a few deep in Word (a page number in a link in a contents' entry); a
#: document nesting thousands would make every run's look-up through them long.
_FIELD_DEPTH = 32
_FIELD_NAME = re.compile(r"^\s*(\S+)")
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass
class DraftSection:
    title: str
    level: int
    bookmarks: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    sections: list[DraftSection] = field(default_factory=list)
    id: str = ""
    new_page: bool = False  # after a page break of its own
    landscape: bool = False  # its pages turned (a Word section in landscape)


@dataclass
class Draft:
    """What a Word document holds, in the source's terms."""

    title: str = ""
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    date: dt.date | None = None
    language: str | None = None
    identifier: str | None = None
    subject: str | None = None
    keywords: list[str] = field(default_factory=list)
    description: str | None = None
    rights: str | None = None
    isbn: str | None = None
    disclaimer: str | None = None
    labels: list[tuple[str, str]] = field(default_factory=list)  # the source's own words
    cover_authors: str | None = None  # as the title page names them: "A, B"
    facts: list[tuple[str, str]] = field(default_factory=list)
    lead: list[Inlines] = field(default_factory=list)
    front: list[DraftSection] = field(default_factory=list)  # before the contents
    sections: list[DraftSection] = field(default_factory=list)
    appendices: list[DraftSection] = field(default_factory=list)  # "Annex A …" headings
    numbered_sections: bool = False  # the headings carried their numbers ("2.1 …")
    lists: list[str] = field(default_factory=list)  # "tables", "figures": generated lists
    logo: str | None = None  # the title page's logo, a path in `images`
    images: dict[str, bytes] = field(default_factory=dict)  # by path relative to the source
    notices: list[str] = field(default_factory=list)
    section_at: dict[int, str] = field(default_factory=dict)  # paragraph number -> section
    captions_alone: list[CaptionAlone] = field(default_factory=list)  # read as paragraphs

    @property
    def parts(self) -> tuple[list[DraftSection], ...]:
        """The front matter's, the body's and the appendices' sections, in reading order."""
        return self.front, self.sections, self.appendices


@dataclass
class _Caption:
    """A caption paragraph waiting for the table or figure it belongs to."""

    content: Inlines
    kind: str | None  # "table", "figure" or None when its label does not say
    bookmarks: list[str] = field(default_factory=list)  # what references to it lead to
    label: str = ""  # as printed before its words: "Table 2", "" when it has none
    place: str = ""  # its paragraph, for notices: 'paragraph 12 ("Table 2. Budget")'


@dataclass(frozen=True)
class CaptionAlone:
    """A caption paragraph with no table or figure beside it, read as `paragraph`: a
    table deleted in Word whose caption stayed, or a caption written on its own."""

    paragraph: Paragraph
    kind: str | None  # "table", "figure" or None, as its label or its style says
    label: str  # "Table 2", as printed; "" when it has none
    place: str  # 'paragraph 12 ("Table 2. Budget")'


@dataclass
class _Title:
    """A callout's title, read as its cell's first paragraph."""

    content: Inlines


@dataclass
class _Definitions:
    """A definition list being read: its items grow in place (a tuple made anew for each
    would make a list of n terms cost n² steps)."""

    items: list[Definition]


@dataclass
class _Term:
    """A definition list's term waiting for its definition (a paragraph if none comes)."""

    content: Inlines


@dataclass
class _Pending:
    """A figure met inside a paragraph, before it is numbered and named."""

    data: bytes
    suffix: str
    media_type: str
    alt: str
    name: str
    label: str = ""  # the drawing's own name (wp:docPr), "Logo" on our title page
    part: str = ""  # the package's member holding the picture


# The segments a paragraph's runs are read into, before they become nested inlines.
@dataclass
class _Seg:
    text: str
    italic: bool = False
    bold: bool = False
    link: tuple[str, str] | None = None  # ("url", …) or ("anchor", …)
    note: Inlines | None = None
    figure: _Pending | None = None
    dropped: bool = False  # where something was left out: a doubled space closes up


def _sniff(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png", "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg", "image/jpeg"
    return None


#: The suffixes of the pictures the source holds: one that does not open as its suffix
#: says is damaged, not in another format.
_PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".jfif"})


def _unusable_picture(suffix: str) -> str:
    """What is said of a picture that is neither a PNG nor a JPEG file."""
    if suffix.lower() in _PICTURE_SUFFIXES:
        return (f"a damaged picture (its {suffix} file does not open as one): left out; "
                "save it again from the program that made it")
    return (f"a picture in a format the source cannot hold ({suffix or 'no suffix'}; "
            "PNG or JPEG only): left out")


class _Reader:
    bookmarks: list[str]  # the bookmarks started in the paragraph being read, set by its reader

    def __init__(self, package: WordPackage, labels: list[tuple[str, str]]) -> None:
        self.package = package
        self.styles: Styles = read_styles(package)
        self.language = _language(package, self.styles)  # "" when it gives none
        #: The words the editions add, as this document prints them (labels.py).
        self.words = labels_for(self.language or "en", labels)
        self.caption_label = _caption_label(self.words)
        self.notices: list[str] = []
        self.numbers = number_paragraphs(package.document)
        self.fields: list[dict[str, Any]] = []  # open complex fields, innermost last
        self.fields_beyond = 0  # fields opened deeper than _FIELD_DEPTH: counted only
        self.tocs_open = 0  # of the open fields, the tables of contents
        self.toc_opened_at: Any = None  # the paragraph the last contents field began in
        self.current: Any = None  # the body paragraph being read, for notices
        self.rels = package.relationships
        # Each kind of note part, by the notes' ids (lxml elements).
        self.notes: dict[str, dict[str | None, Any]] = {
            kind: {n.get(w("id")): n for n in package.parts[kind].iter(w(kind[:-1]))}
            for kind in ("footnotes", "endnotes") if kind in package.parts}
        self.bookmark_section: dict[str, DraftSection | None] = {}
        self.section_at: dict[int, str] = {}  # a body paragraph's number -> its section
        self.contents_met = False  # a table of contents' field has begun
        self.page_breaks = 0  # how many page breaks (w:br type="page") were read
        self.linked: set[str] = set()  # the bookmarks internal links lead to
        self.lists: list[str] = []  # the lists of tables and figures met, by kind
        self.in_note = False  # a note's text is being read
        self.pictures: dict[str, bytes] = {}  # each picture's member, read once
        self.captions_alone: list[CaptionAlone] = []  # read as paragraphs

    def notice(self, what: str, words: str = "") -> None:
        self.notices.append(f"{self.package.path}: {self.place(words)}: {what}")

    def place(self, words: str = "") -> str:
        """Where the paragraph being read stands, for a notice: its number, a few words."""
        number = self.numbers.get(self.current)
        where = f"paragraph {number}" if number else "the document"
        return where + (f' ("{few_words(words)}")' if words.strip() else "")

    # --- runs --------------------------------------------------------------------------

    def segments(self, element: Any, italic: bool = False, bold: bool = False,
                 link: tuple[str, str] | None = None) -> list[_Seg]:
        out: list[_Seg] = []
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            local = tag.rsplit("}", 1)[-1]
            if tag == w("r"):
                out += self._run(child, italic, bold, link)
            elif tag == w("hyperlink"):
                target = self._hyperlink(child)
                out += self.segments(child, italic, bold, target or link)
            elif tag == w("fldSimple"):
                instr = child.get(w("instr"), "")
                target = self._field_link(instr)
                if target is None:
                    self._field_notice(instr, _shown(child))
                out += self.segments(child, italic, bold, target or link)
            elif tag in (w("smartTag"), w("customXml"), w("ins"), w("moveTo"), w("dir"),
                         w("bdo")):
                out += self.segments(child, italic, bold, link)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    out += self.segments(content, italic, bold, link)
            elif tag == w("bookmarkStart"):
                self.bookmarks.append(child.get(w("name"), ""))
            elif tag in (f"{{{M}}}oMath", f"{{{M}}}oMathPara"):
                words = "".join(t.text or "" for t in child.iter(f"{{{M}}}t"))
                self.notice("an equation: the source has no equations; its text is kept "
                            "in this paragraph", words)
                out.append(_Seg(words))
            elif local == "AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is None:
                    choice = child.find(f"{{{MC}}}Fallback")
                if choice is not None:
                    out += self.segments(choice, italic, bold, link)
        return out

    def _hyperlink(self, element: Any) -> tuple[str, str] | None:
        rel = self.rels.get(element.get(f"{{{R}}}id", ""))
        if rel is not None and rel.external:
            anchor = element.get(w("anchor"))
            return self._url(rel.target + (f"#{anchor}" if anchor else ""), element)
        anchor = element.get(w("anchor"))
        if anchor and not self.in_toc():  # the contents' and lists' entries are no references
            self.linked.add(anchor)
        return ("anchor", anchor) if anchor else None

    def _url(self, url: str, element: Any = None) -> tuple[str, str] | None:
        """("url", `url`) for a link the source can hold; None, reported, for another."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in SCHEMES:
            return ("url", url)
        words = _shown(element) if element is not None else ""
        self.notice(f"a link to '{url}': the source links only to http, https and mailto "
                    "addresses; its words are kept without the link", words)
        return None

    def _field_link(self, instr: str) -> tuple[str, str] | None:
        name = _FIELD_NAME.match(instr)
        if name is None or name.group(1).upper() != "HYPERLINK":
            return None
        quoted = _QUOTED.findall(instr)
        if "\\l" in instr and quoted:
            self.linked.add(quoted[-1])
            return ("anchor", quoted[-1])
        return self._url(quoted[0]) if quoted else None

    def _field_notice(self, instr: str, shown: str) -> None:
        field_name = _FIELD_NAME.match(instr)
        name = field_name.group(1).upper() if field_name else "?"
        if name in ("SEQ", "TOC", "PAGEREF", "REF"):
            return  # numbering, contents and references: the editions make their own
        self.notice(f"a {name} field: the source holds its shown text only", shown)

    def _run(self, run: Any, italic: bool, bold: bool,
             link: tuple[str, str] | None) -> list[_Seg]:
        r_pr = run.find(w("rPr"))
        if r_pr is not None:
            style = r_pr.find(w("rStyle"))
            styled_i, styled_b = self.styles.character(
                style.get(w("val")) if style is not None else None)
            italic = _toggle(r_pr.find(w("i")), italic or styled_i)
            bold = _toggle(r_pr.find(w("b")), bold or styled_b)
        out: list[_Seg] = []
        field_link = self._field_link_open()
        in_toc = self.in_toc()
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                self._fld_char(child)
                field_link = self._field_link_open()
                continue
            if tag == w("instrText"):
                if self.fields:
                    self.fields[-1]["instr"] += child.text or ""
                continue
            if self.fields and self.fields[-1]["phase"] == "instr":
                continue  # text of an instruction is no part of the words
            if in_toc:
                continue
            here = field_link or link
            if tag == w("t"):
                out.append(_Seg(self._writable(child.text or ""), italic, bold, here))
            elif tag in (w("tab"), w("cr"), w("ptab")):
                out.append(_Seg(" ", italic, bold, here))
            elif tag == w("br"):
                kind = child.get(w("type"))
                if kind not in ("page", "column"):
                    out.append(_Seg(" ", italic, bold, here))
                elif kind == "page":
                    self.page_breaks += 1
            elif tag == w("noBreakHyphen"):
                out.append(_Seg("\u2011", italic, bold, here))
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                kind = "footnotes" if tag == w("footnoteReference") else "endnotes"
                if self.in_note:
                    # A note citing itself or another note would be read without end.
                    self.notice(f"a {kind[:-1]} mark inside a note: the source's notes hold "
                                "no notes; left out")
                    continue
                out.append(_Seg("", italic, bold, None, note=self._note(kind, child.get(w("id")))))
            elif tag in (w("drawing"), w("pict"), w("object")):
                out += self._drawing(child)
            else:
                out += self._run_other(child, italic, bold, link, here)
        return out

    def _run_other(self, child: Any, italic: bool, bold: bool, link: tuple[str, str] | None,
                   here: tuple[str, str] | None) -> list[_Seg]:
        """What else a run holds: a symbol, a phonetic guide, Word 2010's alternatives."""
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == w("sym"):
            # A symbol font's character (Wingdings' arrow): no letter the source can show;
            # said, and the space on either side of it not doubled.
            self.notice(f"a symbol ({child.get(w('font'), 'a symbol font')} "
                        f"{child.get(w('char'), '')}): the source holds no symbol fonts; "
                        "left out")
            return [_Seg("", italic, bold, here, dropped=True)]
        if tag == w("ruby"):
            base, annotation = child.find(w("rubyBase")), child.find(w("rt"))
            self.notice("a phonetic guide (ruby): the source holds its base text only",
                        _shown(annotation) if annotation is not None else "")
            return self.segments(base, italic, bold, link) if base is not None else []
        if tag.endswith("}AlternateContent"):
            # Word 2010's text boxes and shapes: the branch it would show (mc:Choice), or
            # the older one, read as the run's own content.
            branch = child.find(f"{{{MC}}}Choice")
            if branch is None:
                branch = child.find(f"{{{MC}}}Fallback")
            if branch is not None:
                return self._run(branch, italic, bold, link)
        return []

    def _writable(self, text: str) -> str:
        """`text` without the characters XML carries but the source refuses (HTML
        forbids them): a next-line character (NEL) or carriage return is a space, a C1
        control or noncharacter goes, said."""
        if not HTML_SUSPECT.search(text):
            return text
        kept = HTML_SUSPECT.sub(_unwritable, text)
        if kept != text:
            self.notice("control characters or noncharacters (a paste from another "
                        "program?): the source cannot hold them; left out", text)
        return kept

    def _field_link_open(self) -> tuple[str, str] | None:
        """The link of the innermost open field that is one."""
        return next((f["link"] for f in reversed(self.fields) if f.get("link")), None)

    def in_toc(self) -> bool:
        """Whether the words being read are inside a table of contents field."""
        return self.tocs_open > 0

    def _fld_char(self, element: Any) -> None:
        kind = element.get(w("fldCharType"))
        if kind == "begin" and len(self.fields) >= _FIELD_DEPTH:
            if not self.fields_beyond:
                self.notice(f"fields nested more than {_FIELD_DEPTH} deep: the deeper ones "
                            "are read as their shown text")
            self.fields_beyond += 1
        elif kind == "begin":
            self.fields.append({"instr": "", "phase": "instr", "link": None, "name": ""})
        elif self.fields_beyond:
            self.fields_beyond -= kind == "end"  # a deeper field's separator or end
        elif kind == "separate" and self.fields and self.fields[-1]["phase"] == "instr":
            field_ = self.fields[-1]
            field_["phase"] = "result"
            instr = field_["instr"]
            match = _FIELD_NAME.match(instr)
            field_["name"] = match.group(1).upper() if match else ""
            field_["link"] = self._field_link(instr)
            if field_["name"] == "TOC":
                self.tocs_open += 1
                self.toc_opened_at = self.current
                self._toc_field(instr)
            if field_["link"] is None and field_["name"] not in ("TOC",):
                self._field_notice(instr, "")
        elif kind == "end" and self.fields:
            self.tocs_open -= self.fields.pop()["name"] == "TOC"

    def _toc_field(self, instr: str) -> None:
        """A TOC field: the contents (whatever comes before is front matter), or, with
        `\\c "Table"` or `\\c "Figure"`, a list of tables or figures (generated)."""
        if "\\c" not in instr:
            self.contents_met = True
            return
        quoted = _QUOTED.findall(instr)
        kind = {"table": "tables", "figure": "figures"}.get(quoted[-1].lower() if quoted else "")
        if kind and kind not in self.lists:
            self.lists.append(kind)

    def _note(self, kind: str, note_id: str | None) -> Inlines:
        note = self.notes.get(kind, {}).get(note_id)
        if note is None:
            self.notice(f"a {kind[:-1]} mark whose note is missing: left out")
            return ()
        saved, rels = self.bookmarks, self.rels
        # A link in a note is a relationship of the notes' part, not of the document's.
        self.rels = self.package.part_rels.get(kind, {})
        segs: list[_Seg] = []
        self.in_note = True
        try:
            for number, paragraph in enumerate(note.iter(w("p"))):
                if number:
                    segs.append(_Seg(" "))
                segs += [s for s in self.segments(paragraph) if s.note is None]
        finally:
            self.in_note = False
            self.bookmarks, self.rels = saved, rels
        return _trim(build_inlines(segs))

    def _drawing(self, element: Any) -> list[_Seg]:
        pictures = [b for b in element.iter(f"{{{A}}}blip")]
        boxes = list(element.iter(w("txbxContent")))
        out: list[_Seg] = []
        for box in boxes[:1]:  # a text box is drawn twice (DrawingML and VML): read once
            words = " ".join(" ".join(plain(build_inlines(self.segments(p))).split())
                             for p in box.iter(w("p")))
            self.notice("a text box: the source has none; its text is kept in this "
                        "paragraph", words)
            out.append(_Seg(" " + words + " "))
        if boxes:
            return out
        graphic = next(element.iter(f"{{{A}}}graphicData"), None)
        uri = graphic.get("uri", "") if graphic is not None else ""
        if not pictures:
            what = ("a chart" if uri.endswith("/chart") else "a SmartArt diagram"
                    if uri.endswith("/diagram") else "a drawing")
            self.notice(f"{what}: the source cannot hold it; left out (export it as a PNG "
                        "picture to keep it)")
            return out
        doc_pr = next(element.iter(f"{{{WP}}}docPr"), None)
        alt = (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
        names = [e.get("name", "") for e in element.iter() if isinstance(e.tag, str)
                 and e.tag.endswith("}cNvPr")]
        rel = self.rels.get(pictures[0].get(f"{{{R}}}embed", ""))
        if rel is None or rel.external:
            self.notice("a linked picture (not embedded): left out", alt)
            return out
        if rel.target not in self.pictures:
            self.pictures[rel.target] = self.package.member(rel.target)
        data = self.pictures[rel.target]
        kind = _sniff(data)
        if kind is None:
            self.notice(_unusable_picture(PurePosixPath(rel.target).suffix), alt)
            return out
        label = doc_pr.get("name", "") if doc_pr is not None else ""
        out.append(_Seg("", figure=_Pending(data, kind[0], kind[1], " ".join(alt.split()),
                                            next((n for n in names if n), ""), label,
                                            rel.target)))
        return out

    # --- paragraphs and blocks -------------------------------------------------------

    def paragraph_inlines(self, paragraph: Any) -> tuple[Inlines, list[_Pending]]:
        segs = self.segments(paragraph)
        figures = [s.figure for s in segs if s.figure is not None]
        return _trim(build_inlines([s for s in segs if s.figure is None])), figures


def _shown(element: Any) -> str:
    """The text of the runs inside `element`, as Word shows it."""
    return "".join(t.text or "" for t in element.iter(w("t")))


def _toggle(element: Any, inherited: bool) -> bool:
    if element is None:
        return inherited
    return element.get(w("val"), "true") not in ("0", "false", "off")


def build_inlines(segs: list[_Seg]) -> Inlines:
    """Runs of text with their looks and links as nested inline nodes: links outside,
    strong inside them, emphasis innermost (the order our own edition writes)."""
    # A note's mark takes its neighbour's looks, so that it does not cut an emphasis in two.
    for i, seg in enumerate(segs):
        if seg.note is not None and i:
            seg.italic, seg.bold = segs[i - 1].italic, segs[i - 1].bold
    _close_up(segs)
    out: list[Inline] = []
    for key, group in _groups(segs, lambda s: s.link):
        content = _strong(group)
        if key is None or ((content or key[0] == "url") and not readable(plain(content))):
            # A link whose words were deleted in Word (or are only spaces) would have
            # no name: its words stay, the link goes (the source refuses such links).
            out += content
        elif key[0] == "url":
            out.append(Link(key[1], content))
        else:
            out.append(CrossReference(key[1], content))
    return _merge(out)


def _close_up(segs: list[_Seg]) -> None:
    """Where something between two spaces was left out ("Go ➔ next"), one space stays."""
    for i, seg in enumerate(segs):
        if not seg.dropped:
            continue
        before = next((s for s in reversed(segs[:i]) if s.text), None)
        after = next((s for s in segs[i + 1:] if s.text), None)
        if before is not None and after is not None and before.text.endswith(" ") \
                and after.text.startswith(" "):
            after.text = after.text[1:]


def _groups(segs: list[_Seg], key: Any) -> list[tuple[Any, list[_Seg]]]:
    groups: list[tuple[Any, list[_Seg]]] = []
    for seg in segs:
        k = key(seg)
        if groups and groups[-1][0] == k:
            groups[-1][1].append(seg)
        else:
            groups.append((k, [seg]))
    return groups


def _strong(segs: list[_Seg]) -> Inlines:
    out: list[Inline] = []
    for bold, group in _groups(segs, lambda s: s.bold):
        content = _emphasis(group)
        out += [Strong(content)] if bold and plain(content).strip() else content
    return tuple(out)


def _emphasis(segs: list[_Seg]) -> Inlines:
    out: list[Inline] = []
    for italic, group in _groups(segs, lambda s: s.italic):
        content = _merge([Note(0, s.note) if s.note is not None else Text(s.text)
                          for s in group])
        out += [Emphasis(content)] if italic and plain(content).strip() else content
    return tuple(out)


def _merge(nodes: list[Inline]) -> Inlines:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            if not node.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + node.text)
                continue
        out.append(node)
    return tuple(out)


def _trim(content: Inlines) -> Inlines:
    """`content` without white space at its ends (the source's text is stripped too)."""
    nodes = list(content)
    while nodes and isinstance(nodes[0], Text) and not nodes[0].text.strip():
        nodes.pop(0)
    while nodes and isinstance(nodes[-1], Text) and not nodes[-1].text.strip():
        nodes.pop()
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip())
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip())
    return tuple(nodes)


def strip_prefix(content: Inlines, pattern: re.Pattern[str]) -> Inlines:
    """`content` without the text `pattern` matches at its start."""
    if not content or not isinstance(content[0], Text):
        return content
    rest = pattern.sub("", content[0].text, count=1)
    return _trim(((Text(rest),) if rest else ()) + content[1:])


def _ascii_name(name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(name).stem.lower()).strip("-")
    return stem[:60].rstrip("-")


def _style_and_outline(p_pr: Any) -> tuple[str | None, int | None]:
    """A paragraph's style id and its own outline level (w:pPr's pStyle and outlineLvl)."""
    style_el = p_pr.find(w("pStyle")) if p_pr is not None else None
    style = style_el.get(w("val")) if style_el is not None else None
    outline_el = p_pr.find(w("outlineLvl")) if p_pr is not None else None
    outline = word_number(outline_el.get(w("val"))) if outline_el is not None else None
    return style, outline


def _caption_label(words: Mapping[str, str]) -> re.Pattern[str]:
    """"Table 3. ", "Tableau 2 : ", "Figure 2: ": the label every edition prints itself (a
    number, or nothing), in the document's words (`words`) or the English ones."""
    kinds = "|".join(re.escape(word) for word in sorted(
        {words["table"], words["figure"], "Table", "Figure"}, key=len, reverse=True))
    # A number by chapter ("Table 2.1", "Figure 3-2") is the label's whole number.
    return re.compile(rf"^\s*({kinds}|Fig\.)\s*\d+(?:[.\-–]\d+)*(?:\s*[.:—–-]\s*|\s+|$)"
                      rf"|^\s*({kinds})$", re.IGNORECASE)


def _caption_kind(names: list[str], text: str, reader: _Reader) -> str | None:
    """What a caption captions: by its label ("Table 2", "Tableau 2", "Figure 1"), or
    else by its style (pandoc's caption styles say); None when neither tells."""
    caption_label = reader.caption_label.match(text)
    kind_word = ((caption_label.group(1) or caption_label.group(2)).lower()
                 if caption_label else "")
    if kind_word:
        return "table" if kind_word in ("table", reader.words["table"].lower()) else "figure"
    return ("table" if "table caption" in names else
            "figure" if {"image caption", "figure caption"} & set(names) else None)


@dataclass
class _ListFrame:
    """A list being read: its kind, its numbering (w:numId), its items and their lists."""

    kind: str  # "bullets" or "numbered"
    key: str
    items: list[Inlines]
    sublists: list[SubList | None]

    def block(self) -> SubList:
        items, sublists = tuple(self.items), tuple(self.sublists)
        kept = sublists if any(sublists) else ()
        return BulletList(items, kept) if self.kind == "bullets" else NumberedList(items, kept)


class _Body:
    """The walk through the body: blocks into sections as the headings open them."""

    def __init__(self, reader: _Reader, draft: Draft) -> None:
        self.reader, self.draft = reader, draft
        self.stack: list[DraftSection] = []
        self.front: list[Any] = []  # blocks before the first heading, captions included
        self.lists: list[_ListFrame] = []  # the list being read and those open in it
        self.figures = 0
        self.names: set[str] = set()
        self.image_paths: dict[str, str] = {}  # a picture's member -> its file, written once
        self.waiting: list[str] = []  # bookmarks opened before the next paragraph
        self.unusual: set[str] = set()  # paragraph styles already reported
        self.word_levels: list[int] = []  # Word's outline level of each open section
        self.callout: list[Any] | None = None  # the blocks of the callout being read
        self.after_break = False  # a page break, and nothing since
        self.had_words = False  # the paragraph just read had words or a picture
        self.p_pr: Any = None  # the paragraph just read's properties (w:pPr)
        self.split = False  # the front matter is told from the body (at the contents)
        self.unturned: list[DraftSection] = []  # top-level sections since a section break

    @property
    def blocks(self) -> list[Any]:
        if self.callout is not None:
            return self.callout
        return self.stack[-1].blocks if self.stack else self.front

    def walk(self, container: Any) -> None:
        for child in container:
            if child.tag == w("bookmarkStart"):
                # Pandoc opens a heading's bookmark before its paragraph, at the body's level.
                self.waiting.append(child.get(w("name"), ""))
                continue
            if child.tag == w("p"):
                self.reader.current = child
                if self.stack:
                    self.reader.section_at[self.reader.numbers.get(child, 0)] = \
                        self.stack[-1].title
                self.reader.bookmarks, self.waiting = self.waiting, []
                breaks = self.reader.page_breaks
                self.paragraph(child)
                self._page_turns(self.reader.page_breaks != breaks)
                if self.reader.contents_met and not self.split and self.callout is None:
                    self._contents()
            elif child.tag == w("tbl"):
                # Its first paragraph is its place; with none, the paragraph before it.
                self.reader.current = next(child.iter(w("p")), self.reader.current)
                self.reader.bookmarks = []
                self.table(child)
                self._bookmarks_here()
            elif child.tag == w("sdt"):
                gallery = child.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
                if gallery is not None and "Contents" in gallery.get(w("val"), ""):
                    self.reader.contents_met = True
                    if not self.split:
                        self._contents()
                    continue  # Word's own table of contents: the editions make theirs
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.walk(content)
            elif child.tag in (w("customXml"), w("ins"), w("moveTo")):
                self.walk(child)
            elif child.tag == w("altChunk"):
                self.reader.notice("after this paragraph, a document embedded whole "
                                   "(altChunk: an HTML or RTF part Word merges when it opens "
                                   "the file): not imported; open the file in Word and save "
                                   "it to keep its text")

    def _contents(self) -> None:
        """The table of contents begins: the sections read so far are the front matter,
        and what follows it (the lead, then the body) opens no section of theirs."""
        self.end_list()
        self.split = True
        self.draft.front, self.draft.sections = self.draft.sections, []
        self.stack, self.word_levels = [], []

    def _page_turns(self, page_break: bool) -> None:
        """A page break (the next heading's section starts a page), or a Word section's
        end: the top-level sections since the last one are landscape if its pages are."""
        if page_break:
            self.after_break = True
        elif self.had_words:
            self.after_break = False
        properties = self.p_pr.find(_SECTION) if self.p_pr is not None else None
        if properties is not None:
            self.end_of_word_section(properties)

    def end_of_word_section(self, properties: Any) -> None:
        size = properties.find(w("pgSz"))
        turned = size is not None and size.get(w("orient")) == "landscape"
        for section in self.unturned:
            section.landscape = turned
        self.unturned = []

    def _bookmarks_here(self) -> None:
        section = self.stack[-1] if self.stack else None
        for name in self.reader.bookmarks:
            self.reader.bookmark_section.setdefault(name, section)

    def paragraph(self, p: Any) -> None:
        self.p_pr = p_pr = p.find(_PROPERTIES)
        style, outline = _style_and_outline(p_pr)
        names = self.reader.styles.names(style)
        in_toc_before = self.reader.in_toc()
        content, figures = self.reader.paragraph_inlines(p)
        self.had_words = bool(content or figures)
        in_toc = in_toc_before or self.reader.in_toc()
        if in_toc or any(n.startswith("toc ") or n in ("toc heading", "contents heading")
                         for n in names[:1]):
            return  # the table of contents: every edition makes its own
        text = plain(content).strip()
        level = self.reader.styles.heading_level(style, outline)
        if names and names[0] in ("title", "subtitle") and not self.stack:
            self._title(names[0], text)
            return
        if level is not None and text:
            self.end_list()
            self.heading(level, text, tuple(notes(content)))
            return
        self._bookmarks_here()
        if self._list_item(p_pr, style, names, content, text):
            self.figure_blocks(figures)
            return
        self.end_list()
        if not self.stack and names and names[0] in ("author", "date", "abstract"):
            self._front_matter(names[0], text, content)
        elif names and names[0] == "cover fact" and not self.stack:
            label, _, value = text.partition(":")
            self._fact(label.strip(), value.strip())
        else:
            self._text_block(names, text, content, figures)

    def _list_item(self, p_pr: Any, style: str | None, names: list[str], content: Inlines,
                   text: str) -> bool:
        """Whether the paragraph is a list's item (Word's numbering, or a List Bullet or
        List Number style); if so it joins the list being read, or opens one."""
        num = own_numbering(p_pr) or self.reader.styles.numbering(style)
        if num is not None and num[0] == "0":
            num = None
        kind = self.reader.styles.list_kind(num) if num else None
        if kind is None and names and names[0].startswith(("list bullet", "list number")):
            kind, num = ("bullets" if "bullet" in names[0] else "numbered"), ("style", "0")
        if kind is None or not content:
            return False
        level = word_number(num[1]) if num else 0
        if level is None:  # not a level Word writes ("²", a huge number): the deepest
            level = LIST_LEVELS
        if level >= LIST_LEVELS:
            self.reader.notice(f"a list item nested deeper than {LIST_LEVELS} levels: the "
                               f"source's lists nest {LIST_LEVELS} deep; it joins the "
                               "deepest list", text)
            level = LIST_LEVELS - 1
        self._add_item(kind, num[0] if num else "", level, content)
        return True

    def _add_item(self, kind: str, key: str, level: int, content: Inlines) -> None:
        """An item into the open lists: a list at `level` (Word's w:ilvl) opens under the
        last item of the list above it; a level skipped is taken as the next one down."""
        level = min(level, len(self.lists))
        while len(self.lists) > level + 1:
            self._close_sublist()
        if len(self.lists) == level + 1:
            frame = self.lists[-1]
            # A top-level numbered list goes on while its numbering (w:numId) does; bullets
            # one after the other are one list in Word; a nested list goes on under its item.
            if level and frame.kind != kind:
                self.reader.notice("a nested list of another kind under the same item: the "
                                   "source's items hold one list each; it joins the first",
                                   plain(content))
            if level or (frame.kind == kind and (kind == "bullets" or frame.key == key)):
                frame.items.append(content)
                frame.sublists.append(None)
                return
            self.end_list()
        self.lists.append(_ListFrame(kind, key, [content], [None]))

    def _close_sublist(self) -> None:
        """The innermost open list, closed into the last item of the list above it."""
        frame = self.lists.pop()
        self.lists[-1].sublists[-1] = frame.block()

    def _text_block(self, names: list[str], text: str, content: Inlines,
                    figures: list[_Pending]) -> None:
        """A paragraph that is no heading, list item or front matter: a caption, a
        quotation (or its attribution), the lead, or a paragraph; then its pictures."""
        if any(n in CAPTION_STYLES for n in names) and content:
            self.figure_blocks(figures)
            label = self.reader.caption_label.match(text)
            self.blocks.append(_Caption(strip_prefix(content, self.reader.caption_label),
                                        _caption_kind(names, text, self.reader),
                                        list(self.reader.bookmarks),
                                        label.group().strip(" .:—–-") if label else "",
                                        self.reader.place(text)))
            return
        if names and names[0] == "callout title" and self.callout is not None \
                and not self.callout and content:
            self.blocks.append(_Title(content))
        elif self._apparatus_block(names[0] if names else "", content):
            pass
        elif any(n in QUOTE_STYLES for n in names) and content:
            self._quote(text, content)
        elif names and names[0] == "lead" and not self.stack:
            self.draft.lead.append(content)
            return
        elif content:
            self._unusual(names[0] if names else "normal", text)
            self.blocks.append(Paragraph(content))
        self.figure_blocks(figures)

    def _apparatus_block(self, style: str, content: Inlines) -> bool:
        """Whether the paragraph is a table's note (in Table Note, after the table) or
        part of a definition list (Definition Term, then Definition): our edition's
        styles for them; if so it is taken into its block."""
        previous = self.blocks[-1] if self.blocks else None
        if style == "table note" and isinstance(previous, Table) and previous.note is None:
            self.blocks[-1] = dataclasses.replace(previous, note=content or None)
            return True
        if style == "definition term" and content:
            self.blocks.append(_Term(content))
            return True
        if style == "definition" and content and isinstance(previous, _Term):
            definition = Definition(previous.content, content)
            before = self.blocks[-2] if len(self.blocks) > 1 else None
            if isinstance(before, _Definitions):
                before.items.append(definition)
                del self.blocks[-1]
            else:
                self.blocks[-1] = _Definitions([definition])
            return True
        return False

    def _quote(self, text: str, content: Inlines) -> None:
        """A quotation, or the attribution (a line opened by a dash) of the one before."""
        dash = next((d for d in _DASHES if text.startswith(d)), None)
        previous = self.blocks[-1] if self.blocks else None
        if dash and isinstance(previous, Quote) and previous.attribution is None:
            self.blocks[-1] = Quote(previous.text, strip_prefix(
                content, re.compile("^" + re.escape(dash.strip()) + r"\s*")))
        else:
            self.blocks.append(Quote(content))

    def _unusual(self, name: str, text: str) -> None:
        """Say once per style that a style the import does not know reads as paragraphs."""
        if name in _PLAIN_STYLES or name in self.unusual:
            return
        self.unusual.add(name)
        self.reader.notice(f"paragraphs in the style '{name}' are read as plain paragraphs "
                           "(the source has no such kind of block); this is the first", text)

    def _title(self, kind: str, text: str) -> None:
        if kind == "title" and not self.draft.title:
            self.draft.title = text
        elif kind == "subtitle" and self.draft.subtitle is None:
            self.draft.subtitle = text
        else:
            self.front.append(Paragraph((Text(text),)))

    def _front_matter(self, kind: str, text: str, content: Inlines) -> None:
        if kind == "author":
            self.draft.authors += [a.strip() for a in re.split(r"[;,]| and ", text) if a.strip()]
        elif kind == "date":
            day = parse_date(text)
            self.draft.date = day or self.draft.date
            if day is None:
                self.draft.facts.append(("Date", text))
        else:
            self.draft.description = text

    def _fact(self, label: str, value: str) -> None:
        """A fact of the title page: the publisher, the date, the authors or a notice when
        labelled in the document's words (labels.py), else one of the source's facts."""
        words, draft = self.reader.words, self.draft
        notices = {words[key]: key for key in ("isbn", "rights", "disclaimer")}
        if label == words["publisher"]:
            draft.publisher = value
        elif label == words["published"] and (day := parse_date(value) or read_human_date(
                value, self.reader.language or "en")):
            draft.date = day
        elif label in (words["author"], words["authors"]):  # the properties list them apart
            draft.cover_authors = value
        elif label in notices:
            setattr(draft, notices[label], value)
        else:
            draft.facts.append((label, value))

    def heading(self, level: int, title: str, title_notes: Inlines = ()) -> None:
        # Sections close by Word's levels; a skipped level (Heading 1, then Heading 3)
        # nests one level down, and a following Heading 3 is its sibling.
        while self.stack and self.word_levels[-1] >= level:
            self.stack.pop()
            self.word_levels.pop()
        depth = len(self.stack) + 1
        if depth > MAX_SECTION_DEPTH:
            self.reader.notice(f"a heading nested deeper than {MAX_SECTION_DEPTH} levels: "
                               "the source's sections nest six deep; it is kept as a "
                               "paragraph in strong type", title)
            self.blocks.append(Paragraph((Strong((Text(title),)),)))
            return
        section = DraftSection(" ".join(title.split()), depth, list(self.reader.bookmarks),
                               new_page=self.after_break)
        self.after_break = False
        if depth == 1:
            self.unturned.append(section)
        if title_notes:
            # A title is plain text: its notes open the section's text instead.
            self.reader.notice("a note in a heading: the source's titles are plain text; the "
                               "note opens the section's first paragraph", title)
            section.blocks.append(Paragraph(title_notes))
        for name in self.reader.bookmarks:
            self.reader.bookmark_section[name] = section
        if self.stack:
            self.stack[-1].sections.append(section)
        else:
            self.draft.sections.append(section)
        self.stack.append(section)
        self.word_levels.append(level)

    def end_list(self) -> None:
        while len(self.lists) > 1:
            self._close_sublist()
        if self.lists:
            self.blocks.append(self.lists.pop().block())

    def figure_blocks(self, figures: list[_Pending]) -> None:
        for pending in figures:
            if (pending.label == "Logo" and not self.stack and not self.draft.title
                    and self.draft.logo is None and not self.draft.sections):
                # Our title page's logo (its drawing named so), before the title.
                self.draft.logo = f"images/logo{pending.suffix}"
                self.draft.images[self.draft.logo] = pending.data
                self.names.add("logo")
                continue
            self.figures += 1
            name, path = self._image_path(pending)
            alt = pending.alt
            if not alt:
                self.reader.notice("a picture without alt text (Word: Edit Alt Text): its "
                                   "alt is its file name; describe it in the source")
                alt = name.replace("-", " ")
            self.blocks.append(Figure(0, Path(path), pending.media_type, 0, 0, alt))

    def _image_path(self, pending: _Pending) -> tuple[str, str]:
        """The file a figure's picture is written to (its name without suffix, and its
        path): one file for every figure showing the same picture of the package."""
        known = self.image_paths.get(pending.part)
        if known is not None:
            return PurePosixPath(known).stem, known
        stem = _ascii_name(pending.name) or f"figure-{self.figures}"
        name, n = stem, 1
        while name in self.names:
            n += 1
            name = f"{stem}-{n}"
        self.names.add(name)
        path = f"images/{name}{pending.suffix}"
        self.draft.images[path] = pending.data
        self.image_paths[pending.part] = path
        return name, path

    def table(self, tbl: Any) -> None:
        self.end_list()
        if self.callout is None and self._is_callout(tbl):
            self._callout(tbl)
            return
        rows_el = tbl.findall(w("tr"))
        if len(rows_el) == 1:
            # A box drawn as a one-row table (a bordered cell holding a key message, say):
            # the source's tables have a header row and rows under it.
            self.reader.notice("a table of one row: the source's tables have a header and "
                               "rows under it (and its callouts are our Word edition's "
                               "Callout Box); its text is kept as the body's",
                               " ".join(_shown(p) for p in tbl.iter(w("p"))))
            for tc in rows_el[0].findall(w("tc")):
                self.walk(tc)
            return
        # A cell spans columns of the table's grid: never more than it has.
        columns = max([len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}")),
                       *(len(tr.findall(w("tc"))) for tr in rows_el)], default=1)
        rows: list[list[Inlines]] = []
        aligns: list[list[str]] = []
        for tr in rows_el:
            cells, row_align = self._row(tr, columns)
            rows.append(cells)
            aligns.append(row_align)
        if any(rows):
            self.blocks.append(self._table_block(rows, aligns))
        elif rows:
            # No paragraph of its own to name: the one before it (the last read) is.
            self.reader.notice("the table after this paragraph has rows without cells: "
                               "left out")

    def _row(self, tr: Any, columns: int) -> tuple[list[Inlines], list[str]]:
        """A row's cells and their alignments, a cell spanning columns followed by empty
        cells up to the grid's `columns`."""
        cells: list[Inlines] = []
        row_align: list[str] = []
        for tc in tr.findall(w("tc")):
            parts, align, span = self._cell(tc)
            cells.append(_merge(parts))
            row_align.append(align)
            if span > 1:
                extra = min(span - 1, max(0, columns - len(cells)))
                beyond = (f"; the table's grid has {columns} columns: it spans "
                          f"{extra + 1}" if extra < span - 1 else "")
                self.reader.notice(f"a cell spanning {span} columns: the source's cells "
                                   f"span one; it is followed by empty cells{beyond}",
                                   plain(tuple(parts)))
                cells += [()] * extra
                row_align += [align] * extra
        return cells, row_align

    def _is_callout(self, tbl: Any) -> bool:
        """Whether `tbl` is our edition's callout: a one-cell table in the Callout Box
        table style. A foreign one-cell table, bordered or not, stays a table."""
        style = tbl.find(f"{w('tblPr')}/{w('tblStyle')}")
        names = self.reader.styles.names(style.get(w("val")) if style is not None else None)
        cells = tbl.findall(f"{w('tr')}/{w('tc')}")
        return bool(names) and names[0] == CALLOUT_STYLE and len(cells) == 1

    def _callout(self, tbl: Any) -> None:
        """A callout: its cell's blocks read as the body's are, its first paragraph in
        Callout Title its title."""
        cell = tbl.find(f"{w('tr')}/{w('tc')}")
        self.callout = []
        self.walk(cell)
        self.end_list()
        inner: list[Any] = _attach_captions(self.callout, self.reader.captions_alone)
        self.callout = None
        title = None
        if inner and isinstance(inner[0], _Title):
            title = inner.pop(0).content
        inner = [Paragraph(b.content) if isinstance(b, _Title) else b for b in inner]
        if not inner:
            self.reader.notice("a callout with no text: left out")
            return
        self.blocks.append(Callout(0, tuple(inner), title))

    def _cell(self, tc: Any) -> tuple[list[Inline], str, int]:
        """A cell's text (its paragraphs joined by spaces), its first paragraph's alignment
        and how many columns it spans."""
        tc_pr = tc.find(w("tcPr"))
        span_el = tc_pr.find(w("gridSpan")) if tc_pr is not None else None
        given = word_number(span_el.get(w("val"))) if span_el is not None else None
        span = given or 1
        if span_el is not None and given is None:
            self.reader.notice(f"a cell spanning '{span_el.get(w('val'), '')}' columns, no "
                               "count Word writes: it spans one")
        merged = tc_pr.find(w("vMerge")) if tc_pr is not None else None
        parts: list[Inline] = []
        align = "left"
        if tc.find(f".//{w('tbl')}") is not None:
            self.reader.notice("a table inside a table cell: its text is kept in the cell")
        for number, p in enumerate(tc.iter(w("p"))):
            self.reader.current = p
            content, figures = self.reader.paragraph_inlines(p)
            if figures:
                self.reader.notice("a picture in a table cell: the source cannot hold it; "
                                   "left out")
            if number == 0:
                jc = p.find(f"{w('pPr')}/{w('jc')}")
                value = jc.get(w("val"), "left") if jc is not None else "left"
                align = {"center": "center", "right": "right", "end": "right"}.get(value, "left")
            if content:
                parts += ([Text(" ")] if parts else []) + list(content)
        if merged is not None and merged.get(w("val"), "continue") == "continue":
            parts = []  # the cell above holds the words of a vertical merge
            self.reader.notice("a cell merged with the one above: the source's cells "
                               "span one row; it is left empty")
        return parts, align, span

    def _table_block(self, rows: list[list[Inlines]], aligns: list[list[str]]) -> Table:
        """The source's table: rows made as wide as the widest, the first row its header,
        each column aligned as most of its body's cells are."""
        width = max(len(r) for r in rows)
        rows = [r + [()] * (width - len(r)) for r in rows]
        header = rows[0]
        if not any(header):
            header = [(Text(f"Column {i}"),) for i in range(1, width + 1)]
            self.reader.notice("a table whose first row is empty: its columns are named "
                               "Column 1, 2 …")
        if all(len(cell) == 1 and isinstance(cell[0], Strong) for cell in header if cell):
            # A header row all in bold is the table style's look, which LibreOffice writes
            # out as direct formatting: every edition sets the header row apart itself.
            header = [cell[0].content if cell and isinstance(cell[0], Strong) else cell
                      for cell in header]
        if not all(header):
            # The source's column headings are never empty (a blank one does not load).
            self.reader.notice("a table with an empty heading cell: it is named by its "
                               "column (Column 2 …)")
            header = [cell or (Text(f"Column {i}"),) for i, cell in enumerate(header, 1)]
        columns = []
        for i in range(width):
            seen = [a[i] for a in aligns[1:] if i < len(a)] or [a[i] for a in aligns[:1]
                                                                 if i < len(a)]
            columns.append(max(("left", "center", "right"), key=seen.count) if seen
                           else "left")
        return Table(0, tuple(header), tuple(tuple(r) for r in rows[1:]), tuple(columns))


def parse_date(text: str) -> dt.date | None:
    text = " ".join(text.replace(",", " ").split())
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y", "%d/%m/%Y",
                "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _attach_captions(blocks: list[Any], alone: list[CaptionAlone]) -> list[Block]:
    """Captions onto the tables and figures they name: a table's caption before it (or
    after), a figure's after it (or before); one beside neither is a paragraph, kept in
    `alone` to be said (or, updating a source, to go with the table deleted in Word)."""
    out: list[Any] = list(blocks)
    i = 0
    while i < len(out):
        block = out[i]
        if not isinstance(block, _Caption):
            i += 1
            continue
        after = out[i + 1] if i + 1 < len(out) else None
        before = out[i - 1] if i else None
        wants = ((Table,) if block.kind == "table" else (Figure,) if block.kind == "figure"
                 else (Table, Figure))
        order = ((after, 1), (before, -1)) if block.kind != "figure" else ((before, -1),
                                                                           (after, 1))
        for target, step in order:
            if isinstance(target, wants) and target.caption is None:
                caption = block.content or None
                # Its bookmark stands as its id till the references are resolved
                # (_resolve_references), which keeps it only if one leads to it.
                out[i + step] = dataclasses.replace(
                    target, caption=caption, id=block.bookmarks[0] if block.bookmarks else None)
                del out[i]
                break
        else:
            out[i] = Paragraph(block.content) if block.content else None
            if out[i] is not None:
                alone.append(CaptionAlone(out[i], block.kind, block.label, block.place))
            i += 1
    return [Paragraph(b.content) if isinstance(b, _Term)
            else DefinitionList(tuple(b.items)) if isinstance(b, _Definitions) else b
            for b in out if b is not None]


def _finish(sections: list[DraftSection], notices: list[str], path: Path,
            alone: list[CaptionAlone]) -> None:
    for section in sections:
        section.blocks = _attach_captions(section.blocks, alone)
        _finish(section.sections, notices, path, alone)
        if not section.blocks and not section.sections:
            notices.append(f"{path}: section '{section.title}' has no text: it is given "
                           "its title as a paragraph (the source's sections are never empty)")
            section.blocks = [Paragraph((Text(section.title),))]


def caption_alone_notice(path: Path, caption: CaptionAlone) -> str:
    """What is said of a caption read as a paragraph: where it stands, what it became."""
    kind = caption.kind or "table or figure"
    return (f"{path}: {caption.place}: a {kind}'s caption with no {kind} beside it: read as "
            "a paragraph (delete it if its table or figure was deleted)")


def _kept_opening(path: Path, title: str, label: str) -> str:
    """What is said of a heading kept whole though it opens with what may be a number
    the editions printed, or an annex's label (`label`, the one they print there)."""
    if label:
        return (f"{path}: section '{title}': it opens with a label that is not the one the "
                f"editions print there ({label}): kept as the title's words (delete it in "
                "the source if it is the annex's label)")
    return (f"{path}: section '{title}': it opens with a number that is not the one the "
            "editions print there: kept as the title's words (delete it in the source if "
            "it is a heading's number)")


def read_draft(package: WordPackage, layout: Layout | None = None) -> Draft:
    """The document in `package` as a Draft (its headings read as `layout` says, when
    given: see apparatus.Layout)."""
    notices: list[str] = []
    # The words of the document's language, and the source's own: known before the
    # body is read, since the title page's facts and the captions are labelled in them.
    labels = list(layout.labels) if layout is not None else _own_labels(package, notices)
    reader = _Reader(package, labels)
    reader.notices += notices
    reader.bookmarks = []
    draft = Draft(labels=labels)
    body_el = package.document.find(w("body"))
    walker = _Body(reader, draft)
    if body_el is not None:
        walker.walk(body_el)
    walker.end_list()
    if reader.in_toc():
        reader.current = reader.toc_opened_at
        reader.notice("a table of contents that never ends (its field is not closed): "
                      "everything after it was read as the contents and left out")
    last = body_el.find(w("sectPr")) if body_el is not None else None
    if last is not None:
        walker.end_of_word_section(last)
    if draft.front and not draft.sections:
        # A contents field after every heading (at the document's end): no front matter.
        draft.sections, draft.front = draft.front, []
    front = _attach_captions(walker.front, reader.captions_alone)
    leading = [b for b in front if not isinstance(b, Paragraph)]
    if leading or (not draft.sections):
        # Blocks before the first heading (or a document with none) open a first section.
        first = DraftSection(draft.title or "Introduction", 1, blocks=list(front))
        draft.sections.insert(0, first)
        if draft.sections[1:]:
            reader.notices.append(f"{package.path}: text before the first heading is put "
                                  f"into a first section, '{first.title}'")
    else:
        draft.lead += [b.content for b in front if isinstance(b, Paragraph)]
    for part in (draft.front, draft.sections):
        _finish(part, reader.notices, package.path, reader.captions_alone)
    draft.captions_alone = reader.captions_alone
    if layout is None:  # updating a source, the update says them (update.py)
        reader.notices += [caption_alone_notice(package.path, caption)
                           for caption in reader.captions_alone]
    draft.lists = reader.lists
    _metadata(package, draft, reader.styles, reader.notices)
    _other_parts(package, reader)
    try:
        kept = number_headings(draft, reader.words, layout)
    except LayoutMismatch as exc:
        raise refuse(package.path, f"cannot be read back into its source: {exc}") from None
    reader.notices += [_kept_opening(package.path, title, label) for title, label in kept]
    _resolve_references(draft, reader)
    draft.notices = reader.notices
    draft.section_at = reader.section_at
    return draft


def _core(package: WordPackage, ns: str, name: str) -> str:
    if package.core is None:
        return ""
    element = package.core.find(f"{{{ns}}}{name}")
    return " ".join((element.text or "").split()) if element is not None else ""


def edition_identifier(package: WordPackage) -> str | None:
    """The identifier in the document's properties (an edition's is its source's:
    `urn:…`, a URL, an ISBN's URN), when it has the shape of one."""
    identifier = _core(package, DC, "identifier")
    return identifier if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", identifier) else None


def _metadata(package: WordPackage, draft: Draft, styles: Styles, notices: list[str]) -> None:
    draft.title = draft.title or _core(package, DC, "title")
    draft.subject = _core(package, DC, "subject") or None
    draft.description = draft.description or _core(package, DC, "description") or None
    keywords = _core(package, CP, "keywords")
    draft.keywords = [k.strip() for k in re.split(r"[;,]", keywords) if k.strip()]
    if not draft.authors:
        creator = _core(package, DC, "creator")
        draft.authors = [a.strip() for a in re.split(r";", creator) if a.strip()]
    if not draft.authors and draft.cover_authors:
        draft.authors = [a.strip() for a in draft.cover_authors.split(",") if a.strip()]
    language = _language(package, styles)
    given = _core(package, DC, "language") or styles.default_language or ""
    if given and not language:
        notices.append(f"{package.path}: the language '{given}' is no BCP 47 tag: "
                       "'en' is written instead; correct it in the source")
    draft.language = language or None
    if not draft.authors and not draft.publisher:
        notices.append(f"{package.path}: no author in the document's properties: "
                       "'Publisher' is written as publisher and author; correct it")
    draft.identifier = edition_identifier(package)
    if draft.date is None:
        for name in ("created", "modified"):
            found = parse_date(_core(package, DCTERMS, name)[:10])
            if found:
                draft.date = found
                break
        else:
            notices.append(f"{package.path}: no date on the title page or in the document's "
                           "properties: today's is written; correct it in the source")


def _language(package: WordPackage, styles: Styles) -> str:
    """The document's language: its properties', or else its default style's; "" when it
    gives none or one that is no BCP 47 tag."""
    language = _core(package, DC, "language") or styles.default_language or ""
    return language if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language) else ""


def _own_labels(package: WordPackage, notices: list[str]) -> list[tuple[str, str]]:
    """The words the source gave its editions (`metadata.labels`), as our Word edition
    records them in its custom properties (labels.PROPERTY_PREFIX); a property that no
    source could have given is reported and left out."""
    found: dict[str, str] = {}
    properties = package.custom.iter(f"{{{CUSTOM}}}property") if package.custom is not None \
        else ()
    for prop in properties:
        name = prop.get("name", "")
        if not name.startswith(PROPERTY_PREFIX):
            continue
        key, word = name[len(PROPERTY_PREFIX):], " ".join("".join(prop.itertext()).split())
        if acceptable(key, word) and key not in found:
            found[key] = word
        else:
            notices.append(f"{package.path}: the custom property '{name}' (\"{word}\") is no "
                           "word a source can give its editions: left out")
    return list(found.items())


def _other_parts(package: WordPackage, reader: _Reader) -> None:
    """Headers and footers: reported, since the editions make their own running heads."""
    for key, root in package.parts.items():
        if key.startswith(("header:", "footer:")):
            words = " ".join(_shown(root).split())
            if words:
                kind = key.split(":", 1)[0]
                reader.notices.append(
                    f"{package.path}: a {kind} (\"{few_words(words)}\"): the editions make "
                    "their own running heads and page numbers; not imported")


def _resolve_references(draft: Draft, reader: _Reader) -> None:
    """Internal links to bookmarks as cross-references to the sections, tables and
    figures holding them; ids are given here, from the titles (or a bookmark that is a
    valid id). A link whose words are what the editions print for its target ("Table 2",
    "section 3.1", "Annex A", a title where sections are not numbered, in the document's
    words; "Section 3.1" opening a sentence) is an automatic reference (`[](#id)`), as
    our edition writes them."""
    used = assign_ids(list(draft.parts))
    labels = references(draft, reader.words)
    blocks = _block_ids(draft, reader.linked, used, reader.words)

    def fix(content: Inlines) -> Inlines:
        out: list[Inline] = []
        for node in content:
            if isinstance(node, CrossReference):
                target = blocks.get(node.target_id)
                section = reader.bookmark_section.get(node.target_id)
                if target is None and section is None:
                    reader.notices.append(f"{reader.package.path}: a link to the bookmark "
                                          f"'{node.target_id}' outside any section: kept as "
                                          "its words")
                    out += fix(node.content)
                    continue
                if target is not None:
                    ident, label = target
                else:
                    assert section is not None
                    ident, label = section.id, labels.get(id(section), "")
                words = fix(node.content)
                out.append(CrossReference(ident, () if _prints(plain(words), label) else words))
            elif isinstance(node, Text):
                out.append(node)
            else:
                out.append(dataclasses.replace(node, content=fix(node.content)))
        return _merge(out)

    renewed: dict[int, Any] = {}  # a block's id() -> the block with its references
    for part in draft.parts:
        for section in _all(part):
            fixed = [map_content(b, fix) for b in section.blocks]
            _pair_renewed(section.blocks, fixed, renewed)
            section.blocks = fixed
    draft.lead = [fix(content) for content in draft.lead]
    # The captions read as paragraphs are the section's blocks (or a callout's), found
    # by identity.
    draft.captions_alone = [dataclasses.replace(c, paragraph=renewed.get(id(c.paragraph),
                                                                         c.paragraph))
                            for c in draft.captions_alone]


def _pair_renewed(old: Sequence[Block], new: Sequence[Block], renewed: dict[int, Any]) -> None:
    """Each of `old`'s blocks, by id(), to its counterpart in `new` (map_content's), the
    blocks inside a callout too: a callout is always made anew, its blocks with it."""
    for before, after in zip(old, new, strict=True):
        renewed[id(before)] = after
        if isinstance(before, Callout) and isinstance(after, Callout):
            _pair_renewed(before.blocks, after.blocks, renewed)


def _prints(words: str, label: str) -> bool:
    """Whether `words` are what an automatic reference whose label is `label` prints: the
    label, or, opening a sentence, the label with its first letter capitalised."""
    return words in (label, label[:1].upper() + label[1:])


def _all(sections: list[DraftSection]) -> Iterator[DraftSection]:
    """Each of `sections` and the sections within it, in reading order."""
    for section in sections:
        yield section
        yield from _all(section.sections)


def _block_ids(draft: Draft, referenced: set[str], used: TakenIds, words: Mapping[str, str]
               ) -> dict[str, tuple[str, str]]:
    """Tables and figures given ids where a reference leads to their caption's bookmark
    (the bookmark held as their id till now, dropped where none does): the new id and
    label ("Table 2", in `words`) by the bookmark."""
    found: dict[str, tuple[str, str]] = {}
    counts = {"Table": 0, "Figure": 0}

    def visit(block: Block) -> Block:
        if isinstance(block, Callout):
            return dataclasses.replace(block, blocks=tuple(visit(b) for b in block.blocks))
        if not isinstance(block, Table | Figure):
            return block
        kind = "Table" if isinstance(block, Table) else "Figure"
        counts[kind] += 1
        if block.id is None or block.id not in referenced:
            return dataclasses.replace(block, id=None) if block.id else block
        caption = plain(block.caption) if block.caption else ""
        if _ID.match(block.id):  # a bookmark of the author's own that is an id
            base = block.id
        elif caption:
            slug = title_id(caption)
            slug = slug if len(slug) <= 40 else slug[:41].rsplit("-", 1)[0]  # whole words
            base = f"{'tbl' if kind == 'Table' else 'fig'}-{slug}"
        else:
            base = f"{kind.lower()}-{counts[kind]}"
        ident = unique_id(base.rstrip("-"), used)
        found[block.id] = (ident, f"{words[kind.lower()]} {counts[kind]}")
        return dataclasses.replace(block, id=ident)

    for part in draft.parts:
        for section in _all(part):
            section.blocks = [visit(b) for b in section.blocks]
    return found


_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


class TakenIds(set[str]):
    """The ids given (in lower case), and for each base the number `unique_id` tried
    last: 20000 headings titled alike are numbered in one pass, not one per id."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        super().__init__(ids)
        self.last_number: dict[str, int] = {}


def assign_ids(parts: list[list[DraftSection]]) -> TakenIds:
    """Unique ids (in lower case too) from each section's bookmark, when one is a valid id
    that is not Word's own (_Toc…), or from its title; the ids given."""
    used = TakenIds()

    def visit(items: list[DraftSection]) -> None:
        for section in items:
            given = next((b for b in section.bookmarks if _ID.match(b)), None)
            section.id = unique_id(given or title_id(section.title), used)
            visit(section.sections)

    for sections in parts:
        visit(sections)
    return used


def title_id(title: str) -> str:
    """An id made from a section's title (not yet unique)."""
    return slugify(title)[:60].rstrip("-")


def unique_id(base: str, taken: TakenIds) -> str:
    """`base` (after "s-" when it does not open with a letter), numbered until no id in
    `taken` is the same in lower case; it is added to `taken`."""
    if not base[:1].isalpha():
        base = f"s-{base}"
    # The numbers tried before for this base are taken: go on from the last.
    n = taken.last_number.get(base.lower(), 1)
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.lower())
    taken.last_number[base.lower()] = n
    return candidate
