"""What the Data health page asks of the store: sync runs, rows per tab, the quarantine; and the
spreadsheet template.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import clock
from tfc_dash.core.csv_files import csv_text
from tfc_dash.ingest.contract import TABS, find_tab, header_map, normalize_header
from tfc_dash.ingest.sync import COUNT_KEYS, PROBLEMS_KEY, QUARANTINED_KEY
from tfc_dash.store import models
from tfc_dash.store.database import Bind, connection, engine_of, translate_errors

R = models.SyncRun.__table__
Q = models.Quarantine.__table__
# Cells whose value identifies a volunteer: the query returns them under ``name``/``email`` so the
# access policy redacts them like any other personal column (see policy.PERSONAL_COLUMNS).
PERSONAL_CELLS = {("volunteers", "name"): "name", ("volunteers", "email"): "email"}
RUN_COLUMNS = [
    "run",
    "source",
    "status",
    "started",
    "seconds",
    "requests",
    "added",
    "changed",
    "removed",
    "quarantined",
    "message",
]


# The catalogue's figures of a sync run, by sync_runs' column.
SYNC_FIGURE_COLUMNS: dict[str, str] = {
    "seconds": "sync_seconds",
    "requests": "sync_requests",
    "added": "rows_added",
    "changed": "rows_changed",
    "removed": "rows_removed",
    "quarantined": "rows_quarantined",
}


def last_sync_figures(run: Any) -> dict[str, Any]:
    """A run's figures (a row of :func:`sync_runs`) by catalogue name."""
    return {name: run[column] for column, name in SYNC_FIGURE_COLUMNS.items()}


def sync_runs(bind: Bind, limit: int = 50) -> pd.DataFrame:
    """The latest runs, newest first, with how many rows each quarantined."""
    quarantined = (
        sa.select(
            Q.c.sync_run_id,
            sa.func.count(sa.distinct(Q.c.tab + ":" + sa.cast(Q.c.row_number, sa.String))).label(
                "n"
            ),
        )
        .group_by(Q.c.sync_run_id)
        .subquery()
    )
    statement = (
        sa.select(
            R.c.id,
            R.c.source,
            R.c.status,
            R.c.started_at,
            R.c.finished_at,
            R.c.requests,
            R.c.added,
            R.c.changed,
            R.c.removed,
            sa.func.coalesce(quarantined.c.n, 0),
            R.c.message,
            R.c.rows,
        )
        .select_from(R.outerjoin(quarantined, quarantined.c.sync_run_id == R.c.id))
        .order_by(R.c.id.desc())
        .limit(limit)
    )
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        rows = conn.execute(statement).all()
    records = []
    for r in rows:
        started, finished = clock.as_utc(r[3]), clock.as_utc(r[4])
        seconds = (finished - started).total_seconds() if started and finished else None
        # A run keeps its first problems only; its rows hold the full count.
        held = int((r[11] or {}).get(QUARANTINED_KEY, r[9]))
        records.append([r[0], r[1], r[2], started, seconds, r[5], r[6], r[7], r[8], held, r[10]])
    frame = pd.DataFrame(records, columns=RUN_COLUMNS)
    frame["started"] = pd.to_datetime(frame["started"], utc=True)
    return frame


def run_rows(bind: Bind, run_id: int) -> pd.DataFrame:
    """Rows per tab that a run left in the store: columns ``tab``, ``rows``."""
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        rows = conn.execute(sa.select(R.c.rows).where(R.c.id == run_id)).scalar() or {}
    names = {t.table: t.name for t in TABS}
    return pd.DataFrame(
        [{"tab": names.get(t, t), "rows": int(n)} for t, n in rows.items() if t not in COUNT_KEYS],
        columns=["tab", "rows"],
    )


def problem_count(bind: Bind, run_id: int) -> int:
    """Every problem a run found, including those past ``[sync] max_problems`` (not stored)."""
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        rows = conn.execute(sa.select(R.c.rows).where(R.c.id == run_id)).scalar() or {}
        stored = conn.execute(
            sa.select(sa.func.count()).select_from(Q).where(Q.c.sync_run_id == run_id)
        ).scalar_one()
    return int(rows.get(PROBLEMS_KEY, stored))


def quarantine(bind: Bind, run_id: int) -> pd.DataFrame:
    """The problems a run found: tab, row, column, cell, value, reason, link.

    Values of personal cells (a volunteer's name or email) come in ``name``/``email`` instead of
    ``value``, so the access policy can hide them; :func:`quarantine_for_display` joins them back.
    """
    statement = (
        sa.select(
            Q.c.tab, Q.c.row_number, Q.c.column_name, Q.c.cell, Q.c.value, Q.c.reason, Q.c.link
        )
        .where(Q.c.sync_run_id == run_id)
        .order_by(Q.c.id)
    )
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        rows = conn.execute(statement).all()
    records = []
    for tab_title, row, column, cell, value, reason, link in rows:
        record = {
            "tab": tab_title,
            "row": row,
            "column": column,
            "cell": cell,
            "value": value,
            "name": None,
            "email": None,
            "reason": reason,
            "link": link,
        }
        personal = _personal_field(tab_title, column)
        if personal:
            record[personal], record["value"] = value, None
        records.append(record)
    columns = ["tab", "row", "column", "cell", "value", "name", "email", "reason", "link"]
    return pd.DataFrame(records, columns=columns)


def _personal_field(tab_title: str, column: str | None) -> str | None:
    tab = find_tab(tab_title) or find_tab(tab_title.rsplit(".", 1)[0])
    if tab is None or column is None:
        return None
    name = header_map(tab).get(normalize_header(column))
    return PERSONAL_CELLS.get((tab.table, name)) if name else None


def quarantine_for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The quarantine as the page shows it: personal values put back where the viewer may see
    them (the policy has already dropped ``name``/``email`` otherwise)."""
    shown = frame.copy()
    for column in ("name", "email"):
        if column in shown.columns:
            shown["value"] = shown["value"].where(shown["value"].notna(), shown[column])
            shown = shown.drop(columns=[column])
    return shown


def template_zip() -> bytes:
    """A zip with one CSV per tab (its header row) and a README of the contract."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = [
            "TFC ops spreadsheet template",
            "",
            "Make one tab per CSV file, named like the file (Projects, Volunteers, ...), and",
            "paste the header row. Columns marked * are required. Optional tabs may be left out.",
            "",
        ]
        for tab in TABS:
            header = pd.DataFrame(columns=[c.name for c in tab.columns])
            archive.writestr(f"{tab.name}.csv", csv_text(header, labels=False))
            lines.append(f"{tab.name}{' (optional)' if tab.optional else ''}:")
            for col in tab.columns:
                allowed = f" one of {', '.join(col.choices)}" if col.choices else ""
                aliases = f" (also: {', '.join(col.aliases)})" if col.aliases else ""
                lines.append(
                    f"  {col.name}{'*' if col.required else ''}: {col.kind.value}{allowed}{aliases}"
                )
            if tab.table == "goals":
                lines.append(
                    "  One row per cycle and metric, e.g. 2018, projects, 500, 2018-11-06: the "
                    "goals Progress and the fundraising kit track. With none set they say so."
                )
            lines.append("")
        archive.writestr("README.txt", "\n".join(lines))
    return buffer.getvalue()
