"""The command line fits people's habits: pandoc's -o and -, typos, misplaced options."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SOURCE, run_cli
from readers import TEXT_READERS
from reportexport.cli import main

MINIMAL = DATA / "valid" / "minimal.yaml"


@pytest.mark.parametrize(("typed", "meant"), [("pfd", "pdf"), ("PDF", "pdf"), ("Epub", "epub"),
                                              ("dcox", "docx"), ("valdate", "validate")])
def test_a_misspelt_command_gets_a_suggestion(typed: str, meant: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main([typed]) == 2
    assert f"unknown command '{typed}' (did you mean '{meant}'?)" in capsys.readouterr().err


@pytest.mark.parametrize(("command", "typed", "meant"), [
    (["validate"], "--stlye", "--style"), (["pdf"], "--ouptut", "--output"),
    (["all"], "--templte=ref.docx", "--template"), (["watch"], "--fromats", "--formats"),
    (["docx"], "--quite", "--quiet"), (["schema"], "--thme", "--theme")])
def test_a_misspelt_option_gets_a_suggestion(command: list[str], typed: str, meant: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, typed])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: reportexport {command[0]} ")
    assert f"unrecognized arguments: {typed} (did you mean '{meant}'?)" in err


def test_validate_says_which_theme_it_checked(tmp_path: Path) -> None:
    theme = tmp_path / "house.yaml"
    shutil.copy(ROOT / "styles" / "default.yaml", theme)
    result = run_cli("validate", MINIMAL, "--style", theme, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stderr == f"{MINIMAL}: ok (1 section); {theme}: ok\n"
    # Without --style, in a folder with no theme of its own: the built-in one.
    result = run_cli("validate", MINIMAL, cwd=tmp_path)
    assert result.stderr == f"{MINIMAL}: ok (1 section); the built-in theme: ok\n"


def test_an_unknown_option_prints_the_subcommands_usage() -> None:
    result = run_cli("pdf", "--bogus")
    assert result.code == 2
    assert result.stderr.startswith("usage: reportexport pdf ")
    assert "unrecognized arguments: --bogus" in result.stderr


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub"])
def test_dash_o_with_the_formats_suffix_writes_that_file(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / f"brief.{fmt}"
    assert main([fmt, str(MINIMAL), "-o", str(target), "-q"]) == 0
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert "Just one" in TEXT_READERS[fmt](target)


def test_dash_o_naming_a_file_for_several_editions_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["all", str(MINIMAL), "-o", str(tmp_path / "brief.pdf")]) == 2
    assert "a file name can name one edition only" in capsys.readouterr().err
    assert not (tmp_path / "brief.pdf").exists()


@pytest.mark.parametrize("command", [["all", str(MINIMAL)], ["import", "draft.docx"]])
def test_an_empty_dash_o_is_a_usage_error_not_the_current_folder(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as ended:
        main([*command, "-o", ""])
    assert ended.value.code == 2
    assert "-o/--output: an empty name is no folder or file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_dash_o_naming_an_existing_other_file_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    assert main(["pdf", str(MINIMAL), "-o", str(notes)]) == 2
    assert "is a file that is not an edition" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == "mine"


def test_dash_reads_the_source_from_standard_input(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reportexport", "epub", "-", "-o",
                           str(tmp_path)], input=MINIMAL.read_bytes(), capture_output=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    [edition] = tmp_path.iterdir()
    assert "Just one" in TEXT_READERS["epub"](edition)
    bad = subprocess.run([sys.executable, "-m", "reportexport", "validate", "-"],
                         input=b"metadata:\n  title: [x\n", capture_output=True, cwd=ROOT)
    assert bad.returncode == 2
    assert bad.stderr.startswith(b"<stdin>:2:10: this '[' is never closed")
    # A character no font has is located in the source as read: stdin is not read again.
    no_font = MINIMAL.read_text(encoding="utf-8").replace("Just one", "Just \u6f22 one", 1)
    assert no_font != MINIMAL.read_text(encoding="utf-8")
    lacking = subprocess.run([sys.executable, "-m", "reportexport", "validate", "-"],
                             input=no_font.encode(), capture_output=True, cwd=ROOT)
    assert lacking.returncode == 2
    assert re.match(r"<stdin>:\d+:\d+: \S+: no font of the theme has '\u6f22'",
                    lacking.stderr.decode()), lacking.stderr.decode()


def test_reference_doc_is_accepted_for_template(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "house.docx"
    assert main(["docx", str(MINIMAL), "-o", str(tmp_path), "--reference-doc",
                 str(missing)]) == 2
    assert f"{missing}: no such template file" in capsys.readouterr().err


def test_a_report_given_as_the_theme_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL), "--style", str(SOURCE)]) == 2
    assert "this looks like a report source, not a theme" in capsys.readouterr().err


def test_a_missing_theme_is_named_as_a_theme(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL), "--style", str(tmp_path / "nope.yaml")]) == 2
    assert f"{tmp_path / 'nope.yaml'}: no such theme file" in capsys.readouterr().err


def test_outside_a_project_the_default_source_is_explained(tmp_path: Path) -> None:
    result = run_cli("all", cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "source/report.yaml: no such file. It is the default source" in result.stderr
    assert "reportexport init DIR" in result.stderr


def test_authors_may_be_one_name(tmp_path: Path) -> None:
    from reportexport import load_report

    source = tmp_path / "one-author.yaml"
    source.write_text(MINIMAL.read_text(encoding="utf-8").replace(
        "authors: [A]", "authors: One Name"), encoding="utf-8")
    assert "authors: One Name" in source.read_text(encoding="utf-8")
    assert load_report(source).metadata.authors == ("One Name",)


def test_quiet_prints_nothing_and_a_pipe_gets_no_progress(tmp_path: Path) -> None:
    quiet = run_cli("epub", MINIMAL, "-o", tmp_path / "a", "-q")
    assert quiet.code == 0 and quiet.stdout == "" and quiet.stderr == ""
    piped = run_cli("epub", MINIMAL, "-o", tmp_path / "b")
    assert piped.stderr == "" and piped.stdout.strip().endswith(".epub")


def test_init_writes_a_project_that_builds(tmp_path: Path) -> None:
    project = tmp_path / "my report"
    assert run_cli("init", project).code == 0
    source = project / "source" / "report.yaml"
    assert source.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=report.schema.json\n")
    assert (project / "source" / "report.schema.json").is_file()
    theme = project / "styles" / "default.yaml"
    assert theme.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=theme.schema.json\n")
    # The project's own theme is the one a build inside it uses.
    theme.write_text(theme.read_text(encoding="utf-8").replace("size: A4", "size: Letter"),
                     encoding="utf-8")
    result = run_cli("all", cwd=project)
    assert result.code == 0, result.stderr
    pdf = next((project / "dist").glob("*.pdf"))
    from pypdf import PdfReader

    width, height = PdfReader(pdf).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (612, 792)  # Letter, from the copy
    again = run_cli("init", project)
    assert again.code == 2 and "already exists" in again.stderr


def test_init_writes_a_source_every_block_kind_is_in(tmp_path: Path) -> None:
    from reportexport import load_report
    from reportexport.model import BulletList, Figure, NumberedList, Paragraph, Quote, Table

    main(["init", str(tmp_path / "p")])
    report = load_report(tmp_path / "p" / "source" / "report.yaml")
    kinds = {type(block) for _, section in report.walk() for block in section.blocks}
    assert kinds == {Paragraph, BulletList, NumberedList, Quote, Table, Figure}
    assert any(level == 2 for level, _ in report.outline())
    shutil.rmtree(tmp_path / "p")


def test_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "reportexport", "all", str(MINIMAL), "-o",
                           str(tmp_path)], stderr=follower, stdout=subprocess.PIPE, cwd=ROOT,
                          timeout=120)
    os.close(follower)
    said = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        said += chunk
    os.close(leader)
    assert done.returncode == 0
    text = said.decode()
    assert "reportexport: building pdf, docx, epub, html from" in text
    for fmt in ("pdf", "docx", "epub", "html"):
        assert f"reportexport: {fmt}: written in " in text
    assert "reportexport: 4 editions in " in text


def test_a_long_pdf_says_how_many_pages_are_laid_out(
        monkeypatch: pytest.MonkeyPatch, scaled_source: Path, tmp_path: Path) -> None:
    import reportexport
    from reportexport.exporters.pdf import writer

    monkeypatch.setattr(writer, "PROGRESS_SECONDS", 0.0)  # every page, for the test
    report, theme = reportexport.load(scaled_source)
    heard: list[str] = []
    with reportexport.Builder(["pdf"], parallel=False) as builder:
        builder.build(report, theme, tmp_path, progress=heard.append)
    pages = [int(line.split()[1]) for line in heard if line.endswith("pages laid out")]
    assert pages == sorted(pages) and len(pages) > 10 and pages[-1] > 10
    assert heard[-1].startswith("pdf: written in ")
