"""The ``kaoping`` command line: :func:`main` and one module per sub-command."""

from api.cli.command import build_parser, main

__all__ = ["build_parser", "main"]
