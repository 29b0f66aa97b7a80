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


def _renamed(section: dict[str, Any], copy: int) -> dict[str, Any]:
    out = dict(section)
    out["id"] = f"{section['id']}-{copy}"
    out["title"] = f"{section['title']} ({copy})"
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
