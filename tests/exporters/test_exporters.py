"""The exporter contract: every registered exporter is held to the same read-back check."""

from __future__ import annotations

import os
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from conftest import SOURCE
from reportexport import exporters
from reportexport.cli import main
from reportexport.exporters import GROUP, Exporter, RegistryError
from reportexport.model import Report
from reportexport.theme import Theme

REGISTERED = list(exporters.registered())


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
    assert "ModuleNotFoundError" in message and "available: docx, epub, html, odt, pdf" in message
    assert "\n" not in message


def test_plugin_not_meeting_the_contract_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, EntryPoint("bad", "pathlib:PurePath", GROUP))
    with pytest.raises(RegistryError, match="does not provide name, suffix"):
        exporters.load("bad")


TEXT_PLUGIN = """
from pathlib import Path


class TextExporter:  # the contract met without subclassing Exporter
    name, suffix, media_type, description = "txt", ".txt", "text/plain", "plain text"

    def export(self, report, theme, destination):
        destination.write_text(
            "\\n".join(f"{level}\\t{title}" for level, title in report.outline()),
            encoding="utf-8",
        )

    def outline(self, path):
        rows = path.read_text(encoding="utf-8").splitlines()
        return [(int(a), b) for a, b in (row.split("\\t") for row in rows)]
"""


@pytest.fixture
def text_plugin(monkeypatch: pytest.MonkeyPatch,
                tmp_path_factory: pytest.TempPathFactory) -> str:
    """A format from another package, registered by entry point: plain text, one heading a line."""
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "rx_plaintext_plugin.py").write_text(TEXT_PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    _fake_entry_points(monkeypatch, EntryPoint("txt", "rx_plaintext_plugin:TextExporter", GROUP))
    return "txt"


def test_a_third_party_exporter_plugs_in(text_plugin: str, report: Report, theme: Theme,
                                         tmp_path: Path) -> None:
    from reportexport.building import build

    [path] = build(report, theme, [text_plugin], tmp_path)
    assert path.name == f"{report.metadata.slug}.txt"
    assert exporters.load(text_plugin).outline(path) == report.outline()


def test_all_builds_plugin_formats_too(text_plugin: str, report: Report, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["all", str(SOURCE), "-o", str(tmp_path)]) == 0
    built = sorted(p.suffix for p in tmp_path.iterdir())
    assert built == [".docx", ".epub", ".html", ".pdf", ".txt"], capsys.readouterr().err
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



PROBES = """
import os
from pathlib import Path

from reportexport import Exporter


def _probe(format_name, export):
    class Probe(Exporter):
        name, suffix, media_type, description = format_name, "." + format_name, "text/plain", "x"

        def export(self, report, theme, destination):
            export(Path(destination))

        def outline(self, path):
            return []

    Probe.__name__ = Probe.__qualname__ = format_name
    return Probe


def _write_pid(destination):
    destination.write_text(str(os.getpid()), encoding="utf-8")


def _die(destination):
    destination.write_text("half", encoding="utf-8")
    os._exit(3)


def _fail(destination):
    raise ImportError("no module named 'odfpy'")


fine = _probe("fine", _write_pid)
other = _probe("other", _write_pid)
dies = _probe("dies", _die)
dies.cost = 2.0  # the heavier share goes to a worker process; this one would die itself
broken = _probe("broken", _fail)
broken.cost = 2.0
"""


@pytest.fixture
def probes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Plug-in formats in a real module, so that spawned worker processes can import them."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "rx_probes.py").write_text(PROBES, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    names = ["fine", "other", "dies", "broken"]
    _fake_entry_points(monkeypatch, *(EntryPoint(name, f"rx_probes:{name}", GROUP)
                                      for name in names))
    return names


@pytest.mark.parametrize(("cores", "processes"), [(1, 1), (2, 2), (8, 2)])
def test_formats_are_built_in_worker_processes_when_cores_allow(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        probes: list[str], cores: int, processes: int) -> None:
    from reportexport import building

    monkeypatch.setattr(building, "_free_cores", lambda: cores)
    out = tmp_path / "out"
    paths = building.build(report, theme, ["fine", "other"], out)
    assert [path.suffix[1:] for path in paths] == ["fine", "other"]  # in the order given
    pids = {int(path.read_text(encoding="utf-8")) for path in paths}
    assert len(pids) == processes and os.getpid() in pids  # this process keeps a share
    building.build(report, theme, ["fine", "other"], out, parallel=False)
    assert {int(path.read_text(encoding="utf-8")) for path in paths} == {os.getpid()}


def test_a_process_that_dies_is_reported_and_nothing_is_published(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        probes: list[str]) -> None:
    from reportexport import building

    monkeypatch.setattr(building, "_free_cores", lambda: 2)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match=r"building the (dies|fine) edition ended without"):
        building.build(report, theme, ["fine", "dies"], out)
    # Neither the edition that was written nor the dead process's half file is left.
    assert list(out.iterdir()) == []


def test_a_failing_exporter_in_a_worker_is_reported_as_itself(
        report: Report, theme: Theme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        probes: list[str]) -> None:
    from reportexport import building

    monkeypatch.setattr(building, "_free_cores", lambda: 2)
    out = tmp_path / "out"
    with pytest.raises(ImportError, match="odfpy"):
        building.build(report, theme, ["fine", "broken", "other"], out)
    assert list(out.iterdir()) == []


def test_formats_are_shared_out_by_declared_cost_heaviest_share_first() -> None:
    from reportexport.building import _groups

    chosen = [exporters.load(name) for name in ("docx", "pdf", "epub")]
    assert _groups(chosen, 2) == [[1], [0, 2]]  # the PDF alone; this process the lightest
    assert sorted(_groups(chosen, 3)) == [[0], [1], [2]]
    # A watcher's rebuilds share by the seconds each edition took last time.
    measured = {"docx": 0.086, "pdf": 0.04, "epub": 0.126}
    assert _groups(chosen, 2, measured) == [[2], [0, 1]]
    assert _groups(chosen, 2, {"docx": 1.0}) == [[1], [0, 2]]  # incomplete: declared costs


@pytest.mark.parametrize("odd", ["lots", float("nan"), float("inf"), -2.0, 0])
def test_an_odd_declared_cost_counts_as_one(odd: object) -> None:
    from reportexport.building import _cost

    exporter = exporters.load("epub")
    exporter.cost = odd  # type: ignore[misc]
    assert _cost(exporter) == 1.0
    assert _cost(exporters.load("pdf")) == 3.0


def test_an_option_no_format_declares_is_refused() -> None:
    with pytest.raises(RegistryError, match="format 'pdf' takes no option 'template'"):
        exporters.load("pdf", template=Path("x.docx"))
    assert exporters.load("docx", template=Path("x.docx")).template == Path("x.docx")
