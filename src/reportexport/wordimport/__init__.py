"""`reportexport import`: a Word document into a new source, or back into an existing one.

package.py reads the DOCX within bounds, marks.py handles reviewers' marks, reader.py
turns the body into the source's blocks, newsource.py writes a new source and
update.py puts the Word text back into an existing one (ruamel.yaml round trip).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reportexport.model import Callout, Figure, Paragraph, Table, Text, nested_blocks
from reportexport.source.inputfiles import refuse
from reportexport.source.problems import InputError, Problem
from reportexport.support.filemodes import new_file_mode
from reportexport.wordimport.apparatus import Layout
from reportexport.wordimport.marks import Comment, comments, resolve_changes, tracked_changes
from reportexport.wordimport.package import WordPackage, read_package
from reportexport.wordimport.reader import Draft, DraftSection, read_draft

Decision = Literal["accept", "reject"] | None


@dataclass
class Imported:
    """What an import read: the draft, the reviewers' comments, and what it says."""

    draft: Draft
    comments: list[Comment] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def read_word(path: Path, changes: Decision = None, layout: Layout | None = None) -> Imported:
    """The DOCX at `path` read into a Draft; InputError for bad input or pending changes.
    `layout`: what the source it is read back into says of its headings."""
    package: WordPackage = read_package(path)
    pending = tracked_changes(package)
    notices: list[str] = []
    if pending:
        if changes is None:
            places = sorted({c.where for c in pending}, key=_place_order)
            shown = ", ".join(places[:10]) + (" …" if len(places) > 10 else "")
            inserted = sum(c.kind == "insertion" for c in pending)
            raise refuse(path, (
                f"has {len(pending)} tracked change{'s' * (len(pending) != 1)} pending "
                f"({inserted} insertion{'s' * (inserted != 1)}, {len(pending) - inserted} "
                f"deletion{'s' * (len(pending) - inserted != 1)}) in {shown}; give "
                "--accept-changes or --reject-changes, or resolve them in Word"))
        resolve_changes(package, changes)
        notices.append(f"{path}: {len(pending)} tracked change{'s' * (len(pending) != 1)} "
                       f"{'accepted' if changes == 'accept' else 'rejected'}")
    found = comments(package)
    draft = read_draft(package, layout)
    found = [dataclasses.replace(c, where=f"{c.where}, in section '{draft.section_at[n]}'")
             if (n := _number(c.where)) in draft.section_at else c for c in found]
    return Imported(draft, found, notices + draft.notices)


def _number(place: str) -> int:
    last = place.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _place_order(place: str) -> tuple[int, str]:
    number = place.rsplit(" ", 1)[-1]
    return (int(number), place) if number.isdigit() else (1 << 30, place)


def write_atomically(path: Path, data: bytes) -> None:
    """`data` into `path` through a temporary file in the same folder, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file 0600: a new file gets the mode any other would
        # (0644 under umask 022), one written over keeps its own.
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists()
                 else new_file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_loads(text: str, folder: Path, named: Path, failing: str) -> None:
    """`text` must load as a source in `folder` (where its images are found): written to
    a scratch file there and read, its problems said of `named` after `failing`."""
    from reportexport.source.reading import read_report

    handle, scratch = tempfile.mkstemp(dir=folder, prefix=f".{named.name}.", suffix=".yaml")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        read_report(Path(scratch))
    except InputError as exc:
        raise InputError([Problem(named, p.location, p.path, f"{failing}: {p.message}")
                          for p in exc.problems]) from None
    finally:
        Path(scratch).unlink(missing_ok=True)


def _check_new_source(target: Path, text: str, images: dict[str, bytes]) -> None:
    """The new source must load, with its images, before anything is written: read in a
    scratch folder (a source that does not load is no import)."""
    with tempfile.TemporaryDirectory(prefix="reportexport-import-") as scratch:
        folder = Path(scratch)
        for name, data in images.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        check_loads(text, folder, target, "the source made from the document does not "
                    "load, so it is not written")


def _leave_out_unreadable_pictures(imported: Imported, docx: Path) -> None:
    """The pictures the source could not use (bytes that open as a PNG's and then are
    none, say) left out of the draft, each said with the sections that showed it, as the
    source's own check of its images would find them."""
    from reportexport.source.images import ImageProblem, check_image

    draft = imported.draft
    bad: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="reportexport-import-") as scratch:
        for name, data in draft.images.items():
            (Path(scratch) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(scratch) / name).write_bytes(data)
            try:
                check_image(name, Path(scratch))
            except ImageProblem as exc:
                bad[name] = str(exc)
    if not bad:
        return
    if draft.logo in bad:
        draft.logo = None
    showing: dict[str, list[str]] = {name: [] for name in bad}

    def kept(blocks: Iterable[Any], title: str) -> list[Any]:
        out = []
        for block in blocks:
            if isinstance(block, Figure) and str(block.image) in bad:
                showing[str(block.image)].append(title)
            elif isinstance(block, Callout):
                inner = kept(block.blocks, title)
                out += [dataclasses.replace(block, blocks=tuple(inner))] if inner else []
            else:
                out.append(block)
        return out

    def visit(sections: list[DraftSection]) -> None:
        for section in sections:
            section.blocks = kept(section.blocks, section.title)
            visit(section.sections)
            if not section.blocks and not section.sections:  # never empty (see _finish)
                section.blocks = [Paragraph((Text(section.title),))]

    for part in draft.parts:
        visit(part)
    for name, problem in bad.items():
        del draft.images[name]
        places = ", ".join(f"'{title}'" for title in dict.fromkeys(showing[name]))
        imported.notices.append(f"{docx}: the picture {problem}; left out"
                                + (f" (in section {places})" if places else ""))


def _leave_out_lists_of_nothing(imported: Imported, docx: Path) -> None:
    """A list of figures (or tables) the document has, where the source keeps none of
    them (its only picture was linked, damaged, in a format the source cannot hold):
    left out of the source's lists and said, as the source refuses a list of nothing."""
    draft = imported.draft
    kept = {type(block) for part in draft.parts for section in _all_sections(part)
            for block in nested_blocks(tuple(section.blocks))}
    for kind, block_type in (("tables", Table), ("figures", Figure)):
        if kind in draft.lists and block_type not in kept:
            draft.lists.remove(kind)
            imported.notices.append(f"{docx}: the document's list of {kind}: the source "
                                    f"keeps no {kind[:-1]} to list; left out")


def _all_sections(sections: list[DraftSection]) -> Iterator[DraftSection]:
    for section in sections:
        yield section
        yield from _all_sections(section.sections)


def import_new(docx: Path, folder: Path, force: bool = False,
               changes: Decision = None) -> tuple[Imported, list[Path]]:
    """A new source `folder`/report.yaml and its images from the DOCX; the files written."""
    from reportexport.wordimport.newsource import source_text

    target = folder / "report.yaml"
    imported = read_word(docx, changes)
    _leave_out_unreadable_pictures(imported, docx)
    _leave_out_lists_of_nothing(imported, docx)
    planned: dict[Path, bytes] = {folder / name: data
                                  for name, data in imported.draft.images.items()}
    text = source_text(imported.draft, docx.name)
    try:
        _check_new_source(target, text, imported.draft.images)
    except InputError as exc:  # the import's notes often say why: they are not lost
        raise InputError(exc.problems, imported.notices) from None
    planned[target] = text.encode()
    if not force:
        existing = [path for path in planned if path.exists()]
        if existing:
            raise InputError([Problem(path, None, "", "already exists; give --force to "
                                      "overwrite it") for path in existing])
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(folder, None, "", "is a file, not a folder")])
    # The images first, the source last: a source is never left naming missing images.
    for path, data in planned.items():
        write_atomically(path, data)
    return imported, list(planned)
