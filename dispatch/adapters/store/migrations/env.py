"""Alembic environment: runs on the connection handed in by ``dispatch.adapters.store.migrations.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from dispatch.adapters.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # command-line use: `alembic -x url=... upgrade head`
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("give the database with -x url=<sqlalchemy url>")
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
