"""Putting the text of an edited Word edition back into its source, and nothing else.

The source is edited as a ruamel.yaml round-trip tree: only the strings whose text
the Word document changed are replaced, each in the scalar style it had (folded,
quoted, plain). ruamel.yaml writes the whole tree again, which would also re-indent
or re-wrap parts nobody changed; so the text written is the original with the
hunks by which ruamel's output of the edited tree differs from ruamel's output of
the unedited one (a three-way merge), and it is read back to check it holds exactly
the edited tree. Unchanged, the source is not written at all: byte for byte itself.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from reportexport.frontend import Document, printed_references
from reportexport.model import (
    SECTION_PARTS,
    BulletList,
    Callout,
    CrossReference,
    DefinitionList,
    Figure,
    Inline,
    Inlines,
    Note,
    NumberedList,
    Paragraph,
    Quote,
    Report,
    Section,
    SubList,
    Table,
    Text,
    block_content,
    cross_references,
    map_content,
    nested_blocks,
    notes,
    plain,
    report_blocks,
)
from reportexport.source.inputfiles import read_bounded
from reportexport.source.problems import InputError, Problem, format_path
from reportexport.source.reading import read_report
from reportexport.wordimport import (
    Decision,
    Imported,
    check_loads,
    read_word,
    write_atomically,
)
from reportexport.wordimport.apparatus import Layout
from reportexport.wordimport.markup import runs, same_text, to_markup
from reportexport.wordimport.newsource import list_key
from reportexport.wordimport.package import read_package
from reportexport.wordimport.reader import (
    Draft,
    DraftSection,
    TakenIds,
    caption_alone_notice,
    edition_identifier,
    title_id,
    unique_id,
)

Path_ = tuple[str | int, ...]


class _Refused(Exception):
    """The Word document's structure differs from the source's: say where."""


def _walk(sections: list[DraftSection], level: int = 1) -> list[tuple[int, DraftSection]]:
    out = []
    for section in sections:
        out.append((level, section))
        out += _walk(section.sections, level + 1)
    return out


def _draft_walk(draft: Draft) -> list[tuple[int, DraftSection]]:
    """The document's sections in reading order, each with its level told apart by its
    part: see `_level`."""
    return [(_level(part, level), section)
            for part, sections in zip(SECTION_PARTS, draft.parts, strict=True)
            for level, section in _walk(sections)]


#: What a section's level is raised by in each part (the source's keys), so that
#: sections of two parts never pair; deeper than any nesting.
_PART_OFFSETS = {"sections": 0, "front": 100, "appendices": 200}
#: Each part as a message names it.
_PART_NAMES = {"sections": "the body", "front": "the front matter",
               "appendices": "the annexes"}


def _level(part: str, level: int) -> int:
    """A section's level, told apart by its part: sections of two parts never pair."""
    return level + _PART_OFFSETS[part]


def _part(level: int) -> str:
    """Which part a level (see `_level`) is of: sections of two parts never nest."""
    return next(part for part, offset in _PART_OFFSETS.items()
                if level // 100 * 100 == offset)


def _source_walk(report: Report) -> list[tuple[int, Section, Path_]]:
    """Each section with its level and its path in the source's data."""
    out: list[tuple[int, Section, Path_]] = []

    def visit(sections: tuple[Section, ...], level: int, path: Path_) -> None:
        for i, section in enumerate(sections):
            here = (*path, i)
            out.append((level, section, here))
            visit(section.sections, level + 1, (*here, "sections"))

    for part, sections in zip(SECTION_PARTS, report.parts, strict=True):
        visit(sections, _level(part, 1), (part,))
    return out


@dataclasses.dataclass
class _Edit:
    path: Path_
    text: Any  # the new text; for an insertion, the new block's data
    what: str  # "paragraph", "cell" … for the summary
    where: str  # the section's title
    notes_changed: int = 0
    change: str = "set"  # or "insert" (before the item at path) or "delete"


class _Collector:
    def __init__(self, ids: dict[str, str], labels: dict[str, str]) -> None:
        self.ids = ids  # the draft's section, table and figure ids -> the source's
        self.labels = labels  # what an automatic reference to each source id prints
        self.edits: list[_Edit] = []

    def printed(self, content: Inlines) -> Inlines:
        """`content` with each automatic reference given the words the editions print
        for it: `[](#tbl-x)` and `[Table 2](#tbl-x)` are the same text in Word, and so
        are `[](#s)` and `[Section 2.1](#s)` opening a sentence."""
        return printed_references(content, self.labels)

    def remap(self, content: Inlines) -> Inlines:
        out: list[Inline] = []
        for node in content:
            if isinstance(node, CrossReference):
                out.append(CrossReference(self.ids.get(node.target_id, node.target_id),
                                          self.remap(node.content)))
            elif isinstance(node, Text):
                out.append(node)
            else:
                out.append(dataclasses.replace(node, content=self.remap(node.content)))
        return tuple(out)

    def text(self, path: Path_, old: Inlines, new: Inlines, what: str, where: str) -> None:
        new = self.remap(new)
        old_printed, new_printed = self.printed(old), self.printed(new)
        if same_text(old_printed, new_printed):
            return
        old_notes = [n.content for n in notes(old)]
        new_notes = [n.content for n in notes(new)]
        changed_notes = sum(not same_text(a, b) for a, b in zip(old_notes, new_notes,
                                                                 strict=False))
        changed_notes += abs(len(old_notes) - len(new_notes))
        body_same = same_text(_without_notes(old), _without_notes(new))
        self.edits.append(_Edit(path, to_markup(new), "note" if body_same and changed_notes
                                else what, where, changed_notes))

    def plain(self, path: Path_, old: str, new: str, what: str, where: str) -> None:
        if " ".join(old.split()) != " ".join(new.split()):
            self.edits.append(_Edit(path, new, what, where))


def _without_notes(content: Inlines) -> Inlines:
    return tuple(node if isinstance(node, Text) else
                 dataclasses.replace(node, content=_without_notes(node.content))
                 for node in content if not isinstance(node, Note))


def _split_lists(old: tuple[Any, ...], new: list[Any]) -> list[Any]:
    """The draft's blocks with a bulleted list split where the source has several lists
    one after another (Word runs them together: they share one numbering)."""
    out: list[Any] = []
    j = 0
    i = 0
    while i < len(old) and j < len(new):
        if isinstance(old[i], BulletList) and isinstance(new[j], BulletList):
            run = [old[i]]
            while i + len(run) < len(old) and isinstance(old[i + len(run)], BulletList):
                run.append(old[i + len(run)])
            items = list(new[j].items)
            sublists = list(new[j].sublists or (None,) * len(items))
            if len(run) > 1 and sum(len(b.items) for b in run) == len(items):
                for block in run:
                    count = len(block.items)
                    kept = tuple(sublists[:count])
                    out.append(BulletList(tuple(items[:count]), kept if any(kept) else ()))
                    items, sublists = items[count:], sublists[count:]
                i += len(run)
                j += 1
                continue
        out.append(new[j])
        i += 1
        j += 1
    return out + new[j:]


def _kind(block: Any) -> str:
    return type(block).__name__


def _signature(block: Any) -> tuple[Any, ...]:
    """What a block says, to align the source's blocks with the document's."""
    return (_kind(block), *(tuple(runs(content)) for content in block_content(block)))


def _new_block(collector: _Collector, block: Any, where: str) -> Any:
    """A block the Word document adds, as the source's data (ruamel.yaml's own types)."""
    def markup(content: Inlines) -> str:
        return to_markup(collector.remap(content))

    if isinstance(block, Paragraph):
        return CommentedMap(paragraph=markup(block.content))
    if isinstance(block, BulletList | NumberedList):
        return CommentedMap([(list_key(block), _new_items(block, markup))])
    if isinstance(block, Callout):
        callout = CommentedMap()
        if block.title:
            callout["title"] = markup(block.title)
        callout["blocks"] = CommentedSeq(_new_block(collector, inner, where)
                                         for inner in block.blocks)
        return CommentedMap(callout=callout)
    if isinstance(block, DefinitionList):
        return CommentedMap(definitions=CommentedSeq(
            CommentedMap(term=markup(item.term), definition=markup(item.definition))
            for item in block.items))
    if isinstance(block, Quote):
        quote = CommentedMap(text=markup(block.text))
        if block.attribution:
            quote["attribution"] = markup(block.attribution)
        return CommentedMap(quote=quote)
    if isinstance(block, Table):
        table = CommentedMap()
        if block.id in collector.ids:  # the source's table, moved into another section
            table["id"] = collector.ids[block.id]
        if block.caption:
            table["caption"] = markup(block.caption)
        table["columns"] = _flow_seq(markup(cell) for cell in block.columns)
        if any(a != "left" for a in block.align):
            table["align"] = _flow_seq(block.align)
        table["rows"] = CommentedSeq(_flow_seq(markup(cell) for cell in row)
                                     for row in block.rows)
        if block.note:
            table["note"] = markup(block.note)
        return CommentedMap(table=table)
    raise _Refused(f"section '{where}': a {_describe([block])[1:-1]} added in Word; add "
                   "figures in the source (the picture is a file beside it)")


def _new_items(block: SubList, markup: Any) -> CommentedSeq:
    """A list's items as the source writes them: text, or {text, bullets/numbered}."""
    items = CommentedSeq()
    for index, item in enumerate(block.items):
        sublist = block.sublist(index)
        items.append(markup(item) if sublist is None else CommentedMap(
            [("text", markup(item)), (list_key(sublist), _new_items(sublist, markup))]))
    return items


def _flow_seq(items: Any) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _sequence(collector: _Collector, old: list[Any], new: list[Any], path: Path_,
              where: str, what: str, pair: Any, make: Any) -> None:
    """Align `old` (the source's items at `path`) with `new` (the document's): pairs are
    compared by `pair`, items the document adds are made by `make`, those it lacks go."""
    signature = [_signature(b) if not isinstance(b, tuple) else ("text", tuple(runs(b)))
                 for b in old]
    theirs = [_signature(b) if not isinstance(b, tuple) else ("text", tuple(runs(b)))
              for b in new]
    matcher = difflib.SequenceMatcher(None, signature, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = 0
        if tag == "replace":
            # Blocks of the same kinds in the same places: their texts were edited.
            kinds_old = [s[0] for s in signature[i1:i2]]
            kinds_new = [s[0] for s in theirs[j1:j2]]
            common = 0
            while (common < min(i2 - i1, j2 - j1)
                   and kinds_old[common] == kinds_new[common]):
                common += 1
            for k in range(common):
                pair(i1 + k, old[i1 + k], new[j1 + k])
            paired = common
        for k in range(i1 + paired, i2):
            kind = what if what != "block" else _describe([old[k]])[1:-1]
            collector.edits.append(_Edit((*path, k), None, kind, where, change="delete"))
        for k in range(j1 + paired, j2):
            collector.edits.append(_Edit((*path, i2), make(new[k]), what, where,
                                         change="insert"))


def _blocks(collector: _Collector, old: tuple[Any, ...], new: list[Any], path: Path_,
            where: str) -> None:
    # The document's cross-references name the source's ids before anything is compared.
    new = [map_content(block, collector.remap) for block in _split_lists(old, new)]

    def pair(index: int, a: Any, b: Any) -> None:
        _pair(collector, (*path, index), index, a, b, where)

    _sequence(collector, list(old), new, path, where, "block",
              pair, lambda block: _new_block(collector, block, where))


def _pair(collector: _Collector, here: Path_, index: int, a: Any, b: Any, where: str) -> None:
    """Two blocks of one kind, the source's and the document's: their texts compared."""
    if isinstance(a, Paragraph):
        collector.text((*here, "paragraph"), a.content, b.content, "paragraph", where)
    elif isinstance(a, BulletList | NumberedList) and (a.sublists or b.sublists):
        _pair_list(collector, (*here, list_key(a)), a, b, where)
    elif isinstance(a, BulletList | NumberedList):
        key = list_key(a)
        if len(a.items) == len(b.items):
            for n, (x, y) in enumerate(zip(a.items, b.items, strict=True)):
                collector.text((*here, key, n), x, y, "list item", where)
        else:
            _sequence(collector, list(a.items), list(b.items), (*here, key), where,
                      "list item",
                      lambda n, x, y: collector.text((*here, key, n), x, y, "list item",
                                                     where),
                      lambda item: to_markup(collector.remap(item)))
    elif isinstance(a, Quote):
        collector.text((*here, "quote", "text"), a.text, b.text, "quotation", where)
        if (a.attribution is None) != (b.attribution is None):
            raise _Refused(f"section '{where}', block {index + 1}: a quotation's "
                           "attribution added or removed")
        if a.attribution is not None:
            collector.text((*here, "quote", "attribution"), a.attribution, b.attribution,
                           "quotation", where)
    elif isinstance(a, Table):
        if (len(a.columns), len(a.rows)) != (len(b.columns), len(b.rows)):
            raise _Refused(f"section '{where}', block {index + 1}: a table of "
                           f"{len(b.columns)} columns and {len(b.rows)} rows where the "
                           f"source's has {len(a.columns)} and {len(a.rows)}")
        _caption(collector, (*here, "table"), a, b, where)
        for n, (x, y) in enumerate(zip(a.columns, b.columns, strict=True)):
            collector.text((*here, "table", "columns", n), x, y, "cell", where)
        for r, (row_a, row_b) in enumerate(zip(a.rows, b.rows, strict=True)):
            for n, (x, y) in enumerate(zip(row_a, row_b, strict=True)):
                collector.text((*here, "table", "rows", r, n), x, y, "cell", where)
        if (a.note is None) != (b.note is None):
            raise _Refused(f"section '{where}', block {index + 1}: a table's note added or "
                           "removed")
        if a.note is not None and b.note is not None:
            collector.text((*here, "table", "note"), a.note, b.note, "table note", where)
    elif isinstance(a, Figure):
        collector.plain((*here, "figure", "alt"), a.alt, b.alt, "alt text", where)
        _caption(collector, (*here, "figure"), a, b, where)
    elif isinstance(a, Callout):
        _pair_callout(collector, (*here, "callout"), index, a, b, where)
    elif isinstance(a, DefinitionList):
        _pair_definitions(collector, (*here, "definitions"), index, a, b, where)


def _pair_list(collector: _Collector, here: Path_, a: SubList, b: SubList,
               where: str) -> None:
    """Two lists that hold lists: their items' texts compared, item by item, and those
    of the lists in them; items or nested lists added or removed are refused."""
    if len(a.items) != len(b.items) or any(
            (a.sublist(n) is None) != (b.sublist(n) is None)
            or type(a.sublist(n)) is not type(b.sublist(n)) for n in range(len(a.items))):
        raise _Refused(f"section '{where}', {format_path(here)}: a nested list's items or "
                       "lists were added, removed or changed in kind; change the lists' "
                       "structure in the source")
    for n, (x, y) in enumerate(zip(a.items, b.items, strict=True)):
        inner, theirs = a.sublist(n), b.sublist(n)
        if inner is None or theirs is None:
            collector.text((*here, n), x, y, "list item", where)
            continue
        collector.text((*here, n, "text"), x, y, "list item", where)
        _pair_list(collector, (*here, n, list_key(inner)), inner, theirs, where)


def _pair_callout(collector: _Collector, here: Path_, index: int, a: Callout, b: Callout,
                  where: str) -> None:
    """A callout's title and blocks compared (blocks added or removed in it carry back)."""
    if (a.title is None) != (b.title is None):
        raise _Refused(f"section '{where}', block {index + 1}: a callout's title added or "
                       "removed")
    if a.title is not None and b.title is not None:
        collector.text((*here, "title"), a.title, b.title, "callout title", where)
    _blocks(collector, a.blocks, list(b.blocks), (*here, "blocks"), where)


def _pair_definitions(collector: _Collector, here: Path_, index: int, a: DefinitionList,
                      b: DefinitionList, where: str) -> None:
    if len(a.items) != len(b.items):
        raise _Refused(f"section '{where}', block {index + 1}: a definition list of "
                       f"{len(b.items)} terms where the source's has {len(a.items)}; add or "
                       "remove terms in the source")
    for n, (x, y) in enumerate(zip(a.items, b.items, strict=True)):
        collector.text((*here, n, "term"), x.term, y.term, "term", where)
        collector.text((*here, n, "definition"), x.definition, y.definition, "definition",
                       where)


def _caption(collector: _Collector, path: Path_, a: Any, b: Any, where: str) -> None:
    if (a.caption is None) != (b.caption is None):
        raise _Refused(f"section '{where}': a caption added or removed")
    if a.caption is not None:
        collector.text((*path, "caption"), a.caption, b.caption, "caption", where)


def _describe(blocks: Any) -> str:
    names = {"Paragraph": "paragraph", "BulletList": "bulleted list", "NumberedList":
             "numbered list", "Quote": "quotation", "Table": "table", "Figure": "figure",
             "Callout": "callout", "DefinitionList": "definition list"}
    return "[" + ", ".join(names[_kind(b)] for b in blocks) + "]"


def _align_sections(ours: list[tuple[int, Section, Path_]],
                    theirs: list[tuple[int, DraftSection]]
                    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """The source's sections paired with the document's by level and title (a section of
    the same level in the same place whose title changed is a pair too); the document's
    sections no source section pairs with (added), and the source's (removed)."""
    mine = [(level, " ".join(section.title.split())) for level, section, _ in ours]
    yours = [(level, section.title) for level, section in theirs]
    pairs: list[tuple[int, int]] = []
    added: list[int] = []
    removed: list[int] = []
    matcher = difflib.SequenceMatcher(None, mine, yours, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        common = 0
        if tag in ("equal", "replace"):
            while (common < min(i2 - i1, j2 - j1)
                   and mine[i1 + common][0] == yours[j1 + common][0]):
                common += 1
        pairs += [(i1 + k, j1 + k) for k in range(common)]
        removed += range(i1 + common, i2)
        added += range(j1 + common, j2)
    return pairs, added, removed


def _parent(entries: list[Any], index: int) -> int | None:
    """The index of the section that holds entries[index] (None at the top level)."""
    level = entries[index][0]
    for back in range(index - 1, -1, -1):
        if _part(entries[back][0]) != _part(level):
            return None  # the part's first top-level section: nothing holds it
        if entries[back][0] < level:
            return back
    return None


def _sections_changed(collector: _Collector, ours: list[tuple[int, Section, Path_]],
                      theirs: list[tuple[int, DraftSection]], added: list[int],
                      removed: list[int], paired: dict[int, int]) -> None:
    """Sections added in Word, put into the source; sections removed, taken out."""
    theirs_paired = {j: i for i, j in paired.items()}
    _refuse_moves(ours, theirs, added, removed)
    gone = set(removed)
    for i in removed:
        parent = _parent(ours, i)
        if parent is not None and parent in gone:
            continue  # it goes with its parent
        descendants = range(i + 1, len(ours))
        for k in descendants:
            if ours[k][0] <= ours[i][0] or _part(ours[k][0]) != _part(ours[i][0]):
                break
            if k not in gone:
                raise _Refused(f"section '{ours[i][1].title}' is gone from the Word document "
                               f"but '{ours[k][1].title}' inside it is not: move sections "
                               "in the source")
        collector.edits.append(_Edit(ours[i][2], None, "section", ours[i][1].title,
                                     change="delete"))
    new = set(added)
    for j in added:
        parent = _parent(theirs, j)
        if parent is not None and parent in new:
            continue  # it comes with its parent
        if parent is not None and parent not in theirs_paired:
            raise _Refused(f"section '{theirs[j][1].title}': its place in the source is "
                           "unclear; add it in the source")
        siblings = [k for k in range(j - 1, -1, -1)
                    if theirs[k][0] == theirs[j][0] and _parent(theirs, k) == parent
                    and k in theirs_paired]
        index = int(ours[theirs_paired[siblings[0]]][2][-1]) + 1 if siblings else 0
        base: Path_ = ((_part(theirs[j][0]),) if parent is None
                       else (*ours[theirs_paired[parent]][2], "sections"))
        collector.edits.append(_Edit((*base, index), _new_section(collector, theirs[j][1]),
                                     "section", theirs[j][1].title, change="insert"))


def _refuse_moves(ours: list[tuple[int, Section, Path_]],
                  theirs: list[tuple[int, DraftSection]], added: list[int],
                  removed: list[int]) -> None:
    """A section gone from one part and come into another (the contents deleted in Word
    makes the front matter body sections; an annex's label deleted, a body section):
    which part it belongs to is the source's to say."""
    gone = {" ".join(ours[i][1].title.split()): ours[i][0] for i in removed}
    for j in added:
        level, section = theirs[j]
        was = gone.get(" ".join(section.title.split()))
        if was is not None and _part(was) != _part(level):
            raise _Refused(f"section '{section.title}' moved from {_PART_NAMES[_part(was)]} "
                           f"to {_PART_NAMES[_part(level)]} in the Word document (a "
                           "contents or an annex's label deleted?): move sections in the "
                           "source")


def _new_section(collector: _Collector, section: DraftSection) -> CommentedMap:
    data = CommentedMap(id=collector.ids[section.id], title=section.title)
    if section.blocks:
        data["blocks"] = CommentedSeq(
            _new_block(collector, map_content(block, collector.remap), section.title)
            for block in section.blocks)
    if section.sections:
        data["sections"] = CommentedSeq(_new_section(collector, child)
                                        for child in section.sections)
    return data


def _fresh_ids(theirs: list[tuple[int, DraftSection]], added: list[int],
               taken: TakenIds) -> dict[str, str]:
    """Ids for the sections added in Word, unique among the source's (in lower case)."""
    fresh = {}
    for j in added:
        section = theirs[j][1]
        base = section.id if section.id.lower() not in taken else title_id(section.title)
        fresh[section.id] = unique_id(base, taken)
    return fresh


def _labels(report: Report) -> dict[str, str]:
    """What an automatic reference to each section, table and figure prints."""
    document = Document.of(report)
    return {**{anchor.section.id: anchor.reference for anchor in document.outline},
            **{ident: block.label for ident, (block, _) in document.blocks.items()}}


def _block_ids(report: Report, draft: Draft) -> tuple[dict[str, str], set[str]]:
    """The document's table and figure ids -> the source's, paired in reading order
    when both have as many tables and figures, else by their captions; and the ids of
    the source's that pair with one of the document's (a reference may no longer lead
    to it in Word, which gives it no id)."""
    ours = [b for b in report_blocks(report) if isinstance(b, Table | Figure)]
    theirs = [b for part in draft.parts for _, section in _walk(part)
              for b in nested_blocks(tuple(section.blocks)) if isinstance(b, Table | Figure)]
    if len(ours) == len(theirs):
        pairs = [(a, b) for a, b in zip(ours, theirs, strict=True) if type(a) is type(b)]
    else:
        # A table or figure added or deleted in Word: the others pair by their captions.
        by_caption = {(type(a), tuple(runs(a.caption))): a for a in ours if a.caption}
        pairs = [(by_caption[key], b) for b in theirs if b.caption
                 and (key := (type(b), tuple(runs(b.caption)))) in by_caption]
    return {b.id: a.id for a, b in pairs if a.id and b.id}, {a.id for a, _ in pairs if a.id}


def _refuse_gone_targets(report: Report, kept: set[str]) -> None:
    """A table or figure deleted in Word that a reference of the source leads to: the
    reference would lead nowhere (or, read back, to the section holding its caption)."""
    targets = {ref.target_id for content in report.contents()
               for ref in cross_references(content)}
    for _, section in report.walk():
        for block in nested_blocks(section.blocks):
            if isinstance(block, Table | Figure) and block.id in targets - kept:
                kind = "table" if isinstance(block, Table) else "figure"
                raise _Refused(f"section '{section.title}': the {kind} '{block.id}' is gone "
                               "from the Word document (or its caption changed) and a "
                               "reference leads to it: delete it and its references in the "
                               "source")


def _captions_of_deleted_blocks(report: Report, draft: Draft, docx: Path) -> list[str]:
    """The captions Word left behind when a table or figure was deleted (a table is
    selected without the caption paragraph above it), in a section or in a callout: a
    caption read as a paragraph that is a source table's or figure's, label and words,
    none of the document's tables or figures carrying its words any more. It goes with
    its table: its words are the editions' label and the deleted table's caption, never
    a paragraph the writer wrote; the notice says so, where it stood. Any other caption
    read as a paragraph stays one, said (a writer who did mean a paragraph sees why it
    is one), as does one whose section or callout it would leave empty."""
    def words(content: Inlines | None) -> str:  # a reference's target is the draft's id
        return " ".join(plain(content or ()).split())

    ours = [b for b in report_blocks(report) if isinstance(b, Table | Figure) and b.caption]
    theirs = {(type(b), words(b.caption)) for _, section in _draft_walk(draft)
              for b in nested_blocks(tuple(section.blocks)) if isinstance(b, Table | Figure)}
    places = _block_places(draft)
    left: dict[int, int] = {}  # a section's or callout's id() -> what it still holds
    gone: set[int] = set()  # the captions' paragraphs removed, by id()
    notices = []
    for alone in draft.captions_alone:
        said = words(alone.paragraph.content)
        deleted = next((b for b in ours if b.label == alone.label and words(b.caption) == said
                        and (type(b), said) not in theirs), None)
        section, callout = places.get(id(alone.paragraph), (None, None))
        holder = id(callout or section)
        if section is not None:
            left.setdefault(holder, len(callout.blocks) if callout is not None
                            else len(section.blocks) + len(section.sections))
        if deleted is None or section is None or left[holder] < 2:
            notices.append(caption_alone_notice(docx, alone))
            continue
        left[holder] -= 1
        gone.add(id(alone.paragraph))
        kind = "table" if isinstance(deleted, Table) else "figure"
        notices.append(f"{docx}: {alone.place}: the caption of a {kind} deleted in Word "
                       f"({deleted.label}): removed with its {kind}")
    for _, section in _draft_walk(draft) if gone else ():
        section.blocks = _without(section.blocks, gone)
    return notices


def _block_places(draft: Draft) -> dict[int, tuple[DraftSection, Callout | None]]:
    """Each of the document's blocks, by id(), to its section and the callout it stands
    in (None for a section's own block)."""
    places: dict[int, tuple[DraftSection, Callout | None]] = {}
    for _, section in _draft_walk(draft):
        for block in section.blocks:
            places[id(block)] = (section, None)
            if isinstance(block, Callout):
                places.update((id(inner), (section, block)) for inner in block.blocks)
    return places


def _without(blocks: list[Any], gone: set[int]) -> list[Any]:
    """`blocks` without those whose id() is in `gone`, a callout's own blocks too."""
    return [dataclasses.replace(b, blocks=tuple(_without(list(b.blocks), gone)))
            if isinstance(b, Callout) and any(id(inner) in gone for inner in b.blocks) else b
            for b in blocks if id(b) not in gone]


def _said_of_another_report(refused: InputError, docx: Path, source: Path,
                            report: Report) -> InputError:
    """`refused`, saying so when `docx` is an edition of another report (its identifier
    is neither the source's nor its ISBN's): a document whose headings match nothing
    is refused for its first mismatch, which would otherwise send the writer looking
    for annexes or sections to fix."""
    meta = report.metadata
    try:
        identifier = edition_identifier(read_package(docx))
    except InputError:
        return refused
    if identifier is None or identifier in (meta.identifier, meta.isbn_urn):
        return refused
    said = (f"it is an edition of another report (its identifier is '{identifier}'; "
            f"{source.name}'s is '{meta.identifier}'): update the source it was made from")
    return InputError([dataclasses.replace(problem, message=f"{problem.message}; {said}")
                       for problem in refused.problems])


def collect_edits(report: Report, draft: Draft) -> list[_Edit]:
    """Every text the Word document changed, with its path in the source's data."""
    ours = _source_walk(report)
    theirs = _draft_walk(draft)
    pairs, added, removed = _align_sections(ours, theirs)
    if len(pairs) * 2 < len(ours):
        # Most sections unmatched: another document, not an edited edition of this source.
        raise _Refused(f"only {len(pairs)} of the source's {len(ours)} sections are in the "
                       "Word document: is it an edition of this source? Import it as a new "
                       "source (without --update)")
    ids = {theirs[j][1].id: ours[i][1].id for i, j in pairs}
    ids.update(_fresh_ids(theirs, added, TakenIds(s.id.lower() for _, s, _ in ours)))
    block_ids, kept = _block_ids(report, draft)
    _refuse_gone_targets(report, kept)
    ids.update(block_ids)
    collector = _Collector(ids, _labels(report))
    _sections_changed(collector, ours, theirs, added, removed, dict(pairs))
    meta = report.metadata
    collector.plain(("metadata", "title"), meta.title, draft.title or meta.title, "title",
                    "metadata")
    if meta.subtitle is not None and draft.subtitle is not None:
        collector.plain(("metadata", "subtitle"), meta.subtitle, draft.subtitle, "subtitle",
                        "metadata")
    if bool(draft.lead) != bool(report.lead):
        raise _Refused(f"the Word document has {len(draft.lead)} lead paragraphs, the source "
                       f"{len(report.lead)}: add or remove the lead in the source")
    lead = [collector.remap(content) for content in draft.lead]
    _sequence(collector, [p.content for p in report.lead], lead, ("lead",), "lead",
              "lead paragraph",
              lambda i, a, b: collector.text(("lead", i), a, b, "lead paragraph", "lead"),
              lambda content: to_markup(content))
    for i, j in pairs:
        (_, section, path), (_, drafted) = ours[i], theirs[j]
        collector.plain((*path, "title"), section.title, drafted.title, "section title",
                        section.title)
        _blocks(collector, section.blocks, drafted.blocks, (*path, "blocks"), section.title)
    return collector.edits


# --- the YAML ------------------------------------------------------------------------


def _yaml(indent: tuple[int, int, int]) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a scalar: folded ones keep their own line breaks
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (2, 4, 4), (4, 6, 4), (4, 4, 0), (3, 5, 3))


def _fitting_yaml(text: str) -> YAML:
    """The ruamel.yaml settings under which its output of `text` differs from `text` least."""
    best: tuple[int, YAML] | None = None
    for indent in _INDENTS:
        yaml = _yaml(indent)
        dumped = _dump(yaml, yaml.load(text))
        if dumped == text:
            return yaml
        distance = sum(1 for line in difflib.ndiff(text.splitlines(), dumped.splitlines())
                       if line[:1] in "+-")
        if best is None or distance < best[0]:
            best = (distance, yaml)
    assert best is not None
    return best[1]


def _as_text(text: str) -> Any:
    """`text`, quoted where the source's loader (YAML 1.1: yes, no, on, 1e3) would read a
    plain scalar as something else; ruamel.yaml writes YAML 1.2, which would not quote it."""

    try:
        reads = pyyaml.safe_load(f"k: {text}") if text and "\n" not in text else None
    except pyyaml.YAMLError:
        reads = None
    return text if reads == {"k": text} else DoubleQuotedScalarString(text)


def _styled(old: Any, text: str, width: int, column: int) -> Any:
    """`text` in the scalar style `old` was written in."""
    if isinstance(old, FoldedScalarString):
        new = FoldedScalarString(text)
        # Fold where the source's own lines would end, at a space ( a fold is a space).
        positions, start = [], 0
        limit = max(40, width - column)
        while len(text) - start > limit:
            cut = text.rfind(" ", start + 1, start + limit + 1)
            if cut <= start:
                cut = text.find(" ", start + limit)
            if cut < 0:
                break
            if text[cut - 1] == " " or (cut + 1 < len(text) and text[cut + 1] == " "):
                start = cut + 1  # folding next to another space would change the text
                continue
            positions.append(cut)
            start = cut + 1
        new.fold_pos = positions
        return new
    for kind in (LiteralScalarString, DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, kind):
            return kind(text)
    return _as_text(text)


def _set(data: Any, path: Path_, text: str, width: int) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    old = parent[key]
    try:
        column = (parent.lc.key(key)[1] if isinstance(parent, CommentedMap)
                  else parent.lc.item(key)[1]) + 2
    except (AttributeError, KeyError, TypeError, IndexError):
        column = 8
    parent[key] = _styled(old, text, width, column)


def _restructure(data: Any, edits: list[_Edit], width: int) -> None:
    """Blocks and list items added and removed, each sequence from its end, so that the
    indices of the source that the edits name stay right while they are applied."""
    by_sequence: dict[Path_, list[_Edit]] = {}
    for edit in edits:
        by_sequence.setdefault(edit.path[:-1], []).append(edit)
    # Deeper and later sequences first: changing one never moves another still to change.
    def position(path: Path_) -> tuple[tuple[int, int | str], ...]:
        return tuple((0, part) if isinstance(part, int) else (1, part) for part in path)

    for path in sorted(by_sequence, key=position, reverse=True):
        group = by_sequence[path]
        sequence = data
        if path[0] in SECTION_PARTS and path[0] not in data:
            _add_part(data, str(path[0]))  # the source's first front section or annex
        for part in path:
            if part == "sections" and isinstance(sequence, CommentedMap) \
                    and part not in sequence:
                sequence[part] = CommentedSeq()  # a section's first subsection
            sequence = sequence[part]
        inserts: dict[int, list[Any]] = {}
        for edit in group:
            if edit.change == "insert":
                inserts.setdefault(int(edit.path[-1]), []).append(edit.text)
        deletes = {int(edit.path[-1]) for edit in group if edit.change == "delete"}
        # Within one index: the item there goes, then what comes before it is put in.
        for index in sorted(set(inserts) | deletes, reverse=True):
            if index in deletes:
                del sequence[index]
            for value in reversed(inserts.get(index, [])):
                sequence.insert(index, _fold_new(value, width))


#: The source's top-level keys in the order the schema gives them.
_TOP_LEVEL = ("metadata", "lead", *SECTION_PARTS)


def _add_part(data: CommentedMap, part: str) -> None:
    """An empty `part` (front matter, appendices) put where the schema orders it."""
    later = _TOP_LEVEL[_TOP_LEVEL.index(part) + 1:]
    keys = list(data)
    position = next((keys.index(key) for key in keys if key in later), len(keys))
    data.insert(position, part, CommentedSeq())


def _fold_new(value: Any, width: int) -> Any:
    """A new block's long texts folded as the source's own are (`>-`)."""
    if isinstance(value, str) and not isinstance(value, DoubleQuotedScalarString):
        return (_styled(FoldedScalarString(""), value, width, 12) if len(value) > 72
                else _as_text(value))
    if isinstance(value, CommentedMap):
        for key in value:
            value[key] = _fold_new(value[key], width)
    elif isinstance(value, CommentedSeq):
        flow = value.fa.flow_style() is True
        for index, item in enumerate(value):
            value[index] = (_as_text(item) if flow and isinstance(item, str)
                            else _fold_new(item, width))
    return value


def merge(original: str, before: str, after: str) -> str:
    """`original` with the changes that turn `before` into `after` (line by line):
    `before` and `after` are ruamel.yaml's outputs of the unedited and the edited tree."""
    o, b, a = (t.splitlines(keepends=True) for t in (original, before, after))
    mapping: dict[int, int] = {}  # a line of `before` -> the same line of `original`
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, b, o, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                mapping[i1 + k] = j1 + k
    out: list[str] = []
    position = 0  # in `original`, up to which it has been copied
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b, a,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # Widen the hunk to lines of `before` that stand in `original` as they are.
        start, end = i1, i2
        while start > 0 and start - 1 not in mapping:
            start -= 1
        while end < len(b) and end not in mapping:
            end += 1
        o_start = mapping[start - 1] + 1 if start > 0 else 0
        o_end = mapping[end] if end < len(b) else len(o)
        if o_start < position:
            raise ValueError("overlapping changes")
        out += o[position:o_start]
        out += b[start:i1] + a[j1:j2] + b[i2:end]
        position = o_end
    out += o[position:]
    return "".join(out)


def update_source(docx: Path, source: Path, changes: Decision = None
                  ) -> tuple[Imported, list[str], str]:
    """Put the text of `docx` into `source`: the import, a summary, and the unified diff."""
    raw = read_bounded(source, what="a YAML file")
    report, _ = read_report(source)
    meta = report.metadata
    titles = frozenset(" ".join(section.title.split()) for _, section, _ in _source_walk(report))
    try:
        imported = read_word(docx, changes, Layout(meta.numbered_sections,
                                                   len(report.appendices), meta.labels,
                                                   len(report.sections), titles))
        imported.notices += _captions_of_deleted_blocks(report, imported.draft, docx)
        try:
            edits = collect_edits(report, imported.draft)
        except _Refused as exc:
            raise InputError([Problem(docx, None, "", f"cannot update {source}: {exc}")]
                             ) from None
    except InputError as exc:
        raise _said_of_another_report(exc, docx, source, report) from None
    if not edits:
        return imported, [f"{source}: unchanged (the Word document holds its text)"], ""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    yaml = _fitting_yaml(text)
    data = yaml.load(text)
    before = _dump(yaml, data)
    width = min(100, max(60, max(len(line) for line in text.splitlines())))
    for edit in edits:
        if edit.change == "set":
            _set(data, edit.path, edit.text, width)
    _restructure(data, [edit for edit in edits if edit.change != "set"], width)
    after = _dump(yaml, data)
    kept = True
    try:
        result = merge(text, before, after)
        reader = YAML(typ="safe")
        if reader.load(result) != reader.load(after):
            raise ValueError("the merged text reads otherwise")
    except ValueError:
        result, kept = after, False  # ruamel.yaml's own output: values right, layout its own
    written = (("\ufeff" if bom else "") + (result.replace("\n", "\r\n") if crlf else result))
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True),
                                        result.splitlines(keepends=True),
                                        fromfile=str(source), tofile=str(source)))
    # Checked beside it before it is written: its images are found from its folder.
    try:
        check_loads(written, source.parent, source, "after the update")
    except InputError as exc:  # the update's notes often say why: they are not lost
        raise InputError(exc.problems, imported.notices) from None
    write_atomically(source, written.encode("utf-8"))
    summary = _summary(source, edits)
    if not kept:
        summary.append(f"{source}: the edits could not be put in without ruamel.yaml laying "
                       "out the whole file anew: see the diff (--diff)")
    return imported, summary, diff


def _summary(source: Path, edits: list[_Edit]) -> list[str]:
    """'updated 2 paragraphs, 1 note; added 1 paragraph; in 2 sections', then each edit."""
    groups: dict[str, dict[str, int]] = {"updated": {}, "added": {}, "removed": {}}
    sections: set[str] = set()
    for edit in edits:
        verb = _VERBS[edit.change]
        kind = _added_kind(edit) if edit.change != "set" else edit.what
        groups[verb][kind] = groups[verb].get(kind, 0) + 1
        if edit.notes_changed and edit.what != "note":
            groups["updated"]["note"] = groups["updated"].get("note", 0) + edit.notes_changed
        if edit.where not in ("metadata", "lead"):
            sections.add(edit.where)
    said = "; ".join(f"{verb} " + ", ".join(f"{n} {kind}{'s' * (n != 1)}"
                                             for kind, n in counts.items())
                     for verb, counts in groups.items() if counts)
    lines = [f"{source}: {said}; in {len(sections)} section{'s' * (len(sections) != 1)}"]
    lines += [f"  {_added_kind(edit) if edit.change != 'set' else edit.what} "
              f"{_VERBS[edit.change]} at {_where(edit.path)} ({edit.where})" for edit in edits]
    return lines


_VERBS = {"set": "updated", "insert": "added", "delete": "removed"}


def _added_kind(edit: _Edit) -> str:
    if edit.what != "block" or edit.change == "delete":
        return edit.what
    if isinstance(edit.text, CommentedMap) and "id" in edit.text:
        return "section"
    if isinstance(edit.text, CommentedMap) and edit.text:
        return {"paragraph": "paragraph", "bullets": "list", "numbered": "list",
                "quote": "quotation", "table": "table", "callout": "callout",
                "definitions": "definition list"}.get(next(iter(edit.text)), "block")
    return "block"


def _where(path: Path_) -> str:
    return format_path(path)



