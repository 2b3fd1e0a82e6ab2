"""``kaoping what-if CASE.json --set PATH=VALUE ...``: a case's decision against a changed case's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api import jsonio
from api.cli._office import cli_lang, error_summary, say, show, show_json

if TYPE_CHECKING:
    import argparse

_EPILOG = """\
A change is a dotted path into the case and a value: --set draft.scores.project_unit=85,
--set plan.scores.expert_panel.E2=90, --set draft.rework_round=1, --set panel.members.0.pool=other.
A value that reads as JSON is taken as JSON (85, true, null, "text", {...}); anything else as text.
null removes the field. The report says which results change and by how much, and, for a complete
case, the least rise of each single score that reaches the next grade (不可达 when 100 is not enough).
Bad input: exit 2 and {"case_id": ..., "errors": [...]} on stdout, loc starting with "case" or "set".
"""


def add_parser(subparsers: Any) -> None:
    """Register ``what-if``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "what-if",
        help="a case's decision against the decision with some changes, and the next grade",
        description="Decide a case as it is and with changes; print what changes, and the least score "
        "rises that reach the next grade.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("case", help="the case JSON file ('-' for stdin)")
    parser.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="a change (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def _value(text: str) -> Any:
    try:
        return jsonio.loads(text)
    except (ValueError, RecursionError):
        return text


def parse_changes(items: list[str]) -> dict[str, Any] | str:
    """``PATH=VALUE`` items as a mapping, or the first item that is not one."""
    changes: dict[str, Any] = {}
    for item in items:
        path, equals, value = item.partition("=")
        if not equals or not path.strip():
            return item
        changes[path.strip()] = _value(value)
    return changes


def run(args: argparse.Namespace) -> int:
    """Run ``what-if``."""
    from api.reports import whatif_lines  # noqa: PLC0415
    from engine import CaseError, start  # noqa: PLC0415 - keep `kaoping --help` fast
    from engine.validate import case_id_of  # noqa: PLC0415
    from engine.whatif import what_if  # noqa: PLC0415

    changes = parse_changes(args.changes)
    if isinstance(changes, str):
        say(f"--set takes PATH=VALUE, not {changes!r}")
        return 2
    try:
        raw = sys.stdin.buffer.read() if args.case == "-" else Path(args.case).read_bytes()
    except OSError as exc:
        say(f"cannot read {args.case}: {exc.strerror}")
        return 2
    try:
        data = jsonio.loads(raw)
    except (ValueError, RecursionError) as exc:
        error = CaseError([{"loc": ["case"], "msg": f"not valid JSON: {exc}", "type": "json_invalid"}])
        show_json(error.to_json())
        say(error_summary(error.errors)[0])
        return 2
    try:
        result = what_if(start(), data, changes)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(data)
        show_json(exc.to_json())
        for line in error_summary(exc.errors):
            say(line)
        return 2
    if args.json:
        show_json(result)
    else:
        show(whatif_lines(result, cli_lang(args)))
    return 0
