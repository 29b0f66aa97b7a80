"""The exporter contract: every registered exporter is held to the same read-back check."""

from __future__ import annotations

import os
import time
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from conftest import SOURCE
from reportexport import exporters
from reportexport.cli import main
from reportexport.exporters import GROUP, Exporter, RegistryError
from reportexport.model import Report
from reportexport.theme import Theme

REGISTERED = list(exporters.registered())


def _no_scanning() -> tuple[EntryPoint, ...]:
    raise AssertionError("installed packages were scanned for plug-ins")


def test_the_built_in_formats_need_no_scan_of_installed_packages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(exporters.BUILT_IN) == {"pdf", "docx", "epub"} <= set(REGISTERED)
    monkeypatch.setattr(exporters, "_entry_points", _no_scanning)
    assert set(exporters.registered(plugins=False)) == {"pdf", "docx", "epub"}
    for name in exporters.BUILT_IN:
        assert exporters.load(name).name == name


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


def test_a_plugin_cannot_take_a_built_in_name(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("pdf", "someone_else.pdf:Exporter", GROUP))
    with pytest.raises(RegistryError, match="format 'pdf' is registered twice"):
        exporters.registered()


def test_duplicate_plugin_registration_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(
        monkeypatch,
        EntryPoint("odt", "one.odt:Exporter", GROUP),
        EntryPoint("odt", "another.odt:Exporter", GROUP),
    )
    with pytest.raises(RegistryError, match="format 'odt' is registered twice"):
        exporters.registered()


def test_broken_plugin_is_reported_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("odt", "no_such_module_here:Exporter", GROUP))
    with pytest.raises(RegistryError) as caught:
        exporters.load("odt")
    message = str(caught.value)
    assert "format 'odt'" in message and "could not be loaded" in message
    assert "ModuleNotFoundError" in message and "available: docx, epub, odt, pdf" in message
    assert "\n" not in message


def test_plugin_not_meeting_the_contract_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("bad", "pathlib:PurePath", GROUP))
    with pytest.raises(RegistryError, match="does not provide name, suffix"):
        exporters.load("bad")


@pytest.fixture
def text_plugin(monkeypatch: pytest.MonkeyPatch) -> str:
    """A format from another package, registered by entry point: plain text, one heading a line."""
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
    return "txt"


def test_a_third_party_exporter_plugs_in(text_plugin: str, report: Report, theme: Theme,
                                         tmp_path: Path) -> None:
    from reportexport.build import Job, build

    [path] = build(report, theme, [Job(text_plugin, {})], tmp_path)
    assert path.name == f"{report.metadata.slug}.txt"
    assert exporters.load(text_plugin).outline(path) == report.outline()


def test_all_builds_plugin_formats_too(text_plugin: str, report: Report, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # `all` starts the built-in exporters first and looks for plug-ins meanwhile.
    assert main(["all", str(SOURCE), "-o", str(tmp_path)]) == 0
    built = sorted(p.suffix for p in tmp_path.iterdir())
    assert built == [".docx", ".epub", ".pdf", ".txt"], capsys.readouterr().err
    txt = tmp_path / f"{report.metadata.slug}.txt"
    assert exporters.load(text_plugin).outline(txt) == report.outline()


def test_all_refuses_a_plugin_that_takes_a_built_in_name(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("pdf", "someone_else.pdf:Exporter", GROUP))
    out = tmp_path / "out"
    assert main(["all", str(SOURCE), "-o", str(out)]) == 2
    assert "format 'pdf' is registered twice" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())



def _probe(name: str, export: Any, cost: float | None = None) -> type:
    """A plug-in format whose export is `export(destination)`."""

    class Probe:
        suffix, media_type, description = f".{name}", "text/plain", "probe"

        def export(self, report: Report, theme: Theme, destination: Path) -> None:
            export(destination)

        def outline(self, path: Path) -> list[tuple[int, str]]:
            return []

    Probe.name = name  # type: ignore[attr-defined]
    if cost is not None:
        Probe.cost = cost  # type: ignore[attr-defined]
    return Probe


def _register(monkeypatch: pytest.MonkeyPatch, **probes: type) -> None:
    import sys
    import types

    module = types.ModuleType("rx_probes")
    for name, probe in probes.items():
        setattr(module, name, probe)
    monkeypatch.setitem(sys.modules, "rx_probes", module)
    _fake_entry_points(monkeypatch, *(EntryPoint(name, f"rx_probes:{name}", GROUP)
                                      for name in probes))


def _write_pid(destination: Path) -> None:
    destination.write_text(str(os.getpid()), encoding="utf-8")


@pytest.mark.parametrize(("cores", "processes"), [(2, 2), (8, 3)])
def test_formats_share_processes_when_cores_are_fewer(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        cores: int, processes: int) -> None:
    from reportexport import build as building

    _register(monkeypatch, lighta=_probe("lighta", _write_pid),
              heavy=_probe("heavy", _write_pid, cost=5.0), lightb=_probe("lightb", _write_pid))
    monkeypatch.setattr(building, "_free_cores", lambda: cores)
    order = ["lighta", "heavy", "lightb"]
    paths = building.build(report, theme, [building.Job(name, {}) for name in order], tmp_path)
    assert [path.suffix[1:] for path in paths] == order  # published in the order given
    pid = {path.suffix[1:]: int(path.read_text(encoding="utf-8")) for path in paths}
    assert len(set(pid.values())) == processes and os.getpid() not in pid.values()
    if cores == 2:  # the costliest alone; the others together
        assert pid["lighta"] == pid["lightb"] != pid["heavy"]


def test_all_gives_the_pdf_a_process_of_its_own_on_two_cores() -> None:
    from reportexport.build import Job, _groups

    jobs = [Job(name, {}) for name in exporters.BUILT_IN]
    named = [[jobs[index].format for index in group] for group in _groups(jobs, 2)]
    assert named == [["pdf"], ["docx", "epub"]]
    assert sorted(len(group) for group in _groups(jobs, 4)) == [1, 1, 1]


@pytest.mark.parametrize("when", ["writing", "preparing", "preparing, the source unread"])
def test_a_process_that_dies_is_reported_and_nothing_is_published(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        when: str) -> None:
    from reportexport import build as building

    def die(destination: Path) -> None:
        destination.write_text("half", encoding="utf-8")
        os._exit(3)

    def die_early(self: object) -> None:  # as a crash importing a C library would
        if when.endswith("unread"):
            time.sleep(0.5)  # long enough for the source to have been sent
        os._exit(3)

    dies = _probe("dies", die)
    if when.startswith("preparing"):
        dies.prepare = die_early  # type: ignore[attr-defined]
    _register(monkeypatch, fine=_probe("fine", _write_pid), dies=dies)
    monkeypatch.setattr(building, "_free_cores", lambda: 8)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match=r"building the dies edition .* \(exit status 3\)"):
        building.build(report, theme, [building.Job("fine", {}), building.Job("dies", {})], out)
    # Neither the edition that was written nor the dead process's half file is left.
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("odd", ["lots", float("nan"), float("inf"), -2.0, 0])
def test_an_odd_declared_cost_counts_as_one(odd: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportexport.build import _cost

    _register(monkeypatch, odd=_probe("odd", _write_pid, cost=odd))
    assert _cost("odd") == 1.0
    assert _cost("pdf") == 3.0


def test_a_failing_prepare_is_reported_for_its_own_format(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportexport import build as building

    def no_library(self: object) -> None:
        raise ImportError("no module named 'odfpy'")

    broken = _probe("broken", _write_pid)
    broken.prepare = no_library  # type: ignore[attr-defined]
    _register(monkeypatch, fine=_probe("fine", _write_pid), broken=broken)
    monkeypatch.setattr(building, "_free_cores", lambda: 2)  # both share one process
    out = tmp_path / "out"
    with pytest.raises(ImportError, match="odfpy"):
        building.build(report, theme, [building.Job("fine", {}), building.Job("broken", {}),
                                       building.Job("pdf", {})], out)
    assert list(out.iterdir()) == []
