"""Where a new child goes in WordprocessingML: the schema fixes the order of an
element's children (a `w:settings`, a `w:pPr`), and Word refuses a file that
breaks it. Each caller names, for its element, the children that come before it
or the ones that come after it, in the schema's sequence."""

from __future__ import annotations

from collections.abc import Set
from typing import Any


def insert_in_order(parent: Any, element: Any, *, preceding: Set[str] = frozenset(),
                    following: Set[str] = frozenset()) -> None:
    """Add `element` to `parent` after its last child named in `preceding` (first
    when there is none), or else before its first child named in `following`
    (last when there is none). Names are local names, without the prefix."""
    names = [child.tag.rpartition("}")[2] for child in parent]
    if preceding:
        index = max((i + 1 for i, name in enumerate(names) if name in preceding), default=0)
    else:
        index = next((i for i, name in enumerate(names) if name in following), len(names))
    parent.insert(index, element)
