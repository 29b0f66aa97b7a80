"""Building editions: one exporter per format, staged, then published together."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportexport import exporters
from reportexport.exporters import Exporter

# Imported before worker processes are forked, so that they share these
# modules instead of each importing them to unpickle the report.
from reportexport.model import Report
from reportexport.theme import Theme

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Job:
    format: str
    options: dict[str, Any]


Staged = tuple[Path, Path]  # (temporary file, final path)


def output_path(report: Report, suffix: str, out_dir: Path) -> Path:
    return out_dir / f"{report.metadata.slug}{suffix}"


def stage(exporter: Exporter, report: Report, theme: Theme, out_dir: Path) -> Staged:
    """Write an edition to a temporary file beside its final path.

    Nothing is renamed here: a build publishes its editions only once all of
    them are written (see `commit`), so a failed or interrupted build leaves
    the editions already in the folder untouched and no partial file behind.
    """
    final = output_path(report, exporter.suffix, out_dir)
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=out_dir)
    os.close(handle)
    temporary = Path(name)
    try:
        exporter.export(report, theme, temporary)
        # mkstemp makes the file private; an edition should be as readable as any new file.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, final


def commit(staged: Sequence[Staged]) -> list[Path]:
    """Publish staged editions; each rename is atomic within its folder."""
    for temporary, final in staged:
        os.replace(temporary, final)
    return [final for _, final in staged]


def discard(staged: Sequence[Staged]) -> None:
    for temporary, _ in staged:
        temporary.unlink(missing_ok=True)


def _free_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Loader = Callable[[], tuple[Report, Theme]]
MoreJobs = Callable[[], Sequence[Job]]


def _no_more_jobs() -> Sequence[Job]:
    return ()


def build(report: Report, theme: Theme, jobs: Sequence[Job], out_dir: Path) -> list[Path]:
    """Build every job's edition into `out_dir`; in parallel processes when cores allow."""
    return build_from(lambda: (report, theme), jobs, out_dir)


def build_from(load: Loader, jobs: Sequence[Job], out_dir: Path,
               more_jobs: MoreJobs = _no_more_jobs) -> list[Path]:
    """Load the report with `load` and build every job's edition into `out_dir`.

    With several formats and several free cores, each format gets a process of
    its own, started before the source is read: importing an output library
    and laying out an edition overlap with reading and validating the source,
    and with each other. `more_jobs` names jobs that take time to find (plug-in
    formats); it is called once the processes for `jobs` are under way.
    """
    if len(jobs) <= 1 or _free_cores() <= 1 or os.name != "posix":
        jobs = [*jobs, *more_jobs()]
        chosen = [exporters.load(job.format, **job.options) for job in jobs]
        report, theme = load()
        out_dir.mkdir(parents=True, exist_ok=True)
        staged: list[Staged] = []
        try:
            for exporter in chosen:
                staged.append(stage(exporter, report, theme, out_dir))
        except BaseException:
            discard(staged)
            raise
        return commit(staged)
    return _build_in_processes(load, jobs, more_jobs, out_dir)


def _worker(job: Job, out_dir: Path, connection: Connection) -> None:
    """One format's process: prepare, wait for the report, build, answer."""
    outcome: tuple[str, Any]
    try:
        # Importing a library makes many objects and no garbage; the collector
        # would only walk them (about a tenth of the import time).
        gc.disable()
        exporter = exporters.load(job.format, **job.options)
        prepare = getattr(exporter, "prepare", None)
        if prepare is not None:
            prepare()
    except BaseException as exc:  # reported by the parent, like any build failure
        connection.send(("error", exc))
        connection.recv()
        return
    finally:
        gc.enable()
    message = connection.recv()
    if message is None:  # the source was bad: nothing to build
        return
    report, theme = message
    try:
        outcome = ("ok", stage(exporter, report, theme, out_dir))
    except BaseException as exc:
        outcome = ("error", exc)
    connection.send(outcome)


def _build_in_processes(load: Loader, jobs: Sequence[Job], more_jobs: MoreJobs,
                        out_dir: Path) -> list[Path]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers: list[tuple[Job, Any, Connection]] = []

    def start(batch: Sequence[Job]) -> None:
        # As the gc module's documentation advises before fork(): the parent's
        # objects move to a generation the children's collections never walk.
        gc.freeze()
        try:
            for job in batch:
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(job, out_dir, theirs),
                                          daemon=True)
                process.start()
                theirs.close()
                workers.append((job, process, ours))
        finally:
            gc.unfreeze()  # in this process only; a library user's garbage stays collectable

    start(jobs)
    try:
        data: tuple[Report, Theme] | None = None
        try:
            start(more_jobs())
            data = load()
            out_dir.mkdir(parents=True, exist_ok=True)
        finally:
            for _, _, connection in workers:
                connection.send(data)  # None tells a worker there is nothing to build
        staged: list[Staged] = []
        errors: list[BaseException] = []
        try:
            for job, process, connection in workers:
                try:
                    status, value = connection.recv()
                except EOFError:
                    status, value = "error", RuntimeError(
                        f"the {job.format} exporter's process ended without an answer "
                        f"(exit status {process.exitcode})"
                    )
                if status == "ok":
                    staged.append(value)
                else:
                    errors.append(value)
            if errors:
                raise errors[0]
        except BaseException:
            discard(staged)  # all editions or none
            raise
        return commit(staged)
    finally:
        for _, process, connection in workers:
            process.join(timeout=60)
            connection.close()
