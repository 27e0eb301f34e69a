"""INPUTS expansion (files, folders, globs, lock files) and the roster."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from icx.consolidate.inputs import expand_inputs
from icx.consolidate.roster import read_roster


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_folders_recursive_globs_and_lock_files(tmp_path: Path) -> None:
    a = touch(tmp_path / "in" / "a.xlsx")
    b = touch(tmp_path / "in" / "sub" / "deep" / "b.XLSM")
    touch(tmp_path / "in" / "~$a.xlsx")
    touch(tmp_path / "in" / ".~lock.a.xlsx#")
    touch(tmp_path / "in" / "notes.txt")
    c = touch(tmp_path / "other" / "c.xlsx")
    old = touch(tmp_path / "old.xls")
    paths, problems = expand_inputs([tmp_path / "in", str(tmp_path / "oth*" / "*.xlsx"), old, a])
    assert paths == [a, b, c, old]  # folder sorted, glob, explicit file kept whatever its suffix; a once
    assert problems == []


def test_inputs_that_match_nothing_are_reported(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    paths, problems = expand_inputs([tmp_path / "empty", tmp_path / "nope.xlsx", str(tmp_path / "*.xlsm")])
    assert paths == []
    assert [p.code for p in problems] == [
        "consolidate_no_workbooks",
        "consolidate_input_missing",
        "consolidate_no_match",
    ]
    assert problems[1].severity == "error" and problems[0].severity == "warning"


def test_roster_with_title_rows_english_headers_and_repeats(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年度内部控制报送单位名单"])
    ws.append([])
    ws.append(["Unit code", "Unit name", "Contact", "Email"])
    ws.append(["FB002", "国库支付中心", "李强", "fb002@example.gov.cn"])
    ws.append(["FB001", "财政局机关", "王敏", "fb001@example.gov.cn"])
    ws.append([None, "no code", None, None])
    ws.append(["FB001", "again", None, None])
    wb.save(tmp_path / "roster.xlsx")
    roster = read_roster(tmp_path / "roster.xlsx")
    assert [e.unit_code for e in roster.entries] == ["FB001", "FB002"]
    assert roster.get("FB001").email == "fb001@example.gov.cn"
    assert [(p.code, p.cell) for p in roster.problems] == [("consolidate_roster_duplicate", "A7")]


def test_unreadable_roster_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "roster.xlsx").write_text("not a zip")
    roster = read_roster(tmp_path / "roster.xlsx")
    assert roster.entries == [] and roster.problems[0].code == "file_not_xlsx"


def test_a_file_broken_in_every_row_keeps_memory_bounded(tmp_path: Path) -> None:
    import datetime as dt

    from icx.consolidate.worker import MAX_PROBLEMS_PER_FILE, WorkerOptions, read_unit

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "风险清单"
    ws.append(["风险编号", "业务领域", "风险描述", "评估人1可能性", "评估人1影响程度"])
    for i in range(1500):
        ws.append([f"R{i}", "火星", "x", "很高吧", "巨大"])
    wb.save(tmp_path / "bad.xlsx")
    result = read_unit(tmp_path / "bad.xlsx", WorkerOptions(as_of=dt.date(2026, 1, 1)))
    assert len(result.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert result.problems[-1].code == "consolidate_problems_truncated"
    assert all(p.severity == "error" for p in result.problems[:-1])


def test_outputs_among_the_inputs_are_left_out(tmp_path: Path) -> None:
    from icx.consolidate.inputs import paths_outside

    (tmp_path / "反馈").mkdir()
    (tmp_path / "反馈2").mkdir()  # shares the excluded folder's name as a prefix: kept
    files = [
        tmp_path / "A.xlsx",
        tmp_path / "committee.xlsx",
        tmp_path / "反馈" / "A-反馈.xlsx",
        tmp_path / "反馈2" / "B.xlsx",
    ]
    for f in files:
        f.write_bytes(b"x")
    link = tmp_path / "link.xlsx"
    link.symlink_to(tmp_path / "committee.xlsx")  # the output under another name: left out too
    kept = paths_outside([*files, link], [tmp_path / "committee.xlsx", tmp_path / "反馈"])
    assert kept == [tmp_path / "A.xlsx", tmp_path / "反馈2" / "B.xlsx"]
    assert paths_outside(files, []) == files
