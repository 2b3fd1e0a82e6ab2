"""The year's register of 10,000 stored cases (target: <= 10 s), through the store as the API runs it.

Fills a fresh SQLite store (``bench._store_fill``), then times ``api.store.register.export`` -- the query
and the workbook -- a few times, and checks the file: one row per case, no formula anywhere.

Run: ``.venv/bin/python -m bench.bench_register [--cases 10000] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from api.store import db
from api.store.access import CLI
from api.store.register import export
from bench._store_fill import fill

TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url, seconds = fill(Path(folder), args.cases)
        print(f"stored {args.cases} cases with decisions in {seconds:.1f} s")
        engine = db.make_engine(url)
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            with db.new_session(engine) as session:
                data, count = export(session=session, year=2024, principal=CLI)
            times.append(time.perf_counter() - started)
        engine.dispose()
    archive = zipfile.ZipFile(io.BytesIO(data))
    formulas = sum(archive.read(name).count(b"<f>") for name in archive.namelist() if name.endswith(".xml"))
    median = statistics.median(times)
    print(
        f"register of {count} cases: {len(data) / 1e6:.1f} MB; seconds per export {', '.join(f'{t:.2f}' for t in times)}"
    )
    print(f"median {median:.2f} s (target <= {TARGET_SECONDS:.0f} s); formulas in the file: {formulas}")
    return 0 if median <= TARGET_SECONDS and formulas == 0 and count == args.cases else 2


if __name__ == "__main__":
    sys.exit(main())
