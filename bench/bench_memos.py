"""Median milliseconds per memo of each kind (target: ≤ 20 ms).

Run: ``.venv/bin/python bench/bench_memos.py [--runs 50]``. Decisions are computed once (the benchmark
measures memo rendering, not the engine); the first render of each template (read, lint, compile) is
reported separately as "first", the rest are the steady state the API sees.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import statistics
import time
from pathlib import Path

from engine import evaluate
from engine.memos import OfficeInfo, render_memo
from engine.memos.render import clear_caches

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "memos" / "fixtures"
OFFICE = OfficeInfo(name="七宝镇财政所", number_prefix="七财评", district_bureau="闵行区财政局")
TARGET_MS = 20.0


def _cases() -> dict[str, tuple[dict, dict]]:
    worked = json.loads((FIXTURES / "worked_example.case.json").read_text(encoding="utf-8"))
    failing = json.loads((FIXTURES / "failing.case.json").read_text(encoding="utf-8"))
    misconduct = copy.deepcopy(failing)
    misconduct["prohibited_conduct"] = ["fabrication"]
    return {
        "eligibility": (worked, evaluate(worked)),
        "review-plan": (worked, evaluate(worked)),
        "review-draft": (worked, evaluate(worked)),
        "fee": (worked, evaluate(worked)),
        "referral": (misconduct, evaluate(misconduct)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=50, help="renders per kind (default 50)")
    args = parser.parse_args()
    clear_caches()
    rows = []
    for kind, (case, decision) in _cases().items():

        def once(case: dict = case, decision: dict = decision, kind: str = kind) -> float:
            start = time.perf_counter()
            render_memo(
                case, decision, kind, office=OFFICE, document_number=7, document_date=dt.date(2024, 7, 1)
            )
            return (time.perf_counter() - start) * 1000

        first = once()
        times = [once() for _ in range(args.runs)]
        rows.append((kind, first, statistics.median(times), min(times), max(times)))
    print(
        f"{'kind':<14}{'first ms':>10}{'median ms':>11}{'min ms':>9}{'max ms':>9}  target ≤ {TARGET_MS:g} ms"
    )
    for kind, first, median, low, high in rows:
        flag = "ok" if median <= TARGET_MS else "SLOW"
        print(f"{kind:<14}{first:>10.1f}{median:>11.1f}{low:>9.1f}{high:>9.1f}  {flag}")
    return 0 if all(r[2] <= TARGET_MS for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
