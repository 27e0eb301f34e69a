"""Scoring one value at a time: likelihood, impact, averages, bands, score, level, rank.

Each function here has a column twin of the same name in ``icx.core.vectorized``; the two are
written independently and a property test holds them equal. Bad input raises ``InvalidValue``
saying what was given and what is accepted.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from typing import Any

from icx.core import acceptance
from icx.core.errors import InvalidValue, Problem, field_meaning
from icx.core.memo import Memo
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import as_number, is_blank, round_half_up

# Values are rounded before banding so that float noise (2.0000000000000004) cannot push a value
# into the next band. Templates use the same ROUND(…, 9) so Excel agrees.
BAND_DIGITS = 9
SCORE_DIGITS = 6


def _or_default(methodology: Methodology | None) -> Methodology:
    return methodology or default_methodology()


def _fail(message: str, given: Any, field: str) -> InvalidValue:
    code = "blank" if is_blank(given) else message
    return InvalidValue(Problem.of(code, params={"column": field_meaning(field)}, given=given, field=field))


# --- likelihood ---------------------------------------------------------------------------------
# What a cell may hold is the acceptance set (``icx/data/acceptance.toml``, read by
# ``icx.core.acceptance``); the template's formulas read cells the same way.


def _read(kind: acceptance.Kind, value: Any, m: Methodology) -> acceptance.Reading:
    words = m.impact_words if kind == "impact" else m.likelihood_words
    return acceptance.read(kind, value, m.likelihood.probability_edges, m.impact.money_edges, words)


def _score(kind: acceptance.Kind, value: Any, m: Methodology, field: str) -> float:
    reading = _read(kind, value, m)
    if reading.score is not None:
        return reading.score
    if reading.code is None:
        raise InvalidValue(Problem.of("blank", given=value, field=field))
    raise InvalidValue(
        Problem.of(
            reading.code,
            message=reading.message,
            params={"column": field_meaning(field), **reading.params},
            given=value,
            field=field,
        )
    )


def likelihood_from_probability(p: Any, methodology: Methodology | None = None) -> int:
    """Score 1–5 from a probability: a fraction 0–1 or a text like "35%" (lower-inclusive edges)."""
    m = _or_default(methodology)
    value = acceptance.cell_number(p)
    if value is None and isinstance(p, str):
        w = acceptance.written(p)
        if w.value is not None and w.form in ("plain", "percent"):
            value = w.value / 100 if w.form == "percent" else w.value
    if value is None or not 0.0 <= acceptance.spreadsheet_value(value) <= 1.0:
        raise _fail("probability_invalid", p, "likelihood")
    return bisect.bisect_right(m.likelihood.probability_edges, acceptance.spreadsheet_value(value)) + 1


def likelihood_from_wording(word: Any, methodology: Methodology | None = None) -> int:
    """Score 1–5 from a wording: 极低…极高, 不太可能/可能/很可能, or English (e.g. "likely")."""
    m = _or_default(methodology)
    score = m.likelihood_words.get(acceptance.word_key(word)) if isinstance(word, str) else None
    if score is None:
        raise _fail("likelihood_invalid", word, "likelihood")
    return score


def check_score(value: Any, field: str = "score") -> float:
    """A 1–5 score (fractional allowed, e.g. an average), from a number or numeric text."""
    number = as_number(value)
    if number is None or not 1.0 <= number <= 5.0:
        raise _fail("score_invalid", value, field)
    return number


def likelihood(value: Any, methodology: Methodology | None = None) -> float:
    """Likelihood from whatever an assessor wrote (the acceptance set's likelihood cell).

    A number 1–5 is a score; a number in [0, 1) or a text ending in % is a probability;
    any other text is a wording. Returns a float because scores may be fractional.
    """
    return _score("likelihood", value, _or_default(methodology), "likelihood")


# --- impact -------------------------------------------------------------------------------------
def impact_from_amount(amount: Any, methodology: Methodology | None = None) -> int:
    """Score 1–5 from a loss amount in yuan: 12000, "¥12,000", "1.2万", "3万元"."""
    return int(_score("amount", amount, _or_default(methodology), "loss_amount"))


def impact_from_wording(word: Any, methodology: Methodology | None = None) -> int:
    """Score 1–5 from a wording: 极低…极高, 不重要/次重要/重大, reputation or operations wordings."""
    m = _or_default(methodology)
    score = m.impact_words.get(acceptance.word_key(word)) if isinstance(word, str) else None
    if score is None:
        raise _fail("impact_invalid", word, "impact")
    return score


def impact(value: Any, methodology: Methodology | None = None) -> float:
    """Impact from whatever an assessor wrote (the acceptance set's impact cell).

    A bare number 1–5 is a score; a money text ("¥12,000", "3万元") is a loss amount; any other
    text is a wording. A bare number outside 1–5 is refused, because "4" could be a score or
    4 yuan: write amounts with ¥ or 元, or use ``impact_from_amount``.
    """
    return _score("impact", value, _or_default(methodology), "impact")


def impact_worst(
    *,
    amount: Any = None,
    reputation: Any = None,
    operations: Any = None,
    others: Iterable[Any] = (),
    methodology: Methodology | None = None,
) -> float:
    """Impact over several dimensions: the worst (highest) of those given."""
    scores = []
    if not is_blank(amount):
        scores.append(float(impact_from_amount(amount, methodology)))
    for value in (reputation, operations, *others):
        if not is_blank(value):
            scores.append(impact(value, methodology))
    if not scores:
        raise InvalidValue(Problem.of("blank", given=None, field="impact"))
    return max(scores)


# --- combining ----------------------------------------------------------------------------------
def average(scores: Iterable[Any], field: str = "score") -> float:
    """Mean of the assessors' scores (blanks skipped); fractional results are kept."""
    numbers = [check_score(s, field) for s in scores if not is_blank(s)]
    if not numbers:
        raise InvalidValue(Problem.of("no_assessor_scores", field=field))
    return math.fsum(numbers) / len(numbers)


def band(value: Any) -> int:
    """Band k (1–5) holding value v: k-1 < v <= k, and 0 falls in band 1."""
    number = as_number(value)
    if number is None or not 0.0 <= number <= 5.0:
        raise _fail("band_value_invalid", value, "band")
    return max(1, math.ceil(round_half_up(number, BAND_DIGITS)))


def risk_score(likelihood_value: Any, impact_value: Any) -> float:
    """Risk score = likelihood × impact (1–25), rounded to 6 decimals like the templates."""
    lk = check_score(likelihood_value, "likelihood")
    im = check_score(impact_value, "impact")
    return round_half_up(lk * im, SCORE_DIGITS)


def risk_level(likelihood_value: Any, impact_value: Any, methodology: Methodology | None = None) -> int:
    """Risk level 1–3 (1 = 一级, most severe) from the matrix cell of the two bands."""
    lk = check_score(likelihood_value, "likelihood")
    im = check_score(impact_value, "impact")
    return _or_default(methodology).matrix.level(band(lk), band(im))


def level_label(level: Any, lang: str = "zh", methodology: Methodology | None = None) -> str:
    """一级 / 二级 / 三级, or "Level 1" … in English."""
    number = as_number(level)
    if number is None or number not in (1.0, 2.0, 3.0):
        raise _fail("level_invalid", level, "level")
    return _or_default(methodology).level_name(int(number), lang)


def id_sort_key(risk_id: Any) -> str:
    """How risk ids order in the ranking (case-insensitive text, as spreadsheets compare)."""
    return normalize_word(str(risk_id))


def rank(ids: Sequence[Any], scores: Sequence[float], levels: Sequence[int]) -> list[int]:
    """Ranks of the 风险识别排序表: score high→low, then level 1→3, then id; ties share a rank."""
    keys = [(-float(s), int(lv), id_sort_key(i)) for i, s, lv in zip(ids, scores, levels)]
    ranks = [0] * len(keys)
    previous, current = None, 0
    for position, i in enumerate(sorted(range(len(keys)), key=keys.__getitem__), start=1):
        if keys[i] != previous:  # competition ranking: equal keys share the first position
            previous, current = keys[i], position
        ranks[i] = current
    return ranks


# --- cells parsed once per process ---------------------------------------------------------------
# A batch of unit workbooks repeats the same few hundred cell values (1–5, 较高, 35%, ¥5万…) in
# every file, so ``parse_cells`` parses each distinct value once per process and answers later
# cells from a table. Each parser's code is the one its column twin in ``icx.core.vectorized``
# gives every bad cell; a property test holds the two equal on any cell.
PARSED_LIMIT = 200_000  # distinct values kept per parser before its table starts again
CELL_KINDS = ("likelihood", "impact", "amount")


def parse_cells(kind: str, values: Iterable[Any], methodology: Methodology | None = None) -> list[acceptance.Reading]:
    """One ``acceptance.Reading`` per cell for ``kind`` 'likelihood', 'impact' or 'amount' (a loss
    amount): its score, or for a bad cell the problem code and the message saying what to write
    (a blank cell has neither). Cells are keyed by type and value, so ``True``, ``1`` and ``1.0``
    are read apart."""
    if kind not in CELL_KINDS:
        raise KeyError(kind)
    m = _or_default(methodology)
    memo = m.memos.get(("parse_cells", kind))
    if memo is None:  # kept on the methodology: it lives and goes with it
        memo = m.memos[("parse_cells", kind)] = Memo(lambda key: _parse_cell(kind, key[1], m), PARSED_LIMIT)
    return [acceptance.BLANK if value is None else memo[(value.__class__, value)] for value in values]


def _parse_cell(kind: str, value: Any, m: Methodology) -> acceptance.Reading:
    try:
        return _read(kind, value, m)  # type: ignore[arg-type]
    except (ValueError, OverflowError, TypeError):  # a number no float holds
        return acceptance.Reading(None, f"{kind}_invalid", f"{kind}_invalid")
