"""Reading a user's files within bounds: sources, themes, fonts, templates, editions.

Every file a user names may be anything: a device that never ends (`/dev/zero`),
a FIFO nobody writes to, a symbolic link that loops, a zip whose small members
inflate to gigabytes, XML that declares entities. Each is refused here with a
problem that names the file (and the part inside it), never read without a
bound, and never handed on to a library that would read it without one.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from reportexport.source.problems import InputError, Problem

if TYPE_CHECKING:
    from lxml import etree

#: The documented limit (docs/source-format.md) for every file a build or `inspect` reads.
MAX_INPUT_BYTES = 32 * 2**20
#: A zip's members together inflate to at most this much (each member at most
#: MAX_INPUT_BYTES): a Word template with its images is a few megabytes.
MAX_INFLATED_BYTES = 4 * MAX_INPUT_BYTES
#: A zip of more parts than this is refused before they are read: a Word document
#: has a few dozen, one per image besides.
MAX_MEMBERS = 10_000
_CHUNK = 2**16

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse(path: Path, message: str) -> InputError:
    """The error for one unlocated problem with the file `path`."""
    return InputError([Problem(path, None, "", message)])


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def _not_regular(path: Path, mode: int, what: str) -> InputError | None:
    for test, kind in _KINDS:
        if test(mode):
            return refuse(path, f"is {kind}, not {what}")
    if not stat.S_ISREG(mode):
        return refuse(path, f"is not a regular file, not {what}")
    return None


def _os_problem(path: Path, exc: OSError, what: str) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return refuse(path, "no such file")
    if isinstance(exc, PermissionError):
        return refuse(path, "cannot be read (permission denied)")
    if exc.errno == errno.ELOOP:
        return refuse(path, "is a symbolic link that leads round in a loop, not " + what)
    return refuse(path, f"cannot be read ({exc.strerror or exc})")


def check_regular(path: Path, what: str) -> int:
    """The size of `path` when it is a regular file (a symbolic link to one is fine);
    InputError naming what it is otherwise, without opening it."""
    try:
        status = os.stat(path)
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a NUL in the name
        if isinstance(exc, OSError):
            raise _os_problem(path, exc, what) from None
        raise refuse(path, f"cannot be read ({exc})") from None
    problem = _not_regular(path, status.st_mode, what)
    if problem is not None:
        raise problem
    return status.st_size


def _open_regular(path: Path, what: str) -> Any:
    """`path` opened for reading in binary, once it is known to be a regular file."""
    # O_NONBLOCK: should the path have been swapped for a FIFO since it was checked,
    # opening it does not wait for a writer; fstat below then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise _os_problem(path, exc, what) from None
    file = os.fdopen(descriptor, "rb", buffering=0)
    problem = _not_regular(path, os.fstat(descriptor).st_mode, what)
    if problem is not None:
        file.close()
        raise problem
    return file


def read_bounded(path: Path, limit: int = MAX_INPUT_BYTES, what: str = "a file") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    `what` names what the file should be ("a YAML file", "a font file"), for the
    message. Anything else (a folder, a device, a FIFO, a loop of links, a file
    larger than `limit`, even one that grows while it is read) raises InputError;
    no more than `limit` + 1 bytes are ever read.
    """
    size = check_regular(path, what)
    if size > limit:
        raise refuse(path, f"is {size / 2**20:.1f} MiB; the limit is {_mib(limit)}")
    with _open_regular(path, what) as file:
        try:
            data = _read_at_most(file, limit + 1)
        except OSError as exc:
            raise _os_problem(path, exc, what) from None
    if len(data) > limit:
        raise refuse(path, f"is more than {_mib(limit)}; that is the limit")
    return data


def read_start(path: Path, count: int, what: str, offset: int = 0) -> bytes:
    """At most `count` bytes of the regular file `path` from `offset` (a header)."""
    with _open_regular(path, what) as file:
        try:
            file.seek(offset)
            return _read_at_most(file, count)
        except OSError as exc:
            raise _os_problem(path, exc, what) from None


def _read_at_most(stream: Any, count: int) -> bytes:
    parts: list[bytes] = []
    left = count
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def open_zip(data: bytes, path: Path, what: str) -> zipfile.ZipFile:
    """The zip archive `data` (read from `path`), or InputError saying it is not `what`."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise refuse(path, f"not {what}: it is no zip archive") from None


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, path: Path,
                limit: int = MAX_INPUT_BYTES) -> bytes:
    """The member `name` of `archive` (read from `path`), inflated to at most `limit` bytes.

    The size the archive declares is checked before inflating, and the bytes
    inflated are counted while reading, since a crafted archive may understate it.
    """
    try:
        info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    except KeyError:
        raise refuse(path, f"has no part '{name}'") from None
    too_large = refuse(path, f"part '{info.filename}' inflates to more than {_mib(limit)}; "
                             "that is the limit")
    if info.file_size > limit:
        raise too_large
    try:
        with archive.open(info) as member:
            data = _read_at_most(member, limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError,
            EOFError, OSError) as exc:  # a corrupt stream, an unknown method, a password
        raise refuse(path, f"part '{info.filename}' cannot be read ({exc})") from None
    if len(data) > limit:
        raise too_large
    return data


def check_declared_sizes(archive: zipfile.ZipFile, path: Path,
                         limit: int = MAX_INPUT_BYTES, total: int = MAX_INFLATED_BYTES) -> None:
    """Refuse, before inflating anything, an archive of more than MAX_MEMBERS members or
    whose members declare more than `limit` bytes each or `total` in all
    (`read_member` counts what they really give)."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(path, f"holds {len(infos)} parts; the limit is {MAX_MEMBERS}")
    for info in infos:
        if info.file_size > limit:
            raise refuse(path, f"part '{info.filename}' inflates to more than {_mib(limit)}; "
                               "that is the limit")
    declared = sum(info.file_size for info in infos)
    if declared > total:
        raise refuse(path, f"its parts inflate to {declared / 2**20:.0f} MiB in all; "
                           f"the limit is {_mib(total)}")


def safe_parser() -> Any:
    """An lxml parser for XML from a user: nothing expanded, fetched or loaded (no DTD)."""
    from lxml import etree

    # Entities are never expanded and nothing is fetched; a DTD is refused below.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False)


def _text(data: bytes) -> str:
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    return data.decode("utf-16" if utf16 else "utf-8", errors="replace")


def _declares_dtd(data: bytes) -> bool:
    """A look at the text for a document type declaration, for XML lxml cannot parse."""
    text = _text(data)
    return "<!DOCTYPE" in text or "<!ENTITY" in text


_BARE_DOCTYPE = re.compile(r"<!DOCTYPE\s+[\w:.-]+\s*>")


def _bare_doctype(data: bytes) -> bool:
    """True for a declaration that names the root and nothing else (`<!DOCTYPE html>`,
    which XHTML carries): no internal subset, so no entity, and nothing to fetch."""
    text = _text(data)
    start = text.find("<!DOCTYPE")
    return bool(_BARE_DOCTYPE.match(text, start)) and text.find("<!DOCTYPE", start + 1) < 0


@overload
def parse_xml(data: bytes, path: Path, part: str, *, well_formed: Literal[True] = True,
              bare_doctype: bool = False) -> etree._Element: ...


@overload
def parse_xml(data: bytes, path: Path, part: str, *, well_formed: bool,
              bare_doctype: bool = False) -> etree._Element | None: ...


def parse_xml(data: bytes, path: Path, part: str, *, well_formed: bool = True,
              bare_doctype: bool = False) -> etree._Element | None:
    """The XML part `part` of `path`, parsed without expanding or fetching anything.

    A document type declaration is refused: its entities would not be expanded,
    and their references would be copied into an edition no reader can open
    (`bare_doctype` lets XHTML's `<!DOCTYPE html>` through). XML that is not
    well-formed is refused too, or, with `well_formed=False`, left to whoever
    reads it (None).
    """
    from lxml import etree

    dtd = refuse(path, f"part '{part}' declares a document type (<!DOCTYPE>); XML with "
                       "a DTD or entities is refused")
    try:
        root: etree._Element = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        if _declares_dtd(data):
            raise dtd from None
        if not well_formed:
            return None
        raise refuse(path, f"part '{part}' is not well-formed XML ({exc})") from None
    docinfo = root.getroottree().docinfo
    # lxml-stubs leave out DocInfo.doctype, which lxml has (a str, "" when none is declared).
    doctype: str = docinfo.doctype  # type: ignore[attr-defined]
    declared = doctype or docinfo.internalDTD is not None \
        or docinfo.externalDTD is not None
    if declared and not (bare_doctype and _bare_doctype(data)):
        raise dtd
    return root


def looks_like_xml(data: bytes) -> bool:
    """True for bytes that begin as an XML document does (after a BOM and white space)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
