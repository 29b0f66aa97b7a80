"""Inline markup in the source's text: CommonMark emphasis, strong emphasis, links and notes.

Parsed with markdown-it-py (the CommonMark parser MyST and Jupyter Book use)
into the model's inline nodes; notes use Pandoc's inline-note syntax `^[…]`
(mdit-py-plugins' footnote plugin). What is not markup here prints as written:
raw HTML (`<b>`), entities (`&amp;`), backticks and image syntax are text,
as `<`, `>` and `&` always were.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportexport.model import (
    CrossReference,
    Emphasis,
    Inline,
    Inlines,
    Link,
    Note,
    Strong,
    Text,
    plain,
)

#: Schemes a link may use; anything else (javascript:, file:, data:) is refused.
SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class MarkupError(ValueError):
    """Markup the source may not use; the message says why, `start` where in the text
    parsed its link or note begins (its `[` or `^[`; -1: not known).

    `parse` raises the text's first; `read_text` gives every one the text has, in order.
    """

    def __init__(self, message: str, start: int = -1) -> None:
        super().__init__(message)
        self.start = start


@dataclass(frozen=True)
class ReadText:
    """A text read for the source check: its nodes, every markup problem it has, and
    every cross-reference it makes (target id, where its `[` stands), those inside a
    refused note among them, in the text's order. With problems, the nodes serve only the
    checks of the rest of the text (its cross-references, the refused links among them)."""

    nodes: Inlines
    errors: list[MarkupError]
    references: list[tuple[str, int]]


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False})
    md.use(footnote_plugin, inline=True, move_to_end=False)
    md.disable(["html_inline", "entity", "image", "backticks"])
    # Every link becomes a link token, so that a refused scheme is reported
    # rather than quietly printed as text (markdown-it's own check).
    # markdown-it's documented hook is an attribute assigned over its method.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    _record_markup_starts(md)
    return md


#: The env key under which the walk keeps where the text being parsed begins in the
#: text given: a note's words are parsed as a text of their own.
_BASES = "reportexport_bases"


def _record_markup_starts(md: Any) -> None:
    """Have each link and note token say where its markup begins in the text given
    (`meta["start"]`), so that a problem is told at its own link, not at the first alike.

    markdown-it's tokens of inline markup carry no position: its link and autolink rules
    and the footnote plugin's inline-note rule are wrapped (through the ruler's public
    `at`) to note the parser's position when they match. tests/source/test_markup_places.py
    fails if either library renames them or stops matching at its markup's first character."""
    from markdown_it.rules_inline import autolink, link
    from mdit_py_plugins.footnote.index import footnote_inline

    def located(rule: Callable[[Any, bool], bool], opener: str, kind: str,
                words_parsed_apart: bool) -> Any:
        def wrapped(state: Any, silent: bool) -> bool:
            if silent or state.src[state.pos] != opener:  # a look ahead, or no such markup
                return rule(state, silent)
            bases = state.env.setdefault(_BASES, [0])
            start, count = bases[-1] + state.pos, len(state.tokens)
            # A note's words are parsed as a text of their own, past its `^[`; a link's
            # in the text it stands in.
            bases.append(start + 2 if words_parsed_apart else bases[-1])
            try:
                matched = rule(state, silent)
            finally:
                bases.pop()
            if matched:
                token = next(t for t in state.tokens[count:] if t.type == kind)
                token.meta = {**(token.meta or {}), "start": start}
            return matched
        return wrapped

    md.inline.ruler.at("link", located(link, "[", "link_open", False))
    md.inline.ruler.at("autolink", located(autolink, "<", "link_open", False))  # <https://…>
    md.inline.ruler.at("footnote_inline", located(footnote_inline, "^", "footnote_ref", True))


#: Unicode categories that print nothing a reader (or a screen reader) can name a link by:
#: spaces, separators, control and format characters (zero-width space, joiners),
#: marks with no base character, unassigned and private-use code points.
_UNREADABLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})
#: Letters and symbols Unicode draws as blanks (Hangul fillers, the blank Braille pattern).
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


#: Text whose first character past any spaces is a visible ASCII one: readable.
_OPENS_VISIBLY = re.compile(r"\s*[!-~]")


def readable(words: str) -> bool:
    """Whether `words` hold a character that shows: a link needs one to have a name."""
    if _OPENS_VISIBLY.match(words):  # most text, told by its first character
        return True
    return any(not char.isspace() and char not in _BLANK_CHARACTERS
               and unicodedata.category(char) not in _UNREADABLE_CATEGORIES
               for char in words)


def _link(href: str, content: Inlines, start: int, context: _Context) -> Inline:
    """The link to `href` with the words `content`, its `[` at `start`, each of its
    problems noted in the context (a link with no visible words may go nowhere, too)."""
    errors = context.errors
    if content and not readable(plain(content)):
        errors.append(MarkupError(
            f"link to '{href}' has no visible words, so readers and screen readers see a "
            "link with no name: write its words between [ and ], or leave them truly empty "
            "([](#id)) to print the label of a section, table or figure", start))
    if href.startswith("#"):
        context.references.append((href[1:], start))
        return CrossReference(href[1:], content)
    if not content:
        errors.append(MarkupError(
            f"link to '{href}' has no words: write them between [ and ] (only a "
            "cross-reference, [](#id), may leave them empty)", start))
    scheme = _SCHEME.match(href)
    if scheme is None or scheme.group(1).lower() not in SCHEMES:
        errors.append(MarkupError(
            f"link to '{href}': a link goes to an http, https or mailto address, or to a "
            "section, table or figure of this report as #id", start
        ))
    return Link(href, content)


def parse(text: str, number: Callable[[], int] = lambda: 0) -> Inlines:
    """`text` as inline nodes; raise MarkupError for markup the source may not use.

    `number` gives each note its number, called in the order of `text`; the loader
    leaves them 0 and numbers the whole report's at once (model.number_notes).
    """
    read = read_text(text, number)
    if read.errors:
        raise read.errors[0]
    return read.nodes


def read_text(text: str, number: Callable[[], int] = lambda: 0) -> ReadText:
    """`text` read for the source check: its nodes, its markup problems and its
    cross-references, each where it stands in `text`."""
    if not ("*" in text or "_" in text or "[" in text or "<" in text or "\\" in text):
        return ReadText((Text(text),) if text else (), [], [])  # nothing like markup
    env: dict[str, Any] = {}
    [token] = _parser().parseInline(text, env)
    footnotes = env.get("footnotes", {}).get("list", {})
    # Every mistake in the text is noted, not only the first, so that one run lists all.
    context = _Context(footnotes, number)
    nodes = _nodes(token.children or [], context, inside_note=False)
    return ReadText(nodes, context.errors, context.references)


class _Context:
    """What the walk over a text's tokens shares: its notes, their numbering, and what it
    finds: its errors and cross-references (target, start), those of a refused note too."""

    def __init__(self, footnotes: dict[int, Any], number: Callable[[], int]) -> None:
        self.footnotes, self.number = footnotes, number
        self.errors: list[MarkupError] = []
        self.references: list[tuple[str, int]] = []


def _nodes(tokens: list[Any], context: _Context, *, inside_note: bool) -> Inlines:
    # Each markup open: its kind, its link's address, its content, where it starts.
    stack: list[tuple[str, str | None, list[Inline], int]] = [("", None, [], -1)]
    for child in tokens:
        kind = child.type
        if kind in ("text", "softbreak", "hardbreak"):
            words = child.content if kind == "text" else " "
            if not words:  # markdown-it leaves empty text beside emphasis delimiters
                continue
            siblings = stack[-1][2]
            if siblings and isinstance(siblings[-1], Text):
                siblings[-1] = Text(siblings[-1].text + words)
            else:
                siblings.append(Text(words))
        elif kind == "footnote_ref":
            note = context.footnotes[child.meta["id"]]
            refusal = ("a note inside a note (^[… ^[…] …]): write it into the note's own "
                       "text instead" if inside_note else
                       "a note inside a link's words: put the note after the link"
                       if any(opened == "link" for opened, *_ in stack) else "")
            if refusal:
                context.errors.append(MarkupError(refusal, child.meta.get("start", -1)))
                # Its words are read for their own problems (a refused link), then left out.
                _nodes(note.get("tokens") or [], context, inside_note=True)
                continue
            mark = context.number()
            words_of_note = _nodes(note.get("tokens") or [], context, inside_note=True)
            stack[-1][2].append(Note(mark, words_of_note))
        elif kind.endswith("_open"):
            href = child.attrs.get("href") if kind == "link_open" else None
            stack.append((kind.removesuffix("_open"), str(href) if href is not None else None,
                          [], (child.meta or {}).get("start", -1)))
        elif kind.endswith("_close"):
            opened, href, content, start = stack.pop()
            node: Inline
            if opened == "em":
                node = Emphasis(tuple(content))
            elif opened == "strong":
                node = Strong(tuple(content))
            else:
                node = _link(href or "", tuple(content), start, context)
            stack[-1][2].append(node)
        else:  # a token kind no enabled rule makes
            raise AssertionError(f"unexpected inline token {kind}")
    return tuple(stack[0][2])
