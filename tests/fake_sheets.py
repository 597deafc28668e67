"""A fake Google Sheets API v4 on loopback, for tests and benchmarks.

It answers the requests the dashboard (and gspread) make: spreadsheet metadata, ``values.get``,
``values:batchGet`` and the OAuth token endpoint, in the shapes the real API uses (checked against
recorded responses in tests/test_fake_sheets.py): rows are ragged (trailing empty cells omitted),
``values`` is absent for an empty range, ranges come back quoted when needed and bounded by the
grid, ``UNFORMATTED_VALUE`` gives dates as serial numbers, and errors carry an ``error`` object.

The token endpoint checks the service account's signed JWT with the public half of the key the
test generated, so the real sign-in path of google-auth runs. Faults can be queued: HTTP statuses
(with ``Retry-After``), a stall past the client's timeout, a dropped connection, a malformed or a
truncated body; or a slow answer (``"slow"``: the right answer after ``seconds``).
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

EPOCH = date(1899, 12, 30)
SCOPE_READ = "https://www.googleapis.com/auth/spreadsheets.readonly"


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: ``FORMULA`` shows the text, the other options its value."""

    text: str
    value: Any


@dataclass
class FakeTab:
    title: str
    sheet_id: int
    cells: list[list[Any]]
    rows: int = 1000
    cols: int = 26

    def __post_init__(self) -> None:
        self.rows = max(self.rows, len(self.cells))
        self.cols = max(self.cols, max((len(r) for r in self.cells), default=0))


@dataclass
class FakeSpreadsheet:
    key: str
    title: str
    tabs: list[FakeTab]
    shared_with: set[str] | None = None  # None: every service account may read it
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"


@dataclass
class Fault:
    kind: str  # "status", "stall", "drop", "malformed", "truncated", "slow" (then answers)
    status: int = 500
    retry_after: str | None = None
    body: dict[str, Any] | None = None
    match: str = ""  # only requests whose path contains this
    seconds: float = 2.0
    release: threading.Event | None = None  # "slow": answer as soon as this is set


@functools.cache
def generate_key(slot: int = 0) -> tuple[str, Any]:
    """A throwaway RSA key: (private key PEM for the service account, public key).

    Made once per test process and ``slot`` (2048-bit keys take a moment to generate).
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def a1_title(title: str) -> str:
    """The title as the API writes it in a range: bare when it is a plain word, else quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]+[Cc][0-9]+", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


def _render(value: Any, value_option: str, date_option: str) -> Any:
    if isinstance(value, Formula):
        if value_option == "FORMULA":
            return value.text
        value = value.value
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return value if value_option != "FORMATTED_VALUE" else ("TRUE" if value else "FALSE")
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if value_option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
            return day.isoformat()
        return (day - EPOCH).days
    if isinstance(value, int | float):
        if value_option == "FORMATTED_VALUE":
            return _format_number(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    return str(value)


def _format_number(value: float) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class FakeSheetsServer:
    """``with FakeSheetsServer() as fake:`` serves on ``fake.url`` until the block ends."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, FakeSpreadsheet] = {}
        self.public_keys: dict[str, Any] = {}  # client_email -> RSA public key
        self.tokens: dict[str, str] = {}  # access token -> client_email
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str]] = []  # (method, path with query)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- setup --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def service_account(
        self, email: str = "dashboard@tfc-test.iam.gserviceaccount.com", key_slot: int = 0
    ) -> dict:
        """A service account's JSON key whose token_uri is this server (a throwaway RSA key)."""
        pem, public = generate_key(key_slot)
        self.public_keys[email] = public
        return {
            "type": "service_account",
            "project_id": "tfc-test",
            "private_key_id": "test-key-1",
            "private_key": pem,
            "client_email": email,
            "client_id": "1234567890",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": f"{self.url}/token",
        }

    def add(self, spreadsheet: FakeSpreadsheet) -> FakeSpreadsheet:
        self.spreadsheets[spreadsheet.key] = spreadsheet
        return spreadsheet

    def fail(self, kind: str, times: int = 1, **options: Any) -> None:
        with self.lock:
            self.faults.extend(Fault(kind, **options) for _ in range(times))

    def api_requests(self) -> list[tuple[str, str]]:
        """Requests to the Sheets API (the token endpoint left out)."""
        return [r for r in self.log if r[1].startswith("/v4/")]

    def __enter__(self) -> FakeSheetsServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    # --- answers ------------------------------------------------------------------------------
    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for i, fault in enumerate(self.faults):
                if fault.match in path:
                    return self.faults.pop(i)
        return None

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        grant = form.get("grant_type", [""])[0]
        assertion = form.get("assertion", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" or assertion.count(".") != 2:
            return 400, {"error": "invalid_grant", "error_description": "Bad request."}
        head, payload, signature = assertion.split(".")
        try:
            claims = json.loads(_b64decode(payload))
            header = json.loads(_b64decode(head))
        except ValueError:
            return 400, {"error": "invalid_grant", "error_description": "Malformed JWT."}
        public = self.public_keys.get(claims.get("iss", ""))
        if public is None or header.get("alg") != "RS256":
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        try:
            public.verify(
                _b64decode(signature),
                f"{head}.{payload}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:  # cryptography's InvalidSignature
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        # google-auth addresses the grant to Google's token endpoint whatever the token_uri.
        audiences = {f"{self.url}/token", "https://oauth2.googleapis.com/token"}
        if claims.get("aud") not in audiences or claims.get("exp", 0) < time.time():
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT claims."}
        token = f"ya29.fake-{len(self.tokens) + 1}"
        self.tokens[token] = claims["iss"]
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def api(self, path: str, query: dict[str, list[str]], auth: str) -> tuple[int, Any]:
        email = self.tokens.get(auth.removeprefix("Bearer ").strip())
        if email is None:
            return 401, _error(
                401,
                "Request is missing required authentication credential. "
                "Expected OAuth 2 access token.",
                "UNAUTHENTICATED",
            )
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(/values/(.+)|/values:batchGet)?", path)
        if not match:
            return 404, _error(404, "Requested entity was not found.", "NOT_FOUND")
        sheet = self.spreadsheets.get(match.group(1))
        if sheet is None:
            return 404, _error(404, "Requested entity was not found.", "NOT_FOUND")
        if sheet.shared_with is not None and email not in sheet.shared_with:
            return 403, _error(403, "The caller does not have permission", "PERMISSION_DENIED")
        value_option = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        date_option = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
        if match.group(2) is None:
            return 200, self.metadata(sheet)
        if match.group(3) is not None:
            return self.values(
                sheet, urllib.parse.unquote(match.group(3)), value_option, date_option
            )
        ranges = query.get("ranges", [])
        out = []
        for name in ranges:
            status, body = self.values(sheet, name, value_option, date_option)
            if status != 200:
                return status, body
            out.append(body)
        return 200, {"spreadsheetId": sheet.key, "valueRanges": out}

    def metadata(self, sheet: FakeSpreadsheet) -> dict[str, Any]:
        return {
            "spreadsheetId": sheet.key,
            "properties": {
                "title": sheet.title,
                "locale": sheet.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": sheet.time_zone,
            },
            "sheets": [
                {
                    "properties": {
                        "sheetId": tab.sheet_id,
                        "title": tab.title,
                        "index": i,
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": tab.rows, "columnCount": tab.cols},
                    }
                }
                for i, tab in enumerate(sheet.tabs)
            ],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{sheet.key}/edit",
        }

    def values(
        self, sheet: FakeSpreadsheet, a1: str, value_option: str, date_option: str
    ) -> tuple[int, dict[str, Any]]:
        title, _, bounds = _split_range(a1)
        tab = next((t for t in sheet.tabs if t.title == title), None)
        if tab is None:
            return 400, _error(400, f"Unable to parse range: {a1}", "INVALID_ARGUMENT")
        parsed = _bounds(bounds, tab)
        if parsed is None:
            return 400, _error(400, f"Unable to parse range: {a1}", "INVALID_ARGUMENT")
        r0, c0, r1, c1 = parsed
        rows = []
        for r in range(r0, min(r1, len(tab.cells) - 1) + 1):
            row = tab.cells[r][c0 : c1 + 1]
            rendered = [_render(v, value_option, date_option) for v in row]
            while rendered and rendered[-1] == "":
                rendered.pop()
            rows.append(rendered)
        while rows and not rows[-1]:
            rows.pop()
        body: dict[str, Any] = {
            "range": f"{a1_title(tab.title)}!{column_letters(c0)}{r0 + 1}:"
            f"{column_letters(c1)}{r1 + 1}",
            "majorDimension": "ROWS",
        }
        if rows:
            body["values"] = rows
        return 200, body


def _error(code: int, message: str, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


def _split_range(a1: str) -> tuple[str, str, str]:
    """``'My tab'!A1:B2`` -> (``My tab``, ``!``, ``A1:B2``); a bare title has no bounds."""
    if a1.startswith("'"):
        end = 1
        title = ""
        while end < len(a1):
            ch = a1[end]
            if ch == "'":
                if a1[end + 1 : end + 2] == "'":
                    title += "'"
                    end += 2
                    continue
                break
            title += ch
            end += 1
        rest = a1[end + 1 :]
        return title, "!", rest.removeprefix("!")
    if "!" in a1:
        title, _, bounds = a1.rpartition("!")
        return title, "!", bounds
    return a1, "", ""


def _bounds(text: str, tab: FakeTab) -> tuple[int, int, int, int] | None:
    """Zero-based inclusive (row0, col0, row1, col1) of an A1 range within the tab's grid."""
    if not text:
        return 0, 0, tab.rows - 1, tab.cols - 1
    parts = text.split(":")
    if len(parts) > 2:
        return None
    cells = []
    for part in parts:
        m = re.fullmatch(r"([A-Za-z]*)([0-9]*)", part)
        if not m or not (m.group(1) or m.group(2)):
            return None
        cells.append(m.groups())
    (ca, ra), (cb, rb) = cells[0], cells[-1]
    c0 = column_index(ca) if ca else 0
    c1 = column_index(cb) if cb else tab.cols - 1
    r0 = int(ra) - 1 if ra else 0
    r1 = int(rb) - 1 if rb else tab.rows - 1
    return r0, c0, min(r1, tab.rows - 1), min(c1, tab.cols - 1)


def _handler(fake: FakeSheetsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _fault(self) -> bool:
            fault = fake.take_fault(self.path)
            if fault is None:
                return False
            if fault.kind == "slow":
                if fault.release is not None:
                    fault.release.wait(fault.seconds)
                else:
                    time.sleep(fault.seconds)
                return False  # then answer as usual
            if fault.kind == "status":
                body = fault.body or _error(fault.status, "Fault injected.", "UNAVAILABLE")
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(fault.status, body, headers)
            elif fault.kind == "stall":
                time.sleep(fault.seconds)
                self.close_connection = True
            elif fault.kind == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif fault.kind == "malformed":
                data = b"<html><body>502 Bad Gateway</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif fault.kind == "truncated":
                data = b'{"spreadsheetId": "x", "valueRanges": [{"range": "Pro'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) + 5000))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            return True

        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            with fake.lock:
                fake.log.append(("GET", self.path))
            if self._fault():
                return
            query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
            status, body = fake.api(parsed.path, query, self.headers.get("Authorization", ""))
            self._send(status, body)

        def do_POST(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            with fake.lock:
                fake.log.append(("POST", self.path))
            if parsed.path != "/token":
                self._send(404, _error(404, "Not found.", "NOT_FOUND"))
                return
            status, body = fake.token(form)
            self._send(status, body)

    return Handler


def tab_from_frame(
    title: str,
    sheet_id: int,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> FakeTab:
    return FakeTab(title, sheet_id, [list(header), *[list(r) for r in rows]])


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()  # numpy scalar
    return value


def spreadsheet_from_frames(
    key: str, frames: dict[str, Any], title: str = "TFC ops", headers: str = "titles"
) -> FakeSpreadsheet:
    """A spreadsheet holding ``frames`` (one DataFrame per store table), one tab per contract tab.

    ``headers="titles"`` writes headers the way ops would ("Project ID"), to exercise matching.
    """
    from tfc_dash.ingest.contract import TABS

    tabs = []
    for sheet_id, tab in enumerate(TABS):
        frame = frames.get(tab.table)
        if frame is None:
            continue
        names = [c.name for c in tab.columns]
        shown = [n.replace("_", " ").title() if headers == "titles" else n for n in names]
        present = [n for n in names if n in frame.columns]
        rows = [
            [_cell(v) for v in row]
            for row in frame.reindex(columns=present).itertuples(index=False, name=None)
        ]
        header = [shown[names.index(n)] for n in present]
        tabs.append(FakeTab(tab.name, 1000 + sheet_id * 7919, [header, *rows]))
    return FakeSpreadsheet(key, title, tabs)


SPREADSHEET_KEY = "1TfcOpsSheetForTests0000000000000000000000ab"


def reader_for(
    fake: FakeSheetsServer,
    key: str = SPREADSHEET_KEY,
    account: dict | None = None,
    attempts: int = 3,
    timeout: float = 5.0,
    sleeps: list | None = None,
) -> Any:
    """A SheetsReader on ``fake`` with real gspread and a fresh service account.

    Retry delays are recorded in ``sleeps`` instead of slept, so fault tests stay fast.
    """
    from tfc_dash.ingest import sheets, sheets_api

    settings = sheets.SheetsSettings(
        key,
        account or fake.service_account(),
        api_url=fake.url,
        timeout=(timeout, timeout),
        retry=sheets_api.RetryPolicy(attempts=attempts),
    )
    record = sleeps if sleeps is not None else []
    return sheets.SheetsReader(settings, sleep=record.append, rng=lambda: 0.5)


def gsheets_secrets(fake: FakeSheetsServer, key: str = SPREADSHEET_KEY, **extra: Any) -> dict:
    """The app's secrets for the spreadsheet ``key`` on ``fake`` (``[connections.gsheets]``, a
    fresh service account's fields and ``extra``); the app reaches ``fake`` when
    ``TFC_SHEETS_API_URL`` is its URL."""
    return {"connections": {"gsheets": {"spreadsheet": key, **fake.service_account(), **extra}}}


def write_secrets(
    path: Path, account: dict, key: str = SPREADSHEET_KEY, sync: dict | None = None
) -> Path:
    """A ``secrets.toml`` at ``path`` for the spreadsheet ``key`` read with ``account`` (a
    service account's fields), and a ``[sync]`` section with ``sync``'s settings; returns
    ``path``."""
    lines = ["[connections.gsheets]", f"spreadsheet = {json.dumps(key)}"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in account.items()]
    if sync:
        lines += ["", "[sync]", *(f"{k} = {json.dumps(v)}" for k, v in sync.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def small_workbook() -> dict[str, list[list[Any]]]:
    """A small, valid spreadsheet: tab title -> rows (header first)."""
    return {
        "Campaigns": [
            ["campaign_id", "candidate", "party", "state", "chamber", "district",
             "election_date", "result"],
            ["C1", "Ann Lee", "D", "VA", "lower", "13", date(2017, 11, 7), "won"],
            ["C2", "Bo Park", "D", "PA", "upper", 5, date(2018, 11, 6), "pending"],
        ],
        "Projects": [
            ["project_id", "campaign_id", "name", "category", "status", "start_date",
             "end_date", "completed_date", "volunteers_needed"],
            ["P1", "C1", "Lee: site", "digital_basics", "completed", date(2017, 8, 1),
             date(2017, 9, 1), date(2017, 9, 1), 3],
            ["P2", "C2", "Park: texting", "social_digital", "active", date(2018, 9, 1),
             date(2018, 10, 15), None, 4],
        ],
        "Volunteers": [
            ["volunteer_id", "name", "email", "home_state", "skills", "hours_per_week",
             "signed_up", "status"],
            ["V000001", "Cy Diaz", "cy@example.org", "CA", "sql", 5, date(2017, 1, 20), "active"],
            ["V000002", "Di Evans", "di@example.org", "NY", "design", 8, date(2018, 2, 1),
             "active"],
        ],
        "Assignments": [
            ["project_id", "volunteer_id", "role", "hours_per_week", "start_date", "end_date"],
            ["P1", "V000001", "lead", 5, date(2017, 8, 1), date(2017, 9, 1)],
            ["P2", "V000002", "member", 4, date(2018, 9, 2), None],
        ],
        "Outcomes": [
            ["project_id", "metric", "value", "as_of"],
            ["P2", "texts_sent", 12000, date(2018, 9, 14)],
        ],
        "Districts": [
            ["state", "chamber", "district", "winnability", "targeted", "incumbent_party"],
            ["VA", "lower", "13", 61.5, True, "R"],
        ],
        "Fundraising": [
            ["date", "raised_usd", "backers", "goal_usd"],
            [date(2018, 8, 6), 30000, 350, 250000],
        ],
    }  # fmt: skip


def spreadsheet_from_rows(
    tabs: dict[str, list[list[Any]]], key: str = SPREADSHEET_KEY, title: str = "TFC ops"
) -> FakeSpreadsheet:
    return FakeSpreadsheet(
        key, title, [FakeTab(name, 100 + i, rows) for i, (name, rows) in enumerate(tabs.items())]
    )
