"""Streamlit caching wrappers: the one module of tfc_dash that imports Streamlit.

``st.cache_resource`` holds the engines (connection pools); ``st.cache_data`` holds query results
keyed on the store's URL, its version (which changes with every write), its file's stamp (which
changes when a SQLite file is replaced, overwritten or damaged under the running server) and the
query's arguments, so a sync or a swapped file shows up on the next rerun without waiting for the
TTL.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.connections import BaseConnection

from tfc_dash.core import config
from tfc_dash.ingest import provision, refresh, sheets, sync
from tfc_dash.store import database

DATA_TTL_SECONDS = 600
T = TypeVar("T")


@dataclass(frozen=True)
class StoreHandle:
    url: str
    version: int
    status: database.StoreStatus
    file: tuple[int, ...] | None = None  # store.file_stamp: a SQLite file's identity


def secrets() -> dict[str, Any]:
    """The app's secrets as a plain dict; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def database_url() -> str:
    return config.database_url(secrets())


@dataclass(frozen=True)
class _Opened:
    file: tuple[int, ...] | None
    engine: Engine


@st.cache_resource(show_spinner=False)
def _engines() -> dict[str, _Opened]:
    return {}


_ENGINES_LOCK = threading.Lock()


def engine(url: str) -> Engine:
    """The engine for ``url``: one per process, made anew when the SQLite file has changed
    under it (replaced, overwritten, damaged or checkpointed), the old one's connections closed.
    """
    stamp = database.file_stamp(url)
    with _ENGINES_LOCK:
        opened = _engines().get(url)
        if opened is not None and opened.file == stamp:
            return opened.engine
        if opened is not None:
            _retire(opened.engine)
        made = database.make_engine(url)
        _engines()[url] = _Opened(stamp, made)
        return made


def _retire(old: Engine) -> None:
    """Close the old engine's connections: the idle ones now, those in use when they return.

    ``Engine.dispose`` alone would leave a connection in use at that moment open in the old
    pool, holding the replaced file (and its locks) until the pool is garbage collected.
    """
    # The listener stays with the pool that dispose() recreates: whoever still holds the old
    # engine (a preparation under way) gets a fresh connection each time, closed after use.
    sa.event.listen(old.pool, "checkin", lambda _dbapi_conn, record: record.invalidate())
    old.dispose()


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False)
def _status(url: str, version: int, file: tuple[int, ...] | None) -> database.StoreStatus:
    # An older schema is upgraded in place (on Streamlit Community Cloud nobody runs
    # `python -m tfc_dash migrate`); a newer one is refused with a message.
    return database.check_store(engine(url), upgrade=True)


@st.cache_resource(show_spinner=False)
def preparer(url: str) -> provision.Preparer:
    """One per server and store: its start-up work (preparing a missing or empty store), shared
    by every session however many arrive at once."""
    return provision.Preparer(lambda: engine(url))


def open_store() -> StoreHandle:
    """The configured store, checked; raises StoreMissing when there is none yet (see
    :func:`preparer`) and StoreError when it cannot be used."""
    url = database_url()
    database.require_sqlite_file(url)  # before connecting, which would create an empty file
    version = database.store_version(engine(url))
    file = database.file_stamp(url)
    return StoreHandle(url=url, version=version, status=_status(url, version, file), file=file)


@st.cache_data(ttl=DATA_TTL_SECONDS, show_spinner=False, max_entries=1000)
def _run(
    module: str,
    name: str,
    url: str,
    version: int,
    file: tuple[int, ...] | None,
    args: tuple[Any, ...],
) -> Any:
    fn = getattr(importlib.import_module(module), name)
    return fn(engine(url), *args)


def query(handle: StoreHandle, fn: Callable[..., T], *args: Any) -> T:
    """``fn(engine, *args)``, cached per store version and file. ``fn`` is a tfc_dash query."""
    return _run(fn.__module__, fn.__name__, handle.url, handle.version, handle.file, args)


def clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


# --- the ops spreadsheet ----------------------------------------------------------------------
class GSheetsConnection(BaseConnection[sheets.SheetsReader]):
    """``st.connection("gsheets", type=GSheetsConnection)``: the ops spreadsheet.

    It reads ``[connections.gsheets]`` with the keys of Streamlit's own GSheets connection
    (``spreadsheet`` as a URL or key, and the service account's ``type``, ``project_id``,
    ``private_key_id``, ``private_key``, ``client_email``, ``client_id``, ``token_uri``...). A thin
    adapter: the reader is :class:`tfc_dash.ingest.sheets.SheetsReader`, which the CLI uses
    directly.
    """

    def _connect(self, **kwargs: Any) -> sheets.SheetsReader:
        section = self._secrets.to_dict() or config.gsheets_section(secrets()) or {}
        return sheets.SheetsReader(sheets.settings_from_secrets({**section, **kwargs}))

    @property
    def reader(self) -> sheets.SheetsReader:
        return self._instance

    def read(self) -> sheets.Workbook:
        return self._instance.read()


def gsheets_configured() -> bool:
    return config.gsheets_section(secrets()) is not None


def gsheets() -> GSheetsConnection:
    """The spreadsheet connection; raises SheetsConfigError when its secrets are incomplete."""
    return st.connection("gsheets", type=GSheetsConnection)


def sync_limits() -> sync.Limits:
    """The ``[sync]`` limits; raises ConfigError when one is not valid."""
    return sync.Limits.from_settings(config.sync_settings(secrets()))


DEFAULT_TABLE_ROWS = 500


def table_rows() -> int:
    """How many rows a table on a page shows at most (``[app] max_table_rows``)."""
    value = (secrets().get("app") or {}).get("max_table_rows", DEFAULT_TABLE_ROWS)
    try:
        rows = int(value)
    except (TypeError, ValueError):
        return DEFAULT_TABLE_ROWS
    return rows if rows > 0 else DEFAULT_TABLE_ROWS


def sync_ttl() -> timedelta:
    return refresh.ttl_from(config.sync_ttl_minutes(secrets()))


@st.cache_resource(show_spinner=False)
def refresher() -> refresh.AutoRefresher:
    """One per app process: the background sync it starts is shared by every session."""
    return refresh.AutoRefresher()
