"""The mode a new file gets: what a file written through mkstemp (always 0600) is given
before it is renamed into place, so that an edition or a source is as readable as any
other new file (0644 under umask 022)."""

from __future__ import annotations

import os


def new_file_mode() -> int:
    """0666 less the process's umask (only read: setting it is the one way to learn it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
