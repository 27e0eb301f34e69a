"""Benchmark: `icx consolidate` on N unit workbooks against the raw read floor and a naive loop.

Generates N full demo unit workbooks (the standard template filled in, as `icx demo` writes
them: register, seven control matrices, duties, payment log, self-evaluation, settings), then
measures in one run:

1. floor — python-calamine reading every sheet of every file into Python values, nothing else
   done (no validation, no scoring, no output): in one process (the floor the targets are set
   against), and in as many processes as icx uses (``--jobs``), the files shared between them;
2. naive — a ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` loop over the files
   (what a hand-written script does), again nothing else;
3. ``icx consolidate DIR -o committee.xlsx`` as a subprocess (interpreter start-up, reading,
   validating, scoring with each unit's methodology, writing the summary), with --jobs as given.

Both floors and icx are timed ``--repeat`` times (default 5), taking turns, and the best time of
each counts, as timeit does: a shared machine only ever adds time. The naive loop, minutes
long, runs once, first. CPU seconds per file (user + system, of every process involved, best
run) show the work done apart from how it is spread over the CPUs.

    python benchmarks/consolidate.py              # 200 units
    python benchmarks/consolidate.py --large      # 2,000 units
    python benchmarks/consolidate.py --units 500 --jobs 2 --dir /tmp/bench-units
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine

from icx.consolidate.run import default_jobs
from icx.demo.data import make_unit

# Runs icx and prints its wall time (from starting its process to its exit, so the wrapper's
# own interpreter start-up is not counted against icx), the CPU seconds of icx and its workers,
# and the peak memory of the largest process below it (icx or one of its workers).
PEAK_WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); t = time.perf_counter() - t; "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); print(t, u.ru_utime + u.ru_stime, u.ru_maxrss)"
)
TARGET_200, TARGET_2000, NAIVE_TARGET = 1.6, 1.3, 10  # icx / one-process floor; naive / icx
DISTINCT = 200  # unit workbooks the demo writes; beyond these, copies under other codes (``generate``)


def _write(args: tuple[int, str]) -> str:
    index, folder = args
    from icx.demo.workbooks import write_unit_workbook

    unit = make_unit(index)
    return str(write_unit_workbook(unit, Path(folder) / f"{unit.code}.xlsx"))


def generate(folder: Path, count: int, jobs: int) -> list[Path]:
    """``count`` unit workbooks in ``folder``: the first ``DISTINCT`` written by the demo (about
    2.5 CPU seconds each: the template is built and filled with openpyxl), the rest copies of
    them under the codes and names of further demo units (``_copy``), so 2,000 units take
    minutes rather than most of an hour. Every file is a complete demo unit; copies share
    their source's risks, which costs icx as much to read as any other unit."""
    folder.mkdir(parents=True, exist_ok=True)
    written = min(count, DISTINCT)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        paths = [Path(p) for p in pool.map(_write, [(i, str(folder)) for i in range(written)], chunksize=8)]
        copies = [(str(paths[i % written]), i % written, i, str(folder)) for i in range(written, count)]
        paths += [Path(p) for p in pool.map(_copy, copies, chunksize=16)]
    return paths


def _copy(args: tuple[str, int, int, str]) -> str:
    """The workbook of demo unit ``source`` rewritten as unit ``index``: its code and name changed
    in the sheets' text (the demo writes them as inline strings), every other part as it was."""
    path, source, index, folder = args
    old, new = make_unit(source), make_unit(index)
    swaps = [(f">{old.code}<".encode(), f">{new.code}<".encode()), (f">{old.name}<".encode(), f">{new.name}<".encode())]
    target = Path(folder) / f"{new.code}.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                for before, after in swaps:
                    data = data.replace(before, after)
            dst.writestr(info.filename, data)
    return str(target)


def floor(paths: list[Path]) -> int:
    """Cells read by python-calamine from every sheet of ``paths``, in this process."""
    cells = 0
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        book.close()
    return cells


def floor_parallel(paths: list[Path], jobs: int) -> int:
    """``floor`` with the files shared between ``jobs`` processes, four per task as icx does."""
    chunks = [paths[i : i + 4] for i in range(0, len(paths), 4)]
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return sum(pool.map(floor, chunks))


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_cpu(fn, *args):  # type: ignore[no-untyped-def]
    """``fn(*args)``, its wall seconds and its CPU seconds (children included)."""
    cpu, start = cpu_seconds(), time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start, cpu_seconds() - cpu


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
    parser.add_argument("--repeat", type=int, default=5, help="runs of the floors and of icx; the best counts")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive loop (minutes long)")
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
        t_naive = float("nan")
        if not args.no_naive:
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
        # The floors and icx take turns, so a shared machine's slow spells fall on all alike.
        best = {"floor": (float("inf"), 0.0), "floor_n": (float("inf"), 0.0), "icx": (float("inf"), 0.0)}
        peak, cells = 0.0, 0
        repeat = max(1, args.repeat)

        def keep(name: str, wall: float, cpu: float) -> None:
            if wall < best[name][0]:
                best[name] = (wall, cpu)

        for _ in range(repeat):
            cells, wall, cpu = timed_cpu(floor, paths)
            keep("floor", wall, cpu)
            _, wall, cpu = timed_cpu(floor_parallel, paths, jobs)
            keep("floor_n", wall, cpu)
            (work / "committee.xlsx").unlink(missing_ok=True)
            done = subprocess.run(wrapper, capture_output=True, text=True)
            if not (work / "committee.xlsx").exists():
                raise SystemExit(f"icx consolidate failed (exit {done.returncode}):\n{done.stderr}")
            took, cpu, max_rss = done.stdout.strip().splitlines()[-1].split()
            keep("icx", float(took), float(cpu))
            peak = max(peak, int(max_rss) / 1024)  # KiB on Linux
        per_file = {name: cpu / count * 1000 for name, (_, cpu) in best.items()}
        t_floor, t_floor_n, t_icx = best["floor"][0], best["floor_n"][0], best["icx"][0]
        print(f"(best of {repeat}; CPU = user + system of every process, per file)")
        print(
            f"floor  python-calamine read, 1 process : {t_floor:7.2f} s  {per_file['floor']:5.1f} ms CPU/file  "
            f"({cells:,} cells)",
            flush=True,
        )
        print(
            f"floor  python-calamine read, {jobs} procs  : {t_floor_n:7.2f} s  {per_file['floor_n']:5.1f} ms CPU/file",
            flush=True,
        )
        print(
            f"icx    consolidate --jobs {jobs}           : {t_icx:7.2f} s  {per_file['icx']:5.1f} ms CPU/file  "
            f"(largest process {peak:.0f} MB)",
            flush=True,
        )
        target = TARGET_2000 if count >= 2000 else TARGET_200
        print(f"icx / floor (1 process)  = {t_icx / t_floor:.2f}×  (target ≤ {target}×)")
        print(f"icx / floor ({jobs} processes) = {t_icx / t_floor_n:.2f}×")
        print(f"icx / floor CPU per file = {per_file['icx'] / per_file['floor']:.2f}×")
        print(f"naive / icx = {t_naive / t_icx:.1f}×  (target ≥ {NAIVE_TARGET}×)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
