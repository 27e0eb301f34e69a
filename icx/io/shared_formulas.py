"""Formula columns saved as shared formulas, the way Excel saves a filled-down column.

A template's formula column repeats one formula down hundreds of rows, each copy differing only in
its row numbers. Written out in full, the register's helper columns (which read every input
cell as icx does) make a 13 MB sheet; as shared formulas — the formula written once in the
column's first cell, the other cells pointing at it — the sheet is a fraction of that, and
icx, Excel, WPS and LibreOffice read it faster. Every spreadsheet program reads shared
formulas (openpyxl expands them into each cell).

``share`` records a column when it is written; ``shared(wb)`` swaps the recorded cells for
shared-formula objects while the workbook is saved, and puts the plain formulas back after.
A cell whose formula was changed since is left as it is (the run of shared cells stops there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

Formula = Callable[[int], str]  # sheet row → formula text starting with "="
_COLUMNS: WeakKeyDictionary[Worksheet, list[tuple[str, int, int, Formula]]] = WeakKeyDictionary()


class SharedFormula(ArrayFormula):
    """``<f t="shared" si=".." ref="..">text</f>`` in the first cell, ``<f t="shared" si=".."/>``
    in the others. (openpyxl writes the attributes of an ArrayFormula as given.)"""

    t = "shared"

    def __init__(self, si: int, ref: str | None = None, text: str | None = None):
        super().__init__(ref or "", text)
        self.si = si

    def __iter__(self):
        yield "t", "shared"
        if self.ref:
            yield "ref", self.ref
        yield "si", str(self.si)


def share(ws: Worksheet, letter: str, first: int, last: int, formula: Formula) -> None:
    """Record that column ``letter`` holds ``formula(r)`` in rows ``first``…``last``."""
    if last > first:
        _COLUMNS.setdefault(ws, []).append((letter, first, last, formula))


@contextmanager
def shared(wb: Workbook) -> Iterator[None]:
    """While saving ``wb``: the recorded columns as shared formulas; restored afterwards."""
    swapped: list[tuple[object, str]] = []
    try:
        for ws in wb.worksheets:
            for si, (letter, first, last, formula) in enumerate(_COLUMNS.get(ws, ())):
                end = first
                while end < last and ws[f"{letter}{end + 1}"].value == formula(end + 1):
                    end += 1
                master = ws[f"{letter}{first}"]
                if master.value != formula(first) or end == first:
                    continue
                swapped.append((master, master.value))
                master.value = SharedFormula(si, f"{letter}{first}:{letter}{end}", master.value)
                for r in range(first + 1, end + 1):
                    cell = ws[f"{letter}{r}"]
                    swapped.append((cell, cell.value))
                    cell.value = SharedFormula(si)
        yield
    finally:
        for cell, value in swapped:
            cell.value = value  # type: ignore[attr-defined]
