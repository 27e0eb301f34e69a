"""Read a workbook's 参数设置 sheet into a ``Methodology`` (and the self-evaluation shares).

The sheet is the one ``icx.templates.settings`` writes: tables found by their headers
(``settings_*`` in the catalogue), so rows inserted above or tables moved still read. Every
value is checked where it sits and a bad one is reported with its cell (参数设置!D8: …); the
methodology is then built from the base with the sheet's parts laid over it
(``Methodology.override``), so a sheet missing a table keeps the base's.

The wording tables decide which wordings a cell may hold: the methodology read from the sheet
accepts exactly the wordings the workbook's formulas accept (aliases and coarse wordings follow
the table; a level's own name or description missing from the table is reported, since icx
would still read it while the formulas would not).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from icx import i18n
from icx.core.errors import InvalidMethodology, Problem
from icx.core.memo import Memo
from icx.core.methodology import LEVELS, SCALE, Methodology, default_methodology, normalize_word
from icx.core.parsing import as_amount, as_number, as_percent, is_blank
from icx.io.grid import Grid, WorkbookGrid, cell_ref
from icx.io.oversight_settings import oversight_changes
from icx.io.specs import columns, match_header, sheet_names
from icx.io.table import Table, find_header, read_table, text_of

# Tables stacked in the left block end at their first blank row; the right block's run to the end.
STACKED = ("settings_likelihood", "settings_impact", "settings_levels")
OWN_WORDINGS = (
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "reputation_zh",
    "reputation_en",
    "operations_zh",
    "operations_en",
)
HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")


def _text(value: Any) -> str:
    return "" if is_blank(value) else text_of(value)


@dataclass
class SettingsResult:
    """The methodology a 参数设置 sheet describes, with every problem found in it."""

    methodology: Methodology
    problems: list[Problem] = field(default_factory=list)
    evaluation_factors: dict[str, float | None] = field(default_factory=dict)  # 符合 → 1.0, 不适用 → None
    found: bool = False  # the sheet held at least one methodology table
    differs: bool = False  # the methodology is not the base it was laid over (worked out once per sheet)
    as_of: dt.date | None = None  # the sheet's 检查基准日 (rotation, treatment deadlines), None when blank

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def find_settings_sheet(book: WorkbookGrid) -> Grid | None:
    zh, en = sheet_names("settings")
    return book.sheet(zh, en, "settings", "参数")


def default_evaluation_factors() -> dict[str, float | None]:
    return {c["zh"]: (float(c["factor"]) if "factor" in c else None) for c in i18n.section("choices")["result"]}


class _Reader:
    def __init__(self, grid: Grid, base: Methodology, file: str | None):
        self.grid, self.base, self.file = grid, base, file
        self.problems: list[Problem] = []

    # --- plumbing --------------------------------------------------------------------------------
    def problem(
        self, key: str, cell: str | None, severity: str = "error", *, given: Any = None, params: dict | None = None
    ) -> None:
        self.problems.append(
            Problem.of(
                key, severity=severity, file=self.file, sheet=self.grid.name, cell=cell, given=given, params=params
            )
        )

    def section(self, table: str) -> Table | None:
        """The table (rows numbered by sheet row), or None when the sheet does not hold it."""
        found = find_header(self.grid, table, search_rows=self.grid.height)
        if found is None:
            return None
        header_row, mapping = found
        if not {s.key for s in columns(table) if s.required} <= mapping.keys():
            return None
        window = (min(mapping.values()), max(mapping.values()))
        end = self.grid.height
        if table in STACKED:
            for r in range(header_row + 1, self.grid.height):
                if all(is_blank(self.grid.value(r, c)) for c in mapping.values()):
                    end = r
                    break
        sub = Grid(self.grid.name, self.grid.rows[header_row:end])
        read = read_table(sub, table, file=self.file, window=window)
        read.rows = read.rows.shifted(header_row)  # numbered by the whole sheet's rows
        read.header_row += header_row
        read.problems = [p.located(cell=_shift(p.cell, header_row)) if p.cell else p for p in read.problems]
        self.problems += read.problems
        return read

    def cell(self, table: Table, row: int, key: str) -> str:
        return table.cell(int(row), key)

    # --- the tables ------------------------------------------------------------------------------
    def by_number(self, table: Table, key: str, allowed: tuple[int, ...]) -> dict[int, int]:
        """Sheet row of each expected number (1–5 or 1–3) in column ``key``; problems for the rest."""
        rows: dict[int, int] = {}
        for r, value in zip(table.rows.sheet_rows, table.rows.column(key)):
            number = as_number(value)
            if number is None or number not in allowed:
                self.problem(
                    "settings_number_invalid",
                    self.cell(table, r, key),
                    given=value,
                    params={"accepted": "、".join(map(str, allowed))},
                )
            elif int(number) in rows:
                self.problem(
                    "settings_repeated",
                    self.cell(table, r, key),
                    given=value,
                    params={"first": self.cell(table, rows[int(number)], key)},
                )
            else:
                rows[int(number)] = int(r)
        for n in allowed:
            if n not in rows:
                self.problem(
                    "settings_row_missing", cell_ref(table.header_row, table.columns[key]), params={"which": str(n)}
                )
        return rows

    def edges(
        self,
        table: Table,
        key: str,
        rows: dict[int, int],
        parse: Callable[[Any], float | None],
        low: float,
        high: float | None,
        message: str,
    ) -> list[float] | None:
        values: list[float] = []
        ok = True
        previous = None
        for score in SCALE[1:]:
            if score not in rows:
                return None
            r = rows[score]
            raw = table.rows.at(r, key)
            number = parse(raw)
            where = self.cell(table, r, key)
            if number is None or number <= low or (high is not None and number >= high):
                self.problem(message, where, given=raw)
                ok = False
            elif previous is not None and number <= previous:
                self.problem("settings_edges_order", where, given=raw, params={"previous": f"{previous:g}"})
                ok = False
            else:
                previous = number
            values.append(number if number is not None else 0.0)
        return values if ok else None

    def scale(self, table_name: str, edge_key: str, scale_name: str) -> dict[str, Any]:
        table = self.section(table_name)
        if table is None or table.rows.empty:
            return {}
        rows = self.by_number(table, "score", SCALE)
        changes: dict[str, Any] = {}
        if scale_name == "likelihood":
            edges = self.edges(table, edge_key, rows, _probability, 0.0, 1.0, "settings_probability_invalid")
            if edges is not None:
                changes["probability_edges"] = tuple(edges)
        else:
            edges = self.edges(table, edge_key, rows, _money, 0.0, None, "settings_money_invalid")
            if edges is not None:
                changes["money_edges"] = tuple(edges)
        base_levels = [lv.model_dump() for lv in getattr(self.base, scale_name).levels]
        if len(rows) == len(SCALE):
            for level in base_levels:
                r = rows[level["score"]]
                for key in ("name_zh", "name_en"):
                    if key in table.rows and not is_blank(table.rows.at(r, key)):
                        level[key] = _text(table.rows.at(r, key))
            changes["levels"] = base_levels
        return changes

    def levels(self) -> list[dict[str, Any]] | None:
        table = self.section("settings_levels")
        if table is None or table.rows.empty:
            return None
        rows = self.by_number(table, "level", LEVELS)
        if len(rows) != len(LEVELS):
            return None
        out = [lv.model_dump() for lv in self.base.risk_levels]
        for entry in out:
            r = rows[entry["level"]]
            for key in ("name_zh", "name_en"):
                if key in table.rows and not is_blank(table.rows.at(r, key)):
                    entry[key] = _text(table.rows.at(r, key))
            color = table.rows.at(r, "color")
            found = HEX.match(_text(color))
            if found:
                entry["color"] = found.group(1).upper()
            else:
                self.problem("settings_color_invalid", self.cell(table, r, "color"), given=color)
        return out

    def matrix(self, level_entries: list[dict[str, Any]]) -> tuple[tuple[int, ...], ...] | None:
        corner = self.find_corner()
        if corner is None:
            return None
        r0, c0 = corner
        names: dict[str, int] = {}
        for entry in [lv.model_dump() for lv in self.base.risk_levels] + level_entries:
            for key in ("name_zh", "name_en"):
                names[normalize_word(entry[key])] = entry["level"]
        grid: dict[tuple[int, int], int] = {}
        ok = True
        for i in range(5):
            lband = 5 - i  # the top row is likelihood band 5, as in the manual's table 3
            for j in range(5):
                iband = j + 1
                value = self.grid.value(r0 + 1 + i, c0 + 1 + j)
                level = _level_of(value, names)
                if level is None:
                    self.problem(
                        "settings_level_invalid",
                        cell_ref(r0 + 1 + i, c0 + 1 + j),
                        given=value,
                        params={"accepted": "、".join(e["name_zh"] for e in level_entries) or "一级、二级、三级"},
                    )
                    ok = False
                else:
                    grid[(lband, iband)] = level
        if not ok:
            return None
        for lband in range(1, 6):
            for iband in range(1, 6):
                here = grid[(lband, iband)]
                where = cell_ref(r0 + 1 + (5 - lband), c0 + iband)
                if iband > 1 and here > grid[(lband, iband - 1)]:
                    self.problem(
                        "settings_matrix_impact_order", where, given=self.grid.value(r0 + 1 + 5 - lband, c0 + iband)
                    )
                    ok = False
                if lband > 1 and here > grid[(lband - 1, iband)]:
                    self.problem(
                        "settings_matrix_likelihood_order", where, given=self.grid.value(r0 + 1 + 5 - lband, c0 + iband)
                    )
                    ok = False
        if not ok:
            return None
        return tuple(tuple(grid[(lband, iband)] for iband in range(1, 6)) for lband in range(1, 6))

    def find_corner(self) -> tuple[int, int] | None:
        for r, row in enumerate(self.grid.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and match_header(value, "settings_matrix") == "corner":
                    return r, c
        return None

    def words(self, table_name: str) -> tuple[list[tuple[str, int, str]], str] | None:
        """(wording, score, cell of the wording) from a wording table, and the table's header cell."""
        table = self.section(table_name)
        if table is None:
            return None
        out: list[tuple[str, int, str]] = []
        seen: dict[str, tuple[int, str]] = {}
        for r, row in table.rows.items():
            word, raw = row.get("word"), row.get("score")
            if is_blank(word):
                self.problem("settings_word_missing", self.cell(table, r, "word"), given=raw)
                continue
            number = as_number(raw)
            if number is None or number not in SCALE:
                self.problem(
                    "settings_number_invalid",
                    self.cell(table, r, "score"),
                    given=raw,
                    params={"accepted": "1、2、3、4、5"},
                )
                continue
            text, key = _text(word), normalize_word(_text(word))
            if key in seen and seen[key][0] != int(number):
                self.problem(
                    "settings_word_twice", self.cell(table, r, "word"), given=text, params={"first": seen[key][1]}
                )
                continue
            seen.setdefault(key, (int(number), self.cell(table, r, "word")))
            out.append((text, int(number), self.cell(table, r, "word")))
        return out, cell_ref(table.header_row, table.columns["word"])

    def coded(self, table_name: str, fields: tuple[str, ...]) -> list[dict[str, str]] | None:
        table = self.section(table_name)
        if table is None or table.rows.empty:
            return None
        out = []
        for r, row in table.rows.items():
            entry = {f: _text(row.get(f)) for f in fields}
            if not entry["code"] or not entry["name_zh"]:
                key = "code" if not entry["code"] else "name_zh"
                self.problem(
                    "settings_entry_blank", self.cell(table, r, key), params={"column": columns(table_name)[0].zh}
                )
                continue
            entry["name_en"] = entry.get("name_en") or entry["name_zh"]
            out.append(entry)
        return out or None

    def results(self) -> dict[str, float | None]:
        factors = default_evaluation_factors()
        table = self.section("settings_results")
        if table is None:
            return factors
        canonical = {
            normalize_word(c[lang]): c["zh"] for c in i18n.section("choices")["result"] for lang in ("zh", "en")
        }
        for r, row in table.rows.items():
            name = canonical.get(normalize_word(_text(row.get("result"))))
            if name is None:
                self.problem(
                    "settings_result_unknown",
                    self.cell(table, r, "result"),
                    given=row.get("result"),
                    params={"accepted": "、".join(factors)},
                )
                continue
            raw = row.get("factor")
            if factors[name] is None:  # 不适用 stays out of the denominator whatever the cell says
                continue
            number = _probability(raw)
            if number is None or not 0 <= number <= 1:
                self.problem("settings_factor_invalid", self.cell(table, r, "factor"), given=raw)
            else:
                factors[name] = number
        return factors


def _shift(cell: str | None, rows: int) -> str | None:
    found = re.match(r"^([A-Z]+)(\d+)$", cell or "")
    return f"{found.group(1)}{int(found.group(2)) + rows}" if found else cell


def _probability(value: Any) -> float | None:
    percent = as_percent(value)
    return percent if percent is not None else as_number(value)


def _money(value: Any) -> float | None:
    return as_amount(value)


def _level_of(value: Any, names: dict[str, int]) -> int | None:
    number = as_number(value)
    if number is not None:
        return int(number) if number in LEVELS else None
    if isinstance(value, str):
        return names.get(normalize_word(value))
    return None


def _reconcile_words(
    scale: dict[str, Any], base_scale: Any, words: tuple[list[tuple[str, int, str]], str], reader: _Reader
) -> dict[str, Any]:
    """Levels' aliases and coarse wordings such that the accepted wordings are the table's."""
    table, header_cell = words
    levels = scale.get("levels") or [lv.model_dump() for lv in base_scale.levels]
    coarse = [c.model_dump() for c in base_scale.coarse]
    wanted = {normalize_word(w): (s, w, cell) for w, s, cell in table}
    own: dict[str, tuple[int, str]] = {}  # wordings that are a level's own fields (name, description…)
    for level in levels:
        for f in OWN_WORDINGS:
            if level.get(f):
                own.setdefault(normalize_word(level[f]), (level["score"], level[f]))
    for key, (score, word) in own.items():
        if key not in wanted:
            reader.problem(
                "settings_word_not_listed", header_cell, severity="warning", given=word, params={"score": str(score)}
            )
        elif wanted[key][0] != score:
            reader.problem("settings_word_is_name", wanted[key][2], given=wanted[key][1], params={"score": str(score)})
    new_coarse = []
    for entry in coarse:
        hits = [wanted.get(normalize_word(entry[n])) for n in ("name_zh", "name_en")]
        hits = [h for h in hits if h is not None]
        if not hits:
            continue  # no longer listed: the formulas would not accept it, so icx must not either
        score = hits[0][0]
        for n in ("name_zh", "name_en"):  # one name kept, the other dropped: icx still reads both
            if normalize_word(entry[n]) not in wanted:
                reader.problem(
                    "settings_word_not_listed",
                    header_cell,
                    severity="warning",
                    given=entry[n],
                    params={"score": str(score)},
                )
        entry["score"] = score
        entry["scores"] = tuple(sorted(set(entry["scores"]) | {score}))
        new_coarse.append(entry)
    coarse_keys = {normalize_word(c[n]) for c in new_coarse for n in ("name_zh", "name_en")}
    for level in levels:
        level["aliases"] = tuple(
            word
            for key, (score, word, _) in wanted.items()
            if score == level["score"] and key not in own and key not in coarse_keys
        )
    return {**scale, "levels": levels, "coarse": new_coarse}


# Most units keep the template's 参数设置 as issued, so a batch meets the same sheet hundreds of
# times: each distinct sheet (its cells, over the same base methodology) is read once per process.
SHEETS_KEPT = 32


def read_settings(grid: Grid, base: Methodology | None = None, *, file: str | None = None) -> SettingsResult:
    """The methodology of a 参数设置 sheet laid over ``base`` (default: the built-in one)."""
    base = base or default_methodology()
    memo = base.memos.get("settings_sheets")
    if memo is None:
        memo = base.memos["settings_sheets"] = Memo(lambda key: _read_settings(_sheet(*key), base), SHEETS_KEPT)
    read = memo[(grid.name, tuple(map(tuple, grid.rows)), grid.filled)]
    return SettingsResult(
        read.methodology,
        [p.located(file=file) for p in read.problems],
        dict(read.evaluation_factors),
        read.found,
        read.differs,
        read.as_of,
    )


def _sheet(name: str, rows: tuple[tuple[Any, ...], ...], filled: frozenset[tuple[int, int]]) -> Grid:
    return Grid(name, [list(row) for row in rows], filled)


def _read_settings(grid: Grid, base: Methodology) -> SettingsResult:
    # No file: the result is shared by every file holding this sheet; the caller places problems.
    reader = _Reader(grid, base, None)
    changes: dict[str, Any] = {}
    likelihood = reader.scale("settings_likelihood", "probability_from", "likelihood")
    impact = reader.scale("settings_impact", "money_from", "impact")
    level_entries = reader.levels()
    matrix = reader.matrix(level_entries or [lv.model_dump() for lv in base.risk_levels])
    lk_words, im_words = reader.words("settings_lk_words"), reader.words("settings_im_words")
    if lk_words is not None:
        likelihood = _reconcile_words(likelihood, base.likelihood, lk_words, reader)
    if im_words is not None:
        impact = _reconcile_words(impact, base.impact, im_words, reader)
    if likelihood:
        changes["likelihood"] = likelihood
    if impact:
        changes["impact"] = impact
    if level_entries:
        changes["risk_levels"] = level_entries
    if matrix is not None:
        changes["matrix"] = {"levels": matrix}
    for key, table, fields in (
        ("areas", "settings_areas", ("code", "name_zh", "short_zh", "name_en", "short_en")),
        ("categories", "settings_categories", ("code", "name_zh", "name_en")),
        ("responses", "settings_responses", ("code", "name_zh", "name_en")),
    ):
        entries = reader.coded(table, fields)
        if entries:
            changes[key] = entries
    extra, as_of = oversight_changes(reader)  # rotation and authority parameters (icx.io.oversight_settings)
    changes.update(extra)
    factors = reader.results()
    found = bool(changes) or reader.find_corner() is not None
    methodology = base
    if changes:
        try:
            methodology = base.override(changes)
        except InvalidMethodology as exc:
            for p in exc.problems:
                reader.problems.append(p.located(sheet=grid.name))
            methodology = base
    return SettingsResult(methodology, reader.problems, factors, found, methodology != base, as_of)


def read_settings_from(
    book: WorkbookGrid, base: Methodology | None = None, *, file: str | None = None
) -> SettingsResult | None:
    """The settings of a workbook, or None when it has no 参数设置 sheet."""
    grid = find_settings_sheet(book)
    if grid is None:
        return None
    return read_settings(grid, base, file=file or str(book.path))
