"""`icx check conflicts` end to end: the checked copy holds a 冲突清单 equal to the library's
result, the exit status gates a batch, the input is never touched."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from icx.cli.app import app
from icx.io.duties import check_conflicts
from icx.io.grid import load_grid
from icx.io.specs import columns

from .checkbook import build

runner = CliRunner()
POSTS = [{"post": "出纳岗", "duty": "出纳"}, {"post": "会计岗", "duty": "会计记账"}]
CLASH = [
    {"person": "赵磊", "employee_id": "7", "post": "出纳岗"},
    {"person": "赵磊", "employee_id": "7", "post": "会计岗"},
]
CLEAN = [
    {"person": "赵磊", "employee_id": "7", "post": "出纳岗"},
    {"person": "钱多", "employee_id": "8", "post": "会计岗"},
]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_rows(path: Path, title: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[title]
    return [row for row in ws.iter_rows(values_only=True)]


def test_conflicts_give_exit_1_and_a_conflict_sheet_equal_to_the_library(tmp_path):
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=CLASH)
    before = sha(source)
    result = runner.invoke(app, ["check", "conflicts", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1, result.output
    assert "SZ-03" in result.output and "赵磊" in result.output
    assert sha(source) == before
    rows = sheet_rows(tmp_path / "out.xlsx", "冲突清单")
    keys = [s.key for s in columns("conflicts")]
    assert list(rows[0][: len(keys)]) == [s.zh for s in columns("conflicts")]
    expected = check_conflicts(load_grid(source), file=str(source)).conflicts
    written = [dict(zip(keys, row[: len(keys)])) for row in rows[1:] if row[0]]
    assert [(w["person"], w["rule_id"], w["duty_a"], w["duty_b"], w["kind"]) for w in written] == [
        (c.person, c.rule_id, c.duty_a, c.duty_b, c.kind_label()) for c in expected
    ]
    assert written[0]["employee_id"] == "7" and written[0]["area"] == "收支" and written[0]["severity"] == "高"
    # counts by area beside the table, after an empty column
    counts = {row[len(keys) + 1]: row[len(keys) + 2] for row in rows[1:] if row[len(keys) + 1]}
    assert counts["收支"] == 1 and counts["合计"] == 1 and counts["预算"] == 0
    assert set(openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames) >= {"不相容岗位", "冲突清单"}


def test_no_conflicts_give_exit_0_and_an_empty_list(tmp_path):
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=CLEAN)
    result = runner.invoke(app, ["check", "conflicts", str(source)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "unit.conflicts.xlsx"
    rows = sheet_rows(out, "冲突清单")
    assert all(v is None for row in rows[1:] for v in row[:14])
    assert "问题清单" not in openpyxl.load_workbook(out).sheetnames


def test_english_labels(tmp_path):
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=CLASH)
    result = runner.invoke(app, ["check", "conflicts", str(source), "--lang", "en", "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    rows = sheet_rows(tmp_path / "out.xlsx", "Conflicts")
    assert rows[0][0] == "Person" and rows[1][9] == "High" and "Output:" in result.output


def test_bad_cells_are_listed_on_a_problem_sheet_with_their_cells(tmp_path):
    people = CLEAN + [{"person": "孙丽", "employee_id": "9", "post": "会计岗", "date_from": "某天"}]
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=people)
    result = runner.invoke(app, ["check", "conflicts", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1 and "不相容岗位!G6" in result.output
    problems = sheet_rows(tmp_path / "out.xlsx", "问题清单")
    assert problems[1][1:3] == ("不相容岗位", "G6")


def test_a_workbook_with_nothing_to_check_gives_exit_2(tmp_path):
    source = build(tmp_path / "unit.xlsx", evaluation=[])
    result = runner.invoke(app, ["check", "conflicts", str(source)])
    assert result.exit_code == 2 and not (tmp_path / "unit.conflicts.xlsx").exists()


def test_an_unreadable_file_gives_exit_2(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert runner.invoke(app, ["check", "conflicts", str(bad)]).exit_code == 2


def test_the_output_may_not_overwrite_the_input(tmp_path):
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=CLASH)
    before = sha(source)
    result = runner.invoke(app, ["check", "conflicts", str(source), "-o", str(source)])
    assert result.exit_code == 2 and sha(source) == before


def test_text_from_the_unit_stays_text(tmp_path):
    people = [
        {"person": '=HYPERLINK("x")', "employee_id": "7", "post": "出纳岗"},
        {"person": '=HYPERLINK("x")', "employee_id": "7", "post": "会计岗", "date_from": dt.date(2026, 1, 1)},
    ]
    source = build(tmp_path / "unit.xlsx", post_duties=POSTS, person_posts=people)
    wb = openpyxl.load_workbook(source)
    for row in wb["不相容岗位"].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(source)
    runner.invoke(app, ["check", "conflicts", str(source), "-o", str(tmp_path / "out.xlsx")])
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx")["冲突清单"]["A2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
