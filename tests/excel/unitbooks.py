"""Demo unit workbooks for the Excel tests: the full unit workbook `icx demo` writes (the standard
template with every demo table filled in), or the plain register `icx demo` used to write."""

from __future__ import annotations

from pathlib import Path

from icx.demo.data import make_unit
from icx.demo.workbooks import write_plain_register, write_unit_workbook
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet
from icx.io.table import Table, read_table


def demo_unit_workbook(folder: Path, index: int = 0) -> Path:
    """The full demo unit workbook of demo unit ``index``."""
    unit = make_unit(index)
    return write_unit_workbook(unit, folder / f"{unit.code}-{unit.name}.xlsx")


def plain_register_workbook(folder: Path, index: int = 0, name: str | None = None) -> Path:
    """A plain workbook: 单位信息 and a bare 风险清单 table, nothing else."""
    unit = make_unit(index)
    return write_plain_register(unit, folder / (name or f"{unit.code}-plain.xlsx"))


def register_table(path: Path) -> Table:
    """The register as read by icx, to find the cell of a key on a risk's row."""
    grid = find_register_sheet(load_grid(path))
    assert grid is not None
    return read_table(grid, "register")
