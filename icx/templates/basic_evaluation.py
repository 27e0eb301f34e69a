"""The 基础性评价 sheet: the MOF basic evaluation, one row per criterion, scored by native formulas.

Rows come from the indicator system (``icx/data/basic_evaluation.toml``). The unit answers each
row 是 / 否 / 不适用 (a banded row takes a rate) with its evidence; the grey icx-derived column is
written by icx (``icx.io.basic_evaluation_sheet.write_derived``) and used when the unit's answer
is blank. The formulas follow ``icx.core.basic_evaluation.scoring`` exactly:

- answer codes: the answer is looked up in the answer-word table (``icx_be_words`` →
  ``icx_be_codes``); a banded row takes a number or a numeric text (VALUE), or 不适用;
- score: 是 → the points; a rate → ROUND(rate, 9) (ABS first where the band says so) scored by
  INDEX(points, 1 + SUMPRODUCT(--(edges < rate))); 不适用 where allowed → blank and its points
  counted as 不适用; anything else → 0;
- totals by SUMIF over the hidden indicator and level columns; converted = ROUND(total ÷
  (100 − 不适用) × 100, digits) when something is 不适用, else the total.

Classic functions only: IF, AND, TRIM, ISNUMBER, ISNA, ISERROR, VALUE, MATCH, INDEX, ROUND, ABS,
SUMPRODUCT, SUMIF, SUM, COUNTIF.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.core.basic_evaluation.system import IndicatorSystem, default_system
from icx.io.safety import put_value
from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 4
SUMMARY_ROW = 3
WIDTHS = {
    "id": 7,
    "indicator": 13,
    "item": 20,
    "criterion": 30,
    "points": 6,
    "na_condition": 12,
    "derived": 7,
    "derived_evidence": 26,
    "answer": 8,
    "override_reason": 16,
    "document": 16,
    "date": 11,
    "used_answer": 8,
    "score": 6,
    "deduction": 7,
    "reason": 24,
    "note": 16,
}
WRAP = {
    "indicator",
    "item",
    "criterion",
    "na_condition",
    "derived_evidence",
    "override_reason",
    "document",
    "reason",
    "note",
}
INPUTS = {"answer", "override_reason", "document", "date", "note"}
FIXED = {"id", "indicator", "item", "criterion", "points", "na_condition", "derived", "derived_evidence"}
LINE_HEIGHT = 13.5
BAD = PatternFill(bgColor="FFC7CE", fill_type="solid")
WARN = PatternFill(bgColor="FFEB9C", fill_type="solid")
LOST = Font(color="9C0006")


@dataclass(frozen=True)
class BasicEvaluationLayout:
    """Where things are on the sheet (the tests, the derived-answer writer and the reader use it)."""

    table: TablePlacement
    rows: dict[str, int]  # criterion id → sheet row
    indicator_rows: dict[int, int]  # indicator no → row of the per-indicator table
    level_rows: dict[str, int]  # level code → row
    total_row: int
    converted_cell: str
    summary_cell: str
    score_columns: dict[str, str]  # per-indicator table: 'points', 'score', 'deduction', 'na', 'scaled' → letter


def _columns(book: Book) -> list[Column]:
    specs = layout.columns("basic_evaluation")
    letters = {s.key: get_column_letter(i + 1) for i, s in enumerate(specs)}
    L = lambda key, r: f"{letters[key]}{r}"  # noqa: E731
    label = book.label

    def unit_code(r: int) -> str:
        a = f'TRIM({L("answer", r)}&"")'
        match = f"MATCH({a},icx_be_words,0)"
        word = f"INDEX(icx_be_codes,{match})"
        rate_or_bad = f'IF(ISERROR(VALUE({a})),"?","rate")'
        band = (
            f'IF(ISNUMBER({L("answer", r)}),"rate",IF(ISNA({match}),{rate_or_bad},IF({word}="na","na",{rate_or_bad})))'
        )
        check = f'IF(ISNA({match}),"?",{word})'
        return f'=IF({a}="","",IF({L("helper_kind", r)}="band",{band},{check}))'

    def derived_code(r: int) -> str:
        d = f'TRIM({L("derived", r)}&"")'
        match = f"MATCH({d},icx_be_words,0)"
        return f'=IF({d}="","",IF(ISNA({match}),"",INDEX(icx_be_codes,{match})))'

    def code(r: int) -> str:
        return f'=IF({L("helper_unit_code", r)}<>"",{L("helper_unit_code", r)},{L("helper_derived_code", r)})'

    def used(r: int) -> str:
        return (
            f'=IF({L("helper_unit_code", r)}<>"",{L("answer", r)},'
            f'IF({L("helper_derived_code", r)}<>"",{L("derived", r)},""))'
        )

    def deduction(r: int) -> str:
        return f'=IF({L("score", r)}="","",{L("points", r)}-{L("score", r)})'

    def na_points(r: int) -> str:
        return f'=IF(AND({L("helper_code", r)}="na",{L("helper_na_allowed", r)}=1),{L("points", r)},0)'

    def override(r: int) -> str:
        u, d = L("helper_unit_code", r), L("helper_derived_code", r)
        return f'=IF(AND({u}<>"",{d}<>"",{u}<>{d}),1,0)'

    def reason(r: int) -> str:
        x = L("helper_code", r)
        text = lambda key: '"' + label(key).replace('"', '""') + '"'  # noqa: E731
        return (
            f'=IF({x}="",{text("tpl_be_reason_blank")},IF({x}="?",{text("tpl_be_reason_invalid")},'
            f'IF({x}="no",{text("tpl_be_reason_no")}&{L("criterion", r)},'
            f'IF({x}="na",IF({L("helper_na_allowed", r)}=1,{text("tpl_be_reason_na")}&{L("na_condition", r)},'
            f"{text('tpl_be_reason_na_not_allowed')}),"
            f'IF(AND({x}="rate",{L("deduction", r)}>0),{text("tpl_be_reason_band")},"")))))'
        )

    formulas = {
        "used_answer": used,
        "deduction": deduction,
        "reason": reason,
        "helper_unit_code": unit_code,
        "helper_derived_code": derived_code,
        "helper_code": code,
        "helper_na_points": na_points,
        "helper_override": override,
        # score and helper_rate depend on the row's band: written per row by write_basic_evaluation
    }
    cols = []
    for spec in specs:
        helper = spec.key.startswith("helper_")
        validation, fmt = None, None
        if spec.key == "date":
            validation, fmt = Validation("date"), "yyyy-mm-dd"
        elif spec.key in ("score", "deduction", "points"):
            fmt = "0.##"
        cols.append(
            Column(
                spec.key,
                spec.header(book.lang),
                6 if helper else WIDTHS[spec.key],
                formula=formulas.get(spec.key) or (_placeholder if spec.key in ("score", "helper_rate") else None),
                validation=validation,
                number_format=fmt,
                wrap=spec.key in WRAP,
                hidden=helper,
            )
        )
    return cols


def _placeholder(r: int) -> str:
    return "=0"  # replaced row by row (the score and rate formulas depend on the row's band)


def write_basic_evaluation(
    book: Book, system: IndicatorSystem | None = None
) -> tuple[Worksheet, TablePlacement, BasicEvaluationLayout]:
    system = system or default_system()
    ws = book.wb.create_sheet(book.sheet_name("basic_evaluation"))
    cols = _columns(book)
    visible = layout.width_of(cols)
    layout.title_rows(ws, book.label("tpl_title_basic_evaluation"), book.label("tpl_note_basic_evaluation"), visible)
    ws.row_dimensions[2].height = 54
    criteria = system.criteria
    placement = layout.write_table(book, ws, cols, header_row=HEADER_ROW, rows=len(criteria))
    letters = placement.letters
    rules_top = placement.last_row + 3 + len(system.indicators) + len(system.levels) + 3
    band_ranges = _write_rules(book, ws, system, rules_top)
    rows: dict[str, int] = {}
    lang = book.lang
    for r, c in zip(range(placement.first_row, placement.last_row + 1), criteria):
        rows[c.id] = r
        ind = system.indicators_by_no[c.indicator]
        item = system.items_by_id[c.item]
        values = {
            "id": c.id,
            "indicator": f"{ind.label(lang)}（{ind.points:g}）"
            if lang == "zh"
            else f"{ind.label(lang)} ({ind.points:g})",
            "item": f"{item.id} {item.zh if lang == 'zh' else item.en}（{item.points:g}）"
            if lang == "zh"
            else f"{item.id} {item.en} ({item.points:g})",
            "criterion": c.text(lang),
            "points": c.points,
            "na_condition": c.not_applicable or book.label("tpl_be_na_no"),
            "helper_kind": "band" if c.banded else "check",
            "helper_indicator": c.indicator,
            "helper_level": system.level_of(c),
            "helper_na_allowed": 1 if c.na_allowed else 0,
        }
        for key, value in values.items():
            put_value(
                ws[f"{letters[key]}{r}"], int(value) if isinstance(value, float) and value.is_integer() else value
            )
        for key in (*FIXED, "helper_kind", "helper_indicator", "helper_level", "helper_na_allowed"):
            ws[f"{letters[key]}{r}"].style = layout.LOCKED
        ws[f"{letters['points']}{r}"].number_format = "0.##"
        ws[f"{letters['helper_rate']}{r}"].value = _rate_formula(letters, r, c.band)
        ws[f"{letters['score']}{r}"].value = _score_formula(letters, r, band_ranges.get(c.id))
        answer = ws[f"{letters['answer']}{r}"]
        if c.banded:
            answer.number_format = "0.00%"
            ws[f"{letters['used_answer']}{r}"].number_format = "0.00%"
        reasons = (
            book.label("tpl_be_reason_no") + c.text(lang),
            book.label("tpl_be_reason_na") + values["na_condition"],
        )
        _fit_height(ws, r, cols, {"reason": max(reasons, key=len)})  # the longest text its formula can show
    _validations(book, ws, placement, system, rows)
    _highlights(ws, placement)
    summary = _write_indicator_table(book, ws, system, placement)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{letters['note']}{placement.last_row}"
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"E{placement.first_row}", lang=lang)
    layout.protect(ws)
    return ws, placement, BasicEvaluationLayout(placement, rows, *summary)


def _rate_formula(letters: dict[str, str], r: int, band) -> str:
    if band is None:
        return '=""'
    a = f"{letters['answer']}{r}"
    value = f'IF(ISNUMBER({a}),{a},VALUE(TRIM({a}&"")))'
    if band.absolute:
        value = f"ABS({value})"
    return f'=IF({letters["helper_code"]}{r}="rate",ROUND({value},9),"")'


def _score_formula(letters: dict[str, str], r: int, ranges: tuple[str, str] | None) -> str:
    x, points = f"{letters['helper_code']}{r}", f"{letters['points']}{r}"
    rate = "0"
    if ranges is not None:
        edges, values = ranges
        rate = f"INDEX({values},1+SUMPRODUCT(--({edges}<{letters['helper_rate']}{r})))"
    return f'=IF({x}="yes",{points},IF({x}="rate",{rate},IF(AND({x}="na",{letters["helper_na_allowed"]}{r}=1),"",0)))'


def _fit_height(ws: Worksheet, r: int, cols: list[Column], shown: dict[str, str]) -> None:
    """The row as tall as its wrapped texts, ``shown`` standing for what a formula column shows."""
    lines = 1
    for col in cols:
        value = shown.get(col.key) or ws[f"{get_column_letter(cols.index(col) + 1)}{r}"].value
        if col.wrap and isinstance(value, str) and not value.startswith("="):
            width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)
            lines = max(lines, -(-width // max(int(col.width) - 1, 1)))
    ws.row_dimensions[r].height = LINE_HEIGHT * max(lines, 2)


def _validations(book: Book, ws: Worksheet, p: TablePlacement, system: IndicatorSystem, rows: dict[str, int]) -> None:
    answer = p.letters["answer"]
    checks = [f"{answer}{rows[c.id]}" for c in system.criteria if not c.banded]
    bands = [f"{answer}{rows[c.id]}" for c in system.criteria if c.banded]
    answers = Validation("list", source="icx_be_answers", strict=True, prompt=book.label("tpl_be_prompt_answer"))
    rates = Validation("list", source="icx_be_na", strict=False, prompt=book.label("tpl_be_prompt_rate"))
    for cells, v in ((checks, answers), (bands, rates)):
        dv = layout.add_validation(ws, cells[0], v, book.lang)
        for cell in cells[1:]:
            dv.add(cell)


def _highlights(ws: Worksheet, p: TablePlacement) -> None:
    L = p.letters
    first = p.first_row
    ws.conditional_formatting.add(
        f"{L['answer']}{first}:{L['answer']}{p.last_row}",
        FormulaRule(formula=[f'${L["helper_code"]}{first}="?"'], fill=BAD),
    )
    ws.conditional_formatting.add(
        f"{L['override_reason']}{first}:{L['override_reason']}{p.last_row}",
        FormulaRule(
            formula=[f'AND(${L["helper_override"]}{first}=1,TRIM(${L["override_reason"]}{first}&"")="")'], fill=BAD
        ),
    )
    ws.conditional_formatting.add(
        f"{L['override_reason']}{first}:{L['override_reason']}{p.last_row}",
        FormulaRule(formula=[f"${L['helper_override']}{first}=1"], fill=WARN),
    )
    ws.conditional_formatting.add(
        f"{L['deduction']}{first}:{L['reason']}{p.last_row}",
        # answered and losing points (an unanswered row is counted in the summary, not coloured:
        # a fresh sheet would be red all over)
        FormulaRule(
            formula=[f'AND(${L["helper_code"]}{first}<>"",${L["deduction"]}{first}<>"",${L["deduction"]}{first}>0)'],
            font=LOST,
            fill=BAD,
        ),
    )


def _write_indicator_table(
    book: Book, ws: Worksheet, system: IndicatorSystem, p: TablePlacement
) -> tuple[dict[int, int], dict[str, int], int, str, str, dict[str, str]]:
    """Scores by indicator and level under the criteria, and the one-line summary above them."""
    L = p.letters
    top = p.last_row + 2
    ws.cell(row=top, column=1, value=book.label("tpl_be_section_indicators")).style = layout.SECTION
    header = top + 1
    # label in A:D (merged), then points, score, deducted, N/A, converted in E..I
    cols = {"points": "E", "score": "F", "deduction": "G", "na": "H", "scaled": "I"}
    titles = {
        "points": "tpl_be_col_points",
        "score": "tpl_be_col_score",
        "deduction": "tpl_be_col_deduction",
        "na": "tpl_be_col_na",
        "scaled": "tpl_be_col_scaled",
    }
    ws.cell(row=header, column=1, value=book.label("tpl_be_col_indicator")).style = layout.HEADER
    ws.merge_cells(start_row=header, start_column=1, end_row=header, end_column=4)
    for key, letter in cols.items():
        ws[f"{letter}{header}"].value = book.label(titles[key])
        ws[f"{letter}{header}"].style = layout.HEADER
    rng = lambda key: f"${L[key]}${p.first_row}:${L[key]}${p.last_row}"  # noqa: E731
    digits = system.conversion.digits
    indicator_rows: dict[int, int] = {}
    level_rows: dict[str, int] = {}
    r = header
    for ind in system.indicators:
        r += 1
        indicator_rows[ind.no] = r
        _summary_row(ws, r, ind.label(book.lang), ind.points, rng("helper_indicator"), ind.no, rng, cols, digits)
    for lv in system.levels:
        r += 1
        level_rows[lv.code] = r
        name = lv.zh if book.lang == "zh" else lv.en
        _summary_row(ws, r, name, lv.points, rng("helper_level"), f'"{lv.code}"', rng, cols, digits, bold=True)
    r += 1
    total_row = r
    ws.cell(row=r, column=1, value=book.label("tpl_be_total"))
    ws[f"E{r}"] = system.total
    ws[f"F{r}"] = f"=SUM({rng('score')})"
    ws[f"G{r}"] = f"=SUM({rng('deduction')})"
    ws[f"H{r}"] = f"=SUM({rng('helper_na_points')})"
    ws[f"I{r}"] = f'=IF(E{r}-H{r}<=0,"",IF(H{r}=0,F{r},ROUND(F{r}/(E{r}-H{r})*E{r},{digits})))'
    _style_summary_row(ws, r, bold=True)
    converted = f"I{total_row}"
    first_level, last_level = level_rows[system.levels[0].code], level_rows[system.levels[-1].code]
    summary = book.label(
        "tpl_be_summary",
        total=f"F{total_row}",
        unit=f"F{first_level}",
        business=f"F{last_level}",
        na=f"H{total_row}",
        converted=f'IF({converted}="","—",{converted})',
        blank=f'SUMPRODUCT(--({rng("helper_code")}=""))',
        invalid=f'COUNTIF({rng("helper_code")},"?")',
        overrides=f"SUM({rng('helper_override')})",
    )
    cell = ws.cell(row=SUMMARY_ROW, column=1, value=summary)
    cell.style = layout.SECTION
    ws.merge_cells(
        start_row=SUMMARY_ROW, start_column=1, end_row=SUMMARY_ROW, end_column=layout.width_of(_columns(book))
    )
    ws.row_dimensions[SUMMARY_ROW].height = 22
    return indicator_rows, level_rows, total_row, converted, f"A{SUMMARY_ROW}", cols


def _summary_row(ws, r, name, points, key_range, key, rng, cols, digits, bold=False) -> None:
    ws.cell(row=r, column=1, value=name)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    ws[f"{cols['points']}{r}"] = int(points) if float(points).is_integer() else points
    ws[f"{cols['score']}{r}"] = f"=SUMIF({key_range},{key},{rng('score')})"
    ws[f"{cols['deduction']}{r}"] = f"=SUMIF({key_range},{key},{rng('deduction')})"
    ws[f"{cols['na']}{r}"] = f"=SUMIF({key_range},{key},{rng('helper_na_points')})"
    e, f, h = (f"{cols[k]}{r}" for k in ("points", "score", "na"))
    ws[f"{cols['scaled']}{r}"] = f'=IF({e}-{h}<=0,"",IF({h}=0,{f},ROUND({f}/({e}-{h})*{e},{digits})))'
    _style_summary_row(ws, r, bold)


def _style_summary_row(ws: Worksheet, r: int, bold: bool = False) -> None:
    for letter in "ABCDEFGHI":
        cell = ws[f"{letter}{r}"]
        cell.style = layout.FORMULA if letter >= "E" else layout.LOCKED
        if letter >= "F":
            cell.number_format = "0.##"
        if bold:
            cell.font = Font(name=cell.font.name, size=cell.font.size, bold=True)


def _write_rules(book: Book, ws: Worksheet, system: IndicatorSystem, top: int) -> dict[str, tuple[str, str]]:
    """The answer words (codes the formulas look up), the dropdown lists and the bands; returns
    each banded criterion's (edges, points) ranges."""
    ws.cell(row=top, column=1, value=book.label("tpl_be_section_rules")).style = layout.SECTION
    r = top + 1
    for col, key in ((1, "tpl_be_word"), (2, "tpl_be_code")):
        ws.cell(row=r, column=col, value=book.label(key)).style = layout.HEADER
    words = system.answers.words()
    first = r + 1
    for i, (word, code) in enumerate(words):
        put_value(ws.cell(row=first + i, column=1), word)
        ws.cell(row=first + i, column=2, value=code)
        for col in (1, 2):
            ws.cell(row=first + i, column=col).style = layout.LOCKED
    last = first + len(words) - 1
    book.define("icx_be_words", ws, f"$A${first}:$A${last}")
    book.define("icx_be_codes", ws, f"$B${first}:$B${last}")
    # the dropdowns: the three answers in the book's language, and 不适用 alone for rates
    ws.cell(row=r, column=3, value=book.label("tpl_be_words")).style = layout.HEADER
    labels = [system.answers.label(code, book.lang) for code in ("yes", "no", "na")]
    for i, text in enumerate(labels):
        put_value(ws.cell(row=first + i, column=3), text)
        ws.cell(row=first + i, column=3).style = layout.LOCKED
    book.define("icx_be_answers", ws, f"$C${first}:$C${first + 2}")
    book.define("icx_be_na", ws, f"$C${first + 2}:$C${first + 2}")
    ranges: dict[str, tuple[str, str]] = {}
    # the bands: label (D), upper edge (F), points (G); the last row is "above"
    ws.cell(row=first - 1, column=4, value=book.label("tpl_be_bands")).style = layout.HEADER
    for col in (5, 6, 7):
        ws.cell(row=first - 1, column=col).style = layout.HEADER
    ws.merge_cells(start_row=first - 1, start_column=4, end_row=first - 1, end_column=7)
    r = first
    for c in system.criteria:
        if c.band is None:
            continue
        label = c.band.label if book.lang == "zh" else c.band.label_en
        edges_first = r
        for i, points in enumerate(c.band.points):
            above = i == len(c.band.edges)
            text = book.label("tpl_be_band_above") if above else book.label("tpl_be_band", id=c.id, label=label)
            ws.cell(row=r, column=4, value=text).style = layout.LOCKED
            ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
            ws.cell(row=r, column=6).style = layout.LOCKED
            if not above:
                ws.cell(row=r, column=6, value=c.band.edges[i]).number_format = "0.00%"
            ws.cell(row=r, column=7, value=int(points) if float(points).is_integer() else points).style = layout.LOCKED
            r += 1
        edges_last = edges_first + len(c.band.edges) - 1
        ranges[c.id] = (f"$F${edges_first}:$F${edges_last}", f"$G${edges_first}:$G${r - 1}")
        r += 1
    return ranges
