"""Schema migrations (Alembic), run on the store's own engine.

A new store is created from the models and stamped with the newest revision; an older store is
upgraded step by step with its data. The app never runs on a schema it does not know: see
:func:`check_revision`.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Stores made before migrations existed have the foundation's tables and no alembic_version.
BASELINE = "0001"


class SchemaMismatch(Exception):
    """The store's schema is not the one this code expects; the message says what to run."""


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    if revision is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("no migrations found")
    return revision


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current(conn: Connection) -> str | None:
    """The store's revision; the baseline for a pre-migration store; None for an empty one."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is None and "projects" in sa.inspect(conn).get_table_names():
        return BASELINE
    return revision


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the store to ``revision`` in one transaction; returns (before, after)."""
    with engine.begin() as conn:
        before = current(conn)
        if before == BASELINE and MigrationContext.configure(conn).get_current_revision() is None:
            command.stamp(_config(conn), BASELINE)
        command.upgrade(_config(conn), revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after or ""


def stamp_head(conn: Connection) -> None:
    command.stamp(_config(conn), "head")


def check_revision(conn: Connection) -> None:
    """Raise SchemaMismatch unless the store is at the newest revision this code knows."""
    found = current(conn)
    expected = head()
    if found == expected:
        return
    known = revisions()
    if found in known:
        raise SchemaMismatch(
            f"The store's schema is older (revision {found}) than this version of the "
            f"dashboard needs ({expected})."
        )
    raise SchemaMismatch(
        f"The store's schema (revision {found}) is unknown to this version of the dashboard "
        f"(newest known: {expected}); it was probably written by a newer version."
    )
