"""The committee pack and feedback show rotation, approval-limit, treatment and sign-off findings;
overdue treatments join 缺陷整改 and so reach `icx remind`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from icx.cli.app import app
from icx.consolidate import consolidate, write_summary
from icx.consolidate.feedback import write_feedback
from icx.consolidate.oversight import FIGURES
from icx.demo.data import make_units
from icx.demo.workbooks import write_unit_workbook

AS_OF = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pack")
    units = folder / "units"
    units.mkdir()
    for unit in make_units(3):
        write_unit_workbook(unit, units / f"{unit.code}.xlsx")
    result = consolidate([units], as_of=AS_OF, period="2026", jobs=1)
    summary = write_summary(result, folder / "committee.xlsx")
    feedback = write_feedback(result, folder / "feedback")
    return result, summary, feedback, folder


def test_every_unit_has_every_finding_and_the_figures_add_up(pack) -> None:
    result, *_ = pack
    for unit in result.units:
        kinds = {f.kind for f in unit.oversight_findings}
        assert len(kinds) == 9, (unit.unit_code, kinds)
        assert unit.oversight_checked == ("rotation", "authority", "treatment")
    counts = Counter(f.kind for u in result.units for f in u.oversight_findings)
    for key, kinds in FIGURES.items():
        assert result.oversight_figures[key] == sum(counts[k] for k in kinds) > 0
    assert result.has_findings
    assert not [p.render() for u in result.units for p in u.problems if p.severity == "error"]


def test_the_committee_pack_lists_them(pack) -> None:
    result, summary, *_ = pack
    wb = openpyxl.load_workbook(summary)
    for name, kinds in (("岗位与授权", 4), ("风险应对", 2), ("待审定事项", 3)):
        ws = wb[name]
        rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
        assert {r[0] for r in rows} == {u.unit_code for u in result.units}, name
        assert len({r[3] for r in rows}) == kinds, name
    overview = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=6, max_col=2, values_only=True) if r[0]}
    assert overview["待委员会审定的风险数"] == result.oversight_figures["signoffs_pending"]
    assert overview["岗位、授权与风险应对"] == "数值"
    ranking = wb["风险排序"]
    heads = [c.value for c in ranking[1]]
    level, residual = heads.index("风险等级"), heads.index("剩余风险等级")
    assert residual == level + 1
    assert any(row[residual] for row in ranking.iter_rows(min_row=2, values_only=True))


def test_overdue_treatments_join_the_deficiencies(pack) -> None:
    result, summary, *_ = pack
    ws = openpyxl.load_workbook(summary)["缺陷整改"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    treatments = [r for r in rows if str(r[4]).startswith("【风险应对逾期】")]
    assert len(treatments) == result.oversight_figures["treatments_overdue"] == 3
    assert all(r[11] == "是" and r[12] > 0 for r in treatments)


def test_remind_reminds_overdue_treatments(pack, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    from icx.mail.reminders import read_deficiencies, select_due

    _, summary, _, _ = pack
    due = select_due(read_deficiencies(summary).items, AS_OF, 0)
    treatments = [d for d in due if d.deficiency.startswith("【风险应对逾期】")]
    assert len(treatments) == 3 and all(d.owner for d in treatments)
    recipients = tmp_path / "r.toml"
    recipients.write_text(
        "".join(
            f'[[units]]\ncode = "{code}"\nname = "单位"\ncontact = "联系人"\nemail = "{code.lower()}@example.gov.cn"\n'
            for code in ("FB001", "FB002", "FB003")
        ),
        encoding="utf-8",
    )
    out = tmp_path / "drafts"
    args = ["remind", "-s", str(summary), "-r", str(recipients), "--as-of", "2026-12-31", "--within", "0"]
    result = CliRunner().invoke(app, [*args, "--dry-run", str(out)])
    assert result.exit_code == 0, result.output
    bodies = [
        message_from_bytes(p.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
        for p in out.glob("*.eml")
    ]
    assert sum(text.count("风险应对逾期") for text in bodies) == 3


def test_feedback_shows_the_units_findings(pack) -> None:
    result, _, feedback, _ = pack
    path = next(p for p in feedback if p.name.startswith("FB001"))
    wb = openpyxl.load_workbook(path)
    ws = wb["轮岗授权与应对"]
    kinds = {r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[1]}
    assert len(kinds) == 9
    risks = wb["本单位风险"]
    assert "剩余风险等级" in [c.value for c in risks[1]]
