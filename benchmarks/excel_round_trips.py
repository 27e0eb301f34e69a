"""Benchmark: round trips to Excel per ribbon macro, for a unit workbook of 3,000 risks.

No Excel runs here. Each macro runs through ``XlwingsPort`` on the contract engine of
``tests/excel/xlengine.py`` (an Excel for Windows and an Excel for Mac), which counts every call
xlwings would make to Excel: a read or write of a property, a method call. In live Excel a round
trip is what costs (COM on Windows, an Apple event on a Mac), so the count is the figure to keep
flat: it is printed for the 25-risk demo workbook (the baseline, measured in the same run) and for
3,000 risks. 数据校验 runs on a copy with ``--bad`` likelihood cells made invalid (coloured), then
again once they are fixed (their colours cleared).

    python benchmarks/excel_round_trips.py               # 3,000 risks, 300 bad cells
    python benchmarks/excel_round_trips.py --risks 500 --bad 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the contract engine lives in tests/

from icx.demo.data import make_unit  # noqa: E402
from icx.demo.workbooks import write_unit_workbook  # noqa: E402
from icx.excel import macros  # noqa: E402
from icx.excel.port_xlwings import XlwingsPort  # noqa: E402
from icx.io.grid import load_grid  # noqa: E402
from icx.io.register import find_register_sheet  # noqa: E402
from icx.io.table import read_table  # noqa: E402
from tests.excel.xlengine import MAC, WINDOWS, Excel  # noqa: E402

AS_OF = dt.date(2026, 12, 31)


def edited(source: Path, target: Path, sheet: str, cells: list[str], value: object) -> Path:
    wb = openpyxl.load_workbook(source)
    for ref in cells:
        wb[sheet][ref] = value
    wb.save(target)
    return target


def unit_workbook(folder: Path, risks: int | None, bad: int) -> tuple[Path, Path, str, list[str]]:
    """The unit workbook, a copy with ``bad`` invalid likelihood cells, the register and those cells."""
    good = write_unit_workbook(make_unit(0, risks=risks), folder / f"unit-{risks}.xlsx")
    table = read_table(find_register_sheet(load_grid(good)), "register")
    cells = [table.cell(row, "likelihood_2") for row in list(table.frame.index)[:bad]]
    return good, edited(good, folder / f"bad-{risks}.xlsx", table.sheet, cells, "很高吧"), table.sheet, cells


def trips(path: Path, flavour: str, macro: str, **kwargs: object) -> tuple[int, float, Path]:
    """Round trips of one macro on a fresh Excel, the seconds it took, and the workbook it left."""
    excel = Excel(flavour)
    book = excel.open(path)
    start = time.perf_counter()
    macros.MACROS[macro](port=XlwingsPort(book, mac=flavour == MAC), **kwargs)
    seconds = time.perf_counter() - start
    out = excel.save(book, path.with_name(f"{path.stem}-{macro}-{flavour}.xlsx"))
    return excel.total_trips, seconds, out


def measure(folder: Path, risks: int | None, bad: int) -> dict[tuple[str, str], tuple[int, float]]:
    good, broken, sheet, cells = unit_workbook(folder, risks, bad)
    out: dict[tuple[str, str], tuple[int, float]] = {}
    for flavour in (WINDOWS, MAC):
        for macro in ("score_workbook", "check_conflicts", "evaluate_checklist"):
            count, seconds, _ = trips(
                good, flavour, macro, **({"as_of": AS_OF} if macro == "evaluate_checklist" else {})
            )
            out[(macro, flavour)] = (count, seconds)
        count, seconds, checked = trips(broken, flavour, "validate_workbook", as_of=AS_OF)
        out[("validate_workbook", flavour)] = (count, seconds)
        # The unit fixes the bad cells in the checked workbook; 数据校验 again clears their colours.
        again = edited(checked, folder / f"again-{risks}-{flavour}.xlsx", sheet, cells, 3)
        count, seconds, _ = trips(again, flavour, "validate_workbook", as_of=AS_OF)
        out[("validate again", flavour)] = (count, seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--risks", type=int, default=3000)
    parser.add_argument("--bad", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(Path(tmp), None, min(args.bad, 20))
        large = measure(Path(tmp), args.risks, args.bad)
    print(
        f"Round trips to Excel per macro: demo workbook (25 risks, 20 bad cells) "
        f"vs {args.risks:,} risks ({args.bad} bad cells)"
    )
    print(f"{'macro':<20} {'Excel':<8} {'25 risks':>9} {f'{args.risks:,} risks':>12} {'ratio':>6} {'engine s':>9}")
    for key, (count, seconds) in large.items():
        base = small[key][0]
        print(f"{key[0]:<20} {key[1]:<8} {base:>9,} {count:>12,} {count / base:>6.2f} {seconds:>9.1f}")


if __name__ == "__main__":
    main()
