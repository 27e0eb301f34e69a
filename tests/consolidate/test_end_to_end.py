"""Demo units plus broken files → committee summary: problems named, figures right, inputs untouched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from conflicts.frames import check_tables, frame

from icx import i18n
from icx.core import scoring
from icx.core.errors import InvalidValue
from icx.core.evaluation import evaluate
from icx.demo.data import DemoUnit
from icx.io import libreoffice
from icx.io.specs import columns, sheet_names

from .conftest import AS_OF, BAD_SCORE, FORMULA_TEXT, Run, sha, sheet_rows


def independent_levels(units: list[DemoUnit]) -> dict[int, int]:
    """Level counts straight from the core's scalar functions, risk by risk (bad rows left out)."""
    counts = {1: 0, 2: 0, 3: 0}
    for unit in units:
        for risk in unit.risks:
            try:
                lk = scoring.average([scoring.likelihood(v) for v in risk.likelihood if v is not None])
                im = scoring.average([scoring.impact(v) for v in risk.impact if v is not None])
            except InvalidValue:
                continue
            counts[scoring.risk_level(lk, im)] += 1
    return counts


def independent_checks(units: list[DemoUnit]) -> dict[str, object]:
    """Conflicts and self-evaluation figures straight from the core checkers on the demo tables."""
    conflicts, scores, open_rows = 0, [], []
    for unit in units:
        report = check_tables(
            frame(unit.post_duties),
            frame(unit.person_posts),
            duty_rules=frame(unit.duty_rules),
            controls=frame(unit.controls) if unit.controls else None,
            transactions=frame(unit.transactions) if unit.transactions else None,
        )
        conflicts += len(report.conflicts)
        result = evaluate(frame(unit.evaluation), AS_OF)
        scores.append(result.overall.percent)
        open_rows += result.open_deficiencies
    return {
        "conflicts": conflicts,
        "evaluation_score": round(sum(scores) / len(scores), 2),
        "deficiencies_open": len(open_rows),
        "deficiencies_overdue": sum(d.overdue for d in open_rows),
        "deficiencies_major_open": sum(d.grade == "major" for d in open_rows),
        "deficiencies_important_open": sum(d.grade == "important" for d in open_rows),
        "deficiencies_general_open": sum(d.grade == "general" for d in open_rows),
    }


def overview(path: Path, lang: str = "zh") -> dict[str, object]:
    labels = {entry[lang]: key for key, entry in i18n.section("figures").items()}
    return {
        labels[r[0]]: r[1]
        for r in sheet_rows(path, sheet_names("overview")[0 if lang == "zh" else 1])
        if r and r[0] in labels
    }


def test_every_file_problem_is_named(batch_run: Run) -> None:
    rows = sheet_rows(batch_run.summary, sheet_names("problems")[0])
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in ("文件", "工作表", "单元格", "问题代码", "说明", "Message")}
    by_file: dict[str, list[tuple]] = {}
    for row in body:
        by_file.setdefault(Path(row[col["文件"]] or "").name, []).append(row)
    files = batch_run.batch.files

    def codes(role: str) -> set[str]:
        return {r[col["问题代码"]] for r in by_file.get(files[role].name, [])}

    assert "sheet_missing" in codes("missing_sheet")
    assert "header_not_found" in codes("wrong_headers")
    assert "file_encrypted_or_xls" in codes("encrypted")
    assert "file_not_xlsx" in codes("truncated")
    assert "consolidate_duplicate_unit" in codes("duplicate")
    assert "consolidate_duplicate_unit" in codes("good0")
    # The bad score names its sheet and cell, and both languages say what was given.
    bad = [r for r in by_file[files["text_score"].name] if r[col["问题代码"]] == "likelihood_invalid"]
    assert len(bad) == 1
    row = bad[0]
    assert row[col["工作表"]] == sheet_names("register")[0]
    wb = openpyxl.load_workbook(files["text_score"])
    assert wb[row[col["工作表"]]][row[col["单元格"]]].value == BAD_SCORE
    assert BAD_SCORE in row[col["说明"]] and BAD_SCORE in row[col["Message"]]
    # Noise was ignored: no lock file, no text file among the inputs.
    assert not any(name.startswith("~$") or name.endswith(".txt") for name in by_file)


def test_figures_equal_the_core_computed_independently(batch_run: Run) -> None:
    b = batch_run.batch
    # FB001 sent two files: neither is counted until resolved; BAD01 has no register, BAD02's
    # register lost its headers: not counted either.
    counted = b.good[1:] + [b.text_score, b.formula]
    levels = independent_levels(counted)
    figures = overview(batch_run.summary)
    assert figures["risks_level1"] == levels[1]
    assert figures["risks_level2"] == levels[2]
    assert figures["risks_level3"] == levels[3]
    assert figures["risks_total"] == sum(levels.values())
    checked = independent_checks(counted)
    assert {k: figures[k] for k in checked} == checked
    assert checked["conflicts"] > 0 and checked["deficiencies_overdue"] > 0  # the demo data has some
    # Roster: 4 good + text_score + formula + BAD01 + BAD02 + FB099 expected; FB099 never came.
    assert figures["units_expected"] == 9
    assert figures["units_missing"] == 1
    assert figures["units_received"] == 8  # expected = received + missing
    assert figures["units_counted"] == 5  # FB002-FB004, BAD03, EQ001
    assert figures["units_not_counted"] == 3  # FB001 (two files), BAD01, BAD02
    assert figures["units_off_roster"] == 0
    # Not counted: both FB001 files, BAD01, BAD02, the encrypted and the truncated file.
    assert figures["files_not_counted"] == 6
    # Files with errors: missing sheet, wrong headers, text score, encrypted, truncated, and both
    # files claiming FB001.
    assert figures["units_with_errors"] == 7
    assert set(figures) == set(i18n.section("figures"))
    assert batch_run.result.figures == figures


def test_inputs_are_unchanged(batch_run: Run) -> None:
    for path, digest in batch_run.batch.hashes.items():
        assert sha(path) == digest, path


def test_notes_list_each_input_with_its_hash(batch_run: Run) -> None:
    rows = sheet_rows(batch_run.summary, sheet_names("summary_notes")[0])
    hashes = {r[4]: r[0] for r in rows if r and isinstance(r[4], str) and len(r[4]) == 64}
    for role, path in batch_run.batch.files.items():
        assert hashes.get(sha(path)) == str(path), role


def test_formula_text_stays_text(batch_run: Run) -> None:
    wb = openpyxl.load_workbook(batch_run.summary)
    ws = wb[sheet_names("summary_ranking")[0]]
    found = [c for row in ws.iter_rows() for c in row if c.value == FORMULA_TEXT]
    assert found and all(c.data_type == "s" for c in found)
    # And no cell anywhere in the summary is a formula.
    for sheet in wb:
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), sheet.title


def test_missing_and_duplicate_units_are_listed(batch_run: Run) -> None:
    rows = sheet_rows(batch_run.summary, sheet_names("overview")[0])
    flat = [v for r in rows for v in r if v is not None]
    assert "FB099" in flat and "未报送单位" in flat
    listed = sheet_rows(batch_run.summary, sheet_names("summary_submissions")[0])
    flat = [v for r in listed for v in r if v is not None]
    assert str(batch_run.batch.files["duplicate"]) in flat and str(batch_run.batch.files["good0"]) in flat
    assert any(isinstance(v, str) and v.startswith("重复报送（未计入）") for v in flat)
    # the printed briefing's last lines: how many, and where each list is
    c = batch_run.result
    overview = [v for r in rows for v in r if isinstance(v, str)]
    n = len(c.accounting.not_counted)
    assert n and any(v.startswith(f"未计入汇总的文件：{n} 个") and "报送情况" in v for v in overview)
    assert any(v.startswith(f"未报送的单位：{len(c.missing)} 个") and "FB099" in v and "下方" in v for v in overview)
    assert any(v.startswith("另列于本表打印页下方") and "文件与单位核对" in v for v in overview)


def test_deficiencies_sheet_header_is_the_contract(batch_run: Run) -> None:
    rows = sheet_rows(batch_run.summary, sheet_names("deficiencies")[0])
    expected = [s.zh for s in columns("deficiencies")]
    assert list(rows[0][: len(expected)]) == expected


def test_reopened_with_openpyxl_charts_and_conditional_formats(batch_run: Run) -> None:
    wb = openpyxl.load_workbook(batch_run.summary)
    expected = [
        "overview",
        "summary_unit_risks",
        "summary_heatmap",
        "summary_level1",
        "conflicts",
        "summary_evaluation",
        "summary_basic_evaluation",
        "deficiencies",
        "summary_posts_authority",
        "summary_treatment",
        "summary_sign_off",
        "summary_ranking",  # the appendix from here (icx.consolidate.pack)
        "summary_findings",
        "summary_submissions",
        "problems",
        "summary_notes",
    ]
    assert wb.sheetnames == [sheet_names(k)[0] for k in expected]
    unit_risks = wb[sheet_names("summary_unit_risks")[0]]
    assert len(unit_risks._charts) == 1
    assert unit_risks.freeze_panes == "A2" and unit_risks.auto_filter.ref.startswith("A1:")
    ranking = wb[sheet_names("summary_ranking")[0]]
    assert len(list(ranking.conditional_formatting)) >= 1
    assert ranking.print_title_rows == "$1:$1" and ranking.page_setup.orientation == "landscape"
    assert ranking.page_setup.paperSize == 9 and ranking.sheet_properties.pageSetUpPr.fitToPage
    assert ranking.page_setup.fitToWidth in (None, 1) and ranking.page_setup.fitToHeight == 0  # 1 wide, any tall
    # The heat map: 5×5 counts, adding up to all risks, cells filled with the level colours.
    heat = wb[sheet_names("summary_heatmap")[0]]
    cells = [[heat.cell(row=3 + r, column=2 + c) for c in range(5)] for r in range(5)]
    assert sum(c.value for row in cells for c in row) == batch_run.result.figures["risks_total"]
    assert cells[0][4].fill.fgColor.rgb.endswith("FF5B5B")  # 极高 × 极高 is 一级 (red)
    assert cells[4][0].fill.fgColor.rgb.endswith("8FD18F")  # 极低 × 极低 is 三级 (green)


def test_feedback_one_file_per_unit(batch_run: Run) -> None:
    names = sorted(p.name for p in batch_run.feedback)
    assert not any(n.startswith("FB001") for n in names)  # two files claim FB001: neither is counted
    assert "FB002-区国库支付中心-反馈.xlsx" in names
    assert "EQ001-公式文本单位-反馈.xlsx" in names
    assert not any("加密" in n or "截断" in n for n in names)  # unreadable files have no unit to answer
    wb = openpyxl.load_workbook(batch_run.out / "feedback" / "BAD03-打分有误单位-反馈.xlsx")
    problems = wb[sheet_names("problems")[0]]
    assert any(BAD_SCORE in (r[4] or "") for r in problems.iter_rows(min_row=2, values_only=True))
    risks = wb[sheet_names("feedback_risks")[0]]
    assert risks.max_row - 1 == len(batch_run.batch.text_score.risks) - 1
    # The checkers' own result sheets: conflicts and the self-evaluation with its deficiencies.
    unit = next(u for u in batch_run.result.units if u.unit_code == "BAD03")
    conflicts = wb[sheet_names("conflicts")[0]]
    assert sum(1 for r in conflicts.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]) >= len(unit.conflicts)
    assert sheet_names("evaluation_results")[0] in wb.sheetnames
    position = [r for r in wb[sheet_names("overview")[0]].iter_rows(values_only=True) if r[0] == "一级风险数"]
    assert position and position[0][1] == unit.counts_by_level()[1]
    assert position[0][2] == batch_run.result.figures["risks_level1"]


@pytest.mark.libreoffice
def test_libreoffice_converts_the_summary_and_a_feedback_to_pdf(batch_run: Run, tmp_path: Path) -> None:
    feedback = batch_run.out / "feedback" / "BAD03-打分有误单位-反馈.xlsx"
    pdfs = libreoffice.to_pdf([batch_run.summary, feedback], tmp_path)
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())  # a cell's text wraps inside its column (print_layout)
    assert "风险热力图" in flat and "应报单位数" in flat and "".join(FORMULA_TEXT.split()) in flat
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in fonts  # Chinese text rendered with a real CJK font, not bitmaps
    assert subprocess.run(["pdftotext", str(pdfs[1]), "-"], capture_output=True, text=True).stdout.strip()


def test_email_reads_the_overview_and_deficiencies_back(batch_run: Run) -> None:
    """The contract with icx.mail: every key figure found by its label, the period too."""
    from icx.mail.figures import read_key_figures
    from icx.mail.reminders import read_deficiencies

    figures = read_key_figures(batch_run.summary)
    present = {k: v for k, v in batch_run.result.figures.items() if v is not None}
    assert figures.values == present
    assert figures.period == "2026"
    deficiencies = read_deficiencies(batch_run.summary)
    assert not [p for p in deficiencies.problems if p.severity == "error"]


def test_a_hand_typed_score_is_a_finding_and_the_recomputed_one_is_used(batch_run: Run) -> None:
    rows = sheet_rows(batch_run.summary, sheet_names("summary_findings")[0])
    header = rows[2]
    found = [r for r in rows[3:] if r[header.index("单元格")] == batch_run.batch.override_cell]
    assert len(found) == 1 and found[0][0] == "BAD03" and found[0][header.index("表中原值")] == 1
    unit = next(u for u in batch_run.result.units if u.unit_code == "BAD03")
    risk = next(r for r in unit.risks if r.id == batch_run.batch.text_score.risks[0].id)
    assert risk.score != 1 and risk.score == round(risk.likelihood * risk.impact, 6)
