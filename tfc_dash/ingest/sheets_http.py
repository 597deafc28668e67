"""gspread's HTTP client for the Sheets reader: Google's address rewritten, bounded retries with
backoff, a request count. Imported only when a sheet is read (see :mod:`tfc_dash.ingest.sheets`).
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from tfc_dash.ingest.sheets_api import (
    GOOGLE_SHEETS_API,
    RETRYABLE_STATUSES,
    RetryPolicy,
    SheetsUnavailable,
    _api_message,
    _short,
)


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client, pointed at ``api_url``, with bounded retries and a request count.

    Every attempt that reaches the wire is counted, retries included, so the count on a sync run
    is what the quota saw.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        api_url: str = GOOGLE_SHEETS_API,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth, session)
        self.api_url = api_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.rng = rng
        self.requests = 0

    def rewrite(self, url: str) -> str:
        if self.api_url != GOOGLE_SHEETS_API and url.startswith(GOOGLE_SHEETS_API):
            return self.api_url + url[len(GOOGLE_SHEETS_API) :]
        return url

    def request(
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        url = self.rewrite(endpoint)
        policy = self.retry
        for attempt in range(policy.attempts):
            last = attempt == policy.attempts - 1
            self.requests += 1
            try:
                response = self.session.request(
                    method=method,
                    url=url,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
            except (
                requests.Timeout,
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                if last:
                    raise self._unreachable(exc) from exc
                self.sleep(policy.delay(attempt, self.rng))
                continue
            if response.ok:
                return response
            if response.status_code not in RETRYABLE_STATUSES:
                raise APIError(response)
            wait = _retry_after(response)
            if wait is not None and wait > policy.max_retry_after:
                raise SheetsUnavailable(
                    f"Google Sheets asked to wait {wait:.0f} s before trying again "
                    f"(HTTP {response.status_code}).",
                    "The read quota is spent for now; the next sync will try again.",
                )
            if last:
                raise SheetsUnavailable(
                    f"Google Sheets kept failing (HTTP {response.status_code} after "
                    f"{policy.attempts} attempts): {_api_message(response)}.",
                    "Try again later; the dashboard keeps showing the last good data.",
                )
            self.sleep(wait if wait is not None else policy.delay(attempt, self.rng))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _unreachable(self, exc: requests.RequestException) -> SheetsUnavailable:
        """Why the last attempt got no answer: it timed out, or the network failed."""
        attempts = self.retry.attempts
        if isinstance(exc, requests.Timeout):
            return SheetsUnavailable(
                f"Google Sheets did not answer within {self._read_timeout():g} s "
                f"({attempts} attempts).",
                "Try again later; the dashboard keeps showing the last good data.",
            )
        return SheetsUnavailable(
            f"Could not reach Google Sheets at {self.api_url} ({attempts} attempts): "
            f"{_short(exc)}.",
            "Check the network; the dashboard keeps showing the last good data.",
        )

    def _read_timeout(self) -> float:
        timeout = self.timeout
        if isinstance(timeout, tuple):
            return float(timeout[1])
        return float(timeout or 0)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
