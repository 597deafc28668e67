"""Bringing the spreadsheet (or a tab's CSV file) into the store: validated, atomic, lossless.

One sync is one transaction: the store holds the previous data or the new data, never a mix,
whenever the process dies. Valid rows are upserted by their key; rows that disappeared from the
sheet are marked removed (``removed_at``), never deleted; rows that break the contract go to the
``quarantine`` table with the cell and the reason, and the rest land. A missing tab or required
column stops the sync before anything is written. Each sync records a run with its request count,
rows, what it added, changed and removed, the snapshot of headline metrics with their weekly
series, and the rows it changed (``sync_changes``: which row, which cell, old and new value), so
the History page can say why a past week's figure moved between two syncs.

A demo store (``store_meta`` demo = true) is replaced wholesale by the first real sync or import,
its goals included, and the run's message says so, so that demo rows never mix with real ones.

The Goals tab is the one tab whose table keeps no history: goals are settings, not records, so a
goal no longer in the tab is deleted rather than marked removed (a bad row still keeps the goal's
previous version, as in every tab).

:class:`Limits` (the ``[sync]`` settings) guard against broken and hostile input: a sync or import
that would mark most of a table removed is refused unless asked for (``replace``), a file with no
rows never removes any, files and tabs have a size limit, and only the first problems of a run are
stored (the rest are counted in the run's ``rows``).
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tfc_dash.core import config
from tfc_dash.core.catalogue import format_value, label
from tfc_dash.figures import queries
from tfc_dash.ingest.contract import GOALS, TABS, Tab, find_tab
from tfc_dash.ingest.parsing import ContractError, ParsedTab, Problem, parse_tab
from tfc_dash.ingest.sheets import SheetsReader, Workbook
from tfc_dash.ingest.sheets_api import SheetsError
from tfc_dash.ingest.validation import Validated, validate
from tfc_dash.store import database, locks, models

Progress = Callable[[str], None]
DEMO_META_KEYS = ("demo", "demo_as_of", "demo_scale", "demo_seed")
PAUSE_ENV, PAUSE_FILE_ENV = "TFC_TEST_PAUSE_AT", "TFC_TEST_PAUSE_FILE"
GOALS_TABLE = GOALS.table


class SyncError(Exception):
    """The sync stopped before writing anything; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str = "", run_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.run_id = run_id

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass(frozen=True)
class Limits:
    """What a sync or an import may do and read, from the ``[sync]`` settings.

    ``max_removed_share``: refuse to mark more than this share of a table's rows removed (unless
    the caller asks to replace). ``max_file_mb`` and ``max_rows``: refuse a CSV file larger than
    this, and a tab or file with more rows. ``max_problems``: problems stored per run; the rest
    are counted, not stored. ``max_changes``: changed cells and added or removed rows recorded per
    run (removed first, then changed, then added); the rest are counted, not stored.
    """

    max_removed_share: float = 0.5
    max_file_mb: float = 20.0
    max_rows: int = 100_000
    max_problems: int = 1_000
    max_changes: int = 2_000

    @classmethod
    def from_settings(cls, section: Mapping[str, Any] | None) -> Limits:
        """The limits of a ``[sync]`` section; ConfigError naming a key that is not valid."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = (section or {}).get(item.name)
            if raw is None:
                continue
            kind = int if item.type == "int" else float
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                value = -1
            if isinstance(raw, bool) or value <= 0 or (kind is int and value != float(raw)):
                raise config.ConfigError(
                    f"[sync] {item.name} = {raw!r} is not valid: use a positive "
                    f"{'whole number' if kind is int else 'number'}."
                )
            if item.name == "max_removed_share" and value > 1:
                raise config.ConfigError(
                    f"[sync] max_removed_share = {raw!r} is not valid: use a share between 0 and 1."
                )
            values[item.name] = value
        return cls(**values)


@dataclass
class TabSource:
    """One tab's rows as a source gave them (header first)."""

    tab: Tab
    title: str
    values: Sequence[Sequence[Any]]
    sheet_id: int | None = None


@dataclass
class SyncReport:
    source: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None = None
    run_id: int | None = None
    requests: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    added: int = 0
    changed: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first ``max_problems``
    problem_count: int = 0  # every problem found, stored or not
    quarantined_rows: int = 0
    replaced_demo: bool = False
    untouched: list[str] = field(default_factory=list)  # optional tabs absent from the sheet
    message: str = ""

    @property
    def seconds(self) -> float:
        end = self.finished_at or datetime.now(UTC)
        return (end - self.started_at).total_seconds()

    def summary(self) -> str:
        """The report as the CLI prints it."""
        head = "Dry run (nothing written)" if self.dry_run else f"Sync run {self.run_id}"
        lines = [
            f"{head}: {self.message}",
            "  "
            + "; ".join(
                f"{label(name)}: {format_value(name, value)}"
                for name, value in (
                    ("sync_requests", self.requests),
                    ("sync_seconds", self.seconds),
                    ("rows_added", self.added),
                    ("rows_changed", self.changed),
                    ("rows_removed", self.removed),
                )
            ),
            "  rows: " + ", ".join(f"{t} {n:,}" for t, n in self.rows.items()),
        ]
        if self.problem_count:
            lines.append(
                f"  {self.problem_count:,} problem(s), {self.quarantined_rows:,} row(s) left out:"
            )
            for p in self.problems[:50]:
                where = f"{p.tab}!{p.cell}" if p.cell else f"{p.tab} row {p.row}"
                lines.append(f"    {where}: {p.reason} (value: {p.value!r})")
            if self.problem_count > 50:
                lines.append(f"    … and {self.problem_count - 50:,} more (see Data health)")
        return "\n".join(lines)


def _pause(stage: str) -> None:
    """A test-only hook: stop inside the transaction at ``stage`` so a test can kill us there."""
    if os.environ.get(PAUSE_ENV) != stage:
        return
    marker = os.environ.get(PAUSE_FILE_ENV)
    if marker:
        Path(marker).write_text(stage)
    time.sleep(120)


def _now() -> datetime:
    return datetime.now(UTC)


# --- sources ------------------------------------------------------------------------------------
def sheet_sources(workbook: Workbook) -> tuple[list[TabSource], list[str]]:
    """The contract's tabs found in the workbook, and the optional ones it lacks.

    Raises SyncError when a required tab is missing.
    """
    by_tab: dict[str, TabSource] = {}
    for sheet in workbook.tabs:
        tab = find_tab(sheet.title)
        if tab is not None and tab.table not in by_tab:
            by_tab[tab.table] = TabSource(tab, sheet.title, sheet.values, sheet.sheet_id)
    missing = [t.name for t in TABS if t.table not in by_tab and not t.optional]
    if missing:
        raise SyncError(
            f"The spreadsheet has no {', '.join(missing)} tab{'s' if len(missing) > 1 else ''} "
            f"(tabs found: {', '.join(workbook.all_titles) or 'none'}).",
            "Add the missing tabs with a header row (the Data health page has a template); "
            "nothing was changed.",
        )
    untouched = [t.name for t in TABS if t.table not in by_tab]
    return [by_tab[t.table] for t in TABS if t.table in by_tab], untouched


def csv_source(tab_name: str, path: Path, limits: Limits | None = None) -> TabSource:
    """The rows of a CSV file for ``tab_name``; SyncError when it cannot be read or is too big.

    The file is read as a stream and given up on at the first row past ``max_rows``, so a huge
    file costs little time or memory.
    """
    limits = limits or Limits()
    tab = find_tab(tab_name)
    if tab is None:
        raise SyncError(
            f"There is no {tab_name!r} tab in the contract.",
            f"Use one of: {', '.join(t.name for t in TABS)}.",
        )
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(21, "is a folder, not a file")
        if size > limits.max_file_mb * 1_000_000:
            raise SyncError(
                f"{path} is {size / 1_000_000:,.1f} MB: larger than the {limits.max_file_mb:g} MB "
                "an import may be ([sync] max_file_mb).",
                "Split the file, or raise the limit in the settings; nothing was changed.",
            )
        with path.open(newline="", encoding="utf-8-sig") as fh:
            values = list(_at_most(csv.reader(fh), limits.max_rows + 1, path.name))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SyncError(
            f"Cannot read {path}: {reason}.", "Export the tab as a UTF-8 CSV file."
        ) from exc
    return TabSource(tab, path.name, values)


def _at_most(rows: Iterator[list[str]], count: int, name: str) -> Iterator[list[str]]:
    """The rows (a header and ``count - 1`` more at most); SyncError past that."""
    for number, row in enumerate(rows, start=1):
        if number > count:
            raise SyncError(
                f"{name} has more than {count - 1:,} rows below its header ([sync] max_rows).",
                "Split the file, or raise the limit in the settings; nothing was changed.",
            )
        yield row


# --- the syncs ----------------------------------------------------------------------------------
def sync_sheets(
    engine: Engine,
    reader: SheetsReader,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
    replace: bool = False,
) -> SyncReport:
    """Read the spreadsheet (two requests) and apply it to the store in one transaction.

    Raises SheetsError when the sheet cannot be read and SyncError when it breaks the contract;
    either way the data is untouched, and (unless ``dry_run``) a failed run is logged.
    """
    say = progress or (lambda _msg: None)
    started = _now()
    # A store this version cannot write (a newer schema) is refused before spending requests.
    database.init_schema(engine)
    say("Reading the spreadsheet (metadata, then every tab in one request)…")
    try:
        workbook = reader.read(wanted=lambda title: find_tab(title) is not None)
    except SheetsError as exc:
        if not dry_run:
            record_failure(engine, "sheets", started, str(exc), exc.requests)
        raise
    say(f"Read {len(workbook.tabs)} tabs in {workbook.requests} requests; checking every row…")
    link = f"{workbook.url}#gid={{gid}}&range={{cell}}"
    try:
        sources, untouched = sheet_sources(workbook)
        return apply(
            engine,
            sources,
            source="sheets",
            started=started,
            requests=workbook.requests,
            dry_run=dry_run,
            untouched=untouched,
            link=link,
            progress=say,
            limits=limits,
            replace=replace,
        )
    except SyncError as exc:
        if not dry_run and exc.run_id is None:
            exc.run_id = record_failure(engine, "sheets", started, str(exc), workbook.requests)
        raise


def import_csv(
    engine: Engine,
    tab_name: str,
    path: Path,
    *,
    dry_run: bool = False,
    limits: Limits | None = None,
    replace: bool = False,
) -> SyncReport:
    """Load one tab's rows from a CSV file through the same parsing, validation and quarantine.

    The table then holds exactly the file's valid rows (others are marked removed); references
    to other tabs are checked against the store. A file with no rows below its header is refused
    whatever ``replace`` says: an empty export must never empty a table.
    """
    started = _now()
    source = csv_source(tab_name, path, limits)
    return apply(
        engine,
        [source],
        source="csv",
        started=started,
        dry_run=dry_run,
        limits=limits,
        replace=replace,
        empty_refused=True,
    )


def record_failure(
    engine: Engine, source: str, started: datetime, message: str, requests: int = 0
) -> int | None:
    """Log a sync that wrote nothing, so the app can say why its data is getting old."""
    try:
        with database.translate_errors(str(engine.url)), engine.begin() as conn:
            result = conn.execute(
                models.SyncRun.__table__.insert().values(
                    source=source,
                    started_at=started,
                    finished_at=_now(),
                    status="failed",
                    requests=requests,
                    message=message[:2000],
                    rows={},
                    snapshot={},
                )
            )
            return database.inserted_id(result)
    except database.StoreError:
        return None  # the store itself is the problem; the caller reports the first error


def apply(
    engine: Engine,
    sources: Sequence[TabSource],
    *,
    source: str,
    started: datetime,
    requests: int = 0,
    dry_run: bool = False,
    untouched: Sequence[str] = (),
    link: str | None = None,
    progress: Progress | None = None,
    limits: Limits | None = None,
    replace: bool = False,
    empty_refused: bool = False,
) -> SyncReport:
    """Parse, validate and write ``sources`` in one transaction (or only count, when dry).

    Raises SyncError, with nothing written, when a source is too big, when ``empty_refused`` and
    a source has no rows, or when a table would lose more than ``limits.max_removed_share`` of
    its rows and ``replace`` is not set.
    """
    say = progress or (lambda _msg: None)
    limits = limits or Limits()
    report = SyncReport(source, dry_run, started, requests=requests, untouched=list(untouched))
    parsed: dict[str, ParsedTab] = {}
    try:
        for src in sources:
            _check_size(src, limits)
            parsed[src.tab.table] = parse_tab(src.tab, src.values, src.title, src.sheet_id)
    except ContractError as exc:
        raise SyncError(str(exc), "Fix the header row; nothing was changed.") from exc
    if empty_refused:
        for tab in parsed.values():
            if tab.data_rows == 0:
                raise SyncError(
                    f"{tab.title} has no rows below its header: an empty file never removes rows.",
                    "Nothing was changed; check that the export has the rows you meant.",
                )
    url = str(engine.url)
    with database.translate_errors(url):
        database.init_schema(engine)
        conn_cm = engine.connect() if dry_run else engine.begin()
        with conn_cm as conn:
            run_id = None
            if not dry_run:
                # Lock, then write first, so the transaction holds the write lock before it
                # reads what it compares against: no other writer can slip in between.
                locks.lock_writes(conn)
                run_id = database.inserted_id(
                    conn.execute(
                        models.SyncRun.__table__.insert().values(
                            source=source,
                            started_at=started,
                            status="running",
                            requests=requests,
                            rows={},
                            snapshot={},
                        )
                    )
                )
                report.run_id = run_id
                _pause("begin")
            is_demo = database.read_meta(conn).get("demo") == "true"
            report.replaced_demo = is_demo
            keys = _StoreKeys(conn, empty=is_demo)
            checked = validate(parsed, keys)
            report.problem_count = len(checked.problems)
            report.quarantined_rows = len({(p.tab, p.row) for p in checked.problems})
            report.problems = checked.problems[: limits.max_problems]
            report.rows = {t: len(rows) for t, rows in checked.rows.items()}
            now = _now()
            plans = {
                table: _plan(conn, parsed[table].tab, checked, now, replace=is_demo)
                for table in checked.rows
            }
            if is_demo and not any(checked.rows.values()):
                first = checked.problems[0] if checked.problems else None
                raise SyncError(
                    f"None of the {report.quarantined_rows:,} rows read is valid, so nothing "
                    "would replace the demo data: nothing was changed"
                    + (
                        f" (the first problem: {first.tab} row {first.row}, {first.reason})."
                        if first
                        else "."
                    ),
                    "Fix the rows and try again.",
                )
            if not is_demo and not replace:
                _refuse_mass_removal(conn, parsed, plans, limits, source)
            for plan in plans.values():
                report.added += plan.added
                report.changed += plan.changed
                report.removed += len(plan.removals)
            if dry_run:
                report.finished_at = _now()
                report.message = _message(report)
                return report
            assert run_id is not None
            if is_demo:
                say("Replacing the demo data…")
                _drop_demo(conn, run_id)
                _pause("after_demo")  # the plans were made as if the store were empty
            for table, plan in plans.items():
                say(f"Writing {parsed[table].title}…")
                (_write_goals if table == GOALS_TABLE else _write)(
                    conn, parsed[table].tab, plan, now
                )
                _pause(f"table:{table}")
            _quarantine(conn, run_id, parsed, report.problems, link)
            changes = _record_changes(conn, run_id, parsed, plans, limits.max_changes)
            as_of = queries.latest_data_date(conn)
            snapshot = queries.headline_metrics(conn, as_of) if as_of else {}
            # A run that changed nothing has the series of the run before it.
            wrote = report.added or report.changed or report.removed
            weekly = queries.weekly_series(conn) if wrote else sa.null()  # not JSON 'null'
            report.finished_at = _now()
            report.message = _message(report)
            conn.execute(
                models.SyncRun.__table__.update()
                .where(models.SyncRun.__table__.c.id == run_id)
                .values(
                    finished_at=report.finished_at,
                    status="ok",
                    rows={
                        **report.rows,
                        PROBLEMS_KEY: report.problem_count,
                        QUARANTINED_KEY: report.quarantined_rows,
                        CHANGES_KEY: changes,
                    },
                    added=report.added,
                    changed=report.changed,
                    removed=report.removed,
                    snapshot=snapshot,
                    weekly=weekly,
                    message=report.message,
                )
            )
            _pause("before_commit")
    if report.added or report.changed or report.removed:
        database.analyze(engine)
    return report


# Counts kept in a run's ``rows`` beside the rows per table (every problem, stored or not; every
# change, recorded in sync_changes or not).
PROBLEMS_KEY, QUARANTINED_KEY, CHANGES_KEY = "_problems", "_quarantined_rows", "_changes"
COUNT_KEYS = (PROBLEMS_KEY, QUARANTINED_KEY, CHANGES_KEY)


def _check_size(src: TabSource, limits: Limits) -> None:
    if len(src.values) > limits.max_rows + 1:  # the header, then at most max_rows rows
        raise SyncError(
            f"The {src.title} tab has {len(src.values) - 1:,} rows: more than the "
            f"{limits.max_rows:,} a tab may have ([sync] max_rows).",
            "Raise the limit in the settings if the tab is right; nothing was changed.",
        )


def _refuse_mass_removal(
    conn: Connection,
    parsed: Mapping[str, ParsedTab],
    plans: Mapping[str, _Plan],
    limits: Limits,
    source: str,
) -> None:
    """SyncError when a plan would mark more than ``max_removed_share`` of a table removed."""
    for table, plan in plans.items():
        if not plan.removals or table not in models.SYNCED_TABLES:  # goals: a handful of settings
            continue
        t = models.SYNCED_TABLES[table].__table__
        live = conn.execute(
            sa.select(sa.func.count()).select_from(t).where(t.c.removed_at.is_(None))
        ).scalar_one()
        if len(plan.removals) <= limits.max_removed_share * live:
            continue
        title = parsed[table].title
        flag = "--replace"
        how = (
            f"run the import again with {flag}"
            if source == "csv"
            else f"run `python -m tfc_dash sync {flag}`"
        )
        raise SyncError(
            f"{title} would remove {len(plan.removals):,} of the {live:,} {table} rows in the "
            f"store (more than {limits.max_removed_share:.0%}), which looks like a broken or "
            "partial export: nothing was changed.",
            f"Check {title}; if those rows really are gone, {how} or raise [sync] "
            "max_removed_share in the settings.",
        )


def _message(report: SyncReport) -> str:
    parts = []
    if report.replaced_demo:
        parts.append(
            "Would replace the demo data." if report.dry_run else "Replaced the demo data."
        )
    where = "the spreadsheet" if report.source == "sheets" else "the CSV file"
    parts.append(f"{sum(report.rows.values()):,} rows from {where}.")
    if report.problem_count:
        parts.append(f"{report.quarantined_rows:,} rows quarantined.")
        if report.problem_count > len(report.problems):
            parts.append(
                f"The first {len(report.problems):,} of {report.problem_count:,} problems are "
                "kept ([sync] max_problems)."
            )
    if report.untouched:
        one = len(report.untouched) == 1
        if report.replaced_demo:  # the demo's rows went, and nothing replaced them
            what = "that table is" if one else "those tables are"
            fate = "empty" + (" (no goal is set)" if "Goals" in report.untouched else "")
        else:
            what, fate = ("that table was" if one else "those tables were"), "left as it was"
        parts.append(f"No {', '.join(report.untouched)} tab: {what} {fate}.")
    return " ".join(parts)


# --- the store side -----------------------------------------------------------------------------
class _StoreKeys:
    """(table, column) -> values in the store's live rows, read once per sync."""

    def __init__(self, conn: Connection, empty: bool) -> None:
        self.conn = conn
        self.empty = empty  # a demo store's rows are about to go: nothing real to refer to
        self.cache: dict[tuple[str, str], set[Any]] = {}

    def __call__(self, table: str, column: str) -> set[Any]:
        if self.empty:
            return set()
        if (table, column) not in self.cache:
            t = models.SYNCED_TABLES[table].__table__
            rows = self.conn.execute(sa.select(t.c[column]).where(t.c.removed_at.is_(None)))
            self.cache[(table, column)] = {r[0] for r in rows}
        return self.cache[(table, column)]


@dataclass
class _Plan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    removals: list[dict[str, Any]] = field(default_factory=list)  # primary keys
    changed: int = 0  # updates of live rows
    restored: int = 0  # updates of rows marked removed that are back in the sheet
    # What sync_changes records: (row key, column, old, new) per changed cell of a live row; the
    # keys of rows restored and removed (inserted rows' keys come from ``inserts``).
    cells: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    restored_keys: list[str] = field(default_factory=list)
    removed_keys: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.inserts) + self.restored


def _columns(tab: Tab) -> list[str]:
    names = [c.name for c in tab.columns]
    return [*names, "cycle"] if tab.table == "campaigns" else names


def _store_record(tab: Tab, record: Mapping[str, Any]) -> dict[str, Any]:
    row = {c.name: record.get(c.name) for c in tab.columns}
    if tab.table == "campaigns":
        row["cycle"] = record["election_date"].year
    if tab.table == "districts" and row.get("targeted") is None:
        row["targeted"] = False
    return row


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (
            a is not None
            and b is not None
            and abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        )
    if isinstance(a, date) and isinstance(b, str):
        return a.isoformat() == b[:10]
    return a == b


def _plan(conn: Connection, tab: Tab, checked: Validated, now: datetime, replace: bool) -> _Plan:
    """What writing ``tab``'s valid rows would do to the store (replace: as if it were empty).

    A row gone from the tab is marked removed; the goals table keeps no ``removed_at`` (goals
    are settings, not records), so a goal gone from the tab is deleted (:func:`_write_goals`).
    """
    table = (models.Goal if tab.table == GOALS_TABLE else models.SYNCED_TABLES[tab.table]).__table__
    keeps_history = "removed_at" in table.c
    pk = [c.name for c in table.primary_key.columns]
    columns = _columns(tab)
    existing: dict[tuple[Any, ...], Any] = {}
    if not replace:
        wanted = {*(table.c[c] for c in columns), *(table.c[p] for p in pk)}
        if keeps_history:
            wanted.add(table.c.removed_at)
        for row in conn.execute(sa.select(*wanted)).mappings():
            existing[tuple(row[k] for k in tab.key)] = row

    def removed(row: Any) -> bool:
        return keeps_history and row["removed_at"] is not None

    plan = _Plan()
    seen: set[tuple[Any, ...]] = set()
    for parsed_row in checked.rows[tab.table]:
        record = _store_record(tab, parsed_row.record)
        key = tuple(record[k] for k in tab.key)
        seen.add(key)
        old = existing.get(key)
        if old is None:
            plan.inserts.append(record)
            continue
        differing = [c for c in columns if not _same(record[c], old[c])]
        if differing or removed(old):
            plan.updates.append(
                {**{f"b_{c}": record[c] for c in columns}, **{f"k_{p}": old[p] for p in pk}}
            )
            if not removed(old):
                plan.changed += 1
                row_key = key_text(key)
                plan.cells.extend(
                    (row_key, c, value_text(old[c]), value_text(record[c])) for c in differing
                )
            else:
                plan.restored += 1
                plan.restored_keys.append(key_text(key))
    held = checked.held_keys.get(tab.table, set())
    for key, old in existing.items():
        if not removed(old) and key not in seen and key not in held:
            plan.removals.append({f"k_{p}": old[p] for p in pk})
            plan.removed_keys.append(key_text(key))
    return plan


def _write_goals(conn: Connection, tab: Tab, plan: _Plan, now: datetime) -> None:
    table = models.Goal.__table__
    where = sa.and_(*(table.c[k] == sa.bindparam(f"k_{k}") for k in tab.key))
    if plan.removals:
        conn.execute(table.delete().where(where), plan.removals)
    if plan.inserts:
        conn.execute(table.insert(), plan.inserts)
    if plan.updates:
        values: dict[str, sa.BindParameter[Any]] = {
            c.name: sa.bindparam(f"b_{c.name}") for c in tab.columns
        }
        conn.execute(table.update().where(where).values(**values), plan.updates)


def key_text(key: Sequence[Any]) -> str:
    """A row's key as sync_changes records it: its key columns' values joined by `` · ``."""
    return " · ".join(value_text(part) or "" for part in key)


def value_text(value: Any) -> str | None:
    """A cell's value as text: dates as ISO days, whole floats without their ``.0``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    # A date read back from SQLite as text, "2018-09-01" or "2018-09-01 00:00:00.000000".
    if len(text) > 10 and text[4] == "-" and text[10] == " " and text[11:].strip("0:. ") == "":
        return text[:10]
    return text


def _record_changes(
    conn: Connection,
    run_id: int,
    parsed: Mapping[str, ParsedTab],
    plans: Mapping[str, _Plan],
    limit: int,
) -> int:
    """Write the first ``limit`` of the run's changes into sync_changes; returns how many there
    were. Removed rows come first, then changed cells, then added rows: the ones that revise
    what the dashboard said before are the ones worth keeping when a run is over the limit.
    """

    def removed() -> Iterator[dict[str, Any]]:
        for table, plan in plans.items():
            for row_key in plan.removed_keys:
                yield {"tab": table, "row_key": row_key, "kind": "removed"}

    def changed() -> Iterator[dict[str, Any]]:
        for table, plan in plans.items():
            for row_key, column, old, new in plan.cells:
                yield {
                    "tab": table,
                    "row_key": row_key,
                    "kind": "changed",
                    "column_name": column,
                    "old_value": old,
                    "new_value": new,
                }

    def added() -> Iterator[dict[str, Any]]:
        for table, plan in plans.items():
            tab = parsed[table].tab
            for record in plan.inserts:
                row_key = key_text([record[k] for k in tab.key])
                yield {"tab": table, "row_key": row_key, "kind": "added"}
            for row_key in plan.restored_keys:
                yield {"tab": table, "row_key": row_key, "kind": "added"}

    total = sum(
        len(p.removed_keys) + len(p.cells) + len(p.inserts) + len(p.restored_keys)
        for p in plans.values()
    )
    kept: list[dict[str, Any]] = []
    for source in (removed(), changed(), added()):
        for change in source:
            if len(kept) >= limit:
                break
            kept.append(
                {"sync_run_id": run_id, "column_name": None, "old_value": None,
                 "new_value": None, **change}
            )  # fmt: skip
    for chunk in database.chunks(kept):
        conn.execute(models.SyncChange.__table__.insert(), chunk)
    return total


def _write(conn: Connection, tab: Tab, plan: _Plan, now: datetime) -> None:
    table = models.SYNCED_TABLES[tab.table].__table__
    pk = [c.name for c in table.primary_key.columns]
    where = sa.and_(*(table.c[p] == sa.bindparam(f"k_{p}") for p in pk))
    for chunk in database.chunks(plan.inserts):
        conn.execute(table.insert(), chunk)
    if plan.updates:
        values: dict[str, sa.BindParameter[Any]] = {
            c: sa.bindparam(f"b_{c}") for c in _columns(tab)
        }
        statement = table.update().where(where).values(**values, removed_at=None)
        for chunk in database.chunks(plan.updates):
            conn.execute(statement, chunk)
    if plan.removals:
        statement = table.update().where(where).values(removed_at=now)
        for chunk in database.chunks(plan.removals):
            conn.execute(statement, chunk)


def _drop_demo(conn: Connection, run_id: int) -> None:
    """Delete the demo rows, runs and flags (the new run is already in, so versions only grow)."""
    for model in models.SYNCED_TABLES.values():
        conn.execute(model.__table__.delete())
    conn.execute(models.Goal.__table__.delete())  # a real store never shows a demo goal
    runs = models.SyncRun.__table__
    q = models.Quarantine.__table__
    demo_runs = sa.select(runs.c.id).where(runs.c.source == "demo", runs.c.id != run_id)
    conn.execute(q.delete().where(q.c.sync_run_id.in_(demo_runs)))
    changes = models.SyncChange.__table__
    conn.execute(changes.delete().where(changes.c.sync_run_id.in_(demo_runs)))
    conn.execute(runs.delete().where(runs.c.source == "demo", runs.c.id != run_id))
    meta = models.StoreMeta.__table__
    conn.execute(meta.delete().where(meta.c.key.in_(DEMO_META_KEYS)))


def _quarantine(
    conn: Connection,
    run_id: int,
    parsed: Mapping[str, ParsedTab],
    problems: Sequence[Problem],
    link: str | None,
) -> None:
    if not problems:
        return
    gids = {p.title: p.sheet_id for p in parsed.values()}
    rows = []
    for p in problems:
        gid = gids.get(p.tab)
        rows.append(
            {
                "sync_run_id": run_id,
                "tab": p.tab,
                "row_number": p.row,
                "column_name": p.column,
                "cell": p.cell,
                "value": p.value,
                "reason": p.reason,
                "link": link.format(gid=gid, cell=p.cell or f"A{p.row}")
                if link and gid is not None
                else None,
            }
        )
    for chunk in database.chunks(rows):
        conn.execute(models.Quarantine.__table__.insert(), chunk)
