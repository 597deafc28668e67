"""Glossary: what every figure on the dashboard means, generated from the metric catalogue."""

import streamlit as st

import ui
from tfc_dash import glossary

ui.page_context()
st.title("Glossary")
st.caption(
    "Every figure the dashboard, its downloads and the fundraising kit show, under the one label "
    "it has everywhere. Quote these words and definitions in updates."
)
st.markdown(glossary.markdown())
