"""``kaoping rules``: list the rules of a version, or check the rule data as a whole."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api import jsonio
from api.rulebook import rules_as_json
from engine.errors import RulebookError
from rules import load_rulebook
from rules.rulebook import Rulebook
from rules.rulesets import compile_ruleset


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


def check(rulebook: Rulebook) -> list[str]:
    """Compile every version (every rule needs a builder and conditions); the loader checked the rest."""
    lines = []
    for rs in rulebook.versions:
        compiled = compile_ruleset(rs)
        lines.append(
            f"{rs.version}: {len(rs.rules)} rules, {len(compiled.definition)} engine rules, "
            f"in force {rs.valid_from}..{rs.valid_to or 'open'}, hash {rs.content_hash[:12]}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    """Run ``rules``."""
    try:
        rulebook = load_rulebook()
        if args.action == "check":
            for line in check(rulebook):
                print(line)  # noqa: T201 - the command's output
            print("rule data OK: bands, coefficients, weights, dates, citations and builders")  # noqa: T201
            return 0
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
