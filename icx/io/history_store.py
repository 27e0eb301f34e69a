"""The history store (风险数据库): consolidated periods kept in a database, SQLite or PostgreSQL.

One code path for both engines: SQLAlchemy Core (tables and queries as Python objects, the SQL
dialect chosen by the URL). An ORM would add sessions and identity maps for what is bulk insert
and a few grouped queries; raw DB-API would need two SQL dialects and two parameter styles.

- ``open_store(url)``: ``history.db`` (a path) is one SQLite file; ``postgresql://user@host/db``
  is a shared server (driver psycopg 3). The schema is versioned (table ``icx_meta``) and
  migrated on open, in one transaction; a store made by a newer icx is refused.
- ``record(period)`` writes one period in one transaction: an earlier recording of the same
  period is replaced whole, and a failure leaves the store as it was.
- ``load``, ``periods``, ``previous``, ``delete``, ``level_trend``, ``score_trend``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from icx import __version__
from icx.core import history as h
from icx.core.codes import code_key
from icx.core.errors import IcxError, Problem

DB_ENV = "ICX_DB"
SCHEMA_VERSION = 2

# Each column knows the schema version that added it; the tables of any version are built from
# these lists, so a migration adds exactly the columns and tables that are newer.
_Col = tuple[str, Any, int]  # name, type, since version


def _text(name: str, since: int = 1) -> _Col:
    return (name, sa.Text, since)


def _float(name: str, since: int = 1) -> _Col:
    return (name, sa.Float, since)


def _int(name: str, since: int = 1) -> _Col:
    return (name, sa.Integer, since)


def _date(name: str, since: int = 1) -> _Col:
    return (name, sa.Date, since)


def _texts(kind: type) -> list[_Col]:
    """A text column for every field of ``kind`` (records whose fields are all text)."""
    return [_text(f.name) for f in dataclasses.fields(kind)]


# Tables holding one kind of record of a unit in a period: (table, record class, columns).
# Every such table also has ``period`` and ``unit_key`` (the unit's code_key).
_RECORD_TABLES: dict[str, tuple[type, list[_Col]]] = {
    "units": (
        h.UnitRecord,
        [
            _text("code"),
            _text("name"),
            _text("file"),
            _text("sha256"),
            _float("evaluation_score"),
            _text("methodology"),
            _text("preparer"),
            _text("contact"),
            _text("email"),
        ],
    ),
    "risks": (
        h.RiskRecord,
        [
            _text("unit_code"),
            _text("risk_id"),
            _text("area"),
            _text("description"),
            _float("likelihood"),
            _float("impact"),
            _float("score"),
            _int("level"),
            _text("process_step"),
            _text("category"),
            _text("cause"),
            _float("residual_likelihood"),
            _float("residual_impact"),
            _float("residual_score"),
            _int("residual_level"),
            _text("response"),
            _text("owner_department"),
            _text("owner"),
            _text("controls"),
            _text("evidence"),
        ],
    ),
    "controls": (h.ControlRecord, _texts(h.ControlRecord)),
    "duties": (h.DutyRecord, _texts(h.DutyRecord)),
    "duty_rules": (h.DutyRuleRecord, _texts(h.DutyRuleRecord)),
    "assignments": (
        h.AssignmentRecord,
        [
            _text("unit_code"),
            _text("person"),
            _text("post"),
            _text("employee_id"),
            _date("date_from"),
            _date("date_to"),
            _text("acting"),
        ],
    ),
    "conflicts": (
        h.ConflictRecord,
        [
            _text("unit_code"),
            _text("kind"),
            _text("rule_id"),
            _text("area"),
            _text("severity"),
            _text("person"),
            _text("posts"),
            _text("duty_a"),
            _text("duty_b"),
            _text("reference"),
            _text("dates"),
        ],
    ),
    "area_scores": (
        h.AreaScoreRecord,
        [_text("unit_code"), _text("area"), _float("percent"), _int("applicable"), _int("not_compliant")],
    ),
    # Checklist items' results: added in schema version 2 (version 1 kept area scores only).
    "items": (
        h.ItemRecord,
        [
            _text("unit_code", 2),
            _text("item_id", 2),
            _text("area", 2),
            _text("result", 2),
            _float("score", 2),
            _float("weight", 2),
        ],
    ),
    "deficiencies": (
        h.DeficiencyRecord,
        [
            _text("unit_code"),
            _text("item_id"),
            _text("area"),
            _text("description"),
            _text("grade"),
            _text("status"),
            _date("deadline"),
            _text("rectification"),
            _text("owner"),
            ("overdue", sa.Boolean(create_constraint=False), 1),
            _text("owner_email"),
            _text("focus"),
        ],
    ),
}
_TABLE_SINCE = {"items": 2}


def schema(version: int = SCHEMA_VERSION) -> sa.MetaData:
    """The tables of schema ``version``."""
    metadata = sa.MetaData()
    sa.Table("icx_meta", metadata, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text))
    sa.Table(
        "periods",
        metadata,
        sa.Column("period", sa.String(100), primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("icx_version", sa.Text),
    )
    for name, (_, columns) in _RECORD_TABLES.items():
        if _TABLE_SINCE.get(name, 1) > version:
            continue
        sa.Table(
            name,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column(
                "period",
                sa.String(100),
                sa.ForeignKey("periods.period", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            sa.Column("unit_key", sa.String(200), nullable=False, index=True),
            *(sa.Column(col, kind) for col, kind, since in columns if since <= version),
        )
    return metadata


TABLES = schema()


@dataclass(frozen=True)
class PeriodInfo:
    period: str
    as_of: dt.date
    recorded_at: dt.datetime
    units: int
    risks: int
    icx_version: str


def database_url(given: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL from what a user typed: a file path is a SQLite file; ``postgresql://``
    uses psycopg 3; any other URL is taken as it is."""
    text = os.fspath(given)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


class HistoryStore:
    """An open store; use ``open_store`` to get one (schema checked and migrated)."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------------
    def record(self, period: h.PeriodRecord) -> None:
        """Write ``period`` in one transaction, replacing an earlier recording of it."""
        with self._transaction("history_record_failed") as conn:
            self._delete(conn, period.period)
            conn.execute(
                TABLES.tables["periods"].insert(),
                {
                    "period": period.period,
                    "as_of": period.as_of,
                    "recorded_at": period.recorded_at,
                    "icx_version": __version__,
                },
            )
            for table_name in _RECORD_TABLES:  # each table is named as PeriodRecord's list
                records = getattr(period, table_name)
                if records:
                    _insert_many(conn, table_name, period.period, records)

    def delete(self, period: str) -> bool:
        """Remove one period; False when the store did not hold it."""
        with self._transaction("history_record_failed") as conn:
            return self._delete(conn, period)

    def _delete(self, conn: Connection, period: str) -> bool:
        # Child tables first: SQLite enforces foreign keys only when asked, so do not rely on cascades.
        for table_name in _RECORD_TABLES:
            table = TABLES.tables[table_name]
            conn.execute(table.delete().where(table.c.period == period))
        periods = TABLES.tables["periods"]
        return conn.execute(periods.delete().where(periods.c.period == period)).rowcount > 0

    # --- reading ---------------------------------------------------------------------------------
    def periods(self) -> list[PeriodInfo]:
        """Every recorded period, oldest first (by as-of date, then label)."""
        p, u, r = TABLES.tables["periods"], TABLES.tables["units"], TABLES.tables["risks"]
        units = sa.select(u.c.period, sa.func.count().label("n")).group_by(u.c.period).subquery()
        risks = sa.select(r.c.period, sa.func.count().label("n")).group_by(r.c.period).subquery()
        query = (
            sa.select(p, sa.func.coalesce(units.c.n, 0), sa.func.coalesce(risks.c.n, 0))
            .outerjoin(units, units.c.period == p.c.period)
            .outerjoin(risks, risks.c.period == p.c.period)
            .order_by(p.c.as_of, p.c.period)
        )
        with self.engine.connect() as conn:
            return [
                PeriodInfo(row.period, row.as_of, row.recorded_at, row[-2], row[-1], row.icx_version or "")
                for row in conn.execute(query)
            ]

    def has(self, period: str) -> bool:
        return any(info.period == period for info in self.periods())

    def previous(self, period: str, as_of: dt.date | None = None) -> str | None:
        """The period recorded last before ``period``: the latest as-of date before ``as_of`` (or
        before ``period``'s own as-of date when it is recorded), then the label."""
        infos = self.periods()
        if as_of is None:
            mine = next((i for i in infos if i.period == period), None)
            if mine is None:
                return None
            as_of = mine.as_of
        earlier = [i for i in infos if i.period != period and (i.as_of, i.period) < (as_of, period)]
        return earlier[-1].period if earlier else None

    def load(self, period: str) -> h.PeriodRecord:
        """The records of one period; ``IcxError`` when the store does not hold it."""
        p = TABLES.tables["periods"]
        with self.engine.connect() as conn:
            head = conn.execute(sa.select(p).where(p.c.period == period)).first()
            if head is None:
                raise IcxError(
                    Problem.of(
                        "history_period_unknown",
                        params={"period": period, "known": "、".join(i.period for i in self.periods()) or "—"},
                    )
                )
            record = h.PeriodRecord(period=head.period, as_of=head.as_of, recorded_at=head.recorded_at)
            for table_name, (kind, columns) in _RECORD_TABLES.items():
                table = TABLES.tables[table_name]
                names = [col for col, _, _ in columns]
                rows = conn.execute(
                    sa.select(*(table.c[n] for n in names)).where(table.c.period == period).order_by(table.c.id)
                )
                setattr(record, table_name, [kind(**_values(kind, row._mapping)) for row in rows])
        return record

    def level_trend(self, *, unit_code: str | None = None, area: str | None = None) -> list[tuple[str, int, int, int]]:
        """(period, 一级, 二级, 三级) for every period, oldest first, for one unit, one area or all."""
        r = TABLES.tables["risks"]
        query = sa.select(r.c.period, r.c.level, sa.func.count()).group_by(r.c.period, r.c.level)
        if unit_code is not None:
            query = query.where(r.c.unit_key == code_key(unit_code))
        if area is not None:
            query = query.where(r.c.area == area)
        with self.engine.connect() as conn:
            counts = {(row[0], row[1]): row[2] for row in conn.execute(query)}
        return [
            (
                info.period,
                counts.get((info.period, 1), 0),
                counts.get((info.period, 2), 0),
                counts.get((info.period, 3), 0),
            )
            for info in self.periods()
        ]

    def score_trend(self, unit_code: str) -> list[tuple[str, float | None]]:
        """(period, self-evaluation score) of one unit for every period it reported in."""
        u, p = TABLES.tables["units"], TABLES.tables["periods"]
        query = (
            sa.select(u.c.period, u.c.evaluation_score)
            .join(p, p.c.period == u.c.period)
            .where(u.c.unit_key == code_key(unit_code))
            .order_by(p.c.as_of, p.c.period)
        )
        with self.engine.connect() as conn:
            return [(row[0], row[1]) for row in conn.execute(query)]

    # --- plumbing --------------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, failure: str) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise IcxError(Problem.of(failure, params={"url": shown_url(self.url), "detail": _detail(exc)})) from exc


def open_store(given: str | os.PathLike[str] | None = None) -> HistoryStore:
    """Open (create, or migrate) the store at ``given`` (default: ``$ICX_DB``)."""
    given = given if given is not None else os.environ.get(DB_ENV)
    if not given:
        raise IcxError(Problem.of("history_no_store", params={"env": DB_ENV}))
    url = database_url(given)
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError, sa.exc.NoSuchModuleError) as exc:
        raise IcxError(
            Problem.of("history_url_invalid", params={"url": shown_url(url), "detail": _detail(exc)})
        ) from exc
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    store = HistoryStore(engine, url)
    try:
        with engine.begin() as conn:
            _migrate(conn, url)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise IcxError(
            Problem.of("history_unreachable", params={"url": shown_url(url), "detail": _detail(exc)})
        ) from exc
    except IcxError:
        engine.dispose()
        raise
    return store


def stored_version(conn: Connection) -> int | None:
    """The schema version of the store on ``conn``; None for an empty database."""
    if not sa.inspect(conn).has_table("icx_meta"):
        return None
    meta = TABLES.tables["icx_meta"]
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def _migrate(conn: Connection, url: str) -> None:
    version = stored_version(conn)
    if version is None:
        schema().create_all(conn)
        _set_version(conn, SCHEMA_VERSION, insert=True)
        return
    if version > SCHEMA_VERSION:
        raise IcxError(
            Problem.of(
                "history_store_newer",
                params={"url": shown_url(url), "version": version, "supported": SCHEMA_VERSION},
            )
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        _upgrade_to(conn, target)
        _set_version(conn, target)


def _upgrade_to(conn: Connection, target: int) -> None:
    """Add what schema version ``target`` has that ``target - 1`` had not: new tables whole, new
    columns of existing tables with ALTER TABLE (nullable, so old rows read as empty)."""
    new, old = schema(target), schema(target - 1)
    for name, table in new.tables.items():
        if name not in old.tables:
            table.create(conn)
            continue
        have = set(old.tables[name].c.keys())
        for column in table.c:
            if column.key in have:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f'ALTER TABLE {name} ADD COLUMN "{column.key}" {kind}'))


def _set_version(conn: Connection, version: int, *, insert: bool = False) -> None:
    meta = TABLES.tables["icx_meta"]
    if insert:
        conn.execute(meta.insert(), {"key": "schema_version", "value": str(version)})
    else:
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))


def _sqlite_pragmas(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _insert_many(conn: Connection, table_name: str, period: str, records: list[Any]) -> None:
    """Insert ``records`` (all of one kind) with one ``executemany`` of plain tuples.

    A period of 2,000 units is some 400,000 rows: SQLAlchemy's per-row parameter processing
    would take longer than the database itself, so the statement is written here (the columns
    are the table's, the placeholders the driver's) and handed to the driver as it is. Dates go
    to SQLite as the ISO text SQLAlchemy's Date type stores and reads."""
    names = [f.name for f in dataclasses.fields(records[0])]
    get = operator.attrgetter(*names)
    unit_at = names.index("unit_code" if "unit_code" in names else "code")
    sqlite = conn.dialect.name == "sqlite"
    dates = [i for i, f in enumerate(dataclasses.fields(records[0])) if "date" in str(f.type)] if sqlite else []
    keys: dict[str, str] = {}  # one unit's records share its code: its key is worked out once
    rows = []
    for record in records:
        values = get(record)
        code = values[unit_at]
        key = keys.get(code)
        if key is None:
            key = keys[code] = code_key(code)
        if dates:
            values = list(values)
            for i in dates:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
        rows.append((period, key, *values))
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(f'"{c}"' for c in ("period", "unit_key", *names))
    sql = f"INSERT INTO {table_name} ({columns}) VALUES ({', '.join([marker] * (len(names) + 2))})"
    conn.exec_driver_sql(sql, rows)


def _values(kind: type, mapping: Any) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(kind)}
    return {k: v for k, v in mapping.items() if k in names}


def _detail(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
