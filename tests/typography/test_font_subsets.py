"""Font subsets shape a report's text as the whole font does: the reading-system
cut (`subset_font(..., every_feature=False)`, the EPUB's and the web page's) and
the Word cut.

A browser or reading system applies only the layout features a shaper applies
unasked; these tests shape each text run of a source with HarfBuzz's defaults,
once with the whole face and once with its cut, and compare glyph by glyph:
outline, advance and offsets (the cut renumbers glyphs, so numbers cannot be
compared).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz as hb
import yaml
from fontTools.pens.recordingPen import RecordingPen

from reportexport.theme import FontFamily, load_theme
from reportexport.typography.fontruns import chain, font_runs
from reportexport.typography.fontsubset import subset_font

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "source" / "report.yaml", ROOT / "tests" / "data" / "valid" / "khmer.yaml"]


def _strings(data: Any) -> Iterator[str]:
    """Every text in a YAML document, read with PyYAML (not the tool's reader)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _runs(source: Path, family: FontFamily) -> dict[Path, list[str]]:
    """The source's texts, in runs of one face file of `family`'s chain (regular faces)."""
    faces = [member.regular for member in chain(family)]
    runs: dict[Path, list[str]] = {}
    for text in _strings(yaml.safe_load(source.read_text(encoding="utf-8"))):
        for run in font_runs(text, family):
            runs.setdefault(faces[run.font], []).append(run.text)
    return runs


def _shaped(font_data: bytes, text: str,
            features: dict[str, bool] | None = None) -> list[tuple[object, ...]]:
    font = hb.Font(hb.Face(font_data))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, features or {})
    glyphs = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        pen = RecordingPen()
        font.draw_glyph_with_pen(info.codepoint, pen)
        glyphs.append((info.cluster, position.x_advance, position.x_offset,
                       position.y_offset, tuple(pen.value)))
    return glyphs


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
@pytest.mark.parametrize("role", ["body", "heading"])
@pytest.mark.parametrize("every_feature", [False, True], ids=["reading", "word"])
def test_a_cut_shapes_the_text_as_the_whole_face(source: Path, role: str,
                                                 every_feature: bool) -> None:
    """Khmer's two-part vowels too, whose first part is no character of the text."""
    theme = load_theme()
    family = theme.body_font if role == "body" else theme.heading_font
    runs = _runs(source, family)
    assert runs
    for face, texts in runs.items():
        whole = face.read_bytes()
        cut = subset_font(face, "".join(texts), every_feature=every_feature)
        assert len(cut) < len(whole)
        for text in texts:
            assert _shaped(cut, text) == _shaped(whole, text), (face.name, text)


def test_the_comparison_sees_a_feature_the_cut_left_out() -> None:
    """Old-style figures are asked for by no stylesheet of ours: the reading-system cut
    drops them (the bytes it saves) and the Word cut keeps them, and the comparison
    above would notice a text that needed them."""
    face = load_theme().heading_font.regular
    text = "Election day, 23 July 2023"
    old_style = {"onum": True}
    whole = face.read_bytes()
    assert _shaped(whole, text, old_style) != _shaped(whole, text), \
        f"{face.name} has no old-style figures: pick a face that does"
    reading = subset_font(face, text, every_feature=False)
    word = subset_font(face, text)
    assert _shaped(reading, text, old_style) != _shaped(whole, text, old_style)
    assert _shaped(word, text, old_style) == _shaped(whole, text, old_style)
    assert len(reading) < len(word)


def test_a_letter_the_face_lacks_is_drawn_from_its_parts_in_the_cut() -> None:
    """Caladea has no Ǎ (U+01CD) but has A and the combining caron: the shaper
    draws the letter from them, and the cut must hold them though the text does
    not (the Khmer sources above cover the shaper's own splits)."""
    face = load_theme().body_font.regular
    text = "Ǎ ǐ Ţ"
    whole = face.read_bytes()
    assert len(_shaped(whole, text)) > len(text), "the face draws these letters whole now"
    for every_feature in (False, True):
        cut = subset_font(face, text, every_feature=every_feature)
        assert _shaped(cut, text) == _shaped(whole, text)

