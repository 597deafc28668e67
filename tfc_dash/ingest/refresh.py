"""Keeping the store fresh from the app: at most one sync per TTL, in the background.

Any number of sessions, in any number of app instances sharing the store, may ask for a refresh
on every rerun. A sync starts only when the last good one is older than the TTL *and* this caller
wins the lease: a row in ``store_meta`` whose expiry is moved forward by a compare-and-swap
update, which the database serializes. So whoever loses simply goes on rendering the last good
data, and a spreadsheet that cannot be read is tried again once per TTL, not on every rerun.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tfc_dash.core import clock
from tfc_dash.ingest.sheets import SheetsReader
from tfc_dash.ingest.sheets_api import SheetsError
from tfc_dash.ingest.sync import Limits, SyncError, SyncReport, record_failure, sync_sheets
from tfc_dash.store import database, models
from tfc_dash.store.database import Bind, connection, engine_of, translate_errors

log = logging.getLogger(__name__)
LEASE_KEY = "sync_lease"
DEFAULT_TTL = timedelta(minutes=10)
INSTANCE = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class SyncState:
    """What the store knows about its syncs from the spreadsheet."""

    last_ok: datetime | None  # when the last good sheet sync finished
    failed_at: datetime | None  # the latest failed attempt after it, if any
    failure: str | None

    def age(self, now: datetime | None = None) -> timedelta | None:
        if self.last_ok is None:
            return None
        return (now or datetime.now(UTC)) - self.last_ok


def sync_state(bind: Bind) -> SyncState:
    runs = models.SyncRun.__table__
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        last_ok = clock.as_utc(
            conn.execute(
                sa.select(sa.func.max(runs.c.finished_at)).where(
                    runs.c.source == "sheets", runs.c.status == "ok"
                )
            ).scalar()
        )
        failed = sa.select(runs.c.finished_at, runs.c.message).where(
            runs.c.source == "sheets", runs.c.status == "failed"
        )
        if last_ok is not None:
            failed = failed.where(runs.c.finished_at > last_ok)
        latest = conn.execute(failed.order_by(runs.c.id.desc()).limit(1)).first()
    if latest is None:
        return SyncState(last_ok, None, None)
    return SyncState(last_ok, clock.as_utc(latest[0]), latest[1])


def is_due(state: SyncState, ttl: timedelta, now: datetime) -> bool:
    return state.last_ok is None or now - state.last_ok >= ttl


# One fixed-width UTC format, so that comparing two stamps as text compares the times.
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP_FORMAT)


def acquire_lease(engine: Engine, ttl: timedelta, now: datetime, owner: str = INSTANCE) -> bool:
    """Take the right to sync until ``now + ttl``; False when someone else holds it.

    One conditional UPDATE (or the first INSERT) decides: the database runs it atomically, so
    two instances can never both win.
    """
    meta = models.StoreMeta.__table__
    value = f"{_stamp(now + ttl)}|{owner}"
    with translate_errors(str(engine.url)):
        with engine.begin() as conn:
            taken = conn.execute(
                meta.update()
                .where(meta.c.key == LEASE_KEY, meta.c.value < _stamp(now))
                .values(value=value)
            ).rowcount
        if taken == 1:
            return True
        try:
            with engine.begin() as conn:
                conn.execute(meta.insert().values(key=LEASE_KEY, value=value))
        except IntegrityError:
            return False  # the lease exists and is held (or another instance just took it)
        return True


def lease_taken_at(engine: Engine, ttl: timedelta, now: datetime) -> datetime | None:
    """When the sync lease still held at ``now`` was taken (its expiry less ``ttl``); None when
    it is free. A failed sync after that moment means its holder has given up until it expires."""
    meta = models.StoreMeta.__table__
    with translate_errors(str(engine.url)), engine.connect() as conn:
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == LEASE_KEY)).scalar()
    expiry = None if value is None else value.split("|", 1)[0]
    if expiry is None or expiry < _stamp(now):
        return None
    expires = datetime.strptime(expiry, _STAMP_FORMAT)
    return expires.replace(tzinfo=UTC) - ttl


class AutoRefresher:
    """Starts background syncs for one app process; :func:`maybe_start` never blocks.

    ``clock`` is injectable so tests can move time forward.
    """

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_report: SyncReport | None = None
        self.last_error: str | None = None
        self.started = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def maybe_start(
        self,
        engine: Engine,
        reader: Callable[[], SheetsReader],
        ttl: timedelta,
        limits: Limits | None = None,
    ) -> bool:
        """Start a sync in the background when the data is older than ``ttl`` and we win the lease.

        Returns whether one was started. Raises StoreError only when the store cannot be read.
        """
        if self.running:
            return False
        now = self.clock()
        if not is_due(sync_state(engine), ttl, now):
            return False
        with self._lock:
            if self.running or not acquire_lease(engine, ttl, now):
                return False
            self.started += 1
            self._thread = threading.Thread(
                target=self._run,
                args=(engine, reader, limits),
                name="tfc-sheets-sync",
                daemon=True,
            )
            self._thread.start()
        return True

    def run_now(
        self,
        engine: Engine,
        reader: Callable[[], SheetsReader],
        progress: Callable[[str], None] | None = None,
        limits: Limits | None = None,
    ) -> SyncReport | None:
        """A sync in the caller's thread (the Sync now button); None if one is already running."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self.running:
                return None
            report = sync_sheets(engine, reader(), progress=progress, limits=limits)
            self.last_report = report
            return report
        finally:
            self._lock.release()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(
        self, engine: Engine, reader: Callable[[], SheetsReader], limits: Limits | None
    ) -> None:
        made = None
        if in_subprocess():
            try:
                made = reader()
            except Exception:
                made = None  # run_sync below calls it again, and records the failure
        if type(made) is SheetsReader:
            self.last_report, self.last_error = run_sync_in_subprocess(engine, made, limits)
        else:
            self.last_report, self.last_error = run_sync(engine, reader, self.clock, limits=limits)


# The background sync reads, parses, checks and writes the whole spreadsheet: seconds of CPU at
# scale 10. In the serving process it holds the GIL while the sessions' page runs wait (their
# p95 about doubled while it ran), so it runs in a child process of its own. TFC_SYNC_SUBPROCESS=0
# keeps it in a thread of the server.
SUBPROCESS_SWITCH = "TFC_SYNC_SUBPROCESS"


def in_subprocess() -> bool:
    return os.environ.get(SUBPROCESS_SWITCH, "1") != "0"


def run_sync_in_subprocess(
    engine: Engine, reader: SheetsReader, limits: Limits | None
) -> tuple[SyncReport | None, str | None]:
    """:func:`run_sync` in a new Python process (``python -m tfc_dash.ingest.sync_process``:
    nothing of the server's state is in it) against the same store and spreadsheet; its result.
    A child that cannot start or dies is a failed sync, recorded like any other."""
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    started = datetime.now(UTC)
    url = engine.url.render_as_string(hide_password=False)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tfc_dash.ingest.sync_process"],
            input=pickle.dumps((url, reader.settings, limits)),
            capture_output=True,
            cwd=Path(__file__).resolve().parents[2],  # where the tfc_dash package is
            timeout=SUBPROCESS_TIMEOUT_S,
            check=False,
        )
        if done.returncode == 0:
            report, failure = pickle.loads(done.stdout)
            return report, failure
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        message = f"The sync's process failed (exit {done.returncode}): {problem[0]}"
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, ValueError) as exc:
        message = f"The sync's process failed: {exc!r}"
    log.error(message)
    record_failure(engine, "sheets", started, message)
    return None, message


SUBPROCESS_TIMEOUT_S = 1800


def run_sync(
    engine: Engine,
    reader: Callable[[], SheetsReader],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] | None = None,
    limits: Limits | None = None,
) -> tuple[SyncReport | None, str | None]:
    """A sync for a background thread, which must never die silently: (report, None) or
    (None, why it failed), the failure logged in the store for every instance to read."""
    started = clock()
    try:
        return sync_sheets(engine, reader(), progress=progress, limits=limits), None
    except (SheetsError, SyncError, database.StoreError) as exc:
        # sync_sheets has logged the failed run; the banner reads it from the store.
        return None, str(exc)
    except Exception as exc:
        log.exception("background sync failed")
        message = f"Unexpected error during the sync: {exc!r}"
        record_failure(engine, "sheets", started, message)
        return None, message


def ttl_from(value: Any, default: timedelta = DEFAULT_TTL) -> timedelta:
    """A TTL in minutes from configuration; the default when unset or not a positive number."""
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return default
    return timedelta(minutes=minutes) if minutes > 0 else default
