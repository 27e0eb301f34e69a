"""A unit workbook saved by LibreOffice as .xls or .ods gives the same figures as the .xlsx,
its own 参数设置 included; `icx score` / `icx check` on them write their copy as .xlsx."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import build_app
from icx.consolidate import consolidate
from icx.core.methodology import default_methodology
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io import libreoffice

pytestmark = pytest.mark.libreoffice
AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same unit (with a 参数设置 that grades every risk 一级) as .xlsx, .xls and .ods."""
    root = tmp_path_factory.mktemp("formats")
    m = default_methodology().override({"matrix": {"levels": [[1] * 5 for _ in range(5)]}})
    unit = dataclasses.replace(make_unit(1), code="OWN01")
    source = write_unit_workbook(unit, root / "own.xlsx", methodology=m)
    out = {"xlsx": source}
    for to in ("xls", "ods"):
        (conversion,) = libreoffice.convert([source], root / to, to=to)
        out[to] = conversion.output
    return out


def _signature(c) -> dict[str, object]:  # type: ignore[no-untyped-def]
    unit = c.units[0]
    return {
        "figures": c.figures,
        "ranked": [(r.rank, r.risk.id, r.risk.likelihood, r.risk.impact, r.risk.score, r.risk.level) for r in c.ranked],
        "custom": unit.methodology_custom,
        "conflicts": sorted((k.rule_id, k.person) for k in unit.conflicts),
        "evaluation": (unit.evaluation_score, unit.evaluation_by_area),
        "basic": unit.basic_evaluation,
        "problems": sorted((p.code, p.sheet or "", p.cell or "") for p in unit.problems),
    }


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_other_formats_give_the_same_figures(converted: dict[str, Path], kind: str) -> None:
    expected = _signature(consolidate([converted["xlsx"]], as_of=AS_OF))
    got = _signature(consolidate([converted[kind]], as_of=AS_OF))
    assert expected["custom"] is True and {r[-1] for r in expected["ranked"]} == {1}  # its own matrix was used
    assert got == expected


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_score_and_check_write_their_copy_as_xlsx(converted: dict[str, Path], kind: str, tmp_path: Path) -> None:
    runner = CliRunner()
    source = converted[kind]
    result = runner.invoke(build_app(), ["score", str(source), "-o", str(tmp_path / f"scored.{kind}")])
    assert result.exit_code in (0, 1), result.output
    scored = tmp_path / "scored.xlsx"
    assert scored.exists() and not (tmp_path / f"scored.{kind}").exists()
    wb = openpyxl.load_workbook(scored)
    assert "风险清单" in wb.sheetnames and "风险识别排序表" in wb.sheetnames
    result = runner.invoke(build_app(), ["check", "conflicts", str(source), "-o", str(tmp_path / "c.ods")])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "c.xlsx").exists()
