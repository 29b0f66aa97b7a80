"""Every reach of the PDF exporter past reportlab's public API, and nowhere else.

reportlab has no API for tagging (structure tree, marked content), footnotes,
text rise kept true, per-page stream compression, or a group kept with only a
table's start. The PDF package asks this module for each of those, by a name
that says what it does; each function or class here names the private
attribute or behaviour it relies on and why there is no public way.

`check_reportlab()` runs before every build and fails loudly, naming what is
gone, if a reportlab release no longer has an attribute relied on here;
tests/exporters/pdf/test_reportlab_compat.py checks each hook behaves as relied on.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib.fonts import ps2tt
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import isSeq
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    Destination,
    LinkAnnotation,
    NoEncryption,
    OutlineEntryObject,
    PDFArray,
    PDFArrayCompact,
    PDFBase85Encode,
    PDFCatalog,
    PDFCrossReferenceTable,
    PDFDestinationXYZ,
    PDFDictionary,
    PDFFile,
    PDFFormXObject,
    PDFIndirectObject,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFPage,
    PDFPages,
    PDFResourceDictionary,
    PDFStream,
    PDFString,
    PDFTrailer,
    PDFZCompress,
    pdfdocEnc,
)
from reportlab.pdfbase.pdfdoc import format as pdfdoc_format
from reportlab.pdfbase.ttfonts import TTFont, shapeStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Frame, KeepTogether, Paragraph, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText


def check_reportlab() -> None:
    """Fail loudly, naming each, if a reportlab release moved what this module reaches."""
    needed = (
        ("PDFPage.__NoDefault__", isinstance(getattr(PDFPage, "__NoDefault__", None), list)),
        ("PDFPage.stream", hasattr(PDFPage, "stream")),
        ("PDFPage.__NoDefault__ holding Contents",
         "Contents" in getattr(PDFPage, "__NoDefault__", ())),
        ("Canvas._addAnnotation", callable(getattr(Canvas, "_addAnnotation", None))),
        ("LinkAnnotation.permitted", isinstance(getattr(LinkAnnotation, "permitted", None),
                                                tuple)),
        ("PDFTextObject._formatText", callable(getattr(PDFTextObject, "_formatText", None))),
        ("Frame._reset", callable(getattr(Frame, "_reset", None))),
        ("Frame._getAvailableWidth", callable(getattr(Frame, "_getAvailableWidth", None))),
    )
    missing = [name for name, present in needed if not present]
    if missing:
        raise RuntimeError("this reportlab release no longer has what the PDF exporter "
                           "relies on (exporters/pdf/reportlab_compat.py): " + ", ".join(missing))


# --- fonts ---------------------------------------------------------------------------


class UnshapedTTFont(TTFont):
    """A font reportlab never shapes.

    Relies on reportlab.pdfbase.ttfonts.shapeFragWord leaving a word as it is when
    its font's `hbFont` raises AttributeError (as for a font without HarfBuzz data).
    reportlab shapes a whole paragraph or none (`ParagraphStyle.shaping`), with no
    per-font switch: the theme's own fonts set Latin text exactly as unshaped.
    """

    def hbFont(self, fontSize: float = 10) -> Any:
        raise AttributeError("the theme's own fonts are set unshaped")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._widths: dict[float, dict[str, float]] = {}  # by size, by text
        self._widths_kept = 0

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        """reportlab's width of `text`, kept for the next time the same word is measured.

        Line breaking measures every word of every paragraph, and again for each
        width a paragraph is tried at: a report repeats its words. The face's
        widths (`charWidths`) are final once the font is registered. The widths are
        kept by size, then by text, which spares a key made for every word measured.
        """
        try:
            return self._widths[size][text]
        except KeyError:
            pass
        width: float = super().stringWidth(text, size, encoding)
        if isinstance(text, str):
            if self._widths_kept >= _MOST_WIDTHS_KEPT:
                self._widths.clear()
                self._widths_kept = 0
            self._widths.setdefault(size, {})[text] = width
            self._widths_kept += 1
        return width

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[Any]:
        """The subset codes of `text`, as reportlab's `TTFont.splitString` gives them.

        reportlab looks each character up in turn in Python; most strings drawn are in
        the first subset, every character already given a code. Those are translated
        in one pass, by a table made from the document's private
        `state[doc].assignments` (character to code, the subset in its high byte); any
        other string goes to reportlab, which gives new characters their codes. A string
        of printable ASCII is its own codes when the font has every such character
        (reportlab's `asciiReadable` first subset gives each its own code).
        """
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and text:
            codes = _first_subset_codes(state)
            if codes.ascii_as_itself and text.isascii() and text.isprintable():
                return [(0, text.encode("ascii"))]
            try:
                return [(0, text.translate(codes).encode("latin-1"))]
            except _NoFirstSubsetCode:
                pass
        split: list[Any] = super().splitString(text, doc, encoding)
        return split


class _NoFirstSubsetCode(Exception):
    """A character has no code in a font's first subset (yet)."""


class _FirstSubsetCodes(dict[int, str]):
    """Characters to their codes in a font's first subset, as characters, for
    `str.translate`: a character without one stops the translation."""

    #: Whether every printable ASCII character is its own code.
    ascii_as_itself = False

    def __missing__(self, code: int) -> str:
        raise _NoFirstSubsetCode


_PRINTABLE_ASCII = range(32, 127)


def _first_subset_codes(state: Any) -> _FirstSubsetCodes:
    """The table of a font's codes in one document (its `TTFont.State`), made again
    when reportlab has given more characters codes. A no-break space is drawn as a
    space, as reportlab does."""
    assignments: dict[int, int] = state.assignments
    kept: tuple[int, _FirstSubsetCodes] | None = getattr(state, "_reportexport_codes", None)
    if kept is not None and kept[0] == len(assignments):
        return kept[1]
    table = _FirstSubsetCodes((code, chr(n)) for code, n in assignments.items() if n < 256)
    if 32 in table:
        table[0xA0] = table[32]
    table.ascii_as_itself = all(table.get(n) == chr(n) for n in _PRINTABLE_ASCII)
    state._reportexport_codes = (len(assignments), table)
    return table


#: Widths a font keeps, at most (a long book has some tens of thousands of distinct
#: words; a font object outlives a build, as a watcher keeps it).
_MOST_WIDTHS_KEPT = 100_000


def give_blank_glyph(font: TTFont, codes: Iterable[int]) -> None:
    """Map each of `codes` the font lacks to its space glyph, zero wide, if that glyph
    draws nothing.

    Writes the face's private tables `charToGlyph` and `charWidths` and reads
    `glyphPos` (the glyph's outline offsets: equal ones mean no outline). reportlab
    has no API to map a character to a glyph: it draws a missing one as .notdef.
    """
    face = font.face
    blank = face.charToGlyph.get(0x20)
    if blank is None or face.glyphPos[blank + 1] != face.glyphPos[blank]:
        return
    for code in codes:
        if code not in face.charToGlyph:
            face.charToGlyph[code] = blank
            face.charWidths[code] = 0


def font_file_name(name: str) -> str:
    """The file a registered TrueType font was read from (its face's `filename`, which
    reportlab keeps but does not document; a font has no public file name)."""
    file_name: str = pdfmetrics.getFont(name).face.filename
    return file_name


def font_has_character(name: str, code: int) -> bool:
    """Whether registered font `name` has a glyph for character `code`: its face's
    `charToGlyph` map (reportlab offers no public coverage query)."""
    return code in pdfmetrics.getFont(name).face.charToGlyph


@functools.cache
def widest_advance(name: str) -> float:
    """The widest advance of any character in registered font `name`, in thousandths of
    the size: the largest of its face's `charWidths` and its `defaultWidth` (what
    reportlab's stringWidth gives a character the font lacks). Both are undocumented;
    the font's hmtx table would need the file parsed again."""
    face = pdfmetrics.getFont(name).face
    widest: float = max(max(face.charWidths.values(), default=0), face.defaultWidth)
    return widest


def font_file_bytes(name: str) -> bytes:
    """The whole TrueType file of registered font `name`, as reportlab read it: its
    face's private `_ttf_data` (no public accessor; reading the file again could read
    a file changed since)."""
    data: bytes = pdfmetrics.getFont(name).face._ttf_data
    return data


# --- shaped text -----------------------------------------------------------------------


def shaped_run(text: str, face: str, size: float) -> tuple[str, float | None]:
    """`text` shaped in `face` at `size` as reportlab shapes a paragraph's word
    (`ttfonts.shapeStr`), and its advance from the glyphs' `x_advance` in the string's
    private `__shapeData__` (None when reportlab did not shape it)."""
    shaped: str = shapeStr(text, face, size)
    data = shape_data(shaped)
    return shaped, (sum(glyph.x_advance for glyph in data) * size / 1000 if data else None)


def shape_data(text: str) -> list[Any] | None:
    """The glyphs of a string reportlab shaped (each with its `cluster` and `x_advance`):
    its private `__shapeData__`, which reportlab attaches to a shaped word and keeps
    when it joins the words of a line. None for an unshaped string."""
    data: list[Any] | None = getattr(text, "__shapeData__", None)
    return data


def current_font(canvas: Any) -> tuple[str, float]:
    """The canvas's current font name and size: its private `_fontname` and `_fontsize`
    (setFont has no getter)."""
    return canvas._fontname, canvas._fontsize


class TrueRiseTextObject(PDFTextObject):
    """reportlab's text object, with its text rise kept true and raw operators added.

    reportlab folds two rises in a row ("r0 Ts r1 Ts") into one but then forgets the
    second, and never resets it: after a shaped word that ends on a raised or lowered
    glyph (a Khmer vowel sign) the rest of the line stays lowered. `setRise` writes
    every rise (the private `_rise`, `_y` and `_code`).
    """

    def setRise(self, rise: float) -> None:  # reportlab's name
        self._rise = rise
        self._y -= rise
        self._code.append(f"{fp_str(rise)} Ts")

    def add_operators(self, code: str) -> None:
        """Append raw operators inside the text object (its private `_code` list)."""
        self._code.append(code)


class HookedTextObject(TrueRiseTextObject):
    """A TrueRiseTextObject with a hook on each string.

    Each string's operators pass through `formatted`, by overriding the private
    `_formatText`: there is no public way to wrap what a paragraph's line draws.
    The hook costs a call per string drawn: a canvas makes such a text object only
    where a subclass has something to wrap.
    """

    def _formatText(self, text: str) -> str:  # reportlab's name
        code: str = super()._formatText(text)
        return self.formatted(text, code)

    def formatted(self, text: str, code: str) -> str:
        """The operators that draw `text` (`code`, as reportlab wrote them): a subclass
        may wrap them."""
        return code

    @property
    def owner(self) -> Any:
        """The canvas the text object draws on (its private `_canvas`)."""
        return self._canvas

    @property
    def font_name(self) -> str:
        """The text object's current font (its private `_fontname`)."""
        name: str = self._fontname
        return name


# --- the canvas and the document it writes --------------------------------------------


class AnnotationHookCanvas(Canvas):
    """A canvas that hears of each annotation it puts on a page.

    Every link annotation (linkRect, linkURL, a paragraph's <a>) passes through the
    private `Canvas._addAnnotation`; after it, the page's reference to it is the last
    of the private `_annotationrefs`. reportlab has no hook on annotations.
    """

    def _addAnnotation(self, annotation: Any, name: str | None = None,
                       addtopage: int = 1) -> None:
        if addtopage:
            self.annotating(annotation)
        super()._addAnnotation(annotation, name, addtopage)
        if addtopage:
            self.annotated(self._annotationrefs[-1])

    def annotating(self, annotation: Any) -> None:
        """Before `annotation` is put on the page: a subclass may add to it."""

    def annotated(self, reference: Any) -> None:
        """After: `reference` is the annotation's object reference, as the page has it."""

    @property
    def document(self) -> Any:
        """The PDFDocument being written (the canvas's private `_doc`)."""
        return self._doc

    def save(self) -> None:
        """Write the document to its file object by object, as reportlab formats it.

        reportlab's `PDFDocument.SaveToFile` formats every object into one list of
        strings and joins them into the file's bytes before writing: at its end, a
        long report's whole file is held twice in memory, the build's peak. This
        is `PDFDocument.GetPDFData` and `format` (reportlab 5.1), with a file that
        writes each object as it is added: the same bytes. It uses the document's
        private `delayedFonts`, `signature`, `Outlines`, object tables and the
        `__accum__` objects may read, and `_savedToFile`.
        """
        if self.page_has_content():
            self.showPage()
        document = self._doc
        if getattr(document, "_savedToFile", False) or getattr(document, "_digiSigs", None):
            raise RuntimeError("reportlab_compat cannot write this document")
        document._savedToFile = True
        for font in document.delayedFonts:
            font.addObjects(document)
        document.info.invariant = document.invariant
        document.info.digest(document.signature)
        document.Reference(document.Catalog)
        document.Reference(document.info)
        document.Outlines.prepare(document, self)
        if document.Outlines.ready < 0:
            document.Catalog.Outlines = None
        with open(self._filename, "wb") as out:
            _write_objects(document, _FileWriter(out, document._pdfVersion))

    def forget_written(self) -> None:
        """Let the objects of the document written go now, not at the cycle collector's
        next full pass.

        The canvas, its document and the doc template refer to one another, so all
        they hold would outlive the build until a full collection, which goes over
        every object the process holds: at a long report's end, the one at exit
        takes longer than writing the file did. Clears the document's private
        object tables (`idToObject`, `numberToId`, `idToObjectNumberAndVersion`,
        `idToOffset`), its pages (`Pages.pages`) and outline, and the canvas's
        named destinations (`_destinations`).
        """
        document = self._doc
        for table in (document.idToObject, document.numberToId,
                      document.idToObjectNumberAndVersion, document.idToOffset,
                      self._destinations):
            table.clear()
        document.Pages.pages = []
        document.Outlines = document.outline = document.Catalog.Outlines = None

    @property
    def file_name(self) -> str:
        """The file the canvas saves to (its private `_filename`)."""
        name: str = self._filename
        return name

    def page_has_content(self) -> bool:
        """Whether anything was drawn since the last page ended (the private `_code`)."""
        return bool(len(self._code))


class _FileWriter(PDFFile):
    """reportlab's output collector, writing each piece to `out` instead of keeping it."""

    def __init__(self, out: Any, version: Any) -> None:
        super().__init__(version)  # which adds the file's header to its list
        header: list[bytes] = self.strings
        for piece in header:
            out.write(piece)
        header.clear()
        self.write = out.write


def _write_objects(document: Any, output: _FileWriter) -> None:
    """reportlab's `PDFDocument.format` (5.1) into `output`: every object, numbered in
    turn (formatting one may add more), then the cross-reference table and trailer."""
    document.encrypt.prepare(document)
    catalog, info = document.Catalog, document.info
    document.Reference(catalog)
    document.Reference(info)
    encryption = document.encrypt.info()
    encrypt = document.Reference(encryption) if encryption else None
    numbers, objects, offsets = (document.numberToId, document.idToObject,
                                 document.idToOffset)
    ids = []
    document.__accum__ = output
    formatted_object = _indirect_object_formatter(document)
    counter = 1
    while counter in numbers:
        oid = numbers[counter]
        offsets[oid] = output.add(formatted_object(oid, objects[oid]))
        ids.append(oid)
        counter += 1
    del document.__accum__
    if counter - 1 != len(numbers):
        raise ValueError("reportlab numbered its objects in a way reportlab_compat cannot write")
    xref = PDFCrossReferenceTable()
    xref.addsection(0, ids)
    start = output.add(xref.format(document))
    output.add(PDFTrailer(startxref=start, Size=len(numbers) + 1,
                          Root=document.Reference(catalog), Info=document.Reference(info),
                          Encrypt=encrypt, ID=document.ID()).format(document))


def _indirect_object_formatter(document: Any) -> Callable[[str, Any], bytes]:
    """How each numbered object is written: by `_ObjectFormatter`, or by reportlab's own
    `PDFIndirectObject.format` where that formatter does not promise the same bytes
    (an encrypted document, reportlab's comment or one-entry-a-line options)."""
    if (isinstance(document.encrypt, NoEncryption) and not rl_config.pdfComments
            and not rl_config.pdfMultiLine):
        formatter = _ObjectFormatter(document)
        numbers = document.idToObjectNumberAndVersion

        def formatted(oid: str, content: Any) -> bytes:
            number, version = numbers[oid]
            body = formatter(content, toplevel=True)
            return (b"%d %d obj\n" % (number, version) + body
                    + (b"" if body.endswith(b"\n") else b"\n") + b"endobj\n")

        return formatted
    return lambda oid, content: bytes(PDFIndirectObject(oid, content).format(document))


class _ObjectFormatter:
    """reportlab's object formatting (`pdfdoc.format` and the `format` methods of the
    objects a report's PDF is made of, reportlab 5.1), giving the same bytes with less
    work per object.

    reportlab formats every dictionary key through `PDFName`, a character loop, and
    every name and number through its Python `extpdfdoc` codec, again for each of the
    tens of thousands of pages, links and outline entries of a long report: here each
    distinct name or string is encoded once per save. The classes handled, by exact
    type, are the ones a report's PDF holds; any other object (a string, a font, an
    image, a subclass) is formatted by reportlab itself. Relies on those classes'
    undocumented attributes (`dict`, `sequence`, `multiline`, `__RefOnly__`, a page's
    `__Defaults__`, `__NoDefault__` and `__Refs__`, a stream's `dictionary`, `content`
    and `filters`, a destination's `fmt` and `page`, an annotation's `Dict`);
    tests/exporters/pdf/test_reportlab_compat.py compares every object of a built
    document with reportlab's own formatting, byte for byte.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self.numbers: dict[str, tuple[int, int]] = document.idToObjectNumberAndVersion
        self.names: dict[str, bytes] = {}
        self.encoded: dict[str, bytes] = {}
        self.by_type: dict[type, Callable[[Any], bytes]] = {
            PDFDictionary: self.dictionary, PDFArray: self.array,
            PDFArrayCompact: self.array, PDFObjectReference: self.reference,
            str: self.text, int: self.number, float: self.number, bytes: bytes,
            LinkAnnotation: self.annotation, OutlineEntryObject: self.outline_entry,
            Destination: self.destination, PDFDestinationXYZ: self.destination_xyz,
            PDFResourceDictionary: self.resources, PDFCatalog: self.catalog,
            PDFPages: self.catalog, PDFPage: self.catalog, PDFStream: self.stream,
            PDFFormXObject: self.form,
        }

    def __call__(self, element: Any, toplevel: bool = False) -> bytes:
        handler = self.by_type.get(type(element))
        if handler is None:
            return bytes(pdfdoc_format(element, self.document, toplevel))
        if not toplevel and isinstance(element, PDFObject) and hasattr(element, "__RefOnly__"):
            # An object that must stand on its own is written where it is used as a
            # reference to it, as reportlab does.
            return self.reference(self.document.Reference(element))
        return handler(element)

    def text(self, element: str) -> bytes:
        encoded = self.encoded.get(element)
        if encoded is None:
            encoded = pdfdocEnc(element)
            if len(element) <= _LONGEST_STRING_KEPT and len(self.encoded) < _MOST_STRINGS_KEPT:
                self.encoded[element] = encoded
        return encoded

    def name(self, key: str) -> bytes:
        encoded = self.names.get(key)
        if encoded is None:
            encoded = self.names[key] = pdfdocEnc(PDFName(key))
        return encoded

    def number(self, element: float) -> bytes:
        written: str = fp_str(element)
        return written.encode("latin-1")

    def reference(self, element: Any) -> bytes:
        try:
            return b"%d %d R" % self.numbers[element.name]
        except KeyError:
            raise KeyError(f"forward reference to {element.name!r} not resolved upon "
                           "final formatting") from None

    def dictionary(self, element: Any) -> bytes:
        return self.entries(element.dict, element.multiline == "forced")

    def entries(self, entries: dict[str, Any], one_per_line: bool = False) -> bytes:
        keys = list(entries)
        if not isinstance(entries, OrderedDict):
            keys.sort()
        lines = [self.name(key) + b" " + self(entries[key]) for key in keys]
        if one_per_line:
            return b"<<\n" + b"\n ".join(lines) + b"\n>>"
        for i in reversed(range(6, len(lines), 6)):  # a line break every six entries
            lines.insert(i, b"\n ")
        return b"<<\n" + b" ".join(lines) + b"\n>>"

    def array(self, element: Any) -> bytes:
        items = [self(item) for item in element.sequence]
        if element.multiline == "forced":
            return b"[ " + b"\n ".join(items) + b" ]"
        for i in reversed(range(10, len(items), 10)):  # a line break every ten items
            items.insert(i, b"\n ")
        return b"[ " + b" ".join(items) + b" ]"

    def annotation(self, element: Any) -> bytes:
        return self.dictionary(element.Dict())

    def outline_entry(self, element: Any) -> bytes:
        entries = {"Title": PDFString(element.Title), "Parent": element.Parent,
                   "Dest": element.Dest}
        for key in ("Prev", "Next", "First", "Last", "Count"):
            value = getattr(element, key)
            if value is not None:
                entries[key] = value
        return self.entries(entries)

    def destination(self, element: Any) -> bytes:
        kind, page = element.fmt, element.page
        if kind is None or page is None:  # reportlab's own message
            return bytes(element.format(self.document))
        kind.page = page
        return self(kind, toplevel=True)  # formatted itself, as reportlab does

    def destination_xyz(self, element: Any) -> bytes:
        return self.array(PDFArray([self.document.Reference(element.page),
                                    PDFName(element.typename), element.left, element.top,
                                    element.zoom]))

    def resources(self, element: Any) -> bytes:
        entries: dict[str, Any] = {}
        for key in element.dict_attributes:
            value = getattr(element, key)
            if not isinstance(value, dict):
                entries[key] = value
            elif value:
                entries[key] = PDFDictionary(value)
        procedures = element.ProcSet
        if not isSeq(procedures):
            entries["ProcSet"] = procedures
        elif procedures:
            entries["ProcSet"] = PDFArray(procedures)
        return self.entries(entries)

    def catalog(self, element: Any) -> bytes:
        element.check_format(self.document)
        entries = {}
        for key, default in element.__Defaults__.items():
            value = getattr(element, key, default)
            if value is not None:
                entries[key] = value
        for key in element.__NoDefault__:
            value = getattr(element, key, None)
            if value is not None:
                entries[key] = value
        for key in element.__Refs__:
            if key in entries:
                entries[key] = self.document.Reference(entries[key])
        return self.entries(entries)

    def stream(self, element: Any) -> bytes:
        entries = dict(element.dictionary.dict)
        content = element.content
        if content is None:
            raise ValueError("stream content not set")
        filters = element.filters
        if filters is None:
            filters = self.document.defaultStreamFilters
        if filters is not None and "Filter" not in entries:
            names: list[str] = []
            for kind in reversed(list(filters)):
                content = kind.encode(content)
                names.insert(0, PDFName(kind.pdfname))
            entries["Filter"] = PDFArray(names)
        content = self.document.encrypt.encode(content)
        body = self(content)
        entries["Length"] = len(content)
        return self.entries(entries) + b"\nstream\n" + body + b"endstream\n"

    def form(self, element: Any) -> bytes:
        """`PDFFormXObject.format`, which sets the form's box, stream and resources."""
        if element.Annots:
            return bytes(element.format(self.document))  # reportlab's own refusal
        element.Annots = None
        element.BBox = element.BBox or PDFArray([element.lowerx, element.lowery,
                                                 element.upperx, element.uppery])
        element.Matrix = element.Matrix or PDFArray([1, 0, 0, 1, 0, 0])
        if not element.Contents:
            if not element.stream:
                return bytes(element.format(self.document))  # reportlab's test stream
            contents = PDFStream()
            contents.content = element.stream
            contents.__Comment__ = "xobject form stream"
            element.Contents = contents
        if not element.Resources:
            resources = PDFResourceDictionary()
            resources.basicFonts()
            if element.hasImages:
                resources.allProcs()
            else:
                resources.basicProcs()
            if element.XObjects:
                resources.XObject = element.XObjects
            element.Resources = resources
        if element.compression:
            element.Contents.filters = ([PDFBase85Encode, PDFZCompress] if rl_config.useA85
                                        else [PDFZCompress])
        entries = element.Contents.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Form")
        entries["FormType"] = 1
        entries["BBox"] = element.BBox
        entries["Matrix"] = element.Matrix
        entries["Resources"] = element.Resources
        return self(element.Contents, toplevel=True)


#: Distinct strings an object formatter keeps encoded, at most (names and the like
#: repeat; a long report's many distinct strings need not all be kept).
_MOST_STRINGS_KEPT = 10_000
#: The longest string kept: names and numbers repeat, a stream given as text does not.
_LONGEST_STRING_KEPT = 64


def set_annotation_entries(annotation: Any, struct_parent: int, contents: str) -> None:
    """Give an annotation a `StructParent` and `Contents`. A LinkAnnotation writes only
    the keys in its `permitted` tuple, taken from its `otherkw` dict: both are
    undocumented; other annotations are PDF dictionaries."""
    if isinstance(annotation, LinkAnnotation):
        annotation.permitted = (*annotation.permitted, "StructParent")
        annotation.otherkw["StructParent"] = struct_parent
        annotation.Contents = contents
    else:
        annotation["StructParent"] = struct_parent
        annotation["Contents"] = PDFString(contents)


def set_page_entries(document: Any, entries: Callable[[int], dict[str, Any]]) -> None:
    """Add `entries(index)` to each page's dictionary. A PDFPage writes only the keys in
    its class's `__NoDefault__` list (undocumented), and the document's pages are its
    private `Pages.pages`; reportlab has no API for page dictionary entries."""
    for index, page in enumerate(document.Pages.pages):
        added = entries(index)
        page.__NoDefault__ = [*PDFPage.__NoDefault__, *added]
        for key, value in added.items():
            setattr(page, key, value)


def page_name(name: str) -> Any:
    """A PDF name object, for a page entry (`pdfdoc.PDFName`)."""
    return PDFName(name)


def compress_last_page(document: Any) -> None:
    """Replace the last shown page's operators (text) by their compressed stream.

    reportlab keeps every page's operators as text until the document is saved, and
    only then compresses (and ASCII85-encodes) them: for a long report that text is
    the largest thing held while pages are laid out. This writes the page's private
    `stream` into its `Contents` as a FlateDecode stream, as soon as the page is
    shown: the same operators, a fifth of the memory. No public API does this.
    """
    page = document.Pages.pages[-1]
    operators = page.stream
    if isinstance(operators, str):
        operators = operators.encode("latin-1")
    page.Contents = PDFStream(PDFDictionary({"Filter": PDFName("FlateDecode")}),
                              zlib.compress(operators))
    page.stream = None


@dataclass(frozen=True)
class WrittenDocument:
    """What a saved document's objects are numbered, to append an update to its file.

    reportlab numbers objects when it writes them; their numbers come from the
    document's private `Reference` table, its `Pages.pages`, `Catalog` and `info`.
    """

    page_references: list[bytes]  # "N 0 R" of each page, in order
    catalog_number: int
    info_number: int
    catalog: bytes  # the catalog dictionary as written

    @classmethod
    def of(cls, document: Any) -> WrittenDocument:
        def number(obj: Any) -> int:
            return int(document.Reference(obj).format(document).split()[0])

        return cls([b"%d 0 R" % number(page) for page in document.Pages.pages],
                   number(document.Catalog), number(document.info),
                   document.Catalog.format(document))


def producer_of(document: Any) -> str:
    """The Producer reportlab writes in the information dictionary (the document's
    undocumented `info.producer`), for the XMP metadata to say the same."""
    producer: str = document.info.producer
    return producer


def pdf_string(document: Any, text: str) -> bytes:
    """`text` as a PDF string in `document` (reportlab's `PDFString.format`)."""
    written: bytes = PDFString(text).format(document)
    return written


def pdf_object_reference(document: Any, reference: Any) -> bytes:
    """An object reference reportlab made ("N 0 R"), as written (`format`)."""
    written: bytes = reference.format(document)
    return written


@dataclass(frozen=True)
class Trailer:
    """What the trailer reportlab wrote says."""

    size: int
    xref: int  # where the last cross-reference table starts
    id: bytes  # the file identifier, as written


def written_trailer(pdf: Any) -> Trailer:
    """Read the trailer of the file reportlab just saved: it writes a classic trailer
    (no cross-reference stream) with /Size and /ID in the file's last 2 KiB. That is
    its behaviour, not an API: the object count is not exposed."""
    pdf.seek(0, 2)
    length = pdf.tell()
    pdf.seek(max(0, length - 2048))
    tail = pdf.read()
    start = tail.rindex(b"trailer")
    size = re.search(rb"/Size (\d+)", tail[start:])
    ids = re.search(rb"/ID\s*(\[[^\]]*\])", tail[start:])
    xref = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
    if not (size and ids and xref):
        raise RuntimeError("reportlab wrote a trailer reportlab_compat cannot read")
    return Trailer(int(size[1]), int(xref[1]), ids[1])


# --- platypus: frames, groups, tables, paragraphs ------------------------------------


class FootedFrame(Frame):
    """A Frame whose foot (the lowest point its content may reach) a subclass moves.

    Frame keeps its geometry in private attributes and has no API to reserve room
    at its foot: `_y1p` is the foot `Frame._add` checks a flowable against, `_y` the
    cursor, `_aW`/`_aH` the room, `_atTop` whether nothing is placed yet,
    `_oASpace`/`_prevASpace` how spaces collapse, and `_reset` begins each page.
    """

    def page_begun(self) -> None:
        """At each new page (the frame's `_reset`): a subclass may reserve its foot."""

    def _reset(self) -> None:
        super()._reset()
        self.page_begun()

    def base(self) -> float:
        """The frame's foot with nothing reserved (`_y1 + _bottomPadding`)."""
        base: float = self._y1 + self._bottomPadding
        return base

    def set_foot(self, y: float) -> None:
        self._y1p = y

    def foot(self) -> float:
        foot: float = self._y1p
        return foot

    def room(self) -> tuple[float, float]:
        """The frame's width and height for content (`_aW`, `_aH`)."""
        return self._aW, self._aH

    def content_left(self) -> float:
        left: float = self._x1 + self._leftPadding
        return left

    def at_top(self) -> bool:
        return bool(self._atTop)

    def cursor(self) -> float:
        """Where the next flowable's top goes (`_y`)."""
        y: float = self._y
        return y

    def available_width(self) -> float:
        width: float = self._getAvailableWidth()
        return width

    def space_before(self, flowable: Any) -> float:
        """The space `Frame._add` leaves above `flowable`: none at the frame's top, else
        its space before less the space after the one above (when spaces overlap)."""
        if self._atTop:
            return 0.0
        before: float = flowable.getSpaceBefore()
        if self._oASpace:
            before = max(before - self._prevASpace, 0)
        return before


def space_above_in_frame(flowable: Any) -> float:
    """The space the frame left above `flowable` while drawing it, after the one before it
    (as Frame._add computes it); none at the top of a frame. Reads the frame `Frame._add`
    sets on the flowable (`_frame`) and its private `_atTop`, `_oASpace`, `_prevASpace`."""
    frame = getattr(flowable, "_frame", None)
    if frame is None or frame._atTop:
        return 0.0
    before: float = flowable.getSpaceBefore()
    if frame._oASpace:
        collapsed: float = frame._prevASpace + max(before - frame._prevASpace, 0)
        return collapsed
    return before


def forget_postponed(flowable: Any) -> None:
    """Clear the private `_postponed` mark the doc template sets on a flowable it moved
    to the next page (a copy of one would carry it and be taken as moved twice)."""
    flowable.__dict__.pop("_postponed", None)


def count_page_as_filled(document: Any) -> None:
    """Tell the doc template the current page holds a flowable (its private
    `_curPageFlowableCount`): it halts after ten pages it takes for empty, and a page
    of notes alone is not empty."""
    document._curPageFlowableCount += 1


def row_heights(table: Table) -> list[float]:
    """A wrapped table's row heights (its private `_rowHeights`; no public accessor)."""
    heights: list[float] = table._rowHeights
    return heights


def table_rows(table: Table) -> list[list[Any]]:
    """A table's rows of cells (its private `_cellvalues`), which a split part holds:
    the rows a row split between its lines leaves for the next page are new cells."""
    rows: list[list[Any]] = table._cellvalues
    return rows


def given_row_heights(table: Table) -> list[float | None]:
    """The row heights a table was made with (its private `_argH`): a split part is made
    with the heights its rows had, and a row split between its lines keeps, on the next
    page, a height of its own (at least its first part's, not only its cells')."""
    heights: list[float | None] = table._argH
    return heights


class LenientKeepTogether(KeepTogether):
    """reportlab's group kept together, which can ask less than its content's height.

    KeepTogether.wrap stores the height it needs in the private `_H`, which its
    `split` compares with the room; `slack()` is taken from it.
    """

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        size: tuple[float, float] = super().wrap(aW, aH)
        self._H -= groups_height_excess(self.kept())
        self._H -= self.slack()
        return size

    #: How many flowables kept with the next one were moved in at its start
    #: (kept_runs_folded): a heading, an anchor.
    folded = 0

    def slack(self) -> float:
        return 0.0

    def folded_height(self) -> float:
        """The height of the flowables moved in at its start, at the width of its last wrap
        (the private `_wrapInfo`)."""
        width = self._wrapInfo[0]
        height: float = sum(flowable.wrap(width, 0xFFFFFF)[1] + flowable.getSpaceAfter()
                            for flowable in self.kept()[:self.folded])
        return height

    def whole_height(self) -> float:
        """The height of the group's flowables as its last wrap measured them (the private
        `_H`): inside `slack()`, before the slack is taken from it."""
        height: float = self._H
        return height

    def kept(self) -> list[Any]:
        """The group's flowables (its private `_content`)."""
        content: list[Any] = self._content
        return content


#: The height a group (KeepTogether) answers its wrap with, whatever its content's:
#: "too tall, split me", so that the frame always lays out its content.
GROUP_WRAP_HEIGHT = 0xFFFFFF


def group_content_height(group: KeepTogether) -> float:
    """The height a group's content needs, as its last wrap measured it (its private `_H`,
    which KeepTogether.split compares with the room)."""
    height: float = group._H
    return height


def groups_height_excess(flowables: list[Any]) -> float:
    """How much more than their content's height the groups among `flowables` (a figure
    in a callout's box) answered their last wraps with: GROUP_WRAP_HEIGHT each. A group
    holding groups that counts them so never fits a page, and is never kept together."""
    return sum(GROUP_WRAP_HEIGHT - group_content_height(kept) for kept in flowables
               if isinstance(kept, KeepTogether) and hasattr(kept, "_H"))


def kept_runs_folded(story: Iterable[Any]) -> Iterator[Any]:
    """`story` with each run of flowables kept with the next one (a heading, a listed
    figure's anchor) moved into the group it stands before (a callout's box, a figure
    with its caption), at the group's start: the group moves to the next page with them.

    reportlab keeps such a run only with a flowable that is no group itself (doctemplate's
    `_ktAllow` refuses a KeepTogether), so a heading stood alone at a page's foot when
    the box after it went to the next page. The group's flowables are its `_content`."""
    run: list[Any] = []
    for flowable in story:
        if flowable.getKeepWithNext() and not isinstance(flowable, KeepTogether):
            run.append(flowable)
            continue
        if run and isinstance(flowable, KeepTogether):
            flowable._content[:0] = run
            if isinstance(flowable, LenientKeepTogether):
                flowable.folded = len(run)
        else:
            yield from run
        run = []
        yield flowable
    yield from run


class ConsumedStory(list[Any]):
    """A story made as layout consumes it, rather than all before.

    `BaseDocTemplate.build` (reportlab 5.1) takes its flowables from the front of
    the list it is given (`del flowables[0]`, `del flowables[:i]` once it has grouped
    a heading with what follows), puts split parts back at the front, and looks
    ahead only along a run of flowables kept with the next (`handle_keepWithNext`).
    This list tops itself up from `made` after each deletion, keeping between
    `ahead` and twice as many flowables made: a long report's flowables are not all
    held at once. That is reportlab's behaviour, not an API.
    """

    def __init__(self, made: Iterator[Any], ahead: int = 256) -> None:
        super().__init__()
        self._made, self._ahead = made, ahead
        self._top_up()

    def _top_up(self) -> None:
        if len(self) < self._ahead:
            self.extend(itertools.islice(self._made, 2 * self._ahead - len(self)))

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._top_up()


def use_keep_together_class(document: Any, kind: type[KeepTogether]) -> None:
    """Make the doc template group flowables kept with the next one (keepWithNext) as
    `kind`: its `keepTogetherClass` attribute, undocumented."""
    document.keepTogetherClass = kind


def contained_flowables(item: Any) -> Iterator[Any]:
    """The flowables inside a container: a table's cells (private `_cellvalues`), a
    group's (`_content`), a list's (`_flowables`) or a list item's (`_flowable`)."""
    if isinstance(item, Table):
        for row in item._cellvalues:
            yield from row
        return
    for attribute in ("_flowables", "_content", "_flowable"):
        found = getattr(item, attribute, None)
        if found is not None:
            yield found


def paragraph_fragments(paragraph: Paragraph) -> list[Any]:
    """A paragraph's fragments: each with its `text` and `fontName`; once split, laid-out
    words (`[width, (fragment, text), ...]`) or parts holding `words`. The parsed
    `frags` attribute is undocumented; there is no public view of a paragraph's text runs."""
    fragments: list[Any] = paragraph.frags
    return fragments


def plain_text_fragments(text: str, style: Any) -> tuple[str, list[Any]] | None:
    """The text and fragments reportlab's parser makes of `text` when it holds no markup
    (no `<`, no `&`): a heading, a contents entry, a plain paragraph or table cell.
    None for any other text, which `Paragraph` is left to parse.

    `Paragraph` parses every text with an HTMLParser made for it, the same for plain
    text as for markup. Plain text parses to one fragment that differs from another
    style's only by the text: that fragment is parsed once for the style's font, size
    and colour (by reportlab, from a probe) and copied (its `__dict__`) with the text,
    which `cleanBlockQuotedText` cleans as `Paragraph` does. It is given as
    `Paragraph`'s documented `frags` argument; the fragment's attributes are not.
    """
    if "<" in text or "&" in text or getattr(style, "textTransform", None):
        return None
    cleaned = text if _is_clean(text) else cleanBlockQuotedText(text)
    if not cleaned:
        return None
    probe = _plain_fragment(style.fontName, ps2tt(style.fontName), style.fontSize,
                            style.textColor)
    # A copy of the probe's attributes (what `ABag.clone` copies, without the keyword
    # call that makes it four times as long), each fragment with its own lists, as each
    # paragraph's parse gives them.
    fragment = object.__new__(type(probe))
    fragment.__dict__.update(probe.__dict__)
    fragment.text, fragment.link, fragment.us_lines = cleaned, [], []
    return cleaned, [fragment]


_ZERO_WIDTH_SPACE = "\u200b"


def _is_clean(text: str) -> bool:
    """Whether `cleanBlockQuotedText` would leave `text` as it is: its words are parted by
    single spaces, and it neither starts nor ends with a space (nor a zero-width one, which
    reportlab strips from a line's ends). A no-break space fails the test: reportlab does
    not part words at one, where `str.split` does."""
    if text.isprintable():
        # No whitespace but the space (every other one is unprintable), nor a zero-width
        # space: clean unless two spaces meet or one stands at an end. One pass in C,
        # where splitting and joining the text made a string of each of its words.
        return "  " not in text and text[:1] != " " and text[-1:] != " "
    return text == " ".join(text.split()) and not (text.startswith(_ZERO_WIDTH_SPACE)
                                                   or text.endswith(_ZERO_WIDTH_SPACE))


@functools.lru_cache(maxsize=256)
def _plain_fragment(font: str, family: tuple[str, int, int], size: float,
                    colour: Any) -> Any:
    """reportlab's fragment of a plain text in a style of this font (mapped to `family`,
    bold, italic, which registering a family may change), size and colour."""
    probe = Paragraph("x", ParagraphStyle("probe", fontName=font, fontSize=size,
                                          textColor=colour))
    fragments: list[Any] = probe.frags
    if len(fragments) != 1 or fragments[0].text != "x":
        raise RuntimeError("reportlab parsed a plain text in a way reportlab_compat "
                           "does not know")
    return fragments[0]


def laid_out_lines(paragraph: Paragraph) -> list[Any]:
    """The lines of a wrapped paragraph (`blPara.lines`, undocumented): for plain text
    `(extra space, [words])` tuples, else objects with `words` (fragments with `text`,
    or a callback's `cbDefn`). Replacing an item changes what is drawn."""
    lines: list[Any] = paragraph.blPara.lines
    return lines


# --- images --------------------------------------------------------------------------


class ContentNamedFile(str):
    """A picture's file name that reportlab opens as it stands but names the image by.

    `Canvas.drawImage` names an image given by file name after the digest of
    `'%s%s' % (image, mask)`, and that name is written into the PDF: the same source
    built from another working folder (or another checkout) gave other bytes. `%s`
    calls `__str__`, which here gives `key` (a digest of the file's bytes); opening
    the file uses the string's own value, the path.
    """

    key: str

    def __new__(cls, path: str, key: str) -> ContentNamedFile:
        named = super().__new__(cls, path)
        named.key = key
        return named

    def __str__(self) -> str:
        return self.key
