"""Destructive and oversized input: imports and syncs that would empty a table are refused, files
and tabs have limits, and a run keeps its first problems only. Each refusal leaves the store as it
was (its data, runs and quarantine), which every test here checks."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from tests.dbtools import everything, rows, scalar
from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tfc_dash.cli import main
from tfc_dash.core import config
from tfc_dash.ingest import health, sync
from tfc_dash.ingest.demo import build_demo
from tfc_dash.store import database

HEADER = ["state", "chamber", "district", "winnability", "targeted", "incumbent_party",
          "previous_margin"]  # fmt: skip


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    """Every district the demo scores: the real chambers' 2,389 district names."""
    return build_demo().frames["districts"][HEADER].reset_index(drop=True)


@pytest.fixture
def districts_store(make_store, districts) -> str:
    return make_store(districts=districts.to_dict("records"))


def write_csv(path: Path, frame: pd.DataFrame | None, extra: list[list] = ()) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        if frame is not None:
            writer.writerows(frame.itertuples(index=False, name=None))
        writer.writerows(extra)
    return path


def import_districts(url: str, path: Path, **kwargs) -> sync.SyncReport:
    return sync.import_csv(database.make_engine(url), "Districts", path, **kwargs)


def live_districts(url: str) -> int:
    return scalar(url, "select count(*) from districts where removed_at is null")


def test_a_header_only_file_never_removes_rows(districts_store, districts, tmp_path):
    before = everything(districts_store)
    path = write_csv(tmp_path / "header_only.csv", None)
    for replace in (False, True):
        with pytest.raises(sync.SyncError, match="no rows below its header"):
            import_districts(districts_store, path, replace=replace)
    assert everything(districts_store) == before
    assert live_districts(districts_store) == len(districts)


def test_an_empty_file_is_refused(districts_store, tmp_path):
    before = everything(districts_store)
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(sync.SyncError, match="empty"):
        import_districts(districts_store, path)
    assert everything(districts_store) == before


def test_a_file_whose_only_row_is_bad_removes_nothing(districts_store, districts, tmp_path):
    before = everything(districts_store)
    bad = districts.iloc[:1].assign(winnability=140)  # an existing district, a score over 100
    path = write_csv(tmp_path / "one_bad.csv", bad)
    with pytest.raises(sync.SyncError) as exc:
        import_districts(districts_store, path)
    removed = len(districts) - 1  # the bad row's district is held, not removed
    assert f"would remove {removed:,} of the {len(districts):,} districts rows" in str(exc.value)
    assert "--replace" in str(exc.value)
    assert everything(districts_store) == before


def test_most_of_a_table_needs_replace_or_a_higher_threshold(districts_store, districts, tmp_path):
    kept = districts.iloc[: len(districts) * 2 // 5]  # 40% stay: 60% would go
    path = write_csv(tmp_path / "partial.csv", kept)
    before = everything(districts_store)
    with pytest.raises(sync.SyncError, match="more than 50%"):
        import_districts(districts_store, path)
    with pytest.raises(sync.SyncError):
        import_districts(districts_store, path, dry_run=True)  # a dry run predicts the refusal
    assert everything(districts_store) == before

    report = import_districts(
        districts_store, path, limits=sync.Limits(max_removed_share=0.7), dry_run=True
    )
    assert report.removed == len(districts) - len(kept)
    assert everything(districts_store) == before
    report = import_districts(districts_store, path, replace=True)
    assert report.removed == len(districts) - len(kept)
    assert live_districts(districts_store) == len(kept)


def test_removing_less_than_the_threshold_goes_through(districts_store, districts, tmp_path):
    path = write_csv(tmp_path / "most.csv", districts.iloc[10:])
    report = import_districts(districts_store, path)
    assert report.removed == 10 and live_districts(districts_store) == len(districts) - 10


def test_the_cli_says_how_many_rows_would_go_and_how_to_proceed(
    districts_store, districts, tmp_path, capsys
):
    path = write_csv(tmp_path / "partial.csv", districts.iloc[:100])
    args = ["import", "--tab", "Districts", str(path), "--db", districts_store]
    before = everything(districts_store)
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ")
    assert f"would remove {len(districts) - 100:,} of the {len(districts):,}" in err
    assert "--replace" in err and "max_removed_share" in err
    assert everything(districts_store) == before
    settings = tmp_path / "settings.toml"
    settings.write_text("[sync]\nmax_removed_share = 0.99\n")
    assert main([*args, "--secrets", str(settings)]) == 0
    assert live_districts(districts_store) == 100


def test_a_sync_that_would_empty_a_table_is_refused_and_logged(fake_sheets, empty_store):
    engine = database.make_engine(empty_store)
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    sync.sync_sheets(engine, reader_for(fake_sheets))
    tabs = small_workbook()
    tabs["Volunteers"] = tabs["Volunteers"][:1]  # the header only: every volunteer would go
    fake_sheets.spreadsheets.clear()
    fake_sheets.add(spreadsheet_from_rows(tabs))
    data = everything(empty_store)[0]
    with pytest.raises(sync.SyncError, match="Volunteers would remove 2 of the 2 volunteers"):
        sync.sync_sheets(engine, reader_for(fake_sheets))
    assert everything(empty_store)[0] == data
    failed = rows(empty_store, "select message from sync_runs where status = 'failed'")
    assert len(failed) == 1 and "--replace" in failed[0][0]  # the banner can say why
    report = sync.sync_sheets(engine, reader_for(fake_sheets), replace=True)
    assert report.removed == 2  # both volunteers (their assignments are held, quarantined)


# --- limits -------------------------------------------------------------------------------------
def test_a_file_over_the_size_limit_is_refused_before_reading(districts_store, districts, tmp_path):
    path = write_csv(tmp_path / "big.csv", districts)
    before = everything(districts_store)
    with pytest.raises(sync.SyncError, match=r"larger than the 0\.01 MB"):
        import_districts(districts_store, path, limits=sync.Limits(max_file_mb=0.01))
    assert everything(districts_store) == before


def test_a_file_over_the_row_limit_is_refused(districts_store, districts, tmp_path):
    path = write_csv(tmp_path / "rows.csv", districts)
    before = everything(districts_store)
    with pytest.raises(sync.SyncError, match="more than 1,000 rows"):
        import_districts(districts_store, path, limits=sync.Limits(max_rows=1000))
    assert everything(districts_store) == before


def test_a_tab_over_the_row_limit_is_refused(fake_sheets, empty_store):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    before = everything(empty_store)
    with pytest.raises(sync.SyncError, match="The Campaigns tab has 2 rows: more than the 1 "):
        sync.sync_sheets(
            database.make_engine(empty_store),
            reader_for(fake_sheets),
            limits=sync.Limits(max_rows=1),
        )
    assert everything(empty_store)[0] == before[0]


def test_a_run_stores_its_first_problems_and_counts_them_all(districts_store, districts, tmp_path):
    bad = [["VA", "lower", f"No such district {n}", 50, "yes", "R", 0.1] for n in range(40)]
    path = write_csv(tmp_path / "bad_rows.csv", districts, bad)
    report = import_districts(districts_store, path, limits=sync.Limits(max_problems=5))
    assert (report.problem_count, report.quarantined_rows, len(report.problems)) == (40, 40, 5)
    assert "The first 5 of 40 problems are kept" in report.message
    assert scalar(districts_store, "select count(*) from quarantine") == 5
    engine = database.make_engine(districts_store)
    runs = health.sync_runs(engine)
    assert runs.iloc[0]["quarantined"] == 40  # the count, not the rows stored
    assert health.problem_count(engine, report.run_id) == 40
    assert set(health.run_rows(engine, report.run_id)["tab"]) == {"Districts"}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"max_rows": "lots"}, "max_rows = 'lots' is not valid"),
        ({"max_rows": 1.5}, "max_rows = 1.5 is not valid"),
        ({"max_problems": 0}, "max_problems = 0 is not valid"),
        ({"max_file_mb": -3}, "max_file_mb = -3 is not valid"),
        ({"max_removed_share": 2}, "between 0 and 1"),
        ({"max_removed_share": True}, "max_removed_share = True is not valid"),
    ],
)
def test_limits_in_the_settings_are_checked(section, message):
    with pytest.raises(config.ConfigError, match=message):
        sync.Limits.from_settings(section)


def test_limits_from_the_settings():
    assert sync.Limits.from_settings(None) == sync.Limits()
    limits = sync.Limits.from_settings({"max_rows": 10, "max_removed_share": 0.9, "ttl_minutes": 5})
    assert (limits.max_rows, limits.max_removed_share, limits.max_file_mb) == (10, 0.9, 20.0)


def test_a_file_of_bad_rows_does_not_replace_the_demo(demo_copy, tmp_path):
    path = write_csv(tmp_path / "all_bad.csv", None, [["VA", "lower", "No such", 50, "x", "R", 0]])
    before = everything(demo_copy)
    with pytest.raises(sync.SyncError, match="nothing would replace the demo data"):
        import_districts(demo_copy, path)
    assert everything(demo_copy) == before


@pytest.fixture
def demo_copy(new_store_url) -> str:
    from tfc_dash.cli import seed_demo

    url = new_store_url()
    seed_demo(url)
    return url
