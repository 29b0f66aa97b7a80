"""The exporter contract: every registered exporter is held to the same read-back check."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from reportexport import exporters
from reportexport.exporters import GROUP, Exporter, RegistryError
from reportexport.model import Report
from reportexport.theme import Theme

REGISTERED = list(exporters.registered())


def test_the_built_in_formats_are_registered_through_entry_points() -> None:
    assert {"pdf", "docx", "epub"} <= set(REGISTERED)


@pytest.mark.parametrize("name", REGISTERED)
def test_every_exporter_reads_back_the_source_outline(
    name: str, report: Report, theme: Theme, tmp_path: Path
) -> None:
    exporter = exporters.load(name)
    assert isinstance(exporter, Exporter)
    assert exporter.suffix.startswith(".") and "/" in exporter.media_type
    destination = tmp_path / f"edition{exporter.suffix}"
    exporter.export(report, theme, destination)
    assert destination.stat().st_size > 0
    assert exporter.outline(destination) == report.outline()


@pytest.mark.parametrize("name", REGISTERED)
def test_every_exporter_is_found_by_its_suffix(name: str, tmp_path: Path) -> None:
    exporter = exporters.load(name)
    assert exporters.for_file(tmp_path / f"x{exporter.suffix}").name == name


def _fake_entry_points(monkeypatch: pytest.MonkeyPatch, *points: EntryPoint) -> None:
    monkeypatch.setattr(exporters, "_entry_points", lambda: points)


def test_unknown_format_names_what_is_available() -> None:
    with pytest.raises(RegistryError, match=r"unknown format 'pfd'; available: .*pdf"):
        exporters.load("pfd")


def test_duplicate_registration_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(
        monkeypatch,
        EntryPoint("pdf", "reportexport.exporters.pdf:PdfExporter", GROUP),
        EntryPoint("pdf", "someone_else.pdf:Exporter", GROUP),
    )
    with pytest.raises(RegistryError, match="format 'pdf' is registered twice"):
        exporters.registered()


def test_broken_plugin_is_reported_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(
        monkeypatch,
        EntryPoint("pdf", "reportexport.exporters.pdf:PdfExporter", GROUP),
        EntryPoint("odt", "no_such_module_here:Exporter", GROUP),
    )
    with pytest.raises(RegistryError) as caught:
        exporters.load("odt")
    message = str(caught.value)
    assert "format 'odt'" in message and "could not be loaded" in message
    assert "ModuleNotFoundError" in message and "available: odt, pdf" in message
    assert "\n" not in message


def test_plugin_not_meeting_the_contract_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("bad", "pathlib:PurePath", GROUP))
    with pytest.raises(RegistryError, match="does not provide name, suffix"):
        exporters.load("bad")


def test_a_third_party_exporter_plugs_in(monkeypatch: pytest.MonkeyPatch, report: Report,
                                         theme: Theme, tmp_path: Path) -> None:
    """A format from another package: registered by entry point, built through the CLI code."""
    import sys
    import types

    module = types.ModuleType("rx_plaintext_plugin")

    class TextExporter:
        name, suffix, media_type, description = "txt", ".txt", "text/plain", "plain text"

        def export(self, report: Report, theme: Theme, destination: Path) -> None:
            destination.write_text(
                "\n".join(f"{level}\t{title}" for level, title in report.outline()),
                encoding="utf-8",
            )

        def outline(self, path: Path) -> list[tuple[int, str]]:
            rows = path.read_text(encoding="utf-8").splitlines()
            return [(int(a), b) for a, b in (row.split("\t") for row in rows)]

    module.TextExporter = TextExporter  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rx_plaintext_plugin", module)
    _fake_entry_points(monkeypatch, EntryPoint("txt", "rx_plaintext_plugin:TextExporter", GROUP))
    from reportexport.build import Job, build

    [path] = build(report, theme, [Job("txt", {})], tmp_path)
    assert path.name == f"{report.metadata.slug}.txt"
    assert exporters.load("txt").outline(path) == report.outline()
