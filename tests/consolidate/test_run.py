"""The parallel driver: input order kept, a worker that dies is survived and its file named."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from icx.consolidate import run
from icx.consolidate.records import UnitResult
from icx.consolidate.worker import WorkerOptions

OPTIONS = WorkerOptions(as_of=dt.date(2026, 1, 1))


def fake_read(path: str, options: WorkerOptions) -> UnitResult:
    """Stands in for the reader: the worker process dies on crash* files."""
    name = Path(path).name
    if name.startswith("crash"):
        os._exit(3)  # what a parser segfault or the OOM killer looks like from outside
    return UnitResult(file=path, unit_code=name, readable=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_in_input_order(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    monkeypatch.setattr(run, "read_unit", fake_read)
    paths = [f"/x/{i:03d}.xlsx" for i in range(30)]
    assert [r.file for r in run.read_units(paths, OPTIONS, jobs=jobs)] == paths


def test_a_file_that_kills_its_worker_is_named_and_the_rest_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "read_unit", fake_read)
    paths = [f"/x/{i:03d}.xlsx" for i in range(12)]
    paths[5] = "/x/crash-a.xlsx"
    paths[9] = "/x/crash-b.xlsx"
    results = list(run.read_units(paths, OPTIONS, jobs=2))
    assert [r.file for r in results] == paths
    crashed = [r.file for r in results if r.problems and r.problems[0].code == "consolidate_worker_crashed"]
    assert crashed == ["/x/crash-a.xlsx", "/x/crash-b.xlsx"]
    assert all(r.readable for r in results if r.file not in crashed)


def test_files_sent_in_chunks_still_name_the_one_that_kills_its_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """With many files each task carries several; a crash in one re-reads its chunk-mates alone."""
    monkeypatch.setattr(run, "read_unit", fake_read)
    paths = [f"/x/{i:03d}.xlsx" for i in range(80)]
    for where in (0, 13, 14, 47, 79):
        paths[where] = f"/x/crash-{where}.xlsx"
    assert min(run.CHUNK_FILES, len(paths) // (2 * run.IN_FLIGHT_PER_WORKER)) > 1  # chunks really hold several
    results = list(run.read_units(paths, OPTIONS, jobs=2))
    assert [r.file for r in results] == paths
    crashed = [r.file for r in results if r.problems and r.problems[0].code == "consolidate_worker_crashed"]
    assert crashed == [p for p in paths if "crash" in p]
    assert all(r.readable and not r.problems for r in results if r.file not in crashed)


def test_a_reader_bug_is_that_files_problem_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def buggy(path: str, options: WorkerOptions) -> UnitResult:
        if path.endswith("007.xlsx"):
            raise RuntimeError("reader bug")
        return fake_read(path, options)

    monkeypatch.setattr(run, "read_unit", buggy)
    paths = [f"/x/{i:03d}.xlsx" for i in range(40)]
    results = list(run.read_units(paths, OPTIONS, jobs=2))
    assert [r.file for r in results] == paths
    assert [r.file for r in results if r.problems] == ["/x/007.xlsx"]
    assert (
        results[7].problems[0].code == "consolidate_internal_error"
        and "reader bug" in results[7].problems[0].message_en
    )
