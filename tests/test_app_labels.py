"""One label, one figure: every page opened on fixture stores, every labelled figure collected
(scorecards, table headers, chart titles and axes, CSV headers, the kit's headline).

A view (filters and as-of date) fails when a label is not in the metric catalogue, when one label
shows two values across the pages, or when a scorecard's value is not its catalogue figure's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from tests import builders as b
from tests.apptest_helpers import number
from tests.labels import Shown, shown
from tfc_dash.core import catalogue
from tfc_dash.figures.filters import make_filters
from tfc_dash.store import database

PAGES = (
    "progress", "volunteers", "staffing", "projects", "states", "outcomes", "fundraising_kit",
    "data_health", "glossary", "history",
)  # fmt: skip
# Scorecards whose scope is narrower than the sidebar's view: a state's page shows one chamber.
CHAMBER_SCOPED = {"states"}
HEADLINE_PAIR = re.compile(r"(?:^|[:;.] )([A-Z][A-Za-z ()]+?): (\$?[\d,]+)")


def unescape(text: str) -> str:
    """A label as read (md_escape's backslashes and word joiners out)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def headline_pairs(text: str) -> list[tuple[str, str]]:
    return HEADLINE_PAIR.findall(text)


def collect(run_app, served, query: dict, url: str | None) -> dict[str, list[Shown]]:
    found: dict[str, list[Shown]] = {}
    for page in PAGES:
        at = run_app(page=f"pages/{page}.py", query=query, url=url)
        assert not at.exception, (page, query, [e.value for e in at.exception])
        items = shown(at, served, page)
        if page == "fundraising_kit":
            items += [Shown("headline", k, v, page) for k, v in headline_pairs(at.code[0].value)]
        found[page] = items
    return found


def value_problem(f, item: Shown, page: str, engine, filters, as_of: date) -> str | None:
    """What is wrong with a scorecard's value against its catalogue figure's, if anything."""
    if not f.compute.startswith("tfc_dash.figures.compute:") or page in CHAMBER_SCOPED:
        return None
    if f.group == "Program metrics":  # shown rounded (45.5M); the help has the exact value
        return None
    expected = catalogue.format_value(f.name, f.value(engine, filters, as_of))
    shown_value = number(item.value or "").replace(" days", "")
    if shown_value == expected.replace(" days", "").replace(" day", ""):
        return None
    return f"{page}: {f.label!r} shows {item.value}, the catalogue's {f.name} is {expected}"


def check_view(found: dict[str, list[Shown]], url: str, query: dict, as_of: date) -> None:
    figure_labels = {f.label: f for f in catalogue.FIGURES.values()}
    known = catalogue.known_labels()
    problems: list[str] = []
    values: dict[str, set[str]] = defaultdict(set)
    where: dict[str, set[str]] = defaultdict(set)
    engine = database.make_engine(url)
    state = query.get("state")
    filters = make_filters(query.get("cycle_int"), [state] if state else None, None)
    for page, items in found.items():
        for item in items:
            text = unescape(item.label).strip()
            if not text:
                continue
            if item.kind == "csv":
                if text not in known:  # labels: the files are pasted into Sheets
                    problems.append(f"{page}: CSV column {text!r} is not a catalogue label")
                continue
            if item.kind in ("metric", "headline"):
                if text not in figure_labels:
                    problems.append(f"{page}: scorecard {text!r} is not a catalogue figure")
                    continue
                if item.kind == "metric":
                    values[text].add(number(item.value or ""))
                    where[text].add(page)
                    problem = value_problem(figure_labels[text], item, page, engine, filters, as_of)
                    if problem:
                        problems.append(problem)
            elif text not in known:
                problems.append(f"{page}: {item.kind} {text!r} is not a catalogue label")
    for text, seen in values.items():
        if len(seen) > 1:
            problems.append(f"{text!r} shows {sorted(seen)} on {sorted(where[text])}")
    engine.dispose()
    assert not problems, "\n".join(sorted(set(problems)))


DEMO_VIEWS = [
    ({}, 2018, date(2018, 9, 14)),
    ({"state": "VA"}, 2018, date(2018, 9, 14)),
    ({"cycle": "2017", "as_of": "2017-11-07"}, 2017, date(2017, 11, 7)),  # an election day
    ({"cycle": "2017", "state": "VA", "as_of": "2017-11-07"}, 2017, date(2017, 11, 7)),
]


@pytest.mark.parametrize(("query", "cycle", "as_of"), DEMO_VIEWS)
def test_demo_views_one_label_one_figure(run_app, served, demo_db_url, query, cycle, as_of):
    found = collect(run_app, served, query, None)
    check_view(found, demo_db_url, {**query, "cycle_int": cycle}, as_of)


# --- a small hand-built store: two states, an election day ---------------------------------------
ELECTION = "2018-11-06"


def small_store(make_store) -> str:
    won = b.campaign("C1", "PA", district="12") | {
        "result": "won", "party": "D", "seat_held_by": "R", "vote_share": 0.55,
    }  # fmt: skip
    lost = b.campaign("C2", "PA", district="13") | {"result": "lost", "vote_share": 0.45}
    withdrawn = b.campaign("C3", "VA", district="1") | {"result": "withdrawn"}
    pending = b.campaign("C4", "VA", district="2") | {"election_date": "2018-11-20"}
    return make_store(
        campaigns=[won, lost, withdrawn, pending],
        projects=[
            b.project("P1", "C1", status="completed", start="2018-08-01", completed=ELECTION),
            b.project("P2", "C2", category="digital_basics", start="2018-09-01"),
            b.project("P3", "C3", start="2018-09-10"),
            b.project("P4", "C4", start="2018-10-01"),
            b.project("P5", "C4", status="scoping", start=None, end=None),
            b.project("P6", "C1", status="cancelled", start="2018-08-15"),
        ],
        volunteers=[b.volunteer("V1"), b.volunteer("V2", home="VA"), b.volunteer("V3")],
        assignments=[
            b.assignment("P1", "V1", "2018-08-01", ELECTION),
            b.assignment("P2", "V2", "2018-09-01"),
            b.assignment("P4", "V1", "2018-10-01", "2018-10-20"),
        ],
        districts=[
            {"state": "PA", "chamber": "lower", "district": d, "winnability": 60, "targeted": t}
            for d, t in (("12", True), ("13", False), ("14", True))
        ],
    )


SMALL_VIEWS = [
    ({"cycle": "2018", "as_of": ELECTION}, 2018, date(2018, 11, 6)),
    ({"cycle": "2018", "state": "PA", "as_of": ELECTION}, 2018, date(2018, 11, 6)),
    ({"cycle": "2018", "as_of": "2018-11-05"}, 2018, date(2018, 11, 5)),
]


@pytest.mark.parametrize(("query", "cycle", "as_of"), SMALL_VIEWS)
def test_small_store_views_one_label_one_figure(run_app, served, make_store, query, cycle, as_of):
    url = small_store(make_store)
    found = collect(run_app, served, query, url)
    check_view(found, url, {**query, "cycle_int": cycle}, as_of)


# --- the checks can fail -------------------------------------------------------------------------
def test_the_check_fails_on_an_unknown_label_and_two_values(demo_db_url):
    found = {
        "progress": [Shown("metric", "Projects", "295", "progress")],
        "projects": [
            Shown("metric", "Projects active", "1", "projects"),
            Shown("metric", "Projects active", "2", "staffing"),
            Shown("column", "Deployed", None, "volunteers"),
            Shown("csv", "targets_without_project", None, "states"),
        ],
    }
    with pytest.raises(AssertionError) as failure:
        check_view(found, demo_db_url, {"cycle_int": 2018}, date(2018, 9, 14))
    message = str(failure.value)
    assert "'Projects' is not a catalogue figure" in message
    assert "'Projects active' shows ['1', '2']" in message
    assert "column 'Deployed' is not a catalogue label" in message
    assert "CSV column 'targets_without_project' is not a catalogue label" in message


def test_the_check_fails_when_a_label_shows_another_figure(demo_db_url):
    # "Ever placed" showing the number of volunteers on a project now (428, not 994).
    found = {"progress": [Shown("metric", "Ever placed", "428", "progress")]}
    with pytest.raises(AssertionError, match="the catalogue's volunteers_deployed is 994"):
        check_view(found, demo_db_url, {"cycle_int": 2018}, date(2018, 9, 14))


# --- the election-day rule ------------------------------------------------------------------------
def metrics(at) -> dict[str, str]:
    return {unescape(m.label): m.value for m in at.metric}


@pytest.mark.parametrize(
    ("as_of", "won", "lost", "flipped", "pending"),
    [(ELECTION, 1, 1, 1, 1), ("2018-11-05", 0, 0, 0, 3)],
)
def test_a_race_is_decided_on_its_election_day_everywhere(
    run_app, make_store, as_of, won, lost, flipped, pending
):
    url = small_store(make_store)
    query = {"cycle": "2018", "as_of": as_of}
    outcomes = metrics(run_app(page="pages/outcomes.py", query=query, url=url))
    assert (outcomes["Races won"], outcomes["Races lost"]) == (str(won), str(lost))
    assert (outcomes["Seats flipped"], outcomes["Races pending"]) == (str(flipped), str(pending))
    assert outcomes["Races withdrawn"] == "1"
    parts = ("Races won", "Races lost", "Races pending", "Races withdrawn")
    assert sum(int(outcomes[p]) for p in parts) == int(outcomes["Supported races"])

    national = metrics(run_app(page="pages/states.py", query=query, url=url))
    assert national["Legislative races won"] == str(won)  # PA House: both races are legislative
    chamber = metrics(
        run_app(page="pages/states.py", query={**query, "state": "PA", "chamber": "lower"}, url=url)
    )
    assert chamber["Legislative races won"] == str(won)
    assert chamber["Legislative seats flipped"] == str(flipped)
    split = int(chamber["Targets covered"]) + int(chamber["Targets without a project"])
    assert split == int(chamber["Targeted districts"]) == 2

    kit_at = run_app(page="pages/fundraising_kit.py", query=query, url=url)
    headline = dict(headline_pairs(kit_at.code[0].value))
    if won:
        assert headline["Races won"] == str(won) and headline["Races lost"] == str(lost)
        assert headline["Seats flipped"] == str(flipped)
        assert f"Races won: {won} of {won + lost} decided" in kit_at.code[0].value
    else:
        assert "Races won" not in headline
    assert headline["Races pending"] == str(pending)


def test_a_project_detail_shows_catalogue_labels(run_app, served, demo_db_url):
    at = run_app(page="pages/projects.py", query={"project": "P2018-00235"})
    assert not at.exception
    found = {"projects": shown(at, served, "projects")}
    assert {"On the team", "Placed so far"} <= {s.label for s in found["projects"]}
    check_view(found, demo_db_url, {"cycle_int": 2018}, date(2018, 9, 14))
