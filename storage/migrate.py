"""Schema migrations: bring a database to the newest schema with Alembic, on open.

Owns the Alembic configuration (``script_location`` is this package's
``migrations`` folder, so it works from an installed wheel without an alembic.ini)
and the locking that lets two processes start at once: the whole upgrade runs in
one transaction that first takes a lock (PostgreSQL: an advisory lock; SQLite:
BEGIN IMMEDIATE), so the second process waits, then finds the schema current.
The revisions themselves live in ``migrations/versions``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from storage.engine import WRITE
from storage.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# pg_advisory_xact_lock key: any constant bigint that other software is unlikely to use.
_LOCK_KEY = 0x6D6F6E69746F72  # "monitor"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for storage's revisions, running on ``connection`` if given."""
    config = Config()
    # ConfigParser interpolation: a literal % in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply every missing revision to the database of ``engine``; idempotent."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{WRITE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            try:
                command.upgrade(alembic_config(conn), "head")
            except CommandError as error:
                # Typically a database migrated by a newer monitor than this one.
                raise StorageError(
                    f"its schema cannot be migrated: {error} (this version of monitor "
                    f"knows revisions up to {head_revision()}; was the database "
                    "used by a newer version?)"
                ) from error
