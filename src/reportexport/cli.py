"""The command line: parse arguments, call the public API, turn failures into exit statuses."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import reportexport
from reportexport import ExportError, InputError, RegistryError, exporters
from reportexport.publishing import RollbackError
from reportexport.source.problems import UnreadableEdition
from reportexport.support.quickexit import skip_finalization

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
# 128 + the signal's number, as a shell reports a process the signal ended.
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
DEFAULT_SOURCE = Path("source/report.yaml")
PROJECT_THEME = Path("styles/default.yaml")
DEFAULT_OUT = Path("dist")
DEFAULT_PORT = 8000
MAX_SHOWN = 50  # a mistake repeated a thousand times needs a few examples, not a thousand


class UsageError(Exception):
    """A command line that cannot be carried out as written (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, keeping the long options it takes: a misspelt one gets a
    did-you-mean, as a misspelt command does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.long_options: list[str] = []  # before argparse adds --help
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.long_options += [flag for flag in action.option_strings if flag.startswith("--")]
        return action

    def unknown_arguments(self, extra: Sequence[str]) -> str:
        """argparse's message for arguments it did not take, with a guess for each option."""
        from reportexport.source.schema import closest_name  # only a mistake needs it

        guesses: list[tuple[str, str]] = []
        for word in extra:
            name = word.split("=", 1)[0]
            if name.startswith("-") and len(name.lstrip("-")) > 1:
                known = {option.lstrip("-"): option for option in self.long_options}
                found = closest_name(name.lstrip("-"), list(known), cutoff=0.6)
                if found:
                    guesses.append((name, known[found]))
        if len(guesses) == 1:
            hint = f" (did you mean '{guesses[0][1]}'?)"
        else:
            hint = "".join(f"; '{typed}': did you mean '{meant}'?" for typed, meant in guesses)
        return f"unrecognized arguments: {' '.join(extra)}{hint}"


def _add_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """Each format's own options (`Exporter.options`), once each."""
    seen: set[str] = set()
    for name in formats:
        for option in exporters.options_of(name):
            if option.name in seen:
                continue
            seen.add(option.name)
            parser.add_argument(
                *option.flags, dest=f"option_{option.name}", metavar=option.metavar,
                type=Path if option.path else str, help=f"{name.upper()}: {option.help}",
            )


def _add_source(parser: argparse.ArgumentParser, *, stdin: bool = True) -> None:
    """SOURCE and --style; `stdin`: whether `-` (standard input) is offered, which a
    command that watches the source's file cannot follow."""
    either = ", or - for standard input" if stdin else ""
    parser.add_argument(
        "source", nargs="?", type=Path, default=DEFAULT_SOURCE,
        help=f"report source{either} (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--style", type=Path, metavar="FILE",
        help=f"theme file (default: {PROJECT_THEME} if there is one, else the built-in theme)",
    )


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but errors")


def _parser(formats: Sequence[str]) -> tuple[_Parser, dict[str, _Parser]]:
    parser = _Parser(
        prog="reportexport",
        description="Build PDF, DOCX, EPUB and HTML editions of a report from one YAML source.",
    )
    parser.add_argument("--version", action="version",
                        version=f"reportexport {reportexport.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub: dict[str, _Parser] = {}
    # In the order `--help` lists them.
    _add_build_commands(commands, sub, formats)
    _add_watch_command(commands, sub, formats)
    _add_preview_command(commands, sub)
    _add_project_commands(commands, sub)
    _add_import_command(commands, sub)
    return parser, sub


def _add_build_commands(commands: argparse._SubParsersAction[_Parser], sub: dict[str, _Parser],
                        formats: Sequence[str]) -> None:
    """One command per format, and `all`."""
    for name in [*formats, "all"]:
        what = "every registered edition" if name == "all" else f"the {name.upper()} edition"
        build = sub[name] = commands.add_parser(name, help=f"build {what}",
                                                description=f"Build {what}.")
        _add_source(build)
        suffix = exporters.load(name).suffix if name != "all" else None
        build.add_argument(
            "-o", "--output", type=_output_path, default=DEFAULT_OUT,
            metavar="DIR" if suffix is None else f"DIR|FILE{suffix}",
            help=f"output folder, created if missing (default: {DEFAULT_OUT}/)"
            + (f"; or the file to write, when it ends in {suffix}" if suffix else ""),
        )
        build_formats = list(formats) if name == "all" else [name]
        _add_options(build, build_formats)
        _add_quiet(build)
        build.set_defaults(formats=build_formats)


def _add_watch_command(commands: argparse._SubParsersAction[_Parser], sub: dict[str, _Parser],
                       formats: Sequence[str]) -> None:
    watch = sub["watch"] = commands.add_parser(
        "watch", help="build, then rebuild whenever the source or theme changes",
        description="Build the editions, then rebuild them whenever the source, the theme "
                    "or another input changes. Ctrl-C stops.",
    )
    _add_source(watch, stdin=False)
    watch.add_argument("-o", "--output", type=_output_path, default=DEFAULT_OUT, metavar="DIR",
                       help=f"output folder (default: {DEFAULT_OUT}/)")
    watch.add_argument("--formats", default=",".join(formats), metavar="LIST",
                       help=f"comma-separated formats (default: {','.join(formats)})")
    _add_options(watch, formats)
    _add_quiet(watch)


def _add_preview_command(commands: argparse._SubParsersAction[_Parser],
                         sub: dict[str, _Parser]) -> None:
    preview = sub["preview"] = commands.add_parser(
        "preview", help="show the HTML edition in the browser, updated at every save",
        description="Build the HTML edition in memory and serve it on 127.0.0.1 (this "
                    "machine only), at an address with a secret key that it prints (and "
                    "opens, with --open): only who has that address can read the page. "
                    "The open page updates itself whenever the source, the "
                    "theme, a font of it or an image changes, and shows the problems of a "
                    "save that does not validate. Ctrl-C stops.",
    )
    _add_source(preview, stdin=False)
    preview.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                         help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}; 0: any free one)")
    preview.add_argument("--open", action="store_true",
                         help="open the page (its address, with the key) in the "
                              "default web browser")
    _add_quiet(preview)


def _add_project_commands(commands: argparse._SubParsersAction[_Parser],
                          sub: dict[str, _Parser]) -> None:
    """The commands that start, check and look into a project: init, validate, formats,
    schema and inspect."""
    init = sub["init"] = commands.add_parser(
        "init", help="start a project: a commented source and a copy of the theme",
        description="Write a small, valid, commented report source and a copy of the default "
                    "theme into DIR, ready for `reportexport all` inside it.",
    )
    init.add_argument("folder", type=Path, metavar="DIR")

    validate = sub["validate"] = commands.add_parser(
        "validate", help="check a source and report every problem",
        description="Check a source (and optionally a theme) and report every problem at once.",
    )
    _add_source(validate)
    _add_options(validate, reportexport.formats())

    sub["formats"] = commands.add_parser(
        "formats", help="list the registered formats",
        description="List the registered formats.",
    )
    schema = sub["schema"] = commands.add_parser(
        "schema", help="print the JSON Schema of the source (or of a theme)",
        description="Print the JSON Schema shipped with reportexport, for editors and CI.",
    )
    schema.add_argument("--theme", action="store_true", help="print the theme's schema instead")
    inspect = sub["inspect"] = commands.add_parser(
        "inspect", help="print the outline read back from an edition",
        description="Print the outline (level and title of each section) read from an edition.",
    )
    inspect.add_argument("file", type=Path)


def _add_import_command(commands: argparse._SubParsersAction[_Parser],
                        sub: dict[str, _Parser]) -> None:
    word = sub["import"] = commands.add_parser(
        "import", help="read a Word document into a new source, or its edits back into one",
        description="Read a Word document (.docx) into a new source, DIR/report.yaml and its "
                    "images; or, with --update, put the text of an edited Word edition back "
                    "into an existing source, changing nothing else.",
    )
    word.add_argument("docx", type=Path, metavar="DOCX", help="the Word document to read")
    word.add_argument("-o", "--output", type=_output_path, metavar="DIR",
                      help="folder of the new source (default: the document's name)")
    word.add_argument("--force", action="store_true",
                      help="overwrite an existing source and images")
    word.add_argument("--update", type=Path, metavar="SOURCE",
                      help="put the document's text back into this source")
    changes = word.add_mutually_exclusive_group()
    changes.add_argument("--accept-changes", action="store_true",
                         help="apply the document's tracked changes")
    changes.add_argument("--reject-changes", action="store_true",
                         help="ignore the document's tracked changes")
    word.add_argument("--diff", action="store_true",
                      help="with --update: also print the changes as a unified diff "
                           "(the source is updated all the same)")
    _add_quiet(word)


def _did_you_mean(word: str, known: Sequence[str]) -> str:
    """" (did you mean 'pdf'?)" for a misspelt or mis-cased name, else ""."""
    from reportexport.source.schema import closest_name  # only a mistake needs it

    guess = closest_name(word, known)
    return f" (did you mean '{guess}'?)" if guess else ""


def _options(args: argparse.Namespace, formats: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The options given on the command line, for the formats that declare them."""
    chosen: dict[str, dict[str, Any]] = {}
    for name in formats:
        for option in exporters.options_of(name):
            value = getattr(args, f"option_{option.name}", None)
            if value is not None:
                chosen.setdefault(name, {})[option.name] = value
    return chosen


def _output_path(text: str) -> Path:
    """-o's value: an empty one (a shell variable left unset) names no folder, not the
    current one, which Path("") would be."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name is no folder or file; name one")
    return Path(text)


def _destination(output: Path, formats: Sequence[str]) -> tuple[Path, dict[str, str]]:
    """The folder to write into, and file names that -o gave (pandoc's `-o report.pdf`)."""
    suffixes = {exporters.load(name).suffix: name for name in reportexport.formats()}
    wanted = output.suffix.lower()
    if wanted in suffixes and not output.is_dir():
        if list(formats) == [suffixes[wanted]]:
            return output.parent, {suffixes[wanted]: output.name}
        raise UsageError(
            f"-o {output}: a file name can name one edition only; "
            + (f"this command writes {len(formats)} (name a folder instead)" if len(formats) > 1
               else f"this command writes the {formats[0].upper()} edition, which ends in "
                    f"{exporters.load(formats[0]).suffix}")
        )
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: is a file that is not an edition of this command; "
                         "name a folder, or a file with the edition's suffix")
    return output, {}


def _style(args: argparse.Namespace) -> Path | None:
    if args.style is not None:
        return args.style  # type: ignore[no-any-return]
    return PROJECT_THEME if PROJECT_THEME.is_file() else None


def _check_source(source: Path) -> None:
    if source == DEFAULT_SOURCE and not source.exists():
        raise UsageError(
            f"{source}: no such file. It is the default source: run reportexport in a project "
            "folder (one with source/report.yaml), pass the source as SOURCE "
            "(reportexport all path/to/report.yaml), or start a project with "
            "'reportexport init DIR'"
        )


class _Progress:
    """What a build says on standard error: progress on a terminal, nothing when quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def step(self, message: str) -> None:
        if self.live:
            print(message, file=sys.stderr, flush=True)

    def edition(self, message: str) -> None:
        self.step(f"reportexport: {message}")


def _inspect(file: Path) -> int:
    if not os.path.lexists(file):
        print(f"{file}: no such file", file=sys.stderr)
        return EXIT_INPUT
    exporter = exporters.for_file(file)
    refusal = f"{file}: not a readable {exporter.name.upper()} edition"
    try:
        outline = exporter.outline(file)
    except InputError as exc:  # too large, a zip bomb, a DTD, not a file: said by the reader
        for problem in exc.problems:
            print(f"{refusal} ({problem.message})", file=sys.stderr)
        return EXIT_INPUT
    except UnreadableEdition as exc:  # what the reader looked for and did not find
        print(f"{refusal} ({exc})", file=sys.stderr)
        return EXIT_INPUT
    except Exception:  # whatever the reader's library raises for a broken
        # file, in its terms (class names, offsets): the writer is told in words.
        if os.environ.get("REPORTEXPORT_DEBUG"):
            raise  # a bug in a reader would read as a damaged file
        empty = os.path.isfile(file) and os.path.getsize(file) == 0
        why = "the file is empty" if empty else "damaged, cut short, or another kind of file"
        print(f"{refusal} ({why})", file=sys.stderr)
        return EXIT_INPUT
    for level, title in outline:
        print(f"{'  ' * (level - 1)}{level} {title}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from reportexport import wordimport

    changes: Literal["accept", "reject"] | None = (
        "accept" if args.accept_changes else "reject" if args.reject_changes else None)
    say: Callable[[str], None] = (lambda line: None) if args.quiet else (
        lambda line: print(line, file=sys.stderr, flush=True))
    if args.update is None:
        if args.diff:
            raise UsageError("--diff goes with --update: a new source has nothing to compare")
        folder = args.output if args.output is not None else Path(args.docx.stem)
        imported, paths = wordimport.import_new(args.docx, folder, args.force, changes)
    else:
        if args.output is not None or args.force:
            raise UsageError("--update writes into SOURCE: -o and --force go with a new source")
        from reportexport.wordimport.update import update_source

        imported, summary, diff = update_source(args.docx, args.update, changes)
        paths = []
        for line in summary:
            say(f"reportexport: {line}")
        if args.diff:
            sys.stdout.write(diff)
    for notice in imported.notices:
        say(f"reportexport: note: {notice}")
    for comment in imported.comments:
        # Never into the source: printed (even with -q), so that what a reviewer wrote
        # is not lost.
        words = f' on "{comment.words}"' if comment.words else ""
        print(f"reportexport: comment by {comment.author}{words} ({args.docx}, "
              f"{comment.where}): {comment.text}", file=sys.stderr)
    if not args.quiet:
        for path in paths:
            print(path)
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    from reportexport.watching import Watcher, watch

    known = reportexport.formats()
    formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    for name in formats:
        if name not in known:
            raise UsageError(f"--formats: unknown format '{name}'{_did_you_mean(name, known)}; "
                             f"formats: {', '.join(known)}")
    if str(args.source) == "-":
        raise UsageError("watch needs a source file to watch, not standard input")
    _check_source(args.source)
    options = _options(args, formats)
    extra = tuple(Path(value) for values in options.values() for value in values.values()
                  if isinstance(value, Path))
    progress = _Progress(args.quiet)
    watcher = Watcher(args.source, _style(args), extra, fonts=True)
    try:
        # Isolated: a font file that changes is loaded again by new build processes.
        with reportexport.Builder(formats, options=options, keep_ready=True,
                                  isolated=True) as builder:
            watch(watcher, builder, args.output, progress.say,
                  lambda line: print(line, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        progress.say("reportexport: stopped watching")
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    import tempfile

    from reportexport.previewing import (
        PortUnavailable,
        PreviewServer,
        Showing,
        opening_page,
        preview,
    )
    from reportexport.watching import Watcher

    if str(args.source) == "-":
        raise UsageError("preview needs a source file to watch, not standard input")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is a number from 0 to 65535")
    _check_source(args.source)
    progress = _Progress(args.quiet)
    try:
        server = PreviewServer(Showing(), args.port)
    except PortUnavailable as exc:
        raise UsageError(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="reportexport-preview-") as private:

        def ready(url: str) -> None:
            print(url, flush=True)  # the result, on standard output even when quiet
            progress.say(f"reportexport: previewing {args.source} at {url} (Ctrl-C stops)")
            if args.open:
                import webbrowser

                webbrowser.open(opening_page(url, Path(private)).as_uri())

        try:
            preview(Watcher(args.source, _style(args), fonts=True), server, progress.say,
                    lambda line: print(line, file=sys.stderr, flush=True), ready=ready)
        except KeyboardInterrupt:
            progress.say("reportexport: stopped previewing")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    out_dir, file_names = _destination(args.output, args.formats)
    _check_source(args.source)
    progress = _Progress(args.quiet)
    start = time.perf_counter()
    progress.step(f"reportexport: building {', '.join(args.formats)} from {args.source}…")
    # The worker processes start, and import their libraries, while the source is read.
    with reportexport.Builder(args.formats, options=_options(args, args.formats)) as builder:
        report, theme = reportexport.load(args.source, _style(args))
        paths = builder.build(report, theme, out_dir, file_names=file_names,
                              progress=progress.edition if progress.live else None,
                              inputs=[] if str(args.source) == "-" else [Path(args.source)])
        args.published = True  # what a failure from here on says
    progress.step(f"reportexport: {len(paths)} edition{'s' * (len(paths) != 1)} in "
                  f"{time.perf_counter() - start:.1f} s")
    if not args.quiet:
        for path in paths:
            print(path)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    _check_source(args.source)
    style = _style(args)
    # The build's options (a Word template) are checked as a build opens them, and their
    # problems listed with the source's.
    given = _options(args, reportexport.formats())
    refused = [problem for name, options in given.items()
               for problem in exporters.load(name, **options).check_options()]
    try:
        report, _ = reportexport.load(args.source, style)
    except InputError as exc:
        raise InputError([*refused, *exc.problems]) from None
    if refused:
        raise InputError(refused)
    # Say what was checked: the theme too, which a typo in --style would not be.
    theme = "the built-in theme" if style is None else str(style)
    count = sum(1 for _ in report.walk())
    files = "".join(f"; {value}: ok" for options in given.values()
                    for value in options.values() if isinstance(value, Path))
    print(f"{args.source}: ok ({count} section{'s' * (count != 1)}); {theme}: ok{files}",
          file=sys.stderr)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "formats":
        for name in reportexport.formats():
            exporter = exporters.load(name)
            print(f"{name}\t{exporter.suffix}\t{exporter.media_type}\t{exporter.description}")
        return EXIT_OK
    if args.command == "schema":
        from reportexport.source.schema import schema_text

        sys.stdout.write(schema_text("theme" if args.theme else "report"))
        return EXIT_OK
    if args.command == "inspect":
        return _inspect(args.file)
    if args.command == "init":
        from reportexport.starter import create

        for path in create(args.folder):
            print(path)
        print(f"reportexport: a new project in {args.folder}; build it with: "
              f"cd {args.folder} && reportexport all", file=sys.stderr)
        return EXIT_OK
    if args.command == "import":
        return _import(args)
    if args.command == "validate":
        return _validate(args)
    if args.command == "watch":
        return _watch(args)
    if args.command == "preview":
        return _preview(args)
    return _build(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        formats = reportexport.formats()
    except RegistryError as exc:
        print(f"reportexport: {exc}", file=sys.stderr)
        return EXIT_INPUT
    parser, sub = _parser(formats)
    command = argv[0] if argv and not argv[0].startswith("-") else None
    if command is not None and command not in sub:
        known = list(sub)  # every command the parser offers, formats first
        parser.print_usage(sys.stderr)
        print(f"reportexport: unknown command '{command}'{_did_you_mean(command, known)}; "
              f"commands: {', '.join(known)}", file=sys.stderr)
        return EXIT_INPUT
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub[args.command].error(sub[args.command].unknown_arguments(extra))
    try:
        return _run(args)
    except InputError as exc:
        for note in exc.notes:
            print(f"reportexport: note: {note}", file=sys.stderr)
        shown = exc.problems[:MAX_SHOWN]
        for problem in shown:
            print(problem, file=sys.stderr)
        count = exc.count  # with those a closing "and N more in this text" stands for
        if len(exc.problems) > MAX_SHOWN:
            # The problems past those shown, in the count's terms: a closing line shown
            # stands for its N, so that shown and more add up to the count said below.
            print(f"… and {count - sum(p.stands_for for p in shown)} more", file=sys.stderr)
        print(f"reportexport: {count} problem{'s' * (count != 1)}; nothing was written",
              file=sys.stderr)
        return EXIT_INPUT
    except (ExportError, UsageError, RegistryError) as exc:
        tail = "; no edition was written" if isinstance(exc, ExportError) else ""
        print(f"reportexport: {exc}{tail}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        # The machine refused (disk full, read-only folder): no bug, and no traceback.
        where = f": {exc.filename}" if exc.filename else ""
        print(f"reportexport: {exc.strerror or exc}{where}{_outcome(args, exc)}",
              file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt as exc:
        stopped = isinstance(exc, _Terminated)
        print(f"reportexport: {'stopped' if stopped else 'interrupted'}{_outcome(args, exc)}",
              file=sys.stderr)
        return EXIT_TERMINATED if stopped else EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("REPORTEXPORT_DEBUG"):
            raise
        print(
            f"reportexport: internal error: {type(exc).__name__}: {exc} "
            "(set REPORTEXPORT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _outcome(args: argparse.Namespace, exc: BaseException) -> str:
    """What a failed command did to the editions in place, for its last message."""
    if args.command in ("validate", "formats", "schema", "inspect", "init", "watch", "preview",
                        "import"):
        return ""  # nothing to say, or (watch) its builds said it as they ended
    if getattr(args, "published", False):
        return " after the editions were published"
    if isinstance(exc, RollbackError):
        return ""  # it says itself what is where
    return "; no edition was replaced"


class _Terminated(KeyboardInterrupt):
    """SIGTERM: stops a build as Ctrl-C does (exit status 143 rather than 130)."""


def _stop(signum: int, frame: Any) -> None:
    raise _Terminated


def run() -> None:
    """The console script and `python -m reportexport`."""
    # A stop asked of the process (SIGTERM: a process manager, an editor's task
    # runner) ends it as Ctrl-C does: the build's worker processes are shut down
    # with it instead of being left waiting for work that never comes.
    signal.signal(signal.SIGTERM, _stop)
    # The command's editions are published and its worker processes ended when
    # main returns: the exit need not free what it held. Registered before main, so
    # that the exit handlers of what main starts (multiprocessing's) run before it.
    ended: list[int] = []
    skip_finalization(lambda: ended[0] if ended else None)
    ended.append(main())
    sys.exit(ended[0])
