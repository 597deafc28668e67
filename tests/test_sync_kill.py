"""Killed at any point of a sync, the store holds the old data or the new, never a mix.

The sync runs as the cron job would (``python -m tfc_dash sync``) in a child process, against the
fake Sheets API in this one. A test-only hook pauses it inside the transaction at a named stage;
the test waits for the pause and sends SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.dbtools import everything
from tests.fake_sheets import small_workbook, spreadsheet_from_rows, write_secrets
from tfc_dash.cli import seed_demo

ROOT = Path(__file__).resolve().parent.parent


def start_sync(url: str, secrets: Path, fake_url: str, stage: str | None, marker: Path):
    env = {**os.environ, "TFC_SHEETS_API_URL": fake_url, "TFC_TEST_PAUSE_FILE": str(marker)}
    if stage:
        env["TFC_TEST_PAUSE_AT"] = stage
    return subprocess.Popen(
        [sys.executable, "-m", "tfc_dash", "sync", "--db", url, "--secrets", str(secrets)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture
def world(fake_sheets, new_store_url, tmp_path: Path):
    tabs = small_workbook()
    tabs["Campaigns"].append(["C3", "Bad", "D", "VA", "lower", "404", 43046, "won"])  # quarantined
    fake_sheets.add(spreadsheet_from_rows(tabs))
    url = new_store_url()
    seed_demo(url)
    secrets = write_secrets(tmp_path / "secrets.toml", fake_sheets.service_account())
    return fake_sheets, url, secrets, tmp_path


@pytest.mark.parametrize(
    "stage",
    ["begin", "after_demo", "table:campaigns", "table:volunteers", "table:fundraising",
     "before_commit"],
)  # fmt: skip
def test_killed_mid_sync_the_store_holds_the_old_data(world, stage):
    fake, url, secrets, tmp = world
    before = everything(url)
    marker = tmp / f"paused-{stage.replace(':', '-')}"
    child = start_sync(url, secrets, fake.url, stage, marker)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the sync never reached the stage"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert everything(url) == before

    # and the next sync, left alone, lands the new data whole
    child = start_sync(url, secrets, fake.url, None, marker)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 3, err.decode()  # synced, one row quarantined
    data, runs, quarantine, meta = everything(url)
    assert meta == [] and quarantine == 1
    assert [r[1:] for r in runs] == [("sheets", "ok")]
    assert len(data["projects"]) == 2 and len(data["campaigns"]) == 2
    assert "Replaced the demo data" in out.decode()
