"""The app's settings, read from Streamlit's secrets (``.streamlit/secrets.toml``, or the host's
secrets): the store's address, the sync's limits and schedule, the pages' table size, and
whether an ops spreadsheet is configured. The rules that read them are
:mod:`tfc_dash.core.config`'s.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import streamlit as st

from tfc_dash.core import config
from tfc_dash.ingest import refresh, sync


def secrets() -> dict[str, Any]:
    """The app's secrets as a plain dict; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def database_url() -> str:
    return config.database_url(secrets())


def gsheets_configured() -> bool:
    return config.gsheets_section(secrets()) is not None


def sync_limits() -> sync.Limits:
    """The ``[sync]`` limits; raises ConfigError when one is not valid."""
    return sync.Limits.from_settings(config.sync_settings(secrets()))


DEFAULT_TABLE_ROWS = 500


def table_rows() -> int:
    """How many rows a table on a page shows at most (``[app] max_table_rows``)."""
    value = (secrets().get("app") or {}).get("max_table_rows", DEFAULT_TABLE_ROWS)
    try:
        rows = int(value)
    except (TypeError, ValueError):
        return DEFAULT_TABLE_ROWS
    return rows if rows > 0 else DEFAULT_TABLE_ROWS


def sync_ttl() -> timedelta:
    return refresh.ttl_from(config.sync_ttl_minutes(secrets()))
