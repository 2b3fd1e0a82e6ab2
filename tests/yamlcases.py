"""Table-driven rule cases in YAML (OpenFisca style): a sentence, a base case with overrides, expectations.

A file holds a list of cases::

    - name: A law firm is an allowed agency kind
      input:
        base: worked_example_2024          # tests/cases/<base>.json
        set: {agency.kind: law_firm}        # dotted paths; list items by index (plan.indicators.0.weight)
        delete: [panel]                     # dotted paths to remove
        scores: {draft: {expert_panel: "80"}}  # a party's score at a node; one value = every member
      output:                               # dotted paths into the decision ...
        eligibility.status: eligible
        trace.ELG-04: held                  # ... and trace outcomes by rule id
      errors:                               # or: the case cannot be decided (instead of output)
        - {loc: [commission, commissioned_on], type: out_of_scope}
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine import CaseError, Evaluator
from rules._yaml import read_yaml

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {"name", "input", "output", "errors"}
INPUT_KEYS = {"base", "set", "delete", "append", "scores"}


class CaseFailure(Exception):  # noqa: N818 - reads as a failed expectation in reports
    """A YAML case's expectation did not hold."""


def load_base(name: str) -> dict[str, Any]:
    """A base case from tests/cases/."""
    return json.loads((CASES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _walk(doc: Any, path: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = doc
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def build_case(spec: dict[str, Any]) -> dict[str, Any]:
    """Apply ``set``, ``append`` and ``delete`` to the base case."""
    unknown = set(spec) - INPUT_KEYS
    if unknown:
        raise CaseFailure(f"unknown input keys {sorted(unknown)}")
    case = copy.deepcopy(load_base(spec.get("base", "worked_example_2024")))
    for path, value in (spec.get("set") or {}).items():
        node, key = _walk(case, path)
        node[key] = value
    for path, value in (spec.get("append") or {}).items():
        node, key = _walk(case, path)
        node[key].append(value)
    for node_name, parties in (spec.get("scores") or {}).items():
        scores = case[node_name].setdefault("scores", {})
        for party, given in parties.items():
            every_member = party == "expert_panel" and not isinstance(given, dict)
            scores[party] = {m["id"]: given for m in case["panel"]["members"]} if every_member else given
    for path in spec.get("delete") or []:
        node, key = _walk(case, path)
        del node[key]
    return case


def lookup(decision: dict[str, Any], path: str) -> Any:
    """A dotted path into a decision; ``trace.ELG-04`` is that rule's outcome."""
    if path.startswith("trace."):
        rule = path[len("trace.") :]
        entries = [t for t in decision["trace"] if t["rule"] == rule]
        if len(entries) != 1:
            raise CaseFailure(f"trace has {len(entries)} entries for {rule}")
        return entries[0]["outcome"]
    node: Any = decision
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def run_case(evaluator: Evaluator, spec: dict[str, Any]) -> None:
    """Evaluate one YAML case and compare every expectation."""
    unknown = set(spec) - CASE_KEYS
    if unknown:
        raise CaseFailure(f"unknown keys {sorted(unknown)}")
    if ("output" in spec) == ("errors" in spec):
        raise CaseFailure("a case expects either `output` or `errors`")
    case = build_case(spec.get("input") or {})
    try:
        decision = evaluator.evaluate(case)
    except CaseError as exc:
        if "errors" not in spec:
            raise CaseFailure(f"expected a decision, got errors {exc.errors}") from None
        _compare_errors(spec["errors"], exc.errors)
        return
    if "errors" in spec:
        raise CaseFailure(f"expected errors {spec['errors']}, got a decision")
    problems = []
    for path, expected in spec["output"].items():
        try:
            actual = lookup(decision, path)
        except (KeyError, IndexError, TypeError):
            problems.append(f"{path}: not in the decision")
            continue
        if actual != expected:
            problems.append(f"{path}: expected {expected!r}, got {actual!r}")
    if problems:
        raise CaseFailure("\n".join(problems))


def _compare_errors(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    for want in expected:
        if not any(all(err.get(k) == v for k, v in want.items()) for err in actual):
            raise CaseFailure(f"no error matching {want}; got {actual}")


class YamlFile(pytest.File):
    """A YAML file of rule cases."""

    def collect(self) -> Any:
        cases = read_yaml(self.path)
        if not isinstance(cases, list):
            raise CaseFailure(f"{self.path}: expected a list of cases")
        for index, spec in enumerate(cases):
            yield YamlItem.from_parent(self, name=f"{index}: {spec.get('name', '?')}", spec=spec)


class YamlItem(pytest.Item):
    """One YAML rule case."""

    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        run_case(shared_evaluator(), self.spec)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.path}: Test '{self.spec.get('name')}':\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"rule case: {self.spec.get('name')}"


_EVALUATOR: Evaluator | None = None


def shared_evaluator() -> Evaluator:
    """One evaluator for the whole test session (rulesets are registered once)."""
    global _EVALUATOR  # noqa: PLW0603
    if _EVALUATOR is None:
        _EVALUATOR = Evaluator()
    return _EVALUATOR
