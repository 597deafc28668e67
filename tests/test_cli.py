from pathlib import Path

import pytest

from tfc_dash.cli import main
from tfc_dash.store import database


def test_ensure_store_creates_and_seeds_once(new_store_url, capsys):
    url = new_store_url()
    assert main(["ensure-store", "--db", url]) == 0
    out, err = capsys.readouterr()
    assert "Creating the store's tables" in err and "filling the store with the demo data" in err
    assert "projects of demo data" in out
    version = database.store_version(database.make_engine(url))
    assert main(["ensure-store", "--db", url]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "Store ready" in out
    assert database.store_version(database.make_engine(url)) == version  # nothing rewritten


def test_seed_demo_reports_counts(new_store_url, capsys):
    url = new_store_url()
    assert main(["seed-demo", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "Seeded demo data (scale 1)" in out and "projects" in out
    status = database.check_store(database.make_engine(url))
    assert status.is_demo and status.projects > 400


def test_seed_demo_refuses_to_replace_real_data(make_store, capsys):
    url = make_store(
        campaigns=[{"campaign_id": "C1", "candidate": "A", "state": "VA", "chamber": "lower",
                    "election_date": "2018-11-06", "cycle": 2018}]
    )  # fmt: skip
    assert main(["seed-demo", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "holds real data" in err and "--force" in err
    assert main(["seed-demo", "--db", url, "--force"]) == 0


def test_bad_store_url_is_a_message_not_a_traceback(capsys):
    assert main(["seed-demo", "--db", "nosuchdialect://x"]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def test_bad_scale_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["seed-demo", "--scale", "0"])
    assert exc.value.code == 2


# --- sync and import ------------------------------------------------------------------------------
def _secrets(tmp_path: Path, fake) -> Path:
    from tests.fake_sheets import write_secrets

    return write_secrets(tmp_path / "secrets.toml", fake.service_account())


def test_sync_exit_codes(fake_sheets, empty_store, tmp_path: Path, capsys, monkeypatch):
    from tests.fake_sheets import small_workbook, spreadsheet_from_rows

    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    secrets = _secrets(tmp_path, fake_sheets)
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    args = ["sync", "--db", empty_store, "--secrets", str(secrets)]
    assert main([*args, "--dry-run"]) == 0
    assert "Dry run (nothing written)" in capsys.readouterr().out
    assert database.store_version(database.make_engine(empty_store)) == 0
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Sync run 1" in out and "Sheets API requests: 2;" in out

    tabs = small_workbook()
    tabs["Projects"][1][3] = "websites"
    fake_sheets.add(spreadsheet_from_rows(tabs))
    assert main(args) == 3
    assert "Projects!D2: category is not one of" in capsys.readouterr().out

    del tabs["Projects"]
    fake_sheets.add(spreadsheet_from_rows(tabs))
    assert main(args) == 1
    assert "\nerror: The spreadsheet has no Projects tab" in capsys.readouterr().err


def test_sync_without_configuration_fails_with_a_message(empty_store, tmp_path: Path, capsys):
    empty = tmp_path / "none.toml"
    empty.write_text("")
    assert main(["sync", "--db", empty_store, "--secrets", str(empty)]) == 1
    assert "No spreadsheet is configured" in capsys.readouterr().err


def test_import_exit_codes(empty_store, tmp_path: Path, capsys):
    good = tmp_path / "districts.csv"
    good.write_text("state,chamber,district,winnability\nVA,lower,13,55\n")
    assert main(["import", "--tab", "Districts", str(good), "--db", empty_store]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("state,chamber,district,winnability\nVA,lower,13,55\nVA,lower,13,56\n")
    assert main(["import", "--tab", "Districts", str(bad), "--db", empty_store, "--dry-run"]) == 3
    assert "duplicate of row 2" in capsys.readouterr().out
    assert main(["import", "--tab", "Nope", str(bad), "--db", empty_store]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["import", str(bad)])
    assert exc.value.code == 2
