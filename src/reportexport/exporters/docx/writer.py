"""Writing the Word edition.

python-docx sets up the package, styles, settings, header and footer; the body
is written as WordprocessingML text (wml.py makes every element of it) and put
into the saved document part where python-docx left a placeholder. python-docx's
object layer makes a proxy object per paragraph and run, and even a parsed tree
of a book-length body is several times its text's size (benchmarks/README.md,
DOCX at 1000x).
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, assert_never

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from lxml import etree

from reportexport.exporters.docx import pythondocx_compat as compat
from reportexport.exporters.docx import wml
from reportexport.exporters.docx.customprops import set_custom_properties
from reportexport.exporters.docx.fontembedding import (
    EmbeddedFace,
    embed_fonts,
    release_template_fonts,
    subset_fonts,
)
from reportexport.exporters.docx.footnotes import add_footnote, new_footnotes_part
from reportexport.exporters.docx.numbering import NestedNumbering, next_num_id
from reportexport.exporters.docx.ordering import insert_in_order
from reportexport.exporters.docx.styles import (
    dressed_styles,
    ensure_styles,
    set_language,
    space_before,
)
from reportexport.exporters.docx.styletable import TOC_LEVELS
from reportexport.exporters.docx.svgfallback import fallback_png
from reportexport.exporters.docx.template import adopt, checked_template
from reportexport.frontend import Anchor, BlockList, Document
from reportexport.labels import PROPERTY_PREFIX, colon, page_of
from reportexport.model import (
    Block,
    BulletList,
    Callout,
    CrossReference,
    DefinitionList,
    Emphasis,
    Figure,
    Inline,
    Inlines,
    Link,
    Logo,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Strong,
    SubList,
    Table,
    Text,
    block_features,
    plain,
)
from reportexport.source import svgimages
from reportexport.source.images import edition_image
from reportexport.source.problems import ExportError
from reportexport.support.timestamps import build_time
from reportexport.support.zipfiles import ArchiveBuffer, rewrite_zip
from reportexport.theme import FontFamily, Theme
from reportexport.typography.fontruns import chain, font_runs
from reportexport.typography.sizing import LEAST_DPI, figure_size
from reportexport.typography.tablefit import (
    CALLOUT_CELL_MARGINS,
    TablePlan,
    TableTooWide,
    plan,
)

# Children of w:settings that must follow w:updateFields (ECMA-376 CT_Settings order).
_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator",
}
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template"


def _table_plan(table: Table, theme: Theme, text_width: int) -> TablePlan:
    """The PDF's plan for `table`, its header words measured in the heading family and
    in the body's: Word sets the header row in the first (the table style's first row),
    LibreOffice, which does not apply that, in the second. When the body's would not
    fit, the heading family's plan (the one `validate` checked) it is."""
    try:
        return plan(table, theme, text_width / 20, (theme.heading_font, theme.body_font))
    except TableTooWide:
        return plan(table, theme, text_width / 20)


#: Direct formatting for a character style that a run cannot also carry (a run
#: has one w:rStyle: emphasis inside a link keeps the link's style, and italics).
_DIRECT = {"Emphasis": wml.ITALIC, "Strong": wml.BOLD}
#: Word's names for the languages fontruns gives runs.
_WORD_LANGUAGES = {"km": "km-KH", "th": "th-TH", "lo": "lo-LA", "my": "my-MM"}


def _text_runs(text: str, family: FontFamily, style: str = "", direct: str = "") -> str:
    """`text` as runs; a run in a fallback's script names that font and its language,
    so that Word and LibreOffice choose, shape and break it as that language."""
    out = []
    for run in font_runs(text, family):
        fonts = wml.fonts(chain(family)[run.font].family) if run.font else ""
        language = (wml.language(_WORD_LANGUAGES.get(run.language, run.language))
                    if run.language else "")
        out.append(wml.text_run(run.text, style + fonts + direct + language))
    return "".join(out)


#: The numbering instance (w:numId) of the n-th numbered list; None: the style's own.
ListNumbering = Callable[[int], str | None]
#: Twips a callout's box takes from the width of what it holds: its cell's margins (as
#: tablefit measures the box's tables).
CALLOUT_MARGINS = round(CALLOUT_CELL_MARGINS * 20)
#: A table row of more lines than this (estimated) may break across pages; a shorter
#: one is kept on one page (cantSplit). A row taller than a page must break.
KEPT_ROW_LINES = 12
#: The title page's logo: its box (points), as the PDF's cover sets it (40 x 14 mm).
LOGO_WIDTH_PT, LOGO_HEIGHT_PT = 40 * 72 / 25.4, 14 * 72 / 25.4
#: Where the body's text goes in the saved document part (see `_splice_body`).
_BODY_PLACEHOLDER = "reportexport: the body"


class _Body:
    """The body's WordprocessingML, written as UTF-8 text."""

    def __init__(self, ids: dict[str, str], list_numbering: ListNumbering, document: Any,
                 bookmarks: dict[str, str], family: FontFamily,
                 header_family: FontFamily) -> None:
        self.ids = ids
        self.family = family  # the body's: its fallbacks set the text of other scripts
        self.header_family = header_family  # a table's header row: the heading font's
        self.document = document
        self.bookmarks = bookmarks
        self._links: dict[tuple[int, str], str] = {}  # (part, URL) -> relationship id
        self._link_part = compat.document_part(document)  # where links' relationships go
        self.cell_size = 9.0  # points: the table style's text size, set by write_docx
        #: twips after a figure's caption, which ends the figure's group: more than the
        #: Caption style's (a table's caption, kept with its table), set by write_docx
        self.after_figure = 0
        #: twips a table with no note leaves before what follows it: the theme's space
        #: after a paragraph, as the PDF leaves (set by write_docx)
        self.after_table = 0
        self._short_befores: dict[str, bool] = {}  # by style id: see _short_before
        self._run_size = ""  # a smaller size for every run, while a shrunk table is written
        self._xml = io.BytesIO()
        self.numbering = list_numbering
        self.nested = NestedNumbering(compat.numbering_element(document))
        self._numbered_lists = 0
        self.at_page_start = False  # nothing written since the last page break
        self._after_box = False  # the last thing written is a table (a callout's or not)
        self._space_pending = False  # the last thing written is a table with no note under it

    def new_page(self) -> None:
        """A page break, unless the last thing written was one (no page left blank)."""
        if not self.at_page_start:
            self.page_break()

    def paragraph(self, style: str, content: Inlines, prefix: str = "",
                  family: FontFamily | None = None) -> None:
        runs = wml.text_run(prefix) if prefix else ""
        self.add(wml.paragraph(self.ids[style], runs + self.runs(content, family=family)))

    def runs(self, content: Inlines, styles: tuple[str, ...] = (),
             family: FontFamily | None = None) -> str:
        """Inline nodes as runs in Word's character styles, and hyperlinks; text in a
        script `family` (the body's unless said) lacks is set in its fallback."""
        family = family or self.family
        return "".join([self._run(node, styles, family) for node in content])

    def _run(self, node: Inline, styles: tuple[str, ...], family: FontFamily) -> str:
        """One inline node as runs: every kind of the model's, or a refusal (assert_never)."""
        match node:
            case Text():
                return _text_runs(node.text, family, *self._properties(styles))
            case Emphasis():
                return self.runs(node.content, (*styles, "Emphasis"), family)
            case Strong():
                return self.runs(node.content, (*styles, "Strong"), family)
            case Link():
                return wml.link_to_relationship(self._relationship(node.url),
                                                self._link_runs(node.content, styles, family))
            case CrossReference():
                return wml.link_to_bookmark(self.bookmarks[node.target_id],
                                            self._link_runs(node.content, styles, family))
            case Note():
                return wml.footnote_reference(self.ids["footnote reference"], node.number)
            case _:
                assert_never(node)

    def _link_runs(self, content: Inlines, styles: tuple[str, ...],
                   family: FontFamily) -> str:
        """A link's text, in the Hyperlink style."""
        return self.runs(content, (*styles, "Hyperlink"), family)

    def _properties(self, styles: tuple[str, ...]) -> tuple[str, str]:
        """The character style and the direct formatting for nested `styles` (and the
        size of a shrunk table's text)."""
        if not styles:
            return "", self._run_size
        chosen = "Hyperlink" if "Hyperlink" in styles else styles[-1]
        direct = "".join(dict.fromkeys(_DIRECT[s] for s in styles if s != chosen))
        return wml.character_style(self.ids[chosen]), direct + self._run_size

    def _relationship(self, url: str) -> str:
        key = (id(self._link_part), url)
        if key not in self._links:
            self._links[key] = compat.relate_external(self._link_part, url)
        return self._links[key]

    def footnotes(self, notes: list[Note]) -> None:
        """Real Word footnotes for the body's `notes`, numbered as in the source."""
        if not notes:
            return
        part = new_footnotes_part(self.document)
        self._link_part = part  # a link in a note is a relationship of the footnotes part
        number = wml.footnote_number(self.ids["footnote reference"])
        for note in notes:
            add_footnote(part, note.number, wml.paragraph(
                self.ids["footnote text"],
                number + wml.text_run(" ") + self.runs(note.content)))
        self._link_part = compat.document_part(self.document)

    def add(self, xml: str) -> None:
        style_id = wml.paragraph_style(xml) if self._space_pending else None
        if style_id is not None and self._short_before(style_id):
            xml = wml.with_space_before(xml, self.after_table)
        self._xml.write(xml.encode())
        self.at_page_start = False
        self._after_box = self._space_pending = False

    def _short_before(self, style_id: str) -> bool:
        """Whether a paragraph in style `style_id` right after a table (with no note) needs
        space of its own before it: Word has no space after a table (short of floating it,
        which stops it breaking across pages), so such a paragraph whose style leaves
        less than the theme's space after a paragraph is given that much (a heading's,
        a caption's do, and carry no direct formatting), as the PDF leaves."""
        if style_id not in self._short_befores:
            self._short_befores[style_id] = (space_before(self.document, style_id)
                                             < self.after_table)
        return self._short_befores[style_id]

    def callout(self, callout: Callout, text_width: int,
                write_block: Callable[[Block], None]) -> None:
        """A one-cell table in the Callout Box style: its title (Callout Title), then its
        blocks, written in the cell as in the body."""
        # Word joins two tables with nothing between them: a paragraph parts them, which
        # is space enough after a table (no more is put before the box's first paragraph).
        parted, self._space_pending = self._after_box, False
        body, self._xml = self._xml, io.BytesIO()
        if callout.title is not None:
            self.paragraph("Callout Title", callout.title)
        for block in callout.blocks:
            write_block(block)
        inner = self._xml.getvalue().decode()
        self._xml, self._space_pending = body, False  # the cell's end is no paragraph
        if not inner.endswith("</w:p>"):  # a cell ends with a paragraph
            inner += wml.cell_closing_paragraph(self.ids["Normal"])
        if parted:
            self.add(wml.paragraph(self.ids["Normal"], ""))
        self.add(wml.table(wml.table_properties(self.ids["Callout Box"], None), [text_width],
                           wml.table_row(wml.table_cell(inner, text_width), header=False,
                                         kept=False)))
        self._after_box = self._space_pending = True  # a table: the same space after it

    def xml(self) -> bytes:
        """The body written so far: w:body's content, in the w and r prefixes."""
        return self._xml.getvalue()

    def page_break(self) -> None:
        self.add(wml.page_break())
        self.at_page_start = True

    def section_break(self, xml: str) -> None:
        """A Word section's end, which starts a page: in place of a page break just
        written (with both, the page between them would be blank)."""
        if self.at_page_start:
            self._xml.seek(-len(wml.page_break().encode()), io.SEEK_END)
            self._xml.truncate()
        self.add(xml)
        self.at_page_start = True

    def caption(self, block: Table | Figure) -> None:
        """'Table 3. …' in Word's Caption style, the number a SEQ field Word can renumber."""
        caption = Document.caption(block)
        # The SEQ field's identifier is Word's name for the kind ("Table", which the
        # lists' TOC fields collect by), whatever word the label prints.
        kind = "Table" if isinstance(block, Table) else "Figure"
        runs = (wml.text_run(block.word + " ")
                + wml.field(f"SEQ {kind} \\* ARABIC", wml.text_run(str(block.number))))
        if caption.content is not None:
            runs += wml.text_run(". ") + self.runs(caption.content)
        mark = self.bookmarks.get(block.id or listed_key(block))
        if mark is not None:  # what cross-references and the lists lead to
            mark_id = int(mark.removeprefix("_Ref"))  # unique: after the headings' numbers
            runs = wml.bookmarked(mark_id, mark, runs)
        # The Caption style keeps a table's caption with the table it heads; a figure's
        # caption follows its picture and ends the group: kept with whatever came next,
        # a picture near the foot of a page went over with its caption and left the rest
        # of the page empty.
        self.add(wml.paragraph(self.ids["Caption"], runs,
                               wml.NOT_KEPT_WITH_NEXT + wml.spacing_after(self.after_figure)
                               if isinstance(block, Figure) else ""))

    def table(self, table: Table, text_width: int, fit: TablePlan) -> None:
        """A real Word table: the theme's table style, a header row repeated on every page,
        its columns as tablefit plans them for the PDF (no header word is broken), and
        its text smaller, as in the PDF, when the table needs it to fit."""
        self.caption(table)
        widths = [round(width * 20) for width in fit.widths]  # twips
        # Characters stand in for the text's width (about 0.6 of the font size each, in
        # twips), to tell a long row from a short one.
        twips = self.cell_size * 20 * 0.62
        padding = None
        if fit.size < fit.base:
            half_points = max(2, math.floor(self.cell_size * fit.size / fit.base * 2))
            self._run_size = wml.size(half_points)
            padding = round(fit.padding * 20)
        mark = wml.mark_properties(self._run_size) if self._run_size else ""

        def lines(cells: tuple[Inlines, ...]) -> float:
            """About how many lines the row's tallest cell takes."""
            return max(len(plain(cell)) * twips / max(width - 300, twips)
                       for cell, width in zip(cells, widths, strict=True))

        text_style = self.ids["Table Text"]

        def row(cells: tuple[Inlines, ...], header: bool, keep: str = "") -> str:
            # Widths once, in the header row (the grid holds them too), and alignment only
            # where it is not the default: long tables are many cells. A short row is
            # kept on one page; a long one may break across pages, as a paragraph does.
            family = self.header_family if header else None
            return wml.table_row("".join(
                wml.table_cell(wml.paragraph(
                    text_style, self.runs(cell, family=family),
                    keep + (wml.justified(align) if align != "left" else "") + mark),
                    width if header else None)
                for cell, align, width in zip(cells, table.align, widths, strict=True)
            ), header=header, kept=header or lines(cells) <= KEPT_ROW_LINES)

        last_row = len(table.rows) - 1
        self.add(wml.table(
            wml.table_properties(self.ids["Report Table"], padding), widths,
            row(table.columns, header=True)
            + "".join(row(cells, header=False,
                          # The last row is kept with the note under the table.
                          keep=wml.KEPT_WITH_NEXT if table.note and i == last_row else "")
                      for i, cells in enumerate(table.rows))))
        self._run_size = ""
        if table.note is not None:
            self.paragraph("Table Note", table.note)
        else:
            self._after_box = self._space_pending = True

    def figure(self, figure: Figure, text_width: int, text_height: int) -> None:
        """An inline picture with its description where Word's accessibility checker reads it
        (the drawing's descr), then its caption."""
        vector = figure.media_type == svgimages.MEDIA_TYPE
        width, height = figure_size(figure.width_px, figure.height_px, text_width / 20,
                                    text_height / 20,  # twips to points
                                    svgimages.CSS_PX_PER_INCH if vector else LEAST_DPI)
        # The bytes every edition embeds: python-docx takes a CMYK JPEG or 16-bit PNG as it
        # is (or fails on it), and Word would show such files unlike the other editions.
        # An SVG goes in as Word 2016 puts it: a PNG picture whose blip names the SVG.
        picture = (fallback_png(figure.image, self.family, self.header_family,
                                width, height) if vector
                   else edition_image(figure.image))
        inline = compat.new_picture_inline(self.document, io.BytesIO(picture),
                                           Pt(width), Pt(height))
        if vector:
            svg = compat.add_image_part(self.document, "/word/media/image%d.svg",
                                        svgimages.MEDIA_TYPE, edition_image(figure.image))
            inline.find(f".//{qn('a:blip')}").append(wml.svg_blip_extension(svg))
        inline.find(f"{qn('a:graphic')}/{qn('a:graphicData')}/{qn('pic:pic')}/"
                    f"{qn('pic:nvPicPr')}/{qn('pic:cNvPr')}").set("name", figure.image.name)
        properties = inline.find(qn("wp:docPr"))
        properties.set("id", str(1000 + figure.number))  # unique among the document's drawings
        properties.set("name", f"Figure {figure.number}")
        properties.set("descr", figure.alt)
        self.add(wml.paragraph(self.ids["Normal"], wml.drawing(inline), wml.KEPT_WITH_NEXT))
        self.caption(figure)

    def logo(self, logo: Logo, publisher: str) -> None:
        """The publisher's logo at the head of the title page, described by their name."""
        scale = min(LOGO_WIDTH_PT / logo.width_px, LOGO_HEIGHT_PT / logo.height_px)
        inline = compat.new_picture_inline(self.document, io.BytesIO(edition_image(logo.image)),
                                           Pt(logo.width_px * scale), Pt(logo.height_px * scale))
        properties = inline.find(qn("wp:docPr"))
        properties.set("id", "999")  # unique: figures' drawings are numbered from 1001
        properties.set("name", "Logo")
        properties.set("descr", publisher)
        self.add(wml.paragraph(self.ids["Normal"], wml.drawing(inline), wml.KEPT_WITH_NEXT))

    def add_list(self, block: SubList, level: int = 0) -> None:
        """A list's items in List Bullet or List Number, each followed by its own list's,
        at Word's level 1 or 2 (w:ilvl) of a numbering that has them."""
        numbered = isinstance(block, NumberedList)
        if level:
            extra = wml.numbered_item(self.nested.instance(numbered, level), level)
        elif numbered:
            self._numbered_lists += 1
            # Each list after the first restarts at 1 through its own numbering instance.
            num_id = self.numbering(self._numbered_lists)
            extra = wml.numbered_item(num_id) if num_id is not None else ""
        else:
            extra = ""
        style = self.ids["List Number" if numbered else "List Bullet"]
        for index, item in enumerate(block.items):
            self.add(wml.paragraph(style, self.runs(item), extra))
            sublist = block.sublist(index)
            if sublist is not None:
                self.add_list(sublist, level + 1)


def _list_numbering(document: Any, list_number_style_id: str) -> ListNumbering:
    """A function giving the numId for the n-th numbered list (None: the style's own)."""
    style = compat.style_by_id(document, list_number_style_id)
    num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}") if style is not None else None
    num_id_el = num_pr.find(qn("w:numId")) if num_pr is not None else None
    if num_id_el is None:
        return lambda n: None
    base_num = num_id_el.get(qn("w:val"))
    numbering = compat.numbering_element(document)
    abstract = None
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == base_num:
            abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    if abstract is None:
        return lambda n: None

    def num_for(n: int) -> str | None:
        if n == 1:
            return None
        num_id = next_num_id(numbering)  # nested lists' instances are made in between
        numbering.append(wml.element(
            "w:num", {"w:numId": num_id},
            wml.element("w:abstractNumId", {"w:val": abstract}),
            wml.element("w:lvlOverride", {"w:ilvl": "0"},
                        wml.element("w:startOverride", {"w:val": "1"}))))
        return num_id

    return num_for


def _toc(document: Document, ids: dict[str, str], bookmarks: dict[str, str],
         family: FontFamily) -> str:
    """A real TOC field, already filled with hyperlinked entries for viewers that never update.

    Word's pagination cannot be known here, so the prefilled entries carry no
    page numbers rather than wrong ones; Word refreshes the field, numbers and
    all, when the document opens (updateFields), and LibreOffice on "Update".
    """
    entries = [(anchor.level, anchor) for anchor in document.outline
               if anchor.level in TOC_LEVELS]
    out = [wml.paragraph(ids["TOC Heading"], wml.text_run(document.words["contents"]))]
    # The field begins in the first entry's paragraph and ends in a paragraph of its own.
    begin = (wml.field_begin(dirty=True) + wml.field_instruction('TOC \\o "1-3" \\h \\z \\u')
             + wml.field_separate())
    for index, (level, anchor) in enumerate(entries):
        link = wml.link_to_bookmark(bookmarks[anchor.section.id],
                                    _text_runs(anchor.heading, family))
        out.append(wml.paragraph(ids[f"toc {level}"], (begin if index == 0 else "") + link))
    out.append(wml.bare_paragraph(wml.field_end()))
    return "".join(out)


def listed_key(block: Table | Figure) -> str:
    """The bookmarks' key of a listed table or figure that has no id ('#' is in no id)."""
    return f"#{'table' if isinstance(block, Table) else 'figure'}-{block.number}"


def _list_of(block_list: BlockList, ids: dict[str, str], bookmarks: dict[str, str],
             family: FontFamily) -> str:
    """A list of tables or figures: Word's TOC field over the captions' SEQ fields
    (`\\c "Table"`), filled, as the contents are, with hyperlinked entries and no page
    numbers till Word updates it (which it does on opening)."""
    out = [wml.paragraph(ids["TOC Heading"], wml.text_run(block_list.title))]
    kind = "Table" if block_list.kind == "tables" else "Figure"
    begin = (wml.field_begin(dirty=True) + wml.field_instruction(f'TOC \\h \\z \\c "{kind}"')
             + wml.field_separate())
    for index, (block, _) in enumerate(block_list.entries):
        link = wml.link_to_bookmark(bookmarks[block.id or listed_key(block)],
                                    _text_runs(BlockList.entry_text(block), family))
        out.append(wml.paragraph(ids["toc 2"], (begin if index == 0 else "") + link))
    if not block_list.entries:  # the field, empty, for Word to fill
        out.append(wml.bare_paragraph(begin))
    out.append(wml.bare_paragraph(wml.field_end()))
    return "".join(out)


def _open(template: Path | None) -> Any:
    return docx.Document() if template is None else open_template(template)


def open_template(template: Path) -> Any:
    """The Word reference document at `template`, reduced to what the edition takes from
    it, or ExportError saying why it cannot be used."""
    checked = checked_template(template)  # python-docx reads without bounds or checks
    try:
        document = docx.Document(io.BytesIO(checked))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError):
        raise ExportError(f"{template}: not a Word document (.docx)") from None
    except etree.XMLSyntaxError as exc:  # a part python-docx reads is not XML
        raise ExportError(f"{template}: not a Word document ({exc})") from None
    except ValueError as exc:
        if _TEMPLATE_TYPE in str(exc):
            raise ExportError(
                f"{template}: is a Word template (.dotx); save it as a .docx document "
                "to use it as a reference"
            ) from None
        raise ExportError(f"{template}: not a Word document ({exc})") from None
    # The body's text uses these prefixes.
    for prefix, uri in (("w", wml.W_NAMESPACE), ("r", wml.R_NAMESPACE)):
        if compat.document_element(document).nsmap.get(prefix) != uri:
            raise ExportError(
                f"{template}: does not declare the '{prefix}' prefix as {uri} on its "
                "document element; save it again in Word or LibreOffice")
    adopt(document)  # a reference document lends styles and page setup, never its content
    return document


def _defined_styles(document: Any) -> set[str]:
    return {style.name for style in document.styles}


def _set_page(section: Any, theme: Theme) -> None:
    page = theme.page
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    section.top_margin, section.bottom_margin = Mm(page.margins_mm.top), Mm(page.margins_mm.bottom)
    section.left_margin, section.right_margin = Mm(page.margins_mm.left), Mm(page.margins_mm.right)
    section.header_distance = section.footer_distance = Mm(page.margins_mm.top / 2)


def _header_footer(section: Any, report: Report, ids: dict[str, str],
                   family: FontFamily) -> None:
    section.different_first_page_header_footer = True  # the title page stays clean
    header = compat.header_element(section)
    for child in list(header):
        header.remove(child)
    header.append(wml.parsed(wml.paragraph(
        ids["Header"], _text_runs(report.metadata.running_title, family))))
    footer = compat.footer_element(section)
    for child in list(footer):
        footer.remove(child)
    one = wml.run(wml.text("1", keep_spaces=False))  # till Word counts the pages
    before, between, after = page_of(report.metadata.words["page_of"])
    footer.append(wml.parsed(wml.paragraph(
        ids["Footer"],
        (wml.text_run(before) if before else "") + wml.field("PAGE", one)
        + wml.text_run(between) + wml.field("NUMPAGES", one)
        + (wml.text_run(after) if after else ""),
        wml.justified("right"))))


#: Children of w:settings that come after the hyphenation settings (CT_Settings order).
_AFTER_HYPHENATION = frozenset({
    "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
    "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "updateFields",
    *_AFTER_UPDATE_FIELDS})


def _hyphenate(document: Any) -> None:
    """Word hyphenates the body as the PDF does, never a capitalised word (a name);
    the heading styles say not to (styles._unhyphenated)."""
    settings = compat.settings_element(document)
    if settings.find(qn("w:autoHyphenation")) is not None:
        return
    for name in ("autoHyphenation", "doNotHyphenateCaps"):  # in the schema's order
        insert_in_order(settings, wml.element(f"w:{name}"), following=_AFTER_HYPHENATION)


def _update_fields_on_open(document: Any) -> None:
    settings = compat.settings_element(document)
    if settings.find(qn("w:updateFields")) is not None:
        return
    insert_in_order(settings, wml.element("w:updateFields", {"w:val": "true"}),
                    following=_AFTER_UPDATE_FIELDS)


def _core_properties(document: Any, report: Report) -> None:
    meta, when = report.metadata, build_time(report)
    props = document.core_properties
    texts = {
        "title": meta.title,
        "subject": meta.subject or "",
        "creator": "; ".join(meta.authors),
        "lastModifiedBy": meta.publisher,
        "keywords": ", ".join(meta.keywords),
        "description": meta.description or "",
        "language": meta.language,
        # One identifier: the ISBN, which names the publication, when it has one.
        "identifier": meta.isbn_urn or meta.identifier,
        "category": "",
    }
    for name, value in texts.items():
        # python-docx caps these at 255 characters; the OPC format does not.
        compat.core_property_element(document, name).text = value
    props.revision = 1
    props.created = when.replace(tzinfo=None)
    props.modified = when.replace(tzinfo=None)


#: Parts a template may carry that this document does not use, by relationship type:
#: the thumbnail of another document, Word 2010's copy of the styles (which the styles
#: added here would leave out of step: Word repairs such a file), custom XML data.
_UNUSED_PARTS = ("/thumbnail", "/stylesWithEffects", "/customXml")


def _drop_unused_parts(document: Any) -> None:
    """Leave out the parts listed in _UNUSED_PARTS: a part no relationship reaches is not saved."""
    for owner in (compat.package_of(document), compat.document_part(document)):
        compat.drop_relationships(owner, lambda rel: rel.reltype.endswith(_UNUSED_PARTS))


def write_docx(report: Report, theme: Theme, destination: Path, template: Path | None) -> None:
    """The Word edition of `report` at `destination`: python-docx's package, dressed from
    the theme (or lent styles and page by `template`), with the body streamed in as text
    and the theme's fonts embedded."""
    front_end = Document.of(report)
    # The fonts are cut first, while the document is not yet in memory.
    fonts = subset_fonts((theme.body_font, theme.heading_font),
                         report.characters | set(front_end.published))
    document = _open(template)
    ids, text_width, text_height = _prepare_package(document, report, theme,
                                                    from_template=template is not None)
    bookmarks = {anchor.section.id: f"_Toc{anchor.number:08d}" for anchor in front_end.outline}
    # A table's or figure's bookmark is on its caption, as Word's own references are.
    bookmarks.update({ident: f"_Ref{number:08d}"
                      for number, ident in enumerate(front_end.blocks, len(bookmarks) + 1)})
    # A listed table or figure with no id of its own: a bookmark for the list to lead to.
    bookmarks.update({listed_key(block): f"_Ref{number:08d}" for number, block in enumerate(
        (block for block_list in front_end.lists for block, _ in block_list.entries
         if not block.id), len(bookmarks) + 1)})
    body = _Body(ids, _list_numbering(document, ids["List Number"]), document, bookmarks,
                 theme.body_font, theme.heading_font)
    body.cell_size = theme.sizes.small
    body.after_figure = round(theme.spacing.paragraph_after * 1.5 * 20)
    body.after_table = round(theme.spacing.paragraph_after * 20)
    _write_title_page(body, front_end, report, theme)
    pages = _PageTurns(document, text_width, text_height)
    for anchor in front_end.front_matter:  # a page each, before the contents
        if not pages.turn(body, anchor) and anchor.section.new_page:
            body.new_page()
        _write_section(body, anchor, theme, *pages.measure)
        body.page_break()
    pages.turn_upright(body)  # the contents
    # Where the contents go, as in the PDF: "shared" (the default) lets the lead and the
    # body follow on the contents' page, which a short report's contents fill only in
    # part (a page of its own left most of it empty); "page" gives them a page.
    if theme.contents != "none":
        body.add(_toc(front_end, ids, bookmarks, theme.heading_font))
    for block_list in front_end.lists:
        body.add(_list_of(block_list, ids, bookmarks, theme.heading_font))
    if theme.contents == "page":
        body.page_break()
    for paragraph in front_end.report.lead:
        body.paragraph("Lead", paragraph.content)
    for anchor in front_end.main_matter:
        if pages.turn(body, anchor):
            pass
        elif anchor.opens_annex:
            body.page_break()
        elif anchor.section.new_page:
            body.new_page()
        _write_section(body, anchor, theme, *pages.measure)
    pages.finish()
    body.footnotes(front_end.notes())
    _save(document, body, fonts, destination, build_time(report))


class _PageTurns:
    """Landscape sections as Word sections: a section break before a landscape top-level
    section and another after it, the pages between turned (`w:orient`, `w:pgSz`
    swapped); the text's measure of the pages being written."""

    def __init__(self, document: Any, text_width: int, text_height: int) -> None:
        # The body's w:sectPr (python-docx's, with the theme's page, header and footer).
        self.properties = compat.body_element(document).find(qn("w:sectPr"))
        self.upright = (text_width, text_height)
        page = document.sections[0]
        self.turned = (Emu(page.page_height - page.left_margin - page.right_margin).twips,
                       Emu(page.page_width - page.top_margin - page.bottom_margin).twips)
        self.landscape, self.breaks = False, 0

    @property
    def measure(self) -> tuple[int, int]:
        """The text's width and height (twips) on the pages being written."""
        return self.turned if self.landscape else self.upright

    def turn(self, body: _Body, anchor: Anchor) -> bool:
        """End the section before `anchor` if it turns the page; True if it did."""
        if anchor.level != 1 or anchor.section.landscape == self.landscape:
            return False
        self._end_section(body)
        return True

    def turn_upright(self, body: _Body) -> None:
        if self.landscape:
            self._end_section(body)

    def _end_section(self, body: _Body) -> None:
        body.section_break(wml.section_break(self.properties, landscape=self.landscape,
                                             first=not self.breaks))
        self.breaks += 1
        self.landscape = not self.landscape

    def finish(self) -> None:
        """The body's own w:sectPr, the last section's: turned if it is landscape; and
        no title page of its own when it no longer begins with the title page."""
        if not self.breaks or self.properties is None:
            return
        for title_page in self.properties.findall(qn("w:titlePg")):
            self.properties.remove(title_page)
        wml.set_orientation(self.properties, landscape=self.landscape)


def _prepare_package(document: Any, report: Report, theme: Theme, *,
                     from_template: bool) -> tuple[dict[str, str], int, int]:
    """Page setup, styles, header and footer, settings and properties: everything but the
    body. Returns the styles' ids by name and the text area's width and height (twips)."""
    keep = _defined_styles(document) if from_template else set()
    page = document.sections[0]  # Word's section: the page, its header and footer
    if not from_template:
        _set_page(page, theme)
    text_width = Emu(page.page_width - page.left_margin - page.right_margin).twips
    text_height = Emu(page.page_height - page.top_margin - page.bottom_margin).twips
    ids = (ensure_styles(document, theme, text_width, keep, block_features(report))
           if from_template else dressed_styles(document, theme, text_width,
                                                block_features(report)))
    if not from_template or page.header.is_linked_to_previous:
        _header_footer(page, report, ids, theme.heading_font)
    set_language(document, report.metadata.language)
    if not from_template:  # a reference document's settings are its own
        _hyphenate(document)
    _update_fields_on_open(document)
    _core_properties(document, report)
    # core.xml has no dc:rights: the rights line is a custom property; and so is each
    # word the source gives itself, which the import cannot tell from the printed page.
    meta = report.metadata
    set_custom_properties(document, {**({"Rights": meta.rights} if meta.rights else {}),
                                     **{PROPERTY_PREFIX + key: word
                                        for key, word in meta.labels}})
    _drop_unused_parts(document)
    return ids, text_width, text_height


def _write_title_page(body: _Body, front_end: Document, report: Report, theme: Theme) -> None:
    """Title, subtitle and the imprint's facts, then a page break."""
    meta = report.metadata
    if meta.logo:
        body.logo(meta.logo, meta.publisher)
    body.paragraph("Title", (Text(meta.title),), family=theme.heading_font)
    if meta.subtitle:
        body.paragraph("Subtitle", (Text(meta.subtitle),), family=theme.heading_font)
    # Labels in Word's own "Strong" character style, when the template has one.
    strong = "Strong" in {style.style_id for style in body.document.styles}
    label_style = wml.character_style("Strong") if strong else ""
    for label, value in front_end.imprint_facts:  # no cover band shows the publisher
        body.add(wml.paragraph(
            body.ids["Cover Fact"],
            wml.text_run(label + colon(meta.language), label_style)
            + _text_runs(value, theme.body_font)))
    body.page_break()


def _save(document: Any, body: _Body, fonts: list[EmbeddedFace], destination: Path,
          when: datetime) -> None:
    """Save python-docx's package once, then write it to `destination` with the body's
    text spliced in and the fonts embedded."""
    _place_body(document)
    released = release_template_fonts(document, fonts)
    font_table, settings = (_member(document, reltype) for reltype in (RT.FONT_TABLE,
                                                                      RT.SETTINGS))
    buffer = ArchiveBuffer()
    document.save(buffer)
    saved = buffer.getvalue()  # once: a long report's package is many megabytes
    del buffer
    transforms, added = embed_fonts(saved, fonts, font_table, settings or "word/settings.xml",
                                    released)
    transforms[compat.member_name(compat.document_part(document))] = (
        lambda part: _splice_body(part, body.xml()))
    rewrite_zip(saved, destination, when, transform=transforms, added=added)


def _write_section(body: _Body, anchor: Anchor, theme: Theme, text_width: int,
                   text_height: int) -> None:
    """A section's heading, bookmarked for the contents and cross-references, and its blocks."""
    section = anchor.section
    body.add(wml.paragraph(body.ids[f"Heading {anchor.level}"], wml.bookmarked(
        anchor.number, body.bookmarks[section.id],
        _text_runs(anchor.heading, body.header_family))))
    for block in section.blocks:
        _write_block(body, block, theme, text_width, text_height)


def _write_block(body: _Body, block: Block, theme: Theme, text_width: int,
                 text_height: int) -> None:
    """One block into the body: every kind of the model's, or a refusal (assert_never)."""
    match block:
        case Paragraph():
            body.paragraph("Normal", block.content)
        case Quote():
            body.paragraph("Quote", block.text)
            if block.attribution:
                body.paragraph("Quote", block.attribution, prefix="— ")
        case BulletList() | NumberedList():
            body.add_list(block)
        case Callout():
            body.callout(block, text_width, lambda inner: _write_block(
                body, inner, theme, text_width - CALLOUT_MARGINS, text_height))
        case DefinitionList():
            for item in block.items:
                body.paragraph("Definition Term", item.term)
                body.paragraph("Definition", item.definition)
        case Table():
            body.table(block, text_width, _table_plan(block, theme, text_width))
        case Figure():
            body.figure(block, text_width, text_height)
        case _:
            assert_never(block)


def _member(document: Any, reltype: str) -> str | None:
    """The zip member name of the part the document part relates to by `reltype`."""
    part = compat.related_part(document, reltype)
    return None if part is None else compat.member_name(part)


def _place_body(document: Any) -> None:
    """Mark where the body goes: before the body's own section properties, as its content."""
    body = compat.body_element(document)
    placeholder = etree.Comment(_BODY_PLACEHOLDER)
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is not None:
        sect_pr.addprevious(placeholder)
    else:
        body.append(placeholder)


def _splice_body(part: bytes, body: bytes) -> bytes:
    """The saved document part with the body's text where `_place_body` marked it."""
    before, found, after = part.partition(f"<!--{_BODY_PLACEHOLDER}-->".encode())
    if not found:
        raise AssertionError("python-docx did not keep the body's placeholder")
    return before + body + after

