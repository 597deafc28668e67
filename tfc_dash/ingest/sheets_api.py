"""What the spreadsheet reader (:mod:`tfc_dash.ingest.sheets`) and its HTTP client
(:mod:`tfc_dash.ingest.sheets_http`) share about Google's Sheets API: its address, which answers
are worth a retry and how often, and the errors a read ends in.

The reader imports the HTTP client (and with it gspread) only when it reads; this module imports
neither, so both can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

GOOGLE_SHEETS_API = "https://sheets.googleapis.com"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class SheetsError(Exception):
    """The spreadsheet could not be read. ``hint`` says what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.requests = 0  # API requests made before giving up (retries included)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class SheetsConfigError(SheetsError):
    """``[connections.gsheets]`` is missing or incomplete."""


class SheetsAccessError(SheetsError):
    """Google answered 403 or 404: the sheet is not shared with the service account."""


class SheetsUnavailable(SheetsError):
    """Google could not be reached or kept failing after the bounded retries."""


class SheetsResponseError(SheetsError):
    """Google answered, but not with what the API promises (malformed or truncated)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter.

    Delays are ``base * 2**attempt`` capped at ``cap``, times a random factor in [0.5, 1]; a
    ``Retry-After`` from Google is honoured instead when it is no longer than ``max_retry_after``.
    """

    attempts: int = 5
    base: float = 1.0
    cap: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int, rng: Callable[[], float]) -> float:
        return min(self.cap, self.base * 2**attempt) * (0.5 + rng() / 2)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "…"


def _api_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("message") or error.get("status") or response.reason)
    except (ValueError, AttributeError):
        return str(response.reason or response.status_code)
