"""Schema migrations (Alembic), run on the store's own engine.

A new store is created from the models and stamped with the newest revision; an older store is
upgraded step by step with its data, in one transaction that no other writer can enter (see
:func:`tfc_dash.store.locks.exclusive`). The app never runs on a schema it does not know: see
:func:`check_revision`.

To add a migration after changing ``tfc_dash/store/models.py``: ``python scripts/new_migration.py
"what changed"`` (see the README, "Schema migrations").
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tfc_dash.store.locks import exclusive

# Alembic is imported by the functions that need it: the check that every page's first run makes
# (is the store at HEAD?) reads one row and needs none of it (about 0.1 s to import).
if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in MIGRATIONS_DIR/versions. scripts/new_migration.py moves it on with each
# new revision; tests/test_migrations.py checks that it is the revision files' head.
HEAD = "0004"
# Stores made before migrations existed have no alembic_version: the foundation's tables
# (0001), plus the quarantine table once a sync had created it with the models (0002).
BASELINE = "0001"
PRE_MIGRATION = (("quarantine", "0002"),)


class SchemaMismatch(Exception):
    """The store's schema is not the one this code expects; ``newer`` when it is ahead of it."""

    def __init__(self, message: str, newer: bool = False) -> None:
        super().__init__(message)
        self.newer = newer


def config(connection: Connection | None = None, directory: Path = MIGRATIONS_DIR) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(directory))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    # Reading the revision files costs about 0.1 s; they do not change while the process runs.
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def head() -> str:
    revision = _script().get_current_head()
    if revision is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("no migrations found")
    return revision


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [r.revision for r in reversed(list(_script().walk_revisions()))]


def stamped(conn: Connection) -> str | None:
    """The revision recorded in the store's alembic_version table, if any."""
    from alembic.runtime.migration import MigrationContext
    from alembic.util import CommandError

    try:
        return MigrationContext.configure(conn).get_current_revision()
    except CommandError as exc:  # several heads recorded: not a store this code wrote
        raise SchemaMismatch(f"The store's schema version cannot be read: {exc}.") from exc


def at_head(conn: Connection) -> bool:
    """Whether the store records exactly HEAD: one query, without Alembic."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return False
    found = conn.execute(sa.text("select version_num from alembic_version")).scalars().all()
    return found == [HEAD]


def current(conn: Connection) -> str | None:
    """The store's revision; a pre-migration store's by its tables; None for an empty one."""
    revision = stamped(conn)
    if revision is not None:
        return revision
    tables = set(sa.inspect(conn).get_table_names())
    if "projects" not in tables:
        return None
    for table, pre_migration_revision in PRE_MIGRATION:
        if table in tables:
            return pre_migration_revision
    return BASELINE


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the store to ``revision`` in one exclusive transaction; returns (before, after).

    Raises SchemaMismatch when the store is at a revision this code does not know (written by a
    newer version): nothing is changed then.
    """
    from alembic import command
    from alembic.util import CommandError

    with exclusive(engine) as conn:
        before = current(conn)
        if before is not None and before not in revisions():
            raise unknown_revision(before)
        if before is not None and stamped(conn) is None:
            command.stamp(config(conn), before)  # a pre-migration store: record what it is
        try:
            command.upgrade(config(conn), revision)
        except CommandError as exc:
            raise SchemaMismatch(f"The store's schema cannot be upgraded: {exc}.") from exc
        after = stamped(conn)
    return before, after or ""


def stamp_head(conn: Connection) -> None:
    from alembic import command

    command.stamp(config(conn), "head")


def unknown_revision(found: str) -> SchemaMismatch:
    return SchemaMismatch(
        f"The store's schema (revision {found}) is newer than this version of the dashboard "
        f"knows (newest known: {head()}): it was written by a newer version.",
        newer=True,
    )


def check_revision(conn: Connection) -> None:
    """Raise SchemaMismatch unless the store is at the newest revision this code knows."""
    if at_head(conn):
        return
    found = current(conn)
    expected = head()
    if found == expected:
        return
    if found in revisions():
        raise SchemaMismatch(
            f"The store's schema is older (revision {found}) than this version of the "
            f"dashboard needs ({expected})."
        )
    raise unknown_revision(str(found))


def new_revision(message: str, directory: Path = MIGRATIONS_DIR) -> Path:
    """Write the next migration: what the models have that the migrations do not build yet.

    Builds a scratch SQLite store with the existing migrations, compares it with the models
    (alembic autogenerate) and writes ``NNNN_<message>.py`` into ``directory/versions``. Review
    it before committing: autogenerate misses renames and some type changes.
    """
    import tempfile

    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config(directory=directory))
    latest = script.get_current_head()
    number = f"{int(latest or 0) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        with engine.begin() as conn:
            command.upgrade(config(conn, directory), "head")
            made = command.revision(
                config(conn, directory), message=message, autogenerate=True, rev_id=number
            )
        engine.dispose()
    scripts = made if isinstance(made, list) else [made]
    path = scripts[0].path if scripts and scripts[0] is not None else None
    if path is None:  # pragma: no cover - alembic always writes the file it reports
        raise RuntimeError("alembic wrote no revision file")
    return Path(path)
