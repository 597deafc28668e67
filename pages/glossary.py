"""Glossary: what every figure on the dashboard means, generated from the metric catalogue."""

import streamlit as st

from tfc_dash.figures import glossary
from tfc_dash.web import ui

ui.page_context()
st.title("Glossary")
st.caption(
    "Every figure the dashboard, its downloads and the fundraising kit show, under the one label "
    "it has everywhere. Quote these words and definitions in updates."
)
st.markdown(glossary.markdown())
