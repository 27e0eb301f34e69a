"""The 风险清单 sheet: risks, assessors' scores, and native formulas for averages, score, level, rank.

The formulas follow the core's rules exactly (``icx.core.scoring``), reading every number from
the 参数设置 sheet through defined names:

- each assessor cell is converted to a score: a number 1–5 as it is; a number in [0, 1) or a text
  ending in % is a probability, scored with the 表1 lower bounds (lower-inclusive); numeric text
  is a number; other text is looked up in the wording table (表7). Anything else is #N/A, and the
  row gets no score, as the core refuses it;
- likelihood/impact = AVERAGE of the converted scores (the impact raised to the loss-amount score
  when that is worse);
- band = MAX(1, ROUNDUP(ROUND(v, 9), 0)); score = ROUND(L × I, 6); level = INDEX(icx_matrix, …);
- rank = 1 + the number of valid rows before it in the order score ↓, level ↑, id ↑
  (competition rank, ties share a rank). A row takes part only when the core would score it:
  id, area (known) and description filled, and the id not repeating an earlier row's.

Helper columns (converted scores, bands, level number, rankable score) sit hidden at the right.
Classic functions only: IF, AND, OR, TRIM, VALUE, RIGHT, ISNUMBER, ISNA, INDEX, MATCH, COUNTA,
COUNTIF, AVERAGE, MAX, ROUND, ROUNDUP, SUMPRODUCT, EXACT, NA.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 4  # row 3 groups the columns
ERROR_FILL = PatternFill(bgColor="FFC7CE", fill_type="solid")
ERROR_FONT = Font(color="9C0006")


def _h(book: Book, key: str, n: int | None = None) -> str:
    return layout.header("register", key, book.lang, n)


def _trim(ref: str) -> str:
    return f'TRIM({ref}&"")'


def _probability(p: str) -> str:
    return f"IF(AND({p}>=0,{p}<=1),1+SUMPRODUCT(--(icx_lk_edges<={p})),NA())"


def _likelihood_number(v: str) -> str:
    return f"IF(AND({v}>=1,{v}<=5),{v},IF(AND({v}>=0,{v}<1),{_probability(v)},NA()))"


def _impact_number(v: str) -> str:
    return f"IF(AND({v}>=1,{v}<=5),{v},NA())"


def likelihood_score_formula(cell: str) -> str:
    """Formula converting one assessor's likelihood cell into a score (blank stays blank)."""
    t = _trim(cell)
    value = f"VALUE({t})"
    return (
        f'=IF({t}="","",IF(ISNUMBER({cell}),{_likelihood_number(cell)},'
        f'IF(RIGHT({t},1)="%",{_probability(value)},'
        f"IF(ISNUMBER({value}),{_likelihood_number(value)},"
        f"INDEX(icx_lk_word_scores,MATCH({t},icx_lk_words,0))))))"
    )


def impact_score_formula(cell: str) -> str:
    """Formula converting one assessor's impact cell into a score (blank stays blank)."""
    t = _trim(cell)
    value = f"VALUE({t})"
    return (
        f'=IF({t}="","",IF(ISNUMBER({cell}),{_impact_number(cell)},'
        f"IF(ISNUMBER({value}),{_impact_number(value)},"
        f"INDEX(icx_im_word_scores,MATCH({t},icx_im_words,0)))))"
    )


def money_score_formula(cell: str) -> str:
    """Formula scoring a loss amount (yuan) with the 表2 lower bounds; blank stays blank."""
    t = _trim(cell)

    def score(v: str) -> str:
        return f"IF({v}>=0,1+SUMPRODUCT(--(icx_im_edges<={v})),NA())"

    return f'=IF({t}="","",IF(ISNUMBER({cell}),{score(cell)},IF(ISNUMBER(VALUE({t})),{score(f"VALUE({t})")},NA())))'


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
    cols += [
        Column(
            f"likelihood_{n}",
            _h(book, "likelihood_{n}", n),
            8,
            group=g_lk,
            validation=Validation("list", source="icx_lk_names", strict=False, prompt=lk_prompt),
        )
        for n in L
    ]
    cols += [
        Column(
            f"impact_{n}",
            _h(book, "impact_{n}", n),
            8,
            group=g_im,
            validation=Validation("list", source="icx_im_names", strict=False, prompt=im_prompt),
        )
        for n in L
    ]
    cols.append(
        Column(
            "loss_amount",
            _h(book, "loss_amount"),
            12,
            number_format="#,##0",
            group=g_im,
            validation=Validation(
                "decimal", low=0, prompt=book.label("tpl_prompt_loss"), error=book.label("tpl_error_loss")
            ),
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
    ]
    cols += [Column(key, text, 10, formula=lambda r: "", hidden=True, group=g_help) for key, text in helpers]
    _bind_formulas(cols, assessors, first_row=HEADER_ROW + 1, last_row=HEADER_ROW + rows)
    return cols


def _bind_formulas(cols: list[Column], assessors: int, first_row: int, last_row: int) -> None:
    X = {c.key: get_column_letter(i + 1) for i, c in enumerate(cols)}
    lk_first, lk_last = X["c_likelihood_1"], X[f"c_likelihood_{assessors}"]
    im_first, im_last = X["c_impact_1"], X[f"c_impact_{assessors}"]
    in_lk = f"{X['likelihood_1']}{{r}}:{X[f'likelihood_{assessors}']}{{r}}"
    in_im = f"{X['impact_1']}{{r}}:{X[f'impact_{assessors}']}{{r}}"

    def col(key: str):
        return next(c for c in cols if c.key == key)

    for n in range(1, assessors + 1):
        col(f"c_likelihood_{n}").formula = lambda r, n=n: likelihood_score_formula(f"{X[f'likelihood_{n}']}{r}")
        col(f"c_impact_{n}").formula = lambda r, n=n: impact_score_formula(f"{X[f'impact_{n}']}{r}")
    col("c_money").formula = lambda r: money_score_formula(f"{X['loss_amount']}{r}")
    col("likelihood").formula = lambda r: f'=IF(COUNTA({in_lk.format(r=r)})=0,"",AVERAGE({lk_first}{r}:{lk_last}{r}))'
    col("impact").formula = lambda r: (
        f'=IF(COUNTA({in_im.format(r=r)})=0,"",MAX(AVERAGE({im_first}{r}:{im_last}{r}),{X["c_money"]}{r}))'
    )
    col("score").formula = lambda r: (
        f'=IF(OR({X["likelihood"]}{r}="",{X["impact"]}{r}=""),"",ROUND({X["likelihood"]}{r}*{X["impact"]}{r},6))'
    )
    col("c_lband").formula = lambda r: (
        f'=IF({X["likelihood"]}{r}="","",MAX(1,ROUNDUP(ROUND({X["likelihood"]}{r},9),0)))'
    )
    col("c_iband").formula = lambda r: f'=IF({X["impact"]}{r}="","",MAX(1,ROUNDUP(ROUND({X["impact"]}{r},9),0)))'
    # 表3 lists likelihood band 5 in its top row, hence 6 - band.
    col("level").formula = lambda r: (
        f'=IF({X["score"]}{r}="","",INDEX(icx_matrix,6-{X["c_lband"]}{r},{X["c_iband"]}{r}))'
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
    col("rank").formula = lambda r: _rank_formula(X, r, first_row, last_row)


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
    results = f"{X['likelihood']}{first}:{X['rank']}{last}"
    ws.conditional_formatting.add(
        results, FormulaRule(formula=[f"ISERROR({X['likelihood']}{first})"], fill=ERROR_FILL, font=ERROR_FONT)
    )

    book.define("icx_reg_id", ws, placement.ref("id"))
    book.define("icx_reg_level", ws, placement.ref("level"))
    last_visible = get_column_letter(layout.width_of(cols))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_visible}{last}"
    layout.page_setup(
        ws, title_rows_ref=f"{HEADER_ROW - 1}:{HEADER_ROW}", fit_width=2, freeze=f"C{first}", lang=book.lang
    )
    layout.protect(ws)
    return ws, placement
