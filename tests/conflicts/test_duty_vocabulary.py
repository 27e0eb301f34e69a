"""The duty vocabulary (duty_rules.toml [[synonyms]]): the words offices write for a duty conflict
where the 内部控制规范's pairs say so, and a duty no rule knows is a warning at its cell naming the
closest known duties, counted on the unit's result (the check may be incomplete)."""

from __future__ import annotations

import pytest

from icx.bundled import read_toml
from icx.core.conflicts import default_library, normalize_duty

from .frames import FIRST_ROW, check, found

LIB = default_library()


def test_cashier_paying_and_accountant_approving_is_one_person_conflict() -> None:
    """Issue 16: 出纳 with 货币资金支付, 会计 with 支出审批, held by one person → SZ-02."""
    report = check({"出纳": ["货币资金支付"], "会计": ["支出审批"]}, [("张伟", "", "出纳"), ("张伟", "", "会计")])
    assert ("SZ-02", "张伟") in found(report, "person")
    assert report.unknown_duties == []


def test_cash_receipts_and_payments_with_bookkeeping_conflict_in_one_post() -> None:
    """Issue 16: 现金收付 + 记账 on one post: paying and booking (SZ-03), receiving and
    accounting (SZ-10) — the 规范's two pairs that cash handling and bookkeeping break."""
    report = check({"出纳": ["现金收付", "记账"]}, [("李娜", "", "出纳")])
    assert {rule for rule, _ in found(report, "post")} >= {"SZ-03", "SZ-10"}


@pytest.mark.parametrize(
    ("approve", "pay", "rule"),
    [
        ("支出审批", "付款", "SZ-02"),
        ("报销审批", "网银支付", "SZ-02"),
        ("付款审批", "现金支付", "SZ-02"),
        ("货币资金支付审批", "付款", "ZC-04"),
        ("货币资金支付审批", "付款执行", "ZC-04"),
        ("支付审批", "货币资金支付", "ZC-04"),
    ],
)
def test_payment_words_meet_the_approval_rules(approve: str, pay: str, rule: str) -> None:
    report = check({"审批岗": [approve], "付款岗": [pay]}, [("王强", "", "审批岗"), ("王强", "", "付款岗")])
    assert (rule, "王强") in found(report, "person")


@pytest.mark.parametrize("book", ["记账", "会计核算", "账务处理", "会计", "编制记账凭证"])
def test_bookkeeping_words_meet_payment(book: str) -> None:
    report = check({"出纳": ["付款", book]}, [("赵敏", "", "出纳")])
    assert ("SZ-03", "赵敏") in found(report, "post")


def test_separate_people_do_not_conflict() -> None:
    report = check({"出纳": ["货币资金支付"], "会计": ["支出审批"]}, [("张伟", "", "出纳"), ("李娜", "", "会计")])
    assert not found(report, "person")


def test_every_synonym_group_says_why_and_names_known_duties() -> None:
    groups = read_toml("duty_rules.toml")["synonyms"]
    named = {normalize_duty(d) for r in LIB.rules for d in (r.duty_a, r.duty_b)}
    for group in groups:
        assert group["basis"] and group["basis_en"], group["terms"]
        assert {normalize_duty(d) for d in group["duties"]} <= named, group["duties"]
    for term in ("现金收付", "货币资金支付", "付款", "记账", "会计核算", "支出审批", "出纳"):
        assert LIB.knows(term), term


def test_an_unrecognised_duty_is_a_warning_at_its_cell_naming_the_closest() -> None:
    report = check({"出纳": ["现金付款", "稽核"], "会计": ["财务审批"]}, [("张伟", "", "出纳")])
    warnings = [p for p in report.problems if p.code == "conflicts_duty_unknown"]
    assert [(p.given, p.row, p.field, p.severity) for p in warnings] == [
        ("现金付款", FIRST_ROW, "duty", "warning"),
        ("财务审批", FIRST_ROW + 2, "duty", "warning"),
    ]
    first = warnings[0]
    assert "现金支付" in first.message_zh and "冲突检查可能不完整" in first.message_zh
    assert "现金支付" in first.message_en and "may be incomplete" in first.message_en
    assert "下拉列表" in first.fix_zh and "dropdown" in first.fix_en
    assert report.unknown_duties == ["现金付款", "财务审批"]
    zh, en = report.incomplete  # type: ignore[misc]
    assert zh == "有2项职责未被识别（现金付款、财务审批），不相容岗位检查可能不完整"
    assert en.startswith("2 duties were not recognised (现金付款、财务审批)")


def test_a_units_own_rule_makes_its_duties_known() -> None:
    from .frames import rules

    report = check(
        {"保管员": ["印章保管", "付款"]},
        [("周七", "", "保管员")],
        duty_rules=rules([{"rule_id": "U-01", "duty_a": "印章保管", "duty_b": "付款执行", "basis": "印章与付款分离"}]),
    )
    assert report.unknown_duties == []
    assert ("U-01", "周七") in found(report, "post")


# --- the unit's result says how many duties were not recognised -------------------------------------
UNKNOWN_POSTS = [
    {"post": "出纳岗", "duty": "现金付款"},
    {"post": "出纳岗", "duty": "稽核"},
    {"post": "会计岗", "duty": "会计记账、财务审批"},
]
PEOPLE = [
    {"person": "赵磊", "employee_id": "7", "post": "出纳岗"},
    {"person": "钱多", "employee_id": "8", "post": "会计岗"},
]


def test_the_check_command_and_its_sheet_say_the_check_may_be_incomplete(tmp_path) -> None:
    import openpyxl
    from typer.testing import CliRunner

    from icx.cli.app import app

    from .checkbook import build

    source = build(tmp_path / "unit.xlsx", post_duties=UNKNOWN_POSTS, person_posts=PEOPLE)
    for lang, needle in (("zh", "有2项职责未被识别（现金付款、财务审批）"), ("en", "2 duties were not recognised")):
        out = tmp_path / f"checked-{lang}.xlsx"
        result = CliRunner().invoke(app, ["check", "conflicts", str(source), "-o", str(out), "--lang", lang])
        assert needle in result.output, result.output
        ws = openpyxl.load_workbook(out)["冲突清单" if lang == "zh" else "Conflicts"]
        notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and needle in c.value]
        assert notes, "the 冲突清单 sheet says it too"
        assert "不相容岗位!" in result.output or "!" in result.output  # the warnings name their cells


def test_feedback_and_committee_summary_count_the_unrecognised_duties(tmp_path) -> None:
    import datetime as dt

    import openpyxl

    from icx.consolidate.feedback import write_unit_feedback
    from icx.consolidate.run import consolidate
    from icx.consolidate.summary import write_summary

    from .checkbook import build

    (tmp_path / "in").mkdir()
    path = build(tmp_path / "in" / "unit.xlsx", post_duties=UNKNOWN_POSTS, person_posts=PEOPLE)
    _countable(path)  # a code and a risk: a unit is counted only when it can be counted right (issue 15)
    c = consolidate([tmp_path / "in"], as_of=dt.date(2026, 6, 30))
    unit = c.units[0]
    assert unit.unknown_duties == ["现金付款", "财务审批"]
    fb = write_unit_feedback(c, unit, tmp_path / "fb.xlsx")
    texts = [c.value for ws in openpyxl.load_workbook(fb).worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(t, str) and "有2项职责未被识别" in t for t in texts)
    summary = write_summary(c, tmp_path / "committee.xlsx")
    overview = openpyxl.load_workbook(summary)["概览"]
    rows = [tuple(row) for row in overview.iter_rows(values_only=True)]
    assert any(r[0] and "有职责未被识别的单位" in str(r[0]) for r in rows)
    assert any(r[2] == 2 and r[3] == "现金付款、财务审批" for r in rows)


def _countable(path) -> None:  # type: ignore[no-untyped-def]
    """Give the unit workbook at ``path`` a unit code and a register with one scored risk."""
    import openpyxl

    from icx.io.specs import columns, sheet_names

    wb = openpyxl.load_workbook(path)
    info = wb[sheet_names("unit_info")[0]]
    info["A2"], info["B2"] = "单位编码", "T001"
    register = wb.create_sheet(sheet_names("register")[0])
    specs = [s for s in columns("register") if "{n}" not in s.key]
    values = {"id": "R1", "area": "预算", "description": "预算编制不完整", "likelihood": 3, "impact": 3}
    register.append([s.zh for s in specs])
    register.append([values.get(s.key) for s in specs])
    wb.save(path)
