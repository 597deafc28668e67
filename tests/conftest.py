"""Shared fixtures: stores (demo and hand-built), the app under AppTest, and a real browser."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tests.app_server import AppServer, launch_options, start_app_server
from tests.browser_helpers import chromium_or_skip
from tests.dbtools import DEFAULT_POSTGRES_URL, POSTGRES_URL_ENV, PostgresServer
from tfc_dash.cli import seed_demo
from tfc_dash.core.config import redact_url
from tfc_dash.figures import queries
from tfc_dash.ingest.demo import build_demo
from tfc_dash.store import database

ROOT = Path(__file__).resolve().parent.parent
# No start-up warm-up of the caches (tfc_dash/web/warmup.py) in the tests, nor in the servers they
# start: no background thread reads a store while a test changes it. tests/test_warmup.py
# turns it on.
os.environ.setdefault("TFC_WARM_UP", "0")


# --- stores on both backends ---------------------------------------------------------------------
# Tests that use a store (make_store, empty_store, new_store_url, demo_engine) run twice: on SQLite
# and on PostgreSQL, each PostgreSQL test in a schema of its own on the server at
# TFC_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432/test, trust auth), dropped afterwards.
# Without a server that leg skips and says why; with CI=true it fails. The AppTest and browser
# tests (test_app_*, test_browser_*) use SQLite only; test_postgres_app.py runs the app on
# PostgreSQL.
BACKENDS = ("sqlite", "postgresql")
SQLITE_ONLY_MODULES = ("test_app_", "test_browser_")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.module.__name__.rpartition(".")[2].startswith(SQLITE_ONLY_MODULES):
        return
    metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)
    probe = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with probe.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = (
            f"no PostgreSQL server answers at {redact_url(url)} "
            f"({type(exc.orig or exc).__name__}); set {POSTGRES_URL_ENV} or start one "
            "(.ci/run does)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: the PostgreSQL leg must run in CI.")
        pytest.skip(reason)
    server = PostgresServer(url)
    yield server
    server.admin.dispose()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store's backend for this test: ``sqlite`` or ``postgresql`` (see BACKENDS)."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        request.getfixturevalue("postgres_server")
    return name


@pytest.fixture
def new_store_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """``new_store_url()``: the URL of a new, blank store on this test's backend."""
    made: list[str] = []
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    def new() -> str:
        if server is None:
            url = f"sqlite:///{tmp_path / f'store{len(made)}.db'}"
        else:
            url = server.new_store_url()
        made.append(url)
        return url

    yield new
    if server is not None:
        for url in made:
            server.drop(url)


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store seeded with the demo dataset at scale 1 (read-only for tests).

    Tests that check a query against plain SQL read this file with ``sqlite3``: the same
    deterministic demo, so it is the independent truth for the PostgreSQL copy too.
    """
    path = tmp_path_factory.mktemp("demo") / "tfc.db"
    url = f"sqlite:///{path}"
    seed_demo(url)
    return url


@pytest.fixture(scope="session")
def demo_frames() -> dict[str, pd.DataFrame]:
    """The demo dataset's tables as built (before any store), for expectations in pandas."""
    return build_demo().frames


@pytest.fixture(scope="session")
def sqlite_demo_engine(demo_db_url: str) -> Engine:
    return database.make_engine(demo_db_url)


@pytest.fixture(scope="session")
def postgresql_demo_engine(postgres_server: PostgresServer) -> Iterator[Engine]:
    url = postgres_server.new_store_url()
    seed_demo(url)
    engine = database.make_engine(url)
    yield engine
    engine.dispose()
    postgres_server.drop(url)


@pytest.fixture
def demo_engine(backend: str, request: pytest.FixtureRequest) -> Engine:
    """The demo store (read-only) on this test's backend."""
    return request.getfixturevalue(f"{backend}_demo_engine")


@pytest.fixture
def make_store(new_store_url: Callable[[], str]) -> Callable[..., str]:
    """Build a store from small hand-written tables; returns its URL.

    ``make_store(projects=[...], campaigns=[...], ...)`` takes lists of dicts per table; goals
    default to the 2018 goal of 500 by 6 Nov 2018.
    """

    def build(goals: list[dict] | None = None, meta: Mapping[str, str] | None = None,
              **tables: list[dict]) -> str:  # fmt: skip
        url = new_store_url()
        engine = database.make_engine(url)
        database.init_schema(engine)
        frames = {name: pd.DataFrame(rows) for name, rows in tables.items()}
        if goals is None:
            goals = [{"cycle": 2018, "metric": "projects", "target": 500,
                      "deadline": pd.Timestamp("2018-11-06").date()}]  # fmt: skip
        database.replace_dataset(
            engine,
            frames,
            source="test",
            figures=queries.run_figures,
            meta=meta or {},
            goals=pd.DataFrame(goals),
        )
        engine.dispose()
        return url

    return build


# --- a fake Google Sheets API on loopback --------------------------------------------------------
@pytest.fixture
def fake_sheets():
    """A fake Sheets API v4 (tests/fake_sheets.py) serving on a free loopback port."""
    from tests.fake_sheets import FakeSheetsServer

    with FakeSheetsServer() as fake:
        yield fake


@pytest.fixture
def empty_store(new_store_url: Callable[[], str]) -> str:
    """The URL of a store with its tables and nothing in them."""
    url = new_store_url()
    engine = database.make_engine(url)
    database.init_schema(engine)
    engine.dispose()
    return url


# --- the app under AppTest ----------------------------------------------------------------------
@pytest.fixture
def clear_caches() -> Iterator[None]:
    # The cache outlives an AppTest run within one process: start every test from cold.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def navigation_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest treat ``pages/`` the way a real server does once ``st.navigation`` ran.

    AppTest (streamlit 1.67) re-detects the ``pages/`` folder before every run and, on a rerun,
    executes the current page as an old-style page, without ``app.py``: no sidebar, no router.
    A real server ignores the folder for good as soon as ``st.navigation`` is called, which our
    router does on every run; this shim does the same under AppTest.
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        from tfc_dash.web import ui  # imported by the app under test, not before

        original(self, *args, **kwargs)
        ui.forget_pages_folder()

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def run_app(
    monkeypatch: pytest.MonkeyPatch, clear_caches: None, navigation_app: None, demo_db_url: str
):
    """Run the app under AppTest against a store (the demo store unless ``url`` is given).

    ``run_app(page="pages/progress.py", query={"state": ["VA"]}, url=..., user=..., secrets=...)``
    returns the AppTest after its run: the home page's, then ``page``'s. ``link=page`` opens
    ``page`` in the first run instead, as a browser opening a shared link does.
    """
    # AppTest swaps st.secrets for a run's secrets and puts them back only when the run ends
    # well: a run that raises (a timeout) would leave them to every later test.
    monkeypatch.setattr(st, "secrets", st.secrets)

    def run(
        page: str | None = None,
        query: Mapping[str, str | list[str]] | None = None,
        url: str | None = None,
        user: Mapping[str, object] | None = None,
        secrets: Mapping[str, object] | None = None,
        link: str | None = None,
    ) -> AppTest:
        monkeypatch.setenv("TFC_DATABASE_URL", url or demo_db_url)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        if link is not None:  # the first run is on this page, as a browser opening a link
            at.switch_page(link)
        if secrets is not None:
            at.secrets.update(dict(secrets))
        if user is not None:
            at.user = dict(user)
        if query:
            at.query_params.update(dict(query))
        at.run()
        if page is not None:
            at.switch_page(page)
            at.run()
        return at

    return run


@pytest.fixture
def download_data(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The data of every download button a run draws, by the button's key (a file made when
    the button is clicked is made now, as a click would)."""
    captured: dict[str, bytes] = {}
    original = st.download_button

    def record(label, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        captured[kwargs.get("key")] = data() if callable(data) else data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    return captured


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, tuple[str | None, bytes | str | Callable[[], bytes | str]]]:
    """Every file the app hands to Streamlit's media manager under AppTest, by URL.

    A download button's ``proto.url`` finds its (file name, data) here, so tests can read what a
    user would download (``apptest_helpers.downloads``).
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    files: dict[str, tuple[str | None, bytes | str | Callable[[], bytes | str]]] = {}
    original = MediaFileManager.add
    original_deferred = MediaFileManager.add_deferred

    def add(self, path_or_data, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        url = original(self, path_or_data, mimetype, coordinates, file_name, **kwargs)
        files[url] = (file_name, path_or_data)
        return url

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        # A download made when clicked (data=callable): the test "clicks" by calling it.
        file_id = original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        files[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return files


# --- a real browser against `streamlit run` -----------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(**launch_options())
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app_server(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server = start_app_server(demo_db_url, tmp_path_factory.mktemp("server") / "streamlit.log")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


# --- a real OpenID Connect provider on loopback ----------------------------------------------
class OidcProvider:
    """oidc-provider-mock (PyPI) serving on 127.0.0.1: its login form takes any email as the
    subject, and the ID token then carries that email."""

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def auth_secrets(self, app_url: str, roles: str = "") -> str:
        """A ``.streamlit/secrets.toml`` for an app at ``app_url`` that logs in here, with
        ``roles`` (TOML) appended: what a deployer writes, with this provider's addresses."""
        return (
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            'cookie_secret = "a-long-random-cookie-secret-for-the-login-test"\n'
            'client_id = "tfc-dashboard"\n'
            'client_secret = "CLIENT-SECRET-SENTINEL"\n'
            f'server_metadata_url = "{self.metadata_url}"\n\n{roles}'
        )


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """An OpenID Connect provider on 127.0.0.1 for the whole session (real HTTP, real tokens)."""
    import threading

    import oidc_provider_mock
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: object, **kwargs: object) -> None:
            pass

    server = make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(), threaded=True, request_handler=Quiet
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    yield OidcProvider(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(5)
    server.server_close()
