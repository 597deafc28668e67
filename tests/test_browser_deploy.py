"""A deploy as the README's "Deploy" section says, followed as written, from a clean copy.

The repository's tracked files are copied (what ``git clone`` gives), ``.venv`` is built there by
the README's own commands with ``requirements.txt`` alone (once for the module), the README's
secrets block is filled in, and the server is started by the systemd unit's ``ExecStart`` (a bare
``streamlit run app.py``): without secrets, with a spreadsheet (the fake Sheets API over real
HTTP), and with an empty PostgreSQL database. Each again after the store is deleted and the
server restarted, as a host that wipes its disk does.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.app_server import ROOT, AppServer, free_port, wait_until_healthy
from tests.browser_helpers import authorize, metric_value
from tests.dbtools import rows, scalar
from tests.fake_sheets import FakeSheetsServer, small_workbook, spreadsheet_from_rows

pytestmark = [
    pytest.mark.browser,
    # oidc-provider-mock, the test's login provider, runs on deprecated parts of Authlib.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib"),
    # Building the venv takes a minute or two on a busy machine (the per-test default is 300 s).
    pytest.mark.timeout(900),
]

SERVER_DIR = "/srv/tfc-dashboard"  # where the README puts the checkout
README_PORT = "8501"
KEY = "1TfcDeployTestSheet000000000000000000000000"
SYNC_SECONDS = 2.0  # the fake Sheets API's answer to the big read takes this long


@dataclass(frozen=True)
class DeploySteps:
    """What the README's Deploy section says to do, as written there."""

    secrets: str  # the TOML to paste into Secrets
    shell: list[str]  # the server's setup commands
    unit: dict[str, str]  # the systemd unit's [Service] settings
    cron: str  # the cron line's command


def deploy_steps(readme: Path = ROOT / "README.md") -> DeploySteps:
    text = readme.read_text()
    section = text.split("\n## Deploy\n", 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, list[str]] = {}
    for match in re.finditer(r"^( *)```(\w+)\n(.*?)^\1```", section, re.M | re.S):
        blocks.setdefault(match[2], []).append(textwrap.dedent(match[3]))
    (secrets,), (shell,), (unit,), (cron,) = (blocks[k] for k in ("toml", "sh", "ini", "cron"))
    service = unit.split("[Service]", 1)[1].split("\n[", 1)[0]
    return DeploySteps(
        secrets=secrets,
        shell=[line for line in shell.splitlines() if line.strip()],
        unit=dict(line.split("=", 1) for line in service.strip().splitlines()),
        cron=cron.split(maxsplit=5)[5],
    )


def fill_in(
    template: str,
    account: dict[str, Any] | None,
    database_url: str | None = None,
    login: dict[str, str] | None = None,
) -> str:
    """The README's secrets, filled in as a deployer would: the sheet and its service account's
    fields, the login client's settings, the database; a section left out when not given
    (without ``[auth]``, no login: one local user)."""
    secrets = tomllib.loads(template)
    assert {"connections", "auth", "roles", "database"} <= secrets.keys()
    if account is None:
        del secrets["connections"]
    else:
        sheet = secrets["connections"]["gsheets"]
        for field in sheet:  # each field the README names, from the service account's JSON key
            sheet[field] = account[field] if field != "spreadsheet" else sheet[field]
        sheet["spreadsheet"] = sheet["spreadsheet"].replace("YOUR-SPREADSHEET-KEY", KEY)
    if login is None:
        del secrets["auth"], secrets["roles"]
    else:
        secrets["auth"] = {field: login[field] for field in secrets["auth"]}
    if database_url is None:
        del secrets["database"]
    else:
        secrets["database"]["url"] = database_url
    return to_toml(secrets)


def to_toml(table: dict[str, Any], path: tuple[str, ...] = ()) -> str:
    # JSON strings and lists of strings are valid TOML values.
    lines = [
        f"{json.dumps(k)} = {json.dumps(v)}" for k, v in table.items() if not isinstance(v, dict)
    ]
    for key, value in table.items():
        if isinstance(value, dict):
            lines.append(f"\n[{'.'.join(json.dumps(p) for p in (*path, key))}]")
            lines.append(to_toml(value, (*path, key)))
    return "\n".join(lines) + "\n"


def clean_environment(**extra: str) -> dict[str, str]:
    """The machine's environment without this project's settings or the test venv's."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("TFC_", "STREAMLIT_", "VIRTUAL_ENV", "PYTHON"))}  # fmt: skip
    return {**keep, **extra}


@pytest.fixture(scope="module")
def deployment(browser, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout the README's server steps make, in a folder of its own."""
    steps = deploy_steps()
    clone, cd, *setup = steps.shell
    assert clone.startswith("git clone ") and clone.endswith(SERVER_DIR)
    assert cd == f"cd {SERVER_DIR}"
    target = tmp_path_factory.mktemp("deploy") / "tfc-dashboard"
    # The repository's tracked files (and new ones not committed yet), nothing else.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    assert not (target / "data" / "tfc.db").exists()
    assert not (target / ".streamlit" / "secrets.toml").exists()
    log = target.parent / "setup.log"
    # No bytecode compiled at install (half the install's time; Python compiles what it imports).
    env = clean_environment(PIP_COMPILE="0")
    for command in setup:
        command = re.sub(r"^python3 ", f"{shlex.quote(sys.executable)} ", command)
        with log.open("ab") as out:
            done = subprocess.run(command, shell=True, cwd=target, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=600)  # fmt: skip
        assert done.returncode == 0, f"{command}:\n{log.read_text()[-3000:]}"
    venv_python = target / ".venv" / "bin" / "python"
    # Only requirements.txt: none of the test tools came along.
    assert subprocess.run([venv_python, "-c", "import pytest"], capture_output=True).returncode
    return target


class Servers:
    """Servers started as the systemd unit says, in the checkout, on free ports."""

    def __init__(self, checkout: Path, env: dict[str, str]) -> None:
        self.checkout = checkout
        self.env = env
        self.running: list[AppServer] = []

    def start(self, port: int | None = None) -> AppServer:
        unit = deploy_steps().unit
        port = str(port or free_port())
        command = unit["ExecStart"].replace(SERVER_DIR, str(self.checkout))
        command = command.replace(f"--server.port {README_PORT}", f"--server.port {port}")
        assert "streamlit run app.py" in command and port in command
        log = self.checkout.parent / f"streamlit-{port}.log"
        folder = unit["WorkingDirectory"].replace(SERVER_DIR, str(self.checkout))
        process = subprocess.Popen(
            shlex.split(command), cwd=folder, env=self.env, stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = wait_until_healthy(f"http://127.0.0.1:{port}", process, log, seconds=90)
        self.running.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.running:
            server.process.terminate()
        for server in self.running:
            server.process.wait(timeout=20)
            assert "Traceback" not in server.log.read_text(errors="replace"), server.log
        self.running = []


@pytest.fixture
def servers(deployment: Path) -> Iterator[Servers]:
    for stale in [deployment / ".streamlit" / "secrets.toml", *deployment.glob("data/tfc.db*")]:
        stale.unlink(missing_ok=True)
    made = Servers(deployment, clean_environment())
    yield made
    made.stop_all()


def wipe_sqlite_store(checkout: Path) -> None:
    """What a host that wipes its disk on a restart leaves of the SQLite store: nothing."""
    for path in checkout.glob("data/tfc.db*"):
        path.unlink()


def open_at_once(browser, urls: list[str]) -> list[Any]:
    pages = []
    for _ in urls:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(90_000)
        pages.append(page)
    for page, url in zip(pages, urls, strict=True):
        page.goto(url, wait_until="commit")
    return pages


def watch_until_dashboard(pages: list[Any], seconds: float = 120) -> str:
    """Every text the pages showed until each shows the Progress page's scorecards, as a reader
    sees it (md_escape's invisible word joiners left out)."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    waiting = list(pages)
    while waiting:
        assert time.monotonic() < deadline, f"no dashboard after {seconds} s: {seen[-3:]}"
        for page in list(waiting):
            text = page.locator("[data-testid=stApp]").inner_text()
            seen.append(text)
            if page.locator("[data-testid=stMetric]").count():
                waiting.remove(page)
        time.sleep(0.2)
    for page in pages:
        page.get_by_role("heading", level=1).filter(has_text="Progress").wait_for()
        seen.append(page.locator("[data-testid=stApp]").inner_text())
    return "\n".join(seen).replace("\u2060", "")


def close(pages: list[Any]) -> None:
    for page in pages:
        page.context.close()


def write_secrets(checkout: Path, text: str) -> None:
    (checkout / ".streamlit" / "secrets.toml").write_text(text)


def test_without_secrets_the_demo_appears_again_after_a_wiped_restart(browser, servers):
    for start in ("first start", "after a restart that wiped the disk"):
        server = servers.start()
        pages = open_at_once(browser, [server.url])
        shown = watch_until_dashboard(pages)
        assert "Demo data" in shown, start
        assert metric_value(pages[0], "Projects started").endswith("of 500")
        close(pages)
        assert scalar(f"sqlite:///{servers.checkout / 'data' / 'tfc.db'}",
                      "select count(*) from sync_runs where source = 'demo'") == 1  # fmt: skip
        servers.stop_all()
        wipe_sqlite_store(servers.checkout)


@pytest.fixture
def sheet() -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer() as fake:
        fake.add(spreadsheet_from_rows(small_workbook(), key=KEY))
        yield fake


def sheet_synced(fake: FakeSheetsServer, browser, urls: list[str]) -> str:
    """Sessions opening at once on a server with an empty store: what they showed."""
    fake.fail("slow", match="values:batchGet", seconds=SYNC_SECONDS)
    pages = open_at_once(browser, urls)
    shown = watch_until_dashboard(pages)
    for page in pages:
        assert metric_value(page, "Projects started") == "1"  # the sheet's one 2018 project
    close(pages)
    return shown


def test_with_a_spreadsheet_and_login_its_rows_appear_after_one_sync(
    browser, servers, sheet, oidc_provider
):
    steps = deploy_steps()
    port = free_port()
    login = {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
        "cookie_secret": "a-long-random-cookie-secret-for-the-deploy-test",
        "client_id": "tfc-deploy-test",
        "client_secret": "tfc-deploy-test-secret",
        "server_metadata_url": oidc_provider.metadata_url,
    }
    secrets = fill_in(steps.secrets, sheet.service_account(), login=login)
    write_secrets(servers.checkout, secrets)
    founder = tomllib.loads(secrets)["roles"]["founders"][0]
    servers.env.update(TFC_SHEETS_API_URL=sheet.url, AUTHLIB_INSECURE_TRANSPORT="1")
    store_url = f"sqlite:///{servers.checkout / 'data' / 'tfc.db'}"

    # Three people open the link at once: each gets the login page, and meanwhile the app
    # syncs the sheet into its new store, once.
    sheet.fail("slow", match="values:batchGet", seconds=SYNC_SECONDS)
    server = servers.start(port)
    pages = open_at_once(browser, [server.url] * 3)
    for page in pages:
        page.get_by_role("button", name="Log in with Google").wait_for()
    deadline = time.monotonic() + 60
    while len(sheet.api_requests()) < 2 or sync_running(store_url):
        assert time.monotonic() < deadline, "the store was not synced while people logged in"
        time.sleep(0.2)
    authorize(pages[0], founder)
    shown = watch_until_dashboard(pages[:1])
    assert "Demo data" not in shown and founder in shown
    assert metric_value(pages[0], "Projects started") == "1"  # the sheet's one 2018 project
    close(pages[1:])
    assert len(sheet.api_requests()) == 2  # one sync for the three sessions
    assert rows(store_url, "select source, status from sync_runs") == [("sheets", "ok")]

    # The cron line, as written: one more sync, exit status 0.
    cron = steps.cron.replace(SERVER_DIR, str(servers.checkout))
    done = subprocess.run(cron, shell=True, env=servers.env, timeout=120)
    assert done.returncode == 0, (servers.checkout / "sync.log").read_text()
    assert "Sync run 2: " in (servers.checkout / "sync.log").read_text()
    assert len(sheet.api_requests()) == 4

    # A restart that wiped the disk; the founder, still signed in, reloads.
    servers.stop_all()
    wipe_sqlite_store(servers.checkout)
    sheet.fail("slow", match="values:batchGet", seconds=SYNC_SECONDS)
    server = servers.start(port)
    pages[0].goto(server.url, wait_until="commit")
    shown = watch_until_dashboard(pages[:1])
    assert "Demo data" not in shown
    assert metric_value(pages[0], "Projects started") == "1"
    close(pages[:1])
    assert len(sheet.api_requests()) == 6  # the data is back within one sync
    assert rows(store_url, "select source, status from sync_runs") == [("sheets", "ok")]


def sync_running(store_url: str) -> bool:
    try:
        return scalar(store_url, "select count(*) from sync_runs where status = 'ok'") == 0
    except sa.exc.OperationalError:  # the store is not created yet
        return True


def test_an_empty_postgresql_database_gets_its_tables_then_the_sheet(
    browser, servers, sheet, postgres_server
):
    url = postgres_server.new_store_url()  # an empty schema: a new, empty database
    schema = sa.engine.make_url(url).query["application_name"]
    try:
        secrets = fill_in(deploy_steps().secrets, sheet.service_account(), url)
        write_secrets(servers.checkout, secrets)
        servers.env["TFC_SHEETS_API_URL"] = sheet.url

        # Two instances sharing the database start at once: one sync between them.
        first, second = servers.start(), servers.start()
        shown = sheet_synced(sheet, browser, [first.url, second.url])
        assert "Syncing the ops spreadsheet" in shown and "Demo data" not in shown
        assert len(sheet.api_requests()) == 2
        assert rows(url, "select source, status from sync_runs") == [("sheets", "ok")]
        assert scalar(url, "select count(*) from alembic_version") == 1

        # The database emptied (every table dropped), one instance restarted.
        servers.stop_all()
        postgres_server.drop(url)
        with postgres_server.admin.connect() as conn:
            conn.execute(sa.text(f"create schema {schema}"))
        server = servers.start()
        shown = sheet_synced(sheet, browser, [server.url])
        assert "Demo data" not in shown
        assert len(sheet.api_requests()) == 4
        assert rows(url, "select source, status from sync_runs") == [("sheets", "ok")]
    finally:
        servers.stop_all()
        postgres_server.drop(url)
