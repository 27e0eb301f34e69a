"""Last period's demo units, derived from this period's so that the 同比 sheet has something to
show (pure data, seeded).

From each unit of this period, the unit of the period before is made with the changes a year
brings: two of this year's risks did not exist yet (new), two of last year's risks are gone
(closed), one risk was graded lower last year (so it escalated) and one higher (de-escalated),
one risk carried another id last year (renumbered: matched by its description), and the
self-evaluation failed on the same item as this year (屡查屡犯) and on one more that has since
been rectified.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

from icx.demo.data import AREA_PREFIX, DemoRisk, DemoUnit, risk_library


def previous_unit(unit: DemoUnit, period: str, seed: int = 2025) -> DemoUnit:
    """``unit`` as it stood in ``period`` (the period before its own)."""
    rng = random.Random(f"previous-{seed}-{unit.code}")
    before = copy.deepcopy(unit)
    before.period = period
    risks = before.risks
    # New this year: the last risk of two areas did not exist last year.
    by_area: dict[str, list[DemoRisk]] = {}
    for risk in risks:
        by_area.setdefault(risk.area, []).append(risk)
    areas = [a for a, rs in by_area.items() if len(rs) >= 2]
    for area in rng.sample(areas, min(2, len(areas))):
        risks.remove(by_area[area][-1])
    # Closed since last year: two risks of the library this unit no longer lists.
    described = {r.description for r in unit.risks}  # this year's too: a closed risk is not one of them
    unused = [e for e in risk_library() if e["description"] not in described]
    for n, entry in enumerate(rng.sample(unused, min(2, len(unused))), start=1):
        risks.append(
            DemoRisk(
                id=f"{AREA_PREFIX[entry['area']]}-9{n}",
                area=entry["area"],
                step=entry["step"],
                description=entry["description"],
                category=entry["category"],
                cause=entry["cause"],
                response=entry["response"],
                department=entry["department"],
                owner=risks[0].owner if risks else "",
                likelihood=[3] * len(unit.risks[0].likelihood),
                impact=[3] * len(unit.risks[0].impact),
            )
        )
    kept = [r for r in risks if not r.id.split("-")[-1].startswith("9")]
    graded = {id(r): _level(r) for r in kept}
    # Escalated: a risk above 三级 now, all 1s last year; de-escalated: one below 一级 now, all 5s.
    upper = [r for r in kept if graded[id(r)] < 3]
    lower = [r for r in kept if graded[id(r)] > 1 and r not in upper[:1]]
    if upper and lower and len(kept) >= 3:
        escalated = rng.choice(upper)
        deescalated = rng.choice([r for r in lower if r is not escalated])
        renumbered = rng.choice([r for r in kept if r is not escalated and r is not deescalated])
        # Last year graded as low as the scale goes: whatever it is now, it is no lower.
        escalated.likelihood = [1] * len(escalated.likelihood)
        escalated.impact = [1] * len(escalated.impact)
        deescalated.likelihood = [5] * len(deescalated.likelihood)
        deescalated.impact = [5] * len(deescalated.impact)
        renumbered.id = f"{renumbered.id}-{period}"
    before.evaluation = _previous_evaluation(unit.evaluation, period, rng)
    return before


def _level(risk: DemoRisk) -> int:
    """The risk's level with the default methodology, from its assessors' values."""
    from icx.core import scoring

    likelihood = scoring.average([scoring.likelihood(v) for v in risk.likelihood if v not in (None, "")])
    impact = scoring.average([scoring.impact(v) for v in risk.impact if v not in (None, "")])
    return scoring.risk_level(likelihood, impact)


def _previous_evaluation(rows: list[dict[str, Any]], period: str, rng: random.Random) -> list[dict[str, Any]]:
    """Last year's checklist: the same failures as this year on the first failing item (a
    repeated finding), one more failure since rectified, everything else compliant."""
    year = int(period) if str(period).isdigit() else 2025
    out = copy.deepcopy(rows)
    failing = [r for r in out if r.get("deficiency")]
    passing = [r for r in out if r.get("result") == "符合"]
    for row in out:
        if row in failing[:1]:
            continue  # the repeated finding
        if row.get("deficiency"):
            for key in ("deficiency", "grade", "rectification", "owner", "owner_email", "deadline", "status"):
                row.pop(key, None)
            row["result"] = "符合"
    if passing:
        fixed = rng.choice(passing)
        fixed.update(
            result="不符合",
            deficiency="上年检查发现的问题（已整改）",
            grade="一般",
            rectification="修订制度并组织培训",
            owner=failing[0].get("owner", "") if failing else "",
            owner_email=failing[0].get("owner_email", "") if failing else "",
            deadline=dt.date(year, 12, 31),
            status="整改中",
        )
    if failing:
        failing[0]["deadline"] = dt.date(year, 12, 31)
        failing[0]["status"] = "整改中"
    return out
