"""Demo posts, people and a payment log for a sample unit (pure data, seeded).

A clean division of duties is laid out first; then each unit gets a few realistic lapses so the
conflict check has something to show:

- always: someone written once as "李娜" and once as "李　娜" (a full-width space) holds the
  procurement post and, from spring, the acceptance post (合同签订 vs 验收);
- always: the deputy approves his own expense claim in the payment log;
- some units: an acting (代理) stint as asset keeper by the asset accountant; a cashier post that
  also does 稽核; the internal auditor also drafting contracts; a unit rule (印章管理 vs 支出
  审批) broken by an acting deputy; the accountant paying and booking the same voucher.

And cases that must NOT be flagged: two different people named 张伟 (cashier and accountant,
told apart by their employee ids, which the log writes as 张伟（0101）); a former cashier who became
an accountant the day after leaving the cash desk (no overlapping dates).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

# post → duties, as a unit would write them (some in the terms of duty_rules.toml, not its names)
POSTS: dict[str, list[str]] = {
    "单位负责人": ["预算审批", "项目决策", "资产处置审批"],
    "分管财务副职": ["支出审批", "货币资金支付审批", "资产配置审批"],
    "财务科长": ["预算编制", "稽核", "预算评价", "预算考核", "概预算审核"],
    "会计": ["会计记账", "收入账目登记", "支出账目登记", "费用账目登记", "债权债务账目登记", "竣工决算"],
    "出纳": ["出纳", "货币资金支付执行", "价款支付"],
    "业务经办": ["支出申请", "预算执行", "采购需求制定"],
    "采购专员": ["招标文件准备", "合同签订"],
    "采购审核岗": ["招标文件复核", "采购内部审批"],
    "资产管理员": ["资产保管", "资产配置执行", "资产处置执行"],
    "资产会计": ["资产账务记录"],
    "办公室主任": ["验收", "印章管理"],
    "法务审核岗": ["合同审核"],
    "合同管理员": ["合同拟定"],
    "内审专员": ["内部审计", "内控评价", "竣工审计"],
    "基建项目负责人": ["项目实施", "项目建议与可行性研究"],
    "工程造价岗": ["概预算编制"],
    "收费员": ["收款"],
}

# prepare / review / approve posts of a control, by area: a template or demo writer can fill the
# control matrices' post columns with these so they match the 不相容岗位 sheet.
CONTROL_POSTS: dict[str, tuple[str, str, str]] = {
    "unit": ("办公室主任", "分管财务副职", "单位负责人"),
    "budget": ("业务经办", "财务科长", "单位负责人"),
    "revenue_expenditure": ("业务经办", "会计", "分管财务副职"),
    "procurement": ("采购专员", "采购审核岗", "分管财务副职"),
    "assets": ("资产管理员", "资产会计", "单位负责人"),
    "contracts": ("合同管理员", "法务审核岗", "单位负责人"),
    "construction": ("工程造价岗", "财务科长", "单位负责人"),
}

NAMES = (
    "王建国",
    "刘洋",
    "陈静",
    "杨帆",
    "黄磊",
    "周敏",
    "吴刚",
    "徐丽",
    "孙浩",
    "马琳",
    "朱峰",
    "胡军",
    "郭涛",
    "何娟",
    "林峰",
    "罗敏",
    "梁晨",
    "宋佳",
    "谢军",
    "韩梅",
    "唐亮",
    "冯婷",
    "邓超",
    "曹颖",
)
NAMESAKE = "张伟"  # two different people, told apart by their employee ids
FULL_WIDTH_NAME = ("李娜", "李　娜")  # one person, written two ways
OPTIONAL_LAPSES = ("acting_keeper", "cashier_audits", "auditor_drafts", "acting_deputy", "accountant_pays")
UNIT_RULE = {
    "rule_id": "ZD-01",
    "area": "单位层面",
    "duty_a": "印章管理",
    "duty_b": "支出审批",
    "basis": "管印章的人又批支出，可以自批自盖，单位自定规则",
    "enabled": "是",
}


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def make_people(code: str, period: str, seed: int) -> dict[str, list[dict[str, Any]]]:
    """duty_rules, post_duties, person_posts and transactions of one demo unit (catalogue keys)."""
    rng = random.Random(f"people-{seed}-{code}")
    year = int(period) if str(period).isdigit() else 2026
    lapses = set(rng.sample(OPTIONAL_LAPSES, rng.randint(2, 4)))
    names = list(NAMES)
    rng.shuffle(names)
    next_id = iter(range(101, 999))
    people: dict[str, tuple[str, str]] = {}  # role → (name as written, employee id)

    def person(role: str, name: str | None = None) -> tuple[str, str]:
        people[role] = (name or names.pop(), f"{next(next_id):04d}")
        return people[role]

    for post in POSTS:
        if post not in ("出纳", "会计", "采购专员", "办公室主任"):
            person(post)
    person("出纳", NAMESAKE)
    person("会计", NAMESAKE)
    person("采购专员", FULL_WIDTH_NAME[0])
    person("业务经办2")
    person("前任出纳")
    person("前任办公室主任")

    post_duties = [{"post": post, "duty": duty} for post, duties in POSTS.items() for duty in duties]
    if "cashier_audits" in lapses:
        post_duties.append({"post": "出纳", "duty": "会计稽核"})
    since = _day(year - 3, 1, 1)

    def hold(
        role: str,
        post: str,
        start: dt.date | None = since,
        end: dt.date | None = None,
        acting: bool = False,
        name: str | None = None,
        with_id: bool = True,
    ) -> dict[str, Any]:
        who, emp = people[role]
        return {
            "person": name or who,
            "employee_id": emp if with_id else None,
            "post": post,
            "date_from": start,
            "date_to": end,
            "acting": "是" if acting else "否",
        }

    person_posts = [hold(p, p) for p in POSTS if p != "办公室主任"]
    person_posts += [
        hold("业务经办2", "业务经办"),
        # the former cashier left the cash desk on 6-30 and keeps the books from 7-01: no overlap
        hold("前任出纳", "出纳", _day(year - 3, 1, 1), _day(year - 1, 6, 30)),
        hold("前任出纳", "会计", _day(year - 1, 7, 1)),
        hold("前任办公室主任", "办公室主任", _day(year - 3, 1, 1), _day(year, 3, 31)),
        # 李娜 takes over acceptance too, written with a full-width space and no id
        hold("采购专员", "办公室主任", _day(year, 4, 1), name=FULL_WIDTH_NAME[1], with_id=False),
    ]
    if "acting_keeper" in lapses:
        person_posts.append(hold("资产会计", "资产管理员", _day(year, 3, 1), _day(year, 4, 30), acting=True))
    if "auditor_drafts" in lapses:
        person_posts.append(hold("内审专员", "合同管理员", _day(year, 1, 1)))
    duty_rules = [dict(UNIT_RULE)]
    if "acting_deputy" in lapses:
        person_posts.append(hold("前任办公室主任", "分管财务副职", _day(year, 2, 10), _day(year, 3, 10), acting=True))
    if rng.random() < 0.5:  # a unit without construction projects switches those rules off
        duty_rules += [{"rule_id": r, "enabled": "否", "basis": "本单位无基建立项职能"} for r in ("JS-01", "JS-02")]
    transactions = _log(rng, year, people, lapses)
    return {
        "duty_rules": duty_rules,
        "post_duties": post_duties,
        "person_posts": person_posts,
        "transactions": transactions,
    }


def _log(rng: random.Random, year: int, people: dict[str, tuple[str, str]], lapses: set[str]) -> list[dict[str, Any]]:
    """A payment approval log: applicant, approver, payer (cashier), bookkeeper (accountant)."""
    written = lambda role: f"{people[role][0]}（{people[role][1]}）" if people[role][0] == NAMESAKE else people[role][0]  # noqa: E731
    rows = []
    for n in range(1, rng.randint(18, 26) + 1):
        amount = round(rng.choice((rng.uniform(200, 5000), rng.uniform(5000, 50000), rng.uniform(50000, 200000))), 2)
        day = _day(year, rng.randint(1, 10), rng.randint(1, 28))
        rows.append(
            {
                "voucher": f"记-{year}-{day.month:02d}-{n:04d}",
                "applicant": people[rng.choice(("业务经办", "业务经办2", "采购专员", "基建项目负责人"))][0],
                "approver": people["单位负责人" if amount >= 50000 else "分管财务副职"][0],
                "payer": written("出纳"),
                "bookkeeper": written(rng.choice(("会计", "前任出纳"))),
                "amount": amount,
                "date": day,
            }
        )
    # the deputy's own travel claim, approved by himself
    own = rng.randrange(len(rows))
    rows[own].update(applicant=people["分管财务副职"][0], approver=people["分管财务副职"][0], amount=3860.0)
    if "accountant_pays" in lapses:
        # the cashier was away: the accountant paid and booked it (written once with a space)
        row = rows[(own + 3) % len(rows)]
        name = people["前任出纳"][0]
        row.update(payer=f"{name[0]} {name[1:]}", bookkeeper=name)
    return rows


def control_posts(area: str) -> dict[str, str]:
    """prepare / review / approve posts for a control of ``area`` (control_matrix keys)."""
    prepare, review, approve = CONTROL_POSTS.get(area, CONTROL_POSTS["unit"])
    return {"prepare_post": prepare, "review_post": review, "approve_post": approve}


def fill_control_posts(controls: list[dict[str, Any]], seed: str) -> None:
    """Fill blank post columns of demo controls; one control reviews its own preparation."""
    rng = random.Random(f"controls-{seed}")
    for control in controls:
        for key, post in control_posts(control.get("area", "unit")).items():
            control.setdefault(key, post)
            if not control[key]:
                control[key] = post
    if controls:
        lapse = controls[rng.randrange(len(controls))]
        lapse["review_post"] = lapse["prepare_post"]


def attach_to_unit(unit: Any, seed: int) -> None:
    """Fill a DemoUnit's duty tables, payment log and self-evaluation (and its controls' posts)."""
    from icx.demo.evaluation import make_evaluation

    tables = make_people(unit.code, unit.period, seed)
    unit.duty_rules, unit.post_duties = tables["duty_rules"], tables["post_duties"]
    unit.person_posts, unit.transactions = tables["person_posts"], tables["transactions"]
    owners = list(dict.fromkeys((p["person"], p["employee_id"]) for p in unit.person_posts if p["employee_id"]))
    no_construction = any(r.get("enabled") == "否" and r["rule_id"].startswith("JS-") for r in unit.duty_rules)
    unit.evaluation = make_evaluation(
        unit.code, unit.period, seed, owners=owners[:6], construction=False if no_construction else None
    )
    fill_control_posts(unit.controls, f"{seed}-{unit.code}")
