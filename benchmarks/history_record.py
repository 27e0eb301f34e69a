"""Benchmark: what recording a period in the history store adds to `icx consolidate`.

Runs ``icx consolidate DIR -o committee.xlsx --period 2026`` and the same with ``--db`` (a fresh
SQLite file each time, or ``--url`` for a PostgreSQL database, emptied between runs), taking
turns, ``--repeat`` times each; the best wall time of each counts. Target: ≤ 1.20 (issue 19).

    python benchmarks/history_record.py                 # 200 units
    python benchmarks/history_record.py --units 2000 --repeat 2 --dir /tmp/bench-2000
    python benchmarks/history_record.py --url postgresql://icx:icx@127.0.0.1/icx_bench
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from consolidate import generate  # noqa: E402

from icx.consolidate.run import default_jobs  # noqa: E402

TARGET = 1.20


def run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="keep the generated workbooks here")
    parser.add_argument("--url", default=None, help="a PostgreSQL URL instead of a SQLite file")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="icx-history-bench-"))
    folder = opts.dir or work / "units"
    paths = sorted(folder.glob("*.xlsx")) if folder.exists() else []
    if len(paths) != opts.units:
        paths = generate(folder, opts.units, default_jobs())
    icx = str(Path(sys.executable).with_name("icx"))
    base = [icx, "consolidate", str(folder), "-o", str(work / "committee.xlsx"), "--period", "2026"]
    plain, recorded = [], []
    for n in range(opts.repeat):
        plain.append(run(base))
        if opts.url:
            from icx.io.history_store import open_store

            with open_store(opts.url) as store:
                store.delete("2026")
            target = opts.url
        else:
            target = str(work / f"history-{n}.db")
        recorded.append(run([*base, "--db", target]))
    ratio = min(recorded) / min(plain)
    print(f"{opts.units} units, best of {opts.repeat}: consolidate {min(plain):.2f} s, with --db {min(recorded):.2f} s")
    verdict = "OK" if ratio <= TARGET else "MISSED"
    print(f"recording adds {100 * (ratio - 1):+.1f} % (target ≤ {100 * (TARGET - 1):.0f} %) {verdict}")


if __name__ == "__main__":
    main()
