"""Exit status and ending cleanly, with real processes: an output that is an input is refused, a
disk that fills up while writing is exit 2 with a message and no partial file, and SIGTERM and
Ctrl-C end the workers, remove temp files and exit 2."""

from __future__ import annotations

import dataclasses
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook

runner = CliRunner()
ICX = [sys.executable, "-c", "from icx.cli.app import main; main()"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixteen unit workbooks (copies of two, under their own codes)."""
    root = tmp_path_factory.mktemp("units")
    first = write_unit_workbook(make_unit(0), root / "FB001.xlsx")
    import openpyxl

    for i in range(2, 17):
        target = root / f"FB{i:03d}.xlsx"
        shutil.copy(first, target)
        wb = openpyxl.load_workbook(target)
        ws = wb["单位信息"]
        for row in ws.iter_rows():
            if row[0].value == "单位编码":
                row[1].value = f"FB{i:03d}"
        wb.save(target)
    return root


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def test_output_that_is_an_input_is_refused(folder: Path) -> None:
    target = folder / "FB001.xlsx"
    before = target.read_bytes()
    result = runner.invoke(build_app(), ["consolidate", str(folder), "-o", str(target), "-j", "1"])
    assert result.exit_code == 2
    assert "输出文件不能是输入的单位工作簿之一" in result.output
    assert target.read_bytes() == before


def test_output_among_the_inputs_is_skipped_next_time(folder: Path, tmp_path: Path) -> None:
    work = tmp_path / "in"
    shutil.copytree(folder, work)
    for _ in range(2):  # the second run finds the first run's summary among the inputs
        result = runner.invoke(build_app(), ["consolidate", str(work), "-o", str(work / "汇总.xlsx"), "-j", "1"])
        assert result.exit_code in (0, 1), result.output
    from icx.consolidate import consolidate

    c = consolidate([work])
    assert [f.reason for f in c.accounting.skipped] == ["icx_output"]
    assert len(c.units) == 16


def _limit_file_size() -> None:
    # A real write failure: files may not grow past 64 KB (EFBIG instead of the signal).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_disk_full_while_writing_is_exit_2_with_no_partial_file(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [*ICX, "consolidate", str(folder), "-o", str(out / "汇总.xlsx"), "-j", "1"],
        capture_output=True,
        text=True,
        env=_env(),
        preexec_fn=_limit_file_size,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "无法写入输出文件" in proc.stderr
    assert list(out.iterdir()) == []  # neither the summary nor a temp file


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stop_while_reading_ends_the_workers(folder: Path, tmp_path: Path, stop: signal.Signals) -> None:
    """SIGTERM and Ctrl-C end a run alike: exit 2, "已终止", no traceback, no worker left. Ctrl-C
    in a terminal reaches the whole process group: the workers ignore it, the parent stops them."""
    proc = subprocess.Popen(
        [*ICX, "consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.02)
    assert workers, "no worker was started"
    if stop == signal.SIGINT:
        for pid in [proc.pid, *workers]:  # as a terminal sends it
            os.kill(pid, signal.SIGINT)
    else:
        proc.send_signal(stop)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "已终止" in err and "Aborted" not in err
    time.sleep(0.2)
    assert not [w for w in workers if _alive(w)]
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_sigterm_while_writing_leaves_no_temp_file(folder: Path, tmp_path: Path) -> None:
    feedback = tmp_path / "fb"
    proc = subprocess.Popen(
        [*ICX, "consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "-f", str(feedback), "-j", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    deadline = time.monotonic() + 120
    seen = False
    while time.monotonic() < deadline and proc.poll() is None:
        if feedback.exists() and any(p.name.endswith(".tmp") for p in feedback.iterdir()):
            seen = True
            break
        time.sleep(0.005)
    assert seen, "no temp file was seen being written"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert not [p for p in feedback.iterdir() if p.name.endswith(".tmp")]


def test_copies_keep_the_first_unit_distinct(folder: Path) -> None:
    from icx.consolidate import consolidate

    c = consolidate([folder])
    assert len(c.units) == 16 and not c.accounting.not_counted
    assert dataclasses.is_dataclass(c.accounting)
