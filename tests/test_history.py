"""History: two syncs through the fake Sheets API, the second revising a past week, and what the
store then says about it (the figure as each sync saw it, the revision, the rows behind it).

Every test runs on SQLite and on PostgreSQL (see tests/conftest.py).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from tests.dbtools import rows, scalar
from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tfc_dash.figures import queries
from tfc_dash.ingest import history, sync
from tfc_dash.store import database

WEEK = date(2018, 8, 6)  # a Monday: the past week the second sync revises
LATER = date(2018, 8, 22)  # the week of 20 Aug: where the edited project moves to


def busy_workbook() -> dict[str, list[list]]:
    """The small workbook with ten more 2018 projects, all started in the week of ``WEEK``."""
    tabs = small_workbook()
    for n in range(3, 13):
        tabs["Projects"].append(
            [f"P{n}", "C2", f"Park: project {n}", "email_analytics", "active",
             WEEK + timedelta(days=n % 5), date(2018, 10, 15), None, 3]
        )  # fmt: skip
    return tabs


def revised_workbook(tabs: dict[str, list[list]]) -> tuple[dict[str, list[list]], str, str]:
    """``tabs`` with one project removed and another's start moved to ``LATER``; their ids."""
    tabs = copy.deepcopy(tabs)
    projects = tabs["Projects"]
    removed = projects.pop(5)[0]
    edited = projects[6]
    edited[5] = LATER
    return tabs, removed, edited[0]


def started_by(tabs: dict[str, list[list]], day: date) -> int:
    """Projects the sheet says started (active or completed) on or before ``day``: counted here
    from the rows, independently of the dashboard's queries."""
    header, *body = tabs["Projects"]
    status, start = header.index("status"), header.index("start_date")
    return sum(1 for r in body if r[status] in ("active", "completed") and r[start] <= day)


def sync_tabs(fake, url: str, tabs, **kwargs) -> sync.SyncReport:
    fake.spreadsheets.clear()
    fake.add(spreadsheet_from_rows(tabs))
    return sync.sync_sheets(database.make_engine(url), reader_for(fake), **kwargs)


@pytest.fixture
def two_syncs(fake_sheets, empty_store):
    first_tabs = busy_workbook()
    second_tabs, removed, edited = revised_workbook(first_tabs)
    first = sync_tabs(fake_sheets, empty_store, first_tabs)
    second = sync_tabs(fake_sheets, empty_store, second_tabs)
    return {
        "url": empty_store, "first": first, "second": second, "removed": removed,
        "edited": edited, "first_tabs": first_tabs, "second_tabs": second_tabs,
    }  # fmt: skip


def test_the_sync_records_the_rows_it_changed_in_its_own_run(two_syncs):
    url, second = two_syncs["url"], two_syncs["second"]
    found = rows(
        url,
        "select tab, row_key, kind, column_name, old_value, new_value from sync_changes "
        "where sync_run_id = :run order by id", run=second.run_id,
    )  # fmt: skip
    old_start = next(
        r[5] for r in two_syncs["first_tabs"]["Projects"] if r[0] == two_syncs["edited"]
    )
    assert found == [
        ("projects", two_syncs["removed"], "removed", None, None, None),
        ("projects", two_syncs["edited"], "changed", "start_date", old_start.isoformat(),
         LATER.isoformat()),
    ]  # fmt: skip
    assert (second.changed, second.removed) == (1, 1)
    # the first sync added every row it read, one record per row
    first_run = two_syncs["first"].run_id
    added = scalar(url, "select count(*) from sync_changes where sync_run_id = :r", r=first_run)
    assert added == two_syncs["first"].added == sum(two_syncs["first"].rows.values())


def test_history_shows_each_figure_as_each_sync_saw_it(two_syncs):
    engine = database.make_engine(two_syncs["url"])
    said = history.headline_history(engine)
    started = history.figure_history(said, "projects_started")
    assert list(started["run"]) == [two_syncs["second"].run_id, two_syncs["first"].run_id]
    as_of = started["as_of"].iloc[0]
    first_value = started_by(two_syncs["first_tabs"], as_of)
    second_value = started_by(two_syncs["second_tabs"], as_of)
    assert list(started["value"]) == [second_value, first_value]
    assert (
        started["change_since_previous"].iloc[0] == second_value - first_value == -1
    )  # one row removed
    table = history.figure_history_table(said, "projects_started")
    assert "projects_started" in table.columns  # the catalogue's name (its label on the page)
    engine.dispose()


def test_a_past_week_revised_and_the_rows_behind_it(two_syncs):
    engine = database.make_engine(two_syncs["url"])
    first, second = two_syncs["first"].run_id, two_syncs["second"].run_id
    week_end = WEEK + timedelta(days=6)
    before = started_by(two_syncs["first_tabs"], week_end)
    after = started_by(two_syncs["second_tabs"], week_end)
    assert before - after == 2  # the removed project and the one moved out of the week

    revised = history.revisions(engine, "projects_started")
    row = revised[revised["week_of"] == WEEK].iloc[0]
    assert (row["run"], row["previous_run"]) == (second, first)
    assert (row["said_before"], row["said_after"], row["change"]) == (before, after, after - before)

    weeks = history.week_comparison(engine, "projects_started", first, second)
    assert set(weeks["week"]) == {WEEK, queries.week_of(LATER)}
    in_week = weeks.set_index("week")
    assert in_week.loc[WEEK, "as_of_before"] == before
    assert in_week.loc[WEEK, "as_of_after"] == after
    assert in_week.loc[WEEK, "in_week_before"] - in_week.loc[WEEK, "in_week_after"] == 2

    behind = history.rows_behind(history.run_changes(engine, second), "projects_started")
    removed = behind[behind["change_kind"] == "removed"]
    assert list(removed["row"]) == [two_syncs["removed"]] and list(removed["tab"]) == ["Projects"]
    # the removed project's start date, as the store kept it when it was removed
    assert removed["project_started"].iloc[0] is not None
    assert date.fromisoformat(removed["project_started"].iloc[0]) <= week_end
    edited = behind[behind["change_kind"] == "changed"].iloc[0]
    assert (edited["row"], edited["column"], edited["new_value"]) == (
        two_syncs["edited"],
        "start_date",
        LATER.isoformat(),
    )
    assert date.fromisoformat(edited["old_value"]) <= week_end
    assert history.change_counts(engine, second) == (2, 2)
    engine.dispose()


def test_a_resync_that_changes_nothing_revises_nothing(fake_sheets, empty_store):
    tabs = busy_workbook()
    sync_tabs(fake_sheets, empty_store, tabs)
    again = sync_tabs(fake_sheets, empty_store, tabs)
    engine = database.make_engine(empty_store)
    assert history.revisions(engine, "projects_started").empty
    assert history.run_changes(engine, again.run_id).empty
    said = history.figure_history(history.headline_history(engine), "projects_started")
    assert said["change_since_previous"].iloc[0] == 0
    engine.dispose()


def test_the_record_is_capped_and_says_how_many_were_left_out(fake_sheets, empty_store):
    tabs = busy_workbook()
    sync_tabs(fake_sheets, empty_store, tabs)
    changed = copy.deepcopy(tabs)
    for row in changed["Projects"][1:]:
        row[8] = 9  # volunteers_needed, every project
    changed["Projects"].pop()  # and one project removed
    report = sync_tabs(fake_sheets, empty_store, changed, limits=sync.Limits(max_changes=3))
    engine = database.make_engine(empty_store)
    recorded, made = history.change_counts(engine, report.run_id)
    assert recorded == 3 and made == len(changed["Projects"]) - 1 + 1
    kinds = [k for (k,) in rows(empty_store, "select kind from sync_changes "
                                "where sync_run_id = :r order by id", r=report.run_id)]  # fmt: skip
    assert kinds == ["removed", "changed", "changed"]  # removals first
    engine.dispose()


def test_max_changes_is_a_setting():
    assert sync.Limits.from_settings({"max_changes": 50}).max_changes == 50
    with pytest.raises(Exception, match="max_changes"):
        sync.Limits.from_settings({"max_changes": 0})


def test_runs_that_change_nothing_are_left_out_between_two_that_do(fake_sheets, empty_store):
    first_tabs = busy_workbook()
    second_tabs, removed, _edited = revised_workbook(first_tabs)
    first = sync_tabs(fake_sheets, empty_store, first_tabs)
    idle = sync_tabs(fake_sheets, empty_store, first_tabs)  # nothing changed: no weekly series
    third = sync_tabs(fake_sheets, empty_store, second_tabs)
    assert scalar(empty_store, "select weekly from sync_runs where id = :r", r=idle.run_id) is None
    engine = database.make_engine(empty_store)
    said = history.figure_history(history.headline_history(engine), "projects_started")
    assert list(said["run"]) == [third.run_id, first.run_id]
    revised = history.revisions(engine, "projects_started")
    assert set(zip(revised["run"], revised["previous_run"], strict=True)) == {
        (third.run_id, first.run_id)
    }
    behind = history.rows_behind(history.run_changes(engine, third.run_id), "projects_started")
    assert removed in set(behind["row"])
    engine.dispose()
