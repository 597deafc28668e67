"""Property-based: whatever the cells, the sync never crashes and every rejected row is reported."""

from __future__ import annotations

import string
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tfc_dash.ingest import contract, sync
from tfc_dash.ingest.parsing import parse_tab
from tfc_dash.store import database

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet=string.digits + ",.$%-/ ", max_size=10),
    st.sampled_from(["=SUM(A1:A3)", "=A1", "TRUE", "x", "2018-09-14", "9/14/2018", "V0001",
                     "P1", "C1", "VA", "lower", "13", "active", "digital_basics", "é漢字🌵"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)  # fmt: skip
header_names = st.sampled_from(
    ["project_id", "Project ID", "campaign_id", "name", "category", "status", "start_date", "",
     "  ", "notes", "End", "team size", "Project ID"]
)  # fmt: skip
REQUIRED = list(contract.PROJECTS.required_columns)


@st.composite
def tab_values(draw):
    extra = draw(st.lists(header_names, max_size=5))
    header = draw(st.permutations(REQUIRED + extra))
    rows = draw(
        st.lists(st.lists(cells, max_size=len(header) + 2), max_size=12)
    )  # ragged, with padding past the header
    return [list(header), *rows]


def _rows_reported(parsed) -> set[int]:
    return {p.row for p in parsed.problems}


@given(tab_values())
@settings(max_examples=200, deadline=None)
def test_parsing_never_crashes_and_accounts_for_every_filled_row(values):
    parsed = parse_tab(contract.PROJECTS, values)
    landed = {r.row for r in parsed.rows}
    reported = _rows_reported(parsed) - {1}
    filled = {
        i + 2 for i, row in enumerate(values[1:])
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in row)
    }  # fmt: skip
    # every row with something in it either lands or is reported, never both, never neither;
    # cells past the header's width count as filled only when they are under a header
    assert landed | reported <= filled
    assert not landed & reported
    width = len(values[0])
    for number in filled - landed - reported:
        row = values[number - 1]
        assert all(v is None or (isinstance(v, str) and not v.strip())
                   for v in row[:width])  # fmt: skip


@given(st.lists(st.lists(cells, min_size=6, max_size=9), max_size=10))
@example([["", "", "", "", "", "", "a note"]])  # only a column without a header is filled
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_sync_of_arbitrary_rows_never_crashes_and_reports_each_rejection(new_store_url, rows):
    url = new_store_url()
    engine = database.make_engine(url)
    campaigns = [["campaign_id", "candidate", "state", "chamber", "district", "election_date"],
                 ["C1", "Ann", "VA", "lower", "13", date(2017, 11, 7)]]  # fmt: skip
    header = ["project_id", "campaign_id", "name", "category", "status", "start_date"]
    sources = [
        sync.TabSource(contract.CAMPAIGNS, "Campaigns", campaigns),
        sync.TabSource(contract.PROJECTS, "Projects", [header, *rows]),
    ]
    started = pd.Timestamp.now(tz="UTC").to_pydatetime()
    report = sync.apply(engine, sources, source="sheets", started=started)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("select count(*) from projects").scalar()
        quarantined = conn.exec_driver_sql(
            "select count(distinct row_number) from quarantine where tab = 'Projects'"
        ).scalar()
    assert stored == report.rows["projects"]
    # a row is kept or quarantined when any cell has something in it, past the header's width
    # too: a value in a column without a header is reported, not silently dropped
    filled = sum(
        1 for r in rows if any(v is not None and not (isinstance(v, str) and not v.strip())
                               for v in r)
    )  # fmt: skip
    assert stored + quarantined == filled
    engine.dispose()
