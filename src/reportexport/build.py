"""Building editions: one exporter per format, each written atomically into the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from reportexport import exporters
from reportexport.model import Report
from reportexport.theme import Theme


@dataclass(frozen=True)
class Job:
    format: str
    options: dict[str, Any]


@contextlib.contextmanager
def atomic_destination(final: Path) -> Iterator[Path]:
    """A temporary path beside `final`, renamed over it only if the block succeeds.

    A failed or interrupted build leaves the previous edition untouched and no
    partial file behind; the rename is atomic within one folder.
    """
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private; an edition should be as readable as any new file.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def output_path(report: Report, suffix: str, out_dir: Path) -> Path:
    return out_dir / f"{report.metadata.slug}{suffix}"


def build_one(report: Report, theme: Theme, job: Job, out_dir: Path) -> Path:
    exporter = exporters.load(job.format, **job.options)
    final = output_path(report, exporter.suffix, out_dir)
    with atomic_destination(final) as temporary:
        exporter.export(report, theme, temporary)
    return final


def _free_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Loader = Callable[[], tuple[Report, Theme]]


def build(report: Report, theme: Theme, jobs: Sequence[Job], out_dir: Path) -> list[Path]:
    """Build every job's edition into `out_dir`; in parallel processes when cores allow."""
    return build_from(lambda: (report, theme), jobs, out_dir)


def build_from(load: Loader, jobs: Sequence[Job], out_dir: Path) -> list[Path]:
    """Load the report with `load` and build every job's edition into `out_dir`.

    With several formats and several free cores, each format gets a process of
    its own, started before the source is read: importing an output library
    and laying out an edition overlap with reading and validating the source,
    and with each other.
    """
    if len(jobs) <= 1 or _free_cores() <= 1 or os.name != "posix":
        report, theme = load()
        out_dir.mkdir(parents=True, exist_ok=True)
        return [build_one(report, theme, job, out_dir) for job in jobs]
    return _build_in_processes(load, jobs, out_dir)


def _worker(job: Job, out_dir: Path, connection: Connection) -> None:
    """One format's process: prepare, wait for the report, build, answer."""
    outcome: tuple[str, Any]
    try:
        exporter = exporters.load(job.format, **job.options)
        prepare = getattr(exporter, "prepare", None)
        if prepare is not None:
            prepare()
    except BaseException as exc:  # reported by the parent, like any build failure
        connection.send(("error", exc))
        connection.recv()
        return
    message = connection.recv()
    if message is None:  # the source was bad: nothing to build
        return
    report, theme = message
    try:
        final = output_path(report, exporter.suffix, out_dir)
        with atomic_destination(final) as temporary:
            exporter.export(report, theme, temporary)
        outcome = ("ok", final)
    except BaseException as exc:
        outcome = ("error", exc)
    connection.send(outcome)


def _build_in_processes(load: Loader, jobs: Sequence[Job], out_dir: Path) -> list[Path]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers = []
    for job in jobs:
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(job, out_dir, theirs), daemon=True)
        process.start()
        theirs.close()
        workers.append((job, process, ours))
    try:
        data: tuple[Report, Theme] | None = None
        try:
            data = load()
            out_dir.mkdir(parents=True, exist_ok=True)
        finally:
            for _, _, connection in workers:
                connection.send(data)  # None tells a worker there is nothing to build
        paths, errors = [], []
        for job, process, connection in workers:
            try:
                status, value = connection.recv()
            except EOFError:
                status, value = "error", RuntimeError(
                    f"the {job.format} exporter's process ended without an answer "
                    f"(exit status {process.exitcode})"
                )
            (paths if status == "ok" else errors).append(value)
        if errors:
            raise errors[0]
        return paths
    finally:
        for _, process, connection in workers:
            process.join(timeout=60)
            connection.close()
