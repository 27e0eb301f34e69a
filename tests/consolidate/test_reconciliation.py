"""Random folders of submissions: every file and unit is accounted for, the identities of 概览
add up, and no risk of a file that is not counted reaches a total, a ranking or a chart.

The expected fate of each file is worked out here from the rules as the README states them
(skipped: lock, hidden, icx output; not counted: a format icx cannot read, unreadable, another
period, no code, two files of one unit, an empty register; else counted), not by icx's code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icx.consolidate import consolidate
from icx.consolidate.roster import Roster, RosterEntry
from icx.demo.data import make_unit
from icx.demo.workbooks import write_unit_workbook
from icx.io.outputs import mark_openpyxl
from icx.io.specs import match_header, sheet_names

ROSTER = ("U01", "U02", "U03", "U04", "U09")  # U09 never sends anything; U06 is not on the roster
CODES = ("U01", "U02", "U03", "U04", "U06")
PERIOD = "2026"
AS_OF = dt.date(2026, 12, 31)


def _set_info(path: Path, **values: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_names("unit_info")[0]]
    for row in ws.iter_rows():
        key = match_header(row[0].value, "unit_info") if isinstance(row[0].value, str) else None
        if key in values:
            row[1].value = values[key]
    wb.save(path)


def _empty_register(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet_names("register")[0]]
    header = next(r[0].row for r in ws.iter_rows(max_row=30) if match_header(r[0].value, "register") == "id")
    for row in ws.iter_rows(min_row=header + 1):
        for cell in row:
            if cell.data_type != "f":
                cell.value = None
    wb.save(path)


@cache
def templates() -> dict[str, Path]:
    """One file per kind and code, written once; examples copy them."""
    folder = Path(tempfile.mkdtemp(prefix="icx-recon-"))
    out: dict[str, Path] = {}
    for i, code in enumerate(CODES):
        unit = dataclasses.replace(make_unit(i, risks=3 + i), code=code, name=f"单位{code}")
        good = write_unit_workbook(unit, folder / f"good-{code}.xlsx")
        _set_info(good, fill_date=dt.datetime(2026, 3, 1 + i))
        out[f"good:{code}"] = good
        old = folder / f"old-{code}.xlsx"
        shutil.copy(good, old)
        _set_info(old, period="2025年度")
        out[f"old:{code}"] = old
        empty = folder / f"empty-{code}.xlsx"
        shutil.copy(good, empty)
        _empty_register(empty)
        out[f"empty:{code}"] = empty
        wide = folder / f"wide-{code}.xlsx"  # the code in full width with a zero-width space
        shutil.copy(good, wide)
        _set_info(wide, unit_code="\u200b" + code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}))
        out[f"wide:{code}"] = wide
    nocode = folder / "nocode.xlsx"
    shutil.copy(out["good:U02"], nocode)
    _set_info(nocode, unit_code=None)
    out["nocode"] = nocode
    output = folder / "output.xlsx"
    wb = openpyxl.load_workbook(out["good:U03"])
    mark_openpyxl(wb, "scored")
    wb.save(output)
    out["output"] = output
    return out


@cache
def risk_count(code: str) -> int:
    c = consolidate([templates()[f"good:{code}"]], as_of=AS_OF, period=PERIOD)
    return c.figures["risks_total"]  # type: ignore[return-value]


# kind, code; names are made unique by position
KINDS = ("good", "old", "empty", "wide", "nocode", "nocode_named", "output", "lock", "hidden", "csv", "broken")
entries = st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(CODES), st.booleans()), min_size=1, max_size=7)


def build_folder(root: Path, drawn: list[tuple[str, str, bool]]) -> dict[str, tuple[str, str, str]]:
    """Write the drawn files; returns file → (expected status, reason, code claimed)."""
    t = templates()
    plan: dict[str, tuple[str, str, str]] = {}
    for i, (kind, code, nested) in enumerate(drawn):
        folder = root / ("sub" if nested else "") / ("deeper" if nested and i % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"f{i:02d}-x.xlsx"
        if kind in ("good", "old", "empty", "wide"):
            target = folder / name
            shutil.copy(t[f"{kind}:{code}"], target)
            reason = {"good": "", "old": "other_period", "empty": "register_empty", "wide": ""}[kind]
            plan[str(target)] = ("candidate" if kind in ("good", "wide", "empty") else "not_counted", reason, code)
        elif kind == "nocode":
            target = folder / name
            shutil.copy(t["nocode"], target)
            plan[str(target)] = ("not_counted", "no_code", "")
        elif kind == "nocode_named":  # the file name starts with a roster code: counted under it
            roster_code = code if code in ROSTER else "U01"
            target = folder / f"{roster_code}-{i:02d}.xlsx"
            shutil.copy(t["nocode"], target)
            plan[str(target)] = ("candidate", "", roster_code)
        elif kind == "output":
            target = folder / name
            shutil.copy(t["output"], target)
            plan[str(target)] = ("skipped", "icx_output", "")
        elif kind == "lock":
            target = folder / f"~${name}"
            target.write_bytes(b"lock")
            plan[str(target)] = ("skipped", "lock", "")
        elif kind == "hidden":
            target = folder / f".{name}"
            shutil.copy(t[f"good:{code}"], target)
            plan[str(target)] = ("skipped", "hidden", "")
        elif kind == "csv":
            target = folder / f"f{i:02d}.csv"
            target.write_text("风险编号,风险描述\nR1,x\n", encoding="utf-8")
            plan[str(target)] = ("not_counted", "format", "")
        else:  # broken: cut short
            target = folder / name
            data = t[f"good:{code}"].read_bytes()
            target.write_bytes(data[: len(data) // 3])
            plan[str(target)] = ("not_counted", "unreadable", "")
    # One unit, one file: candidates claiming one code are duplicates.
    by_code: dict[str, list[str]] = defaultdict(list)
    for file, (status, _, code) in plan.items():
        if status == "candidate":
            by_code[code].append(file)
    for files in by_code.values():
        for file in files:
            _, reason, code = plan[file]
            if len(files) > 1:
                plan[file] = ("not_counted", "duplicate", code)
            elif reason:
                plan[file] = ("not_counted", reason, code)
            else:
                plan[file] = ("counted", "", code)
    return plan


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=entries)
def test_every_file_and_unit_adds_up(drawn: list[tuple[str, str, bool]]) -> None:
    roster = Roster("roster.xlsx", entries=[RosterEntry(code, f"单位{code}") for code in ROSTER])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        plan = build_folder(root, drawn)
        c = consolidate([root], as_of=AS_OF, period=PERIOD, roster=roster)
        a = c.accounting

        # Each file's fate, as the rules say.
        got = {f.file: (f.status, f.reason) for f in a.files}
        assert got == {file: (status, reason) for file, (status, reason, _) in plan.items()}

        # The identities, and each line adding up.
        for identity in a.identities():
            assert identity.holds, identity
        files = a.file_identity()
        assert files.total == len(plan)
        statuses = Counter(status for status, _, _ in plan.values())
        assert sum(n for s, _, n in files.parts if s == "counted") == statuses["counted"]
        assert sum(n for s, _, n in files.parts if s == "not_counted") == statuses["not_counted"]
        assert sum(n for s, _, n in files.parts if s == "skipped") == statuses["skipped"]
        counted_codes = {code for status, _, code in plan.values() if status == "counted"}
        units = a.unit_identity()
        assert units.total == len(ROSTER)
        claimed = {code for status, _, code in plan.values() if status != "skipped" and code}
        not_submitted = [code for code in ROSTER if code not in claimed]
        assert dict((s, n) for s, r, n in units.parts if s == "not_submitted") == {"not_submitted": len(not_submitted)}
        assert {e.unit_code for e in c.missing} == set(not_submitted)
        assert {u.code for u in a.off_roster} == counted_codes - set(ROSTER)
        assert c.figures["units_expected"] == c.figures["units_received"] + c.figures["units_missing"]

        # Nothing of an uncounted file reaches a total, a ranking or a chart (charts and the heat
        # map are drawn from c.units and c.ranked).
        counted_files = {file for file, (status, _, _) in plan.items() if status == "counted"}
        assert {u.file for u in c.units} == counted_files
        assert {r.unit.file for r in c.ranked} <= counted_files
        assert len({u.unit_code.upper() for u in c.units}) == len(c.units)  # one file per unit
        # A file counted under the code its name starts with is the no-code copy of U02's workbook.
        source = {f: "U02" if not Path(f).name.startswith("f") else plan[f][2] for f in counted_files}
        expected_risks = sum(risk_count(source[f]) for f in counted_files)
        assert c.figures["risks_total"] == expected_risks == len(c.ranked)
        assert c.figures["units_counted"] == len(counted_files)
        assert c.figures["files_not_counted"] == statuses["not_counted"]
