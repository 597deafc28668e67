from pathlib import Path

import pytest
import sqlalchemy as sa

from tfc_dash.core import config
from tfc_dash.store import database, models


def test_database_url_order(tmp_path: Path):
    secrets = {"database": {"url": "sqlite:///from/secrets.db"}}
    env = {"TFC_DATABASE_URL": "sqlite:////abs/from/env.db"}
    assert config.database_url(secrets, env) == "sqlite:////abs/from/env.db"
    assert config.database_url(secrets, {}) == f"sqlite:///{config.PROJECT_ROOT}/from/secrets.db"
    assert config.database_url({}, {}) == config.DEFAULT_DATABASE_URL
    pg = "postgresql+psycopg://u:p@h/db"
    assert config.database_url({}, {"TFC_DATABASE_URL": pg}) == pg


def test_secrets_file_is_read_and_bad_toml_is_a_clear_error(tmp_path: Path):
    good = tmp_path / "secrets.toml"
    good.write_text('[database]\nurl = "sqlite:////x.db"\n')
    assert config.load_secrets(good)["database"]["url"] == "sqlite:////x.db"
    bad = tmp_path / "bad.toml"
    bad.write_text("[database\n")
    with pytest.raises(config.ConfigError, match=r"bad\.toml is not valid TOML"):
        config.load_secrets(bad)
    assert config.load_secrets(tmp_path / "missing.toml") == {}


def test_redact_url_hides_the_password():
    assert "secret" not in config.redact_url("postgresql+psycopg://u:secret@h/db")


def test_missing_file_is_a_store_to_create(tmp_path: Path):
    engine = database.make_engine(f"sqlite:///{tmp_path / 'nope.db'}")
    with pytest.raises(database.StoreMissing, match="There is no store at") as err:
        database.check_store(engine)
    assert "ensure-store" in err.value.hint
    assert not (tmp_path / "nope.db").exists()  # checking must not create it


def test_corrupt_file(tmp_path: Path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(database.StoreError, match="damaged or is not a database") as err:
        database.check_store(database.make_engine(f"sqlite:///{path}"))
    assert not isinstance(err.value, database.StoreMissing)
    assert "Move it aside" in err.value.hint


def test_database_without_tables_is_a_store_to_create(tmp_path: Path):
    path = tmp_path / "other.db"
    with sa.create_engine(f"sqlite:///{path}").begin() as conn:
        conn.execute(sa.text("create table unrelated (x int)"))
    with pytest.raises(database.StoreMissing, match="no dashboard tables"):
        database.check_store(database.make_engine(f"sqlite:///{path}"))
    with pytest.raises(database.StoreMissing, match="no dashboard tables"):
        database.store_version(database.make_engine(f"sqlite:///{path}"))


def test_sqlite_file_in_a_folder_that_cannot_be_made(tmp_path: Path):
    (tmp_path / "file").write_text("a file, not a folder")
    engine = database.make_engine(f"sqlite:///{tmp_path / 'file' / 'tfc.db'}")
    with pytest.raises(database.StoreError, match="cannot be created") as err:
        database.init_schema(engine)
    assert "TFC_DATABASE_URL" in err.value.hint


SETTING = "TFC_DATABASE_URL (or `[database] url` in the secrets)"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nobody:pw@127.0.0.1:1/none", "The database server at 127.0.0.1:1 cannot be reached"),
        ("pw-user:pw@nosuchhost.invalid/none", "nosuchhost.invalid:5432 cannot be reached"),
    ],
)
def test_a_server_that_does_not_answer_is_named_with_its_setting(address, message):
    engine = database.make_engine(f"postgresql+psycopg://{address}?connect_timeout=2")
    with pytest.raises(database.StoreError, match=message) as err:
        database.check_store(engine)
    assert SETTING in err.value.hint
    assert "pw@" not in str(err.value) and "SELECT" not in str(err.value).upper()


def test_an_empty_postgresql_database_is_a_store_to_create(postgres_server):
    url = postgres_server.new_store_url()  # a schema with nothing in it
    try:
        with pytest.raises(database.StoreMissing, match="has no dashboard tables yet") as err:
            database.store_version(database.make_engine(url))
        text = str(err.value)
        assert "damaged" not in text and "LINE" not in text and "sync_runs" not in text
        assert "file" not in text
    finally:
        postgres_server.drop(url)


def test_server_problems_say_what_to_change(postgres_server):
    """No database, an unknown user, a schema that is not there: each names the setting."""
    base = sa.engine.make_url(postgres_server.url)
    cases = [
        (base.set(database="tfc_no_such_database"), "There is no database 'tfc_no_such_database'",
         "fix the database's name"),
        (base.set(username="tfc_no_such_user"), "refused the user 'tfc_no_such_user'",
         "user and password"),
        (base.update_query_dict({"options": "-csearch_path=tfc_no_such_schema"}),
         "search_path) does not exist", "create schema"),
    ]  # fmt: skip
    for url, message, hint in cases:
        engine = database.make_engine(url.render_as_string(hide_password=False))
        with pytest.raises(database.StoreError) as err:
            database.init_schema(engine)
        assert message in err.value.message and hint in err.value.hint, err.value
        assert SETTING in err.value.hint
        assert "LINE" not in str(err.value) and "file" not in str(err.value)
        engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://x/y"])
def test_bad_urls(url: str):
    with pytest.raises(database.StoreError):
        database.make_engine(url)


def test_empty_store(new_store_url):
    engine = database.make_engine(new_store_url())
    database.init_schema(engine)
    status = database.check_store(engine)
    assert status.is_empty and not status.is_demo
    assert database.store_version(engine) == 0


def test_replace_dataset_records_a_run_with_a_snapshot(make_store, tmp_path: Path):
    url = make_store(
        campaigns=[{"campaign_id": "C1", "candidate": "A", "state": "VA", "chamber": "lower",
                    "district": "13", "election_date": "2018-11-06", "cycle": 2018}],
        projects=[{"project_id": "P1", "campaign_id": "C1", "name": "Site",
                   "category": "digital_basics", "status": "active",
                   "start_date": "2018-09-01"}],
        meta={"demo": "true"},
    )  # fmt: skip
    engine = database.make_engine(url)
    assert database.store_version(engine) == 1
    status = database.check_store(engine)
    assert status.is_demo and status.projects == 1 and status.campaigns == 1
    runs = models.SyncRun.__table__
    with engine.connect() as conn:
        run = conn.execute(
            sa.select(runs.c.source, runs.c.status, runs.c.rows, runs.c.snapshot)
        ).one()
    assert run.source == "test" and run.status == "ok"
    assert run.rows["projects"] == 1
    assert run.snapshot["projects_started"] == 1


def reltuples(url: str) -> dict[str, float]:
    from tests.dbtools import rows

    found = rows(
        url,
        "select relname, reltuples from pg_class where relkind = 'r' "
        "and relnamespace = current_schema()::regnamespace",
    )
    return dict(found)


def test_bulk_writes_leave_postgresql_planner_statistics(postgres_server, fake_sheets):
    # Right after a bulk load PostgreSQL's planner takes the tables for empty (reltuples -1)
    # until autovacuum analyzes them, and some page queries pick slow plans meanwhile.
    from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
    from tfc_dash.cli import seed_demo
    from tfc_dash.ingest import sync
    from tfc_dash.ingest.demo import build_demo

    seeded, synced = postgres_server.new_store_url(), postgres_server.new_store_url()
    try:
        seed_demo(seeded)
        demo = build_demo()
        stats = reltuples(seeded)
        for table in ("projects", "volunteers", "assignments", "campaigns"):
            assert stats[table] == len(demo.frames[table]), table

        fake_sheets.add(spreadsheet_from_rows(small_workbook()))
        engine = database.make_engine(synced)
        sync.sync_sheets(engine, reader_for(fake_sheets))
        engine.dispose()
        stats = reltuples(synced)
        assert (stats["projects"], stats["volunteers"], stats["sync_runs"]) == (2, 2, 1)
    finally:
        postgres_server.drop(seeded)
        postgres_server.drop(synced)
