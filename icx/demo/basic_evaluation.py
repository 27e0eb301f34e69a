"""Answers to the 基础性评价 sheet for a demo unit (pure data, seeded).

Three kinds of unit take turns, so ``icx demo`` shows each:

- complete: every criterion icx cannot derive is answered with its evidence (document, date);
  after icx has derived the others (``complete_answers``), the unit answers what icx left open
  and overrides one derived answer, giving its reason;
- partial: about half of the unit's own criteria answered, the rest left blank (scored 0, listed);
- not applicable: like complete, but the unit has no construction projects, no debt and no
  change of procurement method, so those criteria are 不适用 (the converted score shows).

Rows are keyed by the catalogue's ``basic_evaluation`` column keys, by criterion id.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from icx.core.basic_evaluation.derive import Derived
from icx.core.basic_evaluation.system import Criterion, IndicatorSystem, default_system

MODES = ("complete", "partial", "not_applicable")
# Criteria a unit without projects, debt or changed procurement methods answers 不适用.
NOT_APPLICABLE = ("4.6.", "8.3.", "9.3.", "11.")
NO_FINDINGS = ("未按期开展", "资料不全，待补充", "尚未覆盖全部业务")
OVERRIDE = ("5.2.3", "是", "两笔记录为系统代办，经核实由不同人员审批和付款，见说明")
NA_REASON = "本单位无建设项目，控制矩阵中的建设项目控制沿用上级模板，本年度未发生"


def mode_of(index: int) -> str:
    return MODES[index % len(MODES)]


def _row(c: Criterion, answer: Any, rng: random.Random, year: int) -> dict[str, Any]:
    row: dict[str, Any] = {"answer": answer}
    if answer not in ("不适用", "否"):
        row["document"] = c.evidence or "相关文件"
        row["date"] = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    if answer == "否":
        row["note"] = rng.choice(NO_FINDINGS)
    return row


def _rate(c: Criterion, rng: random.Random) -> float:
    edges = c.band.edges if c.band else (0.05,)
    # mostly inside the best band, sometimes in the next, rarely beyond
    return round(rng.choice([edges[0] * 0.6, edges[0] * 0.9, (edges[0] + edges[-1]) / 2, edges[-1] * 1.3]), 4)


def make_answers(
    code: str, period: str, seed: int, mode: str, system: IndicatorSystem | None = None
) -> dict[str, dict]:
    """The unit's own answers to the criteria icx cannot derive."""
    system = system or default_system()
    rng = random.Random(f"basic-evaluation-{seed}-{code}")
    year = int(period) if str(period).isdigit() else 2026
    out: dict[str, dict] = {}
    for c in system.criteria:
        if mode == "not_applicable" and c.na_allowed and c.id.startswith(NOT_APPLICABLE):
            out[c.id] = {"answer": "不适用", "note": c.not_applicable}
            if c.derive is not None and c.derive.source != "evaluation":  # icx reads the projects' controls
                out[c.id]["override_reason"] = NA_REASON
            continue
        if c.derive is not None:
            continue
        if mode == "partial" and rng.random() < 0.5:
            continue
        if c.banded:
            out[c.id] = {"answer": _rate(c, rng), "document": c.evidence, "date": dt.date(year + 1, 1, 20)}
            continue
        out[c.id] = _row(c, "否" if rng.random() < 0.12 else "是", rng, year)
    return out


def complete_answers(
    answers: dict[str, dict], derived: dict[str, Derived], code: str, seed: int, mode: str, period: str = "2026"
) -> dict[str, dict]:
    """What a complete unit adds once icx has derived its answers: the rows icx left open, and one
    override with its reason. A partial unit adds nothing."""
    if mode == "partial":
        return answers
    system = default_system()
    rng = random.Random(f"basic-evaluation-rest-{seed}-{code}")
    year = int(period) if str(period).isdigit() else 2026
    out = dict(answers)
    for cid, found in derived.items():
        if cid in out or found.answer is not None:
            continue
        c = system.by_id[cid]
        if c.na_allowed and found.evidence_zh.count("不适用"):
            out[cid] = {"answer": "不适用", "note": c.not_applicable}
        else:
            out[cid] = _row(c, "是" if rng.random() < 0.8 else "否", rng, year)
    cid, answer, reason = OVERRIDE
    if cid in derived and derived[cid].answer == "no" and cid not in out:
        out[cid] = {"answer": answer, "override_reason": reason, "document": "支出审批记录核查说明"}
    return out
