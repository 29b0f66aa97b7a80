"""Publishing: all editions or none, whatever is in the way, fails midway or stops the build."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import DATA, FORMATS, SOURCE, run_cli
from reportexport import ExportError, build
from reportexport.building import Builder, output_path
from reportexport.model import Report
from reportexport.publishing import RollbackError, remove_stale
from reportexport.source.reading import load_report
from reportexport.theme import Theme

MINIMAL = DATA / "valid" / "minimal.yaml"


@pytest.fixture(scope="module")
def minimal() -> Report:
    return load_report(MINIMAL)


def _old_editions(report: Report, out: Path, formats: tuple[str, ...] = FORMATS
                  ) -> dict[Path, bytes]:
    """Stand-ins for editions a previous build left: what must survive a failed build."""
    out.mkdir(parents=True, exist_ok=True)
    old = {}
    for fmt in formats:
        path = output_path(report, f".{fmt}", out)
        path.write_bytes(f"the previous {fmt} edition".encode())
        old[path] = path.read_bytes()
    return old


def _staging_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def test_a_folder_in_the_way_of_one_edition_replaces_none(
        tmp_path: Path, minimal: Report, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from reportexport import building
    from reportexport.cli import main

    monkeypatch.setattr(building, "_free_cores", lambda: 1)  # this process: quick to start
    out = tmp_path / "dist"
    old = _old_editions(minimal, out, ("pdf", "docx"))
    blocked = output_path(minimal, ".epub", out)  # the last renamed: the others go first
    blocked.mkdir()
    assert main(["all", str(MINIMAL), "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert f"{blocked}: is a folder, in the way of the EPUB edition" in error
    assert "no edition was written" in error and "Traceback" not in error
    assert {path: path.read_bytes() for path in old} == old
    assert blocked.is_dir() and _staging_files(out) == []


def test_a_rename_failing_midway_puts_back_what_was_renamed(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    old = _old_editions(minimal, out, ("pdf",))  # the DOCX is new: it must go again
    before = _contents(out)
    _fail_renames(monkeypatch, out, {2})
    with pytest.raises(OSError, match="No space left"):
        build(minimal, theme, ["pdf", "docx"], out, parallel=False)
    assert _contents(out) == before
    assert {path: path.read_bytes() for path in old} == old


def test_a_rollback_that_fails_says_where_the_previous_edition_is(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    old = _old_editions(minimal, out, ("pdf", "docx"))
    pdf = output_path(minimal, ".pdf", out)
    _fail_renames(monkeypatch, out, {2, 3})  # the DOCX's rename, then putting the PDF back
    with pytest.raises(RollbackError) as failure:
        build(minimal, theme, ["pdf", "docx"], out, parallel=False)
    ((final, backup, _),) = failure.value.lost
    assert final == pdf and backup is not None
    assert f"the previous {pdf} could not be put back" in str(failure.value)
    assert f"it is kept as {backup}" in str(failure.value)
    assert backup.read_bytes() == old[pdf]  # not removed: the only copy left
    monkeypatch.undo()
    # Nor by the next build's clean-up, once this process is gone: it is no staging file.
    remove_stale([pdf])
    assert backup.exists()
    assert not backup.name.endswith(".tmp")


def test_an_interrupt_while_renaming_publishes_nothing(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C between two renames: the renames end, are undone, then the interrupt acts."""
    out = tmp_path / "dist"
    _old_editions(minimal, out)
    before = _contents(out)
    _interrupt_after_the_first_rename(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        build(minimal, theme, list(FORMATS), out, parallel=False)
    assert _contents(out) == before


def test_an_interrupt_while_renaming_raises_even_where_the_signal_is_ignored(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller whose SIGINT handler does not raise: the undone publish still
    raises, never returns the paths as if the editions were in place."""
    out = tmp_path / "dist"
    _old_editions(minimal, out)
    before = _contents(out)
    _interrupt_after_the_first_rename(monkeypatch)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with pytest.raises(KeyboardInterrupt):
            build(minimal, theme, list(FORMATS), out, parallel=False)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert _contents(out) == before


def test_an_edition_that_would_replace_the_source_is_refused(tmp_path: Path) -> None:
    """An edition's name that is a link to the source (or named as the source) would
    overwrite what the build reads: refused before anything is written."""
    source = tmp_path / "report.yaml"
    source.write_bytes((DATA / "valid" / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (out / "t.pdf").symlink_to(source)
    result = run_cli("pdf", source, "-o", out / "t.pdf")
    assert result.code == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"is {source}, which this build reads" in result.stderr
    assert source.read_bytes() == (DATA / "valid" / "minimal.yaml").read_bytes()
    assert sorted(path.name for path in out.iterdir()) == ["t.pdf"]


def _interrupt_after_the_first_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C arrives right after the first edition is renamed into place."""
    real = os.replace
    calls = 0

    def replace(source: str | Path, target: str | Path) -> None:
        nonlocal calls
        real(source, target)
        calls += 1
        if calls == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(os, "replace", replace)


def _fail_renames(monkeypatch: pytest.MonkeyPatch, folder: Path, failing: set[int]) -> None:
    """Make the listed calls (1-based) of os.replace into `folder` fail as a full disk would."""
    real = os.replace
    calls = 0

    def replace(source: str | Path, target: str | Path) -> None:
        nonlocal calls
        if Path(target).parent == folder:
            calls += 1
            if calls in failing:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)


def test_two_formats_given_one_file_are_refused(tmp_path: Path, minimal: Report,
                                                theme: Theme) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (tmp_path / "real.pdf").write_bytes(b"kept")
    (out / "a.pdf").symlink_to(tmp_path / "real.pdf")
    (out / "b.docx").symlink_to(tmp_path / "real.pdf")  # another name, the same file
    cases: list[dict[str, str]] = [{"pdf": "same.pdf", "docx": "same.pdf"},
                                   {"pdf": "a.pdf", "docx": "b.docx"}]
    for names in cases:
        with Builder(["pdf", "docx"], parallel=False) as builder, \
                pytest.raises(ExportError, match="would both be written to this file"):
            builder.build(minimal, theme, out, file_names=names)
    assert sorted(path.name for path in out.iterdir()) == ["a.pdf", "b.docx"]
    assert (tmp_path / "real.pdf").read_bytes() == b"kept"


def test_a_link_as_destination_is_written_through(tmp_path: Path, minimal: Report,
                                                  theme: Theme) -> None:
    out, elsewhere = tmp_path / "dist", tmp_path / "shared"
    out.mkdir()
    elsewhere.mkdir()
    link = output_path(minimal, ".pdf", out)
    link.symlink_to(elsewhere / "brief.pdf")  # dangling until the first build
    assert build(minimal, theme, ["pdf"], out, parallel=False) == [link]
    assert link.is_symlink() and (elsewhere / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert _staging_files(out) == [] and _staging_files(elsewhere) == []

    link.unlink()
    link.symlink_to(tmp_path / "missing" / "brief.pdf")
    with pytest.raises(ExportError, match=r"is a symbolic link to .*whose folder does not exist"):
        build(minimal, theme, ["pdf"], out, parallel=False)
    link.unlink()
    link.symlink_to(link.name)
    with pytest.raises(ExportError, match="is a symbolic link that loops"):
        build(minimal, theme, ["pdf"], out, parallel=False)


def test_a_file_where_the_output_folder_should_be_is_the_users_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reportexport.cli import main

    (tmp_path / "notes").write_text("not a folder")
    assert main(["pdf", str(MINIMAL), "-o", str(tmp_path / "notes" / "brief.pdf")]) == 2
    assert f"{tmp_path / 'notes'} is a file, not a folder" in capsys.readouterr().err
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    assert main(["pdf", str(MINIMAL), "-o", str(tmp_path / "gone")]) == 2
    assert f"{tmp_path / 'gone'} is a symbolic link to no folder" in capsys.readouterr().err


def test_a_read_only_edition_is_not_replaced(tmp_path: Path, minimal: Report, theme: Theme,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    old = _old_editions(minimal, out, ("pdf", "docx"))
    docx = output_path(minimal, ".docx", out)
    docx.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: ask as a user would be answered
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
            Path(path) != docx and real_access(path, mode, **kw)))
    with pytest.raises(PermissionError, match="read-only"):
        build(minimal, theme, ["pdf", "docx"], out, parallel=False)
    assert {path: path.read_bytes() for path in old} == old
    assert _staging_files(out) == []


def _ended_process() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_the_next_build_removes_only_staging_files_of_builds_that_are_gone(
        tmp_path: Path, minimal: Report) -> None:
    from reportexport.publishing import _host

    out = tmp_path / "dist"
    out.mkdir()
    pdf = output_path(minimal, ".pdf", out)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        here = _host()
        files = {
            "gone": out / f".{pdf.name}.{here}-{_ended_process()}.abcd1234.tmp",
            "running": out / f".{pdf.name}.{here}-{running.pid}.abcd1234.tmp",
            "this process": out / f".{pdf.name}.{here}-{os.getpid()}.abcd1234.tmp",
            "other host": out / f".{pdf.name}.elsewhere-{_ended_process()}.abcd1234.tmp",
            "other file": out / f".notes.pdf.{here}-{_ended_process()}.abcd1234.tmp",
            "not ours": out / f".{pdf.name}.abcd1234.tmp",
        }
        for path in files.values():
            path.write_bytes(b"part of an edition")
        assert remove_stale([pdf]) == [files["gone"]]
        assert sorted(_staging_files(out)) == sorted(
            path.name for name, path in files.items() if name != "gone")
    finally:
        running.kill()
        running.wait()


def test_an_interrupt_while_a_builder_starts_ends_its_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while this process imports its share's libraries, the workers started:
    no `with` block closes a Builder that was never made, so it stops them itself."""
    import multiprocessing

    from reportexport import building

    monkeypatch.setattr(building, "_free_cores", lambda: 2)
    real = building._prepare

    def prepare(exporter: object) -> None:  # patched in this process, not in the workers
        if getattr(exporter, "name", None) == "epub":
            raise KeyboardInterrupt
        real(exporter)

    monkeypatch.setattr(building, "_prepare", prepare)
    with pytest.raises(KeyboardInterrupt):
        Builder(list(FORMATS))
    assert multiprocessing.active_children() == []


def test_an_archive_an_interrupted_library_left_open_is_collected_quietly(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while ebooklib writes the EPUB left its archive open over an in-memory
    file, reachable only through reference cycles; collected at exit, the file could
    be closed first and the archive's finalizer print a traceback."""
    import gc
    import zipfile

    from reportexport.support.zipfiles import ArchiveBuffer

    written_to: list[type] = []
    opened = zipfile.ZipFile.__init__

    def record(self: zipfile.ZipFile, file: object, mode: str = "r", *args: object,
               **kwargs: object) -> None:
        if mode == "w" and not isinstance(file, str | Path):
            written_to.append(type(file))
        opened(self, file, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "__init__", record)
    build(minimal, theme, ["docx", "epub"], tmp_path, parallel=False)
    assert written_to and set(written_to) == {ArchiveBuffer}  # both libraries' archives
    monkeypatch.undo()

    ignored: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    buffer = ArchiveBuffer()
    archive = zipfile.ZipFile(buffer, "w")
    archive.writestr("mimetype", "application/epub+zip")  # and never closed
    cycle: list[object] = [archive]
    cycle.append(cycle)
    del buffer, archive, cycle
    gc.collect()
    assert ignored == []


# The command line stopped while it builds a long report, as users and process managers stop it.


@pytest.fixture(scope="module")
def long_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real source at 400x: the PDF takes seconds after the DOCX and EPUB are written."""
    from scaled_source import scaled

    path = tmp_path_factory.mktemp("long") / "report-400x.yaml"
    path.write_text(scaled(SOURCE.read_text(encoding="utf-8"), 400), encoding="utf-8")
    return path


def _when(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, f"the build ended before {what}: {process.returncode}"
        assert time.monotonic() < deadline, f"no {what} within 120 s"
        time.sleep(0.02)


class Building:
    """`reportexport all` of a long source into `out`, as its own process group."""

    def __init__(self, source: Path, out: Path, cores: set[int] | None = None) -> None:
        self.out = out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportexport", "all", str(source), "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # as a terminal's job: Ctrl-C reaches the group
            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
        )

    def staging(self, fmt: str) -> list[Path]:
        return list(self.out.glob(f".*.{fmt}.*.tmp"))

    def writing_the_pdf_alone(self) -> bool:
        """This process wrote its share (DOCX, EPUB); the PDF's worker still writes."""
        return all(self.staging(fmt) and self.staging(fmt)[0].stat().st_size > 0
                   for fmt in ("docx", "epub"))

    def end(self) -> tuple[int, str, float]:
        """Exit status, standard error once every process holding it ended, seconds taken."""
        start = time.monotonic()
        _, error = self.process.communicate(timeout=60)
        return self.process.returncode, error, time.monotonic() - start


@pytest.fixture
def building(long_source: Path, tmp_path: Path, report: Report) -> Iterator[Building]:
    out = tmp_path / "dist"
    _old_editions(report, out)
    started = Building(long_source, out)
    yield started
    if started.process.poll() is None:
        os.killpg(started.process.pid, signal.SIGKILL)
        started.process.wait()


@pytest.mark.parametrize(("stop", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_build_ends_at_once_and_leaves_the_folder_as_it_was(
        building: Building, stop: int, status: int) -> None:
    before = _contents(building.out)
    if len(os.sched_getaffinity(0)) > 1:
        # The case that took half a minute: the pool waited for the PDF's worker.
        _when(building.writing_the_pdf_alone, building.process, "the DOCX and EPUB written")
    else:
        _when(lambda: building.staging("pdf"), building.process, "a staging file")
    if stop == signal.SIGINT:
        os.killpg(building.process.pid, stop)  # Ctrl-C: the whole group, workers too
    else:
        building.process.send_signal(stop)  # a process manager: this process only
    code, error, took = building.end()
    assert code == status, error
    assert took < 10, f"stopping took {took:.1f} s"  # correctness, not speed: it ended
    assert "no edition was replaced" in error and "Traceback" not in error, error
    assert _contents(building.out) == before  # no staging file either


@pytest.mark.parametrize("cores", [1, 2])
def test_a_killed_build_leaves_staging_files_the_next_build_removes(
        long_source: Path, tmp_path: Path, report: Report, theme: Theme, cores: int) -> None:
    """SIGKILL: nothing of the build can clean up but its workers, which notice their
    parent's end and remove the build's staging files; alone, it leaves them to the
    next build into the folder."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < cores:
        pytest.skip(f"needs {cores} cores")
    out = tmp_path / "dist"
    old = _old_editions(report, out)
    killed = Building(long_source, out, set(available[:cores]))
    if cores == 1:
        _when(lambda: all(killed.staging(fmt) for fmt in FORMATS), killed.process,
              "the staging files")
    else:  # the PDF's worker has its share, and knows the build's staging files
        _when(killed.writing_the_pdf_alone, killed.process, "the DOCX and EPUB written")
    killed.process.kill()
    code, _, _ = killed.end()  # standard error ends when the workers have ended too
    assert code == -signal.SIGKILL
    left = _staging_files(out)
    assert len(left) == (len(FORMATS) if cores == 1 else 0), left
    assert {path: path.read_bytes() for path in old} == old

    # The next build: the canonical source (the same file names), in this process.
    build(report, theme, list(FORMATS), out, parallel=False)
    assert _staging_files(out) == []



def test_two_builds_publishing_into_one_folder_take_turns(
        tmp_path: Path, minimal: Report, theme: Theme, monkeypatch: pytest.MonkeyPatch) -> None:
    """While another build holds the folder (publishing its editions), a build waits
    to rename its own, so that the folder never holds a mix of the two builds' editions."""
    import fcntl
    import threading

    builder = Builder(["docx", "epub"], parallel=False)
    editions = builder.build(minimal, theme, tmp_path)
    before = {path: path.stat().st_mtime_ns for path in editions}
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a build publishing beside this one would
    waiting = threading.Event()
    real_flock = fcntl.flock

    def flock(descriptor: int, operation: int) -> None:
        waiting.set()
        real_flock(descriptor, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    worker = threading.Thread(target=builder.build, args=(minimal, theme, tmp_path))
    try:
        worker.start()
        assert waiting.wait(20), "the build published without taking its turn"
        worker.join(0.5)  # it waits for the folder: nothing of it may be published meanwhile
        assert worker.is_alive()
        assert {path: path.stat().st_mtime_ns for path in editions} == before
    finally:
        os.close(holder)  # the other build's turn ends
    worker.join(60)
    assert not worker.is_alive()
    assert all(path.stat().st_mtime_ns != before[path] for path in editions)
