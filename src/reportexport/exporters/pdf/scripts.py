"""Text in scripts the theme's font lacks: set in its fallback, shaped, and read back.

reportlab sets one font per markup fragment, so text in another script gets a
`<font>` of the family's fallback (fontruns decides which, as for every
edition), and its paragraph is shaped with HarfBuzz (reportlab's `shaping`),
which Khmer needs for its subscript consonants and reordered vowels.

reportlab shapes each word with the font of its first fragment. Words in the
theme's own fonts are left as they are (fonts.UnshapedTTFont), so Latin text
sets exactly as in a paragraph without shaping, and a link's or a note's
callback, which reportlab's shaping mishandles inside a shaped word, only ever
sits in an unshaped one. A paragraph where a callback would fall inside a word
of other-script text is not shaped at all: its glyphs are drawn in order
(test_scripts checks that reportlab still fails there).

Shaped glyphs do not map back to the text one to one. So the pieces set in a
fallback are kept, in order (`Said`), and as the text object draws them it
wraps them in a `/Span` with the pieces as `/ActualText`
(ShapedTextObject), a structure element of its own with its language as
`/Lang`: copying, searching, text extraction and screen readers get the source's
Unicode, and know the language to speak it in.
"""

from __future__ import annotations

import copy
import re
from html import escape, unescape
from typing import Any

from reportlab.lib.fonts import tt2ps

from reportexport.exporters.pdf.fonts import REGISTERED, FontNames
from reportexport.exporters.pdf.reportlab_compat import (
    HookedTextObject,
    current_font,
    shape_data,
    shaped_run,
)
from reportexport.exporters.pdf.wordbreaks import joined_face, words
from reportexport.typography.fontruns import first_language, font_runs

_TAGS = re.compile(r"(<[^>]*>)")
_SPACES = re.compile(r"(\s+)")
#: Languages whose script is written without spaces between words.
_UNSPACED = frozenset({"km", "th", "lo", "my"})


def _face(names: FontNames | None, bold: bool, italic: bool) -> str:
    """The registered face of a fallback family (fonts.register_family registered it
    with reportlab's family mapping, which this asks)."""
    if names is None:  # fonts.register_family registers every fallback some text needs
        raise RuntimeError("a fallback font that no text was found to need is needed")
    name: str = tt2ps(names.regular, int(bold), int(italic))
    return name


#: A piece of text set in a fallback, as the source has it, and what joins it to the
#: next piece: " ", "" (two words of a script written without spaces), or None
#: when what follows is not in the fallback (then a space drawn after it is one).
Said = tuple[str, str | None]


def with_fallbacks(markup: str, style: Any) -> tuple[str, Any, list[Said]]:
    """`markup` with its other-script runs in their fallback fonts; the style to set it
    in (shaped when a fallback is used and it is safe); and the pieces set in a
    fallback, in order, for ShapedTextObject to say. Unchanged when no run needs one."""
    registered = REGISTERED.get(style.fontName)
    if registered is None or not registered.fallbacks or not markup or markup.isascii():
        return markup, style, []
    family = registered.family
    bold_base, italic_base = "bold" in registered.style, "italic" in registered.style
    bold = italic = 0
    out: list[str] = []
    said: list[Said] = []
    changed, safe = False, True
    pieces = _TAGS.split(markup)
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            name = (piece.strip("</>").split() or [""])[0].lower()
            step = -1 if piece.startswith("</") else 1
            if name == "b":
                bold += step
            elif name == "i":
                italic += step
            out.append(piece)
            continue
        for number, run in enumerate(runs := font_runs(piece, family)):
            if not run.font:
                out.append(run.text)
                continue
            changed = True
            # A callback right after other-script text, with only tags between (a
            # link's end after its text's </a>), would sit in its word; so would one
            # before it with no text before the callback (reportlab puts a callback
            # in the word before it when there is one).
            if ((number == 0 and not piece[:1].isspace() and _opens_paragraph(pieces[:index]))
                    or (number == len(runs) - 1 and not run.text[-1:].isspace()
                        and _callback_touches(pieces[index + 1:]))):
                safe = False
            face = _face(registered.fallbacks[run.font - 1], bold_base or bold > 0,
                         italic_base or italic > 0)
            out.append(_set(run.text, face, run.language, said))
    if not changed:
        return markup, style, []
    if safe:
        style = copy.copy(style)
        style.shaping = 1
    return "".join(out), style, said


def _callback_touches(pieces: list[str]) -> bool:
    """Whether a callback comes among `pieces` (markup split at tags, after some text)
    before any text."""
    for piece in pieces:
        if piece.startswith("<onDraw"):
            return True
        if piece and not piece.startswith("<"):
            return False
    return False


def _opens_paragraph(pieces: list[str]) -> bool:
    """Whether `pieces` (the markup before some text) hold a callback and no text."""
    texts = [piece for piece in pieces if not piece.startswith("<") and piece.strip()]
    return not texts and any(piece.startswith("<onDraw") for piece in pieces)


def _set(text: str, face: str, language: str | None, said: list[Said]) -> str:
    """Markup for `text` (escaped) in `face`; the pieces it says go to `said`. Words of a
    script written without spaces get room to break between them (wordbreaks)."""
    out = []
    for part in _SPACES.split(text):
        if not part:
            continue
        if part.isspace():
            if said:
                said[-1] = (said[-1][0], " ")
            out.append(f'<font face="{face}">{part}</font>')
            continue
        pieces = words(unescape(part), language) if language in _UNSPACED else (unescape(part),)
        if len(pieces) > 1:
            joined = joined_face(face)
            out.extend(f'<font face="{joined}">{escape(piece, quote=False)} </font>'
                       for piece in pieces[:-1])
            said.extend((piece, "") for piece in pieces[:-1])
        out.append(f'<font face="{face}">{escape(pieces[-1], quote=False)}</font>')
        said.append((pieces[-1], None))
    return "".join(out)


def draw_string(canvas: Any, x: float, y: float, text: str) -> None:
    """canvas.drawString in the canvas's current font, its fallbacks setting what it lacks
    (running heads and footers, drawn outside paragraphs)."""
    name, size = current_font(canvas)
    registered = REGISTERED.get(name)
    if registered is None or not registered.fallbacks or text.isascii():
        canvas.drawString(x, y, text)
        return
    for run in font_runs(text, registered.family):
        face = name if not run.font else _face(
            registered.fallbacks[run.font - 1], "bold" in registered.style,
            "italic" in registered.style)
        canvas.setFont(face, size)
        if run.font:
            # Shaped as a paragraph's words are (reportlab's drawString(shaping=True)
            # misplaces Khmer's vowel signs); its advances give its width.
            shaped, advance = shaped_run(run.text, face, size)
            canvas.drawString(x, y, shaped)
            x += advance if advance is not None else canvas.stringWidth(run.text, face, size)
        else:
            canvas.drawString(x, y, run.text)
            x += canvas.stringWidth(run.text, face, size)
    canvas.setFont(name, size)


_SIMPLE = 0x7FFFFFFF  # the cluster reportlab gives a character it did not shape


def _pieces_in(text: str) -> int:
    """How many pieces (words shaped one by one) a drawn string holds.

    reportlab joins the words of a fragment on a line into one string; a shaped
    one keeps, for each glyph, the cluster (the character it came from) within
    its word, counted from 0 again at each word. A word's glyphs' clusters never
    go down (HarfBuzz's monotone clusters), so each drop starts a new word.
    Characters reportlab did not shape (spaces, a word shaping left alone) count
    as words where they are not spaces.
    """
    data = shape_data(text)
    if data is None:
        return len(str(text).split())
    count, previous, simple_word = 0, None, False
    for character, glyph in zip(str(text), data, strict=False):
        if glyph.cluster == _SIMPLE:
            if character.isspace():
                simple_word = False
            elif not simple_word:
                count, simple_word = count + 1, True
            previous = None
            continue
        simple_word = False
        if previous is None or glyph.cluster < previous:
            count += 1
        previous = glyph.cluster
    return count


class ShapedTextObject(HookedTextObject):
    """The text object of the canvas: the pieces of shaped text it draws are said as
    they are drawn (a Span with their /ActualText)."""

    def formatted(self, text: str, code: str) -> str:
        pieces = getattr(self.owner, "fallback_words", None)
        registered = REGISTERED.get(self.font_name)
        if not pieces or registered is None or not registered.shaped or not text.strip():
            return code
        count = _pieces_in(text)
        taken = [pieces.popleft() for _ in range(min(count, len(pieces)))]
        words = "".join(piece + (joiner or "") for piece, joiner in taken[:-1])
        last, joiner = taken[-1] if taken else ("", None)
        # A space drawn after the last piece: the source's, unless it only joins words.
        words += last + (" " if text[-1:].isspace() and joiner != "" else "")
        words = (" " if text[:1].isspace() else "") + words
        language = first_language(words)
        said: str = self.owner.said_as(code, words, language)
        return said
