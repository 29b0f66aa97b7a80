"""Scaled copies of a report source: the sections repeated with unique titles and ids."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml


class _NoAliasDumper(yaml.SafeDumper):
    """reportexport refuses aliases, so repeated blocks are written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _renamed_block(block: Any, copy: int) -> Any:
    """A block whose table or figure id, if it has one, is made unique (ids are checked);
    references to it in the copy still name the original, which is there too."""
    if not isinstance(block, dict):
        return block
    out = dict(block)
    for kind, body in block.items():
        if kind in ("table", "figure") and isinstance(body, dict) and "id" in body:
            out[kind] = {**body, "id": f"{body['id']}-{copy}"}
        elif kind == "callout" and isinstance(body, dict) and "blocks" in body:
            out[kind] = {**body, "blocks": [_renamed_block(b, copy) for b in body["blocks"]]}
    return out


def _renamed(section: dict[str, Any], copy: int) -> dict[str, Any]:
    out = dict(section)
    out["id"] = f"{section['id']}-{copy}"
    out["title"] = f"{section['title']} ({copy})"
    if "blocks" in section:
        out["blocks"] = [_renamed_block(block, copy) for block in section["blocks"]]
    if "sections" in section:
        out["sections"] = [_renamed(child, copy) for child in section["sections"]]
    return out


def scaled(source_text: str, factor: int) -> str:
    """The source with its sections repeated `factor` times (copy 1 keeps the originals)."""
    data = yaml.safe_load(source_text)
    original = data["sections"]
    data["sections"] = list(original) + [
        _renamed(section, copy) for copy in range(2, factor + 1) for section in original
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
