"""Demo data for rotation, approval limits and treatment (pure data, seeded).

Every demo unit gets, beside a clean baseline, at least one case of each finding, dated relative
to its period (year Y), so any as-of date from Y-07-01 to Y+1-02-28 shows them:

- rotation: the cashier (出纳, a 3-year post) has sat since Y-3-01-01 (overdue since Y-01-01);
  the finance chief has held the post since Y-9 with only Y-2…Y-1 audited (a period nobody
  audited); the accountant since Y-7, but audited up to Y-3 (not a finding: the audit stands in);
  the office director is marked key by hand (公章) with a 2-year period; the procurement posts
  start later so they are within their 3 years;
- approval limits: the deputy (50,000; 差旅费 5,000) approves 52,600 once; three payments of
  about 18,000 to one printer within 20 days add up past 50,000 (possible splitting); the head
  is unlimited;
- treatment: plans on every 一级/二级 risk, with one missing its deadline and status, one overdue
  (due Y-06-30, 实施中); 一级 risks signed off, except one without minutes or review date and one
  refused (不同意); an accepted (风险承受) risk whose review was due Y-06-30.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from icx.core import scoring
from icx.core.methodology import Methodology, default_methodology

VENDORS = (
    "宏达办公用品有限公司",
    "新华书店",
    "城建维修工程队",
    "顺通物流有限公司",
    "华信软件有限公司",
    "绿源物业管理有限公司",
    "安信保安服务公司",
    "金桥会议服务中心",
    "利民食堂",
    "恒通电器商行",
    "明亮照明工程公司",
    "东方航空票务代理",
    "蓝天印务有限公司",
    "平安车辆维修站",
    "万家福超市",
    "海川网络科技公司",
    "博文图书有限公司",
    "康泰医疗器械公司",
    "诚信会计师事务所",
    "正道律师事务所",
    "中通快递营业部",
    "瑞丰家具有限公司",
    "华夏保险代理公司",
    "同创广告有限公司",
    "长城宽带营业厅",
)
SPLIT_PAYEE = "彩虹印务有限公司"
OVER_PAYEE = "天元建设监理公司"
EXPENSE_TYPES = ("办公用品", "维修费", "印刷费", "会议费", "物业费", "差旅费")
DEPUTY, HEAD = "分管财务副职", "单位负责人"


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def attach_oversight(unit: Any, seed: int, methodology: Methodology | None = None) -> None:
    """Fill a DemoUnit's key posts, approval limits, special audits, the log's payees and types,
    and the register's treatment and sign-off cells."""
    rng = random.Random(f"oversight-{seed}-{unit.code}")
    year = int(unit.period) if str(unit.period).isdigit() else 2026
    _rotation(unit, year)
    _authority(unit, year, rng)
    _treatment(unit, year, rng, methodology or default_methodology())


# --- rotation ----------------------------------------------------------------------------------
def _rotation(unit: Any, year: int) -> None:
    for row in unit.person_posts:
        post, start = row["post"], row.get("date_from")
        if start != _day(year - 3, 1, 1):
            continue  # a stint of its own (acting, the former cashier…): kept as written
        if post == "采购专员":
            row["date_from"] = _day(year - 2, 3, 1)
        elif post == "采购审核岗":
            row["date_from"] = _day(year - 1, 9, 1)
        elif post == "财务科长":
            row["date_from"] = _day(year - 9, 1, 1)
        elif post == "会计" and row.get("employee_id"):
            row["date_from"] = _day(year - 7, 1, 1)
    unit.key_posts = [
        {"post": "办公室主任", "key_post": "是", "rotation_years": 2, "note": "保管公章、合同专用章"},
        {"post": "收费员", "key_post": "是", "note": "窗口收费，按默认期限"},
    ]
    unit.special_audits = [
        {
            "post": "会计",
            "period_from": _day(year - 7, 1, 1),
            "period_to": _day(year - 3, 12, 31),
            "audit_date": _day(year - 2, 3, 20),
            "auditor": "区审计局",
            "reference": f"审专〔{year - 2}〕7号",
        },
        {
            "post": "财务科长",
            "period_from": _day(year - 2, 1, 1),
            "period_to": _day(year - 1, 12, 31),
            "audit_date": _day(year, 1, 15),
            "auditor": "内审科",
            "reference": f"内审〔{year}〕1号",
        },
    ]


# --- approval limits ---------------------------------------------------------------------------
def _authority(unit: Any, year: int, rng: random.Random) -> None:
    unit.authorities = [
        {"post": HEAD, "limit": "不限"},
        {"post": DEPUTY, "limit": 50000},
        {"post": DEPUTY, "scope": "差旅费", "limit": 5000},
        {"post": "财务科长", "limit": 5000},
    ]
    vendors = list(VENDORS)
    rng.shuffle(vendors)
    log = unit.transactions
    deputy = head = None
    for i, row in enumerate(log):
        row["payee"] = vendors[i % len(vendors)]
        row["expense_type"] = rng.choice(EXPENSE_TYPES)
        if row["applicant"] == row["approver"]:
            row["expense_type"] = "差旅费"  # the deputy's own travel claim (3,860: within 5,000)
            row["payee"] = row["approver"]
        elif row["amount"] >= 50000:
            head = head or row["approver"]
        else:
            deputy = deputy or row["approver"]
    deputy = deputy or log[0]["approver"]
    # never two payments to one payee by chance: every row above has its own payee
    template = dict(log[-1])
    over = dict(template, voucher=f"记-{year}-09-0901", approver=deputy, amount=52600.0, date=_day(year, 9, 12))
    over.update(payee=OVER_PAYEE, expense_type="维修费")
    split = [
        dict(template, voucher=f"记-{year}-05-05{n:02d}", approver=deputy, amount=amount, date=_day(year, 5, day))
        for n, (amount, day) in enumerate(((18600.0, 6), (17950.0, 15), (18200.0, 25)), start=1)
    ]
    for row in split:
        row.update(payee=SPLIT_PAYEE, expense_type="印刷费")
    log += [over, *split]
    log.sort(key=lambda r: (r["date"], r["voucher"]))


# --- treatment ---------------------------------------------------------------------------------
def _level(risk: Any, m: Methodology) -> int | None:
    def mean(values: list[Any], kind: str) -> float | None:
        scores = [scoring.parse_cells(kind, [v], m)[0].score for v in values if v is not None]
        scores = [s for s in scores if s == s]
        return sum(scores) / len(scores) if scores else None

    lk, im = mean(risk.likelihood, "likelihood"), mean(risk.impact, "impact")
    return scoring.risk_level(lk, im, m) if lk is not None and im is not None else None


def _treatment(unit: Any, year: int, rng: random.Random, m: Methodology) -> None:
    levels = {r.id: _level(r, m) for r in unit.risks}
    deadlines = (_day(year + 1, 3, 31), _day(year + 1, 6, 30), _day(year, 12, 31))
    minutes = f"内控委〔{year}〕2号"
    for r in unit.risks:
        level = levels[r.id]
        plan: dict[str, Any] = {}
        if level in (1, 2):
            plan = {
                "treatment_deadline": rng.choice(deadlines),
                "treatment_status": rng.choice(("实施中", "实施中", "已完成")),
            }
            plan["residual_likelihood"] = max(1, _centre(r.likelihood) - 1)
            plan["residual_impact"] = max(1, _centre(r.impact) - 1)
        if level == 1:
            plan.update(
                decision="同意", sign_off_date=_day(year, 3, 18), minutes_ref=minutes, next_review=_day(year + 1, 3, 31)
            )
        r.treatment = plan
    level1 = [r for r in unit.risks if levels[r.id] == 1]
    level2 = [r for r in unit.risks if levels[r.id] == 2]
    others = [r for r in unit.risks if levels[r.id] == 3]
    if level2:
        level2[0].treatment.pop("treatment_deadline")
        level2[0].treatment.pop("treatment_status")
    if len(level2) > 1:
        level2[1].treatment.update(treatment_deadline=_day(year, 6, 30), treatment_status="实施中")
    if level1:
        level1[0].treatment.pop("minutes_ref")
        level1[0].treatment.pop("next_review")
    if len(level1) > 1:
        level1[1].treatment.update(
            decision="不同意", sign_off_date=_day(year, 9, 22), minutes_ref=f"内控委〔{year}〕5号"
        )
    accepted = others[0] if others else (level2[-1] if len(level2) > 2 else None)
    if accepted is not None:
        accepted.response = "风险承受"
        accepted.treatment = {
            "decision": "同意",
            "sign_off_date": _day(year - 1, 12, 20),
            "minutes_ref": f"内控委〔{year - 1}〕6号",
            "next_review": _day(year, 6, 30),
        }


def _centre(values: list[Any]) -> int:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return round(sum(numbers) / len(numbers)) if numbers else 3
