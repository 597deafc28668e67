"""The metric catalogue, its rules and its glossary: one label per figure, a definition for each,
formats, and a README kept in step."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tfc_dash.cli import main
from tfc_dash.core import catalogue
from tfc_dash.core.catalogue import COLUMNS, FIGURES, FORMATS, GOAL_METRICS
from tfc_dash.figures import glossary, queries, rules
from tfc_dash.figures.filters import Filters

ROOT = Path(__file__).resolve().parents[1]


def test_labels_are_unique_and_never_a_column_label():
    labels = Counter(f.label for f in FIGURES.values())
    assert [label for label, n in labels.items() if n > 1] == []
    assert {f.label for f in FIGURES.values()}.isdisjoint(COLUMNS.values())
    assert len(set(COLUMNS.values())) == len(COLUMNS)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_fully_defined(name):
    f = FIGURES[name]
    assert f.name == name
    assert f.label and f.label[0].isupper()
    assert f.definition.endswith(".") and len(f.definition) > 20
    assert f.unit and f.fmt in FORMATS
    assert callable(f.function())


def test_old_snapshots_still_map():
    # The names queries.headline_metrics stores with every sync run.
    stored = {"projects_started", "projects_completed", "projects_active", "campaigns", "states",
              "volunteers_deployed", "volunteers_enrolled"}  # fmt: skip
    assert stored <= set(FIGURES)
    assert "projects" not in FIGURES  # a goal's word, not a figure of its own
    assert catalogue.figure("projects") is FIGURES["projects_started"]
    assert GOAL_METRICS["crowdfunding_usd"] == "crowdfunding_usd"


def test_headline_snapshot_names_are_catalogue_figures(demo_engine):
    stored = queries.headline_metrics(demo_engine, date(2018, 9, 14))
    assert set(stored) - {"as_of"} <= set(FIGURES)
    for name in set(stored) - {"as_of"}:  # and each equals its figure's own function
        assert FIGURES[name].value(demo_engine, Filters(), date(2018, 9, 14)) == stored[name]


def test_every_figure_function_runs_on_the_demo(demo_engine):
    for f in FIGURES.values():
        if f.compute.startswith("tfc_dash.figures.compute:"):
            value = f.value(demo_engine, Filters(cycle=2018), date(2018, 9, 14))
            assert value is None or isinstance(value, int | float), f.name


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("projects_started", 1234, "1,234"),
        ("projects_started", 12.0, "12"),
        ("crowdfunding_usd", 154724.4, "$154,724"),
        ("cost_per_contact", 0.7166, "$0.72"),
        ("win_rate", 0.8, "80%"),
        ("days_to_first_placement", 13.4, "13 days"),
        ("days_to_first_placement", 1, "1 day"),
        ("sync_seconds", 0.94, "0.9 s"),
        ("texts_sent", 1784687, "1,784,687"),
        ("win_rate", None, "—"),
        ("utilization", float("nan"), "—"),
        ("projects", 295, "295"),  # a goal's metric name
    ],
)
def test_format_value(name, value, text):
    assert catalogue.format_value(name, value) == text


def test_unknown_names_say_so():
    with pytest.raises(KeyError, match="no figure 'projects_total'"):
        catalogue.label("projects_total")
    with pytest.raises(KeyError, match="no figure or column 'nope'"):
        catalogue.column_label("nope")


def test_scorecard_takes_label_and_definition():
    card = catalogue.scorecard("volunteers_on_project", 428, 3, "Here: PA.")
    assert card.label == "On a project now" and (card.value, card.delta) == (428, 3)
    assert card.help == FIGURES["volunteers_on_project"].definition + " Here: PA."


# --- rules --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "result", "decided"),
    [
        (date(2018, 11, 5), "won", False),
        (date(2018, 11, 6), "won", True),  # election day: results are known that night
        (date(2018, 11, 6), "lost", True),
        (date(2018, 11, 6), "pending", False),
        (date(2018, 11, 7), "withdrawn", False),
    ],
)
def test_a_race_is_decided_from_election_day(as_of, result, decided):
    assert rules.race_decided(date(2018, 11, 6), result, as_of) is decided
    known = rules.results_known(pd.Series(["2018-11-06"]), as_of).iloc[0]
    assert bool(known) is (as_of >= date(2018, 11, 6))


def test_cancelled_and_scoping_projects_never_count(make_store):
    from tests import builders as b
    from tfc_dash.store import database

    url = make_store(
        campaigns=[b.campaign("C1")],
        projects=[
            b.project("P1", start="2018-08-01"),
            b.project("P2", status="completed", start="2018-08-01", completed="2018-09-01"),
            b.project("P3", status="cancelled", start="2018-08-01"),
            b.project("P4", status="scoping", start=None),
            b.project("P5", start="2018-10-01"),  # after the as-of date
        ],
    )
    engine = database.make_engine(url)
    day = date(2018, 9, 14)
    assert FIGURES["projects_started"].value(engine, Filters(), day) == 2
    assert FIGURES["projects_completed"].value(engine, Filters(), day) == 1
    assert FIGURES["projects_active"].value(engine, Filters(), day) == 1
    assert FIGURES["projects_any_status"].value(engine, Filters(), day) == 5
    engine.dispose()


# --- the glossary ---------------------------------------------------------------------------------
def test_glossary_lists_every_figure_with_its_definition():
    text = glossary.markdown()
    for f in FIGURES.values():
        assert f"| {f.label} | {f.definition.replace('|', chr(92) + '|')} | {f.unit} |" in text
    assert "on its election day" in text  # the rules come first


def test_the_readme_glossary_is_in_step():
    # Fails when a figure changes and nobody ran `python -m tfc_dash glossary --readme README.md`.
    assert glossary.update_readme(ROOT / "README.md", check=True), (
        "README.md's glossary is out of step: run python -m tfc_dash glossary --readme README.md"
    )


def test_glossary_check_fails_on_a_stale_readme_and_the_rewrite_fixes_it(tmp_path, capsys):
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    text = readme.read_text()
    readme.write_text(text.replace("| Ever placed |", "| Volunteers deployed |", 1))
    assert main(["glossary", "--readme", str(readme), "--check"]) == 1
    assert "out of step with the metric catalogue" in capsys.readouterr().err
    assert readme.read_text() != text  # --check writes nothing
    assert main(["glossary", "--readme", str(readme)]) == 0
    assert readme.read_text() == text
    assert main(["glossary", "--readme", str(readme), "--check"]) == 0


def test_glossary_without_markers_says_how_to_add_them(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# A README\n")
    assert main(["glossary", "--readme", str(readme), "--check"]) == 1
    err = capsys.readouterr().err
    assert "no glossary section" in err and "glossary:start" in err


def test_glossary_prints_markdown(capsys):
    assert main(["glossary"]) == 0
    assert capsys.readouterr().out == glossary.markdown()


def test_glossary_page_opens_for_every_role(run_app):
    at = run_app(page="pages/glossary.py")
    assert not at.exception
    assert at.title[0].value == "Glossary"
    shown = "\n".join(el.value for el in at.markdown)
    assert all(f.label in shown for f in FIGURES.values())


@pytest.mark.parametrize(
    ("metric", "label"),
    [
        ("spend_usd", "Spend (USD)"),
        ("cost_per_contact", "Cost per contact (USD)"),
        ("calls_made", "Calls made"),
        ("match_usd", "Match (USD)"),
    ],
)
def test_one_metric_label_for_every_page(metric, label):
    assert catalogue.metric_label(metric) == label
    if metric in catalogue.FIGURES:
        assert label == catalogue.label(metric)
