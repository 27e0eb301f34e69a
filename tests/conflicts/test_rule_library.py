"""The default rule library holds every pair of methodology.md §6, well formed, and each rule
really fires: a post carrying both duties, and a person holding one post per duty, are flagged."""

from __future__ import annotations

import pytest

from icx.core.conflicts import SEVERITIES, default_library, normalize_duty
from icx.core.methodology import default_methodology

from .frames import check, found

# methodology.md §6, multi-duty rows expanded into pairs (area code, duty A, duty B)
SPEC_PAIRS = [
    ("budget", "预算编制", "预算审批"),
    ("budget", "预算审批", "预算执行"),
    ("budget", "预算执行", "预算评价"),
    ("budget", "预算执行", "预算考核"),
    ("revenue_expenditure", "支出申请", "支出审批"),
    ("revenue_expenditure", "支出审批", "付款执行"),
    ("revenue_expenditure", "付款执行", "会计记账"),
    ("revenue_expenditure", "出纳", "稽核"),
    ("revenue_expenditure", "出纳", "会计档案保管"),
    ("revenue_expenditure", "出纳", "收入账目登记"),
    ("revenue_expenditure", "出纳", "支出账目登记"),
    ("revenue_expenditure", "出纳", "费用账目登记"),
    ("revenue_expenditure", "出纳", "债权债务账目登记"),
    ("revenue_expenditure", "收款", "会计核算"),
    ("procurement", "采购需求制定", "采购内部审批"),
    ("procurement", "招标文件准备", "招标文件复核"),
    ("procurement", "合同签订", "验收"),
    ("procurement", "验收", "保管"),
    ("assets", "资产保管", "资产账务记录"),
    ("assets", "资产配置审批", "资产配置执行"),
    ("assets", "资产处置审批", "资产处置执行"),
    ("assets", "货币资金支付审批", "货币资金支付执行"),
    ("contracts", "合同拟定", "合同审核"),
    ("contracts", "合同审核", "合同签署"),
    ("construction", "项目建议与可行性研究", "项目决策"),
    ("construction", "概预算编制", "概预算审核"),
    ("construction", "项目实施", "价款支付"),
    ("construction", "竣工决算", "竣工审计"),
]
SHORT = {a.code: a.short_zh for a in default_methodology().areas}

LIB = default_library()
BUSINESS = [r for r in LIB.rules if not r.id.startswith("JD-")]
SUPERVISION = [r for r in LIB.rules if r.id.startswith("JD-")]


def test_every_spec_pair_is_a_rule_with_its_area():
    pairs = {(r.area, r.duty_a, r.duty_b) for r in BUSINESS}
    assert set(SPEC_PAIRS) == pairs
    assert len(BUSINESS) == len(SPEC_PAIRS)


def test_rules_are_well_formed():
    areas = {a.code for a in default_methodology().areas}
    ids = [r.id for r in LIB.rules]
    assert len(ids) == len(set(ids))
    for r in LIB.rules:
        assert r.area in areas, r.id
        assert r.severity in SEVERITIES, r.id
        assert r.basis and r.basis_en, r.id
        assert normalize_duty(r.duty_a) != normalize_duty(r.duty_b), r.id
    for r in (*LIB.matrix_rules, *LIB.log_rules):
        assert r.severity in SEVERITIES and r.basis and r.basis_en
    assert {(r.role_a, r.role_b) for r in LIB.log_rules} == {
        ("applicant", "approver"),
        ("approver", "payer"),
        ("payer", "bookkeeper"),
    }
    assert {frozenset((r.role_a, r.role_b)) for r in LIB.matrix_rules} == {
        frozenset(p)
        for p in (("prepare_post", "review_post"), ("review_post", "approve_post"), ("prepare_post", "approve_post"))
    }


def test_supervision_pairs_audit_and_evaluation_with_every_business_duty_of_the_area():
    for area in {a for a, _, _ in SPEC_PAIRS}:
        duties = {d for a, x, y in SPEC_PAIRS if a == area for d in (x, y)} - {"竣工审计"}
        for supervisor in ("内部审计", "内控评价"):
            paired = {r.duty_a for r in SUPERVISION if r.area == area and r.duty_b == f"{supervisor}（{SHORT[area]}）"}
            assert paired == duties, (area, supervisor)


def test_terms_stand_for_duties_the_rules_know():
    canonical = {normalize_duty(d) for r in LIB.rules for d in (r.duty_a, r.duty_b)}
    for term, duties in LIB.terms.items():
        assert set(duties) <= canonical, term


@pytest.mark.parametrize("rule", LIB.rules, ids=lambda r: r.id)
def test_each_rule_fires_for_a_post_and_for_a_person(rule):
    one_post = check({"综合岗": [rule.duty_a, rule.duty_b]}, [("甲", "1", "综合岗")])
    assert (rule.id, "甲") in found(one_post, "post")
    two_posts = check({"岗一": [rule.duty_a], "岗二": [rule.duty_b]}, [("乙", "2", "岗一"), ("乙", "2", "岗二")])
    assert (rule.id, "乙") in found(two_posts, "person")
    hit = next(c for c in two_posts.conflicts if c.rule_id == rule.id)
    assert (hit.area, hit.severity, hit.basis) == (rule.area, rule.severity, rule.basis)


@pytest.mark.parametrize("rule", LIB.rules, ids=lambda r: r.id)
def test_each_rule_is_quiet_when_two_people_hold_the_duties(rule):
    report = check({"岗一": [rule.duty_a], "岗二": [rule.duty_b]}, [("甲", "1", "岗一"), ("乙", "2", "岗二")])
    assert rule.id not in {c.rule_id for c in report.conflicts}


def test_terms_written_by_units_match_the_rules():
    # 报销审批 means 支出审批, 网银支付 means 付款执行; plain 内部审计 audits every area
    report = check({"财务": ["报销审批", "网银支付"]}, [("甲", "1", "财务")])
    assert ("SZ-02", "甲") in found(report, "post")
    report = check({"审计": ["内部审计"], "采购": ["采购需求"]}, [("乙", "2", "审计"), ("乙", "2", "采购")])
    assert {c.rule_id for c in report.conflicts} == {"JD-CG-01"}


def test_a_cashier_is_also_a_payer_but_a_payer_is_not_a_cashier():
    assert ("SZ-03", "甲") in found(check({"出纳岗": ["出纳", "记账"]}, [("甲", "1", "出纳岗")]))
    # 付款执行 alone does not make someone the 出纳 of the Accounting Law's list
    report = check({"付款岗": ["付款执行", "稽核"]}, [("乙", "2", "付款岗")])
    assert "SZ-04" not in {c.rule_id for c in report.conflicts}
