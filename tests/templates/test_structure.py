"""What the built templates hold: sheets and headers from the catalogue, tables the readers find,
dropdowns, level colours, frozen headers, A4 landscape printing, protection, classic functions."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from icx import i18n
from icx.core.evaluation import default_checklist
from icx.core.methodology import default_methodology
from icx.io.grid import load_grid
from icx.io.print_layout import MIN_PRINTED_PT, SCALE_MARGIN, print_scale
from icx.io.sheet_print import printed_columns, smallest_font
from icx.io.specs import columns, sheet_names
from icx.io.table import read_table
from icx.io.unit_workbook import area_of_sheet
from icx.templates import build, save_template
from icx.templates.duties import WINDOWS

CLASSIC = {
    # the rotation and approval-limit columns (icx.templates.oversight; SUBSTITUTE, LEFT, LEN, NOT below)
    "COUNTIFS",
    "TODAY",
    "LOWER",
    "IF",
    "AND",
    "OR",
    "TRIM",
    "VALUE",
    "RIGHT",
    "ISNUMBER",
    "ISNA",
    "ISERROR",
    "INDEX",
    "MATCH",
    "COUNTA",
    "COUNTIF",
    "AVERAGE",
    "MAX",
    "ROUND",
    "ROUNDUP",
    "SUMPRODUCT",
    "EXACT",
    "NA",
    # reading a cell as icx does (icx/templates/cell_formulas.py)
    "NOT",
    "ISLOGICAL",
    "IFERROR",
    "ASC",
    "SUBSTITUTE",
    "CHAR",
    "LEFT",
    "MID",
    "LEN",
    "FIND",
    "COUNT",
    "SUM",  # the 基础性评价 sheet's totals
    "SUMIF",
    "ABS",
}
FUNCTION = re.compile(r"([A-Z][A-Z0-9.]*)\(")


@pytest.fixture(scope="module", params=["zh", "en"])
def unit(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    built = build("unit", request.param)
    path = save_template(built, tmp_path_factory.mktemp("structure") / f"unit-{request.param}.xlsx")
    return built, path, openpyxl.load_workbook(path)


def _names(key: str, lang: str) -> str:
    return i18n.section("sheets")[key][lang]


def test_sheets_in_order_with_catalogue_names(unit) -> None:
    built, _, wb = unit
    lang = built.book.lang
    m = default_methodology()
    prefix = _names("control_matrix", lang)
    matrices = [f"{prefix}-{(a.short_zh if lang == 'zh' else a.short_en)}" for a in m.areas]
    expected = (
        [_names(k, lang) for k in ("readme", "unit_info", "register")]
        + matrices
        + [_names(k, lang) for k in ("duties", "posts_authority", "evaluation", "basic_evaluation")]
        + [_names(k, lang) for k in ("transaction_log", "settings")]
    )
    assert wb.sheetnames == expected
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert [area_of_sheet(name) for name in matrices] == [a.code for a in m.areas]


def test_readers_find_every_table_with_every_column(unit) -> None:
    built, path, _ = unit
    book = load_grid(path)
    lang = built.book.lang
    register = read_table(book.sheets[_names("register", lang)], "register")
    expected = {s.key for s in columns("register") if not s.numbered}
    expected |= {f"{kind}_{n}" for kind in ("likelihood", "impact") for n in range(1, 6)}
    assert set(register.columns) == expected and register.problems == []
    assert register.header_row + 1 == built.placements["register"].header_row
    for key in (k for k in built.placements if k.startswith("controls:")):
        table = read_table(book.sheets[built.sheets[key]], "control_matrix")
        assert set(table.columns) == {s.key for s in columns("control_matrix")} and table.problems == []
    duties = book.sheets[_names("duties", lang)]
    header_rows = set()
    for table_name, window in WINDOWS.items():
        table = read_table(duties, table_name, window=window)
        assert set(table.columns) == {s.key for s in columns(table_name)}, table_name
        assert min(table.columns.values()) == window[0] and max(table.columns.values()) == window[1]
        header_rows.add(table.header_row)
    assert len(header_rows) == 1 and WINDOWS["post_duties"][0] == WINDOWS["duty_rules"][1] + 2
    for key, table_name in (("evaluation", "evaluation"), ("transaction_log", "transaction_log")):
        table = read_table(book.sheets[_names(key, lang)], table_name)
        assert set(table.columns) == {s.key for s in columns(table_name)}
    info = book.sheets[_names("unit_info", lang)]
    labels = [row[0] for row in info.rows[2:] if row and row[0]]
    assert labels == [s.header(lang) for s in columns("unit_info")]


def test_checklist_is_seeded_from_the_library(unit) -> None:
    built, path, _ = unit
    table = read_table(load_grid(path).sheets[built.sheets["evaluation"]], "evaluation")
    assert list(table.frame["item_id"]) == [item.id for item in default_checklist()]
    assert table.frame["result"].isna().all()


def _list_values(wb: openpyxl.Workbook, name: str) -> list:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]


def test_dropdowns_offer_the_catalogue_choices(unit) -> None:
    built, _, wb = unit
    lang = built.book.lang
    m = default_methodology()
    for key in ("yes_no", "nature", "mode", "frequency", "effectiveness", "grade", "status"):
        assert _list_values(wb, f"icx_{key}") == [c[lang] for c in i18n.section("choices")[key]]
    assert _list_values(wb, "icx_results") == [c[lang] for c in i18n.section("choices")["result"]]
    assert _list_values(wb, "icx_areas") == [a.short_zh if lang == "zh" else a.name_en for a in m.areas]
    assert _list_values(wb, "icx_level_names") == [m.level_name(lv, lang) for lv in (1, 2, 3)]

    def validations(sheet_key: str) -> dict[str, tuple[str, bool]]:
        ws = wb[built.sheets[sheet_key]]
        letters = {v: k for k, v in built.placements[sheet_key].letters.items()}
        out = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                out[letters.get(re.match(r"[A-Z]+", rng.coord).group())] = (dv.formula1, dv.showErrorMessage)
        return out

    reg = validations("register")
    assert reg["area"] == ("icx_areas", True)
    # Scores: what the formulas can grade (cell_formulas), refused while typing otherwise.
    assert "icx_lk_words" in reg["likelihood_3"][0] and reg["likelihood_3"][1]
    assert "icx_im_words" in reg["impact_5"][0] and reg["impact_5"][1]
    assert reg["response"][0] == "icx_responses"
    ctl = validations("controls:budget")
    assert ctl["nature"] == ("icx_nature", True) and ctl["key_control"] == ("icx_yes_no", True)
    ev = validations("evaluation")
    assert (
        ev["result"] == ("icx_results", True)
        and ev["grade"] == ("icx_grade", True)
        and ev["status"] == ("icx_status", True)
    )


def test_levels_are_coloured_from_the_methodology(unit) -> None:
    built, _, wb = unit
    colours = {lv.color.upper() for lv in default_methodology().risk_levels}
    ws = wb[built.sheets["register"]]
    level = built.placements["register"].letters["level"]
    rules = [r for rng in ws.conditional_formatting for r in rng.rules if str(rng.sqref).startswith(level)]
    assert {r.dxf.fill.bgColor.rgb[-6:] for r in rules} == colours
    matrix = wb[_names("settings", built.book.lang)]
    rules = [r for rng in matrix.conditional_formatting for r in rng.rules]
    assert {r.formula[0].strip('"') for r in rules} == {
        default_methodology().level_name(lv, built.book.lang) for lv in (1, 2, 3)
    }


def test_frozen_headers_and_a4_landscape_printed_legibly_with_repeated_titles(unit) -> None:
    built, _, wb = unit
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows, ws.title
        columns = printed_columns(ws)
        smallest = smallest_font(ws, columns)
        if ws.sheet_properties.pageSetUpPr.fitToPage:  # one page wide, any number tall, text legible
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
            assert print_scale(columns.values()) * smallest >= MIN_PRINTED_PT, ws.title
        else:  # too wide for that: a fixed legible zoom, pages across, identifying columns repeated
            assert ws.page_setup.scale / 100 * smallest >= MIN_PRINTED_PT, ws.title
            assert print_scale(columns.values()) * smallest < MIN_PRINTED_PT * SCALE_MARGIN, ws.title
            assert ws.page_setup.pageOrder == "overThenDown", ws.title
    registers = [wb[built.sheets[k]] for k in built.sheets if k == "register" or k.startswith("controls:")]
    assert registers and all(ws.print_title_cols for ws in registers)
    for key, placement in built.placements.items():
        ws = wb[built.sheets[key]]
        assert ws.freeze_panes and int(re.sub(r"[A-Z]", "", ws.freeze_panes)) == placement.first_row, key
        assert str(placement.header_row) in ws.print_title_rows


def test_formula_cells_locked_input_cells_open_no_password(unit) -> None:
    built, _, wb = unit
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.protection.locked, f"{ws.title}!{cell.coordinate}"
    reg = wb[built.sheets["register"]]
    p = built.placements["register"]
    for key in ("id", "area", "description", "likelihood_1", "impact_5", "loss_amount", "owner"):
        assert not reg[f"{p.letters[key]}{p.first_row}"].protection.locked, key
        assert not reg[f"{p.letters[key]}{p.last_row}"].protection.locked, key
    for key in ("likelihood", "impact", "score", "level", "rank"):
        assert reg[f"{p.letters[key]}{p.last_row}"].value.startswith("=")
    settings = wb[_names("settings", built.book.lang)]
    sheet, ref = next(iter(wb.defined_names["icx_matrix"].destinations))
    assert all(not c.protection.locked for row in wb[sheet][ref.replace("$", "")] for c in row)
    assert settings["A1"].protection.locked


def test_only_classic_functions_and_names_that_resolve(unit) -> None:
    built, _, wb = unit
    used: set[str] = set()
    texts = []
    for ws in wb.worksheets:
        texts += [
            c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
        ]
        texts += [f for rng in ws.conditional_formatting for r in rng.rules for f in (r.formula or ())]
        texts += [dv.formula1 or "" for dv in ws.data_validations.dataValidation]
    for text in texts:
        assert "_xlfn" not in text and "_xlws" not in text
        used |= set(FUNCTION.findall(text))
    assert used <= CLASSIC, used - CLASSIC
    for name, defined in wb.defined_names.items():
        for sheet, ref in defined.destinations:
            assert sheet in wb.sheetnames, name
            assert wb[sheet][ref.replace("$", "")] is not None
    referenced = {n for text in texts for n in re.findall(r"icx_[a-z_]+", text)}
    assert referenced <= set(wb.defined_names), referenced - set(wb.defined_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_standalone_templates_come_from_the_same_code(lang: str) -> None:
    s = lambda key: _names(key, lang)  # noqa: E731
    register = build("register", lang)
    assert register.wb.sheetnames == [s("readme"), s("unit_info"), s("register"), s("settings")]
    controls = build("controls", lang)
    assert controls.wb.sheetnames[0] == s("readme") and controls.wb.sheetnames[-1] == s("settings")
    assert len(controls.wb.sheetnames) == 2 + len(default_methodology().areas)
    ws = controls.wb[controls.sheets["controls:budget"]]
    level = controls.placements["controls:budget"]
    cell = ws[f"{level.letters['risk_level']}{level.first_row}"]
    assert cell.value is None and not cell.protection.locked  # chosen from a list: no register to look up
    checklist = build("checklist", lang)
    assert checklist.wb.sheetnames == [s("readme"), s("unit_info"), s("evaluation"), s("settings")]


def test_english_template_speaks_english(tmp_path: Path) -> None:
    built = build("unit", "en")
    ws = built.wb[built.sheets["register"]]
    p = built.placements["register"]
    assert ws[f"{p.letters['id']}{p.header_row}"].value == "Risk ID"
    assert ws[f"{p.letters['likelihood_2']}{p.header_row}"].value == "Assessor 2 likelihood"
    assert sheet_names("register")[1] == ws.title


def test_every_validation_says_what_to_type_and_why_an_entry_was_refused(unit) -> None:
    built, _, wb = unit
    zh = built.book.lang == "zh"
    count = 0
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            count += 1
            assert dv.showInputMessage and dv.prompt, (ws.title, dv.sqref)
            if dv.showErrorMessage:
                assert dv.error and dv.errorTitle, (ws.title, dv.sqref)
                assert not zh or re.search(r"[\u4e00-\u9fff]", dv.error), (ws.title, dv.sqref)
    assert count > 40


def test_the_duty_columns_offer_the_duty_vocabulary_with_a_warning(unit) -> None:
    from icx.core.conflicts import default_library

    built, _, wb = unit
    assert _list_values(wb, "icx_duties") == list(default_library().vocabulary)
    ws = wb[built.sheets["post_duties"]]
    letters = {table: built.placements[table].letters for table in ("post_duties", "duty_rules")}
    wanted = {letters["post_duties"]["duty"], letters["duty_rules"]["duty_a"], letters["duty_rules"]["duty_b"]}
    found = {
        rng.coord.split(":")[0].rstrip("0123456789"): dv
        for dv in ws.data_validations.dataValidation
        for rng in dv.sqref.ranges
    }
    for letter in wanted:
        dv = found[letter]
        assert dv.formula1 == "icx_duties" and dv.errorStyle == "warning" and dv.showErrorMessage
