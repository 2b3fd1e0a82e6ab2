"""Replay of a rule change over 10,000 stored cases (target: <= 30 s), and what a replay leaves behind.

Fills a fresh SQLite store (``bench._store_fill``), writes a candidate rules tree (the shipped rules with
the 良 coefficient 0.95 -> 0.90 and the late-deduction cap of 2024-01-01 10 % -> 8 %), and times:

1. ``api.store.replay.replay_store`` in this process (what ``kaoping replay`` does);
2. ``api.store.replay.replay_in_child`` (what ``POST /replay`` does): a spawned child, started, run and
   gone;
3. what a replay in a long-lived process would keep: the resident memory retained by building and
   dropping the two evaluators of a replay ten times (durable_rules cannot free a registered ruleset).

Run: ``.venv/bin/python -m bench.bench_replay [--cases 10000] [--rounds 2]``
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api.store import db
from api.store.replay import replay_in_child, replay_store
from bench._store_fill import fill
from engine.evaluate import Evaluator
from rules import RULES_DIR, Rulebook

TARGET_SECONDS = 30.0


def candidate(folder: Path) -> Path:
    """The shipped rules with two local-scheme changes."""
    root = folder / "candidate"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    coefficients = root / "parameters/fees/grade_coefficients.yaml"
    coefficients.write_text(coefficients.read_text("utf-8").replace('良: "0.95"', '良: "0.90"'), "utf-8")
    late = root / "parameters/fees/late_deduction.yaml"
    late.write_text(late.read_text("utf-8").replace('cap: "0.10"', 'cap: "0.08"'), "utf-8")
    return root


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--retained", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.retained is not None:
        print(f"{_retained_mb(args.retained):.2f}")
        return 0
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url, seconds = fill(Path(folder), args.cases)
        print(f"stored {args.cases} cases with decisions in {seconds:.1f} s")
        rules = candidate(Path(folder))
        engine = db.make_engine(url)
        for label, run in (
            ("in this process", lambda: _in_process(engine, rules)),
            (
                "in a child process",
                lambda: replay_in_child(database_url=url, candidate=rules, current=RULES_DIR, year=2024),
            ),
        ):
            for _ in range(args.rounds):
                started = time.perf_counter()
                report = run()
                elapsed = time.perf_counter() - started
                totals = report["totals"]
                print(
                    f"{label}: {elapsed:.1f} s for {totals['cases']} cases, {totals['changed']} change "
                    f"(payable {totals['payable_by']})"
                )
                ok = ok and elapsed <= TARGET_SECONDS and totals["cases"] == args.cases
        engine.dispose()
        kept = subprocess.run(
            [sys.executable, "-m", "bench.bench_replay", "--retained", str(rules)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(
            f"kept per replay in a long-lived process: {kept} MB, measured in a fresh process (a child keeps none)"
        )
    print(f"target <= {TARGET_SECONDS:.0f} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 2


def _retained_mb(rules: Path, replays: int = 10) -> float:
    """Resident memory a process keeps per replay's pair of evaluators, built and dropped."""
    Evaluator(Rulebook(RULES_DIR))
    gc.collect()
    before = _rss_mb()
    for _ in range(replays):
        pair = (Evaluator(Rulebook(RULES_DIR)), Evaluator(Rulebook(rules.resolve())))
        del pair
        gc.collect()
    return (_rss_mb() - before) / replays


def _in_process(engine, rules):
    with db.new_session(engine) as session:
        return replay_store(session=session, candidate=rules, current=RULES_DIR, year=2024)


if __name__ == "__main__":
    sys.exit(main())
