"""Building editions: one exporter per format, staged beside the output, published together."""

from __future__ import annotations

import math
import os
import signal
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from reportexport import exporters, loading
from reportexport.exporters import Exporter
from reportexport.model import Figure, Report, report_blocks
from reportexport.publishing import (
    Staged,
    destinations,
    interrupts_held,
    prepare_folder,
    publish,
    remove_stale,
    staging_file,
)
from reportexport.support.filemodes import new_file_mode
from reportexport.support.quickexit import skip_finalization
from reportexport.theme import Theme

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Options = Mapping[str, Mapping[str, Any]]  # format name -> that exporter's options
Progress = Callable[[str], None]


def output_path(report: Report, suffix: str, out_dir: Path) -> Path:
    return out_dir / f"{report.metadata.slug}{suffix}"


def _prepare(exporter: Exporter) -> None:
    getattr(exporter, "prepare", lambda: None)()  # optional for exporters that do not subclass


def _write_edition(exporter: Exporter, report: Report, theme: Theme, temporary: Path,
                   progress: Progress | None = None) -> float:
    """Write one edition to its staging file (in this process or a worker); return seconds.

    `progress` receives what the exporter says of its work (`Exporter.say`), and
    the time the edition took.
    """
    start = time.perf_counter()
    if progress is not None and hasattr(exporter, "progress"):
        exporter.progress = lambda what: progress(f"{exporter.name}: {what}")
    try:
        exporter.export(report, theme, temporary)
    finally:
        if hasattr(exporter, "progress"):
            exporter.progress = None
    temporary.chmod(new_file_mode())  # mkstemp made it private
    took = time.perf_counter() - start
    if progress is not None:
        progress(f"{exporter.name}: written in {took:.1f} s")
    return took


def _free_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _groups(chosen: Sequence[Exporter], workers: int,
            measured: Mapping[str, float] | None = None) -> list[list[int]]:
    """The exporters (by position) shared out among `workers` processes, heaviest share first.

    Costliest first, each goes to the process with the least cost so far (the
    longest-processing-time rule): on two cores the PDF gets a process to
    itself and the DOCX and EPUB share the other, which also shares what they
    import (lxml, zipfile). By the seconds each took to write last time when
    `measured` says so (a watcher's rebuilds, where libraries are loaded and
    laying out a short report is cheap), else by declared cost.
    """
    if measured and all(exporter.name in measured for exporter in chosen):
        costs = [measured[exporter.name] for exporter in chosen]
    else:
        costs = [_cost(exporter) for exporter in chosen]
    groups: list[list[int]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for index in sorted(range(len(chosen)), key=lambda index: -costs[index]):  # stable
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += costs[index]
    # Heaviest share first, lightest last.
    order = sorted(range(workers), key=lambda i: -loads[i])
    return [sorted(groups[i]) for i in order]


def _cost(exporter: Exporter) -> float:
    cost = getattr(exporter, "cost", 1.0)
    return float(cost) if isinstance(cost, int | float) and 0 < cost < math.inf else 1.0


#: In a worker process: where its share of each build's source arrives (see Builder).
_inbox: Any = None
#: In a worker process: where its exporters' progress messages go to the parent.
_outbox: Any = None
#: In a worker process: the staging files of the build in hand, every edition's.
_in_hand: tuple[Path, ...] = ()


def _attach(inbox: Any, outbox: Any) -> None:
    global _inbox, _outbox
    _inbox, _outbox = inbox, outbox
    # Ctrl-C reaches the whole process group: the parent stops the build and
    # shuts the pool down; a worker's own KeyboardInterrupt would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker's exit is the end of the pool's shutdown, which its parent waits
    # for. Its status says nothing the parent reads: a failed edition comes back
    # as its share's exception, and a worker that dies first breaks the pool.
    skip_finalization(lambda: 0)
    # A parent killed outright (SIGKILL, a crash) cannot shut the pool down, and a
    # worker waiting for a source would wait for ever: it ends with its parent.
    import threading

    threading.Thread(target=_end_with_parent, daemon=True).start()


def _end_with_parent() -> None:
    import multiprocessing
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        # The parent would have removed the build's staging files; a build
        # killed outright leaves them to the next build (publishing.remove_stale).
        for staging in _in_hand:
            staging.unlink(missing_ok=True)
        os._exit(1)


def _build_share(share: Sequence[Exporter],
                 prepare: Sequence[Exporter] = ()) -> dict[str, float]:
    """A worker's share of one build: prepare, wait for the source, write its editions.

    `prepare` names further exporters to get ready while waiting (a watcher's
    shares may change between rebuilds). Returns the seconds each edition took.
    """
    try:
        for exporter in (*share, *prepare):
            _prepare(exporter)
    finally:
        message = _inbox.get()  # taken even so: it must not wait for the next build
    if message is None:  # the source could not be read: nothing to build
        return {}
    global _in_hand
    report, theme, files, reporting = message
    _in_hand = tuple(files.values())
    try:
        return {exporter.name: _write_edition(exporter, report, theme, files[exporter.name],
                                              _outbox.put if reporting else None)
                for exporter in share}
    finally:
        _in_hand = ()


class _Relay:
    """Passes the workers' progress messages on to `progress`, from a thread of this process."""

    def __init__(self, outbox: Any, progress: Progress) -> None:
        import threading

        self.outbox, self.progress = outbox, progress
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (message := self.outbox.get()) is not None:
            self.progress(message)

    def stop(self) -> None:
        self.outbox.put(None)  # after every message the workers sent: the queue keeps order
        self.thread.join()


class Builder:
    """The exporters of some formats, ready to build editions once or many times.

    With several formats and several free cores, the formats are shared out
    among at most one process per core (see `_groups`): this process keeps the
    lightest share, since it also reads the source, and a pool of worker
    processes takes the others. Each build hands every worker its share at
    once; the worker prepares its exporters (imports their libraries) and then
    waits for the source, so that a caller who creates the Builder before
    reading the source overlaps the two. A watcher keeps one Builder across
    rebuilds, so that libraries are imported and fonts loaded once; with
    `keep_ready`, the next build's shares are handed out as soon as one ends.
    An `isolated` Builder builds every edition in a worker process (one at
    least), none in this one, so that `restart` leaves no exporter with what
    it loaded before (a watcher's theme fonts that changed).
    """

    def __init__(self, formats: Sequence[str] | None = None, *, options: Options | None = None,
                 parallel: bool = True, keep_ready: bool = False, isolated: bool = False) -> None:
        options = options or {}
        self._keep_ready = keep_ready
        self._isolated = isolated
        names = list(exporters.registered()) if formats is None else list(formats)
        self.exporters = [exporters.load(name, **options.get(name, {})) for name in names]
        self._wanted = max(min(len(self.exporters), _free_cores()) if parallel else 1, 1)
        self._measured: dict[str, float] = {}  # seconds each edition took to write last time
        self._pool: ProcessPoolExecutor | None = None
        # Shares handed out, waiting for a source:
        self._waiting: list[Future[dict[str, float]]] = []
        try:
            self._start()
        except BaseException as exc:  # no `with` block will close this Builder
            self.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def _start(self) -> None:
        """Share the formats out, start the worker processes and hand them their shares."""
        self._processes = self._wanted
        self._share_out()
        if self._shares:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # 'spawn' is the one start method that is safe on every platform (fork
            # is unsafe on macOS and missing on Windows): builds behave alike
            # everywhere. Exporters reach the workers pickled, so a plug-in needs
            # no registry lookup there.
            context = multiprocessing.get_context("spawn")
            self._inbox, self._outbox = context.SimpleQueue(), context.SimpleQueue()
            self._pool = ProcessPoolExecutor(max_workers=len(self._shares), mp_context=context,
                                             initializer=_attach,
                                             initargs=(self._inbox, self._outbox))
            self._hand_out()
        for exporter in self._own:
            _prepare(exporter)

    def restart(self) -> None:
        """New worker processes, which know nothing of the fonts the old ones loaded
        (reportlab's registry, glyph caches): for a watcher whose theme's font files changed.
        Only an `isolated` Builder, which builds nothing in this process, forgets them all."""
        self.close()
        self._start()

    def _share_out(self) -> None:
        shares = [[self.exporters[i] for i in group]
                  for group in _groups(self.exporters, self._processes, self._measured)]
        # _groups gives the lightest share last: this process's, unless isolated.
        self._own = [] if self._isolated else shares.pop()
        self._shares = shares

    def _hand_out(self, prepare: Sequence[Exporter] = ()) -> None:
        assert self._pool is not None
        self._waiting = [self._pool.submit(_build_share, share, prepare)
                         for share in self._shares]

    def _ready_for_next(self) -> None:
        """For `keep_ready`: share out by this build's times and hand the shares out now.

        Every process gets every exporter ready while the writer edits, so a
        share that moves to another process costs that process no import.
        """
        if not self._isolated:
            for exporter in self.exporters:
                _prepare(exporter)
        if self._pool is not None:
            self._share_out()
            self._hand_out(prepare=self.exporters)

    @property
    def times(self) -> dict[str, float]:
        """The seconds each edition took to write in its last build, by format name."""
        return {exporter.name: self._measured[exporter.name] for exporter in self.exporters
                if exporter.name in self._measured}

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if error is not None and not isinstance(error, Exception):
            self._abort()  # interrupted: the workers' shares are not waited for
        self.close()

    def _abort(self) -> None:
        """Stop the worker processes now, whatever they are doing; later builds run here."""
        if self._pool is not None:
            _stop_workers(self._pool)
            self._pool = None
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            for _ in self._waiting:  # no source is coming: let the waiting shares end
                self._inbox.put(None)
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        # Whatever a broken pool left undone, later builds do here.
        self._own, self._shares, self._waiting = self.exporters, [], []
        self._processes = 1

    def build(self, report: Report, theme: Theme, out_dir: str | Path = "dist", *,
              file_names: Mapping[str, str] | None = None,
              progress: Progress | None = None,
              inputs: Iterable[Path] = ()) -> list[Path]:
        """Write every edition into `out_dir`; return their paths, in the order of the formats.

        An edition is named after the report (`<slug><suffix>`) unless
        `file_names` names it (format name -> file name). Every edition is
        written to a staging file beside its final name and published
        (renamed) only when all of them are written, all or none (see
        `publishing`): what is in the way of one (a folder, another format's
        file) raises OutputError before anything is written, a rename that
        fails is undone with the others, and an interrupt stops the worker
        processes at once and leaves no staging file. `progress`, if given,
        hears how each edition is coming along ("pdf: 200 pages laid out",
        "docx: written in 0.3 s"), in this process.
        """
        loading.check_buildable(report, theme)  # as loading checks a source, before writing
        out_dir = Path(out_dir)
        file_names = file_names or {}
        prepare_folder(out_dir)
        asked = {exporter.name: (out_dir / file_names[exporter.name]
                                 if exporter.name in file_names
                                 else output_path(report, exporter.suffix, out_dir))
                 for exporter in self.exporters}
        # No edition may replace what the build reads (the source, through a link, say).
        read = [*inputs, *_files_read(report, theme, self.exporters)]
        finals = destinations(asked, read)  # a folder in the way fails now, not after writing
        remove_stale(finals.values())
        staged: list[Staged] = []
        try:
            for exporter in self.exporters:
                staged.append((staging_file(finals[exporter.name]), finals[exporter.name]))
            self._write_all(report, theme, {
                exporter.name: temporary
                for exporter, (temporary, _) in zip(self.exporters, staged, strict=True)},
                progress)
            destinations(asked, read)  # again: the folder may have changed meanwhile
            publish(staged)
        except BaseException as exc:
            with interrupts_held():  # a second Ctrl-C must not leave the staging files behind
                if not isinstance(exc, Exception):
                    # Interrupted: stop the workers rather than wait for their shares,
                    # and before their staging files go (a worker would write them again).
                    self._abort()
                for temporary, _ in staged:
                    temporary.unlink(missing_ok=True)
            raise
        return [asked[exporter.name] for exporter in self.exporters]

    def _write_all(self, report: Report, theme: Theme, files: dict[str, Path],
                   progress: Progress | None) -> None:
        """Write every share; raise the first failure in the order of the formats."""
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is not None and not self._waiting:
            # Nothing handed out yet for this build: share out by the last build's times.
            self._share_out()
            self._hand_out()
        waiting, self._waiting = self._waiting, []
        for _ in waiting:
            self._inbox.put((report, theme, files, progress is not None))
        relay = _Relay(self._outbox, progress) if waiting and progress else None
        failures: list[tuple[int, BaseException]] = []
        try:
            for exporter in self._own:
                self._measured[exporter.name] = _write_edition(exporter, report, theme,
                                                               files[exporter.name], progress)
        except Exception as exc:
            failures.append((self.exporters.index(exporter), exc))
        shares = self._shares
        for share, future in zip(shares, waiting, strict=True):
            try:
                self._measured.update(future.result())
            except BrokenProcessPool:
                names = " and ".join(exporter.name for exporter in share)
                failures.append((self.exporters.index(share[0]), RuntimeError(
                    f"the process building the {names} edition ended without an answer "
                    "(it crashed or was killed)")))
                self.close()
                break
            except Exception as exc:
                failures.append((self.exporters.index(share[0]), exc))
        if relay is not None:
            relay.stop()
        if self._keep_ready:
            self._ready_for_next()
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes now, then shut the pool down.

    `ProcessPoolExecutor` has no public way to end its workers before Python
    3.14 (`terminate_workers`), and `shutdown` waits for a running share (the
    PDF of a long report) to end. Its table of processes (`_processes`) is
    the one place that names them: this is the one place that reaches past the
    public API, and tests/test_publishing.py fails if it stops working.
    """
    processes = list((pool._processes or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():  # an exporter that handles SIGTERM itself
            process.kill()
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)


def figure_images(report: Report) -> set[Path]:
    """The image files of the report's figures (wherever they stand), and its logo's."""
    logo = report.metadata.logo
    return ({block.image for block in report_blocks(report) if isinstance(block, Figure)}
            | ({logo.image} if logo else set()))


def font_files(theme: Theme) -> set[Path]:
    """The font files of the theme's families and their fallbacks."""
    families = [theme.body_font, theme.heading_font]
    for family in list(families):
        families += family.fallbacks
    return {path for family in families
            for path in (family.regular, family.bold, family.italic, family.bold_italic)}


def _files_read(report: Report, theme: Theme, chosen: Sequence[Exporter]) -> list[Path]:
    """The files a build of `report` reads besides its source: the theme, its fonts,
    the figures' images and the exporters' file options (a Word template)."""
    fonts = font_files(theme)
    images = figure_images(report)
    options = [getattr(exporter, option.name, None) for exporter in chosen
               for option in getattr(exporter, "options", ()) if option.path]
    return [theme.source, *sorted(fonts), *sorted(images),
            *(Path(value) for value in options if value is not None)]


def build(report: Report, theme: Theme, formats: Sequence[str] | None = None,
          out_dir: str | Path = "dist", *, options: Options | None = None,
          parallel: bool = True) -> list[Path]:
    """Build the editions named in `formats` (every registered one if None) into `out_dir`.

    `options` gives a format's exporter its options, by format name. Returns
    the paths written, in the order of `formats`; see `Builder.build`.
    """
    with Builder(formats, options=options, parallel=parallel) as builder:
        return builder.build(report, theme, out_dir)
