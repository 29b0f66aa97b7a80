"""The command line: parse arguments, call the library, turn failures into exit statuses."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reportexport import __version__

if TYPE_CHECKING:
    from reportexport.model import Report
    from reportexport.theme import Theme

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
DEFAULT_SOURCE = Path("source/report.yaml")
DEFAULT_OUT = Path("dist")
MAX_SHOWN = 50  # a mistake repeated a thousand times needs a few examples, not a thousand


def _parser(formats: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportexport",
        description="Build PDF, DOCX and EPUB editions of a report from one YAML source.",
    )
    parser.add_argument("--version", action="version", version=f"reportexport {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for name in [*formats, "all"]:
        what = "every registered edition" if name == "all" else f"the {name.upper()} edition"
        build = commands.add_parser(name, help=f"build {what}", description=f"Build {what}.")
        build.add_argument(
            "source", nargs="?", type=Path, default=DEFAULT_SOURCE,
            help=f"report source (default: {DEFAULT_SOURCE})",
        )
        build.add_argument(
            "-o", "--output", type=Path, default=DEFAULT_OUT, metavar="DIR",
            help=f"output folder, created if missing (default: {DEFAULT_OUT}/)",
        )
        build.add_argument(
            "--style", type=Path, metavar="FILE", help="theme file (default: styles/default.yaml)"
        )
        if name in ("docx", "all"):
            build.add_argument(
                "--template", type=Path, metavar="FILE",
                help="a .docx whose styles, page setup, header and footer the DOCX edition uses",
            )
        if name != "all":  # `all` finds its formats when it builds (see _run)
            build.set_defaults(formats=[name])

    validate = commands.add_parser(
        "validate", help="check a source and report every problem",
        description="Check a source (and optionally a theme) and report every problem at once.",
    )
    validate.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    validate.add_argument("--style", type=Path, metavar="FILE", help="also check this theme")

    commands.add_parser(
        "formats", help="list the registered formats",
        description="List the registered formats.",
    )
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the source (or of a theme)",
        description="Print the JSON Schema shipped with reportexport, for editors and CI.",
    )
    schema.add_argument("--theme", action="store_true", help="print the theme's schema instead")
    inspect = commands.add_parser(
        "inspect", help="print the outline read back from an edition",
        description="Print the outline (level and title of each section) read from an edition.",
    )
    inspect.add_argument("file", type=Path)
    return parser


def _run(args: argparse.Namespace) -> int:
    from reportexport import exporters

    if args.command == "formats":
        for name in exporters.registered():
            exporter = exporters.load(name)
            print(f"{name}\t{exporter.suffix}\t{exporter.media_type}\t{exporter.description}")
        return EXIT_OK
    if args.command == "schema":
        from reportexport.schema import schema_text

        sys.stdout.write(schema_text("theme" if args.theme else "report"))
        return EXIT_OK
    if args.command == "inspect":
        if not args.file.is_file():
            print(f"{args.file}: no such file", file=sys.stderr)
            return EXIT_INPUT
        exporter = exporters.for_file(args.file)
        try:
            outline = exporter.outline(args.file)
        except Exception as exc:  # whatever the reader's library raises for a broken file
            print(f"{args.file}: cannot be read as {exporter.name.upper()} "
                  f"({type(exc).__name__}: {exc})", file=sys.stderr)
            return EXIT_INPUT
        for level, title in outline:
            print(f"{'  ' * (level - 1)}{level} {title}")
        return EXIT_OK

    def load() -> tuple[Report, Theme]:
        # Imported here: a build forks its exporter processes first, and only
        # this process reads YAML.
        from reportexport.problems import InputError
        from reportexport.source import load_report
        from reportexport.theme import load_theme

        # Both files are read before giving up, so one run lists every problem.
        problems = []
        report = theme = None
        try:
            report = load_report(args.source)
        except InputError as exc:
            problems += exc.problems
        try:
            theme = load_theme(args.style)
        except InputError as exc:
            problems += exc.problems
        if problems or report is None or theme is None:
            raise InputError(problems)
        return report, theme

    if args.command == "validate":
        report, _ = load()
        print(
            f"{args.source}: ok ({sum(1 for _ in report.walk())} sections)",
            file=sys.stderr,
        )
        return EXIT_OK

    from reportexport.build import Job, build_from

    template = getattr(args, "template", None)

    def jobs(names: Sequence[str]) -> list[Job]:
        return [Job(name, {"template": template} if name == "docx" and template else {})
                for name in names]

    if args.command == "all":
        # The built-in exporters start first; plug-in formats are looked for meanwhile.
        built = build_from(load, jobs(list(exporters.BUILT_IN)), args.output,
                           lambda: jobs(exporters.plugins()))
    else:
        built = build_from(load, jobs(args.formats), args.output)
    for path in built:
        print(path)
    return EXIT_OK


# Commands whose arguments parse without knowing plug-in formats.
_WITHOUT_PLUGINS = {"all", "validate", "schema"}


def _parser_formats(argv: Sequence[str]) -> list[str]:
    """The formats the parser must offer as commands.

    Looking for plug-ins imports importlib.metadata (about 20 ms): a command
    that names a built-in format, or one of _WITHOUT_PLUGINS, is parsed without
    it; anything else (help, `formats`, a plug-in's name) lists them all.
    """
    from reportexport.exporters import BUILT_IN, registered

    command = next((arg for arg in argv if not arg.startswith("-")), None)
    helped = any(arg in ("-h", "--help") for arg in argv)
    if command is not None and not helped and (command in BUILT_IN or
                                               command in _WITHOUT_PLUGINS):
        return list(registered(plugins=False))
    return list(registered())


def main(argv: Sequence[str] | None = None) -> int:
    from reportexport.exporters import RegistryError
    from reportexport.problems import ExportError, InputError

    argv = sys.argv[1:] if argv is None else argv
    try:
        formats = _parser_formats(argv)
    except RegistryError as exc:
        print(f"reportexport: {exc}", file=sys.stderr)
        return EXIT_INPUT
    args = _parser(formats).parse_args(argv)
    try:
        return _run(args)
    except InputError as exc:
        for problem in exc.problems[:MAX_SHOWN]:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        if count > MAX_SHOWN:
            print(f"… and {count - MAX_SHOWN} more", file=sys.stderr)
        print(f"reportexport: {count} problem{'s' * (count != 1)}; nothing was written",
              file=sys.stderr)
        return EXIT_INPUT
    except ExportError as exc:
        print(f"reportexport: {exc}; no edition was written", file=sys.stderr)
        return EXIT_INPUT
    except RegistryError as exc:
        print(f"reportexport: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        # The machine refused (disk full, read-only folder): no bug, and no traceback.
        where = f": {exc.filename}" if exc.filename else ""
        print(f"reportexport: {exc.strerror or exc}{where}; editions already in place are "
              "unchanged", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("reportexport: interrupted; editions already in place are unchanged",
              file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("REPORTEXPORT_DEBUG"):
            raise
        print(
            f"reportexport: internal error: {type(exc).__name__}: {exc} "
            "(set REPORTEXPORT_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> None:
    """The console script and `python -m reportexport`: `main`, then exit with its status."""
    status = main()
    # The process ends here: its final garbage collections would only walk objects
    # that vanish with it anyway (about 20 ms, a tenth of a small build).
    gc.freeze()
    sys.exit(status)
