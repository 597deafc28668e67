"""The background sync's scheduler, one per app process."""

from __future__ import annotations

import streamlit as st

from tfc_dash.ingest import refresh


@st.cache_resource(show_spinner=False)
def refresher() -> refresh.AutoRefresher:
    """One per app process: the background sync it starts is shared by every session."""
    return refresh.AutoRefresher()
