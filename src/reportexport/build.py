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


# How far a process that yields steps back (os.nice). Measured at 1x on two cores,
# `all` ended soonest at 3 to 4: at 10 the yielding exporters became the last.
YIELDING_NICENESS = 4


def _cost(name: str) -> float:
    """An exporter's declared relative cost (`cost`, default 1), read from its class."""
    try:
        cost = getattr(exporters.registered(plugins=name not in exporters.BUILT_IN)[name].load(),
                       "cost", 1.0)
        return float(cost)
    except Exception:  # an unloadable or odd plug-in fails in its own process, and says so
        return 1.0


def _yielding(jobs: Sequence[Job], cores: int) -> set[str]:
    """The formats whose processes run below normal priority: every one but the costliest,
    when the processes (one per format, and this one) outnumber the free cores.

    The build ends when its longest edition does. With the cores shared out evenly
    the PDF, the longest at every scale, finished last while the others' cores sat
    idle; yielding lets it start sooner, and the others fill the time that is left.
    """
    if len(jobs) + 1 <= cores:
        return set()
    costs = {job.format: _cost(job.format) for job in jobs}
    top = max(costs.values())
    return {name for name, cost in costs.items() if cost < top}


def _worker(job: Job, out_dir: Path, connection: Connection, yielding: bool = False) -> None:
    """One format's process: prepare, wait for the report, build, answer."""
    outcome: tuple[str, Any]
    if yielding:
        os.nice(YIELDING_NICENESS)
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
        yielding = _yielding([*(job for job, _, _ in workers), *batch], _free_cores())
        # As the gc module's documentation advises before fork(): the parent's
        # objects move to a generation the children's collections never walk.
        gc.freeze()
        try:
            for job in batch:
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=_worker, args=(job, out_dir, theirs, job.format in yielding),
                    daemon=True,
                )
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
