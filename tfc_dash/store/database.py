"""The store: opening it, checking it, and writing whole datasets into it.

Everything that talks to the database about its *state* lives here; what the pages ask of the data
lives in :mod:`tfc_dash.figures.queries`. Failures surface as :class:`StoreError`, whose message
and hint the interface shows as they are.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlmodel import SQLModel

from tfc_dash.core import clock
from tfc_dash.core.config import redact_secrets, redact_url
from tfc_dash.store import migrate, models
from tfc_dash.store.locks import exclusive

Bind = Engine | Connection


class StoreError(Exception):
    """The store cannot be used. ``hint`` says what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class StoreBusy(StoreError):
    """Another connection holds the SQLite store's write lock: a wait and a retry may succeed."""


class StoreMissing(StoreError):
    """There is no store yet: no SQLite file, or a database without the dashboard's tables.

    Not a fault: :func:`tfc_dash.ingest.provision.prepare_store` creates it (the app does so by
    itself).
    """


@dataclass(frozen=True)
class StoreStatus:
    url: str
    is_demo: bool
    projects: int
    campaigns: int
    volunteers: int
    last_write: datetime | None

    @property
    def is_empty(self) -> bool:
        return self.projects == 0 and self.campaigns == 0 and self.volunteers == 0


ADDRESS_HINT = (
    "Set TFC_DATABASE_URL or [database] url to sqlite:///path/to/tfc.db, or to "
    "postgresql+psycopg://user@host:5432/database (with a password: user:password@host)."
)


def parse_url(url: str) -> URL:
    """The store's address, parsed; StoreError (the password hidden) when it is not one."""
    try:
        return make_url(url)
    except ArgumentError as exc:
        reason = "it is not a database URL"
        cause: Exception = exc
    except (ValueError, TypeError) as exc:  # a port that is not a number, say
        reason = "its port is not a number" if "int()" in str(exc) else "it cannot be read"
        cause = exc
    raise StoreError(
        f"The store address {redact_url(str(url))!r} is wrong: {reason}.", ADDRESS_HINT
    ) from cause


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL so readers never wait for a sync."""
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"No database driver for {redact_url(url)}.",
            f"Use sqlite:///… or postgresql+psycopg://… in {DATABASE_SETTING}.",
        ) from exc
    except (ArgumentError, ValueError, TypeError) as exc:  # a query option the driver refuses
        raise StoreError(
            f"The store address {redact_url(url)!r} is wrong: {exc}.", ADDRESS_HINT
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def sqlite_path(url: str) -> Path | None:
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def file_stamp(url: str) -> tuple[int, int, int, int] | None:
    """The SQLite file's (device, inode, size, modified ns); None for a server or no file.

    It changes when the file is replaced (a new inode), overwritten or damaged in place, and
    when a checkpoint folds the write-ahead log into it: the app then opens the file anew
    rather than trusting connections and cached results made for the old one.
    """
    path = sqlite_path(url)
    if path is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def init_schema(engine: Engine) -> tuple[str | None, str]:
    """Make the store's schema the newest: create it when empty, else upgrade it with its data.

    Returns the revisions before and after (before is None for a new store). Raises StoreError
    when the store was written by a newer version of the dashboard (nothing is changed then).
    """
    path = sqlite_path(str(engine.url))
    _refuse_folder(path)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"The folder of the SQLite store {path} cannot be created: {exc.strerror or exc}.",
                f"Point {DATABASE_SETTING} at a place the app may write, or at a PostgreSQL "
                "database.",
            ) from exc
    with translate_errors(str(engine.url)), _schema_errors():
        with exclusive(engine) as conn:
            if migrate.current(conn) is None:
                SQLModel.metadata.create_all(conn)
                migrate.stamp_head(conn)
                return None, migrate.head()
        return migrate.upgrade(engine)


UPGRADE_HINT = "Run `python -m tfc_dash migrate` (`make run` does it for you)."
NEWER_HINT = (
    "Run the dashboard's newest version against it (git pull, then make run), or point this "
    "one at a store of its own (TFC_DATABASE_URL, or `[database] url` in the secrets)."
)


@contextlib.contextmanager
def _schema_errors() -> Iterator[None]:
    try:
        yield
    except migrate.SchemaMismatch as exc:
        raise StoreError(str(exc), NEWER_HINT if exc.newer else UPGRADE_HINT) from exc


def analyze(engine: Engine) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk write.

    Right after a large load the planner still believes the tables are empty, and some page
    queries then pick plans that take seconds instead of milliseconds until autovacuum gets
    round to it. SQLite plans without statistics here, so it is left alone.
    """
    if engine.dialect.name != "postgresql":
        return
    analysed: tuple[type[models.StoreTable], ...] = (
        *models.SYNCED_TABLES.values(),
        models.SyncRun,
        models.Quarantine,
        models.SyncChange,
    )
    names = ", ".join(model.__table__.name for model in analysed)
    with translate_errors(str(engine.url)), engine.begin() as conn:
        conn.execute(sa.text(f"analyze {names}"))


DATABASE_SETTING = "TFC_DATABASE_URL (or `[database] url` in the secrets)"
CREATE_HINT = (
    "The app creates it by itself when it starts; from the command line, "
    "`python -m tfc_dash ensure-store` does."
)


@contextlib.contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Turn driver errors into a StoreError that says what is wrong and what to do."""
    try:
        yield
    except StoreError:
        raise
    except DatabaseError as exc:  # OperationalError and ProgrammingError among them
        sqlite = make_url(url).get_backend_name() == "sqlite"
        raise (_file_error if sqlite else _server_error)(url, exc) from exc


def _driver_text(exc: DatabaseError) -> str:
    return redact_secrets(str(exc.orig if exc.orig is not None else exc).strip())


def _file_error(url: str, exc: DatabaseError) -> StoreError:
    text = _driver_text(exc)
    path = sqlite_path(url) or redact_url(url)
    if "no such table" in text:
        return StoreMissing(f"The store at {path} has no dashboard tables.", CREATE_HINT)
    if not isinstance(exc, OperationalError):
        return StoreError(
            f"The file {path} is damaged or is not a database: {text}.",
            "Move it aside: the app then creates a new store (a sync or `python -m tfc_dash "
            "seed-demo` fills it).",
        )
    if "locked" in text:
        return StoreBusy(
            f"The SQLite store {path} is busy: {text}.", "Another program holds it: try again."
        )
    return StoreError(
        f"The SQLite store {path} cannot be used: {text}.",
        f"Check that its folder exists and that the app may write there, or point "
        f"{DATABASE_SETTING} at another place.",
    )


def _server_error(url: str, exc: DatabaseError) -> StoreError:
    """A database server's error in the deployer's terms: what to change, and where; no SQL."""
    parsed = make_url(url)
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    database = f"the database {parsed.database!r} on {server}"
    state = getattr(exc.orig, "sqlstate", None)
    diag = getattr(exc.orig, "diag", None)
    # The server's own sentence, without the statement it quotes (LINE 1: select ...).
    reason = (getattr(diag, "message_primary", None) or _driver_text(exc)).splitlines()[0]
    if reason.startswith("connection failed:"):  # psycopg: "... port 5432 failed: FATAL:  why"
        reason = reason.rpartition(" failed: ")[2].removeprefix("FATAL:").strip()
    if state == "42P01":
        return StoreMissing(
            f"The database {parsed.database!r} on {server} has no dashboard tables yet.",
            CREATE_HINT,
        )
    if state == "3F000":
        return StoreError(
            f"The schema that the store's address names (search_path) does not exist in "
            f"{database}.",
            f"Create it (`create schema NAME`), or fix `options=-csearch_path=NAME` in "
            f"{DATABASE_SETTING}.",
        )
    if state == "42501":
        return StoreError(
            f"The user {parsed.username!r} may not create or change the dashboard's tables in "
            f"{database}: {reason}.",
            f"Grant it the right to create tables in that schema, or use another user in "
            f"{DATABASE_SETTING}.",
        )
    if isinstance(exc, OperationalError) and re.search(r'database ".*" does not exist', reason):
        return StoreError(
            f"There is no database {parsed.database!r} on the server at {server}.",
            f"Create it (an empty one is enough: the app creates its tables), or fix the "
            f"database's name in {DATABASE_SETTING}.",
        )
    if isinstance(exc, OperationalError) and re.search(
        r"authentication failed|role .* does not exist|no pg_hba\.conf entry|password", reason
    ):
        return StoreError(
            f"The database server at {server} refused the user {parsed.username!r}: {reason}.",
            f"Check the user and password in {DATABASE_SETTING}.",
        )
    if isinstance(exc, OperationalError) and state is None:
        return StoreError(
            f"The database server at {server} cannot be reached: {reason}.",
            f"Check that the server is running, and the host and port in {DATABASE_SETTING}.",
        )
    return StoreError(
        f"The database server at {server} answered with an error: {reason}.",
        f"Check {DATABASE_SETTING}; if the error persists, the server's log says more.",
    )


def _refuse_folder(path: Path | None) -> None:
    if path is not None and path.is_dir():
        raise StoreError(
            f"The store address names a folder, {path}, not a store file.",
            f"Point {DATABASE_SETTING} at a file in it (its name ending in .db).",
        )


def require_sqlite_file(url: str) -> None:
    """Raise StoreMissing when ``url`` names a SQLite file that does not exist."""
    path = sqlite_path(url)
    _refuse_folder(path)
    if path is not None and not path.exists():
        raise StoreMissing(f"There is no store at {path}.", CREATE_HINT)


def check_store(engine: Engine, *, upgrade: bool = False) -> StoreStatus:
    """Open the store and read what it holds; raise StoreError when it cannot be used,
    including when its schema is not the one this code expects.

    With ``upgrade``, a store at an older schema revision is first upgraded with its data (the
    app and the CLI do this); a newer one is always refused.
    """
    url = str(engine.url)
    require_sqlite_file(url)
    if upgrade:
        upgrade_if_older(engine)
    with translate_errors(url), engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        missing = {"projects", "campaigns", "volunteers", "store_meta"} - tables
        if missing:
            raise StoreMissing(
                f"The store at {redact_url(url)} has no dashboard tables "
                f"(missing: {', '.join(sorted(missing))}).",
                CREATE_HINT,
            )
        with _schema_errors():
            migrate.check_revision(conn)
        counts = {
            name: conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.removed_at.is_(None))
            ).scalar_one()
            for name, table in (
                ("projects", models.Project.__table__),
                ("campaigns", models.Campaign.__table__),
                ("volunteers", models.Volunteer.__table__),
            )
        }
        meta = read_meta(conn)
        last = conn.execute(
            sa.select(sa.func.max(models.SyncRun.__table__.c.finished_at)).where(
                models.SyncRun.__table__.c.status == "ok"
            )
        ).scalar_one_or_none()
    return StoreStatus(
        url=redact_url(url),
        is_demo=meta.get("demo") == "true",
        projects=counts["projects"],
        campaigns=counts["campaigns"],
        volunteers=counts["volunteers"],
        last_write=last,
    )


def upgrade_if_older(engine: Engine) -> tuple[str | None, str] | None:
    """Upgrade a store whose schema is at an older, known revision; the revisions, or None.

    A store without the dashboard's tables, at the newest revision or at an unknown one is left
    as it is (:func:`check_store` then says what is wrong).
    """
    with translate_errors(str(engine.url)), _schema_errors():
        with engine.connect() as conn:
            if migrate.at_head(conn):
                return None
            found = migrate.current(conn)
        if found is None or found == migrate.head() or found not in migrate.revisions():
            return None
        return migrate.upgrade(engine)


def read_meta(bind: Bind) -> dict[str, str]:
    table = models.StoreMeta.__table__
    with connection(bind) as conn:
        rows = conn.execute(sa.select(table.c.key, table.c.value)).all()
    return {key: value for key, value in rows}


def inserted_id(result: sa.CursorResult[Any]) -> int:
    """The primary key of the one row an insert wrote (an integer id)."""
    key = result.inserted_primary_key
    if key is None:  # only an executemany or a statement that is no insert has none
        raise TypeError("the statement inserted no single row")
    return int(key[0])


def store_version(bind: Bind) -> int:
    """A number that changes whenever data is written: the caches key on it."""
    table = models.SyncRun.__table__
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        return int(
            conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
        )


def read_frame(
    bind: Bind, statement: sa.Executable, columns: list[str] | None = None
) -> pd.DataFrame:
    """The rows of ``statement`` as a DataFrame (columns named by the query, or ``columns``).

    Rows go to pandas as plain tuples: given SQLAlchemy's Row objects, pandas inspects each one
    as a named tuple, which takes longer than the query on a large read.
    """
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        result = conn.execute(statement)
        names = columns or list(result.keys())
        return pd.DataFrame.from_records([tuple(row) for row in result], columns=names)


@contextlib.contextmanager
def connection(bind: Bind) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def engine_of(bind: Bind) -> Engine:
    return bind.engine if isinstance(bind, Connection) else bind


def frame_records(model: type[models.StoreTable], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as plain dicts for ``model``'s columns, with missing values as None."""
    table_columns = [c for c in model.__table__.columns if c.name in frame.columns]
    columns = [c.name for c in table_columns]
    date_columns = [c.name for c in table_columns if _python_type(c) is date]
    datetime_columns = [c.name for c in table_columns if _python_type(c) is datetime]
    records: list[dict[str, Any]] = []
    for row in frame[columns].itertuples(index=False, name=None):
        record = {col: _plain(value) for col, value in zip(columns, row, strict=True)}
        for col in date_columns:
            record[col] = clock.as_day_or_none(record[col])
        for col in datetime_columns:
            record[col] = clock.as_utc(record[col])
        records.append(record)
    return records


def _python_type(column: sa.Column[Any]) -> type | None:
    kind = column.type
    kind = getattr(kind, "impl", kind)  # SQLModel wraps DateTime in a TypeDecorator
    if isinstance(kind, sa.DateTime):
        return datetime
    if isinstance(kind, sa.Date):
        return date
    return None


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()  # numpy scalar -> Python scalar
    return value


# What a run records of the store it wrote: (headline figures, weekly series).
RunFigures = Callable[[Connection], tuple[dict[str, Any], dict[str, dict[str, int]]]]


def replace_dataset(
    engine: Engine,
    frames: Mapping[str, pd.DataFrame],
    *,
    source: str,
    meta: Mapping[str, str] | None = None,
    figures: RunFigures,
    goals: pd.DataFrame | None = None,
    only_if_empty: bool = False,
) -> int | None:
    """Replace every synced table with ``frames`` in one transaction and record the run.

    Used by the demo seeder, which owns the whole store. ``figures`` reads what the run records
    of the store it wrote (the headline figures and the weekly series), inside the transaction:
    :func:`tfc_dash.figures.queries.run_figures`, passed in, as the store sits below the
    figures. Returns the sync run's id; with ``only_if_empty``, None (and nothing written) when
    the store holds any row already, decided under the write lock so that of several instances
    seeding at once only the first does.
    """
    started = datetime.now(UTC)
    with translate_errors(str(engine.url)), exclusive(engine) as conn:
        if only_if_empty and holds_data(conn):
            return None
        rows: dict[str, int] = {}
        for name, model in models.SYNCED_TABLES.items():
            table = model.__table__
            conn.execute(table.delete())
            frame = frames.get(name)
            if frame is None or frame.empty:
                rows[name] = 0
                continue
            records = frame_records(model, frame)
            for chunk in chunks(records):
                conn.execute(table.insert(), chunk)
            rows[name] = len(records)
        if goals is not None:
            goal_table = models.Goal.__table__
            conn.execute(goal_table.delete())
            conn.execute(goal_table.insert(), frame_records(models.Goal, goals))
        meta_table = models.StoreMeta.__table__
        for key, value in (meta or {}).items():
            conn.execute(meta_table.delete().where(meta_table.c.key == key))
            conn.execute(meta_table.insert(), {"key": key, "value": value})
        snapshot, weekly = figures(conn)
        result = conn.execute(
            models.SyncRun.__table__.insert().values(
                source=source,
                started_at=started,
                finished_at=datetime.now(UTC),
                status="ok",
                rows=rows,
                added=sum(rows.values()),
                snapshot=snapshot,
                weekly=weekly,
            )
        )
        run_id = inserted_id(result)
    analyze(engine)
    return run_id


def holds_data(conn: Connection) -> bool:
    """Whether any synced table has a row, removed ones included: a store with nothing to lose."""
    return any(
        conn.execute(sa.select(sa.literal(1)).select_from(model.__table__).limit(1)).first()
        is not None
        for model in models.SYNCED_TABLES.values()
    )


def chunks(items: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    """``items`` in lists of ``size``: how the store and the sync write many rows."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
