"""A batch like the office receives: demo units plus deliberately broken files, consolidated once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from icx.consolidate import consolidate, write_summary
from icx.consolidate.feedback import write_feedback
from icx.consolidate.model import Consolidation
from icx.demo.data import DemoUnit, make_unit, make_units
from icx.demo.workbooks import write_unit_workbook
from icx.io.specs import match_header, sheet_names

AS_OF = dt.date(2026, 12, 31)
PERIOD = "2026"
FORMULA_TEXT = '=HYPERLINK("http://example.invalid/x","点我")'
BAD_SCORE = "很高吧"


def write_unit(unit: DemoUnit, path: Path) -> Path:
    """The demo writer's full unit workbook for ``unit`` (the standard template, filled in)."""
    return write_unit_workbook(unit, path)


def _override_score(path: Path, risk_id: str) -> str:
    """Type 1 over the score formula of ``risk_id`` (a hand override); returns the cell."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_names("register")[0]]
    header = next(r for r in ws.iter_rows(max_row=30) if any(match_header(c.value, "register") == "score" for c in r))
    score_col = next(c.column_letter for c in header if match_header(c.value, "register") == "score")
    id_col = next(c.column for c in header if match_header(c.value, "register") == "id")
    row = next(
        r[0].row
        for r in ws.iter_rows(min_row=header[0].row + 1, min_col=id_col, max_col=id_col)
        if r[0].value == risk_id
    )
    ws[f"{score_col}{row}"] = 1
    wb.save(path)
    return f"{score_col}{row}"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Batch:
    folder: Path
    good: list[DemoUnit]  # units whose files are fine (their risks all count)
    text_score: DemoUnit  # one assessor cell holds text: that row is left out
    formula: DemoUnit  # a description starting with "=": counted, written as text
    duplicate: DemoUnit  # a second file claiming good[0]'s code
    register_broken: list[DemoUnit] = field(default_factory=list)  # register unreadable, other sheets fine
    override_cell: str = ""  # a 风险评分 cell typed over by hand (a finding for the committee)
    files: dict[str, Path] = field(default_factory=dict)  # role → file
    hashes: dict[Path, str] = field(default_factory=dict)
    roster: Path | None = None


def _copy_unit(unit: DemoUnit, **changes: object) -> DemoUnit:
    return dataclasses.replace(unit, risks=[dataclasses.replace(r) for r in unit.risks], **changes)


def build_batch(folder: Path) -> Batch:
    units_dir = folder / "units"
    (units_dir / "nested" / "deeper").mkdir(parents=True)
    good = make_units(4)
    text_score = _copy_unit(make_unit(10), code="BAD03", name="打分有误单位")
    text_score.risks[2].likelihood = [BAD_SCORE, *text_score.risks[2].likelihood[1:]]
    formula = _copy_unit(make_unit(11), code="EQ001", name="公式文本单位")
    formula.risks[0].description = FORMULA_TEXT
    duplicate = _copy_unit(make_unit(12), code=good[0].code, name="重复编码单位")
    batch = Batch(units_dir, good, text_score, formula, duplicate)

    for i, unit in enumerate(good):
        sub = units_dir / ("nested/deeper" if i == 3 else "nested" if i == 2 else "")
        batch.files[f"good{i}"] = write_unit(unit, sub / f"{unit.code}-{unit.name}.xlsx")
    batch.files["text_score"] = write_unit(text_score, units_dir / "BAD03-打分有误.xlsx")
    batch.override_cell = _override_score(batch.files["text_score"], text_score.risks[0].id)
    batch.files["formula"] = write_unit(formula, units_dir / "EQ001-公式文本.xlsx")
    batch.files["duplicate"] = write_unit(duplicate, units_dir / "nested" / "重复编码.xlsx")

    # Missing sheet: unit info only, no 风险清单.
    missing = _copy_unit(make_unit(13), code="BAD01", name="缺表单位")
    path = write_unit(missing, units_dir / "BAD01-缺表.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb[sheet_names("register")[0]]
    wb.save(path)
    batch.files["missing_sheet"] = path
    batch.register_broken.append(missing)

    # Wrong headers: the register's header row renamed to words no reader knows.
    wrong = _copy_unit(make_unit(14), code="BAD02", name="表头错误单位")
    path = write_unit(wrong, units_dir / "BAD02-表头错误.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_names("register")[0]]
    for row in ws.iter_rows(max_row=30):
        for cell in row:
            if isinstance(cell.value, str) and match_header(cell.value, "register"):
                cell.value = f"栏目{cell.column}"
    wb.save(path)
    batch.files["wrong_headers"] = path
    batch.register_broken.append(wrong)

    # Encrypted with a password (a real OLE-wrapped xlsx), and a truncated download.
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_unit(make_unit(15), folder / "plain.xlsx")
    with plain.open("rb") as src, (units_dir / "加密单位.xlsx").open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    batch.files["encrypted"] = units_dir / "加密单位.xlsx"
    data = plain.read_bytes()
    (units_dir / "截断单位.xlsx").write_bytes(data[: len(data) // 2])
    batch.files["truncated"] = units_dir / "截断单位.xlsx"
    plain.unlink()

    # Noise that must be ignored: an Office lock file and a text file.
    (units_dir / "~$FB001-区财政局机关.xlsx").write_bytes(b"lock")
    (units_dir / "readme.txt").write_text("not a workbook", encoding="utf-8")

    roster = openpyxl.Workbook()
    ws = roster.active
    ws.append(["单位编码", "单位名称", "联系人", "电子邮箱"])
    for unit in good + [text_score, formula]:
        ws.append([unit.code, unit.name, unit.preparer, unit.email])
    ws.append(["BAD01", "缺表单位", "", ""])
    ws.append(["BAD02", "表头错误单位", "", ""])
    ws.append(["FB099", "未报送单位", "钱七", "fb099@example.gov.cn"])
    batch.roster = folder / "单位名单.xlsx"
    roster.save(batch.roster)

    batch.hashes = {p: sha(p) for p in sorted(units_dir.rglob("*")) if p.is_file()}
    return batch


@dataclass
class Run:
    batch: Batch
    result: Consolidation
    summary: Path
    feedback: list[Path]
    out: Path


@pytest.fixture(scope="session")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("consolidate")
    batch = build_batch(folder)
    result = consolidate(
        [batch.folder],
        as_of=AS_OF,
        period=PERIOD,
        roster=batch.roster,
        jobs=2,
        generated=dt.datetime(2026, 12, 31, 9, 0, 0),
    )
    out = folder / "out"
    summary = write_summary(result, out / "committee.xlsx")
    feedback = write_feedback(result, out / "feedback")
    return Run(batch, result, summary, feedback, out)


def sheet_rows(path: Path, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb[title].iter_rows(values_only=True)]
    wb.close()
    return rows
