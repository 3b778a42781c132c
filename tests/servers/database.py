"""Database fixtures: ``database_url`` for SQLite and PostgreSQL, and an opened ``store``.

``database_url`` is parametrised: ``sqlite`` is a file in ``tmp_path``; ``postgres``
uses the server named by ``MONITOR_TEST_DATABASE_URL``. Unset, the PostgreSQL tests
are skipped; set but unreachable, they fail, so CI notices a dead server.

Each PostgreSQL test gets a fresh schema (``t_<random>``, dropped afterwards) set as
the only ``search_path`` entry through the URL's ``options``, so the tables and
Alembic's version table land there. Sessions also run in ``Asia/Tehran`` so that a
datetime not converted to UTC shows up.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import Store
from storage.engine import make_engine, normalise_url

ENV = "MONITOR_TEST_DATABASE_URL"
SESSION_TIME_ZONE = "Asia/Tehran"  # +03:30, not a whole hour: off-by-zone bugs show


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the server of ``MONITOR_TEST_DATABASE_URL`` (skip if unset)."""
    base = os.environ.get(ENV)
    if not base:
        pytest.skip(f"{ENV} is not set; set it to run the PostgreSQL tests")
    engine = make_engine(base)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        engine.dispose()
        pytest.fail(f"{ENV} is set but the server cannot be reached: {error}", pytrace=False)
    yield engine
    engine.dispose()


def postgres_schema_url(admin: Engine, schema: str) -> str:
    """The admin URL, with ``schema`` as the only search_path entry."""
    options = f"-csearch_path={schema} -cTimeZone={SESSION_TIME_ZONE}"
    url = normalise_url(admin.url).update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """A URL into a fresh, empty schema of the test server, dropped afterwards."""
    schema = f"t_{secrets.token_hex(6)}"
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(postgres_admin, schema)
    finally:
        with postgres_admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'monitor.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A ``Store`` opened (and migrated) on ``database_url``, closed afterwards."""
    with Store.open(database_url) as opened:
        yield opened
