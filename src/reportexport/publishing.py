"""Publishing editions: written beside their final names, renamed into place all or none.

A build writes each edition to a staging file in the folder of its final name
and renames the staging files over the final names only once every edition is
written. This module names, checks and cleans up those files, and does the
renaming so that it either completes for every edition or leaves every final
name as it was.

Staging files are named `.NAME.HOST-PID.RANDOM.tmp`, after the edition's file
name and the building process, so that a later build can tell a file left by a
build that was killed (its process is gone) from one a build running beside it
is still writing (its process is alive), and remove only the first. Two builds
publishing into one folder take turns (a lock on the folder), so that neither
leaves a mix of its editions and the other's.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from reportexport.source.problems import OutputError

Staged = tuple[Path, Path]  # (staging file, final path)

#: Signals that stop a build: it cleans up, then they take effect.
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _host() -> str:
    import socket

    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"


def _owner() -> str:
    """This process, as staging file names carry it: HOST-PID."""
    return f"{_host()}-{os.getpid()}"


def _staging_pattern(final: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(final.name)}\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)"
                      r"\.[A-Za-z0-9_]+\.tmp")


def staging_file(final: Path) -> Path:
    """A new, empty staging file beside `final`, for its edition to be written to."""
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.{_owner()}.", suffix=".tmp",
                                    dir=final.parent)
    os.close(handle)
    return Path(name)


def prepare_folder(out_dir: Path) -> None:
    """Create the output folder if missing; a file where it or a parent should be is an
    OutputError (the user's input), any other refusal the OSError the system gave."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((folder for folder in (out_dir, *out_dir.parents)
                         if os.path.lexists(folder) and not folder.is_dir()), out_dir)
        what = "a symbolic link to no folder" if blocking.is_symlink() else "a file"
        raise OutputError(f"{out_dir}: cannot be the output folder: {blocking} is {what}, "
                          "not a folder") from None


def destinations(finals: Mapping[str, Path], inputs: Iterable[Path] = ()) -> dict[str, Path]:
    """Where each format's edition will be published, checked before anything is written.

    `finals` maps a format's name to the file name asked for. A symbolic link
    there is followed (the edition replaces the file it points to, as writing
    to the link would), so the edition is staged and renamed beside that file.
    A folder or other non-file in the way, a link that loops or points into a
    missing folder, or two formats given the same file raise OutputError; an
    existing edition this process may not replace, PermissionError. An edition
    that would replace one of `inputs` (the source, the theme, a font, an image,
    a template: through a link, or named so) raises OutputError too.
    """
    read = list(inputs)
    real: dict[str, Path] = {}
    for name, final in finals.items():
        target = _followed(final)
        _check_replaceable(name, final, target)
        for file in read:
            if _same_file(target, file):
                raise OutputError(f"{final}: is {file}, which this build reads; the "
                                  f"{name.upper()} edition would replace it: write it elsewhere")
        for other, seen in real.items():
            if _same_file(seen, target):
                raise OutputError(f"{final}: the {other.upper()} and {name.upper()} editions "
                                  "would both be written to this file; give them different "
                                  "names")
        real[name] = target
    return real


def _followed(final: Path) -> Path:
    if not final.is_symlink():
        return final
    try:
        target = final.resolve()
    except (RuntimeError, OSError):  # a loop (RuntimeError before Python 3.13)
        raise OutputError(f"{final}: is a symbolic link that loops") from None
    if not target.parent.is_dir():
        raise OutputError(f"{final}: is a symbolic link to {target}, whose folder does not "
                          "exist")
    return target


def _check_replaceable(name: str, final: Path, target: Path) -> None:
    shown = f"{final} (a link to {target})" if target != final else str(final)
    if target.is_dir():
        raise OutputError(f"{shown}: is a folder, in the way of the {name.upper()} edition; "
                          "remove it, or write the edition elsewhere with -o")
    if target.exists() and not target.is_file():
        raise OutputError(f"{shown}: is not a regular file, and the {name.upper()} edition "
                          "cannot replace it; remove it, or write the edition elsewhere with -o")
    if target.exists() and not os.access(target, os.W_OK):
        # Renaming over it would work on POSIX, but the file was made read-only for a
        # reason, and Windows refuses: the edition is refused alike everywhere.
        raise PermissionError(errno.EACCES, "Permission denied (a read-only file)", str(shown))


def _same_file(one: Path, other: Path) -> bool:
    if os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other)):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing: not the same existing file
        return False


def remove_stale(finals: Iterable[Path]) -> list[Path]:
    """Remove the staging files that builds now gone left beside `finals`; return them.

    Only files of this naming pattern, for these file names, made on this host
    by a process that no longer runs: a build running beside this one into the
    same folder keeps its files.
    """
    host = _host()
    removed = []
    for final in finals:
        pattern = _staging_pattern(final)
        try:
            entries = list(os.scandir(final.parent))
        except OSError:
            continue
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match and match["host"] == host and not _running(int(match["pid"])):
                path = Path(entry.path)
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _running(pid: int) -> bool:
    """Whether process `pid` runs on this host; True when it cannot be told."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill would end the process there, not probe it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextmanager
def interrupts_held() -> Iterator[list[int]]:
    """SIGINT and SIGTERM wait for the block to end, then take effect as they would have.

    Yields the list of signals received meanwhile. Python sets signal handlers
    in the main thread only; elsewhere the block runs as is.
    """
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return

    def hold(signum: int, _frame: object) -> None:
        pending.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in STOPPING_SIGNALS}
    try:
        yield pending
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if pending:
            signal.raise_signal(pending[0])


class RollbackError(OSError):
    """Publishing failed, and some final name could not be put back as it was (exit 1)."""

    def __init__(self, cause: BaseException, lost: Sequence[tuple[Path, Path | None, OSError]]):
        what = "; ".join(
            f"the previous {final} could not be put back ({error.strerror or error}): it is "
            f"kept as {backup}" if backup is not None else
            f"the new {final} could not be removed ({error.strerror or error})"
            for final, backup, error in lost)
        super().__init__(f"publishing the editions failed ({cause or type(cause).__name__}) "
                         f"and could not be undone: {what}")
        self.lost = list(lost)


def publish(staged: Sequence[Staged]) -> None:
    """Rename every staging file over its final name: every one, or none.

    The file at each final name is first kept under a staging name (a hard
    link, or a copy where the file system has none). If a rename fails, or an
    interrupt arrives while renaming, the renamed ones are put back (a final
    name that was free is freed again), so the folder is as it was; the kept
    files are removed at the end. Interrupts wait for this to end.
    """
    kept: dict[Path, Path | None] = {}
    replaced: list[Path] = []
    # The turn is awaited before interrupts are held, so that Ctrl-C still stops a
    # build that waits for another to finish publishing.
    with _folders_locked(final for _, final in staged), interrupts_held() as pending:
        try:
            for _, final in staged:
                kept[final] = _keep_previous(final)
            for temporary, final in staged:
                os.replace(temporary, final)  # atomic within a folder
                replaced.append(final)
            if pending:  # an interrupted build publishes nothing: undo, then stop
                _roll_back(replaced, kept, KeyboardInterrupt())
                # Raised even where the caller's handler ignores the signal: the
                # build did not publish, and must not return as if it had.
                raise KeyboardInterrupt("interrupted while publishing; no edition was replaced")
        except BaseException as exc:
            _roll_back(replaced, kept, exc)
            raise
        finally:
            for backup in kept.values():
                if backup is not None:
                    backup.unlink(missing_ok=True)


@contextmanager
def _folders_locked(finals: Iterable[Path]) -> Iterator[None]:
    """Hold an exclusive lock on each folder the editions go to, in one order.

    The lock is taken on the folder itself (flock on its descriptor), so no lock
    file is left among the editions; it ends with the descriptor, even when the
    process is killed.
    """
    with ExitStack() as stack:
        for folder in sorted({final.parent.resolve() for final in finals}):
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            stack.callback(os.close, descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield


def _keep_previous(final: Path) -> Path | None:
    if not final.exists():
        return None
    # Not a staging name: after a failed rollback this may be the only copy of the
    # previous edition, which no later build's clean-up may take for its own leftovers.
    backup = final.with_name(f".{final.name}.{_owner()}.{secrets.token_hex(4)}.previous")
    try:
        os.link(final, backup)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network shares)
        shutil.copy2(final, backup)
    return backup


def _roll_back(replaced: list[Path], kept: dict[Path, Path | None], cause: BaseException) -> None:
    lost: list[tuple[Path, Path | None, OSError]] = []
    while replaced:
        final = replaced.pop()
        backup = kept.get(final)
        try:
            if backup is None:
                final.unlink()
            else:
                os.replace(backup, final)
        except OSError as error:
            lost.append((final, backup, error))
            kept[final] = None  # the only copy of the previous edition now: not removed
    if lost:
        raise RollbackError(cause, lost) from cause
