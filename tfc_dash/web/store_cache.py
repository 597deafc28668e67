"""What the app keeps of the store between reruns: one engine per store, its status, and cached
query results.

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
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from tfc_dash.ingest import provision
from tfc_dash.store import database, subqueries
from tfc_dash.web import settings

DATA_TTL_SECONDS = 600
T = TypeVar("T")


@dataclass(frozen=True)
class StoreHandle:
    url: str
    version: int
    status: database.StoreStatus
    file: tuple[int, ...] | None = None  # store.file_stamp: a SQLite file's identity


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
    by every session however many arrive at once. Once the store is ready, it warms the
    default views' queries (see :mod:`tfc_dash.web.warmup`)."""
    return provision.Preparer(lambda: engine(url), after_ready=[partial(_warm_up, url)])


def _warm_up(url: str, _engine: Engine) -> None:
    from tfc_dash.web import warmup  # with every query module: imported once a store is ready

    def handle() -> StoreHandle:  # the store as it is now (a sync may land meanwhile)
        version, file = database.store_version(engine(url)), database.file_stamp(url)
        return StoreHandle(url, version, _status(url, version, file), file)

    warmup.warm(lambda fn, *args: query(handle(), fn, *args))


def open_store() -> StoreHandle:
    """The configured store, checked; raises StoreMissing when there is none yet (see
    :func:`preparer`) and StoreError when it cannot be used."""
    url = settings.database_url()
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
    # The queries it makes inside (see tfc_dash.store.subqueries) come from this cache too.
    with subqueries.routed(
        lambda inner, *more: _run(inner.__module__, inner.__name__, url, version, file, more)
    ):
        return fn(engine(url), *args)


def query(handle: StoreHandle, fn: Callable[..., T], *args: Any) -> T:
    """``fn(engine, *args)``, cached per store version and file. ``fn`` is a tfc_dash query."""
    return _run(fn.__module__, fn.__name__, handle.url, handle.version, handle.file, args)


def clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
