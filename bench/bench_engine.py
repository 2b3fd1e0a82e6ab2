"""Engine throughput: generated contract cases through validation, durable_rules and the full trace.

Prints cases/s for kaoping (validation + facts + engine + decision with trace) and for the plain-Python
floor in engine/testing/oracle.py on the same cases, their ratio, and checks every decision against the oracle.
JSON parsing is excluded (the cases are dicts already). Rounds alternate engine and floor; each prints
its median and its best round (the least disturbed: on a shared 2-core VM the same code swings by
±20-30 % between rounds), and the ratio of each.

Run: ``.venv/bin/python -m bench.bench_engine [--cases 10000] [--rounds 5]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from engine import Evaluator
from engine.testing import cases as generate_cases
from engine.testing import decide as oracle_decide


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = generate_cases(args.cases)
    evaluator = Evaluator()

    mismatches = 0
    for case in cases:
        decision = evaluator.evaluate(case)
        decision.pop("trace")
        if decision != oracle_decide(case):
            mismatches += 1
    engine_rates, floor_rates = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for case in cases:
            evaluator.evaluate(case)
        engine_rates.append(len(cases) / (time.perf_counter() - start))
        start = time.perf_counter()
        for case in cases:
            oracle_decide(case)
        floor_rates.append(len(cases) / (time.perf_counter() - start))
    engine_rate, floor_rate = statistics.median(engine_rates), statistics.median(floor_rates)
    engine_best, floor_best = max(engine_rates), max(floor_rates)
    rounds = ", ".join(f"{r:,.0f}" for r in engine_rates)
    print(f"cases                     {len(cases):>10,}")
    print(
        f"kaoping (durable_rules)   {engine_rate:>10,.0f} cases/s median   {1e6 / engine_rate:6.0f} µs/case   "
        f"best round {engine_best:,.0f} cases/s ({1e6 / engine_best:.0f} µs)   (rounds: {rounds})"
    )
    print(
        f"plain-Python floor        {floor_rate:>10,.0f} cases/s median   {1e6 / floor_rate:6.0f} µs/case   "
        f"best round {floor_best:,.0f} cases/s ({1e6 / floor_best:.0f} µs)"
    )
    print(
        f"ratio                     {floor_rate / engine_rate:>10.1f}x slower than the floor (medians); "
        f"{floor_best / engine_best:.1f}x (best rounds)"
    )
    print(f"decisions ≠ oracle        {mismatches:>10}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
