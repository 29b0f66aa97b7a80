"""`reportexport watch`, run for real: a process watching a folder while files change."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import reportexport.theme
from conftest import DATA, ROOT
from readers import TEXT_READERS


class Watching:
    """A `reportexport watch` process and the lines it writes to standard error."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportexport", "watch", "report.yaml", "-o", "out",
             "--style", "theme.yaml"],
            cwd=folder, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
        )
        assert self.process.stderr is not None
        stream = self.process.stderr

        def read() -> None:
            for line in stream:
                self.lines.put(line)
            self.lines.put(None)  # the end: no process holds standard error any more

        threading.Thread(target=read, daemon=True).start()

    def next_outcome(self) -> list[str]:
        """The lines up to the end of the next build: 'built …' or the problems' summary."""
        seen = []
        while True:
            line = self.lines.get(timeout=60)
            assert line is not None, f"the watcher ended: {seen}"
            seen.append(line.rstrip("\n"))
            if line.startswith(("reportexport: built", "reportexport: ")) and (
                    "built" in line or "problem" in line or "stand" in line):
                return seen

    def texts(self) -> dict[str, str]:
        return {fmt: TEXT_READERS[fmt](next((self.folder / "out").glob(f"*.{fmt}")))
                for fmt in TEXT_READERS}


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[Watching]:
    shutil.copy(DATA / "valid" / "minimal.yaml", tmp_path / "report.yaml")
    shutil.copy(ROOT / "styles" / "default.yaml", tmp_path / "theme.yaml")
    watcher = Watching(tmp_path)
    yield watcher
    if watcher.process.poll() is None:
        watcher.process.terminate()  # as a process manager would: the workers end too
        watcher.process.wait(timeout=60)


def _edit(path: Path, old: str, new: str, *, by_rename: bool = False) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    if by_rename:  # as editors that write a new file and rename it over the old one
        temporary = path.with_name(f".{path.name}.swp")
        temporary.write_text(text.replace(old, new), encoding="utf-8")
        os.replace(temporary, path)
    else:  # truncate and write in place
        path.write_text(text.replace(old, new), encoding="utf-8")


def test_watch_rebuilds_on_every_kind_of_save_and_survives_a_bad_one(
        watching: Watching) -> None:
    source = watching.folder / "report.yaml"
    built = watching.next_outcome()[-1]
    # What each edition took, as the writer may want to know which to leave out.
    assert re.fullmatch(r"reportexport: built (minimal\.\w+, ){3}minimal\.\w+ in \d+ ms "
                        r"\(pdf \d+, docx \d+, epub \d+, html \d+ ms\)", built), built
    assert all("Just one paragraph." in text for text in watching.texts().values())

    _edit(source, "Just one paragraph.", "A second version.")
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert all("A second version." in text for text in watching.texts().values())

    _edit(source, "title: S", "title: [S")  # a broken save
    lines = watching.next_outcome()
    assert any("report.yaml:10:12: this '[' is never closed" in line for line in lines), lines
    assert "the editions in place are unchanged" in lines[-1]
    assert all("A second version." in text for text in watching.texts().values())

    many = 'title: "' + "S\\a" * 25 + '"'  # 25 control characters: 20 listed, and 5 more
    _edit(source, "title: [S", many)
    lines = watching.next_outcome()
    assert lines[-2].endswith(": and 5 more in this text"), lines
    assert lines[-1].startswith("reportexport: 25 problems; the editions in place"), lines

    _edit(source, many, "title: S \u6f22")  # a character no font of the theme has
    lines = watching.next_outcome()
    assert any(re.search(r"report\.yaml:10:\d+: .*no font of the theme has '\u6f22'", line)
               for line in lines), lines  # located, as `validate` says it
    assert "the editions in place are unchanged" in lines[-1]

    _edit(source, "title: S \u6f22", "title: Fixed", by_rename=True)
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert all("Fixed" in text for text in watching.texts().values())

    pdf = next((watching.folder / "out").glob("*.pdf"))
    before = pdf.read_bytes()
    _edit(watching.folder / "theme.yaml", "size: A4", "size: A5")  # the theme is an input too
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert pdf.read_bytes() != before

    # An image the source uses is an input too, in a folder below the source's.
    (watching.folder / "images").mkdir()
    image = watching.folder / "images" / "chart.png"
    shutil.copy(DATA / "valid" / "images" / "bars.png", image)
    _edit(source, "      - paragraph: A second version.", "      - figure: {image: "
          "images/chart.png, alt: Bars}\n      - paragraph: A second version.")
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    epub = next((watching.folder / "out").glob("*.epub"))
    before = epub.read_bytes()
    from PIL import Image

    Image.new("RGB", (64, 40), "red").save(image)  # the chart redrawn: the same name
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert epub.read_bytes() != before

    watching.process.send_signal(signal.SIGINT)  # Ctrl-C
    assert watching.process.wait(timeout=60) == 0
    rest = "".join(iter(lambda: watching.lines.get(timeout=5), "reportexport: stopped watching\n"))
    assert "Traceback" not in rest
    assert not list((watching.folder / "out").glob(".*")), "no staging file left behind"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_watcher_leaves_no_process_behind(watching: Watching, stop: int) -> None:
    """Ctrl-C, SIGTERM from a process manager, or SIGKILL: the watcher and its build
    workers all end (the workers hold its standard error: the stream ends only
    with the last of them)."""
    watching.next_outcome()
    watching.process.send_signal(stop)
    killed = stop == signal.SIGKILL
    assert watching.process.wait(timeout=60) == (-signal.SIGKILL if killed else 0)
    rest = []
    while (line := watching.lines.get(timeout=30)) is not None:
        rest.append(line)
    said = "".join(rest)
    assert "Traceback" not in said
    if not killed:
        # In the text, not as a line of its own: a worker ending at the same moment
        # may write to the same stream.
        assert "reportexport: stopped watching" in said, rest


def test_several_quick_saves_end_in_the_last(watching: Watching) -> None:
    """Saves a few milliseconds apart are usually built together (watchfiles yields once
    a look finds nothing new), but how many builds they take depends on how busy the
    machine is: what is promised is that the editions end with the last save, that
    no build outlives it, and that a build never starts while another runs."""
    source = watching.folder / "report.yaml"
    watching.next_outcome()
    for n in range(5):
        _edit(source, "Just one paragraph." if n == 0 else f"Save {n - 1}.", f"Save {n}.")
    for _ in range(5):  # at most one build a save
        outcome = watching.next_outcome()
        if outcome[-1].startswith("reportexport: built") and \
                "Save 4." in watching.texts()["pdf"]:
            break
    else:
        raise AssertionError("no build of the last save")
    # No further build once the last save is built (a look that finds it again says the
    # report did not change).
    with pytest.raises(queue.Empty):
        while True:
            line = watching.lines.get(timeout=1.5)
            assert "reportexport: built" not in line, line


def test_a_save_that_changes_nothing_in_the_report_leaves_the_editions_in_place(
        watching: Watching) -> None:
    """A comment or a save without edits: the editions a rebuild would write again byte for
    byte stay as they are, unless one of them was removed or replaced meanwhile."""
    source = watching.folder / "report.yaml"
    watching.next_outcome()
    out = watching.folder / "out"
    stamps = {path.name: path.stat().st_ino for path in out.iterdir()}
    source.write_text(source.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert watching.next_outcome()[-1] == ("reportexport: report.yaml saved with no change to "
                                           "the report; the editions in place stand")
    assert {path.name: path.stat().st_ino for path in out.iterdir()} == stamps
    epub = next(out.glob("*.epub"))
    epub.unlink()  # the writer removes an edition: the next save writes it again
    source.write_text(source.read_text(encoding="utf-8") + "# another\n", encoding="utf-8")
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert epub.exists()
    _edit(source, "Just one paragraph.", "A change.")  # a change to the report
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert all("A change." in text for text in watching.texts().values())
    _edit(source, "A change.", "Just one paragraph.")  # and back: not what is in place
    assert watching.next_outcome()[-1].startswith("reportexport: built")
    assert all("Just one paragraph." in text for text in watching.texts().values())


def test_a_theme_that_is_a_loop_of_links_is_a_problem_and_watching_goes_on(
        tmp_path: Path) -> None:
    """The watcher resolves the paths it watches: a loop is left for the build to name."""
    shutil.copy(DATA / "valid" / "minimal.yaml", tmp_path / "report.yaml")
    (tmp_path / "theme.yaml").symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(tmp_path / "theme.yaml")
    watcher = Watching(tmp_path)
    try:
        first = watcher.next_outcome()
        assert any("theme.yaml: is a symbolic link that leads round in a loop" in line
                   for line in first), first
        (tmp_path / "other.yaml").unlink()
        shutil.copy(ROOT / "styles" / "default.yaml", tmp_path / "other.yaml")
        # The watcher may see the removal before the copy (a busy machine): a build
        # then finds the link dangling, and the copy's build follows.
        outcomes = [watcher.next_outcome()]
        if not outcomes[-1][-1].startswith("reportexport: built"):
            assert any("theme.yaml" in line for line in outcomes[-1]), outcomes
            outcomes.append(watcher.next_outcome())
        assert outcomes[-1][-1].startswith("reportexport: built"), outcomes
    finally:
        watcher.process.terminate()
        watcher.process.wait(timeout=60)


def _font_names(pdf: Path) -> set[str]:
    """The PDF's fonts, by their base names without the subset tag."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return {str(font.BaseFont).lstrip("/").partition("+")[2] or str(font.BaseFont)
                for page in document.pages
                for font in page.Resources.get("/Font", {}).values()}


def test_watch_follows_the_theme_s_own_fonts(tmp_path: Path) -> None:
    """A font file of the theme replaced in place is read again in every edition: the
    build processes, which keep the fonts they loaded, are started anew."""
    shutil.copy(DATA / "valid" / "minimal.yaml", tmp_path / "report.yaml")
    shutil.copy(ROOT / "styles" / "default.yaml", tmp_path / "theme.yaml")
    # Its fonts beside it, where a theme's own fonts are looked for first.
    fonts = reportexport.theme.bundled_fonts_dir()
    for family in ("Caladea", "Carlito"):
        for style in ("Regular", "Bold", "Italic", "BoldItalic"):
            shutil.copy(fonts / f"{family}-{style}.ttf", tmp_path)
    watcher = Watching(tmp_path)
    try:
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
        out = tmp_path / "out"
        pdf = next(out.glob("*.pdf"))
        assert "Caladea-Regular" in _font_names(pdf)
        before = {path.suffix: path.read_bytes() for path in out.iterdir()}
        # The body face becomes another, under the same name.
        shutil.copy(fonts / "Carlito-Regular.ttf", tmp_path / "Caladea-Regular.ttf")
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
        assert "Caladea-Regular" not in _font_names(pdf)
        assert "Carlito" in _font_names(pdf)  # its PostScript name
        after = {path.suffix: path.read_bytes() for path in out.iterdir()}
        changed = {suffix for suffix in before if before[suffix] != after[suffix]}
        assert changed == {".pdf", ".docx", ".epub", ".html"}
    finally:
        watcher.process.terminate()
        watcher.process.wait(timeout=60)


def test_watch_writes_the_editions_a_cold_build_writes(tmp_path: Path) -> None:
    """After rebuilds in warm processes (fonts, covers, subsets kept), every edition is
    byte for byte the one a cold `reportexport all` of the same source writes: with a
    note added, a letter new to the report typed (the fonts' subsets cut again), and
    the title changed."""
    shutil.copy(DATA / "valid" / "apparatus.yaml", tmp_path / "report.yaml")
    shutil.copytree(DATA / "valid" / "images", tmp_path / "images")
    shutil.copy(ROOT / "styles" / "default.yaml", tmp_path / "theme.yaml")
    watcher = Watching(tmp_path)
    try:
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
        source = tmp_path / "report.yaml"
        _edit(source, "Findings follow.", "Findings follow.^[A note, new in this save.]")
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
        _edit(source, "Findings follow.^[", "Findings follow, \u0175.^[")  # Latin Extended-A
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
        _edit(source, "title: Apparatus report", "title: Apparatus report, revised")
        assert watcher.next_outcome()[-1].startswith("reportexport: built")
    finally:
        watcher.process.terminate()
        watcher.process.wait(timeout=60)
    subprocess.run([sys.executable, "-m", "reportexport", "all", "report.yaml", "-o", "cold",
                    "--style", "theme.yaml", "-q"], cwd=tmp_path, check=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    cold = sorted((tmp_path / "cold").iterdir())  # named after the new title
    assert [path.suffix for path in cold] == [".docx", ".epub", ".html", ".pdf"]
    for path in cold:
        assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("folder_exists", [True, False])
def test_an_image_the_source_names_rebuilds_once_it_appears(
        watching: Watching, folder_exists: bool) -> None:
    """The writer names an image not there yet (the build says it is missing), then adds
    it, in a folder that exists or one made for it: the watcher follows the files the
    source names, not only those that loaded."""
    source = watching.folder / "report.yaml"
    watching.next_outcome()
    images = watching.folder / "images"
    if folder_exists:
        images.mkdir()
    _edit(source, "      - paragraph: Just one paragraph.", "      - figure: {image: "
          "images/new.png, alt: Bars}\n      - paragraph: Just one paragraph.")
    lines = watching.next_outcome()
    assert any("'images/new.png': no such image file" in line for line in lines), lines
    images.mkdir(exist_ok=True)
    shutil.copy(DATA / "valid" / "images" / "bars.png", images / "new.png")
    outcome = watching.next_outcome()[-1]
    if not folder_exists and "problem" in outcome:  # the folder's making built before the file
        outcome = watching.next_outcome()[-1]
    assert outcome.startswith("reportexport: built"), outcome
    epub = next((watching.folder / "out").glob("*.epub"))
    import zipfile

    with zipfile.ZipFile(epub) as book:
        assert any(name.endswith(".png") and "cover" not in name for name in book.namelist())
