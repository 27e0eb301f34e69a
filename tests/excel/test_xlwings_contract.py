"""Every ribbon macro through ``XlwingsPort`` on the contract engine (an Excel for Windows and an
Excel for Mac, ``xlengine``) and through ``OpenpyxlPort``: the same workbook cell by cell, the
same messages, round trips bounded; and each live-Excel defect the engine exposes, fixed."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from icx.excel import macros
from icx.excel.port_openpyxl import OpenpyxlPort
from icx.excel.port_xlwings import XlwingsPort
from icx.io.specs import sheet_names

from .contract import differences, dump, run_both
from .unitbooks import demo_unit_workbook, register_table
from .xlengine import MAC, WINDOWS, Excel, Refused, typed_input

AS_OF = dt.date(2026, 12, 31)
FLAVOURS = pytest.mark.parametrize("flavour", [WINDOWS, MAC])
SHEET_MACROS = {
    "score_workbook": {},
    "validate_workbook": {"as_of": AS_OF},
    "check_conflicts": {},
    "evaluate_checklist": {"as_of": AS_OF},
}


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_unit_workbook(tmp_path_factory.mktemp("unit"), index=1)


@pytest.fixture(autouse=True)
def icx_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The runner's log goes under ICX_HOME: a fresh one per test."""
    home = tmp_path / "icx-home"
    monkeypatch.setenv("ICX_HOME", str(home))
    return home


def _edited(source: Path, target: Path, edit) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    wb.save(target)
    return target


# --- the engine itself -----------------------------------------------------------------------------
def test_the_engine_converts_typed_text_as_excel_does() -> None:
    today = dt.date(2026, 3, 1)
    assert typed_input("0107", today) == (107.0, None, "value")
    assert typed_input("1.10", today) == (1.1, None, "value")
    assert typed_input("12,000", today) == (12000.0, "#,##0", "value")
    assert typed_input("35%", today) == (0.35, "0%", "value")
    assert typed_input("2026-01-05", today)[0] == dt.datetime(2026, 1, 5)
    assert typed_input("1-10", today)[0] == dt.datetime(2026, 1, 10)  # a risk id read as 10 January
    assert typed_input("TRUE", today) == (True, None, "value")
    assert typed_input("=A1", today) == ("=A1", None, "formula")
    assert typed_input("-abc", today)[2] == "formula"
    assert typed_input("'0107", today) == ("0107", None, "text")
    assert typed_input("'=A1", today) == ("=A1", None, "text")
    assert typed_input("DW-01", today) == ("DW-01", None, "text")
    assert typed_input("13-45", today) == ("13-45", None, "text")


@FLAVOURS
def test_the_engine_refuses_what_excel_refuses(unit: Path, flavour: str) -> None:
    excel = Excel(flavour)
    book = excel.open(unit)
    register = book.sheets["风险清单"]  # protected by the template, its formula cells locked
    with pytest.raises(Refused):
        register.range("A5").color = (255, 0, 0)
    with pytest.raises(Refused):
        register.range("T5").value = 3  # a locked formula cell
    register.range("A5").value = "'0107"  # an input cell, unlocked
    assert register.range("A5").value == "0107"
    with pytest.raises(Refused):
        book.sheets.add("风险清单")  # taken
    with pytest.raises(Refused):
        book.sheets.add("RISK")
        book.sheets.add("risk")  # taken, ignoring case
    with pytest.raises(AttributeError):  # each Excel knows only its own object model's names
        register.api.protect_contents if flavour == WINDOWS else register.api.ProtectContents  # noqa: B018


# --- each macro, both ways --------------------------------------------------------------------------
@FLAVOURS
@pytest.mark.parametrize("macro", list(SHEET_MACROS))
def test_each_macro_writes_in_excel_what_it_writes_headless(unit: Path, flavour: str, macro: str, tmp_path: Path):
    both = run_both(unit, macros.MACROS[macro], flavour, tmp_path, **SHEET_MACROS[macro])
    assert differences(both.headless_file, both.excel_file) == []
    assert both.excel_messages == both.headless.messages and both.excel_messages
    assert both.excel.status_lines == [f"icx 内部控制：正在{macros.button_label(macro)}……", None]


@FLAVOURS
def test_english_score_in_excel(unit: Path, flavour: str, tmp_path: Path) -> None:
    both = run_both(unit, macros.score_workbook, flavour, tmp_path, lang="en")
    assert differences(both.headless_file, both.excel_file) == []
    assert both.excel_messages == both.headless.messages


@FLAVOURS
def test_validate_twice_clears_its_own_colours_in_few_round_trips(unit: Path, flavour: str, tmp_path: Path):
    """40 bad scores are coloured, then fixed: the second run clears the 40 colours reading them
    a batch at a time (two reads per batch, not two per cell); a colour the unit set stays."""
    table = register_table(unit)
    rows = list(table.frame.index)[:40]
    bad = [table.cell(r, "likelihood_2") for r in rows]
    own = table.cell(rows[0], "description")

    def breaking(wb):
        for ref in bad:
            wb[table.sheet][ref] = "很高吧"

    broken = _edited(unit, tmp_path / "broken.xlsx", breaking)
    first = run_both(broken, macros.validate_workbook, flavour, tmp_path / "first", as_of=AS_OF)
    assert differences(first.headless_file, first.excel_file) == []
    coloured = dump(first.excel_file)[table.sheet]["cells"]
    assert all(coloured[ref][2] == macros.ERROR_FILL for ref in bad)

    def fixing(wb):
        for ref in bad:
            wb[table.sheet][ref] = 3
        wb[table.sheet][own].fill = openpyxl.styles.PatternFill("solid", fgColor="00B0F0")

    # Each side goes on from its own first result (they are equal).
    fixed_headless = _edited(first.headless_file, tmp_path / "fixed-h.xlsx", fixing)
    fixed_excel = _edited(first.excel_file, tmp_path / "fixed-x.xlsx", fixing)
    headless = OpenpyxlPort.open(fixed_headless)
    macros.validate_workbook(port=headless, as_of=AS_OF)
    headless_out = headless.save(tmp_path / "second-h.xlsx")
    excel = Excel(flavour)
    book = excel.open(fixed_excel)
    macros.validate_workbook(port=XlwingsPort(book, mac=flavour == MAC), as_of=AS_OF)
    excel_out = excel.save(book, tmp_path / "second-x.xlsx")
    assert differences(headless_out, excel_out) == []
    cells = dump(excel_out)[table.sheet]["cells"]
    assert all(cells[ref][2] is None for ref in bad) and cells[own][2] == "00B0F0"
    assert excel.trips["Range.color get"] <= 8 and excel.trips["Range.color set"] <= 4


@FLAVOURS
def test_summary_and_email_from_excel(flavour: str, tmp_path: Path) -> None:
    from icx.demo.data import make_units

    folder = tmp_path / "units"
    folder.mkdir()
    for i in range(3):
        demo_unit_workbook(folder, index=i)
    unit_file = next(folder.glob("FB001*.xlsx"))
    headless = OpenpyxlPort.open(unit_file)
    summary = macros.build_summary(folder=folder, port=headless, as_of=AS_OF)
    expected = {ws.title: list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(summary)}
    summary.unlink()
    shutil.rmtree(folder / macros.FEEDBACK_FOLDER)

    # Windows asks for the folder (Excel's folder picker); a Mac uses the workbook's folder.
    excel = Excel(flavour, picked_folder=folder)
    port = XlwingsPort(excel.open(unit_file), mac=flavour == MAC)
    assert macros.build_summary(port=port, as_of=AS_OF) == summary
    assert excel.opened == [summary]
    got = {ws.title: list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(summary)}
    readme = sheet_names("readme")[0]
    assert {t: v for t, v in got.items() if t != readme} == {t: v for t, v in expected.items() if t != readme}
    assert [p for _, p in excel.alerts] == headless.messages

    people = openpyxl.Workbook()
    people.active.title = "收件人"
    people.active.append(["角色", "单位编码", "单位名称", "姓名", "电子邮箱"])
    people.active.append(["委员会", None, None, "主任", "director@example.gov.cn"])
    for u in make_units(3):
        people.active.append(["单位", u.code, u.name, u.preparer, u.email])
    people.save(folder / "收件人.xlsx")
    drafts = {}
    for way in ("headless", "excel"):
        if way == "headless":
            mailer = OpenpyxlPort.open(summary)
        else:
            mailer = XlwingsPort(Excel(flavour).open(summary), mac=flavour == MAC)
        assert macros.email_summary(port=mailer, dry_run=tmp_path / way) is not None
        drafts[way] = sorted(
            (str(m["To"]), str(m["Subject"]))
            for m in (
                email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in (tmp_path / way).glob("*.eml")
            )
        )
    assert drafts["excel"] == drafts["headless"] and len(drafts["excel"]) == 4


def test_a_cancelled_folder_picker_is_told(unit: Path) -> None:
    excel = Excel(WINDOWS, picked_folder=None)
    assert macros.build_summary(port=XlwingsPort(excel.open(unit), mac=False)) is None
    assert "已取消" in excel.alerts[-1][1]


@FLAVOURS
def test_help_in_excel(unit: Path, flavour: str) -> None:
    excel = Excel(flavour)
    text = macros.show_help(port=XlwingsPort(excel.open(unit), mac=flavour == MAC))
    assert excel.alerts == [("icx 内部控制", text)] and "ICX_LEVEL" in text


ROUND_TRIPS = 400  # calls into Excel per macro on a unit workbook, whatever its size


@pytest.mark.slow
@FLAVOURS
def test_round_trips_do_not_grow_with_the_register(unit: Path, flavour: str, tmp_path: Path) -> None:
    """Whole blocks of values in one call, formats in address batches: a register twelve times
    longer costs (almost) no more calls. benchmarks/excel_round_trips.py prints them for 3,000 risks."""
    from icx.demo.data import make_unit
    from icx.demo.workbooks import write_unit_workbook

    big = write_unit_workbook(make_unit(1, risks=300), tmp_path / "big.xlsx")
    for macro, kwargs in SHEET_MACROS.items():
        counts = []
        for source in (unit, big):
            excel = Excel(flavour)
            macros.MACROS[macro](port=XlwingsPort(excel.open(source), mac=flavour == MAC), **kwargs)
            counts.append(excel.total_trips)
        assert counts[1] <= 1.25 * counts[0] and counts[1] <= ROUND_TRIPS, (macro, counts)


# --- the defects, each held by a test that failed before ------------------------------------------
LOOKS_LIKE = ["0107", "1.10", "2026-01-05", "1-10", "35%", "TRUE", "(5)", "¥12"]


@FLAVOURS
def test_text_is_written_as_text_whatever_it_looks_like(unit: Path, flavour: str, tmp_path: Path) -> None:
    """Risk ids Excel would read as numbers, dates, percentages or booleans stay text."""
    table = register_table(unit)
    rows = list(table.frame.index)

    def renaming(wb):
        for row, text in zip(rows, LOOKS_LIKE):
            wb[table.sheet][table.cell(row, "id")] = text
            wb[table.sheet][table.cell(row, "id")].data_type = "s"

    source = _edited(unit, tmp_path / "ids.xlsx", renaming)
    both = run_both(source, macros.score_workbook, flavour, tmp_path)
    assert differences(both.headless_file, both.excel_file) == []
    ranking = list(openpyxl.load_workbook(both.excel_file)[sheet_names("ranking")[0]].iter_rows(values_only=True))
    column = ranking[0].index("风险编号")
    assert set(LOOKS_LIKE) <= {row[column] for row in ranking[1:]}

    excel = Excel(flavour)
    port = XlwingsPort(excel.open(source), mac=flavour == MAC)
    port.write_column("风险清单", 22, {5 + i: text for i, text in enumerate(LOOKS_LIKE)})  # column W: input cells
    assert [port.read_sheet("风险清单").rows[4 + i][22] for i in range(len(LOOKS_LIKE))] == LOOKS_LIKE


def test_currency_cells_are_read_as_numbers_on_windows(unit: Path, tmp_path: Path) -> None:
    """Loss amounts formatted as Currency or Accounting come back from pywin32 as Decimal: every
    risk is still scored, exactly as from the file."""
    table = register_table(unit)
    rows = list(table.frame.index)
    formats = ['"¥"#,##0.00', "¥#,##0.00", '_ ¥* #,##0.00_ ;_ ¥* -#,##0.00_ ;_ ¥* "-"??_ ;_ @_ ']

    def amounts(wb):
        for i, row in enumerate(rows):
            cell = wb[table.sheet][table.cell(row, "loss_amount")]
            cell.value = 1500.5 + 1000 * i
            cell.number_format = formats[i % 3]

    source = _edited(unit, tmp_path / "money.xlsx", amounts)
    excel = Excel(WINDOWS)
    loss = table.cell(rows[1], "loss_amount")
    assert isinstance(excel.open(source).sheets[table.sheet].range(loss).value, Decimal)  # what pywin32 hands over
    both = run_both(source, macros.score_workbook, WINDOWS, tmp_path / "run")
    assert differences(both.headless_file, both.excel_file) == []
    assert "问题清单" not in both.excel_messages[-1] or both.excel_messages == both.headless.messages
    assert f"已评分{len(rows)}项风险" in both.excel_messages[-1]


@FLAVOURS
def test_protection_is_restored_exactly_as_the_template_had_it(unit: Path, flavour: str, tmp_path: Path) -> None:
    """The template leaves drawing objects and scenarios free and allows formatting columns:
    after icx coloured cells on a protected sheet, the sheet is protected just so again."""
    table = register_table(unit)
    bad = table.cell(list(table.frame.index)[0], "likelihood_1")
    source = _edited(unit, tmp_path / "bad.xlsx", lambda wb: wb[table.sheet].__setitem__(bad, "很高吧"))
    both = run_both(source, macros.validate_workbook, flavour, tmp_path / "run", as_of=AS_OF)
    before, after = dump(source)[table.sheet]["protection"], dump(both.excel_file)[table.sheet]["protection"]
    assert after == before and after["sheet"] and not after["objects"] and not after["scenarios"]
    assert dump(both.excel_file)[table.sheet]["cells"][bad][2] == macros.ERROR_FILL
    assert differences(both.headless_file, both.excel_file) == []


@FLAVOURS
def test_a_password_protected_sheet_is_told_not_crashed(unit: Path, flavour: str, tmp_path: Path) -> None:
    def lock(wb):
        wb["风险清单"].protection.password = "secret"

    excel = Excel(flavour)
    port = XlwingsPort(excel.open(_edited(unit, tmp_path / "locked.xlsx", lock)), mac=flavour == MAC)
    assert macros.score_workbook(port=port) is None
    assert "密码保护" in excel.alerts[-1][1] and "风险清单" in excel.alerts[-1][1]


@FLAVOURS
def test_sheet_names_compared_as_excel_compares_them(unit: Path, flavour: str, tmp_path: Path) -> None:
    """A workbook already holding "risk ranking": the English score replaces it, it does not fail
    (Excel refuses a second sheet of that name in any case) nor add "Risk ranking1"."""
    source = _edited(unit, tmp_path / "lower.xlsx", lambda wb: wb.create_sheet("risk ranking"))
    both = run_both(source, macros.score_workbook, flavour, tmp_path / "run", lang="en")
    names = openpyxl.load_workbook(both.excel_file).sheetnames
    assert "Risk ranking" in names and "risk ranking" not in names and "Risk ranking1" not in names
    assert differences(both.headless_file, both.excel_file) == []


@FLAVOURS
def test_merged_cells_of_the_evaluation_sheet_are_kept(unit: Path, flavour: str, tmp_path: Path) -> None:
    both = run_both(unit, macros.evaluate_checklist, flavour, tmp_path, as_of=AS_OF)
    title = sheet_names("evaluation_results")[0]
    merged = dump(both.excel_file)[title]["merged"]
    assert merged and merged == dump(both.headless_file)[title]["merged"]


def test_the_saved_file_is_read_once_per_click_for_its_merged_ranges(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_calamine

    opened: list[str] = []
    real = python_calamine.CalamineWorkbook.from_path

    def counting(path, *args, **kwargs):
        opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", counting)
    excel = Excel(WINDOWS)
    macros.validate_workbook(port=XlwingsPort(excel.open(unit), mac=False), as_of=AS_OF)
    assert opened == [str(unit)]


# --- the one runner -------------------------------------------------------------------------------------
@FLAVOURS
def test_any_exception_becomes_a_message_a_log_and_a_clean_status_bar(
    unit: Path, flavour: str, icx_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import icx.io.register

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in icx")

    monkeypatch.setattr(icx.io.register, "read_register", broken)
    excel = Excel(flavour)
    assert macros.score_workbook(port=XlwingsPort(excel.open(unit), mac=flavour == MAC)) is None
    message = excel.alerts[-1][1]
    log = icx_home / "logs" / "excel.log"
    assert "“评分分级”未能完成" in message and "ZeroDivisionError: a bug in icx" in message
    assert "请先不要保存" in message and str(log) in message and "Traceback" not in message
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert excel.status is None and excel.status_lines[-1] is None


def test_a_message_excel_does_not_take_goes_to_stderr(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = OpenpyxlPort.open(unit)

    def refuse(message: str) -> None:
        raise OSError("Excel is busy")

    port.tell = refuse  # type: ignore[method-assign]
    with pytest.raises(SystemExit) as stop:
        macros.show_help(port=port)
    err = capsys.readouterr().err
    assert stop.value.code == 1 and "“使用说明”未能完成：OSError: Excel is busy" in err
    assert err.count("excel.log") == 1


def test_a_click_checks_the_xlwings_version_first(unit: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlwings

    excel = Excel(WINDOWS)
    port = XlwingsPort(excel.open(unit), mac=False)
    monkeypatch.setattr(macros, "active_port", lambda: port)
    macros.click("show_help", xlwings.__version__)
    assert excel.alerts[-1][1].startswith("icx 内部控制工具")
    macros.click("show_help", "0.30.0")
    assert "xlwings 0.30.0" in excel.alerts[-1][1] and xlwings.__version__ in excel.alerts[-1][1]
    macros.click("no_such_macro", xlwings.__version__)
    assert "no_such_macro" in excel.alerts[-1][1] and "icx addin install" in excel.alerts[-1][1]


def test_a_click_with_no_excel_to_answer_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], icx_home: Path
) -> None:
    def nothing():
        raise RuntimeError("no workbook")

    monkeypatch.setattr(macros, "active_port", nothing)
    with pytest.raises(SystemExit):
        macros.click("score_workbook", "")
    err = capsys.readouterr().err
    assert "icx 无法读取当前工作簿" in err and "Traceback" not in err
    assert "RuntimeError: no workbook" in (icx_home / "logs" / "excel.log").read_text(encoding="utf-8")
