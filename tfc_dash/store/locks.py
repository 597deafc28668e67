"""Serializing the store's writers: syncs, imports, seeding and migrations take turns."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


@contextlib.contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """A transaction that no other writer of the store can enter until it ends.

    SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock up front (and makes its DDL
    transactional). PostgreSQL: see :func:`lock_writes`.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        lock_writes(conn)
        yield conn


def lock_writes(conn: Connection) -> None:
    """Serialize the store's writers (syncs, imports, seeding, migrations) on PostgreSQL.

    A transaction-scoped advisory lock, one per schema: a second sync waits for the first to
    commit and then reads what it wrote, instead of both planning inserts from the same old
    rows. SQLite needs nothing here: its first write takes the one write lock.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("select pg_advisory_xact_lock(hashtext('tfc_dash:' || current_schema()))")
        )
