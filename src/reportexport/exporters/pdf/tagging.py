"""Tagged PDF: marked content on each page, and the structure tree written from it at the end.

The writer builds the tree's elements (`Element`) in reading order while it
builds the story, and hands each flowable the element it draws. Drawing then
marks content: a flowable wraps what it draws in `TaggingCanvas.marked(element)`,
which gives the content a marked-content identifier (MCID) on its page and
records it on the element. Everything drawn outside `marked` is an artifact:
each page opens a layout artifact at its start, so rules, the cover band and
repeated table headers need no calls of their own; running heads and page
numbers are wrapped as pagination artifacts. Layout stays one pass.

When the document is saved, reportlab writes the pages with their
`StructParents` and `Tabs`, the link annotations with their `StructParent` and
`Contents`, the XMP metadata and the catalog's `MarkInfo`. The structure tree
itself (its root, `ParentTree` and elements) is then appended to the file as
an incremental update, with the catalog again, now pointing at the root.

reportlab has no tagging API. What this needs past reportlab's public API (the
page dictionaries' entries, the annotations, the document's object numbers, the
trailer it wrote, the text object's operators) it asks of reportlab_compat;
tests/exporters/pdf/test_tagged_pdf.py reads the tree back with poppler and pikepdf and checks
it with `pdfua`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import Any

from reportlab.pdfbase.pdfdoc import XMP, PDFDictionary

from reportexport.exporters.pdf.reportlab_compat import (
    AnnotationHookCanvas,
    Trailer,
    TrueRiseTextObject,
    WrittenDocument,
    compress_last_page,
    page_name,
    pdf_object_reference,
    pdf_string,
    producer_of,
    set_annotation_entries,
    set_page_entries,
    written_trailer,
)
from reportexport.exporters.pdf.scripts import ShapedTextObject

#: What is drawn outside marked content on a page: rules, bands, repeated headers.
LAYOUT = "/Artifact <</Type /Layout>> BDC"


class Element:
    """A structure element: its standard role, its kids in reading order, its attributes."""

    __slots__ = ("actual_text", "alt", "bbox", "inline", "kids", "lang", "link_trail",
                 "links", "notes", "number", "role", "scope")

    def __init__(self, role: str, *, alt: str | None = None, scope: str | None = None,
                 lang: str | None = None) -> None:
        self.role = role
        #: Kids in reading order: elements, annotations, and marked content as
        #: `page << 16 | MCID` (ints, for there are as many as paragraphs).
        self.kids: list[Element | int | _Annotation] = []
        #: Footnotes whose marks stand in this element's text: read after it.
        self.notes: list[Element] | None = None
        self.alt, self.scope, self.lang = alt, scope, lang
        self.bbox: tuple[float, float, float, float] | None = None
        self.actual_text: str | None = None
        #: What each link drawn in this element's text does, by its target.
        self.links: dict[str, str] | None = None
        #: While its text is drawn: the inline elements open (a Link, a Reference),
        #: kept across a page break; and the Link elements drawn, for their annotations.
        self.inline: list[Element] | None = None
        self.link_trail: _LinkTrail | None = None
        self.number = 0  # its PDF object number, once the tree is written

    def add(self, role: str, **attributes: Any) -> Element:
        kid = Element(role, **attributes)
        self.kids.append(kid)
        return kid

    def add_note(self) -> Element:
        note = Element("Note")
        if self.notes is None:
            self.notes = []
        self.notes.append(note)
        return note

    def children(self) -> list[Element | int | _Annotation]:
        """The kids in reading order: the element's own content, then its notes."""
        return [*self.kids, *self.notes] if self.notes else self.kids

    def written(self, parent: int, page_refs: list[bytes], document: Any) -> bytes:
        """The element as a PDF dictionary, its parent being object number `parent`.

        Written for each of a long report's elements (as many as its paragraphs):
        the common case (kids on the element's page) is tested first."""
        page = None
        for kid in self.kids:  # the page of its first marked content
            if isinstance(kid, int):
                page = kid >> 16
                break
        out = b"<< /Type /StructElem /S /%s /P %d 0 R" % (self.role.encode("ascii"), parent)
        if page is not None:
            out += b" /Pg " + page_refs[page]
        kids: list[bytes] = []
        for kid in self.children():
            if isinstance(kid, int):
                kids.append(b"%d" % (kid & 0xFFFF) if kid >> 16 == page else
                            b"<< /Type /MCR /Pg %s /MCID %d >>" % (page_refs[kid >> 16],
                                                                   kid & 0xFFFF))
            elif isinstance(kid, Element):
                kids.append(b"%d 0 R" % kid.number)
            else:
                kids.append(b"<< /Type /OBJR /Obj %s /Pg %s >>"
                            % (pdf_object_reference(document, kid.reference),
                               page_refs[kid.page]))
        out += b" /K " + (kids[0] if len(kids) == 1 else b"[" + b" ".join(kids) + b"]")
        for key, value in ((b"Alt", self.alt), (b"Lang", self.lang),
                           (b"ActualText", self.actual_text)):
            if value is not None:
                out += b" /" + key + b" " + pdf_string(document, value)
        if self.scope is not None:
            out += b" /A << /O /Table /Scope /%s >>" % self.scope.encode("ascii")
        elif self.bbox is not None:
            box = b" ".join(b"%.2f" % v for v in self.bbox)
            out += b" /A << /O /Layout /BBox [%s] >>" % box
        return out + b" >>"


class _LinkTrail:
    """The Link elements of a text as it is drawn, for each link annotation to find its own.

    reportlab draws a paragraph line by line: a line's text (where `tag_inline`
    opens each Link), then one annotation for each link on that line, in reading
    order: a link broken over two lines has one on each. So an annotation belongs
    to the first Link on its line with its target that has none yet: two links to
    one target on one line are two Links, each with its own annotation. A line
    whose text opens or closes nothing holds only the link carried over from the
    line before, which is still open.
    """

    __slots__ = ("line", "line_annotated", "made", "replayed", "target")

    def __init__(self) -> None:
        #: The Links on the line being drawn still without its annotation, in order.
        self.line: list[Element] = []
        #: Whether the line's annotations have begun: the next inline opens a new line.
        self.line_annotated = False
        #: Each Link's target.
        self.target: dict[Element, str] = {}
        #: The Link of each annotation made, in order, and how many of them a second
        #: drawing (a table's header row, repeated) has matched again.
        self.made: list[Element] = []
        self.replayed = 0

    def inline_drawn(self, open_inline: list[Element]) -> None:
        """An inline element opens or closes in the text: if the last line's annotations
        are made, this is a new line, which holds first the links still open."""
        if self.line_annotated:
            self.line = [e for e in open_inline if e in self.target]
            self.line_annotated = False

    def link_opened(self, link: Element, target: str) -> None:
        self.target[link] = target
        self.line.append(link)

    def annotation_made(self, target: str, open_inline: list[Element]) -> Element | None:
        """The Link of the annotation to `target` made now, in drawing the text."""
        self.line_annotated = True
        link = next((e for e in self.line if self.target[e] == target), None)
        if link is not None:
            self.line.remove(link)
        else:  # a line inside a link carried over from the line before
            link = next((e for e in reversed(open_inline)
                         if self.target.get(e) == target), None)
        if link is not None:
            self.made.append(link)
        return link

    def annotation_made_again(self, target: str) -> Element | None:
        """The Link of the annotation to `target` made now, in drawing the text again:
        the one made in the same turn the first time."""
        turn = self.replayed
        self.replayed += 1
        if turn < len(self.made) and self.target[self.made[turn]] == target:
            return self.made[turn]
        return next((e for e in self.made if self.target[e] == target), None)


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
    rights: str | None = None
    isbn: str | None = None  # as written
    isbn_urn: str | None = None


class TaggingCanvas(AnnotationHookCanvas):
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
        self._text: Element | None = None  # the element whose text is being drawn
        self._text_object: Any = None  # the text object drawing it
        # What scripts.ShapedTextObject says for the shaped text drawn: (piece, joiner).
        self.fallback_words: deque[tuple[str, str | None]] | None = None
        self.setNamedCB("tag_inline", self._tag_inline)
        self._link_target: str | None = None
        self._link_element: Element | None = None
        self._annotated: Element | None = None  # the Link of the annotation being added

    # --- marking content -------------------------------------------------------------

    def begin_page(self) -> None:
        """At a page's start: what follows is a layout artifact until marked otherwise."""
        if not self._marking:
            self.addLiteral(LAYOUT)
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
        compress_last_page(self.document)

    @contextmanager
    def marked(self, element: Element) -> Iterator[None]:
        """Draw real content of `element`, as one marked-content sequence on this page."""
        self.addLiteral("EMC " + self._open(element))
        self._element = element
        try:
            yield
        finally:
            self._element = None
            self.addLiteral("EMC " + LAYOUT)

    @contextmanager
    def pagination(self) -> Iterator[None]:
        """Draw a running head, a footer or a page number: not content, on every page."""
        self.begin_page()
        self.addLiteral("EMC /Artifact <</Type /Pagination>> BDC")
        try:
            yield
        finally:
            self.addLiteral("EMC " + LAYOUT)

    # --- marking a paragraph's text ---------------------------------------------------

    def begin_text(self, element: Element,
                   fallback_words: deque[tuple[str, str | None]] | None = None) -> None:
        """The text drawn next (a paragraph's) is `element`'s content.

        It is marked inside its text object, so that inline elements (a link, a
        footnote mark) can take their own marked content where their text is:
        `tag_inline` callbacks in the paragraph's markup open and close them.
        `fallback_words` are the pieces it sets in shaped fallback fonts, in order:
        scripts.ShapedTextObject says each as it draws it (`/ActualText`).
        """
        self._text = self._element = element
        self.fallback_words = fallback_words

    def end_text(self) -> None:
        self._text = self._element = self._text_object = self.fallback_words = None

    def _open(self, element: Element) -> str:
        self.begin_page()
        mcid = len(self._marks)
        self._marks.append(element)
        element.kids.append(len(self._page_marks) << 16 | mcid)
        if element.actual_text is not None:
            # In the content too: text extraction (copy, search) reads it there.
            actual = ("\ufeff" + element.actual_text).encode("utf-16-be").hex().upper()
            return f"/{element.role} <</MCID {mcid} /ActualText <{actual}>>> BDC"
        return f"/{element.role} <</MCID {mcid}>> BDC"

    def said_as(self, code: str, words: str, language: str | None) -> str:
        """Shaped glyphs (the content `code`) as a Span of the text being drawn that
        says `words` (its /ActualText) in `language`; `code` unchanged in an artifact."""
        element = self._text
        if element is None or self._text_object is None:
            return code
        current = element.inline[-1] if element.inline else element
        span = current.add("Span", lang=language)
        span.actual_text = words
        return f"EMC {self._open(span)} {code} EMC {self._open(current)}"

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:
        # Only a text with shaped pieces to say needs each string's operators wrapped.
        kind = ShapedTextObject if self.fallback_words else TrueRiseTextObject
        text_object = kind(self, x, y, direction=direction)
        element = self._text
        if element is not None and self._text_object is None:
            self._text_object = text_object
            text_object.add_operators(self._open(element.inline[-1] if element.inline
                                                 else element))
        return text_object

    def drawText(self, aTextObject: Any) -> None:
        if aTextObject is not self._text_object:
            super().drawText(aTextObject)
            return
        # Close the text's marked content inside the text object, and the page's
        # artifact around it: the two may not overlap.
        aTextObject.add_operators("EMC")
        self.addLiteral("EMC")
        super().drawText(aTextObject)
        self.addLiteral(LAYOUT)
        self._text_object = None

    def _tag_inline(self, canvas: Any, kind: str, label: str) -> None:
        """The `tag_inline` onDraw callback: `label` opens "Link <target>" or "Reference",
        or closes ("/") the inline element last opened in the text being drawn."""
        element, text_object = self._text, self._text_object
        if element is None or text_object is None:
            return  # drawn as an artifact (a table's header row, repeated)
        if element.inline is None:
            element.inline = []
        if element.link_trail is not None:
            element.link_trail.inline_drawn(element.inline)
        if label == "/":
            element.inline.pop()
        else:
            role, _, target = label.partition(" ")
            inline = element.add(role)
            if target:
                if element.link_trail is None:
                    element.link_trail = _LinkTrail()
                element.link_trail.link_opened(inline, target)
            element.inline.append(inline)
        current = element.inline[-1] if element.inline else element
        text_object.add_operators("EMC " + self._open(current))

    def note_bounds(self, element: Element, width: float, height: float) -> None:
        """Record where `element` (a figure) lies on the page, from the current origin."""
        x0, y0 = self.absolutePosition(0, 0)
        x1, y1 = self.absolutePosition(width, height)
        element.bbox = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    # --- links -------------------------------------------------------------------------

    @contextmanager
    def link_of(self, element: Element) -> Iterator[None]:
        """Link annotations made meanwhile belong to `element`: to it, if it is a Link (a
        contents entry), or else to the Links drawn in its text, in the order their
        annotations were made then (a table's header row, drawn again on the next page)."""
        self._link_element = element
        if element.link_trail is not None:
            element.link_trail.replayed = 0
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

    def annotating(self, annotation: Any) -> None:
        owner = self._link_element or self._element
        if owner is None:
            return
        target = self._link_target or ""
        if owner.role == "Link":
            link, description = owner, owner.alt or ""
        else:
            # The Link element its text was drawn in (a link broken over two lines
            # has two annotations, both in it).
            description = (owner.links or {}).get(target, "")
            link = self._drawn_link(owner, target) or owner.add("Link")
        set_annotation_entries(annotation, len(self._annotations), description)
        self._annotated = link

    def _drawn_link(self, owner: Element, target: str) -> Element | None:
        trail = owner.link_trail
        if trail is None:
            return None
        if owner is self._link_element:
            return trail.annotation_made_again(target)
        return trail.annotation_made(target, owner.inline or [])

    def annotated(self, reference: Any) -> None:
        link, self._annotated = self._annotated, None
        if link is not None:
            record = _Annotation(len(self._page_marks), reference, len(self._annotations))
            link.kids.append(record)
            self._annotations.append((link, record))

    # --- writing the tree --------------------------------------------------------------

    def save(self) -> None:
        if self.page_has_content():
            self.showPage()
        self._mark_document()
        super().save()
        self._append_structure()
        self.forget_written()

    def _mark_document(self) -> None:
        """Before reportlab writes the file: what pages and catalog say of the tags."""
        first_page_key = len(self._annotations)
        set_page_entries(self.document, lambda index: {
            "StructParents": first_page_key + index, "Tabs": page_name("S")})
        self.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        self.setViewerPreference("DisplayDocTitle", "true")
        self.setCatalogEntry("Metadata", XMP(creator=lambda doc: self._xmp(doc)))

    def _append_structure(self) -> None:
        """After reportlab wrote the file: the structure tree, as an incremental update.

        The tree has as many objects as the report has paragraphs, cells and
        headings. Appended to the file, each is written as soon as it is made,
        rather than held by reportlab with the whole document until it is
        formatted, the moment the document is largest in memory. The update
        holds the tree, its root and the catalog again, now with the root.
        """
        document = self.document
        written = WrittenDocument.of(document)
        with open(self.file_name, "r+b") as pdf:
            tail = written_trailer(pdf)
            root_number = tail.size
            order = self._numbered(root_number)
            pdf.seek(0, 2)
            writer = _ObjectWriter(pdf)
            writer.add(root_number, self._root(len(written.page_references)))
            for element, parent in order:
                writer.add(element.number,
                           element.written(parent, written.page_references, document))
            catalog = written.catalog
            end = catalog.rindex(b">>")
            writer.add(written.catalog_number, catalog[:end]
                       + b" /StructTreeRoot %d 0 R " % root_number + catalog[end:])
            writer.finish(tail, root_number + 1 + len(order), written.catalog_number,
                          written.info_number)
        self.structure.kids.clear()  # the tree is written: let it go
        self._page_marks, self._annotations = [], []

    def _numbered(self, root_number: int) -> list[tuple[Element, int]]:
        """The elements in reading order (pre-order), each with its parent's number,
        numbered after the root's."""
        order: list[tuple[Element, int]] = []
        stack = [(self.structure, root_number)]
        while stack:
            element, parent = stack.pop()
            number = element.number = root_number + 1 + len(order)
            order.append((element, parent))
            for kid in reversed(element.children()):
                if isinstance(kid, Element):
                    stack.append((kid, number))
        return order

    def _root(self, page_count: int) -> bytes:
        """The StructTreeRoot, with the parent tree of the annotations and the pages."""
        first_page_key = len(self._annotations)
        numbers = [b"%d %d 0 R" % (record.key, link.number)
                   for link, record in self._annotations]
        for index, marks in enumerate(self._page_marks):
            numbers.append(b"%d [%s]" % (first_page_key + index,
                                         b" ".join(b"%d 0 R" % e.number for e in marks)))
        return (b"<< /Type /StructTreeRoot /K %d 0 R" % self.structure.number
                + b" /ParentTree << /Nums [" + b"\n".join(numbers) + b"] >>"
                + b" /ParentTreeNextKey %d >>" % (first_page_key + page_count))

    def _xmp(self, document: Any) -> bytes:
        facts = self._facts
        producer = escape(producer_of(document))

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
            ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
            + (' xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/"'
               if facts.isbn else "") + ">"
            f"<dc:format>application/pdf</dc:format>"
            f"<dc:title>{alternatives(facts.title)}</dc:title>"
            + (f"<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>" if creators else "")
            + f"<dc:description>{alternatives(facts.subject)}</dc:description>"
            + (f"<dc:rights>{alternatives(facts.rights)}</dc:rights>" if facts.rights else "")
            + (f"<dc:identifier>{escape(facts.isbn_urn or '')}</dc:identifier>"
               f"<prism:isbn>{escape(facts.isbn)}</prism:isbn>" if facts.isbn else "")
            + ""
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


class _ObjectWriter:
    """Appends indirect objects to a PDF and the cross-reference section for them."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.offsets: dict[int, int] = {}

    def add(self, number: int, content: bytes) -> None:
        self.offsets[number] = self.pdf.tell()
        self.pdf.write(b"%d 0 obj\n%s\nendobj\n" % (number, content))

    def finish(self, tail: Trailer, size: int, root: int, info: int) -> None:
        xref = self.pdf.tell()
        lines = [b"xref"]
        numbers = sorted(self.offsets)
        start = 0
        while start < len(numbers):  # one subsection per run of consecutive numbers
            end = start
            while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
                end += 1
            lines.append(b"%d %d" % (numbers[start], end - start + 1))
            lines += [b"%010d 00000 n " % self.offsets[n] for n in numbers[start:end + 1]]
            start = end + 1
        self.pdf.write(b"\n".join(lines) + b"\n")
        self.pdf.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID %s /Prev %d >>\n"
                       b"startxref\n%d\n%%%%EOF\n" % (size, root, info, tail.id, tail.xref, xref))
