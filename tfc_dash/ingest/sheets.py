"""Reading the ops spreadsheet from the Google Sheets API v4, on gspread 6, without Streamlit.

A read costs two API requests whatever the number of tabs: one metadata request (the tab titles
and ids) and one ``values:batchGet`` for every contract tab at once. The spreadsheet is opened by
key, never by title (a title lookup goes through the Drive API and needs wider scopes).

The API's address comes from ``TFC_SHEETS_API_URL`` (default Google's), so the app, the CLI and
the tests can talk to a Sheets-compatible server on loopback. gspread binds Google's addresses at
import, so :class:`SheetsHTTPClient` rewrites them on the way out.

Why ``UNFORMATTED_VALUE`` with ``SERIAL_NUMBER`` dates: formatted values depend on each cell's
display format and on the spreadsheet's locale (``9/14/2018`` in one, ``14/09/2018`` in another),
and they are rounded to what the cell shows (a vote share of 0.5386 shown as ``54%``).
Unformatted values are the numbers themselves, booleans as booleans, and dates as serial numbers
that mean one day whatever the locale. Text cells (IDs typed as ``V000123`` or ``'00123``) come
back as text either way, so their leading zeros survive.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tfc_dash.ingest.sheets_api import (
    GOOGLE_SHEETS_API,
    RetryPolicy,
    SheetsAccessError,
    SheetsConfigError,
    SheetsError,
    SheetsResponseError,
    _api_message,
    _short,
)

# gspread and Google's auth libraries are imported when a sheet is read
# (tfc_dash.ingest.sheets_http): they take about 0.15 s to import, which every page's first run
# would otherwise pay, with or without a spreadsheet configured.
if TYPE_CHECKING:
    import requests
    from gspread.exceptions import APIError

    from tfc_dash.ingest.sheets_http import SheetsHTTPClient

API_URL_ENV = "TFC_SHEETS_API_URL"
READONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
VALUE_RENDER_OPTION = "UNFORMATTED_VALUE"
DATE_TIME_RENDER_OPTION = "SERIAL_NUMBER"
SERVICE_ACCOUNT_KEYS = (
    "type",
    "project_id",
    "private_key_id",
    "private_key",
    "client_email",
    "client_id",
    "auth_uri",
    "token_uri",
    "auth_provider_x509_cert_url",
    "client_x509_cert_url",
    "universe_domain",
)
_KEY_RE = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")
_BARE_KEY_RE = re.compile(r"^[a-zA-Z0-9-_]{20,}$")


@dataclass(frozen=True)
class SheetsSettings:
    spreadsheet_id: str
    # Never in a repr: the service account holds the private key.
    service_account: Mapping[str, Any] = field(repr=False)
    api_url: str = GOOGLE_SHEETS_API
    timeout: tuple[float, float] = (10.0, 60.0)  # connect, read
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def client_email(self) -> str:
        return str(self.service_account.get("client_email") or "the service account")

    @property
    def spreadsheet_url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"


def spreadsheet_key(spreadsheet: str) -> str:
    """The key of a spreadsheet given as its URL or as the key itself."""
    text = spreadsheet.strip()
    match = _KEY_RE.search(text)
    if match:
        return match.group(1)
    if _BARE_KEY_RE.match(text):
        return text
    raise SheetsConfigError(
        f"{text!r} is neither a Google Sheets URL nor a spreadsheet key.",
        "Set spreadsheet in [connections.gsheets] to the sheet's URL "
        "(https://docs.google.com/spreadsheets/d/KEY/edit).",
    )


def settings_from_secrets(
    section: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
) -> SheetsSettings:
    """Settings from a ``[connections.gsheets]`` section (the keys of Streamlit's own GSheets
    connection: ``spreadsheet`` and the service account's fields)."""
    env = os.environ if env is None else env
    if not section:
        raise SheetsConfigError(
            "No spreadsheet is configured.",
            "Add a [connections.gsheets] section to .streamlit/secrets.toml (see the README).",
        )
    if not section.get("spreadsheet"):
        raise SheetsConfigError(
            "[connections.gsheets] has no spreadsheet.",
            "Set spreadsheet to the sheet's URL or key.",
        )
    missing = [k for k in ("private_key", "client_email", "token_uri") if not section.get(k)]
    if missing:
        raise SheetsConfigError(
            f"[connections.gsheets] lacks the service account's {', '.join(missing)}.",
            "Paste the fields of the service account's JSON key (see the README).",
        )
    account = {k: section[k] for k in SERVICE_ACCOUNT_KEYS if section.get(k) is not None}
    account.setdefault("type", "service_account")
    if account["type"] != "service_account":
        raise SheetsConfigError(
            f"[connections.gsheets] type is {account['type']!r}.",
            'The dashboard reads with a service account: type = "service_account".',
        )
    api_url = str(env.get(API_URL_ENV) or section.get("api_url") or GOOGLE_SHEETS_API)
    timeout = float(section.get("timeout_seconds", 60))
    return SheetsSettings(
        spreadsheet_id=spreadsheet_key(str(section["spreadsheet"])),
        service_account=account,
        api_url=api_url.rstrip("/"),
        timeout=(min(10.0, timeout), timeout),
    )


def quote_title(title: str) -> str:
    """A tab title as an A1 range: always quoted, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


@dataclass
class SheetTab:
    title: str
    sheet_id: int
    values: list[list[Any]]


@dataclass
class Workbook:
    spreadsheet_id: str
    title: str
    tabs: list[SheetTab]
    requests: int
    all_titles: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"


class SheetsReader:
    """Reads the configured spreadsheet: two requests, whatever the number of tabs."""

    def __init__(
        self,
        settings: SheetsSettings,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.sleep = sleep
        self.rng = rng

    def _client(self) -> SheetsHTTPClient:
        import gspread
        from google.auth.exceptions import GoogleAuthError

        from tfc_dash.ingest.sheets_http import SheetsHTTPClient

        settings, sleep, rng = self.settings, self.sleep, self.rng

        class Client(SheetsHTTPClient):
            """The client gspread makes (it takes a class), with this connection's settings."""

            def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
                super().__init__(
                    auth,
                    session,
                    api_url=settings.api_url,
                    retry=settings.retry,
                    sleep=sleep,
                    rng=rng,
                )

        try:
            client = gspread.service_account_from_dict(
                dict(settings.service_account),
                scopes=READONLY_SCOPES,
                http_client=Client,
            )
        except (ValueError, KeyError, GoogleAuthError) as exc:
            raise SheetsConfigError(
                f"The service account in [connections.gsheets] cannot be used: {_short(exc)}.",
                "Paste the fields of the service account's JSON key exactly (see the README).",
            ) from exc
        http = client.http_client
        assert isinstance(http, SheetsHTTPClient)
        http.set_timeout(settings.timeout)
        return http

    def read(self, wanted: Callable[[str], bool] = lambda _title: True) -> Workbook:
        """The titles of every tab, and the values of the tabs ``wanted`` accepts.

        Raises SheetsError (or a subclass) when the sheet cannot be read.
        """
        http = self._client()
        try:
            return self._read(http, wanted)
        except SheetsError as exc:
            exc.requests = http.requests
            raise

    def _read(self, http: SheetsHTTPClient, wanted: Callable[[str], bool]) -> Workbook:
        import gspread
        from google.auth.exceptions import GoogleAuthError
        from gspread.exceptions import APIError

        key = self.settings.spreadsheet_id
        try:
            meta = self._json(
                http.request(
                    "get",
                    gspread.urls.SPREADSHEET_URL % key,
                    params={
                        "includeGridData": "false",
                        "fields": "spreadsheetId,properties.title,sheets.properties",
                    },
                ),
                "spreadsheet metadata",
            )
            sheets = self._sheets(meta)
            chosen = [s for s in sheets if wanted(s["title"])]
            batch: list[Any] = []
            if chosen:
                body = self._json(
                    http.request(
                        "get",
                        gspread.urls.SPREADSHEET_VALUES_BATCH_URL % key,
                        params={
                            "ranges": [quote_title(s["title"]) for s in chosen],
                            "majorDimension": "ROWS",
                            "valueRenderOption": VALUE_RENDER_OPTION,
                            "dateTimeRenderOption": DATE_TIME_RENDER_OPTION,
                        },
                    ),
                    "values:batchGet",
                )
                ranges = body.get("valueRanges") if isinstance(body, dict) else None
                if not isinstance(ranges, list) or len(ranges) != len(chosen):
                    raise SheetsResponseError(
                        "Google Sheets answered values:batchGet without one value range per "
                        "tab asked for.",
                        "Try again; if it persists, the API has changed.",
                    )
                batch = ranges
        except APIError as exc:
            raise self._api_error(exc) from exc
        except GoogleAuthError as exc:
            raise SheetsAccessError(
                f"Could not sign in as the service account {self.settings.client_email}: "
                f"{_short(exc)}.",
                "Check the service account's key in [connections.gsheets]; it may have been "
                "revoked.",
            ) from exc
        tabs = []
        for sheet, value_range in zip(chosen, batch, strict=True):
            values = value_range.get("values", []) if isinstance(value_range, dict) else None
            if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
                raise SheetsResponseError(
                    f"Google Sheets sent the {sheet['title']} tab in an unexpected shape.",
                    "Try again; if it persists, the API has changed.",
                )
            tabs.append(SheetTab(sheet["title"], sheet["id"], values))
        return Workbook(
            spreadsheet_id=key,
            title=str(meta.get("properties", {}).get("title", "")),
            tabs=tabs,
            requests=http.requests,
            all_titles=[s["title"] for s in sheets],
        )

    def _json(self, response: requests.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise SheetsResponseError(
                f"Google Sheets sent a malformed answer to the {what} request "
                f"({len(response.content):,} bytes that are not JSON).",
                "Nothing was written; the next sync will try again.",
            ) from exc

    def _sheets(self, meta: Any) -> list[dict[str, Any]]:
        try:
            return [
                {"title": str(s["properties"]["title"]), "id": int(s["properties"]["sheetId"])}
                for s in meta["sheets"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise SheetsResponseError(
                "Google Sheets sent spreadsheet metadata without its tabs.",
                "Try again; if it persists, the API has changed.",
            ) from exc

    def _api_error(self, exc: APIError) -> SheetsError:
        status = exc.response.status_code
        email_ = self.settings.client_email
        key = self.settings.spreadsheet_id
        detail = _api_message(exc.response)
        if status in (403, 404):
            what = "refused access to" if status == 403 else "cannot find"
            return SheetsAccessError(
                f"Google Sheets {what} the spreadsheet {key} (HTTP {status}: {detail}): it is "
                f"not shared with the service account {email_}.",
                f"Open the spreadsheet, click Share and add {email_} as a Viewer; check the "
                "spreadsheet URL in [connections.gsheets].",
            )
        if status == 401:
            return SheetsAccessError(
                f"Google Sheets did not accept the service account {email_} (HTTP 401: {detail}).",
                "Check the service account's key in [connections.gsheets].",
            )
        return SheetsError(
            f"Google Sheets refused the request (HTTP {status}: {detail}).",
            "Check the spreadsheet URL and tab names.",
        )
