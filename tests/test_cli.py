"""The command line as users meet it: commands, exit statuses, atomic and reproducible output."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, FORMATS, ROOT, SOURCE, run_cli
from reportexport import __version__
from reportexport.cli import main
from reportexport.model import Report


def test_version() -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.stdout.strip() == f"reportexport {__version__}"


@pytest.mark.parametrize(
    "command", [[], ["pdf"], ["docx"], ["epub"], ["all"], ["validate"], ["formats"],
                ["schema"], ["inspect"]])
def test_help_on_every_command(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.code == 0
    assert "usage: reportexport" in result.stdout


def test_formats_lists_every_registered_exporter() -> None:
    result = run_cli("formats")
    assert result.code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    # In the order `all` builds them: the longest edition first.
    assert [row[0] for row in rows] == ["pdf", "docx", "epub", "html"]
    assert [row[1] for row in rows] == [".pdf", ".docx", ".epub", ".html"]


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("odt")
    assert result.code == 2
    assert "unknown command 'odt'; commands: pdf, docx, epub, html, all" in result.stderr


def test_all_builds_every_edition_into_a_new_folder(tmp_path: Path, report: Report) -> None:
    out = tmp_path / "new folder" / "dïst"
    result = run_cli("all", "-o", out)
    assert result.code == 0, result.stderr
    expected = {out / f"{report.metadata.slug}.{fmt}" for fmt in FORMATS}
    assert set(out.iterdir()) == expected
    assert {Path(line) for line in result.stdout.splitlines()} == expected
    for path in expected:
        assert oct(path.stat().st_mode & 0o777) != "0o600", "editions are not private temp files"


def test_default_source_and_output(tmp_path: Path, report: Report) -> None:
    work = tmp_path / "project"
    (work / "source").mkdir(parents=True)
    shutil.copy(SOURCE, work / "source" / "report.yaml")
    result = run_cli("epub", cwd=work)
    assert result.code == 0, result.stderr
    assert (work / "dist" / f"{report.metadata.slug}.epub").is_file()


def test_source_path_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    source = tmp_path / "my répört source.yaml"
    shutil.copy(SOURCE, source)
    result = run_cli("docx", source, "-o", tmp_path / "out put")
    assert result.code == 0, result.stderr


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_failed_build_keeps_the_previous_editions(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run_cli("all", "-o", out).code == 0
    before = _digests(out)
    broken = tmp_path / "broken.yaml"
    broken.write_text(SOURCE.read_text(encoding="utf-8").replace("title:", "titel:", 3))
    result = run_cli("all", broken, "-o", out)
    assert result.code == 2
    assert _digests(out) == before
    assert not list(out.glob(".*")), "no temporary file left behind"


def test_an_exporter_failure_keeps_the_previous_edition(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    minimal = DATA / "valid" / "minimal.yaml"
    assert run_cli("pdf", minimal, "-o", out).code == 0
    before = _digests(out)
    cjk = tmp_path / "minimal.yaml"
    cjk.write_text(minimal.read_text(encoding="utf-8").replace("Just one", "中 one"))
    result = run_cli("pdf", cjk, "-o", out)
    assert result.code == 2 and "no font of the theme has" in result.stderr
    assert _digests(out) == before
    assert not list(out.glob(".*"))


@pytest.mark.parametrize("cores", [1, 2])
def test_a_build_publishes_all_editions_or_none(tmp_path: Path, cores: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """One failing format keeps every edition in the folder as it was, in both build modes."""
    from reportexport import building as build_module
    from reportexport.cli import main

    monkeypatch.setattr(build_module, "_free_cores", lambda: cores)
    out = tmp_path / "dist"
    assert main(["all", str(SOURCE), "-o", str(out)]) == 0
    before = _digests(out)
    changed = tmp_path / "changed.yaml"
    changed.write_text(SOURCE.read_text(encoding="utf-8").replace(
        "title: Conclusion", "title: Conclusions"), encoding="utf-8")
    missing_template = tmp_path / "no-such-template.docx"
    code = main(["all", str(changed), "-o", str(out), "--template", str(missing_template)])
    assert code == 2
    assert _digests(out) == before
    assert sorted(p.name for p in out.iterdir()) == list(before)


def test_interrupted_build_leaves_no_partial_file(tmp_path: Path, report: Report,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from reportexport.building import build
    from reportexport.exporters.pdf import PdfExporter
    from reportexport.theme import load_theme

    out = tmp_path / "dist"
    theme = load_theme()
    build(report, theme, ["pdf"], out)
    before = _digests(out)

    def interrupted(self: PdfExporter, report: Report, theme: object, destination: Path) -> None:
        destination.write_bytes(b"%PDF-1.4 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(PdfExporter, "export", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(report, theme, ["pdf"], out)
    assert _digests(out) == before
    assert sorted(p.name for p in out.iterdir()) == list(before)


def test_read_only_output_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root writes anywhere; simulate the refusal the way the OS reports it.
        from reportexport import publishing as build_module

        out = tmp_path / "dist"
        out.mkdir()

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", str(out))

        original = build_module.tempfile.mkstemp
        build_module.tempfile.mkstemp = refuse  # type: ignore[assignment]
        try:
            from reportexport.cli import main

            assert main(["pdf", str(SOURCE), "-o", str(out)]) == 1
        finally:
            build_module.tempfile.mkstemp = original
        assert list(out.iterdir()) == []
        return
    out = tmp_path / "dist"
    out.mkdir()
    out.chmod(0o555)
    result = run_cli("pdf", "-o", out)
    assert result.code != 0 and "Traceback" not in result.stderr


def test_reproducible_with_source_date_epoch(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("all", "-o", first, env=env).code == 0
    assert run_cli("all", "-o", second, env=env).code == 0
    assert _digests(first) == _digests(second)
    third = tmp_path / "c"
    assert run_cli("all", "-o", third, env={"SOURCE_DATE_EPOCH": "1600000000"}).code == 0
    # The web page records no build time: it is the same whatever the epoch.
    recorded = {name: (a, b) for (name, a), b in zip(_digests(first).items(),
                                                   _digests(third).values(), strict=True)}
    assert all(a != b for name, (a, b) in recorded.items() if not name.endswith(".html")), \
        "the epoch is what the editions record"
    assert [a == b for name, (a, b) in recorded.items() if name.endswith(".html")] == [True]


def test_bad_source_date_epoch(tmp_path: Path) -> None:
    result = run_cli("pdf", "-o", tmp_path, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.code == 2
    assert "SOURCE_DATE_EPOCH='yesterday' is not a whole number" in result.stderr


def test_inspect_every_edition(tmp_path: Path, report: Report, editions: dict[str, Path],
                               capsys: pytest.CaptureFixture[str]) -> None:
    from reportexport.cli import main

    for path in editions.values():
        assert main(["inspect", str(path)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines == [f"{'  ' * (lvl - 1)}{lvl} {title}" for lvl, title in report.outline()]
    unknown = tmp_path / "notes.odt"
    unknown.write_text("x")
    result = run_cli("inspect", unknown)
    assert result.code == 2 and "no registered format reads '.odt' files" in result.stderr


def _cut_short_zip() -> bytes:
    """The first half of a zip archive: a download or copy that stopped."""
    whole = io.BytesIO()
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 200)
    return whole.getvalue()[:len(whole.getvalue()) // 2]


#: What a library's exception says of itself: its class name ("PdfStreamError:",
#: "ValueError:"), which is no message for the writer.
_CLASS_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception|Warning)\b")


@pytest.mark.parametrize("damage", ["empty", "junk", "cut-short zip"])
@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".epub", ".html"])
def test_inspect_a_damaged_edition_says_so_in_words(tmp_path: Path, suffix: str,
                                                    damage: str) -> None:
    """One line, exit status 2: nothing the reader's library logs, no exception's name."""
    broken = tmp_path / f"broken{suffix}"
    broken.write_bytes({"empty": b"", "junk": b"junk\n", "cut-short zip": _cut_short_zip()}[damage])
    result = run_cli("inspect", broken)
    assert result.code == 2
    assert result.stdout == ""
    line, = result.stderr.splitlines()  # only the message: no library's log lines
    assert line.startswith(f"{broken}: not a readable {suffix[1:].upper()} edition ("), line
    assert not _CLASS_NAME.search(line), line


def test_source_and_theme_problems_are_reported_together(tmp_path: Path) -> None:
    source = DATA / "invalid" / "duplicate-key.yaml"
    theme = tmp_path / "theme.yaml"
    theme.write_text((ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
                     .replace("size: A4", "size: A3"), encoding="utf-8")
    result = run_cli("validate", source, "--style", theme)
    assert result.code == 2
    assert f"{source}:10:5:" in result.stderr and f"{theme}:" in result.stderr
    assert "2 problems" in result.stderr


def test_a_theme_number_out_of_range_is_not_told_to_be_quoted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Quoting a number makes it text, which a length is not: the hint is for text only."""
    theme = tmp_path / "theme.yaml"
    theme.write_text((ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
                     .replace("list_indent: 18", "list_indent: 200"), encoding="utf-8")
    assert main(["validate", str(DATA / "valid" / "minimal.yaml"), "--style", str(theme)]) == 2
    err = capsys.readouterr().err
    assert "spacing_pt.list_indent: expected a number from 0 to 144; found the number 200\n" \
        in err


def test_validate_checks_a_word_template_with_the_source(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`validate --template` finds what the DOCX build would refuse, listed with the
    source's problems; a good template is named among what was checked."""
    import docx

    source = DATA / "invalid" / "duplicate-key.yaml"
    not_word = tmp_path / "notes.docx"
    not_word.write_text("not a zip", encoding="utf-8")
    assert main(["validate", str(source), "--template", str(not_word)]) == 2
    err = capsys.readouterr().err
    assert f"{not_word}: not a Word document (.docx): it is no zip archive\n" in err
    assert f"{source}:10:5:" in err and "2 problems" in err
    template = tmp_path / "house-style.docx"
    docx.Document().save(str(template))
    good = DATA / "valid" / "minimal.yaml"
    assert main(["validate", str(good), "--reference-doc", str(template)]) == 0
    assert capsys.readouterr().err.rstrip().endswith(f"; {template}: ok")


# The output libraries: listing formats, validating or building one edition
# should not pay for the others'.
LIBRARIES = ("reportlab", "docx", "ebooklib")


def _imported_after(code: str) -> set[str]:
    probe = (
        f"import sys\n{code}\n"
        f"print(','.join(m for m in {LIBRARIES!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return {m for m in last.split(",") if m}


def test_importing_the_cli_imports_no_output_library() -> None:
    assert _imported_after("import reportexport.cli") == set()


def test_validate_imports_no_output_library() -> None:
    code = "from reportexport.cli import main\nassert main(['validate']) == 0"
    assert _imported_after(code) == set()


def test_docx_build_imports_only_its_own_library(tmp_path: Path) -> None:
    code = (
        "from reportexport.cli import main\n"
        f"assert main(['docx', '-o', {str(tmp_path)!r}]) == 0"
    )
    assert _imported_after(code) == {"docx"}


def test_python_dash_m_and_console_script_agree() -> None:
    script = shutil.which("reportexport", path=str(Path(sys.executable).parent))
    assert script, "the console script is installed beside the interpreter"
    done = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert done.stdout == run_cli("--version").stdout


def test_reproducible_from_any_checkout_folder(tmp_path: Path) -> None:
    """Two checkouts in different folders build byte-identical editions: nothing records
    where the project lies (a figure's PDF image was once named after its full path)."""
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    digests = []
    for folder in (tmp_path / "one", tmp_path / "two" / "deeper"):
        # Its images are embedded as they are, which the PDF names them by.
        shutil.copytree(DATA / "valid" / "images", folder / "images")
        shutil.copy(DATA / "valid" / "figures.yaml", folder)
        assert run_cli("all", "figures.yaml", "-o", "dist", cwd=folder, env=env).code == 0
        digests.append(_digests(folder / "dist"))
    assert digests[0] == digests[1]


def test_reproducible_from_any_working_folder(tmp_path: Path) -> None:
    """One source built from two working folders gives byte-identical editions (a PDF's
    image was named after its path relative to the working folder)."""
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    folders = [ROOT, tmp_path]
    digests = []
    for number, folder in enumerate(folders):
        out = tmp_path / f"dist{number}"
        assert run_cli("all", DATA / "valid" / "figures.yaml", "-o", out, cwd=folder,
                       env=env).code == 0
        digests.append(_digests(out))
    assert digests[0] == digests[1]
