"""A SQLite store replaced, overwritten or damaged under a running server shows on the next run.

AppTest runs the app in this process, with the same process-wide caches (engines, the store's
status, query results) that a server keeps between page loads.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.apptest_helpers import metric_texts
from tests.builders import campaign, project
from tests.dbtools import copy_sqlite_store


@pytest.fixture
def stores(make_store, tmp_path: Path) -> tuple[Path, Path]:
    """The served store (the demo-sized one) and another store with one project."""
    one = make_store(
        campaigns=[campaign("C1", state="VA", district="13")],
        projects=[project("P1", "C1", start="2018-08-01")],
    )
    served = tmp_path / "served.db"
    return served, Path(one.removeprefix("sqlite:///"))


@pytest.fixture
def served_demo(stores, demo_db_url) -> Path:
    served, _ = stores
    copy_sqlite_store(demo_db_url, served, one_file=True)
    return served


def copy_over(source: Path, target: Path) -> None:
    """Write ``source``'s bytes into ``target`` in place (same inode), as ``cp`` does."""
    staged = target.with_name("staged.db")
    copy_sqlite_store(source, staged, one_file=True)
    with target.open("r+b") as out:
        out.write(staged.read_bytes())
        out.truncate()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def test_a_replaced_file_is_read_anew(run_app, stores, served_demo):
    _, other = stores
    at = run_app(url=f"sqlite:///{served_demo}")
    assert metric_texts(at)["Projects started"] != "1 of 500"
    staged = served_demo.with_name("staged.db")
    copy_sqlite_store(other, staged, one_file=True)
    os.replace(staged, served_demo)  # a new file under the same name
    at.run()
    assert not at.exception
    assert metric_texts(at)["Projects started"] == "1 of 500"


def test_a_file_overwritten_in_place_is_read_anew(run_app, stores, served_demo):
    _, other = stores
    at = run_app(url=f"sqlite:///{served_demo}")
    assert metric_texts(at)["Projects started"] != "1 of 500"
    copy_over(other, served_demo)
    at.run()
    assert not at.exception
    assert metric_texts(at)["Projects started"] == "1 of 500"


def test_a_damaged_file_shows_the_store_page(run_app, served_demo):
    at = run_app(url=f"sqlite:///{served_demo}")
    assert at.metric
    with served_demo.open("r+b") as out:
        out.write(b"garbage!" * 4096)  # the header and the first pages
    at.run()
    assert not at.exception
    assert not at.metric
    assert "damaged or is not a database" in at.error[0].value


def test_a_removed_file_is_prepared_again(run_app, served_demo):
    """As after a restart that wiped the disk: the app makes the store again (the demo here)."""
    at = run_app(url=f"sqlite:///{served_demo}")
    assert at.metric
    served_demo.unlink()
    at.run()
    assert not at.exception and not at.error
    assert served_demo.exists()
    assert metric_texts(at)["Projects started"] != "1 of 500" and at.metric
