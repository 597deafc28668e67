"""The demo stores the benchmarks measure: seeded once per scale in bench/, and fresh copies of
them (a file on SQLite, a schema of its own on PostgreSQL) for a run that writes (a sync)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_SOURCE = ROOT / "tfc_dash" / "ingest" / "demo.py"
BACKENDS = ("sqlite", "postgresql")


def ensure_store(scale: int) -> str:
    """bench/scale<N>.db seeded with the demo at ``scale``; seeded again when the demo changed."""
    path = ROOT / "bench" / f"scale{scale}.db"
    url = f"sqlite:///{path}"
    from tfc_dash.cli import seed_demo
    from tfc_dash.store import database

    fresh = not path.exists() or path.stat().st_mtime < DEMO_SOURCE.stat().st_mtime
    if not fresh:
        try:
            fresh = database.read_meta(database.make_engine(url)).get("demo_scale") != str(scale)
        except database.StoreError:
            fresh = True
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        seed_demo(url, scale=scale)
    return url


def postgres_url() -> str:
    sys.path.insert(0, str(ROOT))
    from tests.dbtools import DEFAULT_POSTGRES_URL, POSTGRES_URL_ENV

    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


@contextmanager
def fresh_store(backend: str, scale: int, directory: Path) -> Iterator[str]:
    """A demo store at ``scale`` that has never been synced, for one run: a copy of the seeded
    SQLite file in ``directory``, or a new schema on the PostgreSQL server (dropped after)."""
    if backend == "sqlite":
        source = ensure_store(scale).removeprefix("sqlite:///")
        target = directory / f"scale{scale}.db"
        from tests.dbtools import copy_sqlite_store

        yield copy_sqlite_store(source, target)
        return
    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r} (sqlite or postgresql)")
    from tests.dbtools import PostgresServer
    from tfc_dash.cli import seed_demo

    server = PostgresServer(postgres_url())
    url = server.new_store_url()
    try:
        seed_demo(url, scale=scale)
        yield url
    finally:
        server.drop(url)
        server.admin.dispose()
