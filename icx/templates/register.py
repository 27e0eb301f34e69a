"""The 风险清单 sheet: risks, assessors' scores, and native formulas for averages, score, level, rank.

The formulas follow the core's rules exactly, reading every number from the 参数设置 sheet
through defined names:

- each assessor cell (and the loss amount) is read as ``icx.core.acceptance`` reads it, by the
  formulas of ``icx.templates.cell_formulas`` in hidden helper columns: its compact text, number
  part and value, then its grade — a score, "" when blank, or the refusal mark (待更正) where
  icx refuses the cell. Data validation on each input column refuses, while typing, what the
  formulas cannot grade; conditional formatting marks a refused cell in red;
- likelihood/impact = AVERAGE of the grades (the impact raised to the loss-amount score when
  that is worse); a refused cell makes them the refusal mark, as icx leaves the row unscored;
- band = MAX(1, ROUNDUP(ROUND(v, 9), 0)); score = ROUND(L × I, 6); level = INDEX(icx_matrix, …);
- residual level (icx check treatment): the residual likelihood and impact read by the same
  helpers, banded and looked up in icx_matrix; blank until both are given, the refusal mark when
  icx refuses either;
- rank = 1 + the number of valid rows before it in the order score ↓, level ↑, id ↑
  (competition rank, ties share a rank). A row takes part only when the core would score it:
  id, area (known) and description filled, and the id not repeating an earlier row's.

No formula shows an error value (#N/A, #VALUE!): tests/templates/ checks it in LibreOffice.
Classic functions only (see cell_formulas for the reading ones): IF, AND, OR, TRIM, ISNUMBER,
INDEX, MATCH, COUNT, COUNTIF, AVERAGE, MAX, ROUND, ROUNDUP, SUMPRODUCT, EXACT.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.cell_formulas import (
    compact_formula,
    grade_formula,
    validation_formula,
    value_formula,
)
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 4  # row 3 groups the columns
ERROR_FILL = PatternFill(bgColor="FFC7CE", fill_type="solid")
ERROR_FONT = Font(color="9C0006")


def _h(book: Book, key: str, n: int | None = None) -> str:
    return layout.header("register", key, book.lang, n)


def _trim(ref: str) -> str:
    return f'TRIM({ref}&"")'


def refused_mark(book: Book) -> str:
    """What a refused cell's grade and its row's results show (待更正 / to fix)."""
    return book.label("tpl_refused")


def register_columns(book: Book, assessors: int, rows: int) -> list[Column]:
    """Every column of the register, in order, visible ones first, helpers hidden at the end."""
    L = range(1, assessors + 1)
    g_basic, g_lk, g_im = (
        book.label("tpl_group_basic"),
        book.label("tpl_group_likelihood"),
        book.label("tpl_group_impact"),
    )
    g_res, g_resp, g_help = (
        book.label("tpl_group_result"),
        book.label("tpl_group_response"),
        book.label("tpl_group_helper"),
    )
    lk_prompt, im_prompt = book.label("tpl_prompt_likelihood"), book.label("tpl_prompt_impact")

    def checked(kind: str, column: int, prompt: str, error: str, money_text: bool = True) -> Validation:
        """The column's data validation: what the formulas can grade (cell_formulas)."""
        top_left = f"{get_column_letter(column)}{HEADER_ROW + 1}"
        formula = validation_formula(kind, top_left, money_text=money_text)  # type: ignore[arg-type]
        return Validation("custom", source=formula[1:], prompt=prompt, error=error)

    cols: list[Column] = [
        Column("id", _h(book, "id"), 10, group=g_basic),
        Column("area", _h(book, "area"), 11, group=g_basic, validation=Validation("list", source="icx_areas")),
        Column("process_step", _h(book, "process_step"), 14, wrap=True, group=g_basic),
        Column("description", _h(book, "description"), 36, wrap=True, group=g_basic),
        Column(
            "category",
            _h(book, "category"),
            14,
            group=g_basic,
            validation=Validation("list", source="icx_categories", strict=False),
        ),
        Column("cause", _h(book, "cause"), 24, wrap=True, group=g_basic),
    ]
    lk_error, im_error = book.label("tpl_error_likelihood"), book.label("tpl_error_impact")
    cols += [
        Column(
            f"likelihood_{n}",
            _h(book, "likelihood_{n}", n),
            8,
            group=g_lk,
            validation=checked("likelihood", len(cols) + n, lk_prompt, lk_error),
        )
        for n in L
    ]
    cols += [
        Column(
            f"impact_{n}",
            _h(book, "impact_{n}", n),
            8,
            group=g_im,
            validation=checked("impact", len(cols) + n, im_prompt, im_error),
        )
        for n in L
    ]
    cols.append(
        Column(
            "loss_amount",
            _h(book, "loss_amount"),
            12,
            group=g_im,  # General format: LibreOffice reads TRUE/FALSE in a number-formatted cell as 1/0
            validation=checked("amount", len(cols) + 1, book.label("tpl_prompt_loss"), book.label("tpl_error_loss")),
        )
    )
    # Formula columns: placeholders now, formulas bound once every column has its letter.
    for key, width in (("likelihood", 9), ("impact", 9), ("score", 9), ("level", 8), ("rank", 6)):
        cols.append(
            Column(
                key,
                _h(book, key),
                width,
                formula=lambda r: "",
                group=g_res,
                number_format="0.00" if key in ("likelihood", "impact", "score") else None,
            )
        )
    cols += [
        Column(
            "response",
            _h(book, "response"),
            10,
            group=g_resp,
            validation=Validation("list", source="icx_responses", strict=False),
        ),
        Column("controls", _h(book, "controls"), 18, wrap=True, group=g_resp),
        Column("owner_department", _h(book, "owner_department"), 12, group=g_resp),
        Column("owner", _h(book, "owner"), 10, group=g_resp),
        Column("evidence", _h(book, "evidence"), 20, wrap=True, group=g_resp),
    ]
    # Residual risk, the treatment plan and the committee's sign-off (icx check treatment).
    g_treat, g_sign = book.label("tpl_group_treatment"), book.label("tpl_group_sign_off")
    date = Validation("date")
    sign_prompt = book.label("tpl_prompt_sign_off")
    cols += [
        Column(
            "residual_likelihood",
            _h(book, "residual_likelihood"),
            8,
            group=g_treat,
            validation=checked("likelihood", len(cols) + 1, lk_prompt, lk_error),
        ),
        Column(
            "residual_impact",
            _h(book, "residual_impact"),
            8,
            group=g_treat,
            # a loss amount belongs in 损失金额; here only scores and wordings (Excel's 255 characters)
            validation=checked("impact", len(cols) + 2, im_prompt, im_error, money_text=False),
        ),
        Column("residual_level", _h(book, "residual_level"), 8, formula=lambda r: "", group=g_treat),
        Column(
            "treatment_deadline",
            _h(book, "treatment_deadline"),
            11,
            group=g_treat,
            validation=date,
            number_format="yyyy-mm-dd",
        ),
        Column(
            "treatment_status",
            _h(book, "treatment_status"),
            9,
            group=g_treat,
            validation=Validation(
                "list", source="icx_treatment_status", prompt=book.label("tpl_prompt_treatment_status")
            ),
        ),
        Column(
            "decision",
            _h(book, "decision"),
            10,
            group=g_sign,
            validation=Validation("list", source="icx_decision", prompt=sign_prompt),
        ),
        Column(
            "sign_off_date", _h(book, "sign_off_date"), 11, group=g_sign, validation=date, number_format="yyyy-mm-dd"
        ),
        Column("minutes_ref", _h(book, "minutes_ref"), 14, group=g_sign),
        Column("next_review", _h(book, "next_review"), 11, group=g_sign, validation=date, number_format="yyyy-mm-dd"),
    ]
    # Last period's grading, filled in by `icx templates prefill`; plain values, never scored.
    g_prev = book.label("tpl_group_previous")
    cols += [
        Column("prev_likelihood", _h(book, "prev_likelihood"), 9, group=g_prev, number_format="0.00"),
        Column("prev_impact", _h(book, "prev_impact"), 9, group=g_prev, number_format="0.00"),
        Column("prev_score", _h(book, "prev_score"), 9, group=g_prev, number_format="0.00"),
        Column("prev_level", _h(book, "prev_level"), 8, group=g_prev),
    ]
    helpers = [(f"c_likelihood_{n}", book.label("tpl_helper_likelihood", n=n)) for n in L]
    helpers += [(f"c_impact_{n}", book.label("tpl_helper_impact", n=n)) for n in L]
    helpers += [
        ("c_money", book.label("tpl_helper_money")),
        ("c_lband", book.label("tpl_helper_lband")),
        ("c_iband", book.label("tpl_helper_iband")),
        ("c_level", book.label("tpl_helper_level")),
        ("c_rankable", book.label("tpl_helper_rankable")),
        ("c_rlikelihood", book.label("tpl_helper_residual_likelihood")),
        ("c_rimpact", book.label("tpl_helper_residual_impact")),
    ]
    # How each input cell is read (cell_formulas): compact text, value of its number part.
    inputs = [(f"likelihood_{n}", book.label("tpl_helper_likelihood", n=n)) for n in L]
    inputs += [(f"impact_{n}", book.label("tpl_helper_impact", n=n)) for n in L]
    inputs.append(("money", book.label("tpl_helper_money")))
    inputs += [("rlikelihood", book.label("tpl_helper_residual_likelihood"))]
    inputs += [("rimpact", book.label("tpl_helper_residual_impact"))]
    for stem, what in inputs:
        helpers += [(f"{part}_{stem}", book.label(f"tpl_helper_{part}", what=what)) for part in ("t", "v")]
    cols += [Column(key, text, 10, formula=lambda r: "", hidden=True, group=g_help) for key, text in helpers]
    _bind_formulas(cols, assessors, first_row=HEADER_ROW + 1, last_row=HEADER_ROW + rows, bad=refused_mark(book))
    return cols


def _bind_formulas(cols: list[Column], assessors: int, first_row: int, last_row: int, bad: str) -> None:
    X = {c.key: get_column_letter(i + 1) for i, c in enumerate(cols)}
    lk_first, lk_last = X["c_likelihood_1"], X[f"c_likelihood_{assessors}"]
    im_first, im_last = X["c_impact_1"], X[f"c_impact_{assessors}"]

    def col(key: str):
        return next(c for c in cols if c.key == key)

    def reading(kind: str, grade_key: str, stem: str, source: str) -> None:
        """The three helper formulas reading one input column (cell_formulas)."""
        t, v = X[f"t_{stem}"], X[f"v_{stem}"]
        col(f"t_{stem}").formula = lambda r: compact_formula(f"{source}{r}")
        col(f"v_{stem}").formula = lambda r: value_formula(f"{t}{r}")
        col(grade_key).formula = lambda r: grade_formula(kind, f"{source}{r}", f"{t}{r}", f"{v}{r}", bad)  # type: ignore[arg-type]

    for i in range(1, assessors + 1):
        reading("likelihood", f"c_likelihood_{i}", f"likelihood_{i}", X[f"likelihood_{i}"])
        reading("impact", f"c_impact_{i}", f"impact_{i}", X[f"impact_{i}"])
    reading("amount", "c_money", "money", X["loss_amount"])
    reading("likelihood", "c_rlikelihood", "rlikelihood", X["residual_likelihood"])
    reading("impact", "c_rimpact", "rimpact", X["residual_impact"])
    q = f'"{bad}"'
    lk, im, money = (f"{lk_first}{{r}}:{lk_last}{{r}}", f"{im_first}{{r}}:{im_last}{{r}}", f"{X['c_money']}{{r}}")
    col("likelihood").formula = lambda r: (
        f'=IF(COUNTIF({lk.format(r=r)},{q})>0,{q},IF(COUNT({lk.format(r=r)})=0,"",AVERAGE({lk.format(r=r)})))'
    )
    col("impact").formula = lambda r: (
        f"=IF(COUNTIF({im.format(r=r)},{q})+COUNTIF({money.format(r=r)},{q})>0,{q},"
        f'IF(COUNT({im.format(r=r)})=0,"",MAX(AVERAGE({im.format(r=r)}),{money.format(r=r)})))'
    )
    L_, I_, S_ = X["likelihood"], X["impact"], X["score"]
    col("score").formula = lambda r: (
        f'=IF(OR({L_}{r}={q},{I_}{r}={q}),{q},IF(OR({L_}{r}="",{I_}{r}=""),"",ROUND({L_}{r}*{I_}{r},6)))'
    )
    col("c_lband").formula = lambda r: f'=IF(ISNUMBER({L_}{r}),MAX(1,ROUNDUP(ROUND({L_}{r},9),0)),"")'
    col("c_iband").formula = lambda r: f'=IF(ISNUMBER({I_}{r}),MAX(1,ROUNDUP(ROUND({I_}{r},9),0)),"")'
    # 表3 lists likelihood band 5 in its top row, hence 6 - band.
    col("level").formula = lambda r: (
        f"=IF(ISNUMBER({S_}{r}),INDEX(icx_matrix,6-{X['c_lband']}{r},{X['c_iband']}{r}),{S_}{r})"
    )
    col("c_level").formula = lambda r: f'=IF(ISNUMBER({X["score"]}{r}),MATCH({X["level"]}{r},icx_level_names,0),"")'

    def rankable(r: int) -> str:
        i, a, d = X["id"], X["area"], X["description"]
        valid = (
            f'ISNUMBER({X["score"]}{r}),{_trim(f"{i}{r}")}<>"",{_trim(f"{d}{r}")}<>"",'
            f'{_trim(f"{a}{r}")}<>"",COUNTIF(icx_area_table,TRIM({a}{r}))>0,'
            f"SUMPRODUCT(--EXACT(TRIM(${i}${first_row}:{i}{r}),TRIM({i}{r})))=1"
        )
        return f'=IF(AND({valid}),{X["score"]}{r},"")'

    col("c_rankable").formula = rankable
    col("residual_level").formula = lambda r: _residual_level_formula(X["c_rlikelihood"], X["c_rimpact"], r, q)
    col("rank").formula = lambda r: _rank_formula(X, r, first_row, last_row)


def _residual_level_formula(lk: str, im: str, r: int, refused: str) -> str:
    """The residual level, graded like the inherent one (icx.core.treatment): blank until both
    residual values are given, the refusal mark when icx refuses one of them."""
    band = lambda x: f"MAX(1,ROUNDUP(ROUND({x}{r},9),0))"  # noqa: E731
    return (
        f"=IF(OR({lk}{r}={refused},{im}{r}={refused}),{refused},"
        f'IF(OR({lk}{r}="",{im}{r}=""),"",INDEX(icx_matrix,6-{band(lk)},{band(im)})))'
    )


def _rank_formula(X: dict[str, str], r: int, first: int, last: int) -> str:
    rs, lv, i = X["c_rankable"], X["c_level"], X["id"]
    RS, LV, ID = (f"${x}${first}:${x}${last}" for x in (rs, lv, i))
    before = f"({RS}>{rs}{r})+({RS}={rs}{r})*(({LV}<{lv}{r})+({LV}={lv}{r})*(TRIM({ID})<TRIM({i}{r})))"
    return f'=IF(ISNUMBER({rs}{r}),1+SUMPRODUCT(ISNUMBER({RS})*({before})),"")'


def write_register(book: Book, *, assessors: int = 5, rows: int = 500) -> tuple[Worksheet, TablePlacement]:
    ws = book.wb.create_sheet(book.sheet_name("register"))
    cols = register_columns(book, assessors, rows)
    first, last = HEADER_ROW + 1, HEADER_ROW + rows
    X = {c.key: get_column_letter(i + 1) for i, c in enumerate(cols)}
    layout.title_rows(ws, book.label("tpl_title_register"), book.label("tpl_note_register"), layout.width_of(cols))
    placement = layout.write_table(book, ws, cols, header_row=HEADER_ROW, rows=rows, group_row=HEADER_ROW - 1)

    level_ref = f"{X['level']}{first}:{X['level']}{last}"
    for level, color in ((lv.level, lv.color) for lv in book.methodology.risk_levels):
        ws.conditional_formatting.add(
            level_ref,
            FormulaRule(
                formula=[f"${X['c_level']}{first}={level}"], fill=PatternFill(bgColor=color, fill_type="solid")
            ),
        )
    from icx.templates.settings import colour_levels_by_name

    # A refused row's results, and each refused input cell, in red.
    bad = f'"{refused_mark(book)}"'
    residual = f"{X['residual_level']}{first}:{X['residual_level']}{last}"
    colour_levels_by_name(book, ws, residual)
    ws.conditional_formatting.add(
        residual, FormulaRule(formula=[f"{X['residual_level']}{first}={bad}"], fill=ERROR_FILL, font=ERROR_FONT)
    )
    results = f"{X['likelihood']}{first}:{X['rank']}{last}"
    ws.conditional_formatting.add(
        results,
        FormulaRule(
            formula=[f"OR(${X['likelihood']}{first}={bad},${X['impact']}{first}={bad})"],
            fill=ERROR_FILL,
            font=ERROR_FONT,
        ),
    )
    n = sum(1 for c in cols if c.key.startswith("likelihood_"))
    single = ("loss_amount", "residual_likelihood", "residual_impact")
    for stem, grade in (
        ("likelihood_1", "c_likelihood_1"),
        ("impact_1", "c_impact_1"),
        ("loss_amount", "c_money"),
        ("residual_likelihood", "c_rlikelihood"),
        ("residual_impact", "c_rimpact"),
    ):
        width = 1 if stem in single else n
        first_col = cols.index(next(c for c in cols if c.key == stem)) + 1
        ref = f"{X[stem]}{first}:{get_column_letter(first_col + width - 1)}{last}"
        ws.conditional_formatting.add(
            ref, FormulaRule(formula=[f"{X[grade]}{first}={bad}"], fill=ERROR_FILL, font=ERROR_FONT)
        )

    book.define("icx_reg_id", ws, placement.ref("id"))
    book.define("icx_reg_level", ws, placement.ref("level"))
    last_visible = get_column_letter(layout.width_of(cols))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_visible}{last}"
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW - 1}:{HEADER_ROW}", freeze=f"C{first}", lang=book.lang)
    layout.protect(ws)
    return ws, placement
