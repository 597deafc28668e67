"""Reading a store from a test, without tfc_dash's queries, on SQLite and PostgreSQL alike.

Plain SQL through SQLAlchemy's ``text`` with named parameters (``:name``), so one assertion
serves both backends. Values come back as each driver gives them (a date column is a ``str`` in
SQLite and a ``date`` in PostgreSQL): compare them through ``str`` where that matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from tfc_dash import models

SYNCED = tuple(models.SYNCED_TABLES)


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def rows(url: str, sql: str, **params: Any) -> list[tuple]:
    with connect(url) as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def scalar(url: str, sql: str, **params: Any) -> Any:
    with connect(url) as conn:
        return conn.execute(sa.text(sql), params).scalar()


def dump(url: str) -> dict[str, list[tuple]]:
    """Every synced table's rows, in a stable order, the surrogate ids left out."""
    out = {}
    with connect(url) as conn:
        for name, model in models.SYNCED_TABLES.items():
            table = model.__table__  # type: ignore[attr-defined]
            columns = [c for c in table.columns if c.name != "id"]
            found = conn.execute(sa.select(*columns)).all()
            out[name] = sorted((tuple(r) for r in found), key=repr)
    return out
