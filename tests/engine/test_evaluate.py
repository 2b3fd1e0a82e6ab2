"""The engine end to end: the worked example, the trace, determinism, threads and flat memory."""

from __future__ import annotations

import copy
import json
import resource
import threading
from pathlib import Path

import pytest

from api import jsonio
from engine import CaseError, Evaluator
from rules import load_rulebook
from tests.yamlcases import load_base, shared_evaluator

CASES = Path(__file__).parent.parent / "cases"


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return shared_evaluator()


def test_worked_example_reproduces_the_contract_decision(evaluator: Evaluator) -> None:
    """Rulebook §7: the example case gives exactly the contract's example decision (trace aside)."""
    expected = json.loads((CASES / "worked_example_2024.decision.json").read_text(encoding="utf-8"))
    decision = evaluator.evaluate(load_base("worked_example_2024"))
    assert expected == {k: v for k, v in decision.items() if k != "trace"}
    assert list(decision) == [*expected, "trace"]


def test_trace_has_every_rule_of_the_version_in_rulebook_order(evaluator: Evaluator) -> None:
    """One entry per rule, each with outcome, detail, facts and citation."""
    decision = evaluator.evaluate(load_base("worked_example_2024"))
    rule_ids = [r.id for r in load_rulebook().at(decision["rule_version"]).rules]
    assert rule_ids == [t["rule"] for t in decision["trace"]]
    assert len(rule_ids) == 41
    for entry in decision["trace"]:
        assert set(entry) == {"rule", "outcome", "detail", "facts", "cite"}
        assert entry["detail"]
        assert entry["cite"]
        assert "{" not in entry["detail"]
        assert isinstance(entry["facts"], dict)
    elg04 = next(t for t in decision["trace"] if t["rule"] == "ELG-04")
    assert elg04["cite"] == "财监〔2021〕4号 第二条；沪财发〔2023〕17号 第二条"


def test_the_2021_version_cites_the_trial_rules(evaluator: Evaluator) -> None:
    """Rulebook §0: where 2024-01-01 cites 沪财发〔2023〕17号, 2021-08-01 cites 沪财发〔2021〕6号."""
    case = load_base("worked_example_2024")
    case["commission"]["commissioned_on"] = "2023-03-15"
    decision = evaluator.evaluate(case)
    elg04 = next(t for t in decision["trace"] if t["rule"] == "ELG-04")
    assert "沪财发〔2021〕6号 第二条" in elg04["cite"]


def test_failed_check_detail_names_the_concrete_finding(evaluator: Evaluator) -> None:
    """A missing plan section is named in the trace detail."""
    case = load_base("worked_example_2024")
    case["plan"]["sections"].remove("timetable")
    decision = evaluator.evaluate(case)
    pln01 = next(t for t in decision["trace"] if t["rule"] == "PLN-01")
    assert pln01["outcome"] == "failed"
    assert "评价实施时间安排" in pln01["detail"]


def test_same_case_twice_gives_identical_bytes(evaluator: Evaluator) -> None:
    """Determinism: same case and version, same decision, byte for byte."""
    case = load_base("worked_example_2024")
    first = jsonio.dumps(evaluator.evaluate(copy.deepcopy(case)))
    second = jsonio.dumps(Evaluator().evaluate(copy.deepcopy(case)))
    assert first == second


def test_numbers_as_json_numbers_or_strings_decide_the_same(evaluator: Evaluator) -> None:
    """Contract: numbers are accepted as JSON numbers or decimal strings."""
    text = (CASES / "worked_example_2024.json").read_text(encoding="utf-8")
    as_numbers = text.replace('"80000.00"', "80000.00").replace('"88"', "88").replace('"4.5"', "4.5")
    assert evaluator.evaluate(jsonio.loads(as_numbers)) == evaluator.evaluate(jsonio.loads(text))


def _variant(index: int) -> dict:
    case = load_base("worked_example_2024")
    case["case_id"] = f"T-{index}"
    case["plan"]["scores"]["project_unit"] = str(60 + index % 40)
    return case


def test_two_threads_evaluate_different_cases_at_once(evaluator: Evaluator) -> None:
    """Concurrent evaluations each get their own correct decision (one lock, one sid each)."""
    expected = {i: evaluator.evaluate(_variant(i)) for i in range(40)}
    results: dict[int, dict] = {}
    errors: list[BaseException] = []

    def work(indices: range) -> None:
        try:
            for _ in range(5):
                for i in indices:
                    results[i] = evaluator.evaluate(_variant(i))
                    assert results[i] == expected[i]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(range(k, 40, 2),)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == expected


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


@pytest.mark.slow
def test_memory_stays_flat_over_20000_cases(evaluator: Evaluator) -> None:
    """durable_rules state is deleted after every case: no per-case growth (and no 1,024-sid cap)."""
    case = load_base("worked_example_2024")
    for _ in range(2000):
        evaluator.evaluate(case)
    before = _rss_mb()
    for i in range(18000):
        case["case_id"] = f"M-{i}"
        evaluator.evaluate(case)
    growth = _rss_mb() - before
    assert growth < 5, f"RSS grew by {growth:.1f} MB over 18,000 cases"


def test_bad_input_raises_case_error_with_case_id(evaluator: Evaluator) -> None:
    """A bad case yields no decision, but its errors and case id."""
    case = load_base("worked_example_2024")
    case["commission"]["contract_fee"] = "-1"
    with pytest.raises(CaseError) as info:
        evaluator.evaluate(case)
    assert info.value.case_id == "QB-2024-007"
    assert info.value.errors[0]["loc"] == ["commission", "contract_fee"]
