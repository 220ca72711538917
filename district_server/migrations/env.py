"""Alembic environment of the server: runs on the connection handed in by ``db.migrate``."""

from __future__ import annotations

from alembic import context

from district_server.models import ServerModel

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via a bare `alembic` CLI
    raise RuntimeError("Run migrations through district_server.db.migrate(engine)")
context.configure(
    connection=connection,
    target_metadata=ServerModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
context.run_migrations()
