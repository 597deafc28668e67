"""Preparing a store that is missing or empty, so that a bare ``streamlit run app.py`` deploys.

Streamlit Community Cloud installs ``requirements.txt``, runs ``streamlit run app.py`` and
nothing else, and wipes its disk on every restart. So the app prepares its own store, as
``python -m tfc_dash ensure-store`` does: it creates the SQLite file or the tables on PostgreSQL
(at the newest migration), then, with a spreadsheet configured, syncs it (never the demo), and
without one, seeds the demo data. A store written by a newer version is refused, as everywhere.

Once, however many ask at the same moment: within one server, :class:`Preparer` runs one
preparation at a time and every session joins it; across instances sharing a PostgreSQL store,
the tables are made under the writers' lock, the demo is written under it only while the store
is still empty, and the first sync is run by whoever wins the sync lease of
:mod:`tfc_dash.ingest.refresh`, while the others wait for its result.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from tfc_dash.figures import queries
from tfc_dash.ingest import refresh
from tfc_dash.ingest.demo import DEFAULT_SEED, build_demo
from tfc_dash.ingest.sheets import SheetsReader
from tfc_dash.ingest.sheets_api import SheetsError
from tfc_dash.ingest.sync import Limits, SyncReport
from tfc_dash.store import database

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
ReaderFactory = Callable[[], SheetsReader]
WAIT_SECONDS = 1.0  # how often an instance that lost the lease looks for the first sync's result


class Outcome(enum.Enum):
    READY = "ready"  # the store held data already
    SEEDED = "seeded"  # it was empty: the demo data is in it now
    SYNCED = "synced"  # it was empty: the spreadsheet's rows are in it now
    EMPTY = "empty"  # it has its tables, but no projects, campaigns or volunteers
    SYNC_FAILED = "sync_failed"  # it is empty and the first sync failed: ``problem`` says why


@dataclass(frozen=True)
class Prepared:
    outcome: Outcome
    status: database.StoreStatus
    problem: str | None = None
    report: SyncReport | None = None

    @property
    def ready(self) -> bool:
        """Whether the pages have something to show."""
        return not self.status.is_empty


def write_demo(
    engine: Engine, scale: int = 1, seed: int = DEFAULT_SEED, *, only_if_empty: bool = False
) -> int | None:
    """Write the demo dataset into the store (its tables made); the run's id, or None when
    ``only_if_empty`` and the store holds a row already."""
    dataset = build_demo(scale=scale, seed=seed)
    return database.replace_dataset(
        engine,
        dataset.frames,
        source="demo",
        figures=queries.run_figures,
        meta=dataset.meta,
        goals=dataset.goals,
        only_if_empty=only_if_empty,
    )


def prepare_store(
    engine: Engine,
    reader: ReaderFactory | None,
    *,
    ttl: timedelta = refresh.DEFAULT_TTL,
    limits: Limits | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Prepared:
    """Make the store usable: create it when missing, upgrade it when older, and fill it when
    empty, from the spreadsheet (``reader``) or, without one, with the demo data.

    Raises StoreError when the store cannot be used (a newer schema, a server that does not
    answer); a spreadsheet that cannot be read is an outcome (SYNC_FAILED), not an error.
    """
    say = progress or (lambda _msg: None)
    # Instances starting together on one new SQLite file can find it locked by another's schema
    # or sync write (SQLite answers "locked" at once to a read that turns into a write): the
    # preparation is idempotent, so it waits and starts again rather than failing the app.
    for attempt in range(BUSY_TRIES):
        try:
            return _prepare(_Setup(engine, reader, ttl, limits, say, sleep, clock))
        except database.StoreBusy:
            if attempt == BUSY_TRIES - 1:
                raise
            if attempt == 0:
                say("The store is busy: another instance is writing to it. Waiting…")
            sleep(BUSY_WAIT_SECONDS)
    raise AssertionError("unreachable")


BUSY_TRIES = 60
BUSY_WAIT_SECONDS = 0.5


@dataclass(frozen=True)
class _Setup:
    """What one preparation works with (:func:`prepare_store`'s arguments)."""

    engine: Engine
    reader: ReaderFactory | None
    ttl: timedelta
    limits: Limits | None
    say: Progress
    sleep: Callable[[float], None]
    clock: Callable[[], datetime]


def _prepare(setup: _Setup) -> Prepared:
    engine, reader, say = setup.engine, setup.reader, setup.say
    try:
        status = database.check_store(engine, upgrade=True)
    except database.StoreMissing:
        say(f"Creating the store's tables in {_where(engine)}…")
        engine.dispose()  # pooled connections may still hold a deleted SQLite file open
        database.init_schema(engine)
        status = database.check_store(engine)
    if not status.is_empty:
        return Prepared(Outcome.READY, status)
    if reader is None:
        say("No spreadsheet is configured: filling the store with the demo data…")
        seeded = write_demo(engine, only_if_empty=True) is not None
        status = database.check_store(engine)
        if status.is_empty:  # it holds other rows (districts, say): nothing is overwritten
            return Prepared(Outcome.EMPTY, status)
        say(f"The demo data is in: {status.projects:,} projects.")
        return Prepared(Outcome.SEEDED if seeded else Outcome.READY, status)
    return _first_sync(setup, reader)


def _where(engine: Engine) -> str:
    path = database.sqlite_path(str(engine.url))
    if path is not None:
        return f"a new SQLite file, {path}"
    return f"the database {engine.url.database!r} on {engine.url.host or 'localhost'}"


def _first_sync(setup: _Setup, reader: ReaderFactory) -> Prepared:
    """Sync the spreadsheet into the empty store, or wait for the instance that holds the lease.

    The lease makes it one sync for every instance; a failed sync keeps the lease until it
    expires (one attempt per TTL, as the background refresh does), so a failure recorded after
    the lease was taken is the answer until then.
    """
    engine, ttl, say, clock = setup.engine, setup.ttl, setup.say, setup.clock
    try:
        sheet = reader()  # incomplete secrets fail here, before the lease is taken
    except SheetsError as exc:
        return Prepared(Outcome.SYNC_FAILED, database.check_store(engine), problem=str(exc))
    told_to_wait = False
    while True:
        state = refresh.sync_state(engine)  # first: the status read after it is as new
        status = database.check_store(engine)
        if not status.is_empty:  # another instance's sync landed meanwhile
            return Prepared(Outcome.SYNCED, status)
        if state.last_ok is not None:  # a sync worked, and the spreadsheet has no rows
            return Prepared(Outcome.EMPTY, status)
        now = clock()
        if refresh.acquire_lease(engine, ttl, now):
            report, failure = refresh.run_sync(
                engine, lambda: sheet, clock, progress=say, limits=setup.limits
            )
            status = database.check_store(engine)
            if failure is not None:
                return Prepared(Outcome.SYNC_FAILED, status, problem=failure)
            outcome = Outcome.EMPTY if status.is_empty else Outcome.SYNCED
            return Prepared(outcome, status, report=report)
        taken = refresh.lease_taken_at(engine, ttl, now)
        if state.failed_at is not None and (taken is None or state.failed_at >= taken):
            return Prepared(Outcome.SYNC_FAILED, status, problem=state.failure)
        if not told_to_wait:
            say("Another instance of the app is syncing the spreadsheet into this store…")
            told_to_wait = True
        setup.sleep(WAIT_SECONDS)


@dataclass
class Run:
    """One preparation: its progress messages, then its result or the store's problem."""

    messages: list[str] = field(default_factory=list)
    result: Prepared | None = None
    error: database.StoreError | None = None
    done: threading.Event = field(default_factory=threading.Event)


StartupStep = Callable[[Engine], None]


class Preparer:
    """Prepares one store for one app server in a background thread, one run at a time.

    Sessions call :meth:`begin` on every script run: the server's first call starts a run and
    later ones join it; once it is over, only ``again=True`` (from a session that found the
    store missing or empty) starts another. ``after_ready`` is more start-up work (a cache
    warm-up, say) that the same thread does once the store is ready: pages never wait for it.
    """

    def __init__(
        self, engine: Engine | Callable[[], Engine], after_ready: Sequence[StartupStep] = ()
    ) -> None:
        # A callable is asked for the engine on every run: the app's engine is made anew when
        # its SQLite file is replaced under the server (see tfc_dash.web.store_cache.engine).
        self._engine = (lambda: engine) if isinstance(engine, Engine) else engine
        self.after_ready = list(after_ready)
        self.runs = 0
        self._lock = threading.Lock()
        self._run: Run | None = None

    def begin(
        self, reader: ReaderFactory | None, ttl: timedelta = refresh.DEFAULT_TTL, *,
        limits: Limits | None = None, again: bool = False,
    ) -> Run:  # fmt: skip
        with self._lock:
            run = self._run
            if run is not None and (not run.done.is_set() or not again):
                return run
            run = self._run = Run()
            self.runs += 1
        threading.Thread(
            target=self._prepare,
            args=(run, reader, ttl, limits),
            name="tfc-prepare-store",
            daemon=True,
        ).start()
        return run

    @property
    def engine(self) -> Engine:
        return self._engine()

    def _prepare(
        self, run: Run, reader: ReaderFactory | None, ttl: timedelta, limits: Limits | None
    ) -> None:
        engine: Engine | None = None
        try:
            engine = self.engine  # a wrong store address fails here: the run reports it
            run.result = prepare_store(
                engine, reader, ttl=ttl, limits=limits, progress=run.messages.append
            )
        except database.StoreError as exc:
            run.error = exc
        except Exception as exc:  # a background thread must never die silently
            log.exception("preparing the store failed")
            run.error = database.StoreError(
                f"Unexpected error while preparing the store: {exc!r}.",
                "The server's log has the details.",
            )
        finally:
            run.done.set()
        if engine is not None and run.result is not None and run.result.ready:
            for step in self.after_ready:
                try:
                    step(engine)
                except Exception:
                    log.exception("a start-up step failed: %r", step)
