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


def _peak_mb(pid: int) -> float | None:
    """VmHWM of a running process (MB): the peak of its own memory, after exec."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_batch(path: Path) -> tuple[float, int, float]:
    """Seconds, output lines and peak RSS (MB) of one `kaoping evaluate --jsonl` run.

    The peak is the child's own VmHWM, polled from /proc while it runs. ``getrusage(RUSAGE_CHILDREN)``
    cannot be used: Linux folds the high-water mark of the address space the child had before ``exec``
    (the fork of this process, which holds the generated cases) into the child's ``ru_maxrss``.
    """
    kaoping = Path(sys.executable).with_name("kaoping")
    command = [str(kaoping)] if kaoping.exists() else [sys.executable, "-m", "api.cli"]
    start = time.perf_counter()
    peak = 0.0
    with path.open("rb") as source, tempfile.TemporaryFile() as sink:
        child = subprocess.Popen(
            [*command, "evaluate", "--jsonl"], stdin=source, stdout=sink, stderr=subprocess.DEVNULL, cwd=ROOT
        )
        while child.poll() is None:
            peak = max(peak, _peak_mb(child.pid) or 0.0)
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        sink.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: sink.read(1 << 20), b""))
    return seconds, lines, peak


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
