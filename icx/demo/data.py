"""Generate sample units (pure data, seeded, no files).

A demo unit has unit info and a few dozen risks across the unit level and the six business
areas, each scored by five assessors. Values are mostly 1–5 scores with some wordings and
probabilities mixed in, the way real units fill their sheets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from icx.bundled import read_toml
from icx.demo.basic_evaluation import make_answers, mode_of
from icx.demo.controls import make_controls
from icx.demo.oversight import attach_oversight
from icx.demo.people import attach_to_unit

AREA_PREFIX = {
    "unit": "DW",
    "budget": "YS",
    "revenue_expenditure": "SZ",
    "procurement": "CG",
    "assets": "ZC",
    "contracts": "HT",
    "construction": "JS",
}
ASSESSORS = 5

UNITS = (
    ("FB001", "区财政局机关", "王敏"),
    ("FB002", "区国库支付中心", "李强"),
    ("FB003", "区政府采购中心", "张丽"),
    ("FB004", "区财政投资评审中心", "刘洋"),
    ("FB005", "区会计核算中心", "陈静"),
    ("FB006", "区非税收入管理局", "赵磊"),
)
OWNERS = ("周涛", "吴芳", "郑军", "孙悦", "马超", "朱琳", "胡斌", "郭敏", "何平", "高洁")
LIKELIHOOD_WORDS = {1: "极低", 2: "较低", 3: "中等", 4: "较高", 5: "极高"}
IMPACT_WORDS = {1: "不会影响", 2: "轻度影响", 3: "中度影响", 4: "重大影响", 5: "灾难性影响"}
PROBABILITY = {1: "5%", 2: "20%", 3: "50%", 4: "80%", 5: "95%"}


@dataclass
class DemoRisk:
    id: str
    area: str
    step: str
    description: str
    category: str
    cause: str
    response: str
    department: str
    owner: str
    likelihood: list[Any]  # one entry per assessor: a score, a wording or a probability
    impact: list[Any]
    controls: list[str] = field(default_factory=list)
    treatment: dict[str, Any] = field(default_factory=dict)  # register keys: deadline, status, residual, sign-off


@dataclass
class DemoUnit:
    """A sample unit. Besides risks it carries the other sheets' tables as lists of dicts keyed by
    the catalogue's column keys (``icx/data/catalogue/sheets.toml``), so a workbook writer can
    put any of them on the right sheet without knowing how they were generated."""

    code: str
    name: str
    period: str
    preparer: str
    contact: str
    email: str
    risks: list[DemoRisk]
    controls: list[dict[str, Any]] = field(default_factory=list)  # control_matrix keys + "area"
    duty_rules: list[dict[str, Any]] = field(default_factory=list)  # duty_rules keys (unit's own rules)
    post_duties: list[dict[str, Any]] = field(default_factory=list)  # post_duties keys
    person_posts: list[dict[str, Any]] = field(default_factory=list)  # person_posts keys
    transactions: list[dict[str, Any]] = field(default_factory=list)  # transaction_log keys
    evaluation: list[dict[str, Any]] = field(default_factory=list)  # evaluation keys
    key_posts: list[dict[str, Any]] = field(default_factory=list)  # key_posts keys (岗位与授权)
    authorities: list[dict[str, Any]] = field(default_factory=list)  # authority keys
    special_audits: list[dict[str, Any]] = field(default_factory=list)  # special_audits keys
    # 基础性评价: the unit's own answers by criterion id (basic_evaluation keys) and what kind of
    # answering unit it is (icx/demo/basic_evaluation.py: complete, partial, not_applicable)
    basic_evaluation: dict[str, dict[str, Any]] = field(default_factory=dict)
    basic_evaluation_mode: str = "complete"


@cache
def risk_library() -> tuple[dict[str, str], ...]:
    return tuple(read_toml("demo_risks.toml")["risk"])


def _assessor_values(rng: random.Random, centre: int, words: dict[int, str], alt: dict[int, str] | None) -> list[Any]:
    values: list[Any] = []
    for _ in range(ASSESSORS):
        score = min(5, max(1, centre + rng.choice((-1, 0, 0, 0, 1))))
        roll = rng.random()
        if roll < 0.08:
            values.append(words[score])
        elif alt is not None and roll < 0.12:
            values.append(alt[score])
        elif roll < 0.16:
            values.append(None)  # an assessor who did not score this risk
        else:
            values.append(score)
    if all(v is None for v in values):
        values[0] = centre
    return values


def make_unit(index: int, seed: int = 2026, risks: int | None = None, period: str = "2026") -> DemoUnit:
    """The ``index``-th demo unit (cycling names after the built-in six)."""
    rng = random.Random(seed * 1000 + index)
    base_code, name, preparer = UNITS[index % len(UNITS)]
    code = base_code if index < len(UNITS) else f"FB{index + 1:03d}"
    if index >= len(UNITS):
        name = f"{name}{index // len(UNITS) + 1}分中心"
    library = list(risk_library())
    count = risks if risks is not None else rng.randint(24, 40)
    picked = [library[i % len(library)] for i in rng.sample(range(max(count, len(library))), count)]
    per_area: dict[str, int] = {}
    out = []
    for entry in sorted(picked, key=lambda e: list(AREA_PREFIX).index(e["area"])):
        per_area[entry["area"]] = per_area.get(entry["area"], 0) + 1
        risk_id = f"{AREA_PREFIX[entry['area']]}-{per_area[entry['area']]:02d}"
        l_centre, i_centre = rng.randint(1, 5), rng.randint(1, 5)
        out.append(
            DemoRisk(
                id=risk_id,
                area=entry["area"],
                step=entry["step"],
                description=entry["description"],
                category=entry["category"],
                cause=entry["cause"],
                response=entry["response"],
                department=entry["department"],
                owner=rng.choice(OWNERS),
                likelihood=_assessor_values(rng, l_centre, LIKELIHOOD_WORDS, PROBABILITY),
                impact=_assessor_values(rng, i_centre, IMPACT_WORDS, None),
                controls=[f"C-{risk_id}"],
            )
        )
    unit = DemoUnit(
        code=code,
        name=name,
        period=period,
        preparer=preparer,
        contact=f"0531-8{index:03d}66{index % 10}",
        email=f"{code.lower()}@example.gov.cn",
        risks=out,
    )
    unit.controls = make_controls(out, f"{seed}-{code}")  # one control per risk (icx/demo/controls.py)
    attach_to_unit(unit, seed)  # posts, people, payment log, self-evaluation (own seeded rng)
    attach_oversight(unit, seed)  # key posts, approval limits, audits, treatment (icx/demo/oversight.py)
    unit.basic_evaluation_mode = mode_of(index)
    unit.basic_evaluation = make_answers(code, period, seed, unit.basic_evaluation_mode)  # own seeded rng
    return unit


def make_units(count: int = 6, seed: int = 2026, period: str = "2026") -> list[DemoUnit]:
    return [make_unit(i, seed=seed, period=period) for i in range(count)]
