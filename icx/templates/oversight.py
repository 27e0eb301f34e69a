"""The template's parts for rotation, approval limits and treatment (besides the register columns,
which ``icx.templates.register`` writes):

- the 岗位与授权 sheet: three tables side by side — key posts (the unit's key mark and rotation
  period per post), approval limits (post → scope → limit) and special audits;
- beside the person → post table of 不相容岗位: 连续任职(年), each assignment's continuous tenure as
  of the as-of date, with hidden helpers;
- beside the 支出审批记录 log: the approver's limit on the payment's date and an over-limit flag;
- on 参数设置 (表7, 表8): the as-of date, the default period, the split window and share, and the
  kinds of key posts with their periods — read back by ``icx.io.oversight_settings``.

The formulas follow the core (``icx.core.rotation``, ``icx.core.authority``) and are checked
against it in LibreOffice (tests/oversight/test_formulas_libreoffice.py). Where the sheet cannot
do what icx does, it does less, never something else: names, posts and scopes are compared as
written (trimmed, any case) — icx also joins a name without an id to the one id it has, reads an
approver written 张伟（0012）, matches different names of one area and takes only the first of two
lines for one post and scope. Whether a post is key, and so whether its tenure is past its period,
needs the duty vocabulary: that is icx's (icx check rotation), the sheet shows the tenure.

Classic functions only: IF, AND, OR, NOT, TRIM, LOWER, SUBSTITUTE, LEFT, RIGHT, LEN, VALUE,
ISNUMBER, ROUND, TODAY, COUNTIFS, SUMPRODUCT, MAX.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx.core.authority import UNLIMITED_WORDS
from icx.core.methodology import Methodology
from icx.core.rotation import YEAR_DAYS
from icx.templates import layout
from icx.templates.layout import Book, Column, TablePlacement, Validation

HEADER_ROW = 4  # row 3 names the three tables
TABLES = ("key_posts", "authority", "special_audits")
BIG = "1E+300"  # an unlimited authority, as a number the formulas can compare
OPEN_END = 2958465  # 9999-12-31: an assignment without an end date
UNKNOWN_START = 1  # 1900-01-01: an assignment without a start date ("since before the records")
AS_OF = "IF(ISNUMBER(icx_as_of),icx_as_of,TODAY())"
WIDTHS = {
    "post": 14,
    "key_post": 8,
    "rotation_years": 10,
    "note": 22,
    "scope": 14,
    "limit": 12,
    "period_from": 11,
    "period_to": 11,
    "audit_date": 11,
    "auditor": 14,
    "reference": 14,
}


def windows() -> dict[str, tuple[int, int]]:
    """0-based (first, last) column of each table on the 岗位与授权 sheet."""
    out, start = {}, 0
    for table in TABLES:
        width = len(layout.columns(table))
        out[table] = (start, start + width - 1)
        start += width + 1
    return out


WINDOWS = windows()


def _columns(book: Book, table: str) -> list[Column]:
    out = []
    for spec in layout.columns(table):
        validation, fmt = None, None
        if spec.key == "key_post":
            validation = Validation("list", source="icx_yes_no", prompt=book.label("tpl_prompt_key_post"))
        elif spec.key == "rotation_years":
            validation = Validation("decimal", low=0.5, high=50, prompt=book.label("tpl_prompt_rotation_years"))
        elif spec.key == "scope":
            validation = Validation("list", source="icx_areas", strict=False, prompt=book.label("tpl_prompt_scope"))
        elif spec.key == "limit":
            validation = Validation("decimal", low=0, strict=False, prompt=book.label("tpl_prompt_limit"))
            fmt = "#,##0"
        elif spec.key in ("period_from", "period_to", "audit_date"):
            validation, fmt = Validation("date"), "yyyy-mm-dd"
        out.append(
            Column(
                spec.key,
                spec.header(book.lang),
                WIDTHS.get(spec.key, 12),
                validation=validation,
                number_format=fmt,
                wrap=spec.key == "note",
            )
        )
    return out


# --- the 岗位与授权 sheet ------------------------------------------------------------------------
def write_posts_sheet(book: Book, *, rows: int = 100) -> tuple[Worksheet, dict[str, TablePlacement]]:
    ws = book.wb.create_sheet(book.sheet_name("posts_authority"))
    total = WINDOWS[TABLES[-1]][1] + 1
    layout.title_rows(ws, book.label("tpl_title_posts"), book.label("tpl_note_posts"), total)
    ws.row_dimensions[2].height = 54
    placements = {}
    for table in TABLES:
        first_col = WINDOWS[table][0] + 1
        ws.cell(row=HEADER_ROW - 1, column=first_col, value=book.label(f"tpl_caption_{table}")).style = layout.SECTION
        placements[table] = layout.write_table(
            book, ws, _columns(book, table), header_row=HEADER_ROW, rows=rows, first_col=first_col
        )
    for table in TABLES[:-1]:
        ws.column_dimensions[get_column_letter(WINDOWS[table][1] + 2)].width = 3
    _authority_helpers(book, ws, placements["authority"], total + 2)
    layout.page_setup(ws, title_rows_ref=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"A{HEADER_ROW + 1}", lang=book.lang)
    layout.protect(ws, allow_rows=True)
    return ws, placements


def limit_value_formula(cell: str) -> str:
    """A limit cell as a number: the amount, BIG for 不限, -1 when it is no limit (left out)."""
    t = f'TRIM({cell}&"")'
    words = sorted(UNLIMITED_WORDS)
    unlimited = "OR(" + ",".join(f'LOWER(SUBSTITUTE({t}," ",""))="{w}"' for w in words) + ")"
    head = f"LEFT({t},LEN({t})-1)"
    plain = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({t},",",""),"¥",""),"￥",""),"元","")'
    return (
        f'=IF({t}="",-1,IF(ISNUMBER({cell}),IF({cell}>=0,{cell},-1),IF({unlimited},{BIG},'
        f'IF(AND(RIGHT({t},1)="万",ISNUMBER(VALUE({head}))),IF(VALUE({head})>=0,VALUE({head})*10000,-1),'
        f"IF(ISNUMBER(VALUE({plain})),IF(VALUE({plain})>=0,VALUE({plain}),-1),-1)))))"
    )


def _authority_helpers(book: Book, ws: Worksheet, table: TablePlacement, first_col: int) -> None:
    """Hidden columns at the sheet's right: trimmed post and scope, the limit as a number, and
    whether the line counts (a post and a readable limit)."""
    post, scope, limit = (f"{table.letters[k]}{{r}}" for k in ("post", "scope", "limit"))
    X = {key: get_column_letter(first_col + i) for i, key in enumerate(("a_post", "a_scope", "a_value", "a_valid"))}
    helpers = [
        Column("a_post", book.label("tpl_helper_pp", what=layout.header("authority", "post", book.lang)), 10),
        Column("a_scope", book.label("tpl_helper_pp", what=layout.header("authority", "scope", book.lang)), 10),
        Column("a_value", book.label("tpl_helper_pp", what=layout.header("authority", "limit", book.lang)), 10),
        Column("a_valid", book.label("tpl_helper_pp", what="1/0"), 8),
    ]
    helpers[0].formula = lambda r: f'=TRIM({post.format(r=r)}&"")'
    helpers[1].formula = lambda r: f'=TRIM({scope.format(r=r)}&"")'
    helpers[2].formula = lambda r: limit_value_formula(limit.format(r=r))
    helpers[3].formula = lambda r: f'=IF(AND({X["a_post"]}{r}<>"",{X["a_value"]}{r}>=0),1,0)'
    for col in helpers:
        col.hidden = True
    rows = table.last_row - table.header_row
    placed = layout.write_table(book, ws, helpers, header_row=table.header_row, rows=rows, first_col=first_col)
    for key, name in (("a_post", "post"), ("a_scope", "scope"), ("a_value", "value"), ("a_valid", "valid")):
        book.define(f"icx_auth_{name}", ws, placed.ref(key))


# --- 连续任职(年) beside the person → post table ---------------------------------------------------
def add_tenure_columns(book: Book, ws: Worksheet, people: TablePlacement) -> TablePlacement:
    """连续任职(年) right of the person → post table, helpers hidden after it.

    Helpers per row: trimmed name, id and post; the start (1 when blank: unknown) and end (9999-12-31
    when blank: open) as numbers, 0 on empty rows; whether the row starts a run (no row of the same
    person and post covers the day before its start); the run's start (the latest run start not
    after the row's). The tenure shows on rows held on the as-of date: days from the run's start to
    the as-of date ÷ 365.25, two decimals; blank when the run's start is unknown.
    """
    first_col = max(_index(letter) for letter in people.letters.values()) + 1
    L = people.letters
    keys = ("tenure", "h_name", "h_id", "h_post", "h_from", "h_to", "h_run", "h_start")
    X = {key: get_column_letter(first_col + i) for i, key in enumerate(keys)}
    first, last = people.first_row, people.last_row

    def rng(key: str) -> str:
        return f"${X[key]}${first}:${X[key]}${last}"

    def same(r: int) -> str:
        return f"({rng('h_name')}={X['h_name']}{r})*({rng('h_id')}={X['h_id']}{r})*({rng('h_post')}={X['h_post']}{r})"

    def what(key: str) -> str:
        return layout.header("person_posts", key, book.lang)

    cols = [
        Column("tenure", book.label("tpl_header_tenure"), 10, number_format="0.00"),
        Column("h_name", book.label("tpl_helper_pp", what=what("person")), 8),
        Column("h_id", book.label("tpl_helper_pp", what=what("employee_id")), 8),
        Column("h_post", book.label("tpl_helper_pp", what=what("post")), 8),
        Column("h_from", book.label("tpl_helper_pp", what=what("date_from")), 8),
        Column("h_to", book.label("tpl_helper_pp", what=what("date_to")), 8),
        Column("h_run", book.label("tpl_helper_pp", what="run"), 6),
        Column("h_start", book.label("tpl_helper_pp", what="start"), 8),
    ]
    blank = lambda r: f'OR({X["h_name"]}{r}="",{X["h_post"]}{r}="")'  # noqa: E731
    formulas = {
        "h_name": lambda r: f'=TRIM({L["person"]}{r}&"")',
        "h_id": lambda r: f'=TRIM({L["employee_id"]}{r}&"")',
        "h_post": lambda r: f'=TRIM({L["post"]}{r}&"")',
        "h_from": lambda r: f"=IF({blank(r)},0,IF(ISNUMBER({L['date_from']}{r}),{L['date_from']}{r},{UNKNOWN_START}))",
        "h_to": lambda r: f"=IF({blank(r)},0,IF(ISNUMBER({L['date_to']}{r}),{L['date_to']}{r},{OPEN_END}))",
        "h_run": lambda r: (
            f"=IF({blank(r)},0,IF(SUMPRODUCT({same(r)}*({rng('h_from')}<={X['h_from']}{r}-1)"
            f"*({rng('h_to')}>={X['h_from']}{r}-1))=0,1,0))"
        ),
        "h_start": lambda r: (
            f"=IF({blank(r)},0,SUMPRODUCT(MAX({same(r)}*({rng('h_run')}=1)"
            f"*({rng('h_from')}<={X['h_from']}{r})*{rng('h_from')})))"
        ),
        "tenure": lambda r: (
            f'=IF({blank(r)},"",IF(AND({X["h_from"]}{r}<={AS_OF},{X["h_to"]}{r}>={AS_OF},'
            f'{X["h_start"]}{r}>{UNKNOWN_START}),ROUND(({AS_OF}-{X["h_start"]}{r})/{YEAR_DAYS},2),""))'
        ),
    }
    for col in cols:
        col.formula = formulas[col.key]
        col.hidden = col.key != "tenure"
    placed = layout.write_table(
        book, ws, cols, header_row=people.header_row, rows=last - people.header_row, first_col=first_col
    )
    for key, name in (("h_name", "name"), ("h_post", "post"), ("h_from", "from"), ("h_to", "to")):
        book.define(f"icx_pp_{name}", ws, placed.ref(key))
    return placed


# --- the approver's limit beside the log ---------------------------------------------------------
def approver_limit_formula(approver: str, date: str, kind: str) -> str:
    """The largest limit of the lines that apply to the approver's posts on the date (blank when
    none applies): a line of the payment's own scope, or the post's general line when the post has
    none for that scope."""
    n, t = f'TRIM({approver}&"")', f'TRIM({kind}&"")'
    held_on = f'(COUNTIFS(icx_pp_name,{n},icx_pp_post,icx_auth_post,icx_pp_from,"<="&{date},icx_pp_to,">="&{date})>0)'
    held_any = f"(COUNTIFS(icx_pp_name,{n},icx_pp_post,icx_auth_post)>0)"
    own = f'(icx_auth_scope={t})*({t}<>"")'
    general = f'(icx_auth_scope="")*(1-({t}<>"")*(COUNTIFS(icx_auth_post,icx_auth_post,icx_auth_scope,{t})>0))'
    applies = f"IF(ISNUMBER({date}),{held_on},{held_any})*({own}+{general})*icx_auth_valid"
    return f'=IF({n}="","",IF(SUMPRODUCT({applies})=0,"",SUMPRODUCT(MAX({applies}*icx_auth_value))))'


def add_approval_columns(book: Book, ws: Worksheet, log: TablePlacement) -> TablePlacement:
    """审批人限额 and 超限额 right of the log (the raw limit in a hidden helper)."""
    first_col = max(_index(letter) for letter in log.letters.values()) + 1
    L = log.letters
    X = {key: get_column_letter(first_col + i) for i, key in enumerate(("limit_shown", "over", "h_limit"))}
    unlimited, over = book.label("tpl_unlimited"), book.label("tpl_over_limit")
    amount = lambda r: f"{L['amount']}{r}"  # noqa: E731
    cols = [
        Column(
            "limit_shown",
            book.label("tpl_header_approver_limit"),
            12,
            number_format="#,##0",
            formula=lambda r: (
                f'=IF({X["h_limit"]}{r}="","",IF({X["h_limit"]}{r}>={BIG},"{unlimited}",{X["h_limit"]}{r}))'
            ),
        ),
        Column(
            "over",
            book.label("tpl_header_over_limit"),
            8,
            formula=lambda r: (
                f'=IF(OR({X["h_limit"]}{r}="",NOT(ISNUMBER({amount(r)}))),"",'
                f'IF(ROUND({amount(r)},2)>ROUND({X["h_limit"]}{r},2),"{over}",""))'
            ),
        ),
        Column(
            "h_limit",
            book.label("tpl_helper_pp", what=book.label("tpl_header_approver_limit")),
            10,
            hidden=True,
            formula=lambda r: approver_limit_formula(
                f"{L['approver']}{r}", f"{L['date']}{r}", f"{L['expense_type']}{r}"
            ),
        ),
    ]
    placed = layout.write_table(
        book, ws, cols, header_row=log.header_row, rows=log.last_row - log.header_row, first_col=first_col
    )
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    ws.conditional_formatting.add(
        placed.ref("over", absolute=False),
        CellIsRule(
            operator="equal",
            formula=[f'"{over}"'],
            fill=PatternFill(bgColor="FFC7CE", fill_type="solid"),
            font=Font(color="9C0006"),
        ),
    )
    return placed


def _index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


# --- 参数设置: 表7 and 表8 --------------------------------------------------------------------------
SPARE_KIND_ROWS = 5
LEFT_BLOCK_LAST = 6  # column F, the left block's last column on 参数设置


def write_settings_section(book: Book, ws: Worksheet, row: int) -> int:
    """表7 (parameters) and 表8 (kinds of key posts) from ``row`` down in columns A–F; returns the
    row after them."""
    m: Methodology = book.methodology
    ws.cell(row=row, column=1, value=book.label("tpl_section_oversight")).style = layout.SECTION
    head = row + 1
    cols = _headers(book, ws, "settings_oversight", head)
    params = (
        ("as_of", None, "yyyy-mm-dd", Validation("date")),
        ("rotation_years", m.rotation.years, "0.0", Validation("decimal", low=0.5, high=50)),
        ("split_window_days", m.authority.split_window_days, "0", Validation("whole", low=1, high=366)),
        ("split_min_share", m.authority.split_min_share, "0%", Validation("decimal", low=0, high=0.99)),
    )
    for i, (code, value, fmt, validation) in enumerate(params):
        r = head + 1 + i
        _put(ws, r, cols["code"], code)
        _put(ws, r, cols["name"], book.label(f"tpl_param_{code}"))
        cell = _put(ws, r, cols["value"], value, layout.INPUT)
        cell.number_format = fmt
        _put(ws, r, cols["note"], book.label(f"tpl_param_{code}_note"))
        note = cols["note"]  # the explanation runs on to the block's right edge (column F)
        ws.merge_cells(start_row=r, start_column=note, end_row=r, end_column=LEFT_BLOCK_LAST)
        ref = f"{get_column_letter(cols['value'])}{r}"
        layout.add_validation(ws, ref, validation, book.lang)
        book.define(f"icx_{code}", ws, "$" + get_column_letter(cols["value"]) + "$" + str(r))
        ws.row_dimensions[r].height = 28
    for c in range(cols["note"] + 1, LEFT_BLOCK_LAST + 1):
        ws.cell(row=head, column=c).style = layout.HEADER
    row = head + len(params) + 2
    ws.cell(row=row, column=1, value=book.label("tpl_section_post_kinds")).style = layout.SECTION
    head = row + 1
    cols = _headers(book, ws, "settings_post_kinds", head)
    kinds = list(m.rotation.kinds)
    for i in range(len(kinds) + SPARE_KIND_ROWS):
        r = head + 1 + i
        kind = kinds[i] if i < len(kinds) else None
        values = {
            "code": kind.code if kind else None,
            "name_zh": (kind.name_zh if book.lang == "zh" else kind.name_en) if kind else None,
            "years": kind.years if kind else None,
            "duties": "、".join(kind.duties) if kind else None,
            "post_words": "、".join(kind.post_words) if kind else None,
        }
        for key, value in values.items():
            _put(ws, r, cols[key], value, layout.INPUT_TEXT if key != "years" else layout.INPUT)
    y = get_column_letter(cols["years"])
    layout.add_validation(
        ws,
        f"{y}{head + 1}:{y}{head + len(kinds) + SPARE_KIND_ROWS}",
        Validation("decimal", low=0.5, high=50),
        book.lang,
    )
    return head + len(kinds) + SPARE_KIND_ROWS + 2


def _headers(book: Book, ws: Worksheet, table: str, row: int) -> dict[str, int]:
    cols = {}
    for i, spec in enumerate(layout.columns(table)):
        ws.cell(row=row, column=1 + i, value=spec.header(book.lang)).style = layout.HEADER
        cols[spec.key] = 1 + i
    return cols


def _put(ws: Worksheet, row: int, col: int, value, style: str = layout.LOCKED):
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = style
    return cell
