"""Ending a process whose work is done without Python's finalization.

Finalization frees every object the process still holds, one at a time, and
clears every module: a good part of a cold `reportexport all`, between the build's
worker process and the command's own (benchmarks/README.md), and nothing a finished
command needs. Ending in an exit handler keeps what matters of a normal exit: the
threads are joined before exit handlers run, every handler registered after this one
(a plug-in's, the standard library's: multiprocessing's, weakref.finalize's) still
runs before it, and the standard streams are flushed here. So register it early,
before what the process does registers its own.

Under `python -X dev` or with REPORTEXPORT_DEBUG set, the process exits as Python
does: finalization is where unclosed files and leaked resources are reported.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable


def skip_finalization(status: Callable[[], int | None]) -> None:
    """At exit, after the exit handlers registered later, end the process with
    `status()` without finalization; when it gives None, or a standard stream
    cannot be flushed (its reader went away), exit as Python does."""

    if sys.flags.dev_mode or os.environ.get("REPORTEXPORT_DEBUG"):
        return

    def end() -> None:
        code = status()
        if code is None:
            return
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None: the process was started without it
                    stream.flush()
        except (OSError, ValueError):  # Python's own exit reports it
            return
        os._exit(code)

    atexit.register(end)
