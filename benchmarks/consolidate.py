"""Benchmark: `icx consolidate` on N unit workbooks against the raw read floor and a naive loop.

Generates N full demo unit workbooks (the standard template filled in, as `icx demo` writes
them: register, seven control matrices, duties, payment log, self-evaluation, settings), then
measures in one run:

1. floor — python-calamine reading every sheet of every file into Python values, one process,
   nothing else done (no validation, no scoring, no output);
2. naive — a ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` loop over the files
   (what a hand-written script does), again nothing else;
3. ``icx consolidate DIR -o committee.xlsx`` as a subprocess (interpreter start-up, reading,
   validating, scoring with each unit's methodology, writing the summary), with --jobs as given.

The floor and icx are timed ``--repeat`` times (default 5), taking turns, and the best time of
each counts, as timeit does: a shared machine only ever adds time. The naive loop, minutes
long, runs once, first.

    python benchmarks/consolidate.py              # 200 units
    python benchmarks/consolidate.py --large      # 2,000 units
    python benchmarks/consolidate.py --units 500 --jobs 2 --dir /tmp/bench-units
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine

from icx.consolidate.run import default_jobs
from icx.demo.data import make_unit

# Runs icx and prints its wall time (from starting its process to its exit, so the wrapper's
# own interpreter start-up is not counted against icx) and the peak memory of the largest
# process below it (icx or one of its workers).
PEAK_WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); t = time.perf_counter() - t; "
    "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _write(args: tuple[int, str]) -> str:
    index, folder = args
    from icx.demo.workbooks import write_unit_workbook

    unit = make_unit(index)
    return str(write_unit_workbook(unit, Path(folder) / f"{unit.code}.xlsx"))


def generate(folder: Path, count: int, jobs: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return [Path(p) for p in pool.map(_write, [(i, str(folder)) for i in range(count)], chunksize=8)]


def floor(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        book.close()
    return cells


def naive(paths: list[Path]) -> int:
    import pandas as pd

    rows = 0
    for path in paths:
        for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").values():
            rows += len(frame)
    return rows


def compile_icx() -> None:
    """Byte-compile icx as ``pip install .`` does, so every timed run starts from compiled
    modules (where PYTHONDONTWRITEBYTECODE is set, an editable install would otherwise compile
    the changed modules again on every run)."""
    import compileall

    import icx

    compileall.compile_dir(str(Path(icx.__file__).parent), quiet=1)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--large", action="store_true", help="2,000 units")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes for icx consolidate (0 = one per CPU)")
    parser.add_argument("--dir", type=Path, default=None, help="keep the generated workbooks here")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the floor and of icx; the best counts")
    args = parser.parse_args()
    count = 2000 if args.large else args.units
    jobs = args.jobs or default_jobs()
    work = Path(tempfile.mkdtemp(prefix="icx-bench-"))
    folder = args.dir or work / "units"
    try:
        paths = sorted(folder.glob("*.xlsx")) if folder.exists() else []
        if len(paths) != count:
            shutil.rmtree(folder, ignore_errors=True)
            print(f"generating {count} unit workbooks in {folder} …", flush=True)
            paths, t_gen = timed(generate, folder, count, jobs)
            print(f"  generated in {t_gen:.1f} s", flush=True)
        size = sum(p.stat().st_size for p in paths)
        print(f"{count} files, {size / 1024 / 1024:.1f} MB, {os.cpu_count()} CPUs, icx consolidate --jobs {jobs}")

        compile_icx()
        _, t_naive = timed(naive, paths)
        print(f"naive  pandas.read_excel(openpyxl) loop : {t_naive:7.2f} s", flush=True)
        icx = [
            sys.executable,
            "-m",
            "icx.cli.app",
            "consolidate",
            str(folder),
            "-o",
            str(work / "committee.xlsx"),
            "--jobs",
            str(jobs),
        ]
        # A small wrapper process runs icx (apart from the generator's processes) and reports
        # its time and peak memory.
        wrapper = [sys.executable, "-c", PEAK_WRAPPER, *icx]
        # The floor and icx take turns, so a shared machine's slow spells fall on both alike.
        t_floor, t_icx, peak, cells = float("inf"), float("inf"), 0.0, 0
        repeat = max(1, args.repeat)
        for _ in range(repeat):
            cells, took = timed(floor, paths)
            t_floor = min(t_floor, took)
            (work / "committee.xlsx").unlink(missing_ok=True)
            done = subprocess.run(wrapper, capture_output=True, text=True)
            if not (work / "committee.xlsx").exists():
                raise SystemExit(f"icx consolidate failed (exit {done.returncode}):\n{done.stderr}")
            took_icx, max_rss = done.stdout.strip().splitlines()[-1].split()
            t_icx = min(t_icx, float(took_icx))
            peak = max(peak, int(max_rss) / 1024)  # KiB on Linux
        print(
            f"floor  python-calamine read, 1 process : {t_floor:7.2f} s  ({cells:,} cells; best of {repeat})",
            flush=True,
        )
        print(
            f"icx    consolidate (read, score, write) : {t_icx:7.2f} s  (largest process {peak:.0f} MB; "
            f"best of {repeat})",
            flush=True,
        )
        print(f"icx / floor = {t_icx / t_floor:.2f}×  (target ≤ 1.5×)")
        print(f"naive / icx = {t_naive / t_icx:.1f}×  (target ≥ 5×)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
