"""`reportexport watch`: build, then rebuild whenever an input file changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportexport.building import Builder, figure_images, font_files
from reportexport.loading import load, load_checked
from reportexport.model import Report
from reportexport.source.problems import ExportError, InputError
from reportexport.theme import Theme, bundled_fonts_dir
from reportexport.typography import forget_fonts

#: watchfiles looks for changes this often (ms), and yields once a look finds no new
#: file or kind of change: an editor's several writes for one save, or several quick
#: saves, give one rebuild. Its wait from a save is one to two steps, so a short step
#: is a quick rebuild (see "Watching" in benchmarks/README.md).
QUIET_MS = 10
#: ... and yields at the latest this long after the first change (ms).
LONGEST_MS = 400


def resolved(path: Path) -> Path:
    """`path` with its links followed; as it stands (absolute) when they loop, so that
    the build, not the watcher, says what is wrong with it."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python before 3.13 raises RuntimeError for a loop
        return path.absolute()


@dataclass
class Watcher:
    """The files a build reads, and the theme kept loaded until its file (or, with
    `fonts`, a font file of it) changes.

    `watch` and `reportexport preview` both follow a Watcher: `changes` says which
    of its files changed, `load` reads them again. With `fonts`, it follows the
    theme's own font files too: `load` then forgets what this process read of them,
    and `watch` starts its build processes anew (`fonts_changed`), since they keep
    the fonts they loaded (reportlab's registry, glyph caches).
    """

    source: Path
    style: Path | None
    extra: tuple[Path, ...] = ()  # other inputs: a Word template, …
    fonts: bool = False  # follow the theme's own font files
    _theme: Theme | None = field(default=None, init=False)
    _images: set[Path] = field(default_factory=set, init=False)  # the last good source's
    # The last good theme's own fonts (beside it: the bundled ones do not change).
    _fonts: set[Path] = field(default_factory=set, init=False)

    def _given(self) -> list[Path]:
        return [self.source, *self.extra, *([self.style] if self.style is not None else [])]

    def inputs(self) -> set[Path]:
        return {resolved(path) for path in (*self._given(), *self._images, *self._fonts)}

    def folders(self) -> set[Path]:
        """Watched with what is below them: images live in the source's folder or below,
        a theme's own fonts beside it (the bundled ones do not change)."""
        return {resolved(path).parent for path in self._given()}

    def fonts_changed(self, changed: set[Path]) -> bool:
        """Whether `changed` holds a font file of the last good theme's own."""
        return bool(changed & {resolved(path) for path in self._fonts})

    def load(self, changed: set[Path]) -> tuple[Report, Theme]:
        """The source, and the theme as loaded last unless its file or a font file of it
        changed (or it never loaded): then both are read, so that one message lists the
        problems of both."""
        style_changed = self.style is not None and resolved(self.style) in changed
        font_changed = self.fonts_changed(changed)
        if font_changed:
            forget_fonts()
        try:
            if self._theme is None or style_changed or font_changed:
                self._theme = None
                report, self._theme = load(self.source, self.style)
                if self.fonts:
                    bundled = resolved(bundled_fonts_dir())
                    self._fonts = {path for path in font_files(self._theme)
                                   if not resolved(path).is_relative_to(bundled)}
            else:  # the same pipeline, with the theme kept
                report = load_checked(self.source, self._theme)
        except InputError:
            from reportexport.source.reading import named_images

            # The writer fixes a missing or damaged image by adding or replacing its
            # file: follow every image the source names, not only those that loaded.
            self._images |= named_images(self.source)
            raise
        self._images = figure_images(report)
        return report, self._theme


#: How often the watcher wakes when nothing changes (ms); its first wake says it is running.
IDLE_MS = 200


def _holds_input(watcher: Watcher, path: str) -> bool:
    """Whether `path` is a folder below a watched one on the way to an input (an image
    the source names, which may not be there yet): a file made in a folder just made
    may be written before the watch reaches that folder, so making it is a change too."""
    folder = resolved(Path(path))
    return folder not in watcher.folders() and any(
        folder in wanted.parents for wanted in watcher.inputs())


def changes(watcher: Watcher, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """Sets of the watcher's files that changed, as editors save them (in place, or by
    renaming).

    An empty set now and then, when nothing changed: the first one means the
    watcher is running, so a change made from then on is not missed. Ends when `stop`
    is set (within IDLE_MS), or raises KeyboardInterrupt at Ctrl-C.
    """
    import watchfiles

    def relevant(_change: object, path: str) -> bool:
        return resolved(Path(path)) in watcher.inputs() or _holds_input(watcher, path)

    for batch in watchfiles.watch(*watcher.folders(), watch_filter=relevant, step=QUIET_MS,
                                  debounce=LONGEST_MS, rust_timeout=IDLE_MS,
                                  yield_on_timeout=True, raise_interrupt=True,
                                  stop_event=stop):
        yield {resolved(Path(path)) for _, path in batch}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


#: How long a rebuild that found the source wrong watches it for the rest of a save
#: (ms): an editor that writes in place truncates the file first, and one paused
#: between the two (a busy machine) leaves it empty or half written meanwhile.
SETTLE_MS = 50


def _still_written(path: Path, read: tuple[int, int, int] | None) -> bool:
    """Whether `path` changes from how it stood when read (`read`) within SETTLE_MS."""
    deadline = time.monotonic() + SETTLE_MS / 1000
    while _stamp(path) == read:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
    return True


@dataclass
class _Built:
    """What the editions in place were built from, and how they stood once published."""

    report: Report
    theme: Theme
    editions: dict[Path, tuple[int, int, int] | None]

    def stand_for(self, report: Report, theme: Theme) -> bool:
        """Whether a build of `report` and `theme` would write the editions in place:
        the same model and theme (an edition is a function of them, of the files the
        watcher follows and of SOURCE_DATE_EPOCH, never of the clock), and no edition
        removed or replaced since."""
        return (report == self.report and theme == self.theme
                and all(_stamp(path) == stamp for path, stamp in self.editions.items()))


def watch(watcher: Watcher, builder: Builder, out_dir: Path, say: Callable[[str], None],
          complain: Callable[[str], None]) -> None:
    """Build once, then after every change, until interrupted (KeyboardInterrupt).

    A build that fails (a source that does not validate, an edition that cannot
    carry it) is reported and leaves the editions in place; watching goes on. A
    save of the source that changes nothing in the report (a comment, the layout
    of its YAML, a save without edits) leaves the editions in place, which a
    rebuild would write again byte for byte.
    """
    built: _Built | None = None

    def rebuild(changed: set[Path]) -> None:
        nonlocal built
        start = time.perf_counter()
        if watcher.fonts_changed(changed):
            builder.restart()  # new processes: the old ones keep the fonts they loaded
        read = _stamp(watcher.source)
        try:
            report, theme = watcher.load(changed)
            # Only the source changed, and not what it says: no edition would change.
            if (built is not None and changed <= {resolved(watcher.source)}
                    and built.stand_for(report, theme)):
                say(f"reportexport: {watcher.source.name} saved with no change to the "
                    "report; the editions in place stand")
                return
            paths = builder.build(report, theme, out_dir, inputs=[watcher.source])
            built = _Built(report, theme, {path: _stamp(path) for path in paths})
        except InputError as exc:
            if _still_written(watcher.source, read):
                # Read while an editor was writing it (truncated, half written): the
                # rest of that save is a change of its own, which rebuilds.
                return
            for problem in exc.problems:
                complain(str(problem))
            complain(f"reportexport: {exc.count} problem"
                     f"{'s' * (exc.count != 1)}; the editions in place are unchanged")
            return
        except (ExportError, OSError) as exc:
            complain(f"reportexport: {exc}; the editions in place are unchanged")
            return
        took = time.perf_counter() - start
        each = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in builder.times.items())
        say(f"reportexport: built {', '.join(path.name for path in paths)} "
            f"in {took * 1000:.0f} ms ({each} ms)")

    changed_files = changes(watcher)
    next(changed_files)  # watching from here on: a save during the first build is seen
    rebuild(set())
    watched = ", ".join(sorted(str(path) for path in watcher.inputs()))
    say(f"reportexport: watching {watched} (Ctrl-C stops)")
    for changed in changed_files:
        if changed:
            rebuild(changed)
