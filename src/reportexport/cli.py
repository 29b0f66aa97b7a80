"""The command line: parse arguments, call the public API, turn failures into exit statuses."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import reportexport
from reportexport import ExportError, InputError, RegistryError, exporters

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
DEFAULT_SOURCE = Path("source/report.yaml")
DEFAULT_OUT = Path("dist")
MAX_SHOWN = 50  # a mistake repeated a thousand times needs a few examples, not a thousand


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


def _parser(formats: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportexport",
        description="Build PDF, DOCX and EPUB editions of a report from one YAML source.",
    )
    parser.add_argument("--version", action="version",
                        version=f"reportexport {reportexport.__version__}")
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
        build_formats = list(formats) if name == "all" else [name]
        _add_options(build, build_formats)
        build.set_defaults(formats=build_formats)

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


def _options(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The options given on the command line, for the formats that declare them."""
    chosen: dict[str, dict[str, Any]] = {}
    for name in args.formats:
        for option in exporters.options_of(name):
            value = getattr(args, f"option_{option.name}", None)
            if value is not None:
                chosen.setdefault(name, {})[option.name] = value
    return chosen


def _inspect(file: Path) -> int:
    if not file.is_file():
        print(f"{file}: no such file", file=sys.stderr)
        return EXIT_INPUT
    exporter = exporters.for_file(file)
    try:
        outline = exporter.outline(file)
    except Exception as exc:  # whatever the reader's library raises for a broken file
        print(f"{file}: cannot be read as {exporter.name.upper()} "
              f"({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_INPUT
    for level, title in outline:
        print(f"{'  ' * (level - 1)}{level} {title}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "formats":
        for name in reportexport.formats():
            exporter = exporters.load(name)
            print(f"{name}\t{exporter.suffix}\t{exporter.media_type}\t{exporter.description}")
        return EXIT_OK
    if args.command == "schema":
        from reportexport.schema import schema_text

        sys.stdout.write(schema_text("theme" if args.theme else "report"))
        return EXIT_OK
    if args.command == "inspect":
        return _inspect(args.file)

    if args.command == "validate":
        report, _ = reportexport.load(args.source, args.style)
        print(f"{args.source}: ok ({sum(1 for _ in report.walk())} sections)", file=sys.stderr)
        return EXIT_OK
    # The worker processes start, and import their libraries, while the source is read.
    with reportexport.Builder(args.formats, options=_options(args)) as builder:
        report, theme = reportexport.load(args.source, args.style)
        for path in builder.build(report, theme, args.output):
            print(path)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        formats = reportexport.formats()
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
    """The console script and `python -m reportexport`."""
    sys.exit(main())
