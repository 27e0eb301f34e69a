"""Scoring whole columns at once (pandas/numpy, no per-row Python loop in icx's code).

Same names and rules as ``icx.core.scoring``. Each parser returns a ``Checked`` column: the
values (NaN where a row is bad) and one ``Problem`` per bad row, so a caller can report every
bad row, not only the first, and still use the good ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal

import numpy as np
import pandas as pd

from icx.core.errors import InvalidValues, Problem
from icx.core.methodology import Methodology, default_methodology
from icx.core.parsing import (
    AMOUNT_PATTERN,
    MONEY_MARK,
    MULTIPLIERS,
    NUMBER_PATTERN,
    PERCENT_PATTERN,
    SPREADSHEET_DIGITS,
)
from icx.core.scoring import BAND_DIGITS, SCORE_DIGITS

Blank = Literal["error", "skip"]


@dataclass(frozen=True)
class Checked:
    """A parsed column: values (float, NaN where bad or blank) and the problems found."""

    values: pd.Series
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def unwrap(self) -> pd.Series:
        """The values, or ``InvalidValues`` listing every bad row."""
        if self.problems:
            raise InvalidValues(self.problems)
        return self.values


def _or_default(methodology: Methodology | None) -> Methodology:
    return methodology or default_methodology()


def as_series(values: Any) -> pd.Series:
    """Any 1-D input (list, array, Series) as a Series, keeping a Series' index."""
    if isinstance(values, pd.Series):
        return values
    return pd.Series(np.asarray(values, dtype=object) if not _is_numeric(values) else values)


def _is_numeric(values: Any) -> bool:
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):
        return False
    return arr.dtype.kind in "iuf"


@dataclass(frozen=True)
class _Cells:
    """A column split into what each row looks like: blank, number, and cleaned text."""

    blank: np.ndarray
    number: np.ndarray  # float, NaN where not a number
    text: pd.Series  # cleaned text ("" for non-text rows)
    raw: pd.Series

    @classmethod
    def of(cls, values: Any) -> _Cells:
        raw = as_series(values)
        if raw.dtype.kind in "iuf":  # fast path: a numeric column has no text to read
            number = raw.to_numpy(dtype=float, copy=True)
            blank = np.isnan(number)
            text = pd.Series("", index=raw.index, dtype=object)
            return cls(blank, number, text, raw)
        obj = raw.astype(object)
        is_bool = obj.map(lambda v: isinstance(v, (bool, np.bool_)), na_action="ignore")
        is_bool = is_bool.fillna(False).astype(bool).to_numpy()
        missing = obj.isna().to_numpy()
        is_str = obj.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False)
        is_str = is_str.astype(bool).to_numpy()
        text = pd.Series("", index=raw.index, dtype=object)
        if is_str.any():
            cleaned = (
                obj[is_str]
                .astype(str)
                .str.normalize("NFKC")
                .str.replace(r"\s+", "", regex=True)
                .str.lower()
                .str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)
            )
            text.loc[is_str] = cleaned.to_numpy()
        number = pd.to_numeric(obj.where(~is_str & ~is_bool & ~missing), errors="coerce")
        number = number.to_numpy(dtype=float, copy=True)
        numeric_text = text.str.fullmatch(NUMBER_PATTERN.pattern).fillna(False).to_numpy(bool)
        if numeric_text.any():
            number[numeric_text] = pd.to_numeric(text[numeric_text]).to_numpy(dtype=float)
        blank = missing | (is_str & (text == "").to_numpy())
        return cls(blank, number, text, raw)


def _on_uniques(parse: Any) -> Any:
    """Parse each distinct value once and spread the result over the column.

    Unit sheets repeat a handful of values (1–5, 较高, 35%…) thousands of times, so text
    columns are parsed on their distinct values; every bad row still gets its own problem.
    """

    @wraps(parse)
    def wrapper(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
        raw = as_series(values)
        if raw.dtype.kind in "iuf" or len(raw) < 64:
            return parse(raw, methodology, blank=blank)
        codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=True)
        distinct = list(uniques)
        if len(distinct) * 4 > len(raw) or any(isinstance(u, (bool, np.bool_)) for u in distinct):
            return parse(raw, methodology, blank=blank)
        checked = parse(pd.Series(distinct + [None], dtype=object), methodology, blank=blank)
        spread = checked.values.to_numpy()[codes]  # code -1 (missing) picks the trailing None
        result = pd.Series(spread, index=raw.index, dtype=float)
        problems: list[Problem] = []
        labels = raw.index
        given = raw.to_numpy(dtype=object)
        for problem in checked.problems:
            # problem.row is a position among the distinct values; the last one stands for blanks
            code = -1 if problem.row == len(distinct) else problem.row
            for pos in np.flatnonzero(codes == code):
                label = labels[pos]
                row = label.item() if hasattr(label, "item") else label
                problems.append(problem.located(row=row).model_copy(update={"given": given[pos]}))
        problems.sort(key=lambda p: labels.get_loc(p.row) if p.row in labels else 0)
        return Checked(result, tuple(problems))

    return wrapper


def _problems(cells: _Cells, bad: np.ndarray, code: str, field_name: str, blank: Blank) -> tuple[Problem, ...]:
    out: list[Problem] = []
    blank_bad = cells.blank if blank == "error" else np.zeros_like(cells.blank)
    rows = np.flatnonzero(bad | blank_bad)
    index = cells.raw.index
    values = cells.raw.to_numpy(dtype=object)
    for pos in rows:  # only bad rows are visited; a clean column costs nothing here
        given = values[pos]
        out.append(
            Problem.of(
                "blank" if cells.blank[pos] else code,
                given=given,
                row=index[pos].item() if hasattr(index[pos], "item") else index[pos],
                field=field_name,
            )
        )
    return tuple(out)


def _result(cells: _Cells, values: np.ndarray, bad: np.ndarray, code: str, field_name: str, blank: Blank) -> Checked:
    values = np.where(bad | cells.blank, np.nan, values)
    series = pd.Series(values, index=cells.raw.index, dtype=float)
    return Checked(series, _problems(cells, bad & ~cells.blank, code, field_name, blank))


def _from_edges(edges: Iterable[float], values: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(tuple(edges), dtype=float), values, side="right") + 1.0


def _percent(text: pd.Series) -> np.ndarray:
    found = text.str.extract(PERCENT_PATTERN.pattern)["num"]
    return pd.to_numeric(found, errors="coerce").to_numpy(dtype=float) / 100.0


def _wording(text: pd.Series, table: dict[str, int]) -> np.ndarray:
    return text.map(table).to_numpy(dtype=float)


def _from_words(values: Any, table: dict[str, int], scale: str, blank: Blank) -> Checked:
    """Scores from wordings only (the *_from_wording functions of both scales)."""
    cells = _Cells.of(values)
    scores = _wording(cells.text, table)
    bad = ~cells.blank & np.isnan(scores)
    return _result(cells, scores, bad, f"{scale}_invalid", scale, blank)


# --- likelihood ---------------------------------------------------------------------------------
@_on_uniques
def likelihood_from_probability(
    values: Any, methodology: Methodology | None = None, *, blank: Blank = "error"
) -> Checked:
    cells = _Cells.of(values)
    prob = np.where(np.isnan(cells.number), _percent(cells.text), cells.number)
    bad = ~cells.blank & ~((prob >= 0.0) & (prob <= 1.0))
    scores = _from_edges(_or_default(methodology).likelihood.probability_edges, np.nan_to_num(prob))
    return _result(cells, scores, bad, "probability_invalid", "likelihood", blank)


@_on_uniques
def likelihood_from_wording(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    return _from_words(values, _or_default(methodology).likelihood_words, "likelihood", blank)


@_on_uniques
def likelihood(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    """Scores 1–5 as given, probabilities ([0,1) or "x%") and wordings, row by row."""
    m = _or_default(methodology)
    cells = _Cells.of(values)
    num = cells.number
    as_score = (num >= 1.0) & (num <= 5.0)
    as_prob = (num >= 0.0) & (num < 1.0)
    pct = _percent(cells.text) if len(cells.text) else np.full(len(num), np.nan)
    edges = m.likelihood.probability_edges
    from_prob = _from_edges(edges, np.nan_to_num(num))
    from_pct = np.where((pct >= 0) & (pct <= 1), _from_edges(edges, np.nan_to_num(pct)), np.nan)
    from_word = _wording(cells.text, m.likelihood_words)
    scores = np.select(
        [as_score, as_prob, ~np.isnan(pct), np.isnan(num)],
        [num, from_prob, from_pct, from_word],
        default=np.nan,
    )
    bad = ~cells.blank & np.isnan(scores)
    return _result(cells, scores, bad, "likelihood_invalid", "likelihood", blank)


# --- impact -------------------------------------------------------------------------------------
def _amounts(cells: _Cells) -> np.ndarray:
    found = cells.text.str.extract(AMOUNT_PATTERN.pattern)
    mult = found["mult"].map(MULTIPLIERS).fillna(1.0)
    parsed = pd.to_numeric(found["num"], errors="coerce").to_numpy(dtype=float) * mult.to_numpy(dtype=float)
    return np.where(np.isnan(cells.number), parsed, cells.number)


@_on_uniques
def impact_from_amount(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    cells = _Cells.of(values)
    amount = _amounts(cells) if len(cells.text) else cells.number
    bad = ~cells.blank & ~((amount >= 0.0) & np.isfinite(amount))
    scores = _from_edges(_or_default(methodology).impact.money_edges, np.nan_to_num(amount))
    return _result(cells, scores, bad, "amount_invalid", "impact", blank)


@_on_uniques
def impact_from_wording(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    return _from_words(values, _or_default(methodology).impact_words, "impact", blank)


@_on_uniques
def impact(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    """Scores 1–5 as given, money texts ("¥12,000", "3万元") and wordings, row by row."""
    m = _or_default(methodology)
    cells = _Cells.of(values)
    num = cells.number
    as_score = (num >= 1.0) & (num <= 5.0)
    money = cells.text.str.contains(MONEY_MARK.pattern, regex=True).fillna(False).to_numpy(bool)
    amount = _amounts(cells)
    from_money = np.where(
        (amount >= 0) & np.isfinite(amount),
        _from_edges(m.impact.money_edges, np.nan_to_num(amount)),
        np.nan,
    )
    from_word = _wording(cells.text, m.impact_words)
    scores = np.select(
        [as_score, np.isnan(num) & money, np.isnan(num)],
        [num, from_money, from_word],
        default=np.nan,
    )
    bad = ~cells.blank & np.isnan(scores)
    return _result(cells, scores, bad, "impact_invalid", "impact", blank)


def impact_worst(
    *,
    amount: Any = None,
    reputation: Any = None,
    operations: Any = None,
    others: Iterable[Any] = (),
    methodology: Methodology | None = None,
) -> Checked:
    """Row-wise worst impact over the dimensions given (money, reputation, operations, …)."""
    parts: list[Checked] = []
    if amount is not None:
        parts.append(impact_from_amount(amount, methodology, blank="skip"))
    for column in (reputation, operations, *others):
        if column is not None:
            parts.append(impact(column, methodology, blank="skip"))
    if not parts:
        raise ValueError("impact_worst needs at least one dimension")
    frame = pd.concat([p.values for p in parts], axis=1)
    worst = frame.max(axis=1, skipna=True)
    problems = tuple(p for part in parts for p in part.problems)
    bad_rows = {p.row for p in problems}
    empty = frame.isna().all(axis=1) & ~frame.index.isin(list(bad_rows))
    problems += tuple(Problem.of("blank", row=r, field="impact") for r in frame.index[empty])
    worst[frame.index.isin(list(bad_rows))] = np.nan
    return Checked(worst, problems)


# --- combining ----------------------------------------------------------------------------------
def check_score(values: Any, field_name: str = "score", *, blank: Blank = "error") -> Checked:
    cells = _Cells.of(values)
    num = cells.number
    bad = ~cells.blank & ~((num >= 1.0) & (num <= 5.0))
    return _result(cells, num, bad, "score_invalid", field_name, blank)


def check_range(
    values: Any, low: float, high: float, code: str, field_name: str = "value", *, blank: Blank = "error"
) -> Checked:
    """Numbers (or numbers stored as text) within [low, high]; ``code`` names the message for the rest.

    ``check_score`` is this rule for 1–5; callers that band 0–5 values or read 1–3 levels use it directly.
    """
    cells = _Cells.of(values)
    num = cells.number
    bad = ~cells.blank & ~((num >= low) & (num <= high))
    return _result(cells, num, bad, code, field_name, blank)


def average(scores: Any, field_name: str = "score") -> Checked:
    """Row means of an assessors' table (rows = risks, columns = assessors); blanks skipped."""
    frame = scores if isinstance(scores, pd.DataFrame) else pd.DataFrame(np.asarray(scores, dtype=object))
    parsed = [check_score(frame[c], field_name, blank="skip") for c in frame.columns]
    values = pd.concat([p.values for p in parsed], axis=1)
    problems = [p for part in parsed for p in part.problems]
    mean = values.mean(axis=1, skipna=True)
    bad_rows = {p.row for p in problems}
    empty = values.isna().all(axis=1) & ~values.index.isin(list(bad_rows))
    problems += [Problem.of("no_assessor_scores", row=r, field=field_name) for r in values.index[empty]]
    mean[values.index.isin(list(bad_rows))] = np.nan
    return Checked(mean.astype(float), tuple(problems))


def _rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """Half away from zero on the 15 significant digits a spreadsheet keeps (see
    ``parsing.round_half_up``), in integer arithmetic: mantissa m (15 digits) // 10**k."""
    v = np.asarray(values, dtype=float)
    a = np.abs(v)
    usable = np.isfinite(a) & (a > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.where(usable, np.floor(np.log10(np.where(usable, a, 1.0))), 0).astype(np.int64)
    shift = (SPREADSHEET_DIGITS - 1) - exponent  # a * 10**shift has 15 digits before the point
    drop = shift - digits  # digits of the mantissa that rounding removes
    out = np.where(usable & (drop <= 0), a, 0.0)
    out = np.where(usable, out, a)
    pick = usable & (drop > 0) & (drop <= SPREADSHEET_DIGITS)
    if pick.any():
        mantissa = np.rint(a[pick] * 10.0 ** shift[pick]).astype(np.int64)
        power = 10 ** drop[pick]
        out[pick] = ((mantissa + 5 * (power // 10)) // power) / 10.0**digits
    return np.copysign(out, v)


def band(values: Any) -> pd.Series:
    """Bands 1–5 (k-1 < v <= k, 0 → 1); NaN stays <NA>. Values outside 0–5 raise."""
    series = as_series(values)
    v = series.to_numpy(dtype=float)
    outside = ~np.isnan(v) & ((v < 0) | (v > 5))
    if outside.any():
        cells = _Cells.of(series)
        raise InvalidValues(_problems(cells, outside, "band_value_invalid", "band", "skip"))
    bands = np.maximum(1.0, np.ceil(_rounded(v, BAND_DIGITS)))
    return pd.Series(bands, index=series.index).astype("Int64")


def risk_score(likelihood_values: Any, impact_values: Any) -> pd.Series:
    """Likelihood × impact, rounded to 6 decimals; NaN where either is missing."""
    lk = as_series(likelihood_values).to_numpy(dtype=float)
    im = as_series(impact_values).to_numpy(dtype=float)
    index = likelihood_values.index if isinstance(likelihood_values, pd.Series) else None
    return pd.Series(_rounded(lk * im, SCORE_DIGITS), index=index, dtype=float)


def risk_level(likelihood_values: Any, impact_values: Any, methodology: Methodology | None = None) -> pd.Series:
    """Levels 1–3 from the matrix; <NA> where a score is missing."""
    matrix = np.asarray(_or_default(methodology).matrix.levels, dtype=float)
    lb = band(likelihood_values).to_numpy(dtype=float, na_value=np.nan)
    ib = band(impact_values).to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(lb) & ~np.isnan(ib)
    levels = np.full(len(lb), np.nan)
    levels[ok] = matrix[lb[ok].astype(int) - 1, ib[ok].astype(int) - 1]
    index = likelihood_values.index if isinstance(likelihood_values, pd.Series) else None
    return pd.Series(levels, index=index).astype("Int64")


def level_label(levels: Any, lang: str = "zh", methodology: Methodology | None = None) -> pd.Series:
    m = _or_default(methodology)
    names = {r.level: (r.name_zh if lang == "zh" else r.name_en) for r in m.risk_levels}
    return as_series(levels).map(names)


def id_sort_key(ids: Any) -> pd.Series:
    return as_series(ids).astype(str).str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.lower()


def rank(ids: Any, scores: Any, levels: Any) -> pd.Series:
    """Competition ranks: score high→low, then level 1→3, then id; <NA> where unscored."""
    score = as_series(scores).to_numpy(dtype=float)
    level = as_series(levels).to_numpy(dtype=float, na_value=np.nan)
    key_id = id_sort_key(ids).to_numpy(dtype=object)
    ok = ~np.isnan(score) & ~np.isnan(level)
    out = np.full(len(score), np.nan)
    pos = np.flatnonzero(ok)
    if len(pos):
        id_codes = pd.factorize(key_id[pos], sort=True)[0]
        order = np.lexsort((id_codes, level[pos], -score[pos]))
        s, lv, ic = -score[pos][order], level[pos][order], id_codes[order]
        new_group = np.ones(len(order), dtype=bool)
        new_group[1:] = (s[1:] != s[:-1]) | (lv[1:] != lv[:-1]) | (ic[1:] != ic[:-1])
        starts = np.where(new_group, np.arange(1, len(order) + 1), 0)
        ranks_sorted = np.maximum.accumulate(starts)
        out[pos[order]] = ranks_sorted
    index = scores.index if isinstance(scores, pd.Series) else None
    return pd.Series(out, index=index).astype("Int64")
