"""What a BCP 47 language tag says that the editions' words and typography follow."""

from __future__ import annotations


def primary_subtag(tag: str) -> str:
    """The language of `tag` without its region or script, lower-cased: "fr-CA" -> "fr"."""
    return tag.split("-")[0].lower()
