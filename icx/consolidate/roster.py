"""The roster (单位名单): which units are expected to submit, with contact and email.

A plain workbook with a header row (单位编码, 单位名称, 联系人, 电子邮箱 — or the English or alias
headers of ``[[columns.roster]]`` in the catalogue) on any sheet. Read like a unit file: every
bad row is a problem, nothing stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icx.core.codes import clean_code, code_key
from icx.core.errors import IcxError, Problem
from icx.core.parsing import is_blank
from icx.io.grid import load_grid
from icx.io.table import find_header, read_table, text_of
from icx.io.untrusted import sha256_of


@dataclass(frozen=True, slots=True)
class RosterEntry:
    unit_code: str
    unit_name: str = ""
    contact: str = ""
    email: str = ""


@dataclass
class Roster:
    file: str
    sha256: str = ""
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def codes(self) -> set[str]:
        """The roster's codes as compared (``code_key``)."""
        return {code_key(e.unit_code) for e in self.entries}

    def get(self, code: str) -> RosterEntry | None:
        key = code_key(code)
        return next((e for e in self.entries if code_key(e.unit_code) == key), None)


def read_roster(path: str | Path) -> Roster:
    """Read a roster workbook. Problems (bad file, no header, repeated codes) are collected."""
    name = str(path)
    roster = Roster(file=name)
    try:
        roster.sha256 = sha256_of(name)
        book = load_grid(name)
    except IcxError as exc:
        roster.problems.extend(exc.problems)
        return roster
    except OSError as exc:
        roster.problems.append(Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=name))
        return roster
    grid = next((g for g in book.sheets.values() if find_header(g, "roster") is not None), None)
    if grid is None:
        grid = next(iter(book.sheets.values()), None)
    if grid is None:
        roster.problems.append(Problem.of("consolidate_roster_empty", file=name))
        return roster
    table = read_table(grid, "roster", file=name)
    roster.problems.extend(table.problems)
    first: dict[str, str] = {}
    for row_number, row in zip(table.frame.index, table.frame.to_dict("records")):
        code = clean_code(_text(row, "unit_code"))
        if not code:
            continue
        if code_key(code) in first:
            roster.problems.append(
                Problem.of(
                    "consolidate_roster_duplicate",
                    given=code,
                    params={"first": first[code_key(code)]},
                    severity="warning",
                    file=name,
                    sheet=grid.name,
                    cell=table.cell(int(row_number), "unit_code"),
                )
            )
            continue
        first[code_key(code)] = table.cell(int(row_number), "unit_code")
        roster.entries.append(RosterEntry(code, _text(row, "unit_name"), _text(row, "contact"), _text(row, "email")))
    if not roster.entries and table.header_row >= 0:
        roster.problems.append(Problem.of("consolidate_roster_empty", file=name, sheet=grid.name))
    roster.entries.sort(key=lambda e: e.unit_code)
    return roster


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if is_blank(value) else text_of(value)
