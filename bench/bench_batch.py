"""End-to-end batch throughput and memory of ``kaoping evaluate --jsonl`` (issue 5).

Writes N generated cases as JSON Lines, runs the real console command on them, checks one output line
per input line, and prints cases/s (process start-up included) and the peak RSS of the child. With
``--memory`` it runs two batch sizes and prints both peaks, to show that memory stays flat.

Run: ``.venv/bin/python -m bench.bench_batch [--cases 10000] [--memory]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import cases as generate_cases

ROOT = Path(__file__).resolve().parents[1]


def _write(n: int, folder: Path) -> Path:
    path = folder / f"cases-{n}.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            for case in generate_cases(n):
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
    return path


def run_batch(path: Path) -> tuple[float, int, float]:
    """Seconds, output lines and peak RSS (MB) of one `kaoping evaluate --jsonl` run."""
    kaoping = Path(sys.executable).with_name("kaoping")
    command = [str(kaoping)] if kaoping.exists() else [sys.executable, "-m", "api.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with path.open("rb") as source:
        done = subprocess.run(
            [*command, "evaluate", "--jsonl"], stdin=source, capture_output=True, check=False, cwd=ROOT
        )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = done.stdout.count(b"\n")
    return seconds, lines, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--memory", action="store_true", help="also run 10x the cases and compare peak RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(os.environ.get("KAOPING_BENCH_DIR", tmp))
        path = _write(args.cases, folder)
        seconds, lines, peak = run_batch(path)
        print(
            f"batch of {args.cases:,} cases: {seconds:.2f} s, {args.cases / seconds:,.0f} cases/s end to end, "
            f"{lines:,} output lines, peak RSS {peak:.0f} MB"
        )
        if lines != args.cases:
            print("MISMATCH: output lines differ from input lines")
            return 1
        if args.memory:
            big = args.cases * 10
            seconds, lines, peak_big = run_batch(_write(big, folder))
            print(
                f"batch of {big:,} cases: {seconds:.2f} s, {big / seconds:,.0f} cases/s, peak RSS {peak_big:.0f} MB "
                f"(vs {peak:.0f} MB for {args.cases:,})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
