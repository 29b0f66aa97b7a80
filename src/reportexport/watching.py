"""`reportexport watch`: build, then rebuild whenever an input file changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportexport.building import Builder, figure_images
from reportexport.loading import load, load_checked
from reportexport.model import Report
from reportexport.source.problems import ExportError, InputError
from reportexport.theme import Theme

#: watchfiles waits this long after the last change before yielding (ms): an
#: editor's several writes for one save, or several quick saves, give one rebuild.
QUIET_MS = 50
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
    """The files a build reads, and the theme kept loaded until its file changes."""

    source: Path
    style: Path | None
    extra: tuple[Path, ...] = ()  # other inputs: a Word template, …
    _theme: Theme | None = field(default=None, init=False)
    _images: set[Path] = field(default_factory=set, init=False)  # the last good source's

    def _given(self) -> list[Path]:
        return [self.source, *self.extra, *([self.style] if self.style is not None else [])]

    def inputs(self) -> set[Path]:
        return {resolved(path) for path in (*self._given(), *self._images)}

    def folders(self) -> set[Path]:
        """Watched with what is below them: images live in the source's folder or below."""
        return {resolved(path).parent for path in self._given()}

    def load(self, changed: set[Path]) -> tuple[Report, Theme]:
        """The source, and the theme as loaded last unless its file changed (or it never
        loaded): then both are read, so that one message lists the problems of both."""
        style_changed = self.style is not None and resolved(self.style) in changed
        if self._theme is None or style_changed:
            self._theme = None
            report, self._theme = load(self.source, self.style)
        else:  # the same pipeline, with the theme kept
            report = load_checked(self.source, self._theme)
        self._images = figure_images(report)
        return report, self._theme


#: How often the watcher wakes when nothing changes (ms); its first wake says it is running.
IDLE_MS = 200


def _changes(folders: set[Path], inputs: Callable[[], set[Path]]) -> Iterator[set[Path]]:
    """Sets of changed input files, as editors save them (in place, or by renaming).

    An empty set now and then, when nothing changed: the first one means the
    watcher is running, so a change made from then on is not missed.
    """
    import watchfiles

    def relevant(_change: object, path: str) -> bool:
        return resolved(Path(path)) in inputs()

    for batch in watchfiles.watch(*folders, watch_filter=relevant, step=QUIET_MS,
                                  debounce=LONGEST_MS, rust_timeout=IDLE_MS,
                                  yield_on_timeout=True, raise_interrupt=True):
        yield {resolved(Path(path)) for _, path in batch}


def watch(watcher: Watcher, builder: Builder, out_dir: Path, say: Callable[[str], None],
          complain: Callable[[str], None]) -> None:
    """Build once, then after every change, until interrupted (KeyboardInterrupt).

    A build that fails (a source that does not validate, an edition that cannot
    carry it) is reported and leaves the editions in place; watching goes on.
    """

    def rebuild(changed: set[Path]) -> None:
        start = time.perf_counter()
        try:
            report, theme = watcher.load(changed)
            paths = builder.build(report, theme, out_dir, inputs=[watcher.source])
        except InputError as exc:
            for problem in exc.problems:
                complain(str(problem))
            complain(f"reportexport: {len(exc.problems)} problem"
                     f"{'s' * (len(exc.problems) != 1)}; the editions in place are unchanged")
            return
        except (ExportError, OSError) as exc:
            complain(f"reportexport: {exc}; the editions in place are unchanged")
            return
        took = time.perf_counter() - start
        say(f"reportexport: built {', '.join(path.name for path in paths)} "
            f"in {took * 1000:.0f} ms")

    changes = _changes(watcher.folders(), watcher.inputs)
    next(changes)  # watching from here on: a save during the first build is seen
    rebuild(set())
    watched = ", ".join(sorted(str(path) for path in watcher.inputs()))
    say(f"reportexport: watching {watched} (Ctrl-C stops)")
    for changed in changes:
        if changed:
            rebuild(changed)
