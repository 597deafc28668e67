"""The ops spreadsheet as a Streamlit connection (``st.connection("gsheets", ...)``)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.connections import BaseConnection

from tfc_dash.core import config
from tfc_dash.ingest import sheets
from tfc_dash.web import settings


class GSheetsConnection(BaseConnection[sheets.SheetsReader]):
    """``st.connection("gsheets", type=GSheetsConnection)``: the ops spreadsheet.

    It reads ``[connections.gsheets]`` with the keys of Streamlit's own GSheets connection
    (``spreadsheet`` as a URL or key, and the service account's ``type``, ``project_id``,
    ``private_key_id``, ``private_key``, ``client_email``, ``client_id``, ``token_uri``...). A thin
    adapter: the reader is :class:`tfc_dash.ingest.sheets.SheetsReader`, which the CLI uses
    directly.
    """

    def _connect(self, **kwargs: Any) -> sheets.SheetsReader:
        section = self._secrets.to_dict() or config.gsheets_section(settings.secrets()) or {}
        return sheets.SheetsReader(sheets.settings_from_secrets({**section, **kwargs}))

    @property
    def reader(self) -> sheets.SheetsReader:
        return self._instance

    def read(self) -> sheets.Workbook:
        return self._instance.read()


def gsheets() -> GSheetsConnection:
    """The spreadsheet connection; raises SheetsConfigError when its secrets are incomplete."""
    return st.connection("gsheets", type=GSheetsConnection)
