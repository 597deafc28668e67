"""Reading cells and tabs by the contract: headers, aliases, dates, numbers, booleans, IDs."""

from datetime import date

import pytest

from tfc_dash.ingest import contract, parsing
from tfc_dash.ingest.contract import Column, Kind
from tfc_dash.ingest.parsing import CellError, ContractError, parse_cell, parse_tab


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (43357, date(2018, 9, 14)),  # a serial number, as UNFORMATTED_VALUE sends dates
        (43357.75, date(2018, 9, 14)),  # a date-time serial: the day
        ("43357", date(2018, 9, 14)),
        ("2018-09-14", date(2018, 9, 14)),
        ("2018-09-14T10:00:00", date(2018, 9, 14)),
        ("9/14/2018", date(2018, 9, 14)),
        ("09/04/2018", date(2018, 9, 4)),  # US order: month first
        (" 1/2/2017 ", date(2017, 1, 2)),
    ],
)
def test_dates(value, expected):
    assert parse_cell(value, Column("d", Kind.DATE)) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("14/09/2018", "not a real day"),
        ("Sep 14", "not a date"),
        (True, "TRUE/FALSE"),
        (12, "not a date between 1950 and 2099"),
        ("2018-02-30", "not a real day"),
        ("=TODAY()", "not a date"),
    ],
)
def test_bad_dates(value, reason):
    with pytest.raises(CellError, match=reason):
        parse_cell(value, Column("d", Kind.DATE))


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("$1,234.50", Kind.NUMBER, 1234.5),
        ("1,234,567", Kind.NUMBER, 1234567.0),
        ("(1,000)", Kind.NUMBER, -1000.0),
        ("-$5", Kind.NUMBER, -5.0),
        (" 12 ", Kind.NUMBER, 12.0),
        (0.12, Kind.NUMBER, 0.12),
        ("52%", Kind.FRACTION, 0.52),
        (0.52, Kind.FRACTION, 0.52),
        ("52%", Kind.SCORE, 52.0),
        ("52.5", Kind.SCORE, 52.5),
        ("4", Kind.INTEGER, 4),
        (4.0, Kind.INTEGER, 4),
    ],
)
def test_numbers(value, kind, expected):
    assert parse_cell(value, Column("n", kind)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "kind", "reason"),
    [
        ("1,23", Kind.NUMBER, "not a number"),
        ("abc", Kind.NUMBER, "not a number"),
        ("=SUM(A1:A3)", Kind.NUMBER, "not a number"),
        ("4.5", Kind.INTEGER, "whole number"),
        (True, Kind.NUMBER, "TRUE/FALSE"),
        ("nan", Kind.NUMBER, "not a number"),
        (float("inf"), Kind.NUMBER, "finite"),
    ],
)
def test_bad_numbers(value, kind, reason):
    with pytest.raises(CellError, match=reason):
        parse_cell(value, Column("n", kind))


def test_bounds_are_checked():
    share = contract.CAMPAIGNS.column("vote_share")
    with pytest.raises(CellError, match="share between 0 and 1"):
        parse_cell("52", share)
    with pytest.raises(CellError, match="above 100"):
        parse_cell(101, contract.DISTRICTS.column("winnability"))
    with pytest.raises(CellError, match="below 0"):
        parse_cell(-1, contract.PROJECTS.column("volunteers_needed"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("TRUE", True), ("false", False), ("Yes", True),
     ("no", False), ("x", True), ("X", True), (1, True), (0, False)],
)  # fmt: skip
def test_booleans(value, expected):
    assert parse_cell(value, Column("b", Kind.BOOLEAN)) is expected


def test_bad_boolean():
    with pytest.raises(CellError, match="TRUE/FALSE"):
        parse_cell("maybe", Column("b", Kind.BOOLEAN))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("V000123", "V000123"), ("00123", "00123"), (123, "123"), (123.0, "123"), (" P1 ", "P1")],
)
def test_ids_are_text_and_keep_their_zeros(value, expected):
    assert parse_cell(value, Column("id", Kind.ID)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("va", "VA"), ("VA", "VA"), ("Virginia", "VA"), ("new hampshire", "NH")]
)
def test_states(value, expected):
    assert parse_cell(value, Column("s", Kind.STATE)) == expected


def test_bad_state_and_choice_and_email():
    with pytest.raises(CellError, match="USPS"):
        parse_cell("ZZ", Column("s", Kind.STATE))
    with pytest.raises(CellError, match="one of: scoping"):
        parse_cell("started", contract.PROJECTS.column("status"))
    with pytest.raises(CellError, match="email"):
        parse_cell("ann at example.org", Column("e", Kind.EMAIL))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Digital basics", "digital_basics"), ("Email & analytics", "email_analytics"),
     ("ENGINEERING_DATA", "engineering_data"), ("Social & digital media", "social_digital")],
)  # fmt: skip
def test_category_labels_are_accepted(value, expected):
    assert parse_cell(value, contract.PROJECTS.column("category")) == expected


def test_required_blank_is_an_error_and_optional_blank_is_none():
    with pytest.raises(CellError, match="is required"):
        parse_cell("  ", contract.PROJECTS.column("name"))
    assert parse_cell("", contract.PROJECTS.column("end_date")) is None


HEADER = ["Project ID", " campaign ", "NAME", "Category", "status", "Start", "Team size", "Notes"]


def test_headers_match_case_space_and_aliases_and_extra_columns_are_ignored():
    rows = [
        HEADER,
        ["P001", "C1", "Site", "digital_basics", "active", "2018-09-01", 4, "hi"],
        [],  # a blank row
        ["", " ", ""],  # padding
        ["P002", "C1", "Email", "email_analytics", "scoping"],  # ragged: trailing cells omitted
    ]
    parsed = parse_tab(contract.PROJECTS, rows)
    assert parsed.problems == []
    assert [r.row for r in parsed.rows] == [2, 5]
    first, second = (r.record for r in parsed.rows)
    assert first["project_id"] == "P001" and first["volunteers_needed"] == 4
    assert first["start_date"] == date(2018, 9, 1)
    assert second["start_date"] is None and second["end_date"] is None
    assert parsed.headers["campaign_id"] == "campaign"


def test_a_bad_row_is_reported_cell_by_cell_and_left_out():
    rows = [HEADER, ["P1", "C1", "Site", "websites", "active", "someday"]]
    parsed = parse_tab(contract.PROJECTS, rows, title="Projects")
    assert parsed.rows == []
    assert [(p.cell, p.column, p.value) for p in parsed.problems] == [
        ("D2", "Category", "websites"),
        ("F2", "Start", "someday"),
    ]
    assert parsed.problems[0].reason.startswith("Category is not one of")
    assert parsed.held_keys == {("P1",)}  # still in the sheet: not to be marked removed


def test_duplicate_headers_use_the_first_and_report_the_second():
    rows = [["project_id", "Project ID", "campaign_id", "name", "category", "status"],
            ["P1", "X", "C1", "n", "digital_basics", "scoping"]]  # fmt: skip
    parsed = parse_tab(contract.PROJECTS, rows)
    assert parsed.rows[0].record["project_id"] == "P1"
    assert parsed.problems[0].cell == "B1" and "duplicate column" in parsed.problems[0].reason


def test_a_missing_required_column_breaks_the_contract():
    with pytest.raises(ContractError, match="no category column"):
        parse_tab(contract.PROJECTS, [["project_id", "campaign_id", "name", "status"]])
    with pytest.raises(ContractError, match="tab is empty"):
        parse_tab(contract.PROJECTS, [[], [""]])


def test_column_letters():
    assert [parsing.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip
