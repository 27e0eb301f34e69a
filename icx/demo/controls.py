"""Control-matrix rows for a demo unit (pure data, seeded): one control per risk, named as the
register's 控制措施 column names it (C-<risk id>), with an objective, an activity, its nature,
mode, frequency, evidence, governing rule and test method typical of the risk's area.

Rows are keyed by the catalogue's ``control_matrix`` keys plus ``area`` (the area code). The
prepare / review / approve posts are left to ``icx.demo.people.fill_control_posts``, which takes
them from the unit's 不相容岗位 tables so the conflict check sees the same posts.
"""

from __future__ import annotations

import random
from typing import Any

# Per area: (objective, activity, evidence, rule) — this project's own examples.
LIBRARY: dict[str, list[tuple[str, str, str, str]]] = {
    "unit": [
        (
            "重大事项集体决策",
            "“三重一大”事项经领导班子会议集体研究，会议纪要载明表决情况",
            "会议纪要、议题清单",
            "《“三重一大”决策制度实施办法》",
        ),
        (
            "岗位职责清晰",
            "每年更新岗位职责说明书和授权审批权限表，并在单位内部公开",
            "岗位职责说明书、权限表",
            "《岗位责任制度》",
        ),
        (
            "信息系统权限受控",
            "系统账号按岗位开通，人员离岗当日停用账号，每季度复核权限",
            "账号清单、权限复核记录",
            "《信息系统管理办法》",
        ),
    ],
    "budget": [
        (
            "预算编制真实完整",
            "业务部门按项目测算申报，财务部门审核后报领导班子审议",
            "预算申报表、测算说明、会议纪要",
            "《预算管理办法》",
        ),
        (
            "预算调剂经过审批",
            "预算调剂填写申请表，经分管领导和单位负责人审批后执行",
            "预算调剂审批表",
            "《预算管理办法》",
        ),
        (
            "预算执行及时分析",
            "财务部门每月编制预算执行分析表，对进度偏慢的项目发出提示",
            "预算执行分析表",
            "《预算执行分析制度》",
        ),
    ],
    "revenue_expenditure": [
        (
            "支出真实合规",
            "报销单附发票和事由说明，发票经查验真伪后方可审核",
            "报销单、发票查验记录",
            "《经费支出管理办法》",
        ),
        (
            "资金支付安全",
            "网银支付由制单和复核两人分别操作，密钥分人保管",
            "网银操作日志、密钥保管登记",
            "《货币资金管理办法》",
        ),
        ("账实相符", "每月末由非出纳人员编制银行余额调节表并复核", "银行余额调节表", "《货币资金管理办法》"),
        (
            "收入及时入账",
            "收费票据连续编号，收入当日入账，每月核对票据与收入",
            "票据领用登记、收入台账",
            "《收入管理办法》",
        ),
    ],
    "procurement": [
        (
            "采购依法合规",
            "采购需求经业务部门提出、采购审核岗复核，按限额标准确定采购方式",
            "采购申请表、采购方式审批表",
            "《政府采购内部控制办法》",
        ),
        (
            "防止拆分采购",
            "同一年度同类采购按季度汇总比对，发现拆分及时纠正",
            "采购汇总比对表",
            "《政府采购内部控制办法》",
        ),
        ("验收独立", "验收由使用部门和非采购经办人员共同完成并签字", "验收单", "《采购验收管理规定》"),
    ],
    "assets": [
        (
            "资产安全完整",
            "每年末全面盘点，盘点结果与账面核对，差异查明原因报批处理",
            "盘点表、差异处理审批单",
            "《国有资产管理办法》",
        ),
        (
            "资产处置合规",
            "资产处置经评估并按权限审批后执行，处置收入及时上缴",
            "处置审批表、评估报告",
            "《国有资产处置管理办法》",
        ),
        ("资产及时入账", "新增资产验收后10个工作日内登记资产卡片并入账", "资产卡片、入库单", "《国有资产管理办法》"),
    ],
    "contracts": [
        (
            "合同条款严密",
            "合同文本经法务审核岗审核，重大合同经法律顾问出具意见",
            "合同审核单、法律意见书",
            "《合同管理办法》",
        ),
        ("合同履行受控", "合同管理员建立台账，按合同约定节点跟踪履行和付款", "合同台账", "《合同管理办法》"),
        ("印章使用受控", "合同用印凭审批后的用印申请单，印章专人保管并登记", "用印登记簿", "《印章管理规定》"),
    ],
    "construction": [
        (
            "项目决策科学",
            "项目建议书和可行性研究报告经集体决策后报批",
            "可研报告、会议纪要、批复文件",
            "《建设项目管理办法》",
        ),
        (
            "概预算准确",
            "概预算由造价岗编制、财务科长审核，必要时委托第三方评审",
            "概预算书、评审报告",
            "《建设项目管理办法》",
        ),
        (
            "价款支付按进度",
            "工程款按监理确认的进度和合同比例支付",
            "进度确认单、付款审批表",
            "《建设项目资金管理办法》",
        ),
    ],
}
TEST_METHODS = (
    "抽查凭证并核对审批签字",
    "检查相关记录是否完整",
    "穿行测试一笔业务",
    "重新执行控制并比对结果",
    "访谈经办人员并查阅资料",
)
FREQUENCY = ("每笔", "每笔", "每月", "每季", "每年")
DEPARTMENTS = {
    "unit": "办公室",
    "budget": "财务科",
    "revenue_expenditure": "财务科",
    "procurement": "采购办",
    "assets": "资产科",
    "contracts": "办公室",
    "construction": "基建办",
}


def make_controls(risks: list[Any], seed: str) -> list[dict[str, Any]]:
    """One control per demo risk (``DemoRisk``: id, area, step, description, department)."""
    rng = random.Random(f"controls-data-{seed}")
    rows = []
    for risk in risks:
        objective, activity, evidence, rule = rng.choice(LIBRARY.get(risk.area, LIBRARY["unit"]))
        preventive = rng.random() < 0.75
        rows.append(
            {
                "area": risk.area,
                "control_id": f"C-{risk.id}",
                "process_step": risk.step,
                "risk_id": risk.id,
                "objective": objective,
                "activity": activity,
                "nature": "预防性" if preventive else "检查性",
                "mode": rng.choice(("人工", "人工", "人工", "系统", "人工+系统")),
                "frequency": rng.choice(FREQUENCY),
                "key_control": "是" if rng.random() < 0.4 else "否",
                "owner_department": risk.department or DEPARTMENTS.get(risk.area, "办公室"),
                "evidence": evidence,
                "rule": rule,
                "test_method": rng.choice(TEST_METHODS),
            }
        )
    return rows
