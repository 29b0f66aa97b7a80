"""When a logo needs a light plate on a coloured ground (exporters/logoplate.py): by
WCAG's contrast of its visible pixels, worked out on real images."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from conftest import DATA
from reportexport.exporters.logoplate import contrast, needs_plate
from reportexport.model import Logo

NAVY, WHITE = "#16324F", "#FFFFFF"


def _logo(path: Path) -> Logo:
    with Image.open(path) as image:
        return Logo(path, "image/png", image.width, image.height)


def test_contrast_is_wcags_ratio() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert contrast((22, 50, 79), (22, 50, 79)) == 1.0


def test_a_logo_for_white_paper_is_plated_on_navy_not_on_white() -> None:
    logo = _logo(DATA / "valid" / "images" / "logo.png")
    assert needs_plate(logo, NAVY)
    assert not needs_plate(logo, WHITE)


def test_a_light_logo_on_transparency_is_left_as_it_is_on_navy(tmp_path: Path) -> None:
    path = tmp_path / "light.png"
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    image.paste((255, 255, 255, 255), (10, 10, 190, 70))
    image.save(path)
    assert not needs_plate(_logo(path), NAVY)
    assert needs_plate(_logo(path), WHITE)
