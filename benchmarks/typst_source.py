"""The same report as Typst markup, and its PDF timed beside reportexport's.

    python benchmarks/typst_source.py SOURCE [--runs 3]

Typst (PyPI `typst`, in the bench extra) compiles a markup equivalent of the
source with the theme's own fonts, page and sizes: a title page, the contents,
the lead, the sections with their headings (bookmarked), paragraphs with their
inline markup, lists, quotations, tables with a repeated header row, figures,
footnotes, a running head and "Page X of Y". Each side runs in a cold process
of its own, in turn; wall and CPU time and peak RSS are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from reportexport.model import (
    BulletList,
    CrossReference,
    Emphasis,
    Figure,
    Inlines,
    Link,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Strong,
    Table,
    Text,
)
from reportexport.source.reading import load_report
from reportexport.theme import Theme, load_theme

_SPECIAL = set("\\*_#[]$<>@`~=-+/'\"")


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


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
                out.append(f'#link("{node.url}")[{_inline(node.content)}]')
            case CrossReference():
                out.append(f"#link(<{node.target_id}>)[{_inline(node.content)}]")
            case Note():
                out.append(f"#footnote[{_inline(node.content)}]")
    return "".join(out)


def _block(block: object) -> str:
    match block:
        case Paragraph():
            return _inline(block.content)
        case Quote():
            attribution = (f"attribution: [{_inline(block.attribution)}], "
                           if block.attribution else "")
            return f"#quote(block: true, {attribution})[{_inline(block.text)}]"
        case BulletList() | NumberedList():
            marker = "+" if isinstance(block, NumberedList) else "-"
            return "\n".join(f"{marker} {_inline(item)}" for item in block.items)
        case Table():
            header = ", ".join(f"[{_inline(cell)}]" for cell in block.columns)
            rows = ", ".join(f"[{_inline(cell)}]" for row in block.rows for cell in row)
            caption = f"[{_inline(block.caption)}]" if block.caption else "none"
            return (f"#figure(caption: {caption}, table(columns: {len(block.columns)}, "
                    f"table.header({header}), {rows}))")
        case Figure():
            caption = f"[{_inline(block.caption)}]" if block.caption else "none"
            return f'#figure(image("{block.image}", alt: "{block.alt}"), caption: {caption})'
    raise TypeError(f"no Typst for {block!r}")


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
        f"#text(size: {sizes.title}pt)[*{_escape(meta.title)}*]",
        f"#text(size: {sizes.subtitle}pt)[{_escape(meta.subtitle or '')}]",
        "#pagebreak()",
        "#outline()",
        *(_inline(paragraph.content) + "\n" for paragraph in report.lead),
    ]
    for level, section in report.walk():
        out.append(f"{'=' * level} {_escape(section.title)} <{section.id}>\n")
        out.extend(_block(block) + "\n" for block in section.blocks)
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
