"""The command line, deterministic output, the English summary, and outputs that cannot be written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx import i18n
from icx.cli.app import app
from icx.consolidate import consolidate, write_summary
from icx.core.errors import IcxError
from icx.demo.data import DemoUnit, make_unit
from icx.io.specs import columns, sheet_names

from .conftest import AS_OF, PERIOD, Run, write_unit

GENERATED = dt.datetime(2027, 1, 2, 3, 4, 5)


def all_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def test_same_inputs_same_cells_whatever_the_order_or_jobs(batch_run: Run, tmp_path: Path) -> None:
    files = sorted(batch_run.batch.folder.rglob("*.xlsx"))  # the lock file too: listed as skipped either way
    random.Random(7).shuffle(files)
    again = consolidate(
        files,
        as_of=AS_OF,
        period=PERIOD,
        roster=batch_run.batch.roster,
        jobs=1,
        generated=dt.datetime(2026, 12, 31, 9, 0, 0),
    )
    second = write_summary(again, tmp_path / "again.xlsx")
    first_values, second_values = all_values(batch_run.summary), all_values(second)
    assert first_values == second_values


def test_english_summary(batch_run: Run, tmp_path: Path) -> None:
    target = write_summary(batch_run.result, tmp_path / "en.xlsx", "en")
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == sheet_names("overview")[1]
    labels = [r[0] for r in wb[sheet_names("overview")[1]].iter_rows(values_only=True)]
    for entry in i18n.section("figures").values():
        assert entry["en"] in labels
    header = [c.value for c in wb[sheet_names("deficiencies")[1]][1]]
    assert header[: len(columns("deficiencies"))] == [s.en for s in columns("deficiencies")]


def test_output_that_cannot_be_replaced_is_a_clear_error(batch_run: Run, tmp_path: Path) -> None:
    blocked = tmp_path / "committee.xlsx"
    blocked.mkdir()
    (blocked / "keep").write_text("x")
    with pytest.raises(IcxError) as caught:
        write_summary(batch_run.result, blocked)
    assert caught.value.problem.code == "output_locked"
    assert [p.name for p in tmp_path.iterdir()] == ["committee.xlsx"]  # no temp file left behind


def test_cli_runs_writes_and_exits_1_on_findings(batch_run: Run, tmp_path: Path) -> None:
    out = tmp_path / "委员会汇总.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "consolidate",
            str(batch_run.batch.folder),
            "-o",
            str(out),
            "--roster",
            str(batch_run.batch.roster),
            "--period",
            PERIOD,
            "--as-of",
            AS_OF.isoformat(),
            "--jobs",
            "2",
            "--feedback",
            str(tmp_path / "fb"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert out.exists() and len(list((tmp_path / "fb").glob("*-反馈.xlsx"))) == len(batch_run.feedback)
    assert "应报单位数" in result.output and "FB099" in result.output
    # The CLI gives the library's figures.
    overview = {r[0]: r[1] for r in openpyxl.load_workbook(out)[sheet_names("overview")[0]].iter_rows(values_only=True)}
    for key, value in batch_run.result.figures.items():
        assert overview[i18n.section("figures")[key]["zh"]] == value


CLEAN_PLAN = {
    "treatment_deadline": dt.date(2027, 6, 30),
    "treatment_status": "实施中",
    "decision": "同意",
    "sign_off_date": dt.date(2026, 3, 1),
    "minutes_ref": "内控委〔2026〕1号",
    "next_review": dt.date(2027, 12, 31),
}


def clean_unit(index: int) -> DemoUnit:
    """A demo unit with nothing to report: one duty per post, one person per post, no payment log,
    every checklist item 符合, every risk's treatment planned and signed off."""
    unit = make_unit(index)
    unit.risks = [dataclasses.replace(r, treatment=dict(CLEAN_PLAN)) for r in unit.risks]
    duties = sorted({row["duty"] for row in unit.post_duties})
    keep = ("item_id", "area", "focus", "criterion", "method", "effectiveness", "weight")
    return dataclasses.replace(
        unit,
        duty_rules=[],
        transactions=[],
        controls=[],
        post_duties=[{"post": f"岗位{i}", "duty": duty} for i, duty in enumerate(duties)],
        person_posts=[
            {"person": f"人员{i}", "employee_id": f"{i:04d}", "post": f"岗位{i}"} for i in range(len(duties))
        ],
        evaluation=[{**{k: row[k] for k in keep if k in row}, "result": "符合"} for row in unit.evaluation],
    )


def test_cli_clean_batch_exits_0_and_output_in_input_folder_is_not_read(tmp_path: Path) -> None:
    for i in range(2):
        unit = clean_unit(i)
        write_unit(unit, tmp_path / f"{unit.code}.xlsx")
    runner = CliRunner()
    args = ["consolidate", str(tmp_path), "-o", str(tmp_path / "committee.xlsx"), "-j", "1"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)  # committee.xlsx now sits among the inputs
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    overview = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(tmp_path / "committee.xlsx")[sheet_names("overview")[0]].iter_rows(
            values_only=True
        )
    }
    assert overview[i18n.section("figures")["units_received"]["zh"]] == 2
    assert overview[i18n.section("figures")["evaluation_score"]["zh"]] == 100


def test_cli_nothing_to_read_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["consolidate", str(tmp_path / "nothing"), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 2
    assert not (tmp_path / "c.xlsx").exists()


def test_cli_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["consolidate", str(tmp_path), "--as-of", "31/12/2026"])
    assert result.exit_code == 2


def test_demo_ends_with_the_committee_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "demo"), "--units", "3"])
    assert result.exit_code == 0, result.output
    summary = tmp_path / "demo" / "committee.xlsx"
    wb = openpyxl.load_workbook(summary)
    overview = {r[0]: r[1] for r in wb[sheet_names("overview")[0]].iter_rows(values_only=True)}
    assert overview[i18n.section("figures")["units_received"]["zh"]] == 3
    assert len(list((tmp_path / "demo" / "feedback").glob("*-反馈.xlsx"))) == 3


def test_roster_inside_the_input_folder_is_not_read_as_a_unit(tmp_path: Path) -> None:
    for i in range(2):
        unit = clean_unit(i)
        write_unit(unit, tmp_path / f"{unit.code}.xlsx")
    roster = openpyxl.Workbook()
    ws = roster.active
    ws.append([columns("unit_info")[1].zh, columns("unit_info")[0].zh])
    for i in range(2):
        unit = clean_unit(i)
        ws.append([unit.code, unit.name])
    roster.save(tmp_path / "单位名单.xlsx")
    result = CliRunner().invoke(
        app,
        [
            "consolidate",
            str(tmp_path),
            "-o",
            str(tmp_path / "out" / "c.xlsx"),
            "-j",
            "1",
            "--roster",
            str(tmp_path / "单位名单.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    overview = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(tmp_path / "out" / "c.xlsx")[sheet_names("overview")[0]].iter_rows(
            values_only=True
        )
    }
    figures = i18n.section("figures")
    assert overview[figures["units_received"]["zh"]] == 2
    assert overview[figures["units_with_errors"]["zh"]] == 0
