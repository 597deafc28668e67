"""The sync end to end through real HTTP: gspread -> fake Sheets API -> validation -> store."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.dbtools import connect, dump, rows, scalar
from tests.fake_sheets import SPREADSHEET_KEY, reader_for, small_workbook, spreadsheet_from_rows
from tests.threads import at_once
from tfc_dash.cli import seed_demo
from tfc_dash.ingest import sync
from tfc_dash.ingest.demo import build_demo
from tfc_dash.store import database, models


def run_sync(fake, url, tabs=None, **kwargs) -> sync.SyncReport:
    fake.spreadsheets.clear()
    fake.add(spreadsheet_from_rows(tabs or small_workbook()))
    return sync.sync_sheets(database.make_engine(url), reader_for(fake), **kwargs)


def test_two_requests_and_everything_lands(fake_sheets, empty_store):
    report = run_sync(fake_sheets, empty_store)
    assert report.requests == 2
    api = fake_sheets.api_requests()
    assert len(api) == 2
    assert "includeGridData=false" in api[0][1]
    assert "values:batchGet" in api[1][1] and api[1][1].count("ranges=") == 7
    assert "valueRenderOption=UNFORMATTED_VALUE" in api[1][1]
    assert "dateTimeRenderOption=SERIAL_NUMBER" in api[1][1]
    assert report.problems == [] and report.added == 11
    assert report.rows == {"campaigns": 2, "projects": 2, "volunteers": 2, "assignments": 2,
                           "outcomes": 1, "districts": 1, "fundraising": 1}  # fmt: skip
    # IDs kept as text, serial dates back to days, a numeric district as text
    assert scalar(empty_store, "select volunteer_id from volunteers order by 1") == "V000001"
    assert str(scalar(empty_store, "select start_date from projects where project_id='P2'")) == (
        "2018-09-01"
    )
    assert scalar(empty_store, "select district from campaigns where campaign_id='C2'") == "5"
    assert scalar(empty_store, "select cycle from campaigns where campaign_id='C1'") == 2017
    run = scalar(empty_store, "select requests from sync_runs where status='ok'")
    assert run == 2


def test_the_run_records_counts_and_a_snapshot(fake_sheets, empty_store):
    report = run_sync(fake_sheets, empty_store)
    runs = models.SyncRun.__table__
    with connect(empty_store) as conn:
        run = conn.execute(sa.select(runs).where(runs.c.id == report.run_id)).one()
    assert (run.source, run.status, run.requests, run.added) == ("sheets", "ok", 2, 11)
    assert run.snapshot["projects_started"] == 2 and run.snapshot["volunteers_enrolled"] == 2


def test_resync_changes_nothing_then_edits_removals_and_restores_are_counted(
    fake_sheets, empty_store
):
    run_sync(fake_sheets, empty_store)
    before = dump(empty_store)
    again = run_sync(fake_sheets, empty_store)
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert dump(empty_store) == before

    tabs = small_workbook()
    tabs["Projects"][2][4] = "completed"  # P2 completes
    tabs["Projects"][2][7] = date(2018, 10, 15)
    del tabs["Volunteers"][2]  # V000002 leaves the sheet...
    del tabs["Assignments"][2]  # ...with their assignment
    report = run_sync(fake_sheets, empty_store, tabs)
    assert (report.added, report.changed, report.removed) == (0, 1, 2)
    # removed, not deleted
    assert scalar(empty_store, "select count(*) from volunteers") == 2
    assert scalar(empty_store, "select removed_at is not null from volunteers "
                  "where volunteer_id='V000002'") == 1  # fmt: skip
    assert scalar(empty_store, "select status from projects where project_id='P2'") == "completed"

    restored = run_sync(fake_sheets, empty_store)
    assert (restored.added, restored.removed) == (2, 0)
    assert scalar(empty_store, "select count(*) from volunteers where removed_at is null") == 2


def test_bad_rows_are_quarantined_with_a_link_and_the_rest_lands(fake_sheets, empty_store):
    run_sync(fake_sheets, empty_store)
    tabs = small_workbook()
    tabs["Projects"][2][3] = "websites"  # P2: a bad category (it was fine before)
    tabs["Campaigns"].append(["C3", "Cy", "D", "VA", "lower", "101", date(2017, 11, 7), "won"])
    tabs["Projects"].append(["P3", "C9", "Ghost", "digital_basics", "scoping"])
    tabs["Assignments"].append(["P1", "V404", "member", 3, date(2017, 8, 3)])
    report = run_sync(fake_sheets, empty_store, tabs)
    reasons = {(p.tab, p.cell): p.reason for p in report.problems}
    assert reasons == {
        ("Projects", "D3"): "category is not one of: digital_basics, email_analytics, "
        "social_digital, engineering_data",
        ("Campaigns", "F4"): "district 101 does not exist in VA's lower chamber",
        ("Projects", "B4"): "campaign_id C9 is not in Campaigns",
        ("Assignments", "B4"): "volunteer_id V404 is not in Volunteers",
    }
    # the row with a bad cell keeps its previous version instead of being marked removed, and
    # the assignment that names it still lands
    assert scalar(empty_store, "select category from projects where project_id='P2'") == (
        "social_digital"
    )
    assert scalar(empty_store, "select removed_at from projects where project_id='P2'") is None
    assert report.removed == 0
    found = rows(
        empty_store,
        "select tab, row_number, column_name, cell, value, link from quarantine "
        "where sync_run_id = :run order by id", run=report.run_id,
    )  # fmt: skip
    assert ("Projects", 3, "category", "D3", "websites",
            f"https://docs.google.com/spreadsheets/d/{SPREADSHEET_KEY}/edit#gid=101&range=D3"
            ) in found  # fmt: skip
    assert len(found) == 4


def test_a_rejected_project_takes_its_new_assignments_with_it(fake_sheets, empty_store):
    tabs = small_workbook()
    tabs["Projects"][2][5] = "not a date"
    report = run_sync(fake_sheets, empty_store, tabs)
    assert sorted((p.tab, p.cell) for p in report.problems) == [
        ("Assignments", "A3"), ("Outcomes", "A2"), ("Projects", "F3"),
    ]  # fmt: skip
    assert scalar(empty_store, "select count(*) from assignments") == 1
    assert scalar(empty_store, "select count(*) from outcomes") == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.pop("Volunteers"), "no Volunteers tab"),
        (lambda t: t["Projects"][0].remove("category"), "Projects tab has no category column"),
        (lambda t: t.__setitem__("Campaigns", []), "Campaigns tab is empty"),
    ],
)
def test_a_missing_tab_or_column_aborts_and_the_store_stays_as_it_was(
    fake_sheets, empty_store, change, message
):
    run_sync(fake_sheets, empty_store)
    before = dump(empty_store)
    tabs = copy.deepcopy(small_workbook())
    tabs["Projects"][2][4] = "completed"  # a change that must not land
    change(tabs)
    with pytest.raises(sync.SyncError, match=message):
        run_sync(fake_sheets, empty_store, tabs)
    assert dump(empty_store) == before
    failed = scalar(empty_store, "select message from sync_runs where status='failed'")
    assert message in failed


def test_optional_tabs_may_be_absent_and_their_tables_are_left_alone(fake_sheets, empty_store):
    run_sync(fake_sheets, empty_store)
    tabs = small_workbook()
    del tabs["Districts"], tabs["Outcomes"]
    report = run_sync(fake_sheets, empty_store, tabs)
    assert report.untouched == ["Outcomes", "Districts", "Goals"]  # small_workbook has no Goals
    assert "No Outcomes, Districts, Goals tab" in report.message
    assert scalar(empty_store, "select count(*) from districts where removed_at is null") == 1


def test_dry_run_writes_nothing_and_reports_what_would_change(fake_sheets, empty_store):
    run_sync(fake_sheets, empty_store)
    before = dump(empty_store)
    runs = scalar(empty_store, "select count(*) from sync_runs")
    tabs = small_workbook()
    tabs["Projects"][2][4] = "completed"
    tabs["Volunteers"][2][2] = "not-an-email"
    report = run_sync(fake_sheets, empty_store, tabs, dry_run=True)
    assert report.dry_run and report.run_id is None
    assert report.changed == 1 and len(report.problems) == 1
    assert dump(empty_store) == before
    assert scalar(empty_store, "select count(*) from sync_runs") == runs


def test_the_first_real_sync_replaces_the_demo_and_says_so(fake_sheets, new_store_url):
    url = new_store_url()
    seed_demo(url)
    version = database.store_version(database.make_engine(url))
    report = run_sync(fake_sheets, url)
    assert report.replaced_demo and report.message.startswith("Replaced the demo data.")
    status = database.check_store(database.make_engine(url))
    assert not status.is_demo and status.projects == 2 and status.volunteers == 2
    assert scalar(url, "select count(*) from sync_runs where source='demo'") == 0
    assert scalar(url, "select count(*) from projects") == 2  # demo rows gone, not marked
    assert database.store_version(database.make_engine(url)) > version  # caches see the change
    # the demo's goals go with the rest: this sheet has no Goals tab, so no goal is set
    assert len(build_demo().goals) > 0
    assert scalar(url, "select count(*) from goals") == 0


def test_csv_import_goes_through_the_same_gate(fake_sheets, empty_store, tmp_path: Path):
    run_sync(fake_sheets, empty_store)
    path = tmp_path / "scores.csv"
    path.write_text(
        "State,Chamber,District,Winnability,Targeted\n"
        "VA,lower,13,70%,yes\n"
        "VA,lower,14,$5,no\n"  # $5 is not a score... it is a number: 5
        "VA,lower,999,50,x\n"
        "ZZ,upper,1,50,\n"
    )
    report = sync.import_csv(database.make_engine(empty_store), "districts", path)
    assert report.rows == {"districts": 2}
    assert sorted((p.row, p.cell) for p in report.problems) == [(4, "C4"), (5, "A5")]
    assert scalar(empty_store, "select winnability from districts where district='13'") == 70
    assert scalar(empty_store, "select targeted from districts where district='13'") == 1
    assert scalar(empty_store, "select source from sync_runs order by id desc limit 1") == "csv"


def test_csv_import_checks_references_against_the_store(fake_sheets, empty_store, tmp_path):
    run_sync(fake_sheets, empty_store)
    path = tmp_path / "outcomes.csv"
    path.write_text("project_id,metric,value,as_of\nP1,site_visits,\"1,200\",9/1/2017\n"
                    "P9,site_visits,5,9/1/2017\n")  # fmt: skip
    # The file's one good row replaces the store's one outcome: that is all of the table, so
    # the import says so unless asked to replace (see test_import_limits.py).
    with pytest.raises(sync.SyncError, match="would remove 1 of the 1 outcomes rows"):
        sync.import_csv(database.make_engine(empty_store), "Outcomes", path)
    report = sync.import_csv(database.make_engine(empty_store), "Outcomes", path, replace=True)
    assert [p.reason for p in report.problems] == [
        "project_id P9 is not in Projects (in the store)"
    ]
    # the table now holds exactly the file's valid rows: the sheet's outcome is marked removed
    assert report.added == 1 and report.removed == 1


def test_unknown_tab_and_unreadable_file_are_clear_errors(empty_store, tmp_path: Path):
    with pytest.raises(sync.SyncError, match="no 'Budget' tab"):
        sync.import_csv(database.make_engine(empty_store), "Budget", tmp_path / "x.csv")
    with pytest.raises(sync.SyncError, match="Cannot read"):
        sync.import_csv(database.make_engine(empty_store), "Districts", tmp_path / "missing.csv")


def test_a_nul_character_is_a_bad_cell_not_a_crash(fake_sheets, empty_store):
    # PostgreSQL text cannot hold a NUL: it must be reported like any bad cell, on both stores.
    tabs = small_workbook()
    tabs["Projects"][2][2] = "Web\x00site"
    report = run_sync(fake_sheets, empty_store, tabs)
    assert [(p.cell, p.reason) for p in report.problems if p.tab == "Projects"] == [
        ("C3", "name contains a NUL character (\\x00)")
    ]
    assert rows(empty_store, "select value from quarantine where cell = 'C3'") == [
        ("Web\\x00site",)
    ]
    assert scalar(empty_store, "select count(*) from projects") == 1


def test_syncs_started_at_once_run_one_after_the_other(fake_sheets, empty_store):
    # Sync now, cron and the background refresh may all start together. Each must see what the
    # one before it wrote: on PostgreSQL two syncs that both planned inserts from the same old
    # rows would collide on the unique keys (the store lock prevents it).
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    account = fake_sheets.service_account()  # one key: each new one would replace the last
    instances = [
        (database.make_engine(empty_store), reader_for(fake_sheets, account=account))
        for _ in range(3)
    ]

    def one() -> sync.SyncReport:
        engine, reader = instances.pop()
        try:
            return sync.sync_sheets(engine, reader)
        finally:
            engine.dispose()

    reports = at_once(3, one, timeout=60)
    assert all(isinstance(r, sync.SyncReport) for r in reports), reports
    assert sorted((r.added, r.changed, r.removed) for r in reports) == [
        (0, 0, 0), (0, 0, 0), (11, 0, 0),
    ]  # fmt: skip
    assert rows(empty_store, "select status, added from sync_runs order by id") == [
        ("ok", 11), ("ok", 0), ("ok", 0),
    ]  # fmt: skip
    assert sum(len(rows) for rows in dump(empty_store).values()) == 11
