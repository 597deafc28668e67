"""The History page under AppTest: two syncs through the fake Sheets API, the second revising a
past week (a project removed, another's start moved later) and renaming a volunteer.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.apptest_helpers import SECRETS, downloads, logged_in, output, table_headers
from tests.dbtools import rows
from tests.labels import shown
from tests.test_history import LATER, WEEK, busy_workbook, revised_workbook, started_by, sync_tabs
from tfc_dash.core import catalogue
from tfc_dash.ingest import sync

PAGE = "pages/history.py"
FOUNDER, FUNDRAISING = "founder@tfc.example", "money@tfc.example"


@pytest.fixture
def revised_store(fake_sheets, tmp_path: Path) -> dict:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    first_tabs = busy_workbook()
    second_tabs, removed, edited = revised_workbook(first_tabs)
    volunteer = second_tabs["Volunteers"][2]
    volunteer[1], volunteer[2] = "Di Evans-Ng", "di.ng@example.org"  # a name and email change
    first = sync_tabs(fake_sheets, url, first_tabs)
    second = sync_tabs(fake_sheets, url, second_tabs)
    return {
        "url": url, "first": first.run_id, "second": second.run_id, "removed": removed,
        "edited": edited, "first_tabs": first_tabs, "second_tabs": second_tabs,
    }  # fmt: skip


# The page's tables, in the order it draws them (st.dataframe's key is not in its proto).
TABLES = ("history_table", "revisions", "rows_behind", "run_changes")


def frame(at, key: str):
    return at.dataframe[TABLES.index(key)].value


def headers(at, key: str) -> list[str]:
    """The table's headers as a reader sees them (column_config labels)."""
    return table_headers(at.dataframe[TABLES.index(key)])


def test_the_page_shows_the_revision_and_the_rows_behind_it(run_app, served, revised_store):
    at = run_app(page=PAGE, url=revised_store["url"])
    assert not at.exception
    assert at.selectbox(key="history_figure").value == "projects_started"

    # (a) the figure as each sync saw it, with the change since the previous sync
    said = frame(at, "history_table")
    assert catalogue.label("projects_started") in headers(at, "history_table")
    assert list(said["run"]) == [revised_store["second"], revised_store["first"]]
    as_of = said["as_of"].iloc[0]
    day = date.fromisoformat(as_of)
    values = [started_by(revised_store[t], day) for t in ("second_tabs", "first_tabs")]
    assert list(said["projects_started"]) == [
        catalogue.format_value("projects_started", v) for v in values
    ]
    assert said["change_since_previous"].iloc[0] == "−1"
    assert at.get("vega_lite_chart"), "the figure's chart"

    # (b) the past week revised: as the first sync said it, and as the second does
    week_end = WEEK + timedelta(days=6)
    before = started_by(revised_store["first_tabs"], week_end)
    after = started_by(revised_store["second_tabs"], week_end)
    revised = frame(at, "revisions")
    week = revised[revised["week_of"] == WEEK].iloc[0]
    assert (week["said_before"], week["said_after"], week["change"]) == (
        before,
        after,
        after - before,
    )
    assert (week["run"], week["previous_run"]) == (revised_store["second"], revised_store["first"])
    lines = " ".join(m.value for m in at.markdown)
    assert f"{before:,} → {after:,}" in lines

    # the rows behind it: the removed project, the moved start date old -> new
    behind = frame(at, "rows_behind")
    removed = behind[behind["change_kind"] == "removed"]
    assert list(removed["row"]) == [revised_store["removed"]]
    moved = behind[behind["change_kind"] == "changed"]
    old_start = next(
        r[5] for r in revised_store["first_tabs"]["Projects"] if r[0] == revised_store["edited"]
    )
    assert list(
        zip(moved["row"], moved["column"], moved["old_value"], moved["new_value"], strict=True)
    ) == [(revised_store["edited"], "start_date", old_start.isoformat(), LATER.isoformat())]
    files = downloads(at, served)
    csv = files[f"run-{revised_store['second']}-rows-behind.csv"].decode()
    assert revised_store["removed"] in csv and LATER.isoformat() in csv


def test_another_figure_can_be_picked(run_app, revised_store):
    at = run_app(page=PAGE, url=revised_store["url"])
    at.selectbox(key="history_figure").set_value("volunteers_enrolled").run()
    assert not at.exception
    said = frame(at, "history_table")
    assert catalogue.label("volunteers_enrolled") in headers(at, "history_table")
    enrolled = rows(
        revised_store["url"], "select count(*) from volunteers where removed_at is null"
    )
    assert said["volunteers_enrolled"].iloc[0] == f"{enrolled[0][0]:,}"


def volunteer_identities(tabs_list) -> list[str]:
    found = []
    for tabs in tabs_list:
        for row in tabs["Volunteers"][1:]:
            found += [row[1], row[2]]
    return found


def test_fundraising_sees_the_revision_but_no_volunteer(run_app, served, revised_store):
    everyone = volunteer_identities([revised_store["first_tabs"], revised_store["second_tabs"]])
    founder = run_app(page=PAGE, url=revised_store["url"], secrets=SECRETS, user=logged_in(FOUNDER))
    assert not founder.exception
    shown = output(founder, served)
    assert "di.ng@example.org" in shown  # the founder sees the volunteer's change...

    at = run_app(page=PAGE, url=revised_store["url"], secrets=SECRETS, user=logged_in(FUNDRAISING))
    assert not at.exception
    shown = output(at, served)
    leaked = [who for who in everyone if who in shown]
    assert not leaked, leaked  # ...fundraising sees none of it, in no table or download
    assert revised_store["removed"] in shown  # but the project rows behind the revision
    assert not any(v for v in frame(at, "run_changes")["tab"] if v in ("Volunteers", "Assignments"))


def test_a_store_without_revisions_says_so(run_app):
    at = run_app(page=PAGE)  # the demo store: one seed run
    assert not at.exception
    assert any("No sync has revised" in s.value for s in at.success)


def test_every_label_on_the_page_is_the_catalogues(run_app, served, revised_store):
    at = run_app(page=PAGE, url=revised_store["url"])
    known = catalogue.known_labels()  # CSV headers too: the files are pasted into Sheets
    found = shown(at, served, "history")
    assert {item.kind for item in found} >= {"column", "axis", "csv"}
    for item in found:
        assert item.label in known, item


def test_a_run_over_the_record_limit_says_how_many_changes_were_left_out(
    run_app, fake_sheets, tmp_path
):
    url = f"sqlite:///{tmp_path / 'capped.db'}"
    first_tabs = busy_workbook()
    second_tabs, removed, _edited = revised_workbook(first_tabs)
    sync_tabs(fake_sheets, url, first_tabs)
    second = sync_tabs(fake_sheets, url, second_tabs, limits=sync.Limits(max_changes=1))
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    warnings = [w.value for w in at.warning if "max_changes" in w.value]
    assert warnings == [
        f"Run {second.run_id} made 2 changes; only the first 1 were recorded ([sync] "
        "max_changes): removed rows first, then changed cells, then added rows."
    ]
    assert list(frame(at, "rows_behind")["row"]) == [removed]  # the removal was kept
