"""Scaled copies of a report source: the sections repeated with unique titles and ids."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml


class _NoAliasDumper(yaml.SafeDumper):
    """reportexport refuses aliases, so repeated blocks are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


#: A cross-reference's target in marked-up text: `[words](#id)` or `[](#id)`.
_REFERENCE = re.compile(r"\]\(#([^)\s]+)\)")


def _ids(node: Any) -> set[str]:
    """Every id in `node`: its sections' and their tables' and figures'."""
    if isinstance(node, dict):
        own = {node["id"]} if isinstance(node.get("id"), str) else set()
        return own.union(*(_ids(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_ids(item) for item in node))
    return set()


def _copied(node: Any, copy: int, ids: set[str]) -> Any:
    """`node` with each id in `ids` given the copy's suffix, where it is defined and where
    a cross-reference names it (references to what is not copied, an annex, stay)."""
    if isinstance(node, dict):
        out = {key: _copied(value, copy, ids) for key, value in node.items()}
        if isinstance(node.get("id"), str):
            out["id"] = f"{node['id']}-{copy}"
        if isinstance(node.get("id"), str) and "title" in node:  # a section
            out["title"] = f"{node['title']} ({copy})"
        return out
    if isinstance(node, list):
        return [_copied(item, copy, ids) for item in node]
    if isinstance(node, str):
        return _REFERENCE.sub(lambda found: f"](#{found[1]}-{copy})"
                              if found[1] in ids else found[0], node)
    return node


def scaled(source_text: str, factor: int) -> str:
    """The source with its sections repeated `factor` times (copy 1 keeps the originals):
    each copy's sections, tables and figures get ids of their own, and its references
    lead to them."""
    data = yaml.safe_load(source_text)
    original = data["sections"]
    ids = _ids(original)
    data["sections"] = list(original) + [
        _copied(section, copy, ids) for copy in range(2, factor + 1) for section in original
    ]
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("factor", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    args.output.write_text(scaled(args.source.read_text(encoding="utf-8"), args.factor),
                           encoding="utf-8")


if __name__ == "__main__":
    main()
