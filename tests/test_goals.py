"""Goals come from the spreadsheet's Goals tab: read, checked and quarantined like every tab, and a
real store never shows the demo's goals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.dbtools import rows, scalar
from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tfc_dash.cli import main, seed_demo
from tfc_dash.core import catalogue
from tfc_dash.figures import goals
from tfc_dash.ingest import contract, sync
from tfc_dash.ingest.parsing import parse_tab
from tfc_dash.store import database

HEADER = ["Cycle", "Metric", "Target", "Deadline", "Label"]


def goals_tab() -> list[list]:
    return [
        HEADER,
        [2017, "projects", 40, date(2017, 11, 7), "40 projects by election day"],
        [2018, "Projects", 300, date(2018, 11, 6), None],
        [2018, "crowdfunding_usd", 100000, date(2018, 10, 5), "Indiegogo"],
    ]


def workbook(goal_rows: list[list] | None = None) -> dict[str, list[list]]:
    tabs = small_workbook()
    if goal_rows is not None:
        tabs["Goals"] = goal_rows
    return tabs


def run_sync(fake, url, tabs) -> sync.SyncReport:
    fake.spreadsheets.clear()
    fake.add(spreadsheet_from_rows(tabs))
    return sync.sync_sheets(database.make_engine(url), reader_for(fake))


def stored_goals(url: str) -> set[tuple]:
    found = rows(url, "select cycle, metric, target, deadline, label from goals")
    return {(c, m, t, str(d)[:10], lbl) for c, m, t, d, lbl in found}


def test_the_goal_metrics_are_one_list_in_the_contract():
    column = contract.GOALS.column("metric")
    assert column.choices == tuple(goals.GOAL_METRICS)
    assert goals.GOAL_METRICS["projects"] == "projects_started"
    assert goals.GOAL_METRICS is catalogue.GOAL_METRICS  # one list
    assert all(name in catalogue.FIGURES for name in goals.GOAL_METRICS.values())
    assert contract.find_tab("goals") is contract.GOALS and contract.GOALS.optional
    assert contract.GOALS.required_columns == ("cycle", "metric", "target", "deadline")


def test_a_good_goals_tab_parses():
    parsed = parse_tab(contract.GOALS, goals_tab(), "Goals")
    assert parsed.problems == []
    records = [r.record for r in parsed.rows]
    assert records[0] == {
        "cycle": 2017,
        "metric": "projects",
        "target": 40,
        "deadline": date(2017, 11, 7),
        "label": "40 projects by election day",
    }
    assert records[1]["metric"] == "projects"  # any case
    assert [r["target"] for r in records] == [40, 300, 100000]


@pytest.mark.parametrize(
    ("row", "cell", "reason"),
    [
        ([2018, "donors", 10, date(2018, 11, 6)], "B2", "metric is not one of: projects, "),
        ([2018, "projects", 12.5, date(2018, 11, 6)], "C2", "not a whole number"),
        ([2018, "projects", "lots", date(2018, 11, 6)], "C2", "target"),
        ([2018, "projects", 500, "6/31/2018"], "D2", "not a real day"),
        ([2018, "projects", 500, "next fall"], "D2", "not a date"),
        ([2018, "projects", 0, date(2018, 11, 6)], "C2", "below 1"),
        (["", "projects", 500, date(2018, 11, 6)], "A2", "cycle is required"),
        ([2018, "projects", 500], "D2", "deadline is required"),
    ],
)
def test_a_bad_goal_row_is_reported_by_cell(row, cell, reason):
    parsed = parse_tab(contract.GOALS, [HEADER, row], "Goals")
    assert parsed.rows == []
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert (problem.tab, problem.row, problem.cell) == ("Goals", 2, cell)
    assert reason in problem.reason.lower()


def test_bad_goal_rows_are_quarantined_and_the_rest_lands(fake_sheets, empty_store):
    tab = goals_tab()
    tab.append([2019, "volunteers", "many", date(2019, 11, 5)])  # bad target
    tab.append([2019, "knitting", 5, date(2019, 11, 5)])  # unknown metric
    tab.append([2017, "projects", 45, date(2017, 11, 30)])  # a duplicate of row 2
    report = run_sync(fake_sheets, empty_store, workbook(tab))
    found = {(p.tab, p.row, p.column, p.cell): p.reason for p in report.problems}
    assert set(found) == {
        ("Goals", 5, "Target", "C5"),
        ("Goals", 6, "Metric", "B6"),
        ("Goals", 7, "Cycle", "A7"),
    }
    assert found[("Goals", 5, "Target", "C5")] == "Target is not a number"
    assert (
        "not one of: projects, crowdfunding_usd, volunteers_deployed"
        in found[("Goals", 6, "Metric", "B6")]
    )
    assert "duplicate of row 2" in found[("Goals", 7, "Cycle", "A7")]
    assert stored_goals(empty_store) == {
        (2017, "projects", 40, "2017-11-07", "40 projects by election day"),
        (2018, "projects", 300, "2018-11-06", None),
        (2018, "crowdfunding_usd", 100000, "2018-10-05", "Indiegogo"),
    }
    assert report.rows["goals"] == 3
    quarantined = rows(empty_store, "select tab, cell from quarantine order by row_number")
    assert quarantined == [("Goals", "C5"), ("Goals", "B6"), ("Goals", "A7")]


def test_goals_follow_the_tab_and_a_bad_row_keeps_the_old_goal(fake_sheets, empty_store):
    run_sync(fake_sheets, empty_store, workbook(goals_tab()))
    tab = goals_tab()
    tab[2][2] = 350  # 2018 projects: a new target
    tab[3][3] = "soon"  # the crowdfunding goal: a bad deadline, so it keeps its old version
    del tab[1]  # the 2017 goal is gone from the tab
    report = run_sync(fake_sheets, empty_store, workbook(tab))
    assert [(p.tab, p.cell) for p in report.problems] == [("Goals", "D3")]
    assert stored_goals(empty_store) == {
        (2018, "projects", 350, "2018-11-06", None),
        (2018, "crowdfunding_usd", 100000, "2018-10-05", "Indiegogo"),
    }
    assert (report.added, report.changed, report.removed) == (0, 1, 1)
    # what changed is in the run's record of changes, as for every tab (the History page)
    changes = rows(
        empty_store,
        "select kind, row_key, column_name, old_value, new_value from sync_changes"
        " where sync_run_id = :run and tab = 'goals' order by kind",
        run=report.run_id,
    )
    assert [tuple(c) for c in changes] == [
        ("changed", "2018 · projects", "target", "300", "350"),
        ("removed", "2017 · projects", None, None, None),
    ]
    # a sheet without a Goals tab leaves them as they are (an optional tab)
    again = run_sync(fake_sheets, empty_store, workbook())
    assert "Goals" in again.untouched
    assert len(stored_goals(empty_store)) == 2


def test_the_first_real_sync_replaces_the_demo_goals(fake_sheets, new_store_url):
    without, with_tab = new_store_url(), new_store_url()
    for url in (without, with_tab):
        seed_demo(url)
        assert scalar(url, "select count(*) from goals") > 0
    report = run_sync(fake_sheets, without, workbook())  # no Goals tab: no goal at all
    assert "No Goals tab: that table is empty (no goal is set)." in report.message
    assert scalar(without, "select count(*) from goals") == 0
    engine = database.make_engine(without)
    assert goals.goal_for(engine, goals.PROJECTS, 2018) is None
    assert goals.goal_for(engine, goals.CROWDFUNDING, None, date(2018, 9, 14)) is None

    run_sync(fake_sheets, with_tab, workbook(goals_tab()))  # exactly the tab's goals
    assert stored_goals(with_tab) == {
        (2017, "projects", 40, "2017-11-07", "40 projects by election day"),
        (2018, "projects", 300, "2018-11-06", None),
        (2018, "crowdfunding_usd", 100000, "2018-10-05", "Indiegogo"),
    }


def test_goals_come_through_the_sheets_api_as_it_sends_them(fake_sheets, empty_store):
    """Serial-number dates and numbers, as UNFORMATTED_VALUE gives them, and a ragged row."""
    fake_sheets.add(spreadsheet_from_rows(workbook(goals_tab())))
    read = reader_for(fake_sheets).read()
    tab = next(t for t in read.tabs if t.title == "Goals")
    assert tab.values[0] == HEADER
    assert tab.values[2] == [2018, "Projects", 300, (date(2018, 11, 6) - date(1899, 12, 30)).days]
    run_sync(fake_sheets, empty_store, workbook(goals_tab()))
    api = fake_sheets.api_requests()
    assert "Goals" in api[-1][1] and "valueRenderOption=UNFORMATTED_VALUE" in api[-1][1]
    assert (
        scalar(empty_store, "select label from goals where cycle=2018 and metric='projects'")
        is None
    )  # the row's trailing empty cell is left out by the API, as the real one does


def test_the_csv_import_takes_a_goals_file(empty_store, tmp_path: Path, capsys):
    path = tmp_path / "goals.csv"
    path.write_text(
        "cycle,metric,target,deadline,label\n"
        "2018,projects,500,2018-11-06,500 projects by the midterms\n"
        '2018,crowdfunding_usd,"$250,000",10/5/2018,Indiegogo\n'
        "2018,volunteers_deployed,1.5,2018-11-06,\n"
    )
    code = main(["import", "--db", empty_store, "--tab", "Goals", str(path)])
    out = capsys.readouterr()
    assert code != 0  # a row was left out
    assert "goals.csv" in out.out + out.err or "Goals" in out.out + out.err
    assert "C4" in out.out + out.err
    assert stored_goals(empty_store) == {
        (2018, "projects", 500, "2018-11-06", "500 projects by the midterms"),
        (2018, "crowdfunding_usd", 250000, "2018-10-05", "Indiegogo"),
    }


def test_goal_for_picks_the_cycle_or_the_next_deadline(make_store):
    url = make_store(
        goals=[
            {"cycle": 2017, "metric": "projects", "target": 50, "deadline": date(2017, 11, 30)},
            {"cycle": 2018, "metric": "projects", "target": 500, "deadline": date(2018, 11, 6)},
        ]
    )
    engine = database.make_engine(url)
    assert goals.goal_for(engine, "projects", 2017).target == 50
    assert goals.goal_for(engine, "projects", 2019) is None
    assert goals.goal_for(engine, "projects", None, date(2018, 1, 1)).cycle == 2018
    assert goals.goal_for(engine, "projects", None, date(2017, 6, 1)).cycle == 2017
    assert goals.goal_for(engine, "projects", None, date(2020, 1, 1)).cycle == 2018
    assert goals.goal_for(engine, "crowdfunding_usd", 2018) is None
    assert "Goals tab" in goals.no_goal_note("projects", 2018)
    assert "in the 2018 cycle" in goals.no_goal_note("projects", 2018)
