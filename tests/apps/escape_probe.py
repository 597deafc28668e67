"""A probe app: the payload through md_escape in every kind of element that renders markdown.

Each element's visible text must be the payload's own characters (tests/test_browser_escaping.py).
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.payloads import PAYLOAD
from tfc_dash.core.text import md_escape

shown = md_escape(PAYLOAD)
st.title(shown)
st.subheader(shown, help=shown)
st.markdown(shown)
st.caption(shown)
st.error(shown)
st.warning(shown)
st.info(shown)
st.success(shown)
st.metric(shown, 1, help=shown)
with st.expander(shown):
    st.write("inside")
with st.status(shown):
    st.write("inside")
st.segmented_control("Pick", ["a"], format_func=lambda _: shown, key="segmented")
st.button(shown, key="button")
st.checkbox(shown, key="checkbox")
tab, _ = st.tabs([shown, "other"])
tab.write("inside")
# Option lists of a selectbox and a multiselect are plain text: they get the payload as it is
# (md_escape there would show its backslashes).
st.selectbox("Plain", ["a"], format_func=lambda _: PAYLOAD, key="selectbox")
st.multiselect("Plain too", ["a"], default=["a"], format_func=lambda _: PAYLOAD, key="multi")
