"""The ``kaoping`` command: one sub-command per module of :mod:`api.cli` (thin: no rule logic here)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="kaoping",
        description="考评: rules-driven review of third-party budget-performance evaluation commissions.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"api.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"api.cli.{name}":
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KaopingError as exc:
        print(f"kaoping: {exc}", file=sys.stderr)  # noqa: T201 - the CLI's error channel
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`kaoping rules | head`): stop quietly, as Unix tools do.
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback to the user
        print(f"kaoping: internal error ({type(exc).__name__}): {exc}", file=sys.stderr)  # noqa: T201
        return 70
    return code
