"""Every CSV the app or the CLI writes neutralizes formula cells and keeps numbers as numbers."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from tests.apptest_helpers import downloads
from tests.payloads import FORMULAS, PAYLOAD_PROJECT, build_payload_store, formula_cells
from tfc_dash.cli import main
from tfc_dash.core.catalogue import column_label
from tfc_dash.core.csv_files import csv_text, neutralize
from tfc_dash.ingest import health


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_becomes_text(formula):
    assert neutralize(formula) == "'" + formula


@pytest.mark.parametrize("value", ["Ann Lee", "", "a=b", "P-1", 5, -0.043, None, "'=1"])
def test_other_values_are_left_alone(value):
    assert neutralize(value) == value


def test_numbers_stay_numbers_and_text_and_headers_are_neutralized():
    frame = pd.DataFrame(
        {
            "candidate": pd.array(
                ['=HYPERLINK("https://evil.example","x")', "Ann", None], dtype="string"
            ),
            "margin": [-0.043, 0.1, None],
            "mixed": ["-2+3", -7, "ok"],  # object column: only the text is touched
            "=SUM(1)": [1, 2, 3],
        }
    )
    text = csv_text(frame, labels=False)
    assert text.splitlines() == [
        "candidate,margin,mixed,'=SUM(1)",
        '"\'=HYPERLINK(""https://evil.example"",""x"")",-0.043,\'-2+3,1',
        "Ann,0.1,-7,2",
        ",,ok,3",
    ]
    assert formula_cells(text) == []
    assert frame.loc[0, "candidate"].startswith("=")  # the frame itself is not changed


def test_headers_are_the_catalogue_labels():
    frame = pd.DataFrame({"previous_margin": [0.1], "projects_started": [3], "not_in_it": [1]})
    header = csv_text(frame).splitlines()[0]
    assert header == (
        f"{column_label('previous_margin')},{column_label('projects_started')},not_in_it"
    )
    assert "_" not in column_label("previous_margin")


def test_the_template_zip():
    with zipfile.ZipFile(io.BytesIO(health.template_zip())) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                assert formula_cells(archive.read(name).decode()) == []


@pytest.fixture(scope="module")
def payload_store(tmp_path_factory) -> str:
    return build_payload_store(tmp_path_factory.mktemp("csv_payloads"))


# Each page's downloads with the payload store, and the files that must hold a neutralized formula.
PAGES = {
    "projects": ({}, ["tfc-projects-"]),
    "staffing": ({}, ["tfc-who-to-ask-"]),
    "outcomes": ({}, ["tfc-supported-races-", "tfc-program-metrics-"]),
    "states": ({"state": "VA", "chamber": "lower"}, ["tfc_va_lower_districts"]),
    "data_health": ({}, ["quarantine-run-"]),  # the CSV import's: its district is +SUM(1,2)
    "fundraising_kit": ({}, []),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_download_neutralizes_formulas(run_app, served, payload_store, page):
    query, neutralized = PAGES[page]
    at = run_app(url=payload_store, query=query or None)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    files = {name: data for name, data in downloads(at, served).items() if name.endswith(".csv")}
    assert files, f"{page} offers no CSV"
    for name, data in files.items():
        text = data.decode("utf-8")
        assert formula_cells(text) == [], name
    for prefix in neutralized:
        text = next(d.decode() for n, d in files.items() if n.startswith(prefix))
        assert "'=HYPERLINK(" in text or "'+SUM(1,2)" in text, prefix


def test_a_negative_margin_stays_a_number(run_app, served, payload_store):
    at = run_app(url=payload_store, query={"state": "VA", "chamber": "lower"})
    at.switch_page("pages/states.py").run()
    files = downloads(at, served)
    district, previous = column_label("district"), column_label("previous_margin")
    districts = pd.read_csv(io.BytesIO(files["tfc_va_lower_districts.csv"]), dtype={district: str})
    margins = districts.set_index(district)[previous]
    assert margins["13"] == -0.043 and margins["15"] == -0.2
    assert districts[previous].dtype == float


def test_the_export_neutralizes_formulas(payload_store, tmp_path, capsys):
    out = tmp_path / "kit"
    assert main(["export", "--out", str(out), "--db", payload_store]) == 0
    written = sorted(out.glob("*.csv"))
    assert written
    for path in written:
        assert formula_cells(path.read_text()) == [], path.name


def test_the_payload_project_id_is_in_the_projects_csv_whole(run_app, served, payload_store):
    at = run_app(url=payload_store)
    at.switch_page("pages/projects.py").run()
    files = downloads(at, served)
    text = next(d.decode() for n, d in files.items() if n.startswith("tfc-projects-"))
    assert PAYLOAD_PROJECT in text  # text is kept as it is: only formulas get a quote
