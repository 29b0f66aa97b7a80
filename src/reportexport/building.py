"""Building editions: one exporter per format, staged beside the output, published together."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reportexport import exporters
from reportexport.exporters import Exporter
from reportexport.model import Report
from reportexport.theme import Theme

Options = Mapping[str, Mapping[str, Any]]  # format name -> that exporter's options
Staged = tuple[Path, Path]  # (temporary file, final path)


def output_path(report: Report, suffix: str, out_dir: Path) -> Path:
    return out_dir / f"{report.metadata.slug}{suffix}"


def _staging_file(final: Path) -> Path:
    """A new, empty temporary file beside `final`, for its edition to be written to.

    Nothing is renamed while a build runs: it publishes its editions only once
    all of them are written, so a failed or interrupted build leaves the
    editions already in the folder untouched and no partial file behind.
    """
    handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(handle)
    return Path(name)


def _write_edition(exporter: Exporter, report: Report, theme: Theme, temporary: Path) -> None:
    """Write one edition to its staging file (in this process or a worker)."""
    exporter.export(report, theme, temporary)
    # mkstemp makes the file private; an edition should be as readable as any new file.
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)


def _free_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _in_processes(chosen: Sequence[Exporter], report: Report, theme: Theme,
                  staged: Sequence[Staged], workers: int) -> None:
    """Write the editions in a pool of worker processes; raise the first failure in order.

    'spawn' is the one start method that is safe on every platform (fork is
    unsafe on macOS and missing on Windows), so the build behaves the same
    everywhere. Exporters are handed to the workers pickled, so a plug-in needs
    no registry lookup there.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # Formats are taken in the order given by whichever worker is free:
        # callers list the longest edition first (see `build`).
        futures = [pool.submit(_write_edition, exporter, report, theme, temporary)
                   for exporter, (temporary, _) in zip(chosen, staged, strict=True)]
        try:
            for exporter, future in zip(chosen, futures, strict=True):
                try:
                    future.result()
                except BrokenProcessPool:
                    raise RuntimeError(
                        f"the process building the {exporter.name} edition ended without an "
                        "answer (it crashed or was killed)"
                    ) from None
        except BaseException:
            for future in futures:  # all editions or none: the rest would be discarded
                future.cancel()
            raise


def build(report: Report, theme: Theme, formats: Sequence[str] | None = None,
          out_dir: str | Path = "dist", *, options: Options | None = None,
          parallel: bool = True) -> list[Path]:
    """Build the editions named in `formats` (every registered one if None) into `out_dir`.

    Every edition is written to a temporary file beside its final name and
    published (renamed) only when all of them are written: a build publishes
    all its editions or none. With several formats and several free cores the
    editions are written in parallel processes, taken in the order given, so
    list the longest first (the PDF, for the built-in formats).
    `options` gives a format's exporter its options, by format name.
    Returns the paths written, in the order of `formats`.
    """
    options = options or {}
    out_dir = Path(out_dir)
    if formats is None:
        formats = list(exporters.registered())
    chosen = [exporters.load(name, **options.get(name, {})) for name in formats]
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[Staged] = []
    try:
        for exporter in chosen:
            final = output_path(report, exporter.suffix, out_dir)
            staged.append((_staging_file(final), final))
        workers = min(len(chosen), _free_cores())
        if parallel and workers > 1:
            _in_processes(chosen, report, theme, staged, workers)
        else:
            for exporter, (temporary, _) in zip(chosen, staged, strict=True):
                _write_edition(exporter, report, theme, temporary)
        for temporary, final in staged:
            os.replace(temporary, final)  # atomic within a folder
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return [final for _, final in staged]
