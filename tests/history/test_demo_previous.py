"""The demo's previous period differs from this one in each way the 同比 sheet reports."""

from __future__ import annotations

from icx.core import history as h
from icx.demo.data import make_units
from icx.demo.previous import _level, previous_unit


def _record(units, period: str) -> h.PeriodRecord:
    import datetime as dt

    record = h.PeriodRecord(period, dt.date(int(period), 12, 31), dt.datetime(2027, 1, 1))
    for unit in units:
        record.units.append(h.UnitRecord(unit.code, unit.name, "", ""))
        for risk in unit.risks:
            level = _level(risk)
            record.risks.append(h.RiskRecord(unit.code, risk.id, risk.area, risk.description, 1, 1, 1, level))
        for row in unit.evaluation:
            if row.get("deficiency"):
                status = {"已整改": "done"}.get(row.get("status"), "open")
                record.deficiencies.append(
                    h.DeficiencyRecord(unit.code, row["item_id"], "", row["deficiency"], "general", status)
                )
    return record


def test_every_kind_of_change_appears_in_every_unit() -> None:
    now = make_units(6)
    before = [previous_unit(u, "2025") for u in now]
    yoy = h.compare(_record(before, "2025"), _record(now, "2026"))
    for unit in now:
        kinds = {c.kind for c in yoy.risks if c.unit_code == unit.code}
        assert {"new", "closed", "escalated", "deescalated"} <= kinds, unit.code
        assert any(c.matched_by == "description" for c in yoy.risks if c.unit_code == unit.code)
        assert any(r.unit_code == unit.code for r in yoy.repeated)
        assert any(r.unit_code == unit.code and r.outcome == "rectified" for r in yoy.rectifications)
