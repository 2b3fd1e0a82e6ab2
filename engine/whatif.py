"""What-if: a case and some changes in, the two decisions and their difference out.

Changes are paths into the contract's case (``draft.scores.project_unit``,
``plan.scores.expert_panel.E2``, ``panel.members.0.pool``) with JSON values; ``null`` removes a field.
Each path walks the case's objects by key (an expert's id may itself hold dots: the longest key that
exists wins, and below ``expert_panel`` the rest of the path is the id) and its lists by index. For the
changed case, when complete, :mod:`engine.next_grade` adds the smallest rise of each single score that
reaches the next grade, with the fee that grade would pay.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from engine import next_grade
from engine.compare import compare
from engine.errors import CaseError
from engine.problems import entry, relocated
from engine.validate import parse_case

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engine.evaluate import Evaluator

_MEMBER_KEYS = frozenset({"expert_panel"})
MAX_CHANGES = 200


class PathError(LookupError):
    """A change's path that cannot be followed: why (``error.bad_path.<reason>``) and the values to say it."""

    def __init__(self, reason: str, **values: Any) -> None:
        self.reason = reason
        self.values = values
        super().__init__(reason)


def _segments(container: Any, parts: list[str]) -> tuple[str | int, list[str]]:
    """The next key (or list index) of a path and the parts left after it."""
    if isinstance(container, list):
        head = parts[0]
        if not head.isdigit() or int(head) >= len(container):
            raise PathError("no_item", item=head, length=len(container))
        return int(head), parts[1:]
    for cut in range(len(parts), 1, -1):
        key = ".".join(parts[:cut])
        if key in container:
            return key, parts[cut:]
    return parts[0], parts[1:]


def set_path(case: dict[str, Any], path: str, value: Any) -> None:
    """Set (``None``: remove) the value at a dotted path of a raw case, creating missing objects.

    Raises:
        PathError: the path runs through a value that is not an object or list, or past a list's end.
    """
    parts = path.split(".")
    if not path or any(not part for part in parts):
        raise PathError("empty_part")
    node: Any = case
    parent_key: str | int | None = None
    while True:
        if parent_key in _MEMBER_KEYS and isinstance(node, dict):
            key: str | int = ".".join(parts)
            parts = []
        else:
            key, parts = _segments(node, parts)
        if not parts:
            break
        child = node[int(key)] if isinstance(node, list) else node.get(key)
        if child is None:
            if isinstance(node, list):
                raise PathError("empty_item", item=key)
            child = node[key] = {}
        if not isinstance(child, (dict, list)):
            raise PathError("not_container", key=key)
        node, parent_key = child, key
    if value is None:
        if isinstance(node, list):
            raise PathError("list_null")
        node.pop(key, None)
    else:
        node[key] = value


def apply_changes(case: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the case with every change applied; :class:`CaseError` naming each bad path."""
    if len(changes) > MAX_CHANGES:
        raise CaseError([entry(["set"], "too_many_changes", limit=MAX_CHANGES)])
    changed = copy.deepcopy(case)
    errors: list[dict[str, Any]] = []
    for path, value in changes.items():
        try:
            set_path(changed, path, value)
        except PathError as exc:
            errors.append(entry(["set", path], "bad_path", reason=exc.reason, **exc.values))
    if errors:
        raise CaseError(errors)
    return changed


def _without_trace(decision: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in decision.items() if k != "trace"}


def _relocated(exc: CaseError, changes: Mapping[str, Any], where: str) -> CaseError:
    """An error of the original (``case``) or of the changed case (at the change that caused it)."""
    errors = []
    for error in exc.errors:
        dotted = ".".join(str(p) for p in error["loc"])
        cause = next(
            (p for p in changes if dotted == p or dotted.startswith(f"{p}.") or p.startswith(f"{dotted}.")),
            None,
        )
        loc = ["set", cause] if where == "changed" and cause is not None else [where, *error["loc"]]
        errors.append(relocated(error, loc))
    return CaseError(errors, exc.case_id)


def _with_payables(evaluator: Evaluator, case: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """Each reachable rise with the grade and fee the case would have with that one score."""
    for rise in result.get("rises", []):
        if not rise["reachable"]:
            continue
        path = f"{rise['node']}.scores.{rise['party']}"
        if rise["member"] is not None:
            path = f"{path}.{rise['member']}"
        raised = apply_changes(case, {path: rise["needed"]})
        decision = evaluator.evaluate(raised)
        rise["grade"] = decision["assessment"]["grade"]
        rise["fee_status"] = decision["fee"]["status"]
        rise["payable"] = decision["fee"]["payable"]
    return result


def what_if(evaluator: Evaluator, case: Any, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The original and the changed case's decisions (without traces), their difference, the next grade.

    Raises:
        CaseError: the case or a change is bad input; ``loc`` starts with ``case`` or ``["set", path]``.
    """
    try:
        original = evaluator.evaluate(case)
    except CaseError as exc:
        raise _relocated(exc, changes, "case") from None
    changed_case = apply_changes(case, changes)
    try:
        parsed = parse_case(changed_case)
        changed = evaluator.decide(parsed)
    except CaseError as exc:
        raise _relocated(exc, changes, "changed") from None
    rs = evaluator.rulebook.at(changed["rule_version"])
    return {
        "case_id": changed["case_id"],
        "set": dict(changes),
        "original": _without_trace(original),
        "changed": _without_trace(changed),
        "changes": compare(original, changed),
        "next_grade": _with_payables(evaluator, changed_case, next_grade.rises(parsed, rs, changed)),
    }
