"""How any openpyxl sheet is made to print legibly (``icx.io.sheet_print``): fitted to the page width
when that keeps its smallest text at 7 pt or more, else a fixed zoom with pages across that end
between groups and tables, identifying columns repeated, and rows as tall as their wrapped text."""

from __future__ import annotations

import math

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.styles import Alignment, Font

from icx.io.print_layout import MIN_PRINTED_PT, column_points, printable
from icx.io.sheet_print import legible_zoom, page_columns, print_legibly

ROOM = printable()[0]


def sheet(widths: list[float], *, size: float = 10, freeze: str | None = None, header_row: int = 3):
    wb = openpyxl.Workbook()
    ws = wb.active
    for c, width in enumerate(widths, start=1):
        letter = openpyxl.utils.get_column_letter(c)
        ws.column_dimensions[letter].width = width
        ws.cell(row=header_row, column=c, value=f"列{c}").font = Font(size=size)
        ws.cell(row=header_row + 1, column=c, value="内容").font = Font(size=size)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = freeze
    return ws


def test_a_sheet_that_fits_legibly_is_fitted_to_the_page_width() -> None:
    ws = sheet([12] * 10)
    ws.page_setup.orientation = "portrait"
    print_legibly(ws)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.page_setup.orientation == "landscape" and not ws.print_title_cols


def test_a_wide_sheet_prints_at_a_fixed_legible_zoom_with_its_frozen_columns_repeated() -> None:
    ws = sheet([10, 12] + [14] * 30, freeze="C4")
    print_legibly(ws)
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == math.ceil(legible_zoom(10) * 100)
    assert ws.page_setup.scale / 100 * 10 >= MIN_PRINTED_PT
    assert ws.print_title_cols == "$A:$B" and ws.page_setup.pageOrder == "overThenDown"
    assert [b.id for b in ws.col_breaks.brk]  # pages across, each ending where icx planned


def test_the_smallest_text_on_the_sheet_sets_the_zoom() -> None:
    ws = sheet([14] * 30, size=9)
    print_legibly(ws)
    assert ws.page_setup.scale / 100 * 9 >= MIN_PRINTED_PT > ws.page_setup.scale / 100 * 8


def test_frozen_columns_wider_than_a_third_of_the_page_leave_only_the_first_repeated() -> None:
    ws = sheet([8, 40, 40, 40] + [14] * 20, freeze="E4")
    print_legibly(ws)
    assert ws.print_title_cols == "$A:$A"


def test_pages_end_before_a_merged_group_heading_and_at_a_gap_between_tables() -> None:
    widths = {c: 14.0 for c in range(1, 31)}
    zoom = 0.76
    plain = page_columns(widths, zoom)
    group = (plain[0] - 2, plain[0] + 3)  # a heading merged across the first page's edge
    assert page_columns(widths, zoom, merged=[group])[0] == group[0] - 1
    gap = plain[0] - 4
    assert page_columns(widths, zoom, gaps={gap})[0] == gap


@given(
    widths=st.lists(st.floats(min_value=2, max_value=60), min_size=1, max_size=60),
    frozen=st.integers(min_value=0, max_value=3),
)
def test_every_page_holds_what_it_is_given_and_every_column_is_printed_once(widths: list[float], frozen: int) -> None:
    columns = dict(enumerate(widths, start=1))
    frozen = min(frozen, len(widths) - 1)
    zoom = 0.76
    title = sum(column_points(w) for c, w in columns.items() if c <= frozen)
    ends = page_columns(columns, zoom, frozen)
    assert ends == sorted(set(ends)) and ends[-1] == len(widths)
    start = frozen + 1
    for end in ends:
        page = [c for c in columns if start <= c <= end]
        assert page, (start, end)
        if len(page) > 1:  # a single column wider than a page is printed alone
            assert title + sum(column_points(columns[c]) for c in page) <= ROOM / zoom + 1e-6
        start = end + 1


def test_rows_grow_to_their_wrapped_text_and_never_shrink() -> None:
    ws = sheet([10, 20, 12])
    long = ws.cell(row=5, column=2, value="很长的说明文字" * 6)
    long.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=6, column=2, value="很长的说明文字" * 6)  # not wrapped: shown on one line
    ws.row_dimensions[7].height = 60
    ws.cell(row=7, column=1, value="短")
    note = ws.cell(row=1, column=1, value="合并单元格里的说明" * 5)
    note.alignment, note.font = Alignment(wrap_text=True), Font(size=10)
    ws.merge_cells("A1:C1")
    print_legibly(ws)
    assert ws.row_dimensions[5].height >= 15 * 5  # 84 units of text in a 20-unit column
    assert ws.row_dimensions[6].height is None
    assert ws.row_dimensions[7].height == 60
    assert ws.row_dimensions[1].height == 15 * 3  # 90 units over the merged width (42 units), not column A's


def test_a_unit_sheet_already_legible_keeps_its_own_settings() -> None:
    ws = sheet([12] * 6)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.scale = 90
    print_legibly(ws, keep_legible=True)
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.scale == 90
    old = sheet([12] * 40, freeze="B4")  # an older template: squeezed to two pages wide
    old.sheet_properties.pageSetUpPr.fitToPage = True
    old.page_setup.fitToWidth, old.page_setup.fitToHeight = 2, 0
    print_legibly(old, keep_legible=True)
    assert not old.sheet_properties.pageSetUpPr.fitToPage and old.page_setup.scale >= 70
    assert old.print_title_cols == "$A:$A"
