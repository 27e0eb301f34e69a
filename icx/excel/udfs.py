"""Worksheet functions (xlwings UDFs): a whole range in, a range of answers out.

Each function is a thin translation. The range is read as one flat column (row by row), handed
to one ``icx.core.vectorized`` call, and the answers are folded back into the range's shape: one
call per range, however many rows it has. Blank cells stay blank; a bad cell answers with a
readable error text (Chinese or English, from the catalogue) while the rest of the range is
still computed; nothing raises into Excel.

In Excel (Windows): xlwings ribbon → UDF Modules = ``icx.excel.udfs`` → Import Functions. The
answers spill by themselves in Excel 365/2021 (native dynamic arrays), so no ``expand`` option is
used: xlwings' legacy expansion overwrites neighbouring cells without asking. In older Excel
select the output cells first and confirm with Ctrl+Shift+Enter. Off Windows the xlwings
decorators return the function unchanged, so these are plain Python functions (the tests call
them with lists of lists, exactly what xlwings passes for ``ndim=2``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from icx import i18n
from icx.core import vectorized as vec
from icx.core.errors import IcxError, InvalidMethodology, Problem
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import as_number, is_blank
from icx.core.rows import Rows

CATEGORY = "icx 内部控制"
BLANK = ""
Cells = list[list[Any]]

# Argument help shown by Excel's function wizard (xlwings cuts each at 255 characters).
RANGE_DOC = "单元格区域（可多行多列）。A range of cells, any number of rows and columns."
LANG_DOC = "可选：错误提示语言 zh（默认）或 en。Optional: language of error texts, zh (default) or en."


# --- ranges in and out -------------------------------------------------------------------------
def _rows(values: Any) -> list[list[Any]]:
    """What xlwings passes with ndim=2 (a list of rows); a scalar or a flat list is accepted too."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if not isinstance(values, (list, tuple)):
        return [[values]]
    if not values:
        return [[None]]
    if not any(isinstance(v, (list, tuple)) for v in values):
        return [[v] for v in values]  # a plain list from Python reads as one column
    return [list(v) if isinstance(v, (list, tuple)) else [v] for v in values]


class _Range:
    """A range as one flat column (row-major) and the shape to fold answers back into."""

    def __init__(self, values: Any):
        rows = _rows(values)
        width = max(len(r) for r in rows)
        self.shape = (len(rows), width)
        flat = [v for r in rows for v in (r + [None] * (width - len(r)))]
        series = pd.Series(flat)
        # A column of numbers (blanks as NaN) keeps its float dtype: the fast path of the core.
        self.flat = series if series.dtype.kind == "f" else series.astype(object)

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    def described(self) -> str:
        return f"{self.shape[0]}×{self.shape[1]}"

    def fold(self, answers: np.ndarray, shape: tuple[int, int] | None = None) -> Cells:
        return answers.reshape(shape or self.shape).tolist()

    def broadcast_to(self, other: _Range) -> _Range:
        """This range repeated to ``other``'s shape when it is a single cell."""
        if self.shape == other.shape or self.size != 1:
            return self
        copy = _Range([[self.flat.iloc[0]] * other.shape[1]] * other.shape[0])
        return copy


def _pair(a: _Range, b: _Range) -> tuple[_Range, _Range]:
    a, b = a.broadcast_to(b), b.broadcast_to(a)
    if a.shape != b.shape:
        raise IcxError(Problem.of("excel_shape_mismatch", params={"first": a.described(), "second": b.described()}))
    return a, b


def _lang(lang: Any) -> i18n.Lang:
    return "en" if normalize_word(str(lang or "")) in ("en", "english", "英文", "英语") else "zh"


def _error_text(message: str, lang: i18n.Lang) -> str:
    return i18n.text("excel_cell_error", lang, message=message)


def _missing(label_key: str, lang: i18n.Lang) -> str:
    return _error_text(i18n.text("excel_missing", lang, what=i18n.label(label_key, lang)), lang)


def _errors(problems: Iterable[Problem], lang: i18n.Lang, per: int = 1) -> dict[int, str]:
    """Error text by output position (the first problem wins); ``per`` folds cells into rows."""
    out: dict[int, str] = {}
    for p in problems:
        if p.code in ("blank", "no_assessor_scores") or p.row is None:
            continue  # blanks answer blank, not an error
        out.setdefault(int(p.row) // per, _error_text(p.message(lang), lang))
    return out


def _present(values: Any, errors: dict[int, str], *, as_int: bool = False) -> np.ndarray:
    """Numbers as Python numbers, missing as blank, bad positions as their error text."""
    numbers = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(numbers), BLANK, dtype=object)
    ok = np.flatnonzero(~np.isnan(numbers))
    if len(ok):
        chosen = numbers[ok].astype(np.int64) if as_int else numbers[ok]
        out[ok] = np.asarray(chosen.tolist(), dtype=object)
    for pos, text in errors.items():
        out[pos] = text
    return out


def _answers_in_cells(fn: Callable[..., Cells]) -> Callable[..., Cells]:
    """A failure of the whole call (mismatched ranges, a broken matrix) answers in one cell."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)  # xlwings reads the wrapped signature and docstring
    def call(*args: Any, **kwargs: Any) -> Cells:
        bound = signature.bind_partial(*args, **kwargs)
        lang = _lang(bound.arguments.get("lang", "zh"))
        try:
            return fn(*args, **kwargs)
        except IcxError as exc:
            return [[_error_text(exc.problem.message(lang), lang)]]
        except Exception as exc:  # a worksheet function must answer with text, never a traceback
            detail = f"{type(exc).__name__}: {exc}"
            return [[_error_text(i18n.text("excel_internal", lang, detail=detail), lang)]]

    return call


# --- reading levels (numbers 1–3 or their names) -----------------------------------------------
def _level_names(m: Methodology) -> dict[str, int]:
    names: dict[str, int] = {}
    for entry in m.risk_levels:
        for name in (entry.name_zh, entry.name_en):
            names[normalize_word(name)] = entry.level
    return names


def _levels(flat: pd.Series, m: Methodology) -> vec.Checked:
    """Levels written as 1–3 or as 一级/二级/三级 ("Level 1"…), blanks skipped."""
    checked = vec.check_range(flat, 1, 3, "level_invalid", "level", blank="skip")
    values = checked.values.copy()
    names = _level_names(m)
    problems = []
    for p in checked.problems:
        given = flat.iloc[int(p.row)]
        level = names.get(normalize_word(given)) if isinstance(given, str) else None
        if level is None:
            problems.append(p)
        else:
            values.iloc[int(p.row)] = float(level)
    fractional = values.notna() & (values != values.round())
    for pos in np.flatnonzero(fractional.to_numpy()):
        problems.append(Problem.of("level_invalid", given=flat.iloc[pos], row=int(pos), field="level"))
        values.iloc[pos] = np.nan
    return vec.Checked(values, tuple(problems))


# --- the level matrix of a 参数设置 sheet ------------------------------------------------------
def _matrix_cell(value: Any, names: dict[str, int]) -> int:
    number = as_number(value)
    if number in (1.0, 2.0, 3.0):
        return int(number)  # type: ignore[arg-type]
    level = names.get(normalize_word(value)) if isinstance(value, str) else None
    if level is None:
        raise IcxError(Problem.of("excel_matrix_cell", given=value))
    return level


def _methodology(matrix: Any) -> Methodology:
    """The default methodology, with the level matrix of a worksheet range when one is given.

    The range may be laid out either way up (the manual prints 极高 likelihood on top); a valid
    matrix only fits one orientation, so the first orientation that validates is the one meant.
    """
    if matrix is None:
        return default_methodology()
    rng = _Range(matrix)
    rows = rng.flat.to_numpy(dtype=object).reshape(rng.shape)
    if rng.shape == (6, 6):
        rows = rows[1:, 1:]  # band names in the first row and column
    elif rng.shape != (5, 5):
        raise IcxError(Problem.of("excel_matrix_shape", params={"shape": rng.described()}))
    names = _level_names(default_methodology())
    levels = tuple(tuple(_matrix_cell(v, names) for v in row) for row in rows)
    return _matrix_methodology(levels)


@lru_cache(maxsize=64)
def _matrix_methodology(levels: tuple[tuple[int, ...], ...]) -> Methodology:
    grid = np.asarray(levels)
    first_failure: InvalidMethodology | None = None
    for candidate in (grid, grid[::-1, :], grid[:, ::-1], grid[::-1, ::-1]):
        try:
            return default_methodology().override({"matrix": {"levels": candidate.tolist()}})
        except InvalidMethodology as exc:
            first_failure = first_failure or exc
    assert first_failure is not None
    raise first_failure


# --- the functions ------------------------------------------------------------------------------
@xw.func(category=CATEGORY)
@xw.arg(
    "values",
    ndim=2,
    err_to_str=True,
    doc=RANGE_DOC + " 分值1–5、概率(0.35或35%)或措辞(较高/很可能)。Scores, probabilities or wordings.",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_LIKELIHOOD(values, lang="zh"):
    """可能性分值1–5：由分值、概率(35%)或措辞(较高/很可能)得出，整列一次计算。Likelihood 1–5 from a score, a probability (35%) or a wording (likely), a whole range in one call."""
    lg = _lang(lang)
    rng = _Range(values)
    checked = vec.likelihood(rng.flat, blank="skip")
    return rng.fold(_present(checked.values, _errors(checked.problems, lg)))


@xw.func(category=CATEGORY)
@xw.arg(
    "values",
    ndim=2,
    err_to_str=True,
    doc=RANGE_DOC + " 分值1–5、带¥/元/万的损失金额或措辞(重大/中等受损)。Scores, money with ¥/元/万, or wordings.",
)
@xw.arg(
    "amounts",
    ndim=2,
    err_to_str=True,
    doc="可选：同样大小的预计损失金额(元)区域，取较严重者。Optional: loss amounts in yuan, same size; the worse impact wins.",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_IMPACT(values, amounts=None, lang="zh"):
    """影响程度分值1–5：由分值、损失金额或措辞得出；给出损失金额时取较严重者。Impact 1–5 from a score, a loss amount or a wording; with amounts given, the worst dimension wins."""
    lg = _lang(lang)
    rng = _Range(values)
    if amounts is None:
        checked = vec.impact(rng.flat, blank="skip")
        return rng.fold(_present(checked.values, _errors(checked.problems, lg)))
    rng, money = _pair(rng, _Range(amounts))
    checked = vec.impact_worst(amount=money.flat, others=[rng.flat])
    return rng.fold(_present(checked.values, _errors(checked.problems, lg)))


AVG_KINDS = {
    "": "score",
    "score": "score",
    "分值": "score",
    "likelihood": "likelihood",
    "可能性": "likelihood",
    "impact": "impact",
    "影响程度": "impact",
}


@xw.func(category=CATEGORY)
@xw.arg(
    "scores",
    ndim=2,
    err_to_str=True,
    doc="评估人打分区域：每行一项风险，每列一名评估人。Assessors' scores: one row per risk, one column per assessor.",
)
@xw.arg(
    "kind",
    doc="可选：留空=1–5分值；“可能性”或“影响程度”时也接受概率、金额和措辞。Optional: empty for 1–5 scores; 'likelihood' or 'impact' also reads probabilities, amounts, wordings.",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_AVG(scores, kind="", lang="zh"):
    """评估小组平均分：每行（每项风险）各评估人打分的平均值，空白跳过，可为小数。Assessors' mean per row (one risk per row), blanks skipped; fractional results kept."""
    lg = _lang(lang)
    chosen = AVG_KINDS.get(normalize_word(str(kind or "")))
    if chosen is None:
        raise IcxError(Problem.of("excel_avg_kind", given=kind))
    rng = _Range(scores)
    parse = {
        "score": lambda s: vec.check_score(s, blank="skip"),
        "likelihood": lambda s: vec.likelihood(s, blank="skip"),
        "impact": lambda s: vec.impact(s, blank="skip"),
    }[chosen]
    parsed = parse(rng.flat)
    rows, width = rng.shape
    table = pd.DataFrame(parsed.values.to_numpy(dtype=float).reshape(rows, width))
    mean = vec.average(table)  # all-blank rows come back as NaN: they answer blank
    return rng.fold(_present(mean.values, _errors(parsed.problems, lg, per=width)), (rows, 1))


def _scores_pair(likelihood: Any, impact: Any, lang: i18n.Lang) -> tuple[_Range, pd.Series, pd.Series, dict[int, str]]:
    """Likelihood and impact ranges checked as 1–5 values; errors (and one-sided blanks) by cell."""
    lk_rng, im_rng = _pair(_Range(likelihood), _Range(impact))
    lk = vec.check_score(lk_rng.flat, "likelihood", blank="skip")
    im = vec.check_score(im_rng.flat, "impact", blank="skip")
    errors = _errors((*lk.problems, *im.problems), lang)
    lk_blank, im_blank = lk_rng.flat.isna().to_numpy(), im_rng.flat.isna().to_numpy()
    for pos in np.flatnonzero(lk.values.isna().to_numpy() & ~im.values.isna().to_numpy() & lk_blank):
        errors.setdefault(int(pos), _missing("excel_likelihood", lang))
    for pos in np.flatnonzero(im.values.isna().to_numpy() & ~lk.values.isna().to_numpy() & im_blank):
        errors.setdefault(int(pos), _missing("excel_impact", lang))
    return lk_rng, lk.values, im.values, errors


@xw.func(category=CATEGORY)
@xw.arg(
    "likelihood",
    ndim=2,
    err_to_str=True,
    doc="可能性（1–5，可为平均后的小数）。Likelihood values 1–5 (averages may be fractional).",
)
@xw.arg(
    "impact",
    ndim=2,
    err_to_str=True,
    doc="影响程度（1–5），与可能性区域同样大小。Impact values 1–5, same size as likelihood.",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_SCORE(likelihood, impact, lang="zh"):
    """风险评分 = 可能性 × 影响程度（1–25，保留6位小数，与模板公式一致）。Risk score = likelihood × impact (1–25, rounded to 6 decimals like the templates)."""
    lg = _lang(lang)
    rng, lk, im, errors = _scores_pair(likelihood, impact, lg)
    return rng.fold(_present(vec.risk_score(lk, im), errors))


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, err_to_str=True, doc=RANGE_DOC + " 0–5之间的值。Values between 0 and 5.")
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_BAND(values, lang="zh"):
    """分档1–5：值v落在k-1 < v ≤ k的第k档（0归第1档）。Band 1–5: a value v is in band k when k-1 < v ≤ k (0 falls in band 1)."""
    lg = _lang(lang)
    rng = _Range(values)
    checked = vec.check_range(rng.flat, 0, 5, "band_value_invalid", "band", blank="skip")
    return rng.fold(_present(vec.band(checked.values), _errors(checked.problems, lg), as_int=True))


@xw.func(category=CATEGORY)
@xw.arg("likelihood", ndim=2, err_to_str=True, doc="可能性（1–5）。Likelihood values 1–5.")
@xw.arg(
    "impact",
    ndim=2,
    err_to_str=True,
    doc="影响程度（1–5），与可能性区域同样大小。Impact values 1–5, same size as likelihood.",
)
@xw.arg(
    "matrix",
    ndim=2,
    doc="可选：参数设置表中的5×5等级矩阵（可含表头成6×6）。Optional: the 5×5 level matrix of the 参数设置 sheet (6×6 with headers).",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_LEVEL(likelihood, impact, matrix=None, lang="zh"):
    """风险等级1–3（1=一级，最严重）：按可能性与影响程度的分档查5×5矩阵，可用本单位参数设置的矩阵。Risk level 1–3 (1 = most severe) from the 5×5 matrix of the two bands; pass the workbook's own matrix to honour it."""
    lg = _lang(lang)
    m = _methodology(matrix)
    rng, lk, im, errors = _scores_pair(likelihood, impact, lg)
    return rng.fold(_present(vec.risk_level(lk, im, m), errors, as_int=True))


@xw.func(category=CATEGORY)
@xw.arg("levels", ndim=2, err_to_str=True, doc="风险等级1–3。Risk levels 1–3.")
@xw.arg("lang", doc="可选：zh（一级）或 en（Level 1）。Optional: zh (一级) or en (Level 1).")
@_answers_in_cells
def ICX_LEVEL_LABEL(levels, lang="zh"):
    """风险等级名称：1→一级，2→二级，3→三级（en: Level 1…）。Level names for levels 1–3, in Chinese or (lang "en") in English: Level 1, Level 2, Level 3."""
    lg = _lang(lang)
    m = default_methodology()
    rng = _Range(levels)
    checked = _levels(rng.flat, m)
    labels = vec.level_label(checked.values.astype("Int64"), lg, m)
    out = labels.astype(object).where(labels.notna(), BLANK).to_numpy(dtype=object, copy=True)
    for pos, text in _errors(checked.problems, lg).items():
        out[pos] = text
    return rng.fold(out)


@xw.func(category=CATEGORY)
@xw.arg(
    "ids",
    ndim=2,
    err_to_str=True,
    doc="风险编号列（同分同级时按编号排）。Risk ids (ties on score and level are ordered by id).",
)
@xw.arg("scores", ndim=2, err_to_str=True, doc="风险评分列。Risk scores.")
@xw.arg(
    "levels", ndim=2, err_to_str=True, doc="风险等级列（1–3或一级/二级/三级）。Risk levels (1–3 or 一级/二级/三级)."
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_RANK(ids, scores, levels, lang="zh"):
    """风险识别排序：评分从高到低，再按等级、编号；完全相同者并列。Rank of the risk ranking table: score high to low, then level, then id; equal keys share a rank."""
    lg = _lang(lang)
    id_rng, score_rng, level_rng = _Range(ids), _Range(scores), _Range(levels)
    for other in (id_rng, level_rng):
        if other.size != score_rng.size:
            raise IcxError(
                Problem.of("excel_shape_mismatch", params={"first": score_rng.described(), "second": other.described()})
            )
    score = vec.check_range(score_rng.flat, 1, 25, "excel_risk_score_invalid", "score", blank="skip")
    level = _levels(level_rng.flat, default_methodology())
    errors = _errors((*score.problems, *level.problems), lg)
    for pos in np.flatnonzero(score.values.notna().to_numpy() & level_rng.flat.isna().to_numpy()):
        errors.setdefault(int(pos), _missing("excel_level", lg))
    usable = score.values.where(~score.values.index.isin(list(errors)))
    ids_text = id_rng.flat.map(lambda v: "" if v is None or v != v else (f"{v:g}" if isinstance(v, float) else str(v)))
    ranks = vec.rank(ids_text, usable, level.values)
    return score_rng.fold(_present(ranks, errors, as_int=True))


@xw.func(category=CATEGORY)
@xw.arg(
    "duties",
    ndim=2,
    err_to_str=True,
    doc="每行一人（或一个岗位）：所任职责（一格可写多项，以、分隔）；或在职责表头下用√/是标记。One row per person or post: the duties held, or marks (√, 是, 1) under duty headers.",
)
@xw.arg(
    "headers",
    ndim=2,
    doc="可选：职责名称（表头行，与区域同宽）；给出时区域中的单元格为标记。Optional: the duty names over the columns; the cells are then marks.",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_CONFLICT(duties, headers=None, lang="zh"):
    """不相容岗位冲突：每行所任职责中互不相容的职责对（按内置规则库），无冲突为空。Incompatible duties each row holds together (built-in rule library); blank when none."""
    from icx.core.conflicts import ConflictInputs, default_library, post_conflicts, read_post_duties
    from icx.core.persons import Roster, as_flag

    lg = _lang(lang)
    rng = _Range(duties)
    rows, width = rng.shape
    cells = rng.flat.to_numpy(dtype=object).reshape(rows, width)
    names = None
    if headers is not None:
        head = _Range(headers)
        if head.size != width:
            raise IcxError(
                Problem.of("excel_shape_mismatch", params={"first": rng.described(), "second": head.described()})
            )
        names = head.flat.tolist()
    records, errors = [], {}
    for r in range(rows):
        for c in range(width):
            value = cells[r, c]
            if is_blank(value):
                continue
            if names is None:
                records.append({"post": f"#{r}", "duty": value})
                continue
            mark = as_flag(value)
            if mark is None:
                errors.setdefault(r, _error_text(i18n.text("excel_mark_invalid", lg, given=value), lg))
            elif mark and not is_blank(names[c]):
                records.append({"post": f"#{r}", "duty": names[c]})
    posts, _ = read_post_duties(Rows.of(records, ["post", "duty"]))
    found: dict[int, list[str]] = {}
    for conflict in sorted(post_conflicts(ConflictInputs(default_library(), posts, Roster())), key=lambda k: k.rule_id):
        row = int(conflict.posts[0][1:])
        pair = i18n.text("excel_conflict_pair", lg, a=conflict.duty_a, b=conflict.duty_b, rule=conflict.rule_id)
        if pair not in found.setdefault(row, []):
            found[row].append(pair)
    out = np.full(rows, BLANK, dtype=object)
    for row, pairs in found.items():
        out[row] = ("；" if lg == "zh" else "; ").join(pairs)
    for row, text in errors.items():
        out[row] = text
    return rng.fold(out, (rows, 1))


@xw.func(category=CATEGORY)
@xw.arg(
    "results",
    ndim=2,
    err_to_str=True,
    doc="评价结果：符合、基本符合、不符合、不适用。Results: 符合 (compliant), 基本符合 (largely), 不符合 (not), 不适用 (n/a).",
)
@xw.arg(
    "weights",
    ndim=2,
    err_to_str=True,
    doc="权重（分值），与评价结果同样大小或单个值。Weights, same size as the results or one value.",
)
@xw.arg(
    "partial",
    doc="可选：“基本符合”得分比例，默认0.5。Optional: share of the weight a 基本符合 item earns (default 0.5).",
)
@xw.arg("lang", doc=LANG_DOC)
@_answers_in_cells
def ICX_EVAL_SCORE(results, weights, partial=None, lang="zh"):
    """自我评价得分：符合得全部权重，基本符合得一定比例，不符合得0，不适用不计（为空）。Self-evaluation points: full weight, a share, nothing, or blank where not applicable (not counted)."""
    from icx.core.evaluation import default_config, item_score

    lg = _lang(lang)
    config = default_config()
    if partial is not None and not is_blank(partial):
        share = as_number(partial)
        if share is None or not 0 <= share <= 1:
            raise IcxError(Problem.of("excel_partial_invalid", given=partial))
        config = config.with_partial(share)
    rng, weight_rng = _pair(_Range(results), _Range(weights))
    out = np.full(rng.size, BLANK, dtype=object)
    for pos, (given, weight_value) in enumerate(zip(rng.flat.tolist(), weight_rng.flat.tolist())):
        if is_blank(given):
            continue
        result = config.result(given)
        weight = as_number(weight_value)
        if result is None:
            problem = Problem.of(
                "evaluation_result_invalid", given=given, params={"accepted": config.accepted("results")}
            )
        elif weight is None or weight <= 0:
            problem = Problem.of("evaluation_weight_invalid", given=weight_value)
        else:
            points = item_score(result.code, weight, config.partial_factor)
            out[pos] = BLANK if points is None else points
            continue
        out[pos] = _error_text(problem.message(lg), lg)
    return rng.fold(out)


# The functions Excel imports from this module, in the order the function wizard lists them.
FUNCTIONS = (
    ICX_LIKELIHOOD,
    ICX_IMPACT,
    ICX_AVG,
    ICX_SCORE,
    ICX_BAND,
    ICX_LEVEL,
    ICX_LEVEL_LABEL,
    ICX_RANK,
    ICX_CONFLICT,
    ICX_EVAL_SCORE,
)
