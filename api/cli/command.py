"""The ``kaoping`` command: one sub-command per module of :mod:`api.cli` (thin: no rule logic here)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from api.cli import language
from api.cli.language import text
from engine.errors import KaopingError

# Each module defines add_parser(subparsers) and a run(args) -> int set as the parser's default `func`.
COMMANDS = (
    "evaluate",
    "read",
    "rules",
    "memo",
    "serve",
    "token",
    "db",
    "sheet",
    "export",
    "whatif",
    "replay",
    "panel",
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - only for --version

    try:
        return version("kaoping")
    except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
        return "0"


class _Version(argparse.Action):
    """``--version``: the package's version and the rule versions it carries (loaded only when asked)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        from api.settings import get_settings  # noqa: PLC0415 - only for --version
        from rules import load_rulebook, use_rules_dir  # noqa: PLC0415

        use_rules_dir(get_settings().rules_dir)
        versions = language.message_join([rs.version for rs in load_rulebook().versions])
        print(text("cli.version", version=_version(), versions=versions))  # noqa: T201 - the output
        parser.exit()


def _add_lang(parser: argparse.ArgumentParser) -> None:
    """``--lang`` on a parser and on each of its sub-commands, however deep (it is read before parsing)."""
    if not any("--lang" in action.option_strings for action in parser._actions):  # noqa: SLF001
        parser.add_argument("--lang", choices=language.LANGS, help=text("cli.lang_help"))
    for action in parser._actions:  # noqa: SLF001 - argparse keeps sub-parsers only there
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                _add_lang(sub)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered, in the run's language."""
    parser = argparse.ArgumentParser(prog="kaoping", description=text("cli.description"))
    parser.add_argument("--version", action=_Version, nargs=0, help=text("cli.version_help"))
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title=text("cli.commands")
    )
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"api.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"api.cli.{name}":
                raise
            continue
        module.add_parser(subparsers)
    _add_lang(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    language.set_lang(language.pick_lang(arguments, os.environ))
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        code: int = args.func(args)
    except KaopingError as exc:
        localised = getattr(exc, "text", None)
        print(f"kaoping: {localised(language.lang()) if callable(localised) else exc}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`kaoping rules | head`): stop quietly, as Unix tools do.
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback to the user
        language.say("cli.internal_error", kind=type(exc).__name__, detail=exc)
        return 70
    return code
