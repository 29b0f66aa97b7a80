"""Building editions: one exporter per format, staged, then published together."""

from __future__ import annotations

import contextlib
import gc
import math
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


def staging_file(final: Path) -> Path:
    """A new, empty temporary file beside `final`, for its edition to be written to.

    Nothing is renamed while a build runs: it publishes its editions only once
    all of them are written (see `commit`), so a failed or interrupted build
    leaves the editions already in the folder untouched and no partial file behind.
    """
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(handle)
    return Path(name)


def write_staged(exporter: Exporter, report: Report, theme: Theme, temporary: Path) -> None:
    """Write an edition to its staging file; remove the file if that fails."""
    try:
        exporter.export(report, theme, temporary)
        # mkstemp makes the file private; an edition should be as readable as any new file.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage(exporter: Exporter, report: Report, theme: Theme, out_dir: Path) -> Staged:
    """Write an edition to a temporary file beside its final path (see `staging_file`)."""
    final = output_path(report, exporter.suffix, out_dir)
    temporary = staging_file(final)
    write_staged(exporter, report, theme, temporary)
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

    With several formats and several free cores, the formats are shared out
    among at most one process per core (see `_groups`), started before the
    source is read: importing the output libraries and laying out editions
    overlap with reading and validating the source, and with each other.
    `more_jobs` names jobs that take time to find (plug-in formats); it is
    called once the processes for `jobs` are under way.
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


def _cost(name: str) -> float:
    """An exporter's declared relative cost (`cost`, default 1)."""
    try:
        cost = float(getattr(exporters.load(name), "cost", 1.0))
    except Exception:  # an unloadable plug-in is reported when the build loads it
        return 1.0
    return cost if math.isfinite(cost) and cost > 0 else 1.0


def _groups(jobs: Sequence[Job], cores: int) -> list[list[int]]:
    """The jobs (by position) shared out among at most one process per free core.

    Costliest first, each job goes to the process with the least declared cost
    so far (the longest-processing-time rule). On two cores the PDF, the longest
    edition at every scale, gets a process to itself and the DOCX and EPUB share
    the other: with one process per format all of them shared both cores, and
    the PDF finished last and alone. Sharing a process also shares what the
    exporters import (lxml, zipfile) instead of importing it twice.
    """
    costs = [_cost(job.format) for job in jobs]
    groups: list[list[int]] = [[] for _ in range(min(len(jobs), max(cores, 1)))]
    loads = [0.0] * len(groups)
    # sorted() is stable: jobs of equal cost keep their order.
    for index in sorted(range(len(jobs)), key=lambda index: -costs[index]):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += costs[index]
    return groups


Failure = tuple[int, BaseException]  # a job's position, and what went wrong


def _worker(jobs: Sequence[tuple[int, Job]], connection: Connection) -> None:
    """One process's share of the formats: prepare, wait for the report, build, answer.

    The parent names each edition's staging file, so that it can remove the
    file even if this process dies half-way through writing it.
    """
    chosen: list[tuple[int, Exporter]] = []
    current = jobs[0][0]
    try:
        # Importing a library makes many objects and no garbage; the collector
        # would only walk them (about a tenth of the import time).
        gc.disable()
        for current, job in jobs:
            exporter = exporters.load(job.format, **job.options)
            prepare = getattr(exporter, "prepare", None)
            if prepare is not None:
                prepare()
            chosen.append((current, exporter))
    except BaseException as exc:  # reported by the parent, like any build failure
        connection.send([(current, exc)])
        connection.recv()
        return
    finally:
        gc.enable()
    message = connection.recv()
    if message is None:  # the source was bad: nothing to build
        return
    report, theme, files = message
    failures: list[Failure] = []
    for index, exporter in chosen:
        try:
            write_staged(exporter, report, theme, files[index])
        except BaseException as exc:
            failures.append((index, exc))
            break  # all editions or none: the others would be discarded anyway
    connection.send(failures)


def _build_in_processes(load: Loader, jobs: Sequence[Job], more_jobs: MoreJobs,
                        out_dir: Path) -> list[Path]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    every: list[Job] = []  # all jobs started, in the order given
    workers: list[tuple[list[int], Any, Connection]] = []

    def start(batch: Sequence[Job]) -> None:
        first = len(every)
        every.extend(batch)
        groups = [[first + index for index in group]
                  for group in _groups(batch, _free_cores())]
        # As the gc module's documentation advises before fork(): the parent's
        # objects move to a generation the children's collections never walk.
        gc.freeze()
        try:
            for group in groups:
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker,
                                          args=([(i, every[i]) for i in group], theirs),
                                          daemon=True)
                process.start()
                theirs.close()
                workers.append((group, process, ours))
        finally:
            gc.unfreeze()  # in this process only; a library user's garbage stays collectable

    start(jobs)
    staged: list[Staged] = []
    try:
        try:
            start(more_jobs())
            report, theme = load()
            out_dir.mkdir(parents=True, exist_ok=True)
            for job in every:
                final = output_path(report, exporters.load(job.format, **job.options).suffix,
                                    out_dir)
                staged.append((staging_file(final), final))
            files = {index: temporary for index, (temporary, _) in enumerate(staged)}
            data: tuple[Report, Theme, dict[int, Path]] | None = (report, theme, files)
        except BaseException:
            data = None  # tells a worker there is nothing to build
            raise
        finally:
            for _, _, connection in workers:
                # A process that is gone cannot be told; collecting the answers says so.
                with contextlib.suppress(OSError):
                    connection.send(data)
        failures: list[Failure] = []
        for group, process, connection in workers:
            try:
                failures += connection.recv()
            # A socket pair: a process that died with the source unread resets it.
            except (EOFError, ConnectionResetError):
                process.join(timeout=60)
                names = " and ".join(every[index].format for index in group)
                failures.append((group[0], RuntimeError(
                    f"the process building the {names} edition ended without an answer "
                    f"(exit status {process.exitcode})"
                )))
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]
        return commit(staged)
    except BaseException:
        discard(staged)  # all editions or none
        raise
    finally:
        for _, process, connection in workers:
            process.join(timeout=60)
            connection.close()
