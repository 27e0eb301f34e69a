"""The unit-workbook reader on the template and on hand-edited variants of it (columns reordered,
extra columns, English headers, title rows, blank rows, numbers stored as text, merged cells),
and on broken files; every problem asserted with its exact sheet and cell."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from icx.core import scoring, vectorized
from icx.core.errors import IcxError
from icx.io import untrusted
from icx.io.specs import columns
from icx.io.unit_workbook import load_unit_workbook
from icx.templates import Sizes, build, save_template
from icx.templates.layout import fill_rows

# id, area, description, likelihood by assessor, impact by assessor
RISKS: list[tuple[str, str, str, list[Any], list[Any]]] = [
    ("YS-01", "预算", "预算编制依据不足", [4, 4.5], [3, 3.5]),
    ("YS-02", "预算", "预算调整未审批", ["较高", 3], [2, 2.5]),
    ("SZ-01", "收支", "超标准报销", [2, "35%"], ["重大", 3]),
    ("SZ-02", "收支", "票据管理不严", [3.3, 3.4, 3.5], [1.5]),
    ("CG-01", "采购", "化整为零规避招标", [5], [5]),
    ("ZC-01", "资产", "资产账实不符", [2.5], [2]),
    ("ZC-02", "资产", "资产处置未审批", [1], [5]),
]
UNIT = {
    "unit_name": "区财政局机关",
    "unit_code": "FB001",
    "period": "2026",
    "preparer": "王敏",
    "contact": "0531-8000660",
}


def expected() -> dict[str, tuple[float, int, int]]:
    ids, scores, levels = [], [], []
    for risk_id, _, _, lk, im in RISKS:
        lk_avg = scoring.average([scoring.likelihood(v) for v in lk])
        im_avg = scoring.average([scoring.impact(v) for v in im])
        ids.append(risk_id)
        scores.append(scoring.risk_score(lk_avg, im_avg))
        levels.append(scoring.risk_level(lk_avg, im_avg))
    ranks = vectorized.rank(ids, scores, levels)
    return {i: (s, lv, int(r)) for i, s, lv, r in zip(ids, scores, levels, ranks)}


def records() -> list[dict[str, Any]]:
    out = []
    for risk_id, area, description, lk, im in RISKS:
        row: dict[str, Any] = {"id": risk_id, "area": area, "description": description, "owner": "周涛"}
        row.update({f"likelihood_{n}": v for n, v in enumerate(lk, 1)})
        row.update({f"impact_{n}": v for n, v in enumerate(im, 1)})
        out.append(row)
    return out


def template_book(tmp_path: Path, edit: Callable[[Any], None] | None = None, lang: str = "zh") -> Path:
    """The unit template filled with RISKS, a control per risk, and the unit info; ``edit`` changes it."""
    built = build(
        "unit", lang, sizes=Sizes(register_rows=12, control_rows=6, duty_rows=5, duty_rule_rows=3, transaction_rows=3)
    )
    wb = built.wb
    fill_rows(wb[built.sheets["register"]], built.placements["register"], records())
    for key, cell in built.unit_cells.items():
        wb[built.sheets["unit_info"]][cell] = UNIT.get(key)
    fill_rows(
        wb[built.sheets["controls:budget"]],
        built.placements["controls:budget"],
        [
            {
                "control_id": "C-YS-01",
                "risk_id": "YS-01",
                "activity": "集体审议",
                "nature": "预防性",
                "mode": "人工",
                "key_control": "是",
            },
            {
                "control_id": "C-YS-02",
                "risk_id": "YS-02",
                "activity": "调整审批",
                "nature": "检查性",
                "mode": "系统",
                "key_control": "否",
            },
        ],
    )
    if edit:
        edit(built)
    return save_template(built, tmp_path / f"unit-{lang}.xlsx")


# --- hand-made variants -------------------------------------------------------------------------
def _header(key: str, lang: str = "zh") -> str:
    base, _, n = key.rpartition("_")
    if n.isdigit():
        return next(s for s in columns("register") if s.key == f"{base}_{{n}}").header(lang, int(n))
    return next(s for s in columns("register") if s.key == key).header(lang)


KEYS = (
    ["id", "area", "description"] + [f"likelihood_{n}" for n in (1, 2, 3)] + [f"impact_{n}" for n in (1, 2)] + ["owner"]
)


def plain_book(
    tmp_path: Path,
    *,
    keys: list[str] = KEYS,
    lang: str = "zh",
    title_rows: int = 0,
    blank_every: int = 0,
    extra: bool = False,
    as_text: bool = False,
    merge_areas: bool = False,
    name: str = "plain.xlsx",
) -> Path:
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "单位信息" if lang == "zh" else "Unit info"
    for r, spec in enumerate(columns("unit_info"), 1):
        info.cell(row=r, column=1, value=spec.header(lang))
        info.cell(row=r, column=2, value=UNIT.get(spec.key))
    ws = wb.create_sheet("风险清单" if lang == "zh" else "Risk register")
    headers = []
    for key in keys:
        headers.append(_header(key, lang))
        if extra:
            headers.append("备注" if key != "owner" else "说明")
    for t in range(title_rows):
        ws.cell(row=t + 1, column=1, value="某单位2026年度风险清单" if t == 0 else f"（第{t}行说明）")
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for c, text in enumerate(headers, 1):
        ws.cell(row=title_rows + 1, column=c, value=text)
    r = title_rows + 2
    first_of_area: dict[str, int] = {}
    for i, rec in enumerate(records()):
        values = [rec.get(k) for k in keys]
        step = 2 if extra else 1
        for j, value in enumerate(values):
            if as_text and isinstance(value, (int, float)):
                value = str(value)
            if merge_areas and keys[j] == "area" and rec["area"] in first_of_area:
                value = None  # the merged area cell carries the value
            ws.cell(row=r, column=1 + j * step, value=value)
        if merge_areas:
            first_of_area.setdefault(rec["area"], r)
            start = first_of_area[rec["area"]]
            if start != r:
                col = 1 + keys.index("area") * (2 if extra else 1)
                for rng in list(ws.merged_cells.ranges):
                    if rng.min_col == col and rng.min_row == start:
                        ws.unmerge_cells(str(rng))
                ws.merge_cells(start_row=start, start_column=col, end_row=r, end_column=col)
        r += 1
        if blank_every and i % blank_every == blank_every - 1:
            r += 2
    path = tmp_path / name
    wb.save(path)
    return path


def scored(path: Path) -> dict[str, tuple[float, int, int]]:
    unit = load_unit_workbook(path)
    assert unit.errors == [], [p.render() for p in unit.errors]
    frame = unit.register.frame
    return {
        row["id"]: (float(row["score"]), int(row["level"]), int(row["rank"]))
        for _, row in frame.iterrows()
        if row["id"]
    }


VARIANTS = {
    "reordered": dict(keys=list(reversed(KEYS))),
    "extra columns": dict(extra=True),
    "english headers": dict(lang="en"),
    "title rows": dict(title_rows=3),
    "blank rows": dict(blank_every=2),
    "numbers as text": dict(as_text=True),
    "merged cells": dict(merge_areas=True),
    # (no blank rows inside merged areas: the grid carries a merged value into every row it spans)
    "all at once": dict(keys=KEYS[::-1], extra=True, title_rows=2, as_text=True, merge_areas=True),
}


def test_the_template_reads_into_the_core_models(tmp_path: Path) -> None:
    path = template_book(tmp_path)
    unit = load_unit_workbook(path)
    assert unit.problems == []
    assert (unit.unit_code, unit.unit_name, unit.unit["period"]) == ("FB001", "区财政局机关", "2026")
    assert scored(path) == expected()
    assert len(unit.register.register.risks) == len(RISKS)
    controls = unit.controls
    assert list(controls["control_id"]) == ["C-YS-01", "C-YS-02"]
    assert list(controls["area"]) == ["budget", "budget"] and list(controls["sheet"]) == ["风险控制矩阵-预算"] * 2
    assert list(controls["risk_level"]) == [expected()["YS-01"][1], expected()["YS-02"][1]]
    assert {"说明", "不相容岗位", "自我评价", "支出审批记录"} <= set(unit.grids)
    assert unit.grid("duties") is unit.grids["不相容岗位"]


def test_the_english_template_reads_the_same(tmp_path: Path) -> None:
    path = template_book(tmp_path, lang="en")
    unit = load_unit_workbook(path)
    assert unit.problems == [] and scored(path) == expected()
    assert list(unit.controls["sheet"].unique()) == ["Control matrix-Budget"]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_hand_edited_variants_read_the_same(tmp_path: Path, variant: str) -> None:
    path = plain_book(tmp_path, **VARIANTS[variant])
    assert scored(path) == expected()


# --- broken cells, each named ---------------------------------------------------------------------
def _problems(path: Path) -> set[tuple[str | None, str | None, str]]:
    return {(p.sheet, p.cell, p.code) for p in load_unit_workbook(path).problems}


def test_bad_register_cells_are_named_in_the_template(tmp_path: Path) -> None:
    def edit(built):
        ws = built.wb[built.sheets["register"]]
        ws["H7"] = "高高"  # SZ-01's second likelihood (register rows start at 5; H = assessor 2)
        ws["B9"] = "星际"  # CG-01's area
        ws["M10"] = 6  # ZC-01's second impact
        ws["A11"] = "ZC-01"  # ZC-02 repeats ZC-01's id

    unit = load_unit_workbook(template_book(tmp_path, edit))
    found = {(p.sheet, p.cell, p.code) for p in unit.problems}
    assert {
        ("风险清单", "H7", "likelihood_invalid"),
        ("风险清单", "B9", "area_invalid"),
        ("风险清单", "M10", "impact_invalid"),
        ("风险清单", "A11", "duplicate_id"),
    } <= found
    message = next(p for p in unit.problems if p.cell == "H7")
    assert "高高" in message.message_zh and "高高" in message.message_en
    assert {r.id for r in unit.register.register.risks} == {"YS-01", "YS-02", "SZ-02"}


def test_bad_cells_are_named_in_an_edited_variant(tmp_path: Path) -> None:
    path = plain_book(tmp_path, keys=KEYS[::-1], title_rows=2)  # id is the last column (I), header row 3
    wb = openpyxl.load_workbook(path)
    ws = wb["风险清单"]
    ws["F6"] = "高高"  # third risk, likelihood_1 (reversed: owner, I2, I1, L3, L2, L1 → F)
    ws["I8"] = None  # fifth risk loses its id
    wb.save(path)
    found = _problems(path)
    assert ("风险清单", "F6", "likelihood_invalid") in found
    assert ("风险清单", "I8", "required_blank") in found


def test_unit_info_and_control_matrix_problems_are_named(tmp_path: Path) -> None:
    def edit(built):
        built.wb["单位信息"]["B4"] = None  # unit code
        ws = built.wb["风险控制矩阵-预算"]
        ws["C5"] = "YS-99"  # no such risk
        ws["G4"] = "随便"  # nature
        ws["A6"], ws["F6"] = "C-YS-01", "重复编号"  # the same control id again
        ws["F7"] = "没有编号的控制"

    found = _problems(template_book(tmp_path, edit))
    assert {
        ("单位信息", "B4", "required_blank"),
        ("风险控制矩阵-预算", "C5", "control_risk_unknown"),
        ("风险控制矩阵-预算", "G4", "choice_invalid"),
        ("风险控制矩阵-预算", "A6", "duplicate_id"),
        ("风险控制矩阵-预算", "A7", "required_blank"),
    } <= found


def test_a_broken_settings_sheet_is_named_and_the_base_methodology_grades(tmp_path: Path) -> None:
    def edit(built):
        built.wb["参数设置"]["C23"] = "特级"

    path = template_book(tmp_path, edit)
    unit = load_unit_workbook(path)
    assert [(p.sheet, p.cell, p.code) for p in unit.problems] == [("参数设置", "C23", "settings_level_invalid")]
    assert {r.id: (r.score, r.level) for r in unit.register.register.risks} == {k: v[:2] for k, v in expected().items()}


def test_a_workbook_without_a_register_says_so(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "单位信息"
    wb.active["A1"], wb.active["B1"] = "单位名称", "某单位"
    wb.save(tmp_path / "no-register.xlsx")
    unit = load_unit_workbook(tmp_path / "no-register.xlsx")
    assert unit.register is None
    codes = {p.code for p in unit.problems}
    assert "sheet_missing" in codes and unit.controls.empty


@pytest.mark.parametrize(
    "damage, code",
    [
        ("text", "file_not_xlsx"),
        ("truncated", "file_not_xlsx"),
        ("ole", "file_encrypted_or_xls"),
        ("huge", "file_too_large"),
    ],
)
def test_broken_files_are_refused_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str, code: str
) -> None:
    good = template_book(tmp_path)
    bad = tmp_path / "bad.xlsx"
    data = good.read_bytes()
    if damage == "text":
        bad.write_text("单位名称,风险编号\n", encoding="utf-8")
    elif damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "ole":
        bad.write_bytes(untrusted.OLE_MAGIC + b"\0" * 1024)
    else:
        bad.write_bytes(data)
        monkeypatch.setattr(untrusted, "MAX_FILE_BYTES", 1024)
    with pytest.raises(IcxError) as info:
        load_unit_workbook(bad)
    assert info.value.problem.code == code and info.value.problem.file == str(bad)
    assert info.value.problem.message_zh and info.value.problem.message_en


def test_an_entity_bomb_is_not_expanded(tmp_path: Path) -> None:
    path = plain_book(tmp_path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    entities = '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 16}">' for i in range(8)
    )
    text = parts[sheet].decode()
    assert "预算编制依据不足" in text  # openpyxl wrote it inline; the bomb goes in its place
    parts[sheet] = ("<!DOCTYPE worksheet [" + entities + "]>" + text.replace("预算编制依据不足", "&i;", 1)).encode()
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    try:
        unit = load_unit_workbook(tmp_path / "bomb.xlsx")
    except IcxError:
        return  # refused outright: fine
    if unit.register is not None:
        assert all(len(r.description) < 1000 for r in unit.register.register.risks)


def test_the_conflict_checker_reuses_the_control_matrices_the_unit_reader_read(tmp_path: Path) -> None:
    from icx.io.duties import check_conflicts
    from icx.io.grid import load_grid
    from icx.io.table import read_table
    from icx.io.unit_workbook import read_unit_workbook

    book = load_grid(template_book(tmp_path))
    read_unit_workbook(book)
    grid = book.sheets["风险控制矩阵-预算"]
    first = read_table(grid, "control_matrix", file=str(book.path))
    assert read_table(grid, "control_matrix", file=str(book.path)) is first  # read once per sheet
    assert read_table(grid, "control_matrix", file="other.xlsx") is not first  # problems name their file
    check = check_conflicts(book, file=str(book.path))
    assert check.problems == [] and read_table(grid, "control_matrix", file=str(book.path)) is first
