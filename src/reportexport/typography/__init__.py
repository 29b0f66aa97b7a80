"""Fonts and the measure of text.

Which font sets each character, glyph coverage, font subsets, and how tables
and figures fit the page.
"""


def forget_fonts() -> None:
    """Forget what was read from font files (their glyphs and advances), so that the
    checks read a font file changed in place again: a watcher's next build sees the new
    font. The caches are keyed by path, or by a theme that names the same paths."""
    from reportexport.typography import fontruns, fontsubset, tablefit

    for cached in (fontsubset.covers, fontruns._plain_characters, tablefit._font,
                   tablefit._advances, tablefit.plan):
        cached.cache_clear()
