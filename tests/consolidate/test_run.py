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
