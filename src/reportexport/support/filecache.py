"""A cache of what is worked out from a file, kept while the file stays as it was."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def cached_by_file(maxsize: int) -> Callable[[Callable[Concatenate[Path, P], R]],
                                             Callable[Concatenate[Path, P], R]]:
    """Cache a function of a file (its first argument) and hashable arguments, keyed on
    the file's modification time and size too: a file replaced in place (a font or an
    image the author edits while the preview runs) is read again."""

    def decorate(function: Callable[Concatenate[Path, P], R]) -> Callable[Concatenate[Path, P], R]:
        @functools.lru_cache(maxsize=maxsize)
        def keyed(path: Path, stamp: tuple[int, int], *args: Any, **kwargs: Any) -> R:
            return function(path, *args, **kwargs)

        @functools.wraps(function)
        def cached(path: Path, /, *args: P.args, **kwargs: P.kwargs) -> R:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            return keyed(path, stamp, *args, **kwargs)  # type: ignore[arg-type]  # hashable

        return cached

    return decorate
