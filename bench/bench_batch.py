"""End-to-end batch throughput and memory of ``kaoping evaluate --jsonl``.

Writes N generated cases as JSON Lines, runs the real console command on them, checks one output line
per input line, and prints cases/s (process start-up included) and the peak RSS of the child, once per
``--jobs`` value (default: ``auto``, what ``kaoping evaluate --jsonl < file`` does unasked, then 1 and 2). In the same run it pipes the same file through the
plain-Python floor (``python -m engine.testing.oracle``: no validation, no trace) for comparison. With
``--memory`` it also runs 10x the cases and prints both peaks, to show that memory stays flat.

With ``--baseline CHECKOUT`` it instead runs the same file through this checkout and another one (for
example ``git worktree add ../base <commit>`` with its own ``.venv``), interleaved round by round, and
prints each side's median and the ratio of their times: "no more than N % slower than before" is measured
so, in one run on one machine state. Each checkout is first run as an installed kaoping has run before
(:func:`prepare`: its bytecode written, and its parsed rule data kept where that checkout keeps it).

Run: ``.venv/bin/python -m bench.bench_batch [--cases 10000] [--jobs auto,1,2] [--memory]``
or ``.venv/bin/python -m bench.bench_batch --baseline ../base --jobs 1 [--rounds 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.testing import cases as generate_cases

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


def _tree_peak_mb(pid: int) -> float:
    """The summed VmHWM of a process and its children (the --jobs workers)."""
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children += [int(c) for c in text]
    except OSError:
        pass
    return sum(_peak_mb(p) or 0.0 for p in [pid, *children])


def run_batch(path: Path, jobs: str = "1", command: list[str] | None = None) -> tuple[float, int, float]:
    """Seconds, output lines and peak RSS (MB) of one `kaoping evaluate --jsonl` run.

    The peak is the child's own VmHWM, polled from /proc while it runs. ``getrusage(RUSAGE_CHILDREN)``
    cannot be used: Linux folds the high-water mark of the address space the child had before ``exec``
    (the fork of this process, which holds the generated cases) into the child's ``ru_maxrss``.
    """
    if command is None:
        command = [*_kaoping_here(), "evaluate", "--jsonl", "--jobs", jobs]
    start = time.perf_counter()
    peak = 0.0
    with path.open("rb") as source, tempfile.TemporaryFile() as sink:
        child = subprocess.Popen(command, stdin=source, stdout=sink, stderr=subprocess.DEVNULL, cwd=ROOT)
        while child.poll() is None:
            peak = max(peak, _tree_peak_mb(child.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        sink.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: sink.read(1 << 20), b""))
    return seconds, lines, peak


PACKAGES = ("api", "engine", "rules")


def compile_bytecode(checkout: Path) -> None:
    """Write the checkout's bytecode first, as ``pip install .`` does for an installed kaoping.

    An editable install under ``PYTHONDONTWRITEBYTECODE`` (as on the CI machines) otherwise compiles
    every module of the package from source at each start: a cost an installed program never pays,
    and one that grows with the size of the code, not with its speed.
    """
    python = checkout / ".venv" / "bin" / "python"
    folders = [str(checkout / name) for name in PACKAGES if (checkout / name).is_dir()]
    subprocess.run(
        [str(python if python.exists() else sys.executable), "-m", "compileall", "-q", *folders],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(checkout: Path) -> None:
    """Run a checkout once as an installed kaoping has been run before the batch that is timed.

    Its bytecode is written (:func:`compile_bytecode`) and one empty batch run, which keeps the parsed
    rule data where that checkout keeps it (``KAOPING_CACHE_DIR``, rules/_yaml.py) if it does.
    """
    compile_bytecode(checkout)
    command = _kaoping(checkout) if checkout != ROOT else _kaoping_here()
    subprocess.run(
        [*command, "evaluate", "--jsonl"], input=b"", capture_output=True, check=True, cwd=checkout
    )


def _kaoping_here() -> list[str]:
    """This interpreter's ``kaoping`` console script, or the module when it has none."""
    kaoping = Path(sys.executable).with_name("kaoping")
    return [str(kaoping)] if kaoping.exists() else [sys.executable, "-m", "api.cli"]


def _kaoping(checkout: Path) -> list[str]:
    """The ``kaoping`` console script of a checkout's own virtualenv."""
    script = checkout / ".venv" / "bin" / "kaoping"
    if not script.exists():
        raise SystemExit(f"{script} does not exist: install that checkout first (python3 -m venv .venv ...)")
    return [str(script)]


def compare(path: Path, cases: int, baseline: Path, jobs: str, rounds: int) -> int:
    """Interleave this build and a baseline checkout on the same file; print each side's median and the ratio.

    The side that runs first alternates from round to round (A B, B A, ...), so neither is always the one
    that follows the other's exit.
    """
    sides = {"this checkout": None, f"baseline {baseline}": _kaoping(baseline)}
    prepare(ROOT)
    prepare(baseline)
    times: dict[str, list[float]] = {name: [] for name in sides}
    for round_no in range(1, rounds + 1):
        order = list(sides.items()) if round_no % 2 else list(reversed(sides.items()))
        for name, command in order:
            full = None if command is None else [*command, "evaluate", "--jsonl", "--jobs", jobs]
            seconds, lines, _ = run_batch(path, jobs, full)
            if lines != cases:
                print(f"MISMATCH ({name}): {lines} output lines for {cases} cases")
                return 1
            times[name].append(seconds)
            print(f"round {round_no}, {name}: {cases / seconds:,.0f} cases/s")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"median of {rounds}, {name}, --jobs {jobs}: {cases / median:,.0f} cases/s")
    this, base = medians.values()
    print(f"this checkout takes {this / base:.3f}x the baseline's time ({(this / base - 1) * 100:+.1f} %)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument(
        "--jobs", default="auto,1,2", help="comma-separated --jobs values to run (default auto,1,2)"
    )
    parser.add_argument("--memory", action="store_true", help="also run 10x the cases and compare peak RSS")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (with its own .venv) to compare with: both run the same file, interleaved",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the comparison (default 5)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min); {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(os.environ.get("KAOPING_BENCH_DIR", tmp))
        path = _write(args.cases, folder)
        if args.baseline is not None:
            status = 0
            for jobs in args.jobs.split(","):
                status = status or compare(path, args.cases, args.baseline.resolve(), jobs, args.rounds)
            print(f"load average after: {os.getloadavg()[0]:.2f}")
            return status
        prepare(ROOT)
        seconds, lines, _ = run_batch(path, command=[sys.executable, "-m", "engine.testing.oracle"])
        print(f"plain-Python floor, end to end: {seconds:.2f} s, {args.cases / seconds:,.0f} cases/s")
        for jobs in args.jobs.split(","):
            seconds, lines, peak = run_batch(path, jobs)
            print(
                f"batch of {args.cases:,} cases, --jobs {jobs}: {seconds:.2f} s, "
                f"{args.cases / seconds:,.0f} cases/s end to end, {lines:,} output lines, peak RSS {peak:.0f} MB"
            )
            if lines != args.cases:
                print("MISMATCH: output lines differ from input lines")
                return 1
            if args.memory:
                big = args.cases * 10
                seconds, lines, peak_big = run_batch(_write(big, folder), jobs)
                print(
                    f"batch of {big:,} cases, --jobs {jobs}: {seconds:.2f} s, {big / seconds:,.0f} cases/s, "
                    f"peak RSS {peak_big:.0f} MB (vs {peak:.0f} MB for {args.cases:,})"
                )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
