"""Server time of the pages with 10,000 stored cases on SQLite (target: case page and list page p95 <= 50 ms).

Fills a fresh SQLite store (``bench._store_fill``: generated cases, each with a decision), starts
``kaoping serve`` on it (one worker), signs in as the finance office like a browser (the sign-in form,
the session cookie), then asks each page one request at a time and reads the app's own time from the
``Server-Timing`` header every page carries (from the request reaching the app to the response
starting: routing, the session check, the store, the engine, the template). Client-side times (with
the HTTP round trip on the loopback) are printed beside them.

Run: ``.venv/bin/python -m bench.bench_web [--cases 10000] [--requests 200]``
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench._serve import loadavg, machine, make_token, start_server
from bench._store_fill import fill

TARGET_MS = 50.0
_TIMING = re.compile(r"app;dur=([0-9.]+)")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _sign_in(client: httpx.Client, token: str) -> None:
    page = client.get("/signin")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    if nonce is None:
        raise RuntimeError("no sign-in form")
    answer = client.post("/signin", data={"token": token, "nonce": nonce.group(1), "next": "/"})
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}")


def _measure(client: httpx.Client, paths: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Server and client milliseconds of ``rounds`` requests cycling through ``paths``."""
    server, wall = [], []
    for n in range(rounds):
        started = time.perf_counter()
        answer = client.get(paths[n % len(paths)])
        wall.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{paths[n % len(paths)]} answered {answer.status_code}")
        found = _TIMING.search(answer.headers.get("server-timing", ""))
        if found is None:
            raise RuntimeError("no Server-Timing header")
        server.append(float(found.group(1)))
    return server, wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}; load {loadavg()}")
    ids = [f"GEN-{n:06d}" for n in range(0, args.cases, max(1, args.cases // 20))]
    pages = {
        "case page (20 cases)": [f"/cases/{case_id}" for case_id in ids],
        "list, first page": ["/cases"],
        "list, grade=良": ["/cases?grade=%E8%89%AF"],
        "list, keyset 90 % in": [f"/cases?after=GEN-{int(args.cases * 0.9):06d}"],
        "list, year + verdicts": ["/cases?year=2024&plan_review=pass&draft_review=pass"],
        "home (worklist)": ["/"],
    }
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        url, seconds = fill(Path(folder), args.cases)
        print(f"stored {args.cases} cases with decisions in {seconds:.1f} s ({url})")
        env = {**os.environ, "KAOPING_DATA_DIR": folder}
        env.pop("DATABASE_URL", None)
        token = make_token(env)
        with start_server(env, 1, Path(folder) / "serve.log") as served:
            base = f"http://127.0.0.1:{served.port}"
            with httpx.Client(base_url=base, timeout=30) as client:
                _sign_in(client, token)
                print(f"{'page':<26} {'server p50':>10} {'p95':>8} {'max':>8} {'client p50':>11} {'p95':>8}")
                for name, paths in pages.items():
                    _measure(client, paths, min(20, args.requests))  # warm: templates compiled, caches
                    server, wall = _measure(client, paths, args.requests)
                    p95 = _percentile(server, 0.95)
                    print(
                        f"{name:<26} {statistics.median(server):>8.2f}ms {p95:>6.2f}ms {max(server):>6.2f}ms "
                        f"{statistics.median(wall):>9.2f}ms {_percentile(wall, 0.95):>6.2f}ms"
                    )
                    if name.startswith(("case page", "list")) and p95 > TARGET_MS:
                        failed = True
    print(
        f"target: case page and list page p95 <= {TARGET_MS:.0f} ms server time: {'not met' if failed else 'met'}"
    )
    print(f"load after: {loadavg()}")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
