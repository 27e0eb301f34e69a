"""Load a filled unit workbook: unit info, the register scored with the workbook's own methodology,
the control matrices as one table, and every other sheet as a raw grid for the engines that
read them (incompatible duties, self-evaluation, payment approvals).

Works on the standard template and on close hand-edited variants (see ``icx.io.table``). Every
problem carries its sheet and cell; nothing stops at the first one. Unreadable files (not a
zip, encrypted, absurdly large) raise ``IcxError`` from ``load_grid``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icx import i18n
from icx.core.errors import Problem
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import is_blank
from icx.io.grid import Grid, WorkbookGrid, cell_ref, load_grid
from icx.io.register import RegisterResult, find_register_sheet, read_register
from icx.io.settings_sheet import SettingsResult, find_settings_sheet, read_settings
from icx.io.specs import columns, match_header, sheet_names
from icx.io.table import read_table, text_of

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

SHEET_SEPARATORS = r"\s*[-－—–_·]\s*"
CHOICE_COLUMNS = {"nature": "nature", "mode": "mode", "key_control": "yes_no"}


def _text(value: Any) -> str:
    if value.__class__ is str:  # most cells: the other tests are for numbers, NaN and None
        return value.strip()
    return "" if is_blank(value) else text_of(value)


@dataclass
class UnitWorkbook:
    """Everything read from one unit workbook."""

    path: Path
    unit: dict[str, str]  # unit_info keys ('unit_name', 'unit_code', 'period', …) → text
    methodology: Methodology  # the one the register was scored with
    register: RegisterResult | None
    control_records: list[dict[str, Any]]  # control_matrix keys + area (code), sheet, row, risk_level
    grids: dict[str, Grid]  # the other sheets, raw, by sheet name
    settings: SettingsResult | None = None
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def controls(self) -> pd.DataFrame:
        """The control matrices as one DataFrame (built on first use)."""
        return controls_frame(self.control_records)

    @property
    def unit_code(self) -> str:
        return self.unit.get("unit_code", "")

    @property
    def unit_name(self) -> str:
        return self.unit.get("unit_name", "")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def grid(self, key: str) -> Grid | None:
        """A raw sheet by its catalogue key ('duties', 'evaluation', 'transaction_log'…), zh or en name."""
        zh, en = sheet_names(key)
        for name in (zh, en):
            if name in self.grids:
                return self.grids[name]
        wanted = {normalize_word(zh), normalize_word(en)}
        return next((g for n, g in self.grids.items() if normalize_word(n) in wanted), None)


def load_unit_workbook(
    path: str | Path, methodology: Methodology | None = None, *, sheet_methodology: bool = True
) -> UnitWorkbook:
    """Read a unit workbook file (see ``read_unit_workbook``)."""
    return read_unit_workbook(load_grid(path), methodology, sheet_methodology=sheet_methodology)


def read_unit_workbook(
    book: WorkbookGrid, methodology: Methodology | None = None, *, sheet_methodology: bool = True
) -> UnitWorkbook:
    """Read an already loaded workbook.

    The register is scored with the workbook's 参数设置 laid over ``methodology`` (default: the
    built-in one), unless ``sheet_methodology`` is False, e.g. when a bureau checks every unit
    against its own methodology.
    """
    file = str(book.path)
    base = methodology or default_methodology()
    problems: list[Problem] = []
    used: set[str] = set()

    settings = None
    m = base
    settings_grid = find_settings_sheet(book)
    if settings_grid is not None:
        used.add(settings_grid.name)
        if sheet_methodology:
            settings = read_settings(settings_grid, base, file=file)
            problems += settings.problems
            m = settings.methodology

    unit, info_grid = read_unit_info(book, file, problems)
    if info_grid is not None:
        used.add(info_grid.name)

    register = None
    grid = find_register_sheet(book)
    if grid is None:
        zh, en = sheet_names("register")
        problems.append(Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=file))
    else:
        used.add(grid.name)
        register = read_register(
            grid, m, file=file, unit_code=unit.get("unit_code", ""), unit_name=unit.get("unit_name", "")
        )
        problems += register.problems

    control_grids = control_matrix_sheets(book, m)
    used |= {g.name for g, _ in control_grids}
    controls = read_controls(control_grids, m, register, file, problems)
    grids = {name: g for name, g in book.sheets.items() if name not in used}
    return UnitWorkbook(book.path, unit, m, register, controls, grids, settings, problems)


# --- 单位信息 -----------------------------------------------------------------------------------------
def read_unit_info(book: WorkbookGrid, file: str | None, problems: list[Problem]) -> tuple[dict[str, str], Grid | None]:
    """Label/value pairs (label in one cell, value in the next); unit name and code are required."""
    zh, en = sheet_names("unit_info")
    grid = book.sheet(zh, en, "unit info", "unit")
    unit: dict[str, str] = {}
    if grid is None:
        problems.append(
            Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=file, severity="warning")
        )
        return unit, None
    where: dict[str, str] = {}
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row[:-1] if row else []):
            key = match_header(value, "unit_info") if isinstance(value, str) else None
            if key and key not in where:
                where[key] = cell_ref(r, c + 1)
                unit[key] = _text(row[c + 1])
                break
    for key in ("unit_name", "unit_code"):
        spec = next(s for s in columns("unit_info") if s.key == key)
        if not unit.get(key):
            problems.append(
                Problem.of(
                    "required_blank",
                    params={"column": spec.zh},
                    file=file,
                    sheet=grid.name,
                    cell=where.get(key),
                    field=key,
                )
            )
    return unit, grid


# --- 风险控制矩阵 ---------------------------------------------------------------------------------------
def control_matrix_sheets(book: WorkbookGrid, methodology: Methodology | None = None) -> list[tuple[Grid, str]]:
    """Every control-matrix sheet with the area code its name gives ('' when it names none)."""
    m = methodology or default_methodology()
    zh, en = sheet_names("control_matrix")
    out = []
    for grid in book.sheets_starting(zh, en):
        out.append((grid, area_of_sheet(grid.name, m)))
    return out


def area_of_sheet(name: str, methodology: Methodology | None = None) -> str:
    """'风险控制矩阵-预算' → 'budget'; 'Control matrix-Revenue & exp.' → 'revenue_expenditure'."""
    m = methodology or default_methodology()
    prefixes = "|".join(re.escape(p).replace(r"\ ", r"\s*") for p in sheet_names("control_matrix"))
    found = re.match(rf"^\s*(?:{prefixes})(?:{SHEET_SEPARATORS})?(.*)$", name, re.IGNORECASE)
    suffix = found.group(1).strip() if found else ""
    area = m.area(suffix) if suffix else None
    return area.code if area else ""


@cache
def _choice_names(key: str) -> dict[str, str]:
    # Read-only: the same dict serves every cell of every workbook.
    return {normalize_word(c[lang]): c["zh"] for c in i18n.section("choices")[key] for lang in ("zh", "en")}


def read_controls(
    grids: list[tuple[Grid, str]],
    m: Methodology,
    register: RegisterResult | None,
    file: str | None,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """Every control row of the control-matrix sheets as a plain record (control_matrix keys plus
    area, sheet, row and the risk's level), checking ids, risk references and choice cells."""
    keys = [s.key for s in columns("control_matrix")]
    plain_keys = [k for k in keys if k not in CHOICE_COLUMNS and k != "risk_level"]
    out: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    risk_levels: dict[str, int] = {}
    known_ids: set[Any] = set()
    if register is not None:
        risk_levels = register.levels_by_id()
        if "id" in register.table.rows:
            known_ids = set(register.table.rows.column("id"))
    for grid, area in grids:
        if area == "" and re.search(SHEET_SEPARATORS, grid.name):
            problems.append(
                Problem.of(
                    "control_sheet_area",
                    given=grid.name,
                    severity="warning",
                    file=file,
                    sheet=grid.name,
                    params={"accepted": "、".join(a.short_zh or a.name_zh for a in m.areas)},
                )
            )
        table = read_table(grid, "control_matrix", file=file)
        problems += table.problems
        if table.header_row < 0:
            continue
        present = table.rows.columns
        for r, cells in zip(table.rows.sheet_rows, table.rows.values):
            row = dict.fromkeys(keys)  # every key, missing columns as None
            row.update(zip(present, cells))
            control_id = _text(row["control_id"])
            if not control_id:
                problems.append(
                    table.locate(
                        Problem.of("required_blank", params={"column": "控制编号"}, row=r, field="control_id"), file
                    )
                )
            elif control_id in first_seen:
                problems.append(
                    table.locate(
                        Problem.of(
                            "duplicate_id",
                            given=control_id,
                            params={"first": first_seen[control_id]},
                            row=r,
                            field="control_id",
                        ),
                        file,
                    )
                )
            else:
                first_seen[control_id] = f"{grid.name}!{table.cell(r, 'control_id')}"
            risk_id = _text(row["risk_id"])
            if risk_id and register is not None and risk_id not in known_ids:
                problems.append(
                    table.locate(Problem.of("control_risk_unknown", given=risk_id, row=r, field="risk_id"), file)
                )
            for key, choice in CHOICE_COLUMNS.items():
                value = row[key]
                if is_blank(value) or key not in table.columns:
                    continue
                canonical = _choice_names(choice).get(normalize_word(_text(value)))
                if canonical is None:
                    accepted = "、".join(c["zh"] for c in i18n.section("choices")[choice])
                    problems.append(
                        table.locate(
                            Problem.of("choice_invalid", given=value, params={"accepted": accepted}, row=r, field=key),
                            file,
                        )
                    )
                row[key] = canonical if canonical is not None else _text(value)
            for key in plain_keys:
                row[key] = _text(row[key]) or None
            row["risk_level"] = risk_levels.get(risk_id)
            row["area"], row["sheet"], row["row"] = area, grid.name, r
            out.append(row)
    return out


def controls_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The control records as one DataFrame (risk_level nullable Int64, row int)."""
    import pandas as pd

    keys = [s.key for s in columns("control_matrix")]
    data: dict[str, Any] = {}
    for key in keys:
        values = [row[key] for row in records]
        if key == "risk_level":
            data[key] = pd.array(values, dtype="Int64")
        else:  # choice columns stay object; text columns get pandas' inferred text dtype
            data[key] = pd.Series(values, dtype=object if key in CHOICE_COLUMNS else None)
    data["area"] = pd.Series([row["area"] for row in records], dtype=object)
    data["sheet"] = pd.Series([row["sheet"] for row in records], dtype=object)
    data["row"] = pd.Series([row["row"] for row in records], dtype=int)
    return pd.DataFrame(data, index=range(len(records)))
