"""`python -m tfc_dash digest`: each role's weekly email, through a real SMTP server on loopback."""

import html
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.dbtools import copy_sqlite_store
from tests.kit_files import png_size
from tests.smtp_server import Handler, SmtpServer, closing_server, free_port, self_signed_cert
from tfc_dash.cli import main
from tfc_dash.core import catalogue
from tfc_dash.core.catalogue import label
from tfc_dash.figures import (
    bottleneck,
    coverage,
    goals,
    kit_queries,
    metrics,
    policy,
    queries,
    staffing,
)
from tfc_dash.figures.filters import STATE_NAMES, Filters
from tfc_dash.kit import digest, drawing, fundraising_kit
from tfc_dash.store import database

FOUNDER, FUNDRAISER, LEAD = "ann@example.org", "fred@example.org", "val@example.org"
AS_OF = date(2018, 8, 31)  # a Friday, two weeks before the demo's last day
APP_URL = "https://tfc.example.org"
PASSWORD = "s3cret-Pa55"


def copy_of(demo_db_url: str, folder: Path) -> str:
    """The demo store, copied: sending records each digest in the store."""
    return copy_sqlite_store(demo_db_url, folder / "tfc.db")


def secrets(folder: Path, port: int, security: str = "none", **extra: str) -> str:
    lines = [
        "[roles]",
        f'founders = ["{FOUNDER}"]',
        f'fundraising = ["{FUNDRAISER}"]',
        "[roles.state_leads]",
        f'"{LEAD}" = ["VA"]',
        "[digest]",
        f'app_url = "{APP_URL}"',
        'host = "127.0.0.1"',
        f"port = {port}",
        f'security = "{security}"',
        'from = "TFC dashboard <digest@example.org>"',
        "timeout = 5",
        *(f'{key} = "{value}"' for key, value in extra.items()),
    ]
    path = folder / "secrets.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def digest_cli(url: str, secrets_path: str, *more: str) -> list[str]:
    return ["digest", "--db", url, "--secrets", secrets_path, "--as-of", AS_OF.isoformat(), *more]


def parts(message) -> tuple[str, str, dict[str, bytes]]:
    """The plain text, the HTML and the inline images (by Content-ID) of a digest."""
    plain = message.get_body(("plain",)).get_content()
    body = message.get_body(("html",)).get_content()
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    return plain, body, images


def error_line(err: str) -> str:
    """The one error line of a run (progress lines aside)."""
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    return line


# --- one send to every role, checked per role --------------------------------------------------
@pytest.fixture(scope="module")
def sent(demo_db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("digest")
    url = copy_of(demo_db_url, folder)
    with SmtpServer(Handler()) as server:
        path = secrets(folder, server.port)
        code = main(digest_cli(url, path, "--send"))
        first = list(server.received)
        again = main(digest_cli(url, path, "--send"))
        second = server.received[len(first) :]
    by_rcpt = {r.rcpt_tos[0]: r.message for r in first}
    return {"url": url, "code": code, "again": again, "second": second, "messages": by_rcpt,
            "received": first}  # fmt: skip


def test_one_email_per_recipient_and_a_second_run_sends_nothing(sent):
    assert sent["code"] == 0
    assert sorted(sent["messages"]) == [FOUNDER, FUNDRAISER, LEAD]
    assert all(len(r.rcpt_tos) == 1 for r in sent["received"])
    assert sent["again"] == 0 and sent["second"] == []
    engine = database.make_engine(sent["url"])
    assert digest.sent_this_week(engine, date(2018, 8, 27)) == {FOUNDER, FUNDRAISER, LEAD}


def test_every_email_says_demo_data_in_its_subject_and_first_line(sent):
    for message in sent["messages"].values():
        plain, body, _ = parts(message)
        assert message["Subject"].startswith("[DEMO DATA, NOT REAL] TFC week of 27 Aug: ")
        assert plain.splitlines()[0].startswith("DEMO DATA, NOT REAL")
        assert "DEMO DATA, NOT REAL" in body.split("<h2", 1)[0]
        assert message["From"] == "TFC dashboard <digest@example.org>"


def test_founders_figures_are_the_progress_pages(sent):
    message = sent["messages"][FOUNDER]
    plain, body, images = parts(message)
    engine = database.make_engine(sent["url"])
    cycle = queries.cycles(engine)[0]
    view = Filters(cycle=cycle)
    goal = goals.goal_for(engine, goals.PROJECTS, cycle)
    pace = metrics.pace_projection(
        queries.project_timeline(engine, view), AS_OF, goal.target, goal.deadline
    )
    assert pace.summary() in plain and html.escape(pace.summary()) in body
    gap = (pace.projected_date - goal.deadline).days
    assert message["Subject"].endswith(
        f"{pace.total} of {goal.target} projects, {abs(gap)} days "
        f"{'behind' if gap > 0 else 'ahead of'} pace"
    )

    def cards(before: date) -> list[catalogue.Scorecard]:
        return metrics.progress_scorecards(
            queries.project_counts(engine, view, AS_OF),
            queries.project_counts(engine, view, before),
            queries.reach_counts(engine, view, AS_OF),
            queries.reach_counts(engine, view, before),
            goal.target,
        )

    def signed(n: int) -> str:
        return f"{n:+,}" if n else "0"

    week = cards(date(2018, 8, 24))
    month = cards(catalogue.change_since(AS_OF))
    for w, m in zip(week, month, strict=True):
        assert f"{w.label} | {w.value:,} | {signed(w.delta)} | {signed(m.delta)}" in plain

    gaps = staffing.understaffed(staffing.running_projects(engine, view, AS_OF))
    assert f"{label('projects_understaffed')}: {len(gaps)}" in plain
    assert f"{label('open_seats')}: {int(gaps['open_seats'].sum())}" in plain
    assert "What limits the pace" in plain and "Last sync" in plain and "Data problems" in plain
    found = bottleneck.limiting_step(engine, view, AS_OF)  # the Progress page's rule
    assert found.sentence in plain and f"{APP_URL}/{found.page}?as_of=2018-08-31" in plain
    assert images == {}
    assert f"href='{APP_URL}/staffing?as_of=2018-08-31'" in body


def test_fundraising_gets_the_kit_inline_and_no_volunteer(sent, demo_db_url):
    message = sent["messages"][FUNDRAISER]
    plain, body, images = parts(message)
    engine = database.make_engine(sent["url"])
    bundle = fundraising_kit.build_kit(
        engine, Filters(cycle=queries.cycles(engine)[0]), AS_OF, png=False
    )
    assert bundle.headline in plain and html.escape(bundle.headline) in body
    funds = kit_queries.crowdfunding(engine, AS_OF)
    raised = catalogue.format_value("crowdfunding_usd", funds.raised)
    assert f"{label('crowdfunding_usd')}: {raised}" in plain

    drawn = [c for c in bundle.charts if c.ready]
    assert len(images) == len(drawn) == 5
    for cid in images:
        assert f"src='cid:{cid}'" in body
    sizes = sorted(png_size(drawing.chart_png(c)) for c in drawn)
    assert sorted(png_size(d) for d in images.values()) == sizes
    assert all(w >= 600 and h >= 300 for w, h in sizes)

    with sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as db:
        people = db.execute("select name, email from volunteers").fetchall()
    text = plain + body
    assert len(people) > 1000
    leaked = [v for person in people for v in person if v and v in text]
    assert leaked == []


def test_a_state_lead_gets_their_states_only(sent):
    message = sent["messages"][LEAD]
    plain, body, images = parts(message)
    engine = database.make_engine(sent["url"])
    cycle = queries.cycles(engine)[0]
    cycles = coverage.chamber_cycles(engine, Filters(states=("VA",)), "lower")
    shown, _ = coverage.view_cycle(cycle, cycles)
    races = coverage.chamber_races(
        engine, Filters(cycle=shown, states=("VA",)), "VA", "lower", AS_OF
    )
    results = coverage.chamber_results(races)
    assert f"{label('legislative_races')}: {results['races']}" in plain
    assert f"{label('legislative_races_won')}: {results['won']}" in plain
    for candidate in races["candidate"]:
        assert html.escape(candidate) in body
    assert "targets without a project" in plain
    assert f"href='{APP_URL}/states?state=VA&amp;as_of=2018-08-31&amp;chamber=lower'" in body

    with sqlite3.connect(sent["url"].removeprefix("sqlite:///")) as db:
        rows = db.execute("select state, candidate from campaigns").fetchall()
    mine = {c for s, c in rows if s == "VA"}
    others = {c for s, c in rows if s != "VA"} - mine
    assert others and not [c for c in others if c in plain or c in body]
    names = [n for code, n in STATE_NAMES.items() if code != "VA"]
    assert not [n for n in names if n in plain.replace("West Virginia", "")]
    assert images == {}


# --- security and faults ------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_with_a_login(security, demo_db_url, tmp_path, capsys):
    cert = self_signed_cert(tmp_path)
    url = copy_of(demo_db_url, tmp_path)
    with SmtpServer(Handler(), security, cert, login=("digest", PASSWORD)) as server:
        path = secrets(tmp_path, server.port, security, user="digest", password=PASSWORD,
                       cafile=str(cert[0]))  # fmt: skip
        assert main(digest_cli(url, path, "--send", "--to", FOUNDER)) == 0
        assert [r.rcpt_tos for r in server.received] == [[FOUNDER]]
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    assert "Sent 1 of 1 digests for the week of 2018-08-27." in out


def test_a_certificate_the_client_does_not_trust_is_one_line(demo_db_url, tmp_path, capsys):
    cert = self_signed_cert(tmp_path)
    url = copy_of(demo_db_url, tmp_path)
    with SmtpServer(Handler(), "starttls", cert) as server:
        path = secrets(tmp_path, server.port, "starttls")
        assert main(digest_cli(url, path, "--send", "--to", FOUNDER)) == 1
        assert server.received == []
    line = error_line(capsys.readouterr().err)
    assert "does not trust (self-signed certificate)" in line and "[digest] cafile" in line


def test_a_wrong_password_fails_in_one_line_without_printing_it(demo_db_url, tmp_path, capsys):
    cert = self_signed_cert(tmp_path)
    url = copy_of(demo_db_url, tmp_path)
    with SmtpServer(Handler(), "starttls", cert, login=("digest", PASSWORD)) as server:
        wrong = "not-the-Pa55word"
        path = secrets(tmp_path, server.port, "starttls", user="digest", password=wrong,
                       cafile=str(cert[0]))  # fmt: skip
        assert main(digest_cli(url, path, "--send", "--to", FOUNDER)) == 1
        assert server.received == []
    out, err = capsys.readouterr()
    line = error_line(err)
    assert line.startswith("error: the mail server at 127.0.0.1:")
    assert "refused the login of 'digest'" in line and "535" in line
    assert wrong not in out + err and PASSWORD not in out + err
    assert digest.sent_this_week(database.make_engine(url), date(2018, 8, 27)) == set()


def test_a_refused_recipient_is_reported_and_the_others_still_go(demo_db_url, tmp_path, capsys):
    url = copy_of(demo_db_url, tmp_path)
    with SmtpServer(Handler(refuse={FOUNDER})) as server:
        path = secrets(tmp_path, server.port)
        assert main(digest_cli(url, path, "--send", "--to", FOUNDER, "--to", LEAD)) == 3
        assert [r.rcpt_tos for r in server.received] == [[LEAD]]
    out, err = capsys.readouterr()
    assert f"refused: {FOUNDER}: 550 5.1.1 No such mailbox here" in err
    assert "Sent 1 of 2 digests for the week of 2018-08-27; 1 refused." in out
    assert digest.sent_this_week(database.make_engine(url), date(2018, 8, 27)) == {LEAD}


def test_a_server_that_closes_the_connection_fails_in_one_line(demo_db_url, tmp_path, capsys):
    url = copy_of(demo_db_url, tmp_path)
    with closing_server() as port:
        path = secrets(tmp_path, port)
        assert main(digest_cli(url, path, "--send", "--to", FOUNDER)) == 1
    line = error_line(capsys.readouterr().err)
    assert line.startswith(f"error: the mail server at 127.0.0.1:{port} did not answer")
    assert "nothing was sent" in line


def test_no_server_at_all_fails_in_one_line(demo_db_url, tmp_path, capsys):
    url = copy_of(demo_db_url, tmp_path)
    path = secrets(tmp_path, free_port())
    assert main(digest_cli(url, path, "--send", "--to", FOUNDER)) == 1
    assert "did not answer" in error_line(capsys.readouterr().err)


def test_a_connection_dropped_midway_sends_only_the_rest_next_time(demo_db_url, tmp_path, capsys):
    url = copy_of(demo_db_url, tmp_path)
    args = ["--send", "--to", FOUNDER, "--to", LEAD]
    with SmtpServer(Handler(drop_at=2)) as server:
        path = secrets(tmp_path, server.port)
        assert main(digest_cli(url, path, *args)) == 1
        assert [r.rcpt_tos for r in server.received] == [[FOUNDER]]
    err = capsys.readouterr().err
    assert "closed the connection after 1 of 2 digest(s)" in error_line(err)
    with SmtpServer(Handler()) as server:
        path = secrets(tmp_path, server.port)
        assert main(digest_cli(url, path, *args)) == 0
        assert [r.rcpt_tos for r in server.received] == [[LEAD]]
    assert f"note: already sent to {FOUNDER}" in capsys.readouterr().err


# --- files, usage, settings ----------------------------------------------------------------------
def test_without_send_it_writes_eml_files_and_sends_nothing(demo_db_url, tmp_path, capsys):
    url = copy_of(demo_db_url, tmp_path)
    path = secrets(tmp_path, free_port())
    out_dir = tmp_path / "out"
    assert main(digest_cli(url, path, "--out", str(out_dir), "--to", LEAD)) == 0
    assert [p.name for p in out_dir.iterdir()] == [f"digest-2018-08-27-{LEAD}.eml"]
    assert "Wrote 1 digests" in capsys.readouterr().out
    assert digest.sent_this_week(database.make_engine(url), date(2018, 8, 27)) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "pass --out DIR"),
        (["--out", "x", "--to", "nobody@example.org"], "not in [roles]"),
        (["--out", "x", "--as-of", "2030-01-01"], "outside the data"),
    ],
)
def test_bad_usage_exits_2(args, message, demo_db_url, tmp_path, capsys):
    path = secrets(tmp_path, free_port())
    argv = ["digest", "--db", demo_db_url, "--secrets", path, *args]
    assert main([a if a != "x" else str(tmp_path / "x") for a in argv]) == 2
    assert message in capsys.readouterr().err


def test_sending_needs_a_host_and_says_so(demo_db_url, tmp_path, capsys):
    path = tmp_path / "secrets.toml"
    path.write_text(f'[roles]\nfounders = ["{FOUNDER}"]\n[digest]\napp_url = "{APP_URL}"\n')
    assert main(["digest", "--db", demo_db_url, "--secrets", str(path), "--send"]) == 1
    assert "[digest] needs host, from" in capsys.readouterr().err


def test_settings_never_show_the_password():
    settings = digest.DigestSettings.from_secrets(
        {"app_url": APP_URL, "host": "smtp.example.org", "from": "a@b.c", "password": PASSWORD},
        sending=True,
    )
    assert settings.port == 587 and settings.security == "starttls"
    assert PASSWORD not in repr(settings)
    with pytest.raises(Exception, match="security is 'ssl'"):
        digest.DigestSettings.from_secrets({"security": "ssl"}, sending=False)


HOSTILE = "<img src=x onerror=alert(1)> & Co"


@pytest.fixture
def small_store(make_store) -> str:
    """One running project short of volunteers, its names carrying HTML."""
    return make_store(
        campaigns=[{"campaign_id": "C1", "candidate": HOSTILE, "party": "D", "state": "PA",
                    "chamber": "lower", "district": "1", "election_date": "2018-11-06",
                    "cycle": 2018, "result": "pending"}],
        projects=[{"project_id": "P1", "campaign_id": "C1", "name": f"Site {HOSTILE}",
                   "category": "digital_basics", "status": "active",
                   "start_date": "2018-06-01", "volunteers_needed": 3}],
    )  # fmt: skip


def test_sheet_text_is_escaped_in_the_html(small_store):
    engine = database.make_engine(small_store)
    founder = policy.Viewer(policy.Role.FOUNDER, FOUNDER)
    (made,) = digest.build_digests(engine, [founder], date(2018, 6, 1), APP_URL)
    body = made.html()
    assert "<img src=x" not in body and html.escape(f"Site {HOSTILE}") in body
    assert f"Site {HOSTILE}" in made.plain_text()
    assert not made.is_demo and not made.subject.startswith("[")


def test_sends_are_recorded_in_either_store(small_store):
    engine = database.make_engine(small_store)
    founder = policy.Viewer(policy.Role.FOUNDER, FOUNDER.upper())
    made = digest.build_digests(engine, [founder], date(2018, 6, 1), APP_URL)
    with SmtpServer(Handler()) as server:
        settings = digest.DigestSettings.from_secrets(
            {"app_url": APP_URL, "host": "127.0.0.1", "port": server.port, "security": "none",
             "from": "digest@example.org"},
            sending=True,
        )  # fmt: skip
        assert digest.send_digests(engine, made, settings).sent == [FOUNDER.upper()]
        assert digest.send_digests(engine, made, settings).already == [FOUNDER.upper()]
        assert len(server.received) == 1
    assert digest.sent_this_week(engine, date(2018, 5, 28)) == {FOUNDER}


def test_links_name_the_pages_as_the_app_routes_them():
    app = (Path(__file__).resolve().parent.parent / "app.py").read_text()
    for page in policy.ALL_PAGES:  # st.Page's address is its file's name
        assert re.search(rf'"{page}",\s*"pages/{page}\.py"', app), page
    assert f'default=key == "{digest.HOME_PAGE}"' in app
    assert {digest.page_path(p) for p in policy.DIGEST_SECTIONS.values()} <= {"", *policy.ALL_PAGES}
