"""The XHTML content documents and the stylesheet of the e-book."""

from __future__ import annotations

import functools
import hashlib
import html
from collections.abc import Collection
from pathlib import Path
from typing import assert_never

from reportexport.frontend import Document
from reportexport.model import (
    GENERATED_PREFIX,
    Block,
    BulletList,
    CrossReference,
    Emphasis,
    Figure,
    Inline,
    Inlines,
    Link,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Section,
    Strong,
    Table,
    Text,
)
from reportexport.source.images import edition_image
from reportexport.theme import FontFamily, Theme
from reportexport.typography.fontruns import language_runs

#: Where each section is, by id: "file.xhtml#id" (sections share their top-level one's file).
Targets = dict[str, str]


def generated_id(kind: str, number: int) -> str:
    """The id of something the e-book numbers (a note, its mark, a table, a figure):
    outside the section ids' namespace (model.GENERATED_PREFIX), and the section ids
    are the headings' own, so a section `note-1` or `table-1` takes nothing's place."""
    return f"{GENERATED_PREFIX}{kind}-{number}"


#: File names Windows keeps for devices, whatever their extension: `con.xhtml`
#: cannot be unpacked there.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{digit}" for port in ("com", "lpt")
                                                          for digit in range(10))})


def section_file(section: Section) -> str:
    """The file of a top-level section, in text/: named after its id, unless the id is
    a name Windows keeps for a device (`con`), which is then given a generated name."""
    unsafe = section.id.lower() in _DEVICE_NAMES
    return f"{GENERATED_PREFIX if unsafe else ''}{section.id}.xhtml"


def section_targets(document: Document) -> Targets:
    """Each section's heading as "file.xhtml#id": in its top-level section's file."""
    return {anchor.section.id: f"{section_file(anchor.chapter)}#{anchor.section.id}"
            for anchor in document.outline}


def inline(content: Inlines, targets: Targets) -> str:
    """Inline nodes as XHTML: em, strong, links (cross-references across files) and note
    marks; the notes themselves are the front end's, for `note_list` to write."""
    return "".join([inline_node(node, targets) for node in content])


def inline_node(node: Inline, targets: Targets) -> str:
    """One inline node as XHTML: every kind of the model's, or a refusal (assert_never)."""
    match node:
        case Text():
            return text(node.text)
        case Emphasis():
            return f"<em>{inline(node.content, targets)}</em>"
        case Strong():
            return f"<strong>{inline(node.content, targets)}</strong>"
        case Link():
            return f"<a href={quoteattr(node.url)}>{inline(node.content, targets)}</a>"
        case CrossReference():
            return (f"<a href={quoteattr(targets[node.section_id])}>"
                    f"{inline(node.content, targets)}</a>")
        case Note():
            return (f'<sup><a epub:type="noteref" role="doc-noteref" '
                    f'id="{generated_id("noteref", node.number)}" '
                    f'href="#{generated_id("note", node.number)}">{node.number}</a></sup>')
        case _:
            assert_never(node)


def note_list(notes: list[Note], targets: Targets) -> str:
    """The notes of one document, after its text, as EPUB 3 footnotes (pop-ups in readers)."""
    if not notes:
        return ""
    asides = "\n".join(
        f'<aside epub:type="footnote" role="doc-footnote" id="{generated_id("note", note.number)}" '
        f'aria-label="Note {note.number}">'
        f'<p><a href="#{generated_id("noteref", note.number)}">{note.number}.</a> '
        f"{inline(note.content, targets)}</p></aside>" for note in notes)
    return f'\n<div class="notes">\n{asides}\n</div>'



def escape(text: str) -> str:
    return html.escape(text, quote=False)


def text(content: str) -> str:
    """Escaped text; runs in a script of its own language (Khmer…) say so, so that
    reading systems choose its fonts, shape it and break its lines as that language."""
    return "".join(
        f'<span lang="{run.language}" xml:lang="{run.language}">{escape(run.text)}</span>'
        if run.language else escape(run.text)
        for run in language_runs(content))


def quoteattr(value: str) -> str:
    return f'"{html.escape(value)}"'


def page(title: str, language: str, body: str, *, body_type: str = "") -> str:
    """A complete, well-formed XHTML5 content document."""
    epub_type = f" epub:type={quoteattr(body_type)}" if body_type else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f" lang={quoteattr(language)} xml:lang={quoteattr(language)}>\n"
        f"<head>\n<meta charset=\"utf-8\"/>\n<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="../styles/report.css"/>\n</head>\n'
        f"<body{epub_type}>\n{body}\n</body>\n</html>\n"
    )


def block_markup(block: Block, targets: Targets) -> str:
    """One block as XHTML: every kind of the model's, or a refusal (assert_never)."""
    match block:
        case Paragraph():
            return f"<p>{inline(block.content, targets)}</p>"
        case Quote():
            return _quote(block, targets)
        case BulletList():
            return _list("ul", block.items, targets)
        case NumberedList():
            return _list("ol", block.items, targets)
        case Table():
            return _table(block, targets)
        case Figure():
            return _figure(block, targets)
        case _:
            assert_never(block)


def _quote(quote: Quote, targets: Targets) -> str:
    cite = (f'\n<p class="attribution">— {inline(quote.attribution, targets)}</p>'
            if quote.attribution else "")
    return f"<blockquote>\n<p>{inline(quote.text, targets)}</p>{cite}\n</blockquote>"


def _list(tag: str, items: tuple[Inlines, ...], targets: Targets) -> str:
    lines = "\n".join(f"<li>{inline(item, targets)}</li>" for item in items)
    return f"<{tag}>\n{lines}\n</{tag}>"


def _figure(figure: Figure, targets: Targets) -> str:
    return (f'<figure id="{generated_id("figure", figure.number)}">\n'
            f"<img src=\"../{figure_file(figure)}\" alt={quoteattr(figure.alt)}/>\n"
            f"<figcaption>{_caption(figure, targets)}</figcaption>\n</figure>")


def _caption(block: Table | Figure, targets: Targets) -> str:
    """"Table 3. The caption", or "Table 3" alone."""
    caption = Document.caption(block)
    if caption.content is None:
        return caption.label
    return f"{caption.label}. {inline(caption.content, targets)}"


def figure_file(figure: Figure) -> str:
    """Where the e-book keeps a figure's image, relative to the package's folder.

    Named by its content: an image that several figures show is stored once.
    """
    suffix = ".png" if figure.media_type == "image/png" else ".jpg"
    stat = figure.image.stat()
    return f"images/{_digest(figure.image, stat.st_mtime_ns, stat.st_size)}{suffix}"


@functools.lru_cache(maxsize=256)
def _digest(path: Path, modified: int, size: int) -> str:
    """Of the bytes the e-book carries (images.edition_image), which name the file."""
    return hashlib.sha256(edition_image(path)).hexdigest()[:16]


def _table(table: Table, targets: Targets) -> str:
    def cells(row: tuple[Inlines, ...], tag: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        return "".join(f'<{tag}{scope} class="align-{align}">{inline(cell, targets)}</{tag}>'
                       for cell, align in zip(row, table.align, strict=True))

    caption = _caption(table, targets)
    body = "\n".join(f"<tr>{cells(row, 'td')}</tr>" for row in table.rows)
    return (f'<table id="{generated_id("table", table.number)}">\n<caption>{caption}</caption>\n'
            f"<thead>\n<tr>{cells(table.columns, 'th')}</tr>\n</thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>")


def section_markup(section: Section, level: int, targets: Targets) -> str:
    """One section and its subsections; headings h1–h6 follow the source's levels.

    The heading carries the section's id, as a cross-reference's and the contents'
    target (the PDF's destination and the DOCX's bookmark are on the heading too).
    """
    return "\n".join([
        f'<section aria-labelledby="{section.id}">',
        f'<h{level} id="{section.id}">{text(section.title)}</h{level}>',
        *(block_markup(block, targets) for block in section.blocks),
        *(section_markup(child, level + 1, targets) for child in section.sections),
        "</section>",
    ])


def chapter_markup(document: Document, chapter: Section, targets: Targets) -> str:
    """A top-level section's file's body: the section, then the notes whose marks it holds."""
    return (section_markup(chapter, 1, targets) + "\n"
            + note_list(document.chapter_notes(chapter), targets))


def title_page(document: Document, targets: Targets) -> str:
    meta = document.report.metadata
    parts = ['<section class="titlepage" aria-label="Title page">',
             f'<p class="publisher">{text(meta.publisher)}</p>',
             f'<h1 class="title">{text(meta.title)}</h1>']
    if meta.subtitle:
        parts.append(f'<p class="subtitle">{text(meta.subtitle)}</p>')
    parts.extend(f'<p class="lead">{inline(p.content, targets)}</p>'
                 for p in document.report.lead)
    parts.append('<dl class="facts">')
    for label, value in document.cover_facts:
        parts.append(f"<dt>{text(label)}</dt><dd>{text(value)}</dd>")
    parts.append("</dl>")
    if meta.rights:
        parts.append(f'<p class="rights">{text(meta.rights)}</p>')
    parts.append("</section>")
    parts.append(note_list(document.lead_notes(), targets))
    return "\n".join(parts)


def cover_page(document: Document, image_href: str) -> str:
    meta = document.report.metadata
    alt = f"Cover: {meta.title}. {meta.publisher}, {document.published}."
    return (
        '<section class="cover" epub:type="cover">\n'
        f'<img src="{image_href}" alt={quoteattr(alt)} role="doc-cover"/>\n</section>'
    )


#: Every face the stylesheet below can select, as (role, style): emphasis may
#: fall in a table's header cells or a caption, set in the heading family.
FACES = tuple((role, style) for role in ("body", "heading")
              for style in ("regular", "italic", "bold", "bold_italic"))


def font_faces(theme: Theme, fallbacks: Collection[FontFamily] = ()) -> list[
        tuple[str, str, str, Path]]:
    """(family, CSS weight, CSS style, file) of each face the stylesheet uses, once each,
    the `fallbacks` the book needs included."""
    families = {"body": theme.body_font, "heading": theme.heading_font}
    faces = {}
    for role, style in FACES:
        for family in (families[role], *families[role].fallbacks):
            if family is not families[role] and family not in fallbacks:
                continue
            weight = "bold" if "bold" in style else "normal"
            slant = "italic" if "italic" in style else "normal"
            faces[(family.family, weight, slant)] = getattr(family, style)
    return [(family, weight, slant, path) for (family, weight, slant), path in faces.items()]


def css_string(text: str) -> str:
    """`text` as a CSS string: the theme's schema allows only plain family names, and
    this keeps any other text a string all the same (CSS 2.1, 4.1.3 escapes)."""
    return '"' + "".join(
        char if char.isprintable() and char not in '"\\<>' else f"\\{ord(char):x} "
        for char in text) + '"'


def _font_face_rules(theme: Theme, files: dict[Path, str],
                     fallbacks: Collection[FontFamily]) -> str:
    return "\n".join(
        f"@font-face {{ font-family: {css_string(family)}; font-weight: {weight}; "
        f"font-style: {slant}; src: url({css_string('../' + files[path])}); }}"
        for family, weight, slant, path in font_faces(theme, fallbacks)
    )


def _stack(family: FontFamily, fallbacks: Collection[FontFamily], generic: str) -> str:
    names = [family.family, *(f.family for f in family.fallbacks if f in fallbacks)]
    return ", ".join([*(css_string(name) for name in names), generic])


def stylesheet(theme: Theme, font_files: dict[Path, str],
               fallbacks: Collection[FontFamily] = ()) -> str:
    """CSS from the same theme as the other editions; sizes relative for reader settings."""
    s, c, sp = theme.sizes, theme.colours, theme.spacing
    body_font = _stack(theme.body_font, fallbacks, "serif")
    head_font = _stack(theme.heading_font, fallbacks, "sans-serif")
    em = s.body

    def rel(points: float) -> str:
        return f"{points / em:.3f}em"

    headings = "\n".join(
        f"h{n} {{ font-size: {s.heading(n) / em:.3f}em; margin: {rel(sp.before_heading(n))} 0 "
        f"{rel(sp.heading_after)}; color: {c.accent if n < 3 else c.text}; }}"
        for n in range(1, 7)
    )
    return f"""{_font_face_rules(theme, font_files, fallbacks)}
html {{ font-size: 100%; }}
body {{ font-family: {body_font}; line-height: {theme.line_height}; color: {c.text};
  margin: 0 4%; }}
p {{ margin: 0 0 {rel(sp.paragraph_after)}; }}
p, li, td, figcaption {{ -epub-hyphens: auto; hyphens: auto; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {head_font}; font-weight: bold; line-height: 1.2;
  page-break-after: avoid; break-after: avoid; }}
{headings}
blockquote {{ margin: {rel(sp.paragraph_after)} {rel(sp.quote_indent / 2)}
  {rel(sp.paragraph_after)} 0; padding-left: {rel(sp.quote_indent - 4)};
  border-left: 2px solid {c.accent}; color: {c.quote}; font-style: italic; }}
blockquote .attribution {{ font-style: normal; font-size: {s.small / em:.3f}em;
  color: {c.muted}; }}
ul, ol {{ margin: 0 0 {rel(sp.paragraph_after)}; padding-left: {rel(sp.list_indent)}; }}
li {{ margin-bottom: {rel(sp.paragraph_after / 2)}; }}
li::marker {{ color: {c.accent}; }}
.titlepage {{ padding-top: 3em; }}
.titlepage .publisher {{ font-family: {head_font}; text-transform: uppercase;
  letter-spacing: 0.06em; color: {c.muted}; font-size: {s.small / em:.3f}em; }}
.titlepage .title {{ font-size: {s.title / em * 0.8:.3f}em; margin-top: 1em; }}
.titlepage .subtitle {{ font-family: {head_font}; font-size: {s.subtitle / em:.3f}em;
  color: {c.muted}; }}
.titlepage .lead {{ font-size: {s.lead / em:.3f}em; color: {c.quote};
  border-top: 2px solid {c.accent}; border-bottom: 1px solid {c.rule};
  padding: 0.6em 0; margin: 1.5em 0; }}
.facts dt {{ font-family: {head_font}; font-weight: bold; text-transform: uppercase;
  font-size: {s.small / em:.3f}em; color: {c.muted}; margin-top: 0.6em; }}
.facts dd {{ margin: 0; }}
.cover {{ text-align: center; margin: 0; padding: 0; }}
.cover img {{ max-width: 100%; max-height: 100vh; }}
nav ol {{ list-style: none; padding-left: 1.2em; }}
nav > ol {{ padding-left: 0; }}
nav li {{ margin: 0.3em 0; }}
nav a {{ color: {c.text}; text-decoration: none; }}
a {{ color: {c.accent}; }}
table {{ border-collapse: collapse; width: 100%; margin: {rel(sp.paragraph_after)} 0;
  font-size: {s.small / em:.3f}em; }}
caption {{ caption-side: top; text-align: left; font-family: {head_font};
  font-weight: bold; margin-bottom: 0.4em; }}
th, td {{ padding: 0.25em 0.5em; vertical-align: top; }}
th {{ font-family: {head_font}; border-bottom: 2px solid {c.accent}; }}
td {{ border-bottom: 1px solid {c.rule}; }}
.align-left {{ text-align: left; }}
.align-center {{ text-align: center; }}
.align-right {{ text-align: right; }}
figure {{ margin: {rel(sp.paragraph_after)} 0; page-break-inside: avoid; break-inside: avoid; }}
figure img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: {s.small / em:.3f}em; margin-top: 0.4em; }}
sup {{ line-height: 0; }}
.notes {{ margin-top: 2em; border-top: 1px solid {c.rule}; font-size: {s.small / em:.3f}em; }}
.notes aside p {{ margin: 0.4em 0; }}
"""
