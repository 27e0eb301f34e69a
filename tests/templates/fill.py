"""Random but reproducible risks for filling the register template in tests.

Values come in every form a unit writes: fractional scores, integers, wordings of either
language, probabilities as numbers and as "x%" text, numbers stored as text, missing assessors,
loss amounts on the band edges; plus hand-made edge rows (band edges to 1e-10, equal scores
with different levels, ids differing only in case) and rows the core refuses.
"""

from __future__ import annotations

import random
from typing import Any

from icx.core.methodology import Methodology
from icx.templates.settings import wordings

PROBABILITIES = [0, 0.05, 0.1, 0.2999, 0.3, 0.5, 0.7, 0.85, 0.9, 0.95, 0.999]
PERCENTS = ["0%", "10%", "35%", "70%", "90%", "100%", "9.9%"]
AMOUNTS = [0, 50, 99.99, 100, 1999, 2000, 9999.5, 10000, 999999, 1000000, 5000000]
AREAS = ["单位层面", "预算", "收支", "采购", "资产", "合同", "建设项目", "budget", "Assets", "预算管理"]


def _score(rng: random.Random) -> Any:
    return round(rng.uniform(1, 5), 1) if rng.random() < 0.75 else rng.randint(1, 5)


def _likelihood(rng: random.Random, words: list[str]) -> Any:
    roll = rng.random()
    if roll < 0.55:
        return _score(rng)
    if roll < 0.67:
        return rng.choice(words)
    if roll < 0.75:
        return rng.choice(PROBABILITIES)
    if roll < 0.82:
        return rng.choice(PERCENTS)
    if roll < 0.87:
        return str(_score(rng))
    return None


def _impact(rng: random.Random, words: list[str]) -> Any:
    roll = rng.random()
    if roll < 0.65:
        return _score(rng)
    if roll < 0.8:
        return rng.choice(words)
    if roll < 0.86:
        return str(_score(rng))
    return None


def _assessors(rng: random.Random, pick, words: list[str], n: int) -> list[Any]:
    values = [pick(rng, words) for _ in range(n)]
    if all(v is None for v in values):
        values[rng.randrange(n)] = _score(rng)
    return values


def risk(
    risk_id: str,
    likelihood: list[Any],
    impact: list[Any],
    area: str = "预算",
    loss: Any = None,
    description: str = "风险描述",
) -> dict[str, Any]:
    row: dict[str, Any] = {"id": risk_id, "area": area, "description": description, "loss_amount": loss}
    row.update({f"likelihood_{n}": v for n, v in enumerate(likelihood, start=1)})
    row.update({f"impact_{n}": v for n, v in enumerate(impact, start=1)})
    return row


def random_risks(m: Methodology, count: int, seed: int = 7, assessors: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    lk_words = [w for w, _ in wordings(m.likelihood)]
    im_words = [w for w, _ in wordings(m.impact)]
    rows = []
    for i in range(count):
        rows.append(
            risk(
                f"R-{i + 1:04d}",
                _assessors(rng, _likelihood, lk_words, assessors),
                _assessors(rng, _impact, im_words, assessors),
                area=rng.choice(AREAS),
                loss=rng.choice(AMOUNTS) if rng.random() < 0.2 else None,
                description=f"随机风险{i + 1}",
            )
        )
    return rows


def edge_risks() -> list[dict[str, Any]]:
    """Band edges, exact averages, ties on score with different levels, ids differing in case."""
    return [
        risk("E-01", [2.0000000004], [3]),  # rounds to 2 → band 2
        risk("E-02", [2.0000000006], [3]),  # rounds to 2.000000001 → band 3
        risk("E-03", [1.5, 2.5], [3.5, 4.5]),  # averages exactly 2 and 4
        risk("E-04", [0], [1]),  # probability 0 → 1
        risk("E-05", [5, 5, 5, 5, 5], [5, 5, 5, 5, 5]),
        risk("E-06", [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]),
        risk("E-07", [1], [5]),  # score 5, level 2
        risk("E-08", [2.5], [2]),  # score 5, level 3
        risk("e-09", [5], [1]),  # score 5, level 2: ties E-07 on score and level, id decides
        risk("T-01", [3], [3]),
        risk("t-01", [3], [3]),  # same key as T-01 ignoring case: they share a rank
        risk("E-10", [4.9, 4.9, 5], [0.9999 + 1]),  # impact 1.9999 → band 2
        risk("E-11", [3], [2], loss=2000),  # loss raises impact to 3
        risk("E-12", [3], [4], loss=99.99),  # loss score 1 does not lower impact
        risk("E-13", ["很可能"], ["重大"]),  # coarse wordings
        risk("E-14", ["likely", "Very Low"], ["major", "灾难性影响"]),
        risk("E-15", ["35%", "0.35"], ["3"]),
        risk("E-16", [3.1025], [2.655]),  # score 8.2371375: a decimal tie the float puts below
        risk("E-17", [2.95, 2.95, 2.95, 2.94], [3.365]),  # 2.9475 × 3.365 = 9.9183375, another tie
    ]


def refused_risks() -> list[dict[str, Any]]:
    """Rows the core refuses: no score, and the template must not rank them either."""
    return [
        risk("X-01", ["高高", 3], [3]),  # unknown wording
        risk("X-02", [6], [3]),  # score outside 1–5
        risk("X-03", [3], [0.5]),  # impact below 1 is not a probability
        risk("R-0001", [3], [3]),  # repeats the first random risk's id
        risk("", [4], [4]),  # no id
        risk("X-04", [2], [2], area="星际"),  # unknown area
        risk("X-05", [2], [2], description=""),  # no description
        risk("X-06", [2], [2], loss=-5),  # negative loss
        risk("X-07", [2], [None]),  # no impact at all
    ]
