"""The ``kaoping`` command: one sub-command per module of :mod:`api.cli` (thin: no rule logic here)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence

from api.cli import language
from api.cli.language import text
from engine.errors import KaopingError

# Each sub-command's module defines add_parser(subparsers) and a run(args) -> int set as the parser's
# default `func`; in this order on the help page.
COMMANDS = {
    "evaluate": "evaluate",
    "read": "read",
    "rules": "rules",
    "memo": "memo",
    "serve": "serve",
    "token": "token",
    "db": "db",
    "sheet": "sheet",
    "export": "export",
    "what-if": "whatif",
    "replay": "replay",
    "panel": "panel",
}


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


def named_command(arguments: Sequence[str]) -> str | None:
    """The sub-command a command line names (its first word that is not an option), if it is one of ours."""
    words = iter(arguments)
    for word in words:
        if word == "--lang":
            next(words, None)  # its value
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(arguments: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered, in the run's language.

    Given the command line, only the sub-command it names is loaded with its options; the others are
    listed by name and help alone (their modules, some heavy, are not imported). Without one, or when
    the line names none of them, every sub-command is loaded.
    """
    named = None if arguments is None else named_command(arguments)
    parser = argparse.ArgumentParser(prog="kaoping", description=text("cli.description"))
    parser.add_argument("--version", action=_Version, nargs=0, help=text("cli.version_help"))
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title=text("cli.commands")
    )
    for name, module in COMMANDS.items():
        if importlib.util.find_spec(f"api.cli.{module}") is None:
            continue
        if named is not None and name != named:
            subparsers.add_parser(name, help=text(f"cli.{module}.help"))
            continue
        importlib.import_module(f"api.cli.{module}").add_parser(subparsers)
    _add_lang(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    language.set_lang(language.pick_lang(arguments, os.environ))
    parser = build_parser(arguments)
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
