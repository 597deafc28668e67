"""The Data health page, the stale-data banner and the auto refresh, under AppTest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.apptest_helpers import metric_texts
from tests.dbtools import sqlite_rows
from tests.fake_sheets import (
    SPREADSHEET_KEY,
    gsheets_secrets,
    reader_for,
    small_workbook,
    spreadsheet_from_rows,
)
from tfc_dash.cli import seed_demo
from tfc_dash.core.text import md_escape
from tfc_dash.ingest import contract, sync
from tfc_dash.ingest.parsing import parse_tab
from tfc_dash.store import database
from tfc_dash.web import refresher

PAGE = "pages/data_health.py"


@pytest.fixture
def synced_store(fake_sheets, tmp_path: Path) -> str:
    """A store synced from a sheet with two bad rows (one of them a volunteer's email)."""
    url = f"sqlite:///{tmp_path / 'synced.db'}"
    tabs = small_workbook()
    tabs["Projects"][2][3] = "websites"
    tabs["Volunteers"].append(["V000003", "Ed Fox", "ed.fox-at-example.org", "CA", "", 3,
                               "2018-03-01"])  # fmt: skip
    fake_sheets.add(spreadsheet_from_rows(tabs))
    sync.sync_sheets(database.make_engine(url), reader_for(fake_sheets))
    return url


def test_without_a_spreadsheet_the_page_shows_the_demo_seed(run_app, demo_db_url):
    at = run_app(page=PAGE)
    assert not at.exception
    assert "No spreadsheet is connected" in at.info[0].value
    (run,) = sqlite_rows(demo_db_url, "select id, requests, added from sync_runs")
    shown = metric_texts(at)
    assert shown["Sheets API requests"] == f"{run[1]:,}" and shown["Rows added"] == f"{run[2]:,}"
    history = at.dataframe[-1].value
    assert len(history) == 1 and history["run"].iloc[0] == run[0]
    assert "sync_now" not in [b.key for b in at.button]


def test_the_last_sync_and_its_quarantine_as_the_store_holds_them(run_app, synced_store):
    at = run_app(page=PAGE, url=synced_store)
    assert not at.exception
    _run_id, _requests, added, changed, removed = sqlite_rows(
        synced_store, "select id, requests, added, changed, removed from sync_runs"
    )[0]
    shown = metric_texts(at)
    assert shown["Sheets API requests"] == "2" and shown["Rows added"] == f"{added:,}"
    assert (shown["Rows changed"], shown["Rows removed"]) == (f"{changed:,}", f"{removed:,}")
    ((quarantined,),) = sqlite_rows(
        synced_store, "select count(distinct tab || row_number) from quarantine"
    )
    assert shown["Quarantined rows"] == str(quarantined) == "4"  # 2 bad rows, 2 that named P2
    per_tab = at.dataframe[0].value
    expected = dict(sqlite_rows(synced_store, "select 'Projects', count(*) from projects"))
    assert (
        dict(zip(per_tab["tab"], per_tab["rows"], strict=True))["Projects"]
        == (expected["Projects"])
    )
    problems = at.dataframe[1].value
    stored = sqlite_rows(synced_store, "select tab, cell, value, link from quarantine order by id")
    assert list(zip(problems["tab"], problems["cell"], strict=True)) == [
        (t, c) for t, c, _, _ in stored
    ]
    assert list(problems["value"]) == [v for _, _, v, _ in stored]  # the local user sees all
    assert problems["link"].iloc[0] == (
        f"https://docs.google.com/spreadsheets/d/{SPREADSHEET_KEY}/edit#gid=101&range=D3"
    )


def test_a_volunteers_email_in_the_quarantine_is_personal_data(synced_store, demo_engine):
    from tfc_dash.figures import policy
    from tfc_dash.ingest import health

    frame = health.quarantine(database.make_engine(synced_store), 1)
    fundraiser = policy.Viewer(policy.Role.FUNDRAISING, "f@tfc.org")
    shown = health.quarantine_for_display(policy.enforce(frame, fundraiser))
    email_row = shown[shown["tab"] == "Volunteers"]
    assert email_row["value"].isna().all()
    assert "ed.fox-at-example.org" not in shown.to_csv()
    assert health.quarantine_for_display(frame)["value"].tolist()[1] == "ed.fox-at-example.org"


def test_the_template_has_every_tab_with_headers_the_parser_accepts():
    from tfc_dash.ingest import health

    with zipfile.ZipFile(io.BytesIO(health.template_zip())) as archive:
        names = set(archive.namelist())
        assert names == {f"{t.name}.csv" for t in contract.TABS} | {"README.txt"}
        for tab in contract.TABS:
            header = archive.read(f"{tab.name}.csv").decode().strip().split(",")
            parsed = parse_tab(tab, [header])
            assert parsed.problems == [] and set(parsed.headers) == {c.name for c in tab.columns}
        readme = archive.read("README.txt").decode()
        assert "project_id*" in readme
        assert "Goals (optional):" in readme and "Goals.csv" in names
        assert "one of projects, crowdfunding_usd, volunteers_deployed" in readme


def test_an_unreadable_sheet_leaves_every_page_working_with_a_banner(
    run_app, fake_sheets, tmp_path: Path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    seed_demo(url)
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    secrets = gsheets_secrets(fake_sheets, key="1" + "x" * 43)  # no such spreadsheet: 404
    at = run_app(url=url, secrets=secrets)
    refresher.refresher().wait(30)
    at.run()
    assert not at.exception
    banner = [w.value for w in at.warning if "could not be read" in w.value]
    assert banner and "Showing data that never came from the spreadsheet" in banner[0]
    # The service account's email, as text (md_escape keeps it from becoming a mailto: link)
    assert md_escape("dashboard@tfc-test.iam.gserviceaccount.com") in banner[0]
    assert at.metric  # the Progress page still shows its figures
    at.switch_page(PAGE)
    at.run()
    assert not at.exception and any("could not be read" in w.value for w in at.warning)
    assert sqlite_rows(url, "select count(*) from sync_runs where status='failed'") == [(1,)]


def test_open_sessions_cause_one_sync_and_it_replaces_the_demo(
    run_app, fake_sheets, tmp_path: Path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    seed_demo(url)
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    secrets = gsheets_secrets(fake_sheets)
    sessions = [run_app(url=url, secrets=secrets) for _ in range(3)]
    refresher.refresher().wait(30)
    for at in sessions:
        at.run()
        assert not at.exception
    assert len(fake_sheets.api_requests()) == 2
    assert sqlite_rows(url, "select source, status, message from sync_runs") == [
        (
            "sheets",
            "ok",
            "Replaced the demo data. 11 rows from the spreadsheet. No Goals tab: that "
            "table is empty (no goal is set).",
        )
    ]
    assert not any("Demo data" in i.value for at in sessions for i in at.sidebar.info)


def test_sync_now_shows_progress_and_the_result(run_app, fake_sheets, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    tabs = small_workbook()
    fake_sheets.add(spreadsheet_from_rows(tabs))
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    monkeypatch.setenv("TFC_SYNC_TTL_MINUTES", "60")
    sync.sync_sheets(database.make_engine(url), reader_for(fake_sheets))  # fresh: no auto refresh
    tabs["Projects"][2][4] = "completed"
    fake_sheets.add(spreadsheet_from_rows(tabs))
    at = run_app(page=PAGE, url=url, secrets=gsheets_secrets(fake_sheets))
    assert "every 60 minutes" in at.markdown[0].value
    at.button(key="sync_now").click().run()
    assert not at.exception
    assert any("11 rows" in s.value for s in at.success)
    assert sqlite_rows(url, "select count(*), max(changed) from sync_runs where status='ok'") == [
        (2, 1)
    ]
    assert metric_texts(at)["Rows changed"] == "1"


def test_a_long_quarantine_is_capped_with_every_kept_row_in_the_csv(
    run_app, served, fake_sheets, tmp_path: Path
):
    from tests.apptest_helpers import downloads

    url = f"sqlite:///{tmp_path / 'many.db'}"
    tabs = small_workbook()
    tabs["Volunteers"] += [
        [f"V1{n:05d}", f"Bad {n}", "not-an-email", "CA", "", 3, "2018-03-01"] for n in range(30)
    ]
    fake_sheets.add(spreadsheet_from_rows(tabs))
    engine = database.make_engine(url)
    sync.sync_sheets(engine, reader_for(fake_sheets), limits=sync.Limits(max_problems=12))
    at = run_app(page=PAGE, url=url, secrets={"app": {"max_table_rows": 5}})
    assert not at.exception
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert len(table) == 5
    assert any("The first 5 of 12 rows" in c.value for c in at.caption)
    assert any("30 problems in run" in c.value for c in at.caption)
    assert any("Only the first 12 problems were kept" in w.value for w in at.warning)
    assert metric_texts(at)["Quarantined rows"] == "30"
    csv_text = downloads(at, served)["quarantine-run-1.csv"].decode()
    assert len(csv_text.strip().splitlines()) == 1 + 12
