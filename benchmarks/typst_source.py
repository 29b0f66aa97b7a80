"""The same report as Typst markup, and its PDF timed beside reportexport's.

    python benchmarks/typst_source.py SOURCE [--runs 3]

Typst (PyPI `typst`, in the bench extra) compiles a markup equivalent of the
source with the theme's own fonts, page and sizes: a title page (title,
subtitle, logo, facts), the front matter, the contents and the lists of tables
and figures, the lead, the sections with their headings (bookmarked, numbered
when the report numbers them), the annexes (lettered), paragraphs with their
inline markup, footnotes, lists nested as deep as the source's, definitions
(a term list), quotations, tables with a repeated header row, their
alignment, caption and note, figures (PNG, JPEG and SVG) with their captions,
callouts (a shaded, breakable box with its title), a section's new page and
landscape pages, a running head and "Page X of Y". Each side runs in a cold
process of its own, in turn; wall and CPU time and peak RSS are printed.

What is approximated, not matched: the cover is a plain title page, not the
theme's drawn one; a figure is set at 80% of the measure, where reportexport
sizes it from its pixels; a callout is a grey box, not the theme's; a table
note is a smaller paragraph under the table; the annexes are lettered "A.1",
without the word "Annex"; Typst's own paragraph and list spacing is kept; and
the PDF is neither tagged (PDF/UA) nor given its document outline's exact
entries, which reportexport's is. The work each side does is of the same
kind (every glyph shaped and set, every note, table row and image placed),
not the same page for page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from reportexport.model import (
    BulletList,
    Callout,
    CrossReference,
    DefinitionList,
    Emphasis,
    Figure,
    Inlines,
    Link,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Section,
    Strong,
    Table,
    Text,
    walk_sections,
)
from reportexport.source.reading import load_report
from reportexport.theme import Theme, load_theme

_SPECIAL = set("\\*_#[]$<>@`~=-+/'\"")


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _quoted(text: str) -> str:
    """`text` inside a Typst string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _inline(content: Inlines) -> str:
    out = []
    for node in content:
        match node:
            case Text():
                out.append(_escape(node.text))
            case Emphasis():
                out.append(f"#emph[{_inline(node.content)}]")
            case Strong():
                out.append(f"#strong[{_inline(node.content)}]")
            case Link():
                out.append(f'#link("{_quoted(node.url)}")[{_inline(node.content)}]')
            case CrossReference():
                out.append(f"#link(<{node.target_id}>)[{_inline(node.content)}]")
            case Note():
                out.append(f"#footnote[{_inline(node.content)}]")
    return "".join(out)


def _list(block: BulletList | NumberedList, depth: int = 0) -> str:
    marker = "+" if isinstance(block, NumberedList) else "-"
    lines = []
    for index, item in enumerate(block.items):
        lines.append(f"{'  ' * depth}{marker} {_inline(item)}")
        sublist = block.sublist(index)
        if sublist is not None:
            lines.append(_list(sublist, depth + 1))
    return "\n".join(lines)


def _label(target: str | None) -> str:
    return f" <{target}>" if target else ""


def _table(block: Table) -> str:
    header = ", ".join(f"[{_inline(cell)}]" for cell in block.columns)
    rows = ", ".join(f"[{_inline(cell)}]" for row in block.rows for cell in row)
    caption = f"[{_inline(block.caption)}]" if block.caption else "none"
    note = f"\n#text(size: 0.85em)[{_inline(block.note)}]" if block.note else ""
    return (f"#figure(caption: {caption}, table(columns: {len(block.columns)}, "
            f"align: ({', '.join(block.align)},), table.header({header}), {rows}))"
            f"{_label(block.id)}{note}")


def _figure(block: Figure) -> str:
    caption = f"[{_inline(block.caption)}]" if block.caption else "none"
    return (f'#figure(image("{_quoted(str(block.image))}", alt: "{_quoted(block.alt)}", '
            f"width: 80%), caption: {caption}){_label(block.id)}")


def _callout(block: Callout) -> str:
    title = f"*{_inline(block.title)}*\n\n" if block.title else ""
    inside = "\n\n".join(_block(inner) for inner in block.blocks)
    return (f"#block(fill: luma(240), stroke: 0.5pt, inset: 8pt, width: 100%, "
            f"breakable: true)[{title}{inside}]")


def _block(block: object) -> str:
    match block:
        case Paragraph():
            return _inline(block.content)
        case Quote():
            attribution = (f"attribution: [{_inline(block.attribution)}], "
                           if block.attribution else "")
            return f"#quote(block: true, {attribution})[{_inline(block.text)}]"
        case BulletList() | NumberedList():
            return _list(block)
        case DefinitionList():
            return "\n".join(f"/ {_inline(item.term)}: {_inline(item.definition)}"
                             for item in block.items)
        case Table():
            return _table(block)
        case Figure():
            return _figure(block)
        case Callout():
            return _callout(block)
    raise TypeError(f"no Typst for {block!r}")


def _sections(sections: tuple[Section, ...], numbering: str | None) -> list[str]:
    out = [f'#set heading(numbering: "{numbering}")' if numbering
           else "#set heading(numbering: none)"]
    for level, section in walk_sections(sections):
        if section.landscape:
            out.append("#set page(flipped: true)")
        elif section.new_page:
            out.append("#pagebreak(weak: true)")
        out.append(f"{'=' * level} {_escape(section.title)} <{section.id}>\n")
        out.extend(_block(block) + "\n" for block in section.blocks)
        if section.landscape:
            out.append("#set page(flipped: false)")
    return out


def _opening(report: Report, theme: Theme) -> list[str]:
    """The title page, the front matter, the contents and lists, and the lead."""
    meta, sizes = report.metadata, theme.sizes
    out = [f"#text(size: {sizes.title}pt)[*{_escape(meta.title)}*]\n",
           f"#text(size: {sizes.subtitle}pt)[{_escape(meta.subtitle or '')}]"]
    if meta.logo is not None:
        out.append(f'#image("{_quoted(str(meta.logo.image))}", width: 40%)')
    out.extend(f"{_escape(fact.label)}: {_escape(fact.value)}\n" for fact in meta.facts)
    out.append("#pagebreak()")
    if report.front:
        out.extend(_sections(report.front, None))
    out.append("#outline()")
    kinds = {"tables": ("Tables", "table"), "figures": ("Figures", "image")}
    out.extend(f"#outline(title: [{kinds[name][0]}], target: figure.where(kind: "
               f"{kinds[name][1]}))" for name in meta.lists if name in kinds)
    out.extend(_inline(paragraph.content) + "\n" for paragraph in report.lead)
    return out


def to_typst(report: Report, theme: Theme) -> str:
    meta, page, sizes = report.metadata, theme.page, theme.sizes
    margins = page.margins_mm
    body, head = theme.body_font.regular.stem.split("-")[0], \
        theme.heading_font.regular.stem.split("-")[0]
    out = [
        f'#set document(title: "{_escape(meta.title)}")',
        f'#set text(font: "{body}", size: {sizes.body}pt, lang: "{meta.language}", '
        "hyphenate: true)",
        f"#set par(leading: {(theme.line_height - 1) * sizes.body:.2f}pt)",
        f'#show heading: set text(font: "{head}")',
        f"#set page(width: {page.width_mm}mm, height: {page.height_mm}mm, "
        f"margin: (top: {margins.top}mm, bottom: {margins.bottom}mm, "
        f"left: {margins.left}mm, right: {margins.right}mm), "
        "header: context { if counter(page).get().first() > 1 "
        f"[{_escape(meta.running_title)}] }}, "
        'footer: context { if counter(page).get().first() > 1 [Page #counter(page).display() '
        "of #counter(page).final().first()] })",
        *_opening(report, theme),
    ]
    out.extend(_sections(report.sections, "1.1" if meta.numbered_sections else None))
    if report.appendices:
        out.append("#counter(heading).update(0)")
        out.extend(_sections(report.appendices, "A.1"))
    return "\n".join(out)


def _compile(typ: Path, pdf: Path, fonts: list[str], root: str) -> None:
    import typst

    typst.compile(str(typ), output=str(pdf), font_paths=fonts, root=root,
                  ignore_system_fonts=True)


def main() -> None:
    if sys.argv[1:2] == ["--compile"]:  # the timed child
        _compile(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[5:], sys.argv[4])
        return
    from run import _run_once

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    theme = load_theme()
    report = load_report(args.source)
    fonts = sorted({str(path.parent) for path in theme.body_font.files().values()})
    with tempfile.TemporaryDirectory() as folder:
        typ = Path(folder) / "report.typ"
        typ.write_text(to_typst(report, theme), encoding="utf-8")
        script = Path(sys.executable).with_name("reportexport")
        commands = {
            "reportexport pdf": [str(script), "pdf", str(args.source), "-o", folder],
            "typst": [sys.executable, __file__, "--compile", str(typ),
                      str(Path(folder) / "typst.pdf"), "/", *fonts],
        }
        taken: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                taken[name].append(_run_once(command, {"SOURCE_DATE_EPOCH": "1700000000"}))
    print("| tool | wall (median) | CPU (median) | peak RSS |")
    print("|---|---|---|---|")
    for name, runs in taken.items():
        print(f"| {name} | {statistics.median(r[0] for r in runs):.2f} s | "
              f"{statistics.median(r[2] for r in runs):.2f} s | "
              f"{max(r[1] for r in runs):.0f} MiB |")
    ours, theirs = (statistics.median(r[0] for r in taken[n]) for n in commands)
    cpu_ours, cpu_theirs = (statistics.median(r[2] for r in taken[n]) for n in commands)
    print(f"\nreportexport / Typst: {ours / theirs:.2f} (wall), {cpu_ours / cpu_theirs:.2f} (CPU)")


if __name__ == "__main__":
    main()
