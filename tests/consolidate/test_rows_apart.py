"""Tables rendered apart, by a forked child (``RowsWorkbook.write_rows_apart``), give the same
file as tables rendered in-process, and the parent takes over when a child cannot render.

Each case runs in a fresh interpreter: a child is forked only from a single-threaded process,
and the test process may hold threads of other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rendering apart forks: Linux only")

SCRIPT = r"""
import json, os, sys
from icx.consolidate import xlsx_rows
from icx.consolidate.xlsx import Column, Styles, new_workbook, table
from icx.core.methodology import default_methodology

path, apart, text, min_rows = sys.argv[1], sys.argv[2] == "apart", sys.argv[3], int(sys.argv[4])
xlsx_rows.APART_MIN_ROWS = min_rows
forks, parent_rows = [], []
real_fork, real_write_rows = os.fork, xlsx_rows.RowsWorkbook.write_rows
def fork():
    pid = real_fork()
    if pid:
        forks.append(pid)
    return pid
def write_rows(self, ws, *args):
    if os.getpid() == main_pid:
        parent_rows.append(ws.name)
    return real_write_rows(self, ws, *args)
main_pid = os.getpid()
os.fork, xlsx_rows.RowsWorkbook.write_rows = fork, write_rows

rows = [[i, f"{text} {i}", i / 7, None if i % 5 else "x<y & z>"] for i in range(300)]
wb = new_workbook(path)
wb.set_properties({"created": __import__("datetime").datetime(2026, 1, 1)})
styles = Styles.of(wb, default_methodology())
cols = [Column("序号", 8, "integer"), Column("说明", 20, "wrap"), Column("值", 9, "decimal"), Column("备注", 9)]
first_sheet = wb.add_worksheet("前表")
table(first_sheet, styles, 0, cols, rows[:10])
middle = wb.add_worksheet("中表")  # given apart too, but kept for the parent
table(middle, styles, 0, cols, iter(rows[:50]), count=50 if apart else None)
big = wb.add_worksheet("大表")
count = len(rows) if apart else None
last = table(big, styles, 1, cols, iter(rows), count=count)[1]
big.write_string(last + 1, 0, "合计")
wb.render_apart(big)
after = wb.add_worksheet("后表")
table(after, styles, 0, cols, rows[:3])
wb.close()
print(json.dumps({"forks": len(forks), "parent_rows": parent_rows}))
"""


def _write(path: Path, apart: bool, text: str, min_rows: int = 1) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), "apart" if apart else "here", text, str(min_rows)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("text", ["风险描述", "响铃_x0007_"])
def test_a_table_rendered_by_a_child_gives_the_same_file_as_without(tmp_path: Path, text: str) -> None:
    alone = _write(tmp_path / "alone.xlsx", apart=True, text=text, min_rows=10**6)  # too small for a child
    child = _write(tmp_path / "child.xlsx", apart=True, text=text)
    # Without a child the tables wait for close, and are rendered, in the order given, after
    # the sheets written at once.
    assert alone == {"forks": 0, "parent_rows": ["前表", "后表", "中表", "大表"]}
    assert child["forks"] == 1
    if "_x0007_" in text:
        # A text that looks like an escape needs the shared-string table, which only the parent has: the
        # parent renders the table at close, as it does when there is no child at all.
        assert child["parent_rows"] == ["前表", "后表", "中表", "大表"]
    else:  # the child rendered the big table, the parent the others
        assert child["parent_rows"] == ["前表", "后表", "中表"]
    assert _parts(tmp_path / "child.xlsx") == _parts(tmp_path / "alone.xlsx")


def test_plain_text_rendered_later_gives_the_bytes_of_text_rendered_at_once(tmp_path: Path) -> None:
    here = _write(tmp_path / "here.xlsx", apart=False, text="风险描述")  # rendered at once
    assert here == {"forks": 0, "parent_rows": ["前表", "中表", "大表", "后表"]}
    _write(tmp_path / "child.xlsx", apart=True, text="风险描述")
    assert _parts(tmp_path / "child.xlsx") == _parts(tmp_path / "here.xlsx")


def test_rows_rendered_apart_read_back_in_place(tmp_path: Path) -> None:
    import openpyxl

    _write(tmp_path / "apart.xlsx", apart=True, text="风险描述")
    ws = openpyxl.load_workbook(tmp_path / "apart.xlsx")["大表"]
    assert [c.value for c in ws[3]] == [0, "风险描述 0", 0, "x<y & z>"]
    assert [c.value for c in ws[302]] == [299, "风险描述 299", pytest.approx(299 / 7), None]
    assert ws["A303"].value == "合计"
    assert ws.auto_filter.ref == "A2:D302"


def test_no_fork_where_other_threads_run() -> None:
    import threading

    from icx.consolidate.xlsx_rows import can_fork

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert can_fork() is False
    finally:
        stop.set()
        thread.join()


DISCARD = r"""
import os
from icx.consolidate import xlsx_rows
from icx.consolidate.xlsx import Column, Styles, new_workbook, table
from icx.core.methodology import default_methodology

xlsx_rows.APART_MIN_ROWS = 1
wb = new_workbook(os.environ["OUT"])
styles = Styles.of(wb, default_methodology())
ws = wb.add_worksheet("大表")
table(ws, styles, 0, [Column("序号", 8, "integer")], iter([[i] for i in range(100_000)]), count=100_000)
wb.render_apart(ws)
wb.discard_apart()  # as write_summary does when a later sheet fails
try:
    os.waitpid(-1, os.WNOHANG)
    print("a child is left")
except ChildProcessError:
    print("no child left")
"""


def test_a_summary_that_fails_leaves_no_child_behind(tmp_path: Path) -> None:
    import os

    done = subprocess.run(
        [sys.executable, "-c", DISCARD],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OUT": str(tmp_path / "x.xlsx")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no child left"
    assert not (tmp_path / "x.xlsx").exists()
