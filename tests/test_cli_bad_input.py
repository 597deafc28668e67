"""Every command on bad input: a non-zero exit and one clear line on stderr, never a traceback,
and never a password, whatever the store address, the file or the option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_server import ROOT
from tests.dbtools import everything
from tfc_dash.cli import main

SECRET = "S3cretPW"
BAD_ADDRESSES = {
    "bad port": f"postgresql+psycopg://u:{SECRET}@127.0.0.1:abc/x",
    "one slash": f"postgresql+psycopg:/u:{SECRET}@127.0.0.1/x",
    "no scheme": f"u:{SECRET}@127.0.0.1/x",
    "no server": f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/x",
    "unknown driver": f"nosuchdb://u:{SECRET}@127.0.0.1/x",
    "a folder": "sqlite:///{tmp}",
}
# Commands that read or write a store, with the arguments they need besides --db.
STORE_COMMANDS = {
    "seed-demo": [],
    "ensure-store": [],
    "migrate": [],
    "export": ["--out", "{tmp}/kit"],
    "import": ["--tab", "Districts", "{csv}"],
}


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    return int(code), captured.out, captured.err


def assert_one_clear_line(code: int, out: str, err: str) -> str:
    assert code != 0
    assert "Traceback" not in out + err and SECRET not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "districts.csv"
    path.write_text("state,chamber,district,winnability\nVA,lower,13,60\n")
    return path


@pytest.mark.parametrize("address", BAD_ADDRESSES)
@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_every_store_command_on_every_bad_address(command, address, tmp_path, good_csv, capsys):
    fill = {"tmp": str(tmp_path), "csv": str(good_csv)}
    args = [command, *(a.format(**fill) for a in STORE_COMMANDS[command])]
    line = assert_one_clear_line(
        *run_cli([*args, "--db", BAD_ADDRESSES[address].format(**fill)], capsys)
    )
    if address == "a folder":
        assert "folder" in line and "database server" not in line
    if address in ("bad port", "one slash", "no scheme"):
        assert "u:***@127.0.0.1" in line


def test_sync_on_every_bad_address(tmp_path, capsys, fake_sheets):
    from tests.fake_sheets import write_secrets

    secrets = write_secrets(tmp_path / "secrets.toml", fake_sheets.service_account())
    for address in BAD_ADDRESSES.values():
        db = address.format(tmp=tmp_path)
        assert_one_clear_line(*run_cli(["sync", "--secrets", str(secrets), "--db", db], capsys))


def test_a_store_address_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TFC_DATABASE_URL", BAD_ADDRESSES["bad port"])
    line = assert_one_clear_line(*run_cli(["ensure-store"], capsys))
    assert "port is not a number" in line


def test_missing_stores_for_commands_that_read_one(tmp_path, good_csv, capsys):
    missing = f"sqlite:///{tmp_path / 'nothing.db'}"
    for args in (["export", "--out", str(tmp_path / "kit")], ["migrate"]):
        line = assert_one_clear_line(*run_cli([*args, "--db", missing], capsys))
        assert "There is no store at" in line
    assert not (tmp_path / "nothing.db").exists()


@pytest.fixture
def demo_copy(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["seed-demo", "--db", url]) == 0
    return url


def bad_inputs(tmp: Path, db: str) -> dict[str, list[str]]:
    """Every command's bad options and files (the store itself is fine)."""
    (tmp / "header_only.csv").write_text("state,chamber,district\n")
    (tmp / "binary.csv").write_bytes(b"\xff\xfe\x00\x01" * 100)
    (tmp / "no_columns.csv").write_text("a,b\n1,2\n")
    (tmp / "bad.toml").write_text("[sync\nmax_rows = ")
    (tmp / "limits.toml").write_text("[sync]\nmax_rows = 'lots'\n")
    (tmp / "a_file").write_text("x")
    kit = ["--out", str(tmp / "kit"), "--db", db]

    def districts(name: str, *more: str) -> list[str]:
        return ["import", "--tab", "Districts", str(tmp / name), "--db", db, *more]

    def sync_with(secrets: Path) -> list[str]:
        return ["sync", "--secrets", str(secrets), "--db", db]

    return {
        "no command": [],
        "unknown command": ["frobnicate"],
        "seed-demo scale 0": ["seed-demo", "--scale", "0", "--db", db],
        "seed-demo scale x": ["seed-demo", "--scale", "x", "--db", db],
        "export no out": ["export", "--db", db],
        "export out is a file": ["export", "--out", str(tmp / "a_file"), "--db", db],
        "export as-of 2099": ["export", *kit, "--as-of", "2099-01-01"],
        "export as-of not a date": ["export", *kit, "--as-of", "2018-13-01"],
        "export bad category": ["export", *kit, "--category", "x"],
        "sync missing secrets": sync_with(tmp / "missing.toml"),
        "sync secrets folder": sync_with(tmp),
        "sync bad toml": sync_with(tmp / "bad.toml"),
        "sync no gsheets": sync_with(tmp / "limits.toml"),
        "import unknown tab": ["import", "--tab", "Nope", str(tmp / "header_only.csv"), "--db", db],
        "import missing file": districts("none.csv"),
        "import a folder": districts("."),
        "import binary": districts("binary.csv"),
        "import no columns": districts("no_columns.csv"),
        "import header only": districts("header_only.csv"),
        "import bad limits": districts("header_only.csv", "--secrets", str(tmp / "limits.toml")),
        "import no tab": ["import", str(tmp / "header_only.csv"), "--db", db],
    }


def test_every_command_on_bad_input(demo_copy, tmp_path, capsys):
    capsys.readouterr()  # the seeding's own output
    before = everything(demo_copy)
    messages = {}
    for name, args in bad_inputs(tmp_path, demo_copy).items():
        messages[name] = assert_one_clear_line(*run_cli(args, capsys))
    assert everything(demo_copy) == before  # nothing was written by any of them
    assert "outside the data" in messages["export as-of 2099"]
    assert "not a date" in messages["export as-of not a date"]
    assert "There is no secrets file at" in messages["sync missing secrets"]
    assert "missing.toml" in messages["sync missing secrets"]
    assert "not valid TOML" in messages["sync bad toml"]
    assert "max_rows = 'lots'" in messages["import bad limits"]
    assert "no rows below its header" in messages["import header only"]


def test_a_fresh_process_prints_one_line(tmp_path):
    """The module entry point too: no traceback from Python itself."""
    env = {**os.environ, "TFC_DATABASE_URL": BAD_ADDRESSES["one slash"]}
    result = subprocess.run(
        [sys.executable, "-m", "tfc_dash", "export", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_clear_line(result.returncode, result.stdout, result.stderr)
