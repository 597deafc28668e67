from pathlib import Path

import pytest

from tfc_dash import store
from tfc_dash.cli import main


def test_seed_demo_then_ensure_store_is_idempotent(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    assert main(["ensure-store", "--db", url]) == 0
    assert "seeding the demo data" in capsys.readouterr().out
    version = store.store_version(store.make_engine(url))
    assert main(["ensure-store", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "seeding" not in out and "Store ready" in out
    assert store.store_version(store.make_engine(url)) == version  # nothing rewritten


def test_seed_demo_reports_counts(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    assert main(["seed-demo", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "Seeded demo data (scale 1)" in out and "projects" in out
    status = store.check_store(store.make_engine(url))
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
