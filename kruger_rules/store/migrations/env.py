"""Alembic's environment: the revisions run on the connection that :mod:`kruger_rules.store.migrations` hands over, already in
the transaction that holds the schema's lock, against the models' metadata (for autogenerate and comparison).

SQLite alters a table only by rebuilding it, so its operations are batched (``render_as_batch``): Alembic copies
the table with the change, then swaps it in, keeping the constraint names the naming convention gives.
"""

from __future__ import annotations

from alembic import context

from kruger_rules.store import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the migrations run through kruger_rules.store.migrations (kruger-rules db upgrade), which gives them their connection"
    )

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
