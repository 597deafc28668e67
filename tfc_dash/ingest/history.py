"""What the dashboard said, sync by sync: the headline figures each run saw, and the past revised.

Every sync run stores the headline figures as they stood after it (``SyncRun.snapshot``), the
weekly series of projects started and completed (``SyncRun.weekly``), and the rows it changed
(``sync_changes``). From those this module answers three questions:

* each headline figure over time, as each sync saw it (:func:`headline_history`);
* which past weeks a later sync revised: the week's figure as the earlier sync computed it and
  as the later one did (:func:`revisions`, :func:`week_comparison`);
* which rows the later sync changed to cause it (:func:`rows_behind`): removed rows, added rows,
  and the cells that moved (start_date 2018-09-04 -> 2018-09-18).

A week's figure is kept per run rather than recomputed from the changes: the changes are capped
per run (``[sync] max_changes``), so replaying them could not always rebuild what a run saw, while
the weekly series is small (a number per week) and exact.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue, clock
from tfc_dash.figures.queries import WEEKLY_FIGURES
from tfc_dash.ingest.contract import TABS
from tfc_dash.ingest.sync import CHANGES_KEY
from tfc_dash.store import models
from tfc_dash.store.database import Bind, connection, engine_of, read_frame, translate_errors
from tfc_dash.store.models import P

R = models.SyncRun.__table__
SC = models.SyncChange.__table__
TAB_TITLES = {t.table: t.name for t in TABS}

# The tabs (and, for changed cells, the columns) a weekly figure reads: the rows of a later sync
# that can move it. A removed or added campaign takes its projects with it.
FIGURE_INPUTS: dict[str, dict[str, frozenset[str]]] = {
    "projects_started": {
        "projects": frozenset({"start_date", "completed_date", "status"}),
        "campaigns": frozenset(),
    },
    "projects_completed": {
        "projects": frozenset({"start_date", "completed_date", "end_date", "status"}),
        "campaigns": frozenset(),
    },
}
# Column names are the catalogue's (catalogue.COLUMNS), so tables and CSVs take its labels.
HISTORY_COLUMNS = [
    "run", "synced_utc", "source", "as_of", "figure", "value", "change_since_previous"
]  # fmt: skip
WEEK_COLUMNS = ["week", "in_week_before", "in_week_after", "as_of_before", "as_of_after", "change"]
REVISION_COLUMNS = [
    "run", "previous_run", "synced_utc", "week_of", "said_before", "said_after", "change"
]  # fmt: skip
CHANGE_COLUMNS = [
    "tab", "row", "change_kind", "column", "old_value", "new_value", "project_started"
]  # fmt: skip


def weekly_figures() -> list[str]:
    """The figures each run keeps per week (catalogue names)."""
    return list(WEEKLY_FIGURES)


# The runs the history reads at most: the syncs that wrote something, newest first. An app in use
# syncs every few minutes, and most of those runs change nothing.
HISTORY_RUNS = 1_000


def _runs(bind: Bind, limit: int = HISTORY_RUNS) -> list[dict[str, Any]]:
    """The successful runs that wrote something, and the latest run, oldest first, with their
    snapshot and weekly series (the last ``limit`` of them).

    A run that changed no row computed its figures from the same data as the run before it, so
    it is left out (the latest run stays: what the dashboard says now). Only runs that wrote keep
    a weekly series.
    """
    latest = sa.select(sa.func.max(R.c.id)).where(R.c.status == "ok").scalar_subquery()
    wrote = (R.c.added + R.c.changed + R.c.removed) > 0
    statement = (
        sa.select(R.c.id, R.c.source, R.c.finished_at, R.c.snapshot, R.c.weekly)
        .where(R.c.status == "ok", sa.or_(wrote, R.c.id == latest))
        .order_by(R.c.id.desc())
        .limit(limit)
    )
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        found = list(reversed(conn.execute(statement).all()))
    return [
        {
            "run": int(r[0]),
            "source": r[1],
            "synced": clock.as_utc(r[2]),
            "snapshot": dict(r[3] or {}),
            "weekly": r[4],
        }
        for r in found
    ]


def headline_history(bind: Bind) -> pd.DataFrame:
    """Each headline figure as each successful run that wrote something saw it (and the latest
    run), oldest run first.

    Columns: ``run``, ``synced_utc`` (when the run finished), ``source``, ``as_of`` (the day the
    run computed its figures for), ``figure`` (catalogue name), ``value``,
    ``change_since_previous`` (since the previous run shown; missing for the first). Snapshot
    keys that are not catalogue figures are left out.
    """
    records = []
    for run in _runs(bind):
        snapshot = run["snapshot"]
        as_of = snapshot.get("as_of")
        for name, value in snapshot.items():
            if name == "as_of" or name not in catalogue.FIGURES or value is None:
                continue
            records.append(
                [run["run"], run["synced"], run["source"], as_of, name, float(value), None]
            )
    frame = pd.DataFrame(records, columns=HISTORY_COLUMNS)
    frame["synced_utc"] = pd.to_datetime(frame["synced_utc"], utc=True)
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["value"] = frame["value"].astype("float64")
    frame["change_since_previous"] = frame.groupby("figure")["value"].diff()
    return frame


def figures_in_history(history: pd.DataFrame) -> list[str]:
    """The figures ``history`` holds, in the catalogue's order."""
    present = set(history["figure"])
    return [name for name in catalogue.FIGURES if name in present]


def figure_history(history: pd.DataFrame, name: str) -> pd.DataFrame:
    """One figure's rows of :func:`headline_history`, newest run first."""
    rows = history[history["figure"] == name]
    return rows.sort_values("run", ascending=False, ignore_index=True)


def figure_history_table(history: pd.DataFrame, name: str) -> pd.DataFrame:
    """One figure's history for a table or a CSV, newest run first: ``run``, ``synced_utc``,
    ``as_of``, the figure's value under its catalogue name, ``change_since_previous``."""
    rows = figure_history(history, name)
    return pd.DataFrame(
        {
            "run": rows["run"].astype("int64"),
            "synced_utc": rows["synced_utc"].dt.strftime("%Y-%m-%d %H:%M"),
            "as_of": rows["as_of"].map(lambda d: d.isoformat() if d == d and d else ""),
            name: rows["value"],
            "change_since_previous": rows["change_since_previous"],
        }
    )


def formatted(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """:func:`figure_history_table` with its numbers written as the catalogue writes them."""
    out = table.copy()
    out[name] = out[name].map(lambda v: catalogue.format_value(name, v))
    out["change_since_previous"] = out["change_since_previous"].map(lambda v: signed(name, v))
    return out


def headers(frame: pd.DataFrame) -> dict[str, str]:
    """Each column's catalogue label, for a table's ``column_config``."""
    return {c: catalogue.column_label(c) for c in frame.columns}


def signed(name: str, value: Any) -> str:
    """A change written as the figure's format with its sign (+3, −2, 0); a dash when unknown."""
    if value is None or value != value:
        return catalogue.MISSING
    text = catalogue.format_value(name, abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


# --- the past, revised -------------------------------------------------------------------------
def _week_series(run: dict[str, Any], name: str) -> dict[date, int] | None:
    weekly = run["weekly"]
    if not isinstance(weekly, dict) or name not in weekly:
        return None
    return {date.fromisoformat(k): int(v) for k, v in (weekly[name] or {}).items()}


def _comparison(before: dict[date, int], after: dict[date, int]) -> pd.DataFrame:
    weeks = sorted(set(before) | set(after))
    frame = pd.DataFrame(
        {
            "week": weeks,
            "in_week_before": [before.get(w, 0) for w in weeks],
            "in_week_after": [after.get(w, 0) for w in weeks],
        },
        columns=WEEK_COLUMNS[:3],
    )
    frame["as_of_before"] = frame["in_week_before"].cumsum().astype("int64")
    frame["as_of_after"] = frame["in_week_after"].cumsum().astype("int64")
    frame["change"] = frame["as_of_after"] - frame["as_of_before"]
    return frame


def week_comparison(bind: Bind, name: str, before_run: int, after_run: int) -> pd.DataFrame:
    """The weeks whose figure ``name`` differs between two runs' weekly series.

    Columns: ``week`` (its Monday), ``in_week_before``/``in_week_after`` (counted in that week),
    ``as_of_before``/``as_of_after`` (the figure as of the week's end, as each run computed it),
    ``change``. Only weeks whose own count differs; empty when a run kept no weekly series.
    """
    runs = {r["run"]: r for r in _runs(bind)}
    if before_run not in runs or after_run not in runs:
        return pd.DataFrame(columns=WEEK_COLUMNS)
    before = _week_series(runs[before_run], name)
    after = _week_series(runs[after_run], name)
    if before is None or after is None:
        return pd.DataFrame(columns=WEEK_COLUMNS)
    frame = _comparison(before, after)
    differs = frame["in_week_before"] != frame["in_week_after"]
    return frame[differs].reset_index(drop=True)


def revisions(bind: Bind, name: str) -> pd.DataFrame:
    """Past weeks each run revised, against the run before it, newest run first.

    A week is revised when its own count differs between the two runs and it had ended before
    the earlier run's as-of day: what the dashboard had already said about it changed (a week
    still under way at the earlier run is progress, not a revision). ``before``/``after``: the
    figure as of the week's end, as each run computed it (``said_before``, ``said_after``).
    """
    runs = [r for r in _runs(bind) if _week_series(r, name) is not None]
    records = []
    for earlier, later in itertools.pairwise(runs):
        said_on = earlier["snapshot"].get("as_of")
        if not said_on:
            continue
        said = clock.as_day(said_on)
        frame = _comparison(_week_series(earlier, name) or {}, _week_series(later, name) or {})
        past = frame["week"] < said - timedelta(days=6)  # the week ended before the day said
        changed = frame["in_week_before"] != frame["in_week_after"]
        for row in frame[past & changed].to_dict("records"):
            records.append(
                [
                    later["run"],
                    earlier["run"],
                    later["synced"],
                    row["week"],
                    int(row["as_of_before"]),
                    int(row["as_of_after"]),
                    int(row["change"]),
                ]
            )
    frame = pd.DataFrame(records, columns=REVISION_COLUMNS)
    frame["synced_utc"] = pd.to_datetime(frame["synced_utc"], utc=True)
    return frame.sort_values(["run", "week_of"], ascending=[False, True], ignore_index=True)


# --- the rows behind it -------------------------------------------------------------------------
def run_changes(bind: Bind, run_id: int) -> pd.DataFrame:
    """The changes a run recorded: ``tab`` (the sheet's tab), ``row`` (its key), ``change_kind``
    (added, changed, removed), ``column``, ``old_value``, ``new_value``, and for a project
    ``project_started`` (its start date as the store holds it: for a removed project, the date
    it had when removed).
    """
    started = sa.func.coalesce(P.c.start_date, P.c.completed_date)
    statement = (
        sa.select(
            SC.c.tab,
            SC.c.row_key,
            SC.c.kind,
            SC.c.column_name,
            SC.c.old_value,
            SC.c.new_value,
            started,
        )
        .select_from(
            SC.outerjoin(P, sa.and_(SC.c.tab == "projects", SC.c.row_key == P.c.project_id))
        )
        .where(SC.c.sync_run_id == run_id)
        .order_by(SC.c.id)
    )
    frame = read_frame(bind, statement, CHANGE_COLUMNS)
    frame["tab"] = frame["tab"].map(lambda t: TAB_TITLES.get(t, t))
    frame["project_started"] = frame["project_started"].map(_day_text)
    for column in ("column", "old_value", "new_value"):
        frame[column] = frame[column].astype("string")
    return frame


def changes_for_display(changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`run_changes` for a table on a page: a missing cell shows as a dash, not "None"."""
    return changes.astype("string").fillna(catalogue.MISSING)


def _day_text(value: Any) -> str | None:
    if value is None or value != value:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def rows_behind(changes: pd.DataFrame, name: str) -> pd.DataFrame:
    """The changes of :func:`run_changes` that can move figure ``name``: rows removed or added
    in the tabs it reads, and changed cells in the columns it reads."""
    inputs = FIGURE_INPUTS.get(name, {})
    titles = {TAB_TITLES.get(t, t): columns for t, columns in inputs.items()}
    keep = [
        tab in titles and (kind != "changed" or column in titles[tab])
        for tab, kind, column in zip(
            changes["tab"], changes["change_kind"], changes["column"], strict=True
        )
    ]
    return changes[pd.Series(keep, index=changes.index, dtype=bool)].reset_index(drop=True)


def change_counts(bind: Bind, run_id: int) -> tuple[int, int]:
    """(changes recorded, changes the run made): the second is larger past ``max_changes``."""
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        recorded = conn.execute(
            sa.select(sa.func.count()).select_from(SC).where(SC.c.sync_run_id == run_id)
        ).scalar_one()
        rows = conn.execute(sa.select(R.c.rows).where(R.c.id == run_id)).scalar() or {}
    return int(recorded), int(rows.get(CHANGES_KEY, recorded))
