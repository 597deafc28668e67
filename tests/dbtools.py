"""Reading a store from a test, without tfc_dash's queries, on SQLite and PostgreSQL alike
(and, for the AppTest tests' expected figures, :func:`sqlite_rows` on a SQLite file).

Plain SQL through SQLAlchemy's ``text`` with named parameters (``:name``), so one assertion
serves both backends. Values come back as each driver gives them (a date column is a ``str`` in
SQLite and a ``date`` in PostgreSQL): compare them through ``str`` where that matters.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from tfc_dash.store import models

SYNCED = tuple(models.SYNCED_TABLES)
# The PostgreSQL server tests (and the bench) use: trust auth, a fresh schema per store.
POSTGRES_URL_ENV = "TFC_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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


def sqlite_rows(url: str, sql: str, *params: Any) -> list[tuple]:
    """Plain ``sqlite3`` on a SQLite store's file (``?`` parameters): the independent truth the
    app's pages are checked against, asked without tfc_dash or SQLAlchemy."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql, params).fetchall()


def sqlite_value(url: str, sql: str, *params: Any) -> Any:
    """The first value of :func:`sqlite_rows`' first row."""
    return sqlite_rows(url, sql, *params)[0][0]


def copy_sqlite_store(source: str | Path, target: Path, *, one_file: bool = False) -> str:
    """A consistent copy of a SQLite store (a URL or a path) at ``target``, with what its
    write-ahead log still holds (SQLite's backup API); ``one_file``: the copy keeps no log of
    its own, so that its bytes alone are the store. Returns the copy's URL."""
    path = str(source).removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        if one_file:
            dst.execute("pragma journal_mode=delete")
    return f"sqlite:///{target}"


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


def everything(url: str) -> tuple:
    """The data, the runs, the quarantine and the store's flags."""
    runs = rows(url, "select id, source, status from sync_runs order by id")
    quarantine = scalar(url, "select count(*) from quarantine")
    meta = rows(url, "select key, value from store_meta where key like 'demo%'")
    return dump(url), runs, quarantine, sorted(meta)


class PostgresServer:
    """The test server: a fresh schema per store, reached through the URL's search_path."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def new_store_url(self) -> str:
        schema = f"tfc_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"create schema {schema}"))
        # application_name marks every connection to this store, so drop() can end them.
        url = make_url(self.url).update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": schema}
        )
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        schema = make_url(url).query["application_name"]
        with self.admin.connect() as conn:
            conn.execute(
                sa.text(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where application_name = :schema and pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            conn.execute(sa.text(f"drop schema if exists {schema} cascade"))
