"""Problems as people read them: in sheet order, then row, then column, and a problem repeated down
one column said once ("G5:G77，共73处").

Readers keep every problem apart (counts reconcile with their parts); every place that shows
problems to a person — the CLI, the 问题清单 sheets, the ribbon's message — shows ``grouped``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from icx import i18n
from icx.core.errors import Problem

CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")
MAX_ROW = 1_048_576  # a sheet's last row


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell(p: Problem) -> tuple[str, int] | None:
    found = CELL.match(p.cell or "")
    return (found.group(1), int(found.group(2))) if found else None


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """By file and sheet (in the order they first appear), then row, then column; problems of a
    whole file or sheet first."""
    problems = list(problems)
    files: dict[str | None, int] = {}
    sheets: dict[tuple[str | None, str | None], int] = {}
    for p in problems:
        files.setdefault(p.file, len(files))
        sheets.setdefault((p.file, p.sheet), len(sheets) if p.sheet else -1)

    def key(item: tuple[int, Problem]) -> tuple:
        i, p = item
        cell = _cell(p)
        row = cell[1] if cell else (p.row if isinstance(p.row, int) else -1)
        column = column_number(cell[0]) if cell else 0
        return (files[p.file], sheets[(p.file, p.sheet)], row, column, i)

    return [p for _, p in sorted(enumerate(problems), key=key)]


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """``ordered``, with problems that say the same thing in one column of one sheet said once:
    the cells become ranges ("G5:G77", "G5:G9 G12") and ``count`` says how many."""
    out: list[Problem] = []
    groups: dict[tuple, list[Problem]] = {}
    for p in ordered(problems):
        cell = _cell(p)
        if cell is None:
            out.append(p)
            continue
        key = (p.file, p.sheet, cell[0], p.code, p.severity, p.message_zh, p.fix_zh)
        if key not in groups:
            groups[key] = []
            out.append(p)  # the group's place in the list: its first cell
        groups[key].append(p)
    merged = {id(members[0]): members for members in groups.values() if len(members) > 1}
    return [_merge(merged[id(p)]) if id(p) in merged else p for p in out]


def _merge(members: list[Problem]) -> Problem:
    letters = _cell(members[0])[0]  # type: ignore[index]
    rows = sorted({_cell(p)[1] for p in members})  # type: ignore[index]
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    cells = " ".join(f"{letters}{a}" if a == b else f"{letters}{a}:{letters}{b}" for a, b in runs)
    first = members[0]
    return first.model_copy(
        update={"location": first.location.model_copy(update={"cell": cells}), "count": len(members)}
    )


def text_width(text: str) -> int:
    """Display width in spreadsheet column units: a Chinese character takes about two (for the
    row heights that keep a wrapped message whole)."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def place(p: Problem, lang: i18n.Lang = "zh") -> str:
    """Where a (grouped) problem is, for a reader: '风险清单!G5:G77，共73处' / 'G5:G77 (73 cells)'."""
    where = p.where
    if p.count > 1:
        cells = p.cell.replace(" ", "、") if lang == "zh" else p.cell.replace(" ", ", ")  # type: ignore[union-attr]
        where = where.replace(p.cell, cells)  # type: ignore[arg-type]
        where += f"，共{p.count}处" if lang == "zh" else f" ({p.count} cells)"
    return where


_RANGE = r"[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?"
_PLACE = re.compile(rf"^({_RANGE}(?:(?:、|, ){_RANGE})*)(?:，共\d+处| \(\d+ cells\))?$")


def cells_at(text: str) -> list[str]:
    """The cells a 问题清单 row names in its cell column, as ``place`` wrote them without the sheet
    ('G5:G7、G9，共4处' → G5, G6, G7, G9); [] for any other text ('row 5', a whole-sheet problem)."""
    found = _PLACE.match(text.strip())
    if found is None:
        return []
    cells = []
    for part in re.split(r"、|, ", found.group(1)):
        first, _, last = part.partition(":")
        top, bottom = CELL.match(first), CELL.match(last or first)
        if top is None or bottom is None or top.group(1) != bottom.group(1) or int(bottom.group(2)) > MAX_ROW:
            return []  # ``place`` writes ranges down one column of a sheet only
        cells += [f"{top.group(1)}{r}" for r in range(int(top.group(2)), int(bottom.group(2)) + 1)]
    return cells
