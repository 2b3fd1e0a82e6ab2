"""HTTP throughput of ``POST /api/v1/evaluate`` against ``kaoping serve --workers 2``.

Starts ``kaoping serve`` on a SQLite file in a temporary directory and a free port, creates a
``finance_office`` token with ``kaoping token create``, waits for ``/api/v1/healthz``, checks one request
by hand (200 and a decision for the example case), then runs ``wrk -t2 -c32 -d30s --latency`` with a Lua
script that POSTs the example case with the bearer token. Prints requests/s and p50/p90/p99 latency and
fails (exit 1) when wrk saw any non-2xx response or socket error. Targets: >= 600 req/s, p99 <= 100 ms.
Also prints the CPU time the server's processes and wrk used per request: on a machine shared with
other work that figure moves much less than requests/s.

wrk runs on the same machine as the server, so the load generator takes CPU from the two workers.

Run: ``.venv/bin/python -m bench.bench_api [--seconds 30] [--connections 32] [--threads 2] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench._serve import (
    ROOT,
    children_cpu_seconds,
    loadavg,
    lua_script,
    machine,
    make_token,
    request,
    run_wrk,
    start_server,
)

EXAMPLE = ROOT / "examples" / "QB-2024-007.case.json"
TARGET_RATE, TARGET_P99_MS = 600.0, 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=30, help="wrk duration (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="kaoping serve --workers (default 2)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="seconds of wrk warm-up first (default 3; 0: none)"
    )
    args = parser.parse_args()
    body = EXAMPLE.read_bytes()
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-api-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "KAOPING_DATA_DIR": str(folder / "data")}
        env.pop("DATABASE_URL", None)
        token = make_token(env)
        with start_server(env, args.workers, folder / "serve.log") as server:
            status, decision = request("POST", f"{server.base}/evaluate", token, body)
            if status != 200 or not isinstance(decision, dict) or "trace" not in decision:
                print(f"FAILED: one POST /evaluate by hand answered {status}: {str(decision)[:500]}")
                return 1
            url = f"{server.base}/evaluate"
            script = lua_script("POST", token, body)
            if args.warmup:
                run_wrk(
                    url,
                    script,
                    folder,
                    threads=args.threads,
                    connections=args.connections,
                    seconds=args.warmup,
                )
            server_cpu, wrk_cpu = server.cpu_seconds(), children_cpu_seconds()
            result = run_wrk(
                url, script, folder, threads=args.threads, connections=args.connections, seconds=args.seconds
            )
            server_cpu, wrk_cpu = server.cpu_seconds() - server_cpu, children_cpu_seconds() - wrk_cpu
    errors = sum(result.socket_errors.values())
    print(
        f"machine                {machine()}; load average before/after: {result.load_before} / {result.load_after}"
    )
    print(
        f"setup                  kaoping serve --workers {args.workers} (SQLite), "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on the same machine: "
        "the load generator shares the machine's cores with the server"
    )
    print(f"POST /api/v1/evaluate  {result.requests:,} requests in {result.seconds:.1f} s")
    print(f"requests/s             {result.rate:10,.0f}   target >= {TARGET_RATE:,.0f}")
    print(f"latency p50            {result.p50_ms:10.1f} ms")
    print(f"latency p90            {result.p90_ms:10.1f} ms")
    print(f"latency p99            {result.p99_ms:10.1f} ms   target <= {TARGET_P99_MS:g} ms")
    print(f"latency max            {result.max_ms:10.1f} ms")
    per_request = 1000 / max(result.requests, 1)
    print(
        f"CPU per request        {server_cpu * per_request:10.2f} ms server (all workers), "
        f"{wrk_cpu * per_request:.2f} ms wrk ({args.seconds} s: {server_cpu:.1f} s and {wrk_cpu:.1f} s)"
    )
    print(f"non-2xx responses      {result.non_2xx:10}")
    print(f"socket errors          {errors:10}   {result.socket_errors}")
    print(f"load average now       {loadavg()}")
    if result.non_2xx or errors or result.requests == 0:
        print("FAILED: wrk saw non-2xx responses or socket errors")
        return 1
    met = result.rate >= TARGET_RATE and result.p99_ms <= TARGET_P99_MS
    print("targets                " + ("met" if met else "NOT met"))
    return 0 if met else 2


if __name__ == "__main__":
    sys.exit(main())
