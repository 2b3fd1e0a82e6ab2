"""``kaoping db``: migrate, show the revision, verify the hash chain, export, import.

The database is SQLite's embedded file or ``DATABASE_URL``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.language import lang, message_join, os_reason, say, text

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``db``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "db",
        help=text("cli.db.help"),
        description=text("cli.db.description"),
        epilog=text("cli.db.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "action", choices=("upgrade", "current", "verify", "export", "import"), help=text("cli.db.action")
    )
    parser.add_argument("file", nargs="?", help=text("cli.db.file"))
    parser.add_argument("-o", "--output", help=text("cli.db.output"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``db``."""
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.store import db  # noqa: PLC0415

    if args.action == "import" and not args.file:
        say("cli.db.import_needs_file")
        return 2
    if args.action != "import" and args.file:
        say("cli.db.takes_no_file", action=args.action)
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
    say("cli.db.revision", database=where(url), revision=revision or text("cli.db.no_revision"))
    return 0


def _counts(counts: dict[str, int]) -> str:
    return message_join(
        [text("cli.db.count", name=text(f"cli.db.table.{name}"), count=n) for name, n in counts.items()]
    )


def where(url: str) -> str:
    """Where the data lives, in the run's language: the SQLite file, or the server URL (no password)."""
    from api.store import db  # noqa: PLC0415

    described = db.describe(url)
    return described if isinstance(described, str) else described.text(lang())


def verify(engine: Any) -> int:
    """``db verify``: 0 when the chain and every decision's hashes hold, 1 naming the first break."""
    from api.store import chain, db  # noqa: PLC0415

    db.check_schema(engine)
    with engine.connect() as connection:
        report = chain.verify(connection)
    if report.broken is not None:
        say("records.chain_broken", problem=report.broken)
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
    say("cli.db.exported", counts=_counts(counts))
    return 0


def import_(engine: Any, file: str) -> int:
    """``db import``: an export into the empty store; exit 2 when refused (nothing is written then)."""
    from api.store import backup  # noqa: PLC0415

    try:
        if file == "-":
            result = backup.import_jsonl(engine, sys.stdin)
        else:
            with Path(file).open(encoding="utf-8") as lines:
                result = backup.import_jsonl(engine, lines)
    except backup.BrokenExportError as exc:
        say("records.import_broken", problem=exc.broken)
        return 2
    except backup.BackupError as exc:
        say("cli.db.refused", reason=exc)
        return 2
    except OSError as exc:
        say("cli.cannot_read", path=file, reason=os_reason(exc))
        return 2
    say("cli.db.imported", counts=_counts(result.counts))
    if result.cases.normalised:
        say(
            "cli.db.normalised",
            count=len(result.cases.normalised),
            cases=message_join(result.cases.normalised),
        )
    for case_id, errors in result.cases.unsettled.items():
        say("cli.db.unsettled", case_id=case_id, problems=message_join(_worded(errors)))
    return 0


def _worded(errors: list[dict[str, Any]]) -> list[str]:
    from engine.problems import localise  # noqa: PLC0415 - keep `kaoping --help` fast

    return [str(e["msg"]) for e in (errors if lang() == "zh" else localise(errors, lang()))]
