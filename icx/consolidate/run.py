"""Read many unit workbooks in parallel worker processes and consolidate them.

Files go to a ``ProcessPoolExecutor`` through a bounded window (a few tasks per worker in
flight), and results come back in input order, so memory holds only the compact results and
a handful of files being read, whether there are ten units or ten thousand.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from icx.consolidate.inputs import Skipped, find_inputs, is_inside
from icx.consolidate.model import Consolidation, build
from icx.consolidate.records import UnitResult
from icx.consolidate.roster import Roster, read_roster
from icx.consolidate.worker import WorkerOptions, fallback_methodology, read_unit
from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology
from icx.io.outputs import output_kind

IN_FLIGHT_PER_WORKER = 4  # tasks queued per worker: enough to keep it busy, few to hold
CHUNK_FILES = 4  # files per task at most


def default_jobs() -> int:
    """One worker per available CPU (at most 32)."""
    try:
        count = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        count = os.cpu_count() or 1
    return max(1, min(32, count))


def worker_init() -> None:
    """In each worker: SIGTERM kills it at once and Ctrl-C (sent to the whole terminal's process
    group) is ignored; a forked worker would otherwise inherit the parent's handler, which raises
    inside a task. The parent stops its workers itself when it is ended."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End ``pool``'s workers now (Ctrl-C, SIGTERM): queued tasks cancelled, running ones killed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # CPython keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds with icx already imported; elsewhere (Windows,
    # macOS) spawn is the safe choice.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def read_units(paths: Sequence[Path | str], options: WorkerOptions, *, jobs: int = 1) -> Iterator[UnitResult]:
    """Yield one ``UnitResult`` per path, in the order of ``paths``.

    Files go to the workers a few at a time (``CHUNK_FILES``): each task costs the parent
    process some work, and that work takes CPU from the workers. Near the end the chunks shrink
    to single files, so the workers finish together rather than one waiting on the other's
    last chunk.

    A file that kills its worker process (a parser crash, out of memory) breaks the pool: a new
    pool is started and the files that were in flight are read again one at a time, so the one
    to blame is reported and the others are read normally.
    """
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield read_unit(path, options)
        return
    workers = min(jobs, len(paths))
    chunk = max(1, min(CHUNK_FILES, len(paths) // (workers * IN_FLIGHT_PER_WORKER)))
    queue: deque[int] = deque(range(len(paths)))
    suspects: set[int] = set()  # in flight when a worker died; re-read alone
    ready: dict[int, UnitResult] = {}
    next_out = 0
    while queue:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=worker_init)
        try:
            pending: deque[tuple[list[int], Future[list[UnitResult]]]] = deque()
            while queue or pending:
                window = 1 if queue and queue[0] in suspects else workers * IN_FLIGHT_PER_WORKER
                broken = False
                while queue and len(pending) < window and not (pending and queue[0] in suspects):
                    batch = _next_batch(queue, min(chunk, max(1, len(queue) // (2 * workers))), suspects)
                    try:
                        future = pool.submit(_read_chunk, [str(paths[i]) for i in batch], options)
                    except BrokenProcessPool:
                        queue.extendleft(reversed(batch))
                        broken = True
                        break
                    pending.append((batch, future))
                if broken and not pending:
                    break  # died between two files: start a new pool, nothing was lost
                batch, future = pending.popleft()
                try:
                    for i, result in zip(batch, future.result()):
                        ready[i] = result
                except BrokenProcessPool:
                    broken = True
                except Exception as exc:  # noqa: BLE001 — never stop the batch
                    for i in batch:
                        ready[i] = _failed(str(paths[i]), exc)
                if broken:
                    in_flight = batch + [j for waiting, _ in pending for j in waiting]
                    pending.clear()
                    if len(in_flight) == 1 and in_flight[0] in suspects:
                        ready[in_flight[0]] = _crashed(str(paths[in_flight[0]]))  # read alone: it is the one
                        in_flight = []
                    suspects.update(in_flight)
                    queue.extendleft(reversed(in_flight))  # read again, in order, one at a time
                while next_out in ready:
                    yield ready.pop(next_out)
                    next_out += 1
                if broken:
                    break  # this pool is dead; start a new one
        except BaseException:
            stop_workers(pool)  # Ctrl-C, SIGTERM, a consumer gone: no worker outlives the run
            raise
        else:
            pool.shutdown(wait=True)
    while next_out in ready:
        yield ready.pop(next_out)
        next_out += 1


def _next_batch(queue: deque[int], size: int, suspects: set[int]) -> list[int]:
    """Up to ``size`` files from the front of ``queue``; a suspect goes alone."""
    if queue[0] in suspects:
        return [queue.popleft()]
    batch: list[int] = []
    while queue and len(batch) < size and queue[0] not in suspects:
        batch.append(queue.popleft())
    return batch


def _read_chunk(paths: list[str], options: WorkerOptions) -> list[UnitResult]:
    """Runs in a worker: the results of a few files (``read_unit`` never raises; a bug that
    still does is that file's problem, not the batch's)."""
    out = []
    for path in paths:
        try:
            out.append(read_unit(path, options))
        except Exception as exc:  # noqa: BLE001
            out.append(_failed(path, exc))
    return out


def _failed(path: str, exc: BaseException) -> UnitResult:
    return UnitResult(
        file=path,
        problems=[
            Problem.of("consolidate_internal_error", params={"detail": f"{type(exc).__name__}: {exc}"}, file=path)
        ],
    )


def _crashed(path: str) -> UnitResult:
    return UnitResult(file=path, problems=[Problem.of("consolidate_worker_crashed", file=path)])


def consolidate(
    inputs: Iterable[str | Path],
    *,
    as_of: dt.date | None = None,
    period: str | None = None,
    roster: str | Path | Roster | None = None,
    methodology_file: str | Path | None = None,
    jobs: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[UnitResult], None] | None = None,
    generated: dt.datetime | None = None,
    exclude: Iterable[str | Path] = (),
    record_history: bool = False,
    duplicates: str = "list",
) -> Consolidation:
    """Expand ``inputs``, read every workbook (in ``jobs`` processes) and consolidate.

    ``on_start(n)`` is told how many files will be read; ``on_result`` sees each result as it
    arrives (the CLI's progress bar). ``exclude`` names outputs (the summary file) that must not
    be read back as units when they sit among the inputs: an earlier output there is skipped, a
    file that is no icx output is refused (``IcxError``: it would be overwritten). ``record_history``
    keeps what the history store needs (``history_records``). ``duplicates``: "list" (files
    claiming one unit are not counted until resolved) or "latest" (the latest is counted).

    Raises ``IcxError`` for a broken ``methodology_file``, and when no ``period`` is given and
    the files read name several periods (never guess which one is meant).
    """
    as_of_given = as_of is not None
    as_of = as_of or dt.date.today()
    found = find_inputs(inputs)
    problems = found.problems
    # The roster often sits in the folder of unit workbooks, and this run's outputs may too:
    # found, skipped, and counted as skipped.
    roster_file = [roster] if isinstance(roster, (str, Path)) else []
    exclude = list(exclude)
    paths: list[Path] = []
    skipped = list(found.skipped)
    for path in found.files:
        if roster_file and is_inside(path, roster_file):
            skipped.append(Skipped(str(path), "roster"))
        elif exclude and is_inside(path, exclude):
            if Path(path).is_file() and output_kind(path) is None:
                # Writing there would overwrite a unit's file (inputs are never modified).
                raise IcxError(Problem.of("consolidate_output_is_input", file=str(path)))
            skipped.append(Skipped(str(path), "icx_output"))  # an earlier output of this run
        else:
            paths.append(path)
    methodology: Methodology = fallback_methodology(str(methodology_file) if methodology_file else None)
    roster_obj = read_roster(roster) if isinstance(roster, (str, Path)) else roster
    options = WorkerOptions(
        as_of=as_of,
        period=period,
        methodology_file=str(methodology_file) if methodology_file else None,
        record_history=record_history,
    )
    if on_start is not None:
        on_start(len(paths))
    results: list[UnitResult] = []
    for result in read_units(paths, options, jobs=jobs):
        results.append(result)
        if on_result is not None:
            on_result(result)
    if not paths:
        problems.append(Problem.of("consolidate_no_inputs"))
    result = build(
        results,
        as_of=as_of,
        roster=roster_obj,
        period=period,
        methodology=methodology,
        input_problems=problems,
        generated=generated,
        skipped=skipped,
        duplicates=duplicates,
    )
    result.as_of_given = as_of_given
    if period is None and len(result.accounting.periods_found) > 1:
        raise IcxError(
            Problem.of("consolidate_periods_several", params={"periods": "、".join(result.accounting.periods_found)})
        )
    return result
