"""The report's text as an HTML tree: what the EPUB's pages and the web page share.

Everything is built as lxml elements (text is text: lxml escapes it), by one
dispatch over the model's closed unions. What differs between the editions is
a :class:`Flavour`: XHTML (namespaced, `xml:lang` beside `lang`) or HTML5, the
EPUB's `epub:type` notes or ARIA's roles, where a cross-reference leads (a
file and fragment, or a fragment) and where a figure's image is (a package
path, or a data: URI).

Whitespace: each block-level element's children stand one to a line (see
:func:`lines`), so that the markup reads well as text and the EPUB's pages
stay as they were when they were written as strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from lxml import etree

from reportexport.frontend import Anchor, BlockList, Document
from reportexport.model import (
    GENERATED_PREFIX,
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
    Metadata,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Section,
    Strong,
    SubList,
    Table,
    Text,
    has_long_word,
)
from reportexport.source.inline import SCHEMES
from reportexport.typography.fontruns import language_runs

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Element = etree._Element


def generated_id(kind: str, number: int) -> str:
    """The id of something an edition numbers (a note, its mark, a table, a figure):
    outside the section ids' namespace (model.GENERATED_PREFIX), and the section ids
    are the headings' own, so a section `note-1` or `table-1` takes nothing's place."""
    return f"{GENERATED_PREFIX}{kind}-{number}"


def block_fragment(block: Table | Figure) -> str:
    """The id of a table's or figure's element: what a cross-reference to it leads to."""
    return generated_id("table" if isinstance(block, Table) else "figure", block.number)


@dataclass(frozen=True)
class Flavour:
    """What the editions built on this core do differently (see the module's doc)."""

    #: True: XHTML in its namespace, `xml:lang` beside `lang`, EPUB 3's `epub:type`.
    xhtml: bool
    #: A section's, table's or figure's id -> the href that leads to it.
    target_href: Callable[[str], str]
    #: A figure -> its image's src.
    image_src: Callable[[Figure], str]
    #: True: each table stands in a labelled region of its own, which scrolls
    #: sideways by itself when the table is wider than the screen (the web page).
    table_regions: bool = False
    #: True: each of the cover's facts, a term and its value, is grouped in a <div>
    #: (HTML allows it), so that the page can lay them out side by side.
    grouped_facts: bool = False
    #: True: each <section> is named by its heading (aria-labelledby), which makes it
    #: a region landmark. A web page leaves that out: two sections of one title would
    #: be two landmarks of one name, and a long report's many landmarks hide its few.
    labelled_sections: bool = True
    #: True: a section that asks for a new page (`new_page`) is marked with the class
    #: "new-page", which the print stylesheet breaks before (the web page; an e-book's
    #: pages are the reader's).
    page_breaks: bool = False

    def tag(self, name: str) -> str:
        return f"{{{XHTML_NS}}}{name}" if self.xhtml else name

    def element(self, name: str, attributes: dict[str, str] | None = None,
                text: str | None = None) -> Element:
        element = etree.Element(self.tag(name), attributes or {})
        element.text = text
        return element

    def child(self, parent: Element, name: str, attributes: dict[str, str] | None = None,
              text: str | None = None) -> Element:
        element = etree.SubElement(parent, self.tag(name), attributes or {})
        element.text = text
        return element

    def set_language(self, element: Element, language: str) -> None:
        element.set("lang", language)
        if self.xhtml:
            element.set(XML_LANG, language)

    def epub_type(self, element: Element, value: str) -> None:
        if self.xhtml:
            element.set(f"{{{EPUB_NS}}}type", value)


def lines(parent: Element, children: Iterable[Element]) -> Element:
    """`parent` holding `children` one to a line."""
    parent.text = "\n"
    for child in children:
        child.tail = "\n"
        parent.append(child)
    if len(parent) == 0:
        parent.text = "\n\n"
    return parent


def append_text(parent: Element, text: str) -> None:
    """Add `text` after whatever `parent` holds."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def add_text(parent: Element, content: str, flavour: Flavour) -> None:
    """Text; runs in a script of its own language (Khmer…) say so, so that
    browsers and reading systems choose its fonts, shape it and break its lines
    as that language."""
    for run in language_runs(content):
        if run.language:
            span = flavour.child(parent, "span", text=run.text)
            flavour.set_language(span, run.language)
        else:
            append_text(parent, run.text)


def add_inlines(parent: Element, content: Inlines, flavour: Flavour) -> Element:
    for node in content:
        add_inline(parent, node, flavour)
    return parent


def add_inline(parent: Element, node: Inline, flavour: Flavour) -> None:
    """One inline node: every kind of the model's, or a refusal (assert_never)."""
    match node:
        case Text():
            add_text(parent, node.text, flavour)
        case Emphasis():
            add_inlines(flavour.child(parent, "em"), node.content, flavour)
        case Strong():
            add_inlines(flavour.child(parent, "strong"), node.content, flavour)
        case Link():
            add_inlines(flavour.child(parent, "a", _link_target(node.url)), node.content, flavour)
        case CrossReference():
            anchor = flavour.child(parent, "a", {"href": flavour.target_href(node.target_id)})
            add_inlines(anchor, node.content, flavour)
        case Note():
            parent.append(note_mark(node, flavour))
        case _:
            assert_never(node)


def _link_target(url: str) -> dict[str, str]:
    """The link's href: the loader lets only SCHEMES through, and a report built by
    other code gets no other (a javascript: link is printed as its words alone)."""
    scheme, colon, _ = url.partition(":")
    return {"href": url} if colon and scheme.lower() in SCHEMES else {}


def note_mark(note: Note, flavour: Flavour) -> Element:
    sup = flavour.element("sup")
    mark = flavour.child(sup, "a")
    flavour.epub_type(mark, "noteref")
    mark.set("role", "doc-noteref")
    mark.set("id", generated_id("noteref", note.number))
    mark.set("href", f"#{generated_id('note', note.number)}")
    mark.text = str(note.number)
    return sup


def block_element(block: Block, flavour: Flavour) -> Element:
    """One block: every kind of the model's, or a refusal (assert_never)."""
    match block:
        case Paragraph():
            return add_inlines(flavour.element("p"), block.content, flavour)
        case Quote():
            return _quote(block, flavour)
        case BulletList() | NumberedList():
            return _list(block, flavour)
        case DefinitionList():
            return _definitions(block, flavour)
        case Callout():
            return _callout(block, flavour)
        case Table():
            return table_element(block, flavour)
        case Figure():
            return _figure(block, flavour)
        case _:
            assert_never(block)


def _quote(quote: Quote, flavour: Flavour) -> Element:
    parts = [add_inlines(flavour.element("p"), quote.text, flavour)]
    if quote.attribution:
        attribution = flavour.element("p", {"class": "attribution"}, "— ")
        parts.append(add_inlines(attribution, quote.attribution, flavour))
    return lines(flavour.element("blockquote"), parts)


def _list(block: SubList, flavour: Flavour) -> Element:
    """A ul or an ol; an item's own list is a ul or an ol inside its li."""

    def item(index: int, content: Inlines) -> Element:
        li = add_inlines(flavour.element("li"), content, flavour)
        sublist = block.sublist(index)
        if sublist is not None:
            li.append(_list(sublist, flavour))
        return li

    tag = "ul" if isinstance(block, BulletList) else "ol"
    return lines(flavour.element(tag), (item(i, content) for i, content in enumerate(block.items)))


def _callout(callout: Callout, flavour: Flavour) -> Element:
    """An aside named by its title (a paragraph, not a heading: a callout is no section
    of the outline); untitled, it is named by nothing but its words."""
    parts = []
    attributes = {"class": "callout"}
    if callout.title is not None:
        title_id = generated_id("callout", callout.number)
        attributes["aria-labelledby"] = title_id
        parts.append(add_inlines(flavour.element("p", {"class": "callout-title",
                                                        "id": title_id}),
                                 callout.title, flavour))
    parts += [block_element(block, flavour) for block in callout.blocks]
    return lines(flavour.element("aside", attributes), parts)


def _definitions(block: DefinitionList, flavour: Flavour) -> Element:
    parts = []
    for item in block.items:
        parts += [add_inlines(flavour.element("dt"), item.term, flavour),
                  add_inlines(flavour.element("dd"), item.definition, flavour)]
    return lines(flavour.element("dl", {"class": "definitions"}), parts)


def _figure(figure: Figure, flavour: Flavour) -> Element:
    image = flavour.element("img", {"src": flavour.image_src(figure), "alt": figure.alt})
    if not flavour.xhtml:  # the page reserves the image's room before it is decoded
        image.set("width", str(figure.width_px))
        image.set("height", str(figure.height_px))
    caption = caption_element("figcaption", figure, flavour)
    return lines(flavour.element("figure", {"id": block_fragment(figure)}),
                 (image, caption))


def caption_element(tag: str, block: Table | Figure, flavour: Flavour) -> Element:
    """"Table 3. The caption", or "Table 3" alone."""
    caption = Document.caption(block)
    element = flavour.element(tag, text=caption.label)
    if caption.content is not None:
        append_text(element, ". ")
        add_inlines(element, caption.content, flavour)
    return element


def table_element(table: Table, flavour: Flavour) -> Element:
    def row(cells: Sequence[Inlines], tag: str) -> Element:
        tr = flavour.element("tr")
        for cell, align in zip(cells, table.align, strict=True):
            attributes = {"scope": "col"} if tag == "th" else {}
            # A cell with a URL or an identifier breaks it anywhere (see styles'
            # long-cell-words); the others keep their words whole.
            attributes["class"] = f"align-{align}" + (" long-words" if has_long_word(cell)
                                                      else "")
            add_inlines(flavour.child(tr, tag, attributes, ""), cell, flavour)
        return tr

    head = lines(flavour.element("thead"), [row(table.columns, "th")])
    body = lines(flavour.element("tbody"), (row(cells, "td") for cells in table.rows))
    caption = caption_element("caption", table, flavour)
    element = lines(flavour.element("table", {"id": block_fragment(table)}),
                    (caption, head, body))
    if table.note is not None:  # the note describes the table
        element.set("aria-describedby", generated_id("table-note", table.number))
    if flavour.table_regions:
        # Focusable, so that a keyboard can scroll it; named by its caption.
        caption.set("id", generated_id("caption", table.number))
        element = lines(flavour.element(
            "div", {"class": "table-region", "role": "region", "tabindex": "0",
                    "aria-labelledby": generated_id("caption", table.number)}), [element])
    return element if table.note is None else _with_note(element, table, flavour)


def _with_note(element: Element, table: Table, flavour: Flavour) -> Element:
    """The table and its note, a paragraph after it in one container: outside the grid (a
    tfoot row would be read as one more row of data), and the table's description."""
    note_id = generated_id("table-note", table.number)
    note = add_inlines(flavour.element("p", {"class": "table-note", "id": note_id}),
                       table.note or (), flavour)
    return lines(flavour.element("div", {"class": "with-note"}), [element, note])


def section_element(section: Section, level: int, flavour: Flavour,
                    headings: Mapping[str, Anchor], top_level: int = 1) -> Element:
    """One section and its subsections; headings follow the source's levels, from
    h`top_level` for a top-level section (past h6, ARIA's heading role at its level),
    and read as the front end words them (`headings`, by section id: "2.1 Findings",
    "Annex A Methodology").

    The heading carries the section's id, as a cross-reference's and the contents'
    target (the PDF's destination and the DOCX's bookmark are on the heading too).
    """
    rank = level + top_level - 1
    # HTML's headings end at h6; a deeper one (a web page's sixth level) keeps its own
    # level for assistive technology as ARIA's heading role.
    heading = (flavour.element(f"h{rank}", {"id": section.id}) if rank <= 6 else
               flavour.element("p", {"id": section.id, "role": "heading",
                                     "aria-level": str(rank)}))
    add_text(heading, headings[section.id].heading, flavour)
    labels = {"aria-labelledby": section.id} if flavour.labelled_sections else {}
    if section.new_page and flavour.page_breaks:
        labels["class"] = "new-page"
    return lines(flavour.element("section", labels), [
        heading,
        *(block_element(block, flavour) for block in section.blocks),
        *(section_element(child, level + 1, flavour, headings, top_level)
          for child in section.sections),
    ])


def block_list_entries(block_list: BlockList, href: Callable[[Table | Figure, Anchor], str],
                       flavour: Flavour) -> Element:
    """A list of tables or figures as an <ol>: each entry its caption with its label,
    linked to the table or figure (`href`, given the block and its section's anchor)."""
    entries = flavour.element("ol", {"class": f"list-of-{block_list.kind}"})
    for block, anchor in block_list.entries:
        item = flavour.child(entries, "li")
        link = flavour.child(item, "a", {"href": href(block, anchor)})
        add_text(link, BlockList.entry_text(block), flavour)
    return entries


#: The logo's box on a title page or header, in CSS pixels (40 x 14 mm, as in print).
LOGO_BOX = (151, 53)


def logo_element(logo: Logo, src: str, publisher: str, flavour: Flavour) -> Element:
    """The publisher's logo, described by their name, at its size in LOGO_BOX (given as
    width and height, so that the page keeps its place before it is loaded)."""
    scale = min(LOGO_BOX[0] / logo.width_px, LOGO_BOX[1] / logo.height_px)
    return flavour.element("img", {
        "class": "logo", "src": src, "alt": publisher,
        "width": str(max(1, round(logo.width_px * scale))),
        "height": str(max(1, round(logo.height_px * scale)))})


def facts_list(facts: Iterable[tuple[str, str]], flavour: Flavour) -> Element:
    """The cover's facts as a description list, a term and its value to a line."""
    facts_element = flavour.element("dl", {"class": "facts"}, "\n")
    for label, value in facts:
        group = flavour.child(facts_element, "div") if flavour.grouped_facts else facts_element
        term = flavour.child(group, "dt")
        add_text(term, label, flavour)
        definition = flavour.child(group, "dd")
        add_text(definition, value, flavour)
        (group if flavour.grouped_facts else definition).tail = "\n"
    return facts_element


def paragraph(css_class: str, content: Inlines | str, flavour: Flavour) -> Element:
    element = flavour.element("p", {"class": css_class})
    if isinstance(content, str):
        add_text(element, content, flavour)
        return element
    return add_inlines(element, content, flavour)


def title_block(metadata: Metadata, flavour: Flavour,
                title_attributes: Mapping[str, str] | None = None) -> list[Element]:
    """The publisher's line, the title as the one <h1>, and the subtitle if any: how
    the web page's masthead and the e-book's title page begin."""
    title = flavour.element("h1", dict(title_attributes or {}))
    add_text(title, metadata.title, flavour)
    parts = [paragraph("publisher", metadata.publisher, flavour), title]
    if metadata.subtitle:
        parts.append(paragraph("subtitle", metadata.subtitle, flavour))
    return parts


def footnotes(notes: Sequence[Note], flavour: Flavour, note_word: str = "Note") -> Element:
    """Notes as EPUB 3 footnotes (pop-ups in reading systems), after the text that
    marks them: each note's number leads back to its mark; each is named "Note 3" in
    the report's word."""
    element = flavour.element("div", {"class": "notes"})
    asides = []
    for note in notes:
        aside = flavour.element("aside")
        flavour.epub_type(aside, "footnote")
        aside.attrib.update({"role": "doc-footnote", "id": generated_id("note", note.number),
                             "aria-label": f"{note_word} {note.number}"})
        text = flavour.child(aside, "p")
        flavour.child(text, "a", {"href": f"#{generated_id('noteref', note.number)}"},
                      f"{note.number}.").tail = " "
        add_inlines(text, note.content, flavour)
        asides.append(aside)
    return lines(element, asides)


def endnotes(notes: Sequence[Note], flavour: Flavour, back_link: str,
             title_words: str = "Notes", back_words: str = "Back to the mark of note"
             ) -> Element:
    """Notes as a web page's endnotes (DPUB-ARIA): a numbered list whose items each
    end in a back-link (`doc-backlink`, its sign `back_link`) to the note's mark
    (`doc-noteref`)."""
    title = flavour.element("h2", {"id": f"{GENERATED_PREFIX}notes"}, title_words)
    items = flavour.element("ol")
    for note in notes:
        item = flavour.child(items, "li", {"id": generated_id("note", note.number)})
        item.tail = "\n"
        add_inlines(item, note.content, flavour)
        append_text(item, "\u00a0")  # the back-link never stands alone on a line
        back = flavour.child(item, "a", {"href": f"#{generated_id('noteref', note.number)}",
                                         "role": "doc-backlink"})
        # The arrow is seen, the words are heard: a name that holds what is shown. The
        # words first: after the arrow, at the end of a full line, they open another.
        flavour.child(back, "span", {"class": "visually-hidden"},
                      f"{back_words} {note.number}")
        flavour.child(back, "span", {"aria-hidden": "true"}, back_link)
    items.text = "\n"
    return lines(flavour.element("section", {"class": "notes", "role": "doc-endnotes",
                                             "aria-labelledby": f"{GENERATED_PREFIX}notes"}),
                 (title, items))
