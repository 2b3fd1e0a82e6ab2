"""``kaoping db``: migrate, show the revision, verify the hash chain, export, import.

The database is SQLite's embedded file or ``DATABASE_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.language import say

if TYPE_CHECKING:
    import argparse

_EPILOG = """\
export writes the whole store as JSON Lines (registries, cases, panel members, uploaded templates,
decisions with their numbers, hashes, document numbers and dates, and the audit log) to FILE or stdout.
API tokens are NOT exported: after an import, create new ones with `kaoping token create`.
import reads such a file (FILE, or - for stdin) into a new, EMPTY database, in one transaction; a database
that holds data is refused (exit 2) and nothing is written. The file is checked whole first: a record that
does not match its hash or its place in the hash chain refuses it (exit 2), naming the record and line.
verify checks the hash chain over decisions and audit entries and every decision's case and decision
against their hashes; it names the first broken link and exits 1, or says the chain is intact (exit 0).
"""


def add_parser(subparsers: Any) -> None:
    """Register ``db``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "db",
        help="database: `db upgrade` migrates, `db current` shows the revision, `db verify` checks the "
        "records, `db export`/`import`",
        description="Migrate the case store to the newest schema (idempotent), show where it stands, "
        "verify its records' hash chain, or export / import it as JSON Lines (tokens are not exported).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("upgrade", "current", "verify", "export", "import"))
    parser.add_argument("file", nargs="?", help="import: the export to read (- for stdin)")
    parser.add_argument("-o", "--output", help="export: the file to write (default: stdout)")
    parser.set_defaults(func=run)


def _say(line: str) -> None:
    print(f"kaoping: {line}", file=sys.stderr)  # noqa: T201 - the command's messages


def run(args: argparse.Namespace) -> int:
    """Run ``db``."""
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.store import db  # noqa: PLC0415

    if args.action == "import" and not args.file:
        _say("db import needs the FILE to read (- for stdin)")
        return 2
    if args.action != "import" and args.file:
        _say(f"db {args.action} takes no FILE (export writes to -o FILE or stdout)")
        return 2
    url = get_settings().effective_database_url
    engine = db.make_engine(url)
    try:
        if args.action == "export":
            return export(engine, args.output)
        if args.action == "import":
            return import_(engine, args.file)
        if args.action == "verify":
            return verify(engine)
        revision = db.upgrade(engine) if args.action == "upgrade" else db.current_revision(engine)
    finally:
        engine.dispose()
    _say(f"{db.describe(url)} is at schema revision {revision or '(none)'}")
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def verify(engine: Any) -> int:
    """``db verify``: 0 when the chain and every decision's hashes hold, 1 naming the first break."""
    from api.store import chain, db  # noqa: PLC0415

    db.check_schema(engine)
    with engine.connect() as connection:
        report = chain.verify(connection)
    if report.broken is not None:
        say("records.chain_broken", problem=report.broken.text())
        return 1
    links = report.decisions + report.audit
    say("records.chain_intact", links=links, decisions=report.decisions, audit=report.audit)
    return 0


def export(engine: Any, output: str | None) -> int:
    """``db export``: the store as JSON Lines to ``output`` (a path) or stdout."""
    from api.store import backup  # noqa: PLC0415

    if output is None:
        counts = backup.export_jsonl(engine, sys.stdout)
        sys.stdout.flush()
    else:
        target = Path(output)
        partial = target.with_name(target.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            counts = backup.export_jsonl(engine, out)
        partial.replace(target)
    _say(f"exported {_counts(counts)} (tokens are not exported)")
    return 0


def import_(engine: Any, file: str) -> int:
    """``db import``: an export into the empty store; exit 2 when refused (nothing is written then)."""
    from api.store import backup  # noqa: PLC0415

    try:
        if file == "-":
            counts = backup.import_jsonl(engine, sys.stdin)
        else:
            with Path(file).open(encoding="utf-8") as lines:
                counts = backup.import_jsonl(engine, lines)
    except backup.BrokenExportError as exc:
        _say(exc.text())
        return 2
    except backup.BackupError as exc:
        _say(f"import refused: {exc}")
        return 2
    except OSError as exc:
        _say(f"cannot read {file}: {exc}")
        return 2
    _say(f"imported {_counts(counts)}; tokens are not in exports: create them with `kaoping token create`")
    return 0
