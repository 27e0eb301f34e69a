"""Same inputs, same outputs: snapshot what `icx consolidate` writes for the benchmark's units,
then compare two snapshots cell by cell.

Used to prove that a change to the consolidation path (reading, scoring, writing) leaves the
committee workbook and every feedback workbook as they were:

    python benchmarks/same_outputs.py snapshot /tmp/before          # before the change
    python benchmarks/same_outputs.py snapshot /tmp/after           # after it
    python benchmarks/same_outputs.py compare /tmp/before /tmp/after

``snapshot`` generates the benchmark's demo units (``--units``, default 200, in ``--dir``; kept
between runs, so both snapshots read the same files) plus a few broken files (truncated, not a
zip, a missing register sheet), and a roster naming one unit that sent nothing, then runs
``icx consolidate`` with ``--feedback``, a fixed ``--as-of`` and ``--period``.

``compare`` holds the two committee workbooks and every pair of feedback workbooks equal: the
same sheets in the same order, and in each the same value and number format in every cell, the
same merged ranges; the same package parts. The one cell allowed to differ is the generation time
on 说明 (a timestamp on both sides). Exit status 0 when everything matches, 1 otherwise (every
difference printed, up to a limit).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from consolidate import generate  # noqa: E402 — the benchmark's own unit generator

AS_OF = "2026-12-31"
PERIOD = "2026"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
SHOWN = 40  # differences printed at most


def _broken_files(folder: Path, sample: Path) -> None:
    """Files a batch must report, not choke on (their problems land on 问题清单)."""
    data = sample.read_bytes()
    (folder / "ZZ-截断.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "ZZ-不是工作簿.xlsx").write_bytes(b"not a workbook at all\n" * 20)
    wb = openpyxl.load_workbook(sample)
    del wb[wb.sheetnames[2]]  # the register (after 填报说明 and 单位信息)
    wb.save(folder / "ZZ-缺表.xlsx")


def _roster(path: Path, units: list[Path]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位编码", "单位名称", "联系人", "电子邮箱"])
    for unit in units:
        ws.append([unit.stem, "", "", ""])
    ws.append(["NOSHOW", "未报送单位", "钱七", "noshow@example.gov.cn"])
    wb.save(path)


def snapshot(out: Path, units_dir: Path, count: int, jobs: int) -> None:
    units = sorted(units_dir.glob("FB*.xlsx")) if units_dir.exists() else []
    if len(units) != count:
        print(f"generating {count} unit workbooks in {units_dir} …", flush=True)
        units = generate(units_dir, count, jobs)
        _broken_files(units_dir, units[0])
    roster = units_dir.parent / f"{units_dir.name}-roster.xlsx"
    if not roster.exists():  # written once: its SHA-256 is on 说明
        _roster(roster, units)
    out.mkdir(parents=True, exist_ok=True)
    command = [
        *(sys.executable, "-m", "icx.cli.app", "consolidate", str(units_dir)),
        *("-o", str(out / "committee.xlsx"), "--feedback", str(out / "feedback")),
        *("--roster", str(roster), "--as-of", AS_OF, "--period", PERIOD, "--jobs", str(jobs)),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: the batch has findings (it does: broken files)
        raise SystemExit(f"icx consolidate failed ({done.returncode}):\n{done.stderr}")
    print(f"snapshot in {out}: committee.xlsx, {len(list((out / 'feedback').glob('*.xlsx')))} feedback workbooks")


def _cells(path: Path) -> tuple[list[str], dict[str, dict[str, tuple]], dict[str, list[str]]]:
    wb = openpyxl.load_workbook(path)
    cells = {
        ws.title: {
            c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row if c.value is not None
        }
        for ws in wb
    }
    merged = {ws.title: sorted(str(r) for r in ws.merged_cells.ranges) for ws in wb}
    return wb.sheetnames, cells, merged


def _parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return sorted(zf.namelist())


def compare_workbooks(a: Path, b: Path) -> list[str]:
    """Every difference between workbooks ``a`` and ``b`` (empty when they hold the same cells)."""
    found: list[str] = []
    if _parts(a) != _parts(b):
        found.append(f"{b.name}: package parts differ: {sorted(set(_parts(a)) ^ set(_parts(b)))}")
    names_a, cells_a, merged_a = _cells(a)
    names_b, cells_b, merged_b = _cells(b)
    if names_a != names_b:
        found.append(f"{b.name}: sheets {names_a} ≠ {names_b}")
    for sheet in names_a:
        if sheet not in cells_b:
            continue
        if merged_a[sheet] != merged_b[sheet]:
            found.append(f"{b.name}!{sheet}: merged ranges differ")
        left, right = cells_a[sheet], cells_b[sheet]
        for ref in sorted(left.keys() | right.keys()):
            x, y = left.get(ref), right.get(ref)
            if x == y:
                continue
            if x and y and all(isinstance(v[0], str) and TIMESTAMP.fullmatch(v[0]) for v in (x, y)):
                continue  # the generation time
            found.append(f"{b.name}!{sheet}!{ref}: {x!r} ≠ {y!r}")
    return found


def compare(before: Path, after: Path) -> int:
    found = compare_workbooks(before / "committee.xlsx", after / "committee.xlsx")
    feedback_a = sorted(p.name for p in (before / "feedback").glob("*.xlsx"))
    feedback_b = sorted(p.name for p in (after / "feedback").glob("*.xlsx"))
    if feedback_a != feedback_b:
        found.append(f"feedback files differ: {sorted(set(feedback_a) ^ set(feedback_b))}")
    for name in sorted(set(feedback_a) & set(feedback_b)):
        found += compare_workbooks(before / "feedback" / name, after / "feedback" / name)
    for line in found[:SHOWN]:
        print(line)
    if len(found) > SHOWN:
        print(f"… and {len(found) - SHOWN} more")
    print(
        f"compared committee.xlsx and {len(feedback_a)} feedback workbooks: "
        + ("the same cells" if not found else f"{len(found)} differences")
    )
    return 1 if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot", help="run icx consolidate on the benchmark's units into OUT")
    snap.add_argument("out", type=Path)
    snap.add_argument("--dir", type=Path, default=Path("/tmp/icx-same-outputs/units"), help="the unit workbooks")
    snap.add_argument("--units", type=int, default=200)
    snap.add_argument("--jobs", type=int, default=2)
    comp = sub.add_parser("compare", help="compare two snapshots cell by cell")
    comp.add_argument("before", type=Path)
    comp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out, args.dir, args.units, args.jobs)
    else:
        raise SystemExit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
