"""The history store on SQLite and on a real PostgreSQL server: round trip, replace, atomicity,
migration from schema version 1, and refusal of a newer store."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from icx.core import history as h
from icx.core.errors import IcxError
from icx.io import history_store
from icx.io.history_store import SCHEMA_VERSION, open_store, schema


def sample(label: str = "2026", year: int = 2026, *, level_shift: int = 0) -> h.PeriodRecord:
    unit = "FB001"
    return h.PeriodRecord(
        period=label,
        as_of=dt.date(year, 12, 31),
        recorded_at=dt.datetime(year + 1, 1, 8, 10, 30),
        units=[
            h.UnitRecord(
                unit, "区财政局机关", "报送/FB001.xlsx", "ab" * 32, 86.25, "默认方法", "王敏", "李会计", "li@x.gov.cn"
            ),
            h.UnitRecord("FB002", "国库中心", "报送/FB002.xlsx", "cd" * 32, None, ""),
        ],
        risks=[
            h.RiskRecord(
                unit,
                "R1",
                "budget",
                "预算编制不科学",
                4.2,
                3.8,
                15.96,
                min(3, 1 + level_shift),
                residual_likelihood=2.0,
                residual_impact=3.0,
                residual_score=6.0,
                residual_level=3,
                response="降低",
                owner="张三",
                controls="C1；C2",
            ),
            h.RiskRecord("FB002", "A1", "revenue", "收入未及时入账", 2.0, 2.0, 4.0, 3),
        ],
        controls=[
            h.ControlRecord(
                unit,
                "C1",
                "budget",
                risk_id="R1",
                activity="预算审核",
                key_control="是",
                prepare_post="会计",
                review_post="财务科长",
                approve_post="分管领导",
            )
        ],
        duties=[h.DutyRecord(unit, "出纳", "货币资金支付")],
        duty_rules=[h.DutyRuleRecord(unit, "U01", "budget", "预算编制", "预算审批", "本单位规定", "是")],
        assignments=[h.AssignmentRecord(unit, "李四", "出纳", "0107", dt.date(2020, 1, 1), None)],
        conflicts=[h.ConflictRecord(unit, "person", "P01", "revenue", "high", "李四", "出纳、会计", "支付", "记账")],
        area_scores=[h.AreaScoreRecord(unit, "", 86.25, 40, 2), h.AreaScoreRecord(unit, "budget", 90.0, 8, 0)],
        items=[h.ItemRecord(unit, "E1", "budget", "not_compliant", 0.0, 2.0)],
        deficiencies=[
            h.DeficiencyRecord(
                unit,
                "E1",
                "budget",
                "未建立预算绩效目标",
                "general",
                "open",
                dt.date(2027, 3, 31),
                "建立目标",
                "王五",
                False,
            )
        ],
    )


def test_round_trip(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record(sample())
        again = store.load("2026")
        assert again == sample()
        [info] = store.periods()
        assert (info.period, info.units, info.risks) == ("2026", 2, 2)


def test_recording_a_period_again_replaces_it_whole(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record(sample("2025", 2025))
        store.record(sample())
        changed = sample(level_shift=1)
        changed.risks = changed.risks[:1]
        store.record(changed)
        assert store.load("2026") == changed
        assert store.load("2025") == sample("2025", 2025)
        assert [i.period for i in store.periods()] == ["2025", "2026"]
        assert store.previous("2026") == "2025" and store.previous("2025") is None
        assert store.previous("2027", dt.date(2027, 12, 31)) == "2026"
        assert store.level_trend(unit_code="ｆｂ００１") == [("2025", 1, 0, 0), ("2026", 0, 1, 0)]
        assert store.score_trend("FB001") == [("2025", 86.25), ("2026", 86.25)]


def test_a_failed_recording_leaves_the_store_as_it_was(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record(sample())
        broken = dataclasses.replace(sample(level_shift=2), as_of=None)  # NOT NULL: fails after the delete
        with pytest.raises(IcxError) as caught:
            store.record(broken)
        assert caught.value.problem.code == "history_record_failed"
        assert store.load("2026") == sample()


def test_delete_and_unknown_period(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record(sample())
        assert store.delete("2026") is True and store.delete("2026") is False
        with pytest.raises(IcxError) as caught:
            store.load("2026")
        assert caught.value.problem.code == "history_period_unknown"


def test_a_version_1_store_is_upgraded_in_place(store_url: str) -> None:
    url = history_store.database_url(store_url)
    engine = sa.create_engine(url)
    v1 = schema(1)
    assert "items" not in v1.tables  # version 2 added the checklist items
    record = sample()
    with engine.begin() as conn:
        v1.create_all(conn)
        conn.execute(v1.tables["icx_meta"].insert(), {"key": "schema_version", "value": "1"})
        conn.execute(
            v1.tables["periods"].insert(),
            {
                "period": "2025",
                "as_of": dt.date(2025, 12, 31),
                "recorded_at": dt.datetime(2026, 1, 5),
                "icx_version": "0.0.9",
            },
        )
        for risk in record.risks:
            conn.execute(
                v1.tables["risks"].insert(),
                {**dataclasses.asdict(risk), "period": "2025", "unit_key": risk.unit_code.casefold()},
            )
    engine.dispose()
    with open_store(store_url) as store:
        with store.engine.connect() as conn:
            assert history_store.stored_version(conn) == SCHEMA_VERSION
        old = store.load("2025")
        assert old.risks == record.risks and old.items == []
        store.record(sample())  # the new table takes rows
        assert store.load("2026").items == sample().items


def test_a_store_from_a_newer_icx_is_refused_untouched(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record(sample())
        with store.engine.begin() as conn:
            meta = history_store.TABLES.tables["icx_meta"]
            conn.execute(meta.update().values(value=str(SCHEMA_VERSION + 1)))
    with pytest.raises(IcxError) as caught:
        open_store(store_url)
    problem = caught.value.problem
    assert problem.code == "history_store_newer" and str(SCHEMA_VERSION + 1) in problem.message_zh
    engine = sa.create_engine(history_store.database_url(store_url))
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from risks")).scalar() == 2
    engine.dispose()


def test_no_store_and_a_bad_url_are_clear_messages(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("ICX_DB", raising=False)
    with pytest.raises(IcxError) as caught:
        open_store(None)
    assert caught.value.problem.code == "history_no_store"
    with pytest.raises(IcxError) as caught:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert caught.value.problem.code == "history_unreachable" and "secret" not in caught.value.problem.message_zh
    with pytest.raises(IcxError) as caught:
        open_store("nosuchdb://x")
    assert caught.value.problem.code == "history_url_invalid"


def test_every_field_of_every_record_has_its_column() -> None:
    """A field without a column would be lost on the way in (and read back as its default)."""
    from icx.io.history_store import _RECORD_TABLES

    for table_name, (kind, _) in _RECORD_TABLES.items():
        assert {f.name for f in dataclasses.fields(kind)} <= set(history_store.TABLES.tables[table_name].c.keys())
