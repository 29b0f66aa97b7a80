"""The theme as CSS: the stylesheet the EPUB's pages and the web page share."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from reportexport.theme import FontFamily, Theme

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
