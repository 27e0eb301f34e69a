"""A filled self-evaluation checklist for a demo unit (pure data, seeded).

Starts from the default checklist (``icx/data/checklist.toml``) and answers it the way a unit
would: mostly 符合, some 基本符合, a few 不符合 with deficiencies (graded, with owners, deadlines
and statuses — some already past their deadline), and 不适用 for construction items when the unit
has no projects. Wordings are those of the templates' dropdowns.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from icx.core.evaluation import checklist_rows

# What evaluators typically find, by checklist item (this project's own examples). Only these
# items fail in the demo, so each deficiency reads true to its focus point.
FINDINGS: dict[str, str] = {
    "DW-03": "领导小组本年度未召开内部控制专题会议",
    "DW-06": "抽查的6项重大事项中有1项的会议纪要为会后补签",
    "DW-07": "授权审批权限表未随机构调整更新",
    "DW-10": "关键岗位有两人超过规定年限未轮岗，也无替代措施",
    "DW-13": "财务系统中仍有一名离岗人员的有效账号",
    "YS-02": "部分项目预算没有测算依据",
    "YS-05": "预算执行进度只在年中分析过一次",
    "YS-06": "一笔预算调剂未经审批即执行",
    "YS-09": "两个项目的绩效目标无法量化",
    "SZ-05": "抽查的报销凭证中有3张发票未查验真伪",
    "SZ-08": "出纳兼管会计档案",
    "SZ-10": "银行余额调节表由出纳本人编制且无人复核",
    "SZ-11": "现金盘点只有年末一次记录",
    "SZ-12": "网银制单与复核密钥由同一人保管",
    "CG-03": "一项办公设备采购分三次询价，规避了限额标准",
    "CG-05": "采购文件未经编制人以外人员复核",
    "CG-08": "验收记录缺少使用部门签字，验收人即签约人",
    "CG-09": "采购意向未按规定时间公开",
    "ZC-03": "新增资产入账滞后两个月以上",
    "ZC-04": "年度盘点发现3台电脑账实不符，未查明原因",
    "ZC-06": "资产出借未履行审批手续",
    "ZC-10": "外购软件未登记为无形资产",
    "HT-03": "合同审核意见未留书面记录",
    "HT-04": "一份服务合同先履行后签订",
    "HT-08": "合同台账与付款记录不一致",
    "HT-09": "合同专用章由合同经办人保管",
    "JS-04": "工程变更未经监理签证即施工",
    "JS-08": "竣工决算未在规定期限内编制",
    "JS-09": "竣工项目超过一年未办理资产交付",
}
FIXES = (
    "修订相关制度并组织专题培训",
    "补办审批手续，建立登记台账",
    "调整岗位分工并由他人复核",
    "逐项核对整改，按月报告进度",
    "完善系统权限设置并定期复查",
)
# result wordings as the dropdowns write them, with how often a demo unit picks each
RESULTS = (("符合", 0.55), ("基本符合", 0.25), ("不符合", 0.2))
GRADES = (("一般", 0.6), ("重要", 0.32), ("重大", 0.08))


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def make_evaluation(
    code: str, period: str, seed: int, owners: list[tuple[str, str]] | None = None, construction: bool | None = None
) -> list[dict[str, Any]]:
    """The 自我评价 rows of one demo unit (catalogue ``evaluation`` keys, no 得分: the template
    computes it). ``owners`` are (name, employee id) pairs to give deficiencies to."""
    rng = random.Random(f"evaluation-{seed}-{code}")
    year = int(period) if str(period).isdigit() else 2026
    owners = owners or [("周涛", "0201"), ("吴芳", "0202"), ("郑军", "0203")]
    has_construction = rng.random() < 0.6 if construction is None else construction
    rows = checklist_rows()
    for row, area in zip(rows, _areas()):
        if area == "construction" and not has_construction:
            row["result"] = "不适用"
        elif rng.random() < 0.03:
            row["result"] = "不适用"
        elif row["item_id"] in FINDINGS:
            row["result"] = _pick(rng, RESULTS)
        else:
            row["result"] = "基本符合" if rng.random() < 0.12 else "符合"
    # every demo unit shows at least three failures, so its deficiency list is never empty
    failing = [r for r in rows if r["result"] == "不符合"]
    while len(failing) < 3:
        row = rng.choice([r for r in rows if r["result"] == "符合" and r["item_id"] in FINDINGS])
        row["result"] = "不符合"
        failing.append(row)
    partly = [r for r in rows if r["result"] == "基本符合" and r["item_id"] in FINDINGS and rng.random() < 0.5]
    # deadlines: some long past, some this winter, some next year — and one case per kind for sure
    deadlines = [dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31), dt.date(year + 1, 3, 31)]
    statuses = ["整改中", "未整改", "已整改", "未整改"]
    for n, row in enumerate(failing + partly):
        owner, owner_id = owners[n % len(owners)]
        row.update(
            deficiency=FINDINGS[row["item_id"]],
            grade="一般" if row["result"] == "基本符合" else _pick(rng, GRADES),
            rectification=rng.choice(FIXES),
            owner=owner,
            owner_email=f"e{owner_id}@{code.lower()}.example.gov.cn",
            deadline=deadlines[n] if n < len(deadlines) else rng.choice(deadlines),
            status=statuses[n] if n < len(statuses) else rng.choice(statuses[:3]),
        )
    return rows


def _areas() -> list[str]:
    from icx.core.evaluation import default_checklist

    return [item.area for item in default_checklist()]
