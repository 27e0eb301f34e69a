"""History stores for the tests: a SQLite file, and a fresh database on a real PostgreSQL server.

The server is the one ``.ci/run`` starts (``ICX_TEST_POSTGRES_URL``, an admin URL whose role may
create databases). Locally, a test against PostgreSQL is skipped when no server answers; in CI
(CI=true) it fails instead, so the PostgreSQL path never goes untested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "ICX_TEST_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+psycopg://icx:icx@127.0.0.1:5432/postgres"


def _admin_engine() -> sa.Engine | None:
    url = os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        return engine
    except Exception as exc:  # noqa: BLE001 — no server, no driver: reported below
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable in CI ({POSTGRES_ENV}): {exc}")
        return None


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty history store: SQLite file, then PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.db")
        return
    admin = _admin_engine()
    if admin is None:
        pytest.skip("no PostgreSQL server (set ICX_TEST_POSTGRES_URL); CI always has one")
    name = f"icx_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
