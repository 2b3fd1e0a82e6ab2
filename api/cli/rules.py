"""``kaoping rules``: list the rules of a version (by id or by a date it is in force on), or check them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api import jsonio
from api.cli.language import lang, message_join, say, text
from api.rulebook import rules_as_json
from engine import check_rules
from engine.errors import RulebookError
from engine.normalise import normal_form
from rules import load_rulebook, use_rules_dir
from rules.messages import Term


def _day(value: str) -> str:
    written = normal_form("date", value)
    try:
        import datetime as dt  # noqa: PLC0415 - only for --on

        return dt.date.fromisoformat(written).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(text("cli.rules.bad_date", value=repr(value))) from None


def add_parser(subparsers: Any) -> None:
    """Register ``rules``."""
    parser = subparsers.add_parser(
        "rules", help=text("cli.rules.help"), description=text("cli.rules.description")
    )
    parser.add_argument(
        "action", nargs="?", choices=("list", "check"), default="list", help=text("cli.rules.action")
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--version", metavar="ID", help=text("cli.rules.version"))
    which.add_argument("--on", metavar="DATE", type=_day, help=text("cli.rules.on"))
    parser.add_argument("--json", action="store_true", help=text("cli.rules.json"))
    parser.set_defaults(func=run)


def _check() -> int:
    report = check_rules()
    for line in report.lines:
        print(line.text(lang()))  # noqa: T201 - the command's output
    for problem in report.problems:
        say("cli.rules.broken", problem=problem)
    if report.problems:
        return 1
    print(text("cli.rules.ok"))  # noqa: T201
    return 0


def _version_on(rulebook: Any, day: str) -> str | None:
    import datetime as dt  # noqa: PLC0415

    found = rulebook.in_force_on(dt.date.fromisoformat(day))
    if found is None:
        say("cli.rules.none_on", date=day, first=rulebook.versions[0].version)
        return None
    return str(found.version)


def run(args: argparse.Namespace) -> int:
    """Run ``rules``."""
    from api.settings import get_settings  # noqa: PLC0415 - the parser does not load the settings

    use_rules_dir(get_settings().rules_dir)
    if args.action == "check":
        return _check()
    try:
        rulebook = load_rulebook()
    except RulebookError as exc:
        say("cli.rules.broken", problem=exc)
        return 1
    version = args.version
    if args.on is not None:
        version = _version_on(rulebook, args.on)
        if version is None:
            return 2
    data = rules_as_json(rulebook, version)
    if version and not data:
        known = message_join([rs.version for rs in rulebook.versions])
        say("cli.rules.no_version", version=version, known=known)
        return 2
    if args.json:
        sys.stdout.write(jsonio.dumps(data) + "\n")
        return 0
    lines = []
    for entry in data:
        lines.append(
            text(
                "cli.rules.heading",
                version=entry["version"],
                measure=entry["measure"],
                valid_from=entry["valid_from"],
                valid_to=entry["valid_to"] or "",
            )
        )
        for r in entry["rules"]:
            severity = f" [{Term('severity', r['severity']).text(lang())}]" if r["severity"] else ""
            lines += [f"{r['id']}{severity} {r['title']}", f"    {r['text_zh']}", f"    {r['text_en']}"]
            lines.append(f"    {text('cli.rules.cite', cite=r['cite'])}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
