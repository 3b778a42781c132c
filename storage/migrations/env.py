"""Alembic environment: runs storage's revisions on the connection it is handed.

Only ``storage.migrate.upgrade`` runs migrations: it opens the transaction, takes
the lock, and passes its connection in ``config.attributes["connection"]``. There
is no offline (``--sql``) mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.tables import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection) or context.is_offline_mode():
    raise RuntimeError("run migrations through storage.migrate.upgrade, with a connection")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
