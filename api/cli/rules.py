"""``kaoping rules``: list the rules of a version, or check the rule data as a whole."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api import jsonio
from api.rulebook import rules_as_json
from engine import check_rules
from engine.errors import RulebookError
from rules import load_rulebook, use_rules_dir


def add_parser(subparsers: Any) -> None:
    """Register ``rules``."""
    parser = subparsers.add_parser(
        "rules",
        help="list the rules with ids, texts and citations; `rules check` validates the rule data",
        description="List the rules of a version (default: every version), or `check` the rule data.",
    )
    parser.add_argument("action", nargs="?", choices=("list", "check"), default="list")
    parser.add_argument("--version", help="a version id such as 2024-01-01")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``rules``."""
    from api.settings import get_settings  # noqa: PLC0415 - the parser does not load the settings

    use_rules_dir(get_settings().rules_dir)
    if args.action == "check":
        report = check_rules()
        for line in report.lines:
            print(line)  # noqa: T201 - the command's output
        for problem in report.problems:
            print(f"kaoping: rule data is broken: {problem}", file=sys.stderr)  # noqa: T201
        if report.problems:
            return 1
        print("rule data OK: dates, citations, parameters, texts, facts and builders")  # noqa: T201
        return 0
    try:
        rulebook = load_rulebook()
    except RulebookError as exc:
        print(f"kaoping: rule data is broken: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    data = rules_as_json(rulebook, args.version)
    if args.version and not data:
        known = ", ".join(rs.version for rs in rulebook.versions)
        print(f"kaoping: no version {args.version} (known: {known})", file=sys.stderr)  # noqa: T201
        return 2
    if args.json:
        sys.stdout.write(jsonio.dumps(data) + "\n")
        return 0
    lines = []
    for version in data:
        period = f"{version['valid_from']} … {version['valid_to'] or ''}"
        lines.append(f"# {version['version']} ({version['measure']}; {period})")
        for r in version["rules"]:
            severity = f" [{rulebook.vocabulary.label('severity', r['severity'])}]" if r["severity"] else ""
            lines += [f"{r['id']}{severity} {r['title']}", f"    {r['text_zh']}", f"    {r['text_en']}"]
            lines.append(f"    依据: {r['cite']}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
