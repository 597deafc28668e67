"""Alembic environment: migrations run on the connection tfc_dash.store.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import tfc_dash.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "tfc_dash migrations run through tfc_dash.store.migrate, with a connection."
        )
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
