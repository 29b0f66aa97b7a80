"""Inline nodes back into the source's markup: *emphasis*, **strong**, [links](url), ^[notes].

Each text is checked by parsing it back (inline.parse): where the light escaping
(only what could be read as markup) would read otherwise, every markup character
is escaped instead, so what is written always reads back as what was read.
"""

from __future__ import annotations

import dataclasses
import re

from reportexport.model import CrossReference, Emphasis, Inlines, Link, Note, Strong, Text
from reportexport.source import inline

_ALWAYS = re.compile(r"([\\*\[\]<`])")
_EVERY = re.compile(r"([\\*_\[\]<>`^!&])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def _escape(text: str, heavy: bool) -> str:
    if heavy:
        return _EVERY.sub(r"\\\1", text)
    # An underscore inside a word (snake_case) can neither open nor close emphasis.
    return _UNDERSCORE.sub(r"\\_", _ALWAYS.sub(r"\\\1", text))


def _destination(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _wrap(mark: str, inner: str) -> str:
    """`inner` between `mark`s, its white space outside them (else they would not close)."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    tail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{tail}"


def _render(content: Inlines, heavy: bool) -> str:
    out = []
    for node in content:
        if isinstance(node, Text):
            out.append(_escape(node.text, heavy))
        elif isinstance(node, Emphasis):
            out.append(_wrap("*", _render(node.content, heavy)))
        elif isinstance(node, Strong):
            out.append(_wrap("**", _render(node.content, heavy)))
        elif isinstance(node, Link):
            out.append(f"[{_render(node.content, heavy)}]({_destination(node.url)})")
        elif isinstance(node, CrossReference):
            out.append(f"[{_render(node.content, heavy)}](#{node.target_id})")
        elif isinstance(node, Note):
            out.append(f"^[{_render(node.content, heavy)}]")
    return "".join(out)


def unnumbered(content: Inlines) -> Inlines:
    """`content` with every note's number 0, to compare texts wherever they stand."""
    return tuple(Note(0, unnumbered(node.content)) if isinstance(node, Note)
                 else node if isinstance(node, Text)
                 else dataclasses.replace(node, content=unnumbered(node.content))
                 for node in content)


def to_markup(content: Inlines) -> str:
    """The source text that reads as `content`."""
    wanted = unnumbered(content)
    for heavy in (False, True):
        text = _render(content, heavy)
        try:
            if unnumbered(inline.parse(text)) == wanted:
                return text
        except inline.MarkupError:
            continue
    return text  # the closest there is; the loader will say what it makes of it


#: A run's look: "em" or "strong", or the link or cross-reference it belongs to.
Look = str | tuple[str, str]


def runs(content: Inlines, looks: tuple[Look, ...] = ()) -> list[tuple[object, ...]]:
    """`content` as runs of text with their looks, and notes: how Word holds it, where
    emphasis inside strong and strong inside emphasis are the same italic bold runs."""
    out: list[tuple[object, ...]] = []
    for node in content:
        if isinstance(node, Text):
            items: list[tuple[object, ...]] = [("text", node.text, looks)]
        elif isinstance(node, Note):
            items = [("note", tuple(runs(node.content)))]
        else:
            kind: Look = (("link", node.url) if isinstance(node, Link)
                    else ("ref", node.target_id) if isinstance(node, CrossReference)
                    else "em" if isinstance(node, Emphasis) else "strong")
            items = runs(node.content, tuple(sorted({*looks, kind}, key=str)))
        for item in items:
            last = out[-1] if out else None
            if item[0] == "text" and last and last[0] == "text" and last[2] == item[2]:
                out[-1] = ("text", str(last[1]) + str(item[1]), item[2])
            else:
                out.append(item)
    return out


def same_text(a: Inlines, b: Inlines) -> bool:
    """Whether `a` and `b` read alike in Word: the same words, looks, links and notes."""
    return runs(a) == runs(b)
