"""Schema migrations: an older store upgrades with all its data; a newer one is refused, clearly.

Every test runs on SQLite and on PostgreSQL (see tests/conftest.py).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from tests.dbtools import connect, rows, scalar
from tests.fake_sheets import small_workbook, spreadsheet_from_rows, write_secrets
from tests.threads import at_once
from tfc_dash.cli import main
from tfc_dash.figures import queries
from tfc_dash.ingest.demo import build_demo
from tfc_dash.store import database, locks, migrate, models

AS_OF = date(2018, 9, 14)
OLDER = migrate.revisions()[:-1]  # every revision a store may still be at


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def fill(url: str, demo) -> None:
    """Write the demo into whatever tables and columns the store has (as an older version did)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        present = sa.MetaData()
        present.reflect(conn)
        frames = {**demo.frames, "goals": demo.goals}
        for name, frame in frames.items():
            table = present.tables.get(name)
            if table is None:
                continue
            model = models.SYNCED_TABLES.get(name, models.Goal)
            records = database.frame_records(model, frame)
            keep = set(table.columns.keys())
            conn.execute(
                table.insert(), [{k: v for k, v in r.items() if k in keep} for r in records]
            )
        conn.execute(
            present.tables["store_meta"].insert(),
            [{"key": k, "value": v} for k, v in demo.meta.items()],
        )
        run = {"source": "demo", "started_at": datetime(2018, 9, 14, 12, tzinfo=UTC),
               "finished_at": datetime(2018, 9, 14, 12, 1, tzinfo=UTC), "status": "ok",
               "requests": 0, "rows": {"projects": len(demo.frames["projects"])}, "added": 1,
               "changed": 0, "removed": 0, "snapshot": {"projects_started": 1}}  # fmt: skip
        conn.execute(present.tables["sync_runs"].insert(), [run])
        if "quarantine" in present.tables:
            conn.execute(
                present.tables["quarantine"].insert(),
                [{"sync_run_id": 1, "tab": "Projects", "row_number": 5, "column_name": "category",
                  "cell": "D5", "value": "websites", "reason": "category is not one of: …"}],
            )  # fmt: skip
    engine.dispose()


def snapshot(url: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table but alembic's: its columns and its rows, in a stable order."""
    out = {}
    with connect(url) as conn:
        present = sa.MetaData()
        present.reflect(conn)
        for name, table in present.tables.items():
            if name == "alembic_version":
                continue
            columns = sorted(table.columns.keys())
            found = conn.execute(sa.select(*(table.c[c] for c in columns))).all()
            out[name] = (columns, sorted((tuple(r) for r in found), key=repr))
    return out


def project(table: tuple[list[str], list[tuple]], columns: list[str]) -> tuple[list[str], list]:
    """``table`` (as :func:`snapshot` gives it) with only ``columns``: a later revision's new
    columns left out, to compare with what an older store held."""
    names, found = table
    kept = [tuple(r[names.index(c)] for c in columns) for r in found]
    return columns, sorted(kept, key=repr)


def schema_differences(url: str) -> list:
    with connect(url) as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


@pytest.mark.parametrize("revision", OLDER)
def test_a_store_made_by_an_older_revision_upgrades_with_all_its_data(
    new_store_url, demo, revision
):
    url = new_store_url()
    engine = database.make_engine(url)
    assert migrate.upgrade(engine, revision) == (None, revision)
    fill(url, demo)
    before = snapshot(url)
    assert len(before["projects"][1]) == len(demo.frames["projects"]) > 400
    headline = queries.headline_metrics(engine, AS_OF)

    assert database.init_schema(engine) == (revision, migrate.head())

    after = snapshot(url)
    for name, (columns, found) in before.items():
        kept = after[name][1] if after[name][0] == columns else [
            tuple(r[after[name][0].index(c)] for c in columns) for r in after[name][1]
        ]  # fmt: skip
        assert sorted(kept, key=repr) == found, name  # every row, every value, still there
    for name in after.keys() - before.keys():
        assert after[name][1] == [], name  # new tables start empty
    assert queries.headline_metrics(engine, AS_OF) == headline
    status = database.check_store(engine)
    assert status.is_demo and status.projects == len(demo.frames["projects"])
    assert schema_differences(url) == []
    engine.dispose()


def test_head_is_the_newest_revision_file():
    # The app checks a store against migrate.HEAD without loading the revision files.
    assert migrate.HEAD == migrate.head() == migrate.revisions()[-1]


def test_the_migrations_build_exactly_the_models_schema(new_store_url):
    url = new_store_url()
    engine = database.make_engine(url)
    migrate.upgrade(engine)  # every migration from nothing, not create_all
    assert schema_differences(url) == []
    assert scalar(url, "select version_num from alembic_version") == migrate.head()
    engine.dispose()


def test_a_new_store_is_made_from_the_models_and_stamped(empty_store):
    assert schema_differences(empty_store) == []
    assert scalar(empty_store, "select version_num from alembic_version") == migrate.head()


@pytest.mark.parametrize(
    "found",
    [
        "0001",  # the foundation's tables, before the sync added the quarantine table
        "0002",  # made by the models once the sync existed, before migrations did
    ],
    ids=["foundation", "with-quarantine"],
)
def test_a_store_made_before_migrations_is_recognised_and_upgraded(
    new_store_url, demo, capsys, found
):
    url = new_store_url()
    engine = database.make_engine(url)
    # The schema the models of that time made (the migrations up to it build exactly that),
    # without alembic_version: today's models have tables and columns that did not exist then.
    migrate.upgrade(engine, found)
    with engine.begin() as conn:
        conn.execute(sa.text("drop table alembic_version"))
    fill(url, demo)
    before = snapshot(url)
    with engine.connect() as conn:
        assert migrate.current(conn) == found and migrate.stamped(conn) is None
    assert main(["migrate", "--db", url]) == 0
    out = capsys.readouterr().out
    if found == migrate.head():
        assert f"up to date (revision {found})" in out
    else:
        assert f"from revision {found} to {migrate.head()}" in out
    assert scalar(url, "select version_num from alembic_version") == migrate.head()
    after = snapshot(url)
    assert {name: project(after[name], before[name][0]) for name in before} == before
    assert schema_differences(url) == []
    assert main(["migrate", "--db", url]) == 0
    assert "up to date" in capsys.readouterr().out
    engine.dispose()


def test_instances_upgrading_at_once_upgrade_once(new_store_url, demo):
    url = new_store_url()
    engine = database.make_engine(url)
    migrate.upgrade(engine, migrate.revisions()[0])
    fill(url, demo)
    before = snapshot(url)

    def upgrade() -> str:
        own = database.make_engine(url)  # an app instance of its own
        try:
            return database.init_schema(own)[1]
        finally:
            own.dispose()

    results = at_once(4, upgrade, timeout=60)
    assert results == [migrate.head()] * 4
    after = snapshot(url)
    assert {name: project(after[name], before[name][0]) for name in before} == before
    assert rows(url, "select version_num from alembic_version") == [(migrate.head(),)]
    engine.dispose()


# --- a store written by a newer version ---------------------------------------------------------
NEWER = "9999"


@pytest.fixture
def newer_store(make_store):
    url = make_store(
        campaigns=[{"campaign_id": "C1", "candidate": "A", "state": "VA", "chamber": "lower",
                    "district": "13", "election_date": "2018-11-06", "cycle": 2018}],
        projects=[{"project_id": "P1", "campaign_id": "C1", "name": "Site",
                   "category": "digital_basics", "status": "active", "start_date": "2018-09-01"}],
    )  # fmt: skip
    with connect(url) as conn:
        conn.execute(sa.text("update alembic_version set version_num = :v"), {"v": NEWER})
        conn.commit()
    return url


def refusal(text: str) -> None:
    assert f"revision {NEWER}" in text and "written by a newer version" in text
    assert "newest version" in text  # the hint says what to do
    assert "Traceback" not in text


def command_inputs(fake_sheets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the commands below read: a spreadsheet on the fake API, its secrets file in
    ``tmp_path``, and a Districts CSV there."""
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    write_secrets(tmp_path / "secrets.toml", fake_sheets.service_account())
    (tmp_path / "districts.csv").write_text("state,chamber,district\nVA,lower,13\n")


@pytest.mark.parametrize(
    "command",
    [
        ["ensure-store"],
        ["migrate"],
        ["seed-demo", "--force"],
        ["export", "--out", "{tmp}/kit"],
        ["sync", "--secrets", "{tmp}/secrets.toml"],
        ["import", "--tab", "Districts", "{tmp}/districts.csv"],
    ],
    ids=lambda c: c[0],
)
def test_the_cli_refuses_a_newer_store_and_changes_nothing(
    newer_store, fake_sheets, tmp_path: Path, monkeypatch, capsys, command
):
    command_inputs(fake_sheets, tmp_path, monkeypatch)
    before = snapshot(newer_store)
    args = [a.format(tmp=tmp_path) for a in command]
    assert main([*args, "--db", newer_store]) == 1
    refusal(capsys.readouterr().err)
    assert snapshot(newer_store) == before
    assert scalar(newer_store, "select version_num from alembic_version") == NEWER
    assert fake_sheets.api_requests() == []  # refused before reading the spreadsheet
    assert not (tmp_path / "kit").exists()


@pytest.fixture
def older_store(new_store_url, demo) -> str:
    """A store at the first revision, filled with the demo data."""
    url = new_store_url()
    engine = database.make_engine(url)
    migrate.upgrade(engine, migrate.revisions()[0])
    engine.dispose()
    fill(url, demo)
    return url


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["ensure-store"], 0),
        (["export", "--out", "{tmp}/kit"], 0),
        (["sync", "--secrets", "{tmp}/secrets.toml"], 0),
        (["import", "--tab", "Districts", "{tmp}/districts.csv"], 0),
    ],
    ids=lambda c: c[0] if isinstance(c, list) else str(c),
)
def test_every_command_upgrades_an_older_store_first(
    older_store, fake_sheets, tmp_path: Path, monkeypatch, capsys, command, code
):
    command_inputs(fake_sheets, tmp_path, monkeypatch)
    before = snapshot(older_store)
    args = [a.format(tmp=tmp_path) for a in command]
    assert main([*args, "--db", older_store]) == code, capsys.readouterr().err
    assert scalar(older_store, "select version_num from alembic_version") == migrate.head()
    assert schema_differences(older_store) == []
    if command[0] in ("ensure-store", "export"):  # they only read: every row is still there
        after = snapshot(older_store)
        assert {name: project(after[name], before[name][0]) for name in before} == before


def test_the_app_refuses_a_newer_store_with_a_message(run_app, newer_store):
    at = run_app(url=newer_store)
    assert not at.exception
    assert "cannot read its data" in at.error[0].value
    refusal(at.error[0].value + " " + at.info[0].value)
    assert not at.get("vega_lite_chart")
    assert scalar(newer_store, "select version_num from alembic_version") == NEWER


def test_the_app_upgrades_an_older_store_and_shows_it(run_app, new_store_url, demo):
    url = new_store_url()
    engine = database.make_engine(url)
    migrate.upgrade(engine, migrate.revisions()[0])
    fill(url, demo)
    engine.dispose()
    at = run_app(url=url)
    assert not at.exception and not at.error
    assert at.get("vega_lite_chart")  # the Progress page drew
    assert scalar(url, "select version_num from alembic_version") == migrate.head()


# --- adding a migration ---------------------------------------------------------------------------
def test_a_new_migration_is_numbered_and_empty_when_the_models_match(tmp_path: Path):
    directory = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    path = migrate.new_revision("add a thing", directory)
    number = f"{int(migrate.head()) + 1:04d}"
    assert path.parent == directory / "versions" and path.name == f"{number}_add_a_thing.py"
    text = path.read_text()
    assert f"revision: str = {number!r}" in text
    assert f"down_revision: str | Sequence[str] | None = {migrate.head()!r}" in text
    assert "op." not in text  # the models and the migrations agree: nothing to do


def test_0003_sync_changes_goes_down_and_up_again(new_store_url, demo):
    # Issue 11's history: the table of rows each sync changed and the runs' weekly series.
    from alembic import command

    url = new_store_url()
    engine = database.make_engine(url)
    migrate.upgrade(engine, "0002")
    fill(url, demo)
    before = snapshot(url)
    migrate.upgrade(engine, "0003")
    with connect(url) as conn:
        inspector = sa.inspect(conn)
        assert "sync_changes" in inspector.get_table_names()
        assert "weekly" in {c["name"] for c in inspector.get_columns("sync_runs")}
    assert rows(url, "select weekly from sync_runs") == [(None,)]  # older runs kept none

    with locks.exclusive(engine) as conn:
        command.downgrade(migrate.config(conn), "0002")
    with connect(url) as conn:
        inspector = sa.inspect(conn)
        assert "sync_changes" not in inspector.get_table_names()
        assert "weekly" not in {c["name"] for c in inspector.get_columns("sync_runs")}
    assert snapshot(url) == before  # every row of 0002's tables still there
    assert scalar(url, "select version_num from alembic_version") == "0002"

    assert database.init_schema(engine) == ("0002", migrate.head())
    assert schema_differences(url) == []
    engine.dispose()
