"""Tagged PDF: marked content on each page, and the structure tree written from it at the end.

The writer builds the tree's elements (`Element`) in reading order while it
builds the story, and hands each flowable the element it draws. Drawing then
marks content: a flowable wraps what it draws in `TaggingCanvas.marked(element)`,
which gives the content a marked-content identifier (MCID) on its page and
records it on the element. Everything drawn outside `marked` is an artifact:
each page opens a layout artifact at its start, so rules, the cover band and
repeated table headers need no calls of their own; running heads and page
numbers are wrapped as pagination artifacts. When the document is saved, the
records become the `StructTreeRoot`, its `ParentTree`, the pages'
`StructParents` and `Tabs`, the link annotations' `StructParent` and `Contents`,
the XMP metadata and the catalog's `MarkInfo`. Layout stays one pass.

reportlab has no tagging API. This module is the one place the PDF exporter
reaches past reportlab's public API for it: the page dictionaries' permitted
keys (`PDFPage.__NoDefault__`), the document's page list and information
dictionary, the current page's annotation list and a link annotation's
permitted keys. `check_reportlab()` runs before every build and fails loudly
if any of them is gone, and tests/test_tagged_pdf.py reads the tree back with
pikepdf and checks it with `pdfua`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    XMP,
    LinkAnnotation,
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFPage,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas


class Element:
    """A structure element: its standard role, its kids in reading order, its attributes."""

    __slots__ = (
        "actual_text",
        "alt",
        "bbox",
        "kids",
        "lang",
        "links",
        "notes",
        "parent",
        "role",
        "scope",
        "title",
    )

    def __init__(self, role: str, parent: Element | None = None, *, alt: str | None = None,
                 title: str | None = None, scope: str | None = None,
                 lang: str | None = None) -> None:
        self.role = role
        self.parent = parent
        self.kids: list[Element | _Mark | _Annotation] = []
        #: Footnotes whose marks stand in this element's text: read after it.
        self.notes: list[Element] = []
        self.alt, self.title, self.scope, self.lang = alt, title, scope, lang
        self.bbox: tuple[int, tuple[float, float, float, float]] | None = None
        self.actual_text: str | None = None
        #: What each link drawn in this element's text does, by its target.
        self.links: dict[str, str] = {}
        if parent is not None:
            parent.kids.append(self)

    def add(self, role: str, **attributes: Any) -> Element:
        return Element(role, self, **attributes)

    def add_note(self) -> Element:
        note = Element("Note")
        note.parent = self
        self.notes.append(note)
        return note

    def children(self) -> list[Element | _Mark | _Annotation]:
        """The kids in reading order: the element's own content, then its notes."""
        return [*self.kids, *self.notes] if self.notes else self.kids

    def has_content(self) -> bool:
        return any(isinstance(kid, _Mark) for kid in self.kids)


@dataclass(frozen=True, slots=True)
class _Mark:
    page: int  # index from 0
    mcid: int


@dataclass(frozen=True, slots=True)
class _Annotation:
    page: int
    reference: Any  # the annotation's PDFObjectReference
    key: int  # its StructParent


@dataclass(frozen=True)
class DocumentFacts:
    """What the XMP metadata says, as the document information dictionary says it."""

    title: str
    authors: tuple[str, ...]
    subject: str
    keywords: tuple[str, ...]
    language: str
    creator: str
    date: str  # ISO 8601


def check_reportlab() -> None:
    """Fail loudly if a reportlab release moved what this module reaches into."""
    missing = [name for name, present in (
        ("PDFPage.__NoDefault__", isinstance(getattr(PDFPage, "__NoDefault__", None), list)),
        ("Canvas._addAnnotation", callable(getattr(Canvas, "_addAnnotation", None))),
        ("LinkAnnotation.permitted", isinstance(getattr(LinkAnnotation, "permitted", None),
                                                tuple)),
    ) if not present]
    if missing:
        raise RuntimeError("this reportlab release no longer has what PDF tagging relies on: "
                           + ", ".join(missing))


class TaggingCanvas(Canvas):
    """A canvas that marks what it draws and writes the structure tree when saved."""

    def __init__(self, *args: Any, facts: DocumentFacts, structure: Element,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = structure
        self._facts = facts
        self._page_marks: list[list[Element]] = []  # per page, the element of each MCID
        self._marks: list[Element] = []
        self._annotations: list[tuple[Element, _Annotation]] = []
        self._marking = False  # inside a page's artifact or marked content
        self._element: Element | None = None  # what is being drawn, for its links
        self._link_target: str | None = None
        self._link_element: Element | None = None

    # --- marking content -------------------------------------------------------------

    def begin_page(self) -> None:
        """At a page's start: what follows is a layout artifact until marked otherwise."""
        if not self._marking:
            self.addLiteral("/Artifact <</Type /Layout>> BDC")
            self._marking = True

    def end_page(self) -> None:
        if self._marking:
            self.addLiteral("EMC")
            self._marking = False

    def showPage(self) -> None:
        self.end_page()
        self._page_marks.append(self._marks)
        self._marks = []
        super().showPage()

    @contextmanager
    def marked(self, element: Element, role: str | None = None) -> Iterator[None]:
        """Draw real content of `element`, as one marked-content sequence on this page."""
        self.begin_page()
        mcid = len(self._marks)
        self._marks.append(element)
        element.kids.append(_Mark(len(self._page_marks), mcid))
        self.addLiteral(f"EMC /{role or element.role} <</MCID {mcid}>> BDC")
        outer, self._element = self._element, element
        try:
            yield
        finally:
            self._element = outer
            self.addLiteral("EMC /Artifact <</Type /Layout>> BDC")

    @contextmanager
    def pagination(self) -> Iterator[None]:
        """Draw a running head, a footer or a page number: not content, on every page."""
        self.begin_page()
        self.addLiteral("EMC /Artifact <</Type /Pagination>> BDC")
        try:
            yield
        finally:
            self.addLiteral("EMC /Artifact <</Type /Layout>> BDC")

    def note_bounds(self, element: Element, width: float, height: float) -> None:
        """Record where `element` (a figure) lies on the page, from the current origin."""
        x0, y0 = self.absolutePosition(0, 0)
        x1, y1 = self.absolutePosition(width, height)
        element.bbox = (len(self._page_marks), (min(x0, x1), min(y0, y1), max(x0, x1),
                                                 max(y0, y1)))

    # --- links -------------------------------------------------------------------------

    @contextmanager
    def link_of(self, element: Element) -> Iterator[None]:
        """Link annotations made meanwhile belong to `element` itself (a contents entry)."""
        self._link_element = element
        try:
            yield
        finally:
            self._link_element = None

    def linkRect(self, contents: str, destinationname: str, *args: Any, **kwargs: Any) -> Any:
        self._link_target = destinationname
        return super().linkRect(contents, destinationname, *args, **kwargs)

    def linkURL(self, url: str, *args: Any, **kwargs: Any) -> Any:
        self._link_target = url
        return super().linkURL(url, *args, **kwargs)

    def _addAnnotation(self, annotation: Any, name: str | None = None,
                       addtopage: int = 1) -> None:
        owner = self._link_element or self._element
        if owner is None or not addtopage:
            super()._addAnnotation(annotation, name, addtopage)
            return
        if owner.role == "Link":
            link, description = owner, owner.alt or ""
        else:
            # A Link element per annotation; a link broken over two lines has two.
            description = owner.links.get(self._link_target or "", "")
            link = owner.add("Link")
        key = len(self._annotations)
        if isinstance(annotation, LinkAnnotation):
            annotation.permitted = (*annotation.permitted, "StructParent")
            annotation.otherkw["StructParent"] = key
            annotation.Contents = description
        else:
            annotation["StructParent"] = key
            annotation["Contents"] = PDFString(description)
        super()._addAnnotation(annotation, name, addtopage)
        record = _Annotation(len(self._page_marks), self._annotationrefs[-1], key)
        link.kids.append(record)
        self._annotations.append((link, record))

    # --- writing the tree --------------------------------------------------------------

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        self._write_structure()
        super().save()

    def _write_structure(self) -> None:
        document = self._doc
        pages = document.Pages.pages
        page_refs = [document.Reference(page) for page in pages]
        first_page_key = len(self._annotations)
        refs: dict[int, Any] = {}

        def reference(element: Element) -> Any:
            return refs[id(element)]

        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = document.Reference(root)

        # Register every element first, so kids and parents can refer to each other.
        order: list[Element] = []
        stack = [self.structure]
        while stack:
            element = stack.pop()
            order.append(element)
            stack.extend(reversed([k for k in element.children() if isinstance(k, Element)]))
        dictionaries = []
        for element in order:
            entry = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(element.role)})
            refs[id(element)] = document.Reference(entry)
            dictionaries.append(entry)

        for element, entry in zip(order, dictionaries, strict=True):
            entry["P"] = root_ref if element.parent is None else reference(element.parent)
            page = _first_page(element)
            if page is not None:
                entry["Pg"] = page_refs[page]
            kids: list[Any] = []
            for kid in element.children():
                if isinstance(kid, Element):
                    kids.append(reference(kid))
                elif isinstance(kid, _Mark):
                    kids.append(kid.mcid if kid.page == page else PDFDictionary({
                        "Type": PDFName("MCR"), "Pg": page_refs[kid.page], "MCID": kid.mcid}))
                else:
                    kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": kid.reference,
                                               "Pg": page_refs[kid.page]}))
            entry["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)
            for key, value in (("Alt", element.alt), ("T", element.title),
                               ("Lang", element.lang), ("ActualText", element.actual_text)):
                if value is not None:
                    entry[key] = PDFString(value)
            attributes = {}
            if element.scope is not None:
                attributes = {"O": PDFName("Table"), "Scope": PDFName(element.scope)}
            elif element.bbox is not None:
                attributes = {"O": PDFName("Layout"),
                              "BBox": PDFArray([round(v, 2) for v in element.bbox[1]])}
            if attributes:
                entry["A"] = PDFDictionary(attributes)

        numbers: list[Any] = []
        for link, annotation in self._annotations:
            numbers += [annotation.key, reference(link)]
        for index, (page, marks) in enumerate(zip(pages, self._page_marks, strict=False)):
            key = first_page_key + index
            page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = key
            page.Tabs = PDFName("S")
            numbers += [key, PDFArray([reference(element) for element in marks])]
        root["K"] = reference(self.structure)
        root["ParentTree"] = PDFDictionary({"Nums": PDFArray(numbers)})
        root["ParentTreeNextKey"] = first_page_key + len(pages)

        self.setCatalogEntry("StructTreeRoot", root)
        self.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        self.setViewerPreference("DisplayDocTitle", "true")
        self.setCatalogEntry("Metadata", XMP(creator=lambda doc: self._xmp(doc)))

    def _xmp(self, document: Any) -> bytes:
        facts, info = self._facts, document.info
        producer = escape(info.producer)

        def alternatives(text: str) -> str:
            return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

        creators = "".join(f"<rdf:li>{escape(a)}</rdf:li>" for a in facts.authors)
        return (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about=""'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
            ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
            ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
            f"<dc:format>application/pdf</dc:format>"
            f"<dc:title>{alternatives(facts.title)}</dc:title>"
            + (f"<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>" if creators else "")
            + f"<dc:description>{alternatives(facts.subject)}</dc:description>"
            f"<dc:language><rdf:Bag><rdf:li>{escape(facts.language)}</rdf:li></rdf:Bag>"
            "</dc:language>"
            f"<xmp:CreateDate>{facts.date}</xmp:CreateDate>"
            f"<xmp:ModifyDate>{facts.date}</xmp:ModifyDate>"
            f"<xmp:MetadataDate>{facts.date}</xmp:MetadataDate>"
            f"<xmp:CreatorTool>{escape(facts.creator)}</xmp:CreatorTool>"
            f"<pdf:Producer>{producer}</pdf:Producer>"
            f"<pdf:Keywords>{escape(', '.join(facts.keywords))}</pdf:Keywords>"
            "<pdfuaid:part>1</pdfuaid:part>"
            "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
            '<?xpacket end="w"?>'
        ).encode("utf-8")


def _first_page(element: Element) -> int | None:
    for kid in element.kids:
        if isinstance(kid, _Mark):
            return kid.page
    return None
