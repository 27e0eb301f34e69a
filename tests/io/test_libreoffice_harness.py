"""The LibreOffice harness: fresh values (never stale caches), errors found, failures loud.

The timeout and missing-output cases run a stand-in executable (a shell script) in place of
soffice: what is tested is the harness's own process handling, on real processes.
"""

from __future__ import annotations

import os
import re
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from icx.io import libreoffice


def test_the_private_profile_makes_libreoffice_recalculate(tmp_path: Path) -> None:
    profile = libreoffice.seed_profile(tmp_path / "profile")
    xcu = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert re.search(r'OOXMLRecalcMode" oor:op="fuse"><value>0<', xcu)


def _stale(path: Path) -> Path:
    """A workbook whose B1 = A1*10 carries a stale cached value (999) from 'another tool'."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = 4, "=A1*10"
    ws["A2"], ws["B2"] = 0, "=1/A2"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(r"(<c r=\"B1\"[^>]*>)<f>A1\*10</f><v\s*/?>(</v>)?", r"\1<f>A1*10</f><v>999</v>", sheet)
    assert n == 1, sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert openpyxl.load_workbook(path, data_only=True).active["B1"].value == 999
    return path


@pytest.mark.libreoffice
def test_stale_values_are_recomputed_and_errors_are_found(tmp_path: Path) -> None:
    first, second = _stale(tmp_path / "stale-a.xlsx"), _stale(tmp_path / "stale-b.xlsx")
    outputs = libreoffice.recalculate([first, second], tmp_path / "out")  # several files, one soffice call
    assert [p.name for p in outputs] == ["stale-a.xlsx", "stale-b.xlsx"]
    for out in outputs:
        ws = openpyxl.load_workbook(out, data_only=True).active
        assert ws["B1"].value == 40  # recomputed, not the cached 999
        errors = libreoffice.error_cells(out)
        assert [(e.sheet, e.cell, e.value) for e in errors] == [("Sheet", "B2", "#DIV/0!")]


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_a_hung_soffice_is_killed_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 60 & echo $! > {pids}\nwait")
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: fake)
    source = tmp_path / "a.xlsx"
    openpyxl.Workbook().save(source)
    started = time.monotonic()
    with pytest.raises(libreoffice.LibreOfficeError, match="did not finish"):
        libreoffice.convert([source], tmp_path / "out", timeout=1)
    assert time.monotonic() - started < 10
    child = int(pids.read_text().strip())
    time.sleep(0.2)
    assert not _running(child)  # the grandchild died with the group


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a killed process may linger as a zombie until reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def test_an_exit_code_of_zero_without_output_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: _fake_soffice(tmp_path, "exit 0"))
    source = tmp_path / "a.xlsx"
    openpyxl.Workbook().save(source)
    with pytest.raises(libreoffice.LibreOfficeError, match="produced no xlsx for: a.xlsx"):
        libreoffice.recalculate([source], tmp_path / "out")


def test_missing_soffice_and_clashing_names_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x").mkdir()
    for folder in (tmp_path, tmp_path / "x"):
        openpyxl.Workbook().save(folder / "same.xlsx")
    with pytest.raises(libreoffice.LibreOfficeError, match="unique"):
        libreoffice.convert([tmp_path / "same.xlsx", tmp_path / "x" / "same.xlsx"], tmp_path / "out")
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    assert not libreoffice.available()
    with pytest.raises(libreoffice.LibreOfficeError, match="not installed"):
        libreoffice.to_pdf([tmp_path / "same.xlsx"], tmp_path / "out")
