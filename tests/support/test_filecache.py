"""The one cache of what is worked out from a file (fonts' subsets, images' copies and names)."""

from __future__ import annotations

import os
from pathlib import Path

from reportexport.support.filecache import cached_by_file


def test_a_file_is_read_again_only_once_it_changes(tmp_path: Path) -> None:
    reads: list[str] = []

    @cached_by_file(maxsize=4)
    def shout(path: Path, suffix: str) -> str:
        reads.append(path.read_text())
        return path.read_text().upper() + suffix

    source = tmp_path / "words.txt"
    source.write_text("one")
    assert shout(source, "!") == shout(source, "!") == "ONE!"
    assert shout(source, "?") == "ONE?"
    assert reads == ["one", "one"]  # once per argument, not per call
    source.write_text("three")  # replaced in place: another size
    assert shout(source, "!") == "THREE!"
    stat = source.stat()
    source.write_text("fours")  # the same size: another modification time
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert shout(source, "!") == "FOURS!"
