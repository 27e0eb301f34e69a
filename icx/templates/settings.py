"""The 参数设置 sheet: the methodology as editable tables that the workbook's formulas read.

Left block (columns A–F), tables stacked top to bottom, each ending at a blank row:
表1 likelihood scale (probability lower bounds), 表2 impact scale (loss lower bounds), 表3 the 5×5
level matrix, 表4 levels, 表5 band rule (for reading only).
Right block (表6, from column H), tables side by side under one header row (row 5, so readers
searching the first rows find them), read to the sheet's end: the likelihood and impact
wordings (with blank rows to add more), areas, categories, responses, the self-evaluation
shares and the other dropdown lists.

Every range a formula or a dropdown uses gets a defined name (``icx_…``), so formulas read
``INDEX(icx_matrix, …)`` rather than cell addresses, and survive rows inserted above.
``icx.io.settings_sheet`` reads the same tables back into a ``Methodology``.
"""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from icx import i18n
from icx.core.conflicts import default_library
from icx.core.methodology import Methodology, normalize_word
from icx.templates import layout
from icx.templates.layout import Book, Validation
from icx.templates.oversight import write_settings_section

SPARE_WORD_ROWS = 30
LEFT_FIRST_ROW = 4  # section title of 表1; rows 1–2 title and note
RIGHT_FIRST_COL = 8  # column H


def level_fill_rules(book: Book) -> list[tuple[str, str]]:
    """(level name in the book's language, colour) of 一级/二级/三级."""
    m = book.methodology
    return [(lv.name_zh if book.lang == "zh" else lv.name_en, lv.color) for lv in m.risk_levels]


def colour_levels_by_name(book: Book, ws: Worksheet, ref: str) -> None:
    """Conditional fills on cells holding a level name (一级 red, 二级 orange, 三级 green)."""
    for name, color in level_fill_rules(book):
        ws.conditional_formatting.add(
            ref, CellIsRule(operator="equal", formula=[f'"{name}"'], fill=PatternFill(bgColor=color, fill_type="solid"))
        )


def wordings(scale) -> list[tuple[str, int]]:
    """Every wording of a scale with its score, first spelling kept (names, dimension wordings,
    aliases, then the coarse wordings at the score they stand for)."""
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    entries = [(w, level.score) for level in scale.levels for w in level.wordings()]
    entries += [(w, c.score) for c in scale.coarse for w in (c.name_zh, c.name_en)]
    for word, score in entries:
        key = normalize_word(word)
        if key and key not in seen:
            seen.add(key)
            out.append((word, score))
    return out


def write_settings(book: Book) -> Worksheet:
    m: Methodology = book.methodology
    lang = book.lang
    ws = book.wb.create_sheet(book.sheet_name("settings"))
    layout.title_rows(ws, book.label("tpl_title_settings"), book.label("tpl_note_settings"), 6)
    widths = {"A": 16, "B": 12, "C": 16, "D": 16, "E": 30, "F": 30, "G": 3}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width

    row = LEFT_FIRST_ROW
    row = _likelihood_table(book, ws, m, row)
    row = _impact_table(book, ws, m, row)
    row = _matrix_table(book, ws, m, row)
    row = _levels_table(book, ws, m, row)
    row = _bands_table(book, ws, m, row)
    last_left = write_settings_section(book, ws, row) - 2  # 表7, 表8: rotation and approval limits
    _right_block(book, ws, m)

    layout.page_setup(ws, title_rows_ref="1:2", lang=lang)
    ws.print_area = f"A1:F{last_left}"
    layout.protect(ws)
    return ws


def _section(ws: Worksheet, row: int, text: str) -> None:
    ws.cell(row=row, column=1, value=text).style = layout.SECTION


def _headers(book: Book, ws: Worksheet, table: str, row: int, first_col: int = 1) -> dict[str, int]:
    cols = {}
    for i, spec in enumerate(layout.columns(table)):
        cell = ws.cell(row=row, column=first_col + i, value=spec.header(book.lang))
        cell.style = layout.HEADER
        cols[spec.key] = first_col + i
    return cols


def _put(ws: Worksheet, row: int, col: int, value, style: str = layout.LOCKED, number_format: str | None = None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.style = style
    if number_format:
        cell.number_format = number_format
    return cell


def _text(entry, field: str, lang: i18n.Lang) -> str:
    return getattr(entry, f"{field}_{lang}", "") or getattr(entry, f"{field}_zh", "")


def _likelihood_table(book: Book, ws: Worksheet, m: Methodology, row: int) -> int:
    _section(ws, row, book.label("tpl_section_likelihood"))
    cols = _headers(book, ws, "settings_likelihood", row + 1)
    first = row + 2
    bounds = (0.0, *m.likelihood.probability_edges)
    for i, level in enumerate(m.likelihood.levels):
        r = first + i
        _put(ws, r, cols["score"], level.score)
        _put(ws, r, cols["name_zh"], level.name_zh)
        _put(ws, r, cols["name_en"], level.name_en)
        editable = level.score > 1  # score 1 starts at 0 by definition
        _put(ws, r, cols["probability_from"], bounds[i], layout.INPUT if editable else layout.LOCKED, "0%")
        _put(ws, r, cols["description"], _text(level, "description", book.lang))
        _put(ws, r, cols["frequency"], _text(level, "frequency", book.lang))
    d = get_column_letter(cols["probability_from"])
    layout.add_validation(
        ws,
        f"{d}{first + 1}:{d}{first + 4}",
        Validation("decimal", low=0.0001, high=0.9999, error=_edge_error(book, "likelihood")),
        book.lang,
    )
    book.define("icx_lk_edges", ws, f"${d}${first + 1}:${d}${first + 4}")
    name_col = get_column_letter(cols["name_zh" if book.lang == "zh" else "name_en"])
    book.define("icx_lk_names", ws, f"${name_col}${first}:${name_col}${first + 4}")
    return first + 6


def _edge_error(book: Book, scale: str) -> str:
    if scale == "likelihood":
        return (
            "概率下限须在0–100%之间且逐级递增"
            if book.lang == "zh"
            else "Probability bounds must lie in 0–100% and increase"
        )
    return "损失金额下限须大于0且逐级递增" if book.lang == "zh" else "Loss bounds must be above 0 and increase"


def _impact_table(book: Book, ws: Worksheet, m: Methodology, row: int) -> int:
    _section(ws, row, book.label("tpl_section_impact"))
    cols = _headers(book, ws, "settings_impact", row + 1)
    first = row + 2
    bounds = (0.0, *m.impact.money_edges)
    for i, level in enumerate(m.impact.levels):
        r = first + i
        _put(ws, r, cols["score"], level.score)
        _put(ws, r, cols["name_zh"], level.name_zh)
        _put(ws, r, cols["name_en"], level.name_en)
        editable = level.score > 1
        amount = int(bounds[i]) if float(bounds[i]).is_integer() else bounds[i]
        _put(ws, r, cols["money_from"], amount, layout.INPUT if editable else layout.LOCKED, "#,##0")
        _put(ws, r, cols["reputation"], _text(level, "reputation", book.lang))
        _put(ws, r, cols["operations"], _text(level, "operations", book.lang))
    d = get_column_letter(cols["money_from"])
    layout.add_validation(
        ws,
        f"{d}{first + 1}:{d}{first + 4}",
        Validation("decimal", low=0.01, error=_edge_error(book, "impact")),
        book.lang,
    )
    book.define("icx_im_edges", ws, f"${d}${first + 1}:${d}${first + 4}")
    name_col = get_column_letter(cols["name_zh" if book.lang == "zh" else "name_en"])
    book.define("icx_im_names", ws, f"${name_col}${first}:${name_col}${first + 4}")
    return first + 6


def band_label(name: str, band: int) -> str:
    return f"{name} {band - 1}–{band}"


def _matrix_table(book: Book, ws: Worksheet, m: Methodology, row: int) -> int:
    """Rows: likelihood band 5 (top) … 1, as in the manual's table 3; columns: impact band 1 … 5."""
    _section(ws, row, book.label("tpl_section_matrix"))
    head = row + 1
    _put(ws, head, 1, layout.spec("settings_matrix", "corner").header(book.lang), layout.HEADER)
    for band in range(1, 6):
        _put(
            ws,
            head,
            1 + band,
            band_label(
                m.impact.levels[band - 1].name_zh if book.lang == "zh" else m.impact.levels[band - 1].name_en, band
            ),
            layout.HEADER,
        )
    first = head + 1
    for i, lband in enumerate(range(5, 0, -1)):
        r = first + i
        name = m.likelihood.levels[lband - 1]
        _put(ws, r, 1, band_label(name.name_zh if book.lang == "zh" else name.name_en, lband), layout.HEADER)
        for iband in range(1, 6):
            level = m.matrix.level(lband, iband)
            cell = _put(ws, r, 1 + iband, m.level_name(level, book.lang), layout.INPUT)
            cell.alignment = Alignment(horizontal="center", vertical="center")
    ref = f"$B${first}:$F${first + 4}"
    book.define("icx_matrix", ws, ref)
    colour_levels_by_name(book, ws, f"B{first}:F{first + 4}")
    return first + 6


def _levels_table(book: Book, ws: Worksheet, m: Methodology, row: int) -> int:
    _section(ws, row, book.label("tpl_section_levels"))
    cols = _headers(book, ws, "settings_levels", row + 1)
    first = row + 2
    for i, lv in enumerate(m.risk_levels):
        r = first + i
        _put(ws, r, cols["level"], lv.level)
        _put(ws, r, cols["name_zh"], lv.name_zh)
        _put(ws, r, cols["name_en"], lv.name_en)
        _put(ws, r, cols["meaning"], lv.meaning_zh if book.lang == "zh" else lv.meaning_en)
        cell = _put(ws, r, cols["color"], lv.color.upper())
        cell.fill = PatternFill("solid", fgColor=lv.color.upper())
        ws.row_dimensions[r].height = 30  # the meaning wraps onto two lines
    name_col = get_column_letter(cols["name_zh" if book.lang == "zh" else "name_en"])
    book.define("icx_level_names", ws, f"${name_col}${first}:${name_col}${first + 2}")
    # The matrix cells choose from the level names.
    matrix = book.names["icx_matrix"].split("!")[1].replace("$", "")
    layout.add_validation(ws, matrix, Validation("list", source="icx_level_names"), book.lang)
    return first + 4


def _bands_table(book: Book, ws: Worksheet, m: Methodology, row: int) -> int:
    _section(ws, row, book.label("tpl_section_bands"))
    cols = _headers(book, ws, "settings_bands", row + 1)
    first = row + 2
    for band in range(1, 6):
        r = first + band - 1
        level = m.likelihood.levels[band - 1]
        _put(ws, r, cols["band"], band)
        _put(ws, r, cols["name"], level.name_zh if book.lang == "zh" else level.name_en)
        text = (
            book.label("tpl_band_range_first") if band == 1 else book.label("tpl_band_range", low=band - 1, high=band)
        )
        _put(ws, r, cols["range"], text)
    return first + 6


def _results_table(book: Book, ws: Worksheet, col: int, head: int) -> int:
    """Share of an item's weight each self-evaluation result scores (不适用: left out)."""
    cols = _headers(book, ws, "settings_results", head, col)
    first = head + 1
    entries = i18n.section("choices")["result"]
    for i, entry in enumerate(entries):
        r = first + i
        _put(ws, r, cols["result"], entry[book.lang])
        if "factor" in entry:
            _put(ws, r, cols["factor"], float(entry["factor"]), layout.INPUT, "0%")
        else:
            _put(ws, r, cols["factor"], book.label("tpl_excluded"))
    last = first + len(entries) - 1
    a, b = get_column_letter(cols["result"]), get_column_letter(cols["factor"])
    ws.column_dimensions[a].width = 14
    ws.column_dimensions[b].width = 10
    book.define("icx_results", ws, f"${a}${first}:${a}${last}")
    book.define("icx_result_factors", ws, f"${b}${first}:${b}${last}")
    # Keep the editable shares between 0 and 100%.
    layout.add_validation(ws, f"{b}{first}:{b}{last}", Validation("decimal", low=0, high=1), book.lang)
    return col + 3


def _right_block(book: Book, ws: Worksheet, m: Methodology) -> None:
    lang = book.lang
    col = RIGHT_FIRST_COL
    title_row, head = LEFT_FIRST_ROW, LEFT_FIRST_ROW + 1
    first = head + 1
    ws.cell(row=title_row, column=col, value=book.label("tpl_section_lists")).style = layout.SECTION

    def words_table(table: str, words: list[tuple[str, int]], prefix: str, start: int) -> int:
        cols = _headers(book, ws, table, head, start)
        total = len(words) + SPARE_WORD_ROWS
        for i in range(total):
            r = first + i
            word, score = words[i] if i < len(words) else (None, None)
            _put(ws, r, cols["word"], word, layout.INPUT_TEXT)
            _put(ws, r, cols["score"], score, layout.INPUT)
        w, s = get_column_letter(cols["word"]), get_column_letter(cols["score"])
        ws.column_dimensions[w].width = 24
        ws.column_dimensions[s].width = 10
        layout.add_validation(ws, f"{s}{first}:{s}{first + total - 1}", Validation("whole", low=1, high=5), lang)
        book.define(f"icx_{prefix}_words", ws, f"${w}${first}:${w}${first + total - 1}")
        book.define(f"icx_{prefix}_word_scores", ws, f"${s}${first}:${s}${first + total - 1}")
        return start + 3

    col = words_table("settings_lk_words", wordings(m.likelihood), "lk", col)
    col = words_table("settings_im_words", wordings(m.impact), "im", col)

    def coded_table(table: str, entries, fields: list[str], name: str, list_field: str) -> str:
        """A code/name table at the current column; returns the range it fills."""
        nonlocal col
        cols = _headers(book, ws, table, head, col)
        for i, entry in enumerate(entries):
            for f in fields:
                _put(ws, first + i, cols[f], getattr(entry, f))
        last = first + len(entries) - 1
        for f in fields:
            ws.column_dimensions[get_column_letter(cols[f])].width = 12 if f in ("code", "short_zh") else 20
        letter = get_column_letter(cols[list_field])
        book.define(name, ws, f"${letter}${first}:${letter}${last}")
        block = f"${get_column_letter(cols[fields[0]])}${first}:${get_column_letter(cols[fields[-1]])}${last}"
        col += len(fields) + 1
        return block

    area_fields = ["code", "name_zh", "short_zh", "name_en", "short_en"]
    area_block = coded_table(
        "settings_areas", m.areas, area_fields, "icx_areas", "short_zh" if lang == "zh" else "name_en"
    )
    book.define("icx_area_table", ws, area_block)
    coded_table(
        "settings_categories",
        m.categories,
        ["code", "name_zh", "name_en"],
        "icx_categories",
        "name_zh" if lang == "zh" else "name_en",
    )
    coded_table(
        "settings_responses",
        m.responses,
        ["code", "name_zh", "name_en"],
        "icx_responses",
        "name_zh" if lang == "zh" else "name_en",
    )

    col = _results_table(book, ws, col, head)
    cols = _headers(book, ws, "settings_lists", head, col)
    for spec in layout.columns("settings_lists"):
        values = book.choices(spec.key)
        c = cols[spec.key]
        for i, value in enumerate(values):
            _put(ws, first + i, c, value)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = 12
        book.define(f"icx_{spec.key}", ws, f"${letter}${first}:${letter}${first + len(values) - 1}")
    col += len(layout.columns("settings_lists")) + 1
    _duty_vocabulary(book, ws, col, head)
    ws.row_dimensions[head].height = 30


def _duty_vocabulary(book: Book, ws: Worksheet, col: int, head: int) -> None:
    """Every duty the rules name and every term of the vocabulary (icx/data/duty_rules.toml): the
    不相容岗位 sheet's 职责 dropdown (icx_duties)."""
    cols = _headers(book, ws, "settings_duties", head, col)
    letter = get_column_letter(cols["duty"])
    names = default_library().vocabulary
    for i, name in enumerate(names):
        _put(ws, head + 1 + i, cols["duty"], name)
    ws.column_dimensions[letter].width = 18
    book.define("icx_duties", ws, f"${letter}${head + 1}:${letter}${head + len(names)}")
