"""Building editions: one exporter per format, each written atomically into the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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


def _workers(count: int) -> int:
    try:
        free = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        free = os.cpu_count() or 1
    return min(count, free)


def build(report: Report, theme: Theme, jobs: Sequence[Job], out_dir: Path) -> list[Path]:
    """Build every job's edition into `out_dir`; in parallel processes when cores allow."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = _workers(len(jobs))
    if workers <= 1:
        return [build_one(report, theme, job, out_dir) for job in jobs]
    # Each exporter's library import and layout are independent work: run them side by side.
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(build_one, report, theme, job, out_dir) for job in jobs]
        return [future.result() for future in futures]
