"""Scoring whole columns at once (pandas/numpy, no per-row Python loop in icx's code).

Same names and rules as ``icx.core.scoring``. Each parser returns a ``Checked`` column: the
values (NaN where a row is bad) and one ``Problem`` per bad row, so a caller can report every
bad row, not only the first, and still use the good ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal

import numpy as np
import pandas as pd

from icx.core.acceptance import cell_number, compact, spreadsheet_value
from icx.core.acceptance import read as acceptance_read
from icx.core.acceptance import rules as acceptance_rules
from icx.core.errors import InvalidValues, Problem
from icx.core.methodology import Methodology, default_methodology
from icx.core.parsing import NUMBER_PATTERN, SPREADSHEET_DIGITS
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


# --- the acceptance set, column-wise ----------------------------------------------------------------
# The same reading as ``icx.core.acceptance`` (data in ``icx/data/acceptance.toml``), written as
# regular expressions over whole columns: compact text → number part → form.
_DECIMAL = r"^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"


@dataclass(frozen=True)
class _Written:
    """A column read as the acceptance set reads cells: the number (NaN unless the cell is a
    number, date or time), and for text cells the compact text, the number part's value (NaN
    unless a plain decimal) and which form the text has."""

    number: np.ndarray
    blank: np.ndarray
    value: np.ndarray
    plain: np.ndarray
    percent: np.ndarray
    money: np.ndarray
    multiplier: np.ndarray
    text: pd.Series  # compact text, "" for non-text cells
    raw: pd.Series

    @classmethod
    def of(cls, values: Any) -> _Written:
        raw = as_series(values)
        obj = raw.astype(object)
        is_str = obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        number = obj.map(cell_number).to_numpy(dtype=float, na_value=np.nan, copy=True)
        number[is_str] = np.nan
        rules = acceptance_rules()["money"]
        text = pd.Series("", index=raw.index, dtype=object)
        if is_str.any():
            text.loc[is_str] = obj[is_str].map(compact).to_numpy()
        mults = "".join(rules["multipliers"])
        parts = text.str.extract(
            f"^(?P<yen>{re.escape(rules['prefix'])})?(?P<body>.*?)(?P<mult>[{mults}])?"
            f"(?P<end>[{re.escape(rules['suffix'])}%])?$"
        )
        body = parts["body"].fillna("").str.replace(rules["thousands"], "", regex=False)
        decimal = body.str.match(_DECIMAL).fillna(False).to_numpy(dtype=bool)
        value = pd.to_numeric(body.where(decimal), errors="coerce").map(spreadsheet_value, na_action="ignore")
        no_commas = text.str.replace(rules["thousands"], "", regex=False)
        plain = (text == body).to_numpy(dtype=bool)
        percent = (text == body + "%").to_numpy(dtype=bool)
        money = (~text.str.endswith("%") & (no_commas != body)).to_numpy(dtype=bool)
        mark = text.str.extract(f"([{mults}]){re.escape(rules['suffix'])}?$")[0]
        multiplier = mark.map({k: float(v) for k, v in rules["multipliers"].items()}).fillna(1.0)
        blank = raw.isna().to_numpy(dtype=bool) & ~is_str | (is_str & (text == "").to_numpy(dtype=bool))
        blank |= obj.map(lambda v: v is None).to_numpy(dtype=bool)
        return cls(
            number=number,
            blank=blank,
            value=value.to_numpy(dtype=float, na_value=np.nan),
            plain=plain & decimal,
            percent=percent & decimal,
            money=money & decimal,
            multiplier=multiplier.to_numpy(dtype=float),
            text=text,
            raw=raw,
        )

    def view(self, values: np.ndarray) -> np.ndarray:
        """Values at the 15 significant digits a spreadsheet keeps."""
        return pd.Series(values).map(spreadsheet_value, na_action="ignore").to_numpy(dtype=float, na_value=np.nan)

    def words(self, table: dict[str, int]) -> np.ndarray:
        return self.text.str.lower().map(table).to_numpy(dtype=float, na_value=np.nan)


def _checked(w: _Written, scores: np.ndarray, code: str, field_name: str, blank: Blank, explain: Any = None) -> Checked:
    """Scores where readable; one problem per bad (and, unless skipped, blank) row. ``explain``
    (a cell → ``acceptance.Reading``) picks the message saying what to write instead."""
    bad = ~w.blank & np.isnan(scores)
    values = np.where(bad | w.blank, np.nan, scores)
    out: list[Problem] = []
    rows = np.flatnonzero(bad | (w.blank if blank == "error" else np.zeros_like(w.blank)))
    index, given = w.raw.index, w.raw.to_numpy(dtype=object)
    for pos in rows:  # only bad rows are visited; a clean column costs nothing here
        label = index[pos].item() if hasattr(index[pos], "item") else index[pos]
        if w.blank[pos]:
            out.append(Problem.of("blank", given=given[pos], row=label, field=field_name))
            continue
        reading = explain(given[pos]) if explain is not None else None
        message, params = (reading.message, reading.params) if reading is not None and reading.code else (code, {})
        out.append(Problem.of(code, message=message, params=params, given=given[pos], row=label, field=field_name))
    return Checked(pd.Series(values, index=w.raw.index, dtype=float), tuple(out))


# --- likelihood ---------------------------------------------------------------------------------
@_on_uniques
def likelihood_from_probability(
    values: Any, methodology: Methodology | None = None, *, blank: Blank = "error"
) -> Checked:
    w = _Written.of(values)
    prob = np.where(
        np.isnan(w.number), np.where(w.percent, w.value / 100.0, np.where(w.plain, w.value, np.nan)), w.number
    )
    prob = w.view(prob)
    ok = (prob >= 0.0) & (prob <= 1.0)
    scores = np.where(
        ok, _from_edges(_or_default(methodology).likelihood.probability_edges, np.nan_to_num(prob)), np.nan
    )
    return _checked(w, scores, "probability_invalid", "likelihood", blank)


@_on_uniques
def likelihood_from_wording(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    w = _Written.of(values)
    return _checked(w, w.words(_or_default(methodology).likelihood_words), "likelihood_invalid", "likelihood", blank)


def _score_or_probability(m: Methodology, v: np.ndarray) -> np.ndarray:
    """1–5 stays a score, [0, 1) is a probability scored with the 表1 edges, the rest is NaN."""
    from_prob = _from_edges(m.likelihood.probability_edges, np.nan_to_num(v))
    return np.select([(v >= 1.0) & (v <= 5.0), (v >= 0.0) & (v < 1.0)], [v, from_prob], default=np.nan)


@_on_uniques
def likelihood(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    """Scores 1–5 as given, probabilities ([0,1) or "x%") and wordings, row by row."""
    m = _or_default(methodology)
    w = _Written.of(values)
    number = w.view(w.number)
    pct = w.view(w.value / 100.0)
    from_pct = np.where(pct <= 1.0, _from_edges(m.likelihood.probability_edges, np.nan_to_num(pct)), np.nan)
    scores = np.select(
        [~np.isnan(number), w.plain, w.percent],
        [_score_or_probability(m, number), _score_or_probability(m, w.value), from_pct],
        default=w.words(m.likelihood_words),
    )
    return _checked(w, scores, "likelihood_invalid", "likelihood", blank, _explain("likelihood", m))


def _explain(kind: str, m: Methodology) -> Any:
    """The scalar reading of one bad cell, for its message (the score is the column's own)."""
    words = m.impact_words if kind == "impact" else m.likelihood_words
    return lambda value: acceptance_read(kind, value, m.likelihood.probability_edges, m.impact.money_edges, words)


# --- impact -------------------------------------------------------------------------------------
@_on_uniques
def impact_from_amount(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    w = _Written.of(values)
    text_amount = np.where(
        ~np.isnan(w.value) & ~w.text.str.endswith("%").to_numpy(dtype=bool), w.value * w.multiplier, np.nan
    )
    amount = w.view(np.where(np.isnan(w.number), text_amount, w.number))
    m = _or_default(methodology)
    scores = np.where(amount >= 0, _from_edges(m.impact.money_edges, np.nan_to_num(amount)), np.nan)
    return _checked(w, scores, "amount_invalid", "loss_amount", blank, _explain("amount", m))


@_on_uniques
def impact_from_wording(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    w = _Written.of(values)
    return _checked(w, w.words(_or_default(methodology).impact_words), "impact_invalid", "impact", blank)


@_on_uniques
def impact(values: Any, methodology: Methodology | None = None, *, blank: Blank = "error") -> Checked:
    """Scores 1–5 as given, money texts ("¥12,000", "3万元") and wordings, row by row."""
    m = _or_default(methodology)
    w = _Written.of(values)
    number = w.view(w.number)
    in_range = lambda v: np.where((v >= 1.0) & (v <= 5.0), v, np.nan)  # noqa: E731
    amount = w.view(w.value * w.multiplier)
    scores = np.select(
        [~np.isnan(number), w.plain, w.money],
        [in_range(number), in_range(w.value), _from_edges(m.impact.money_edges, np.nan_to_num(amount))],
        default=w.words(m.impact_words),
    )
    return _checked(w, scores, "impact_invalid", "impact", blank, _explain("impact", m))


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
