"""Staffing: the projects short of volunteers, and who on the bench to ask for each."""

import streamlit as st

from tfc_dash.charts import volunteer_charts
from tfc_dash.core.text import day_label
from tfc_dash.figures import staffing, volunteering
from tfc_dash.web import ui

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of

st.title("Staffing")
st.caption(f"{filters.describe()} · as of {day_label(as_of)}")

projects = ctx.query(staffing.running_projects, filters, as_of)
suggestions = ctx.query(staffing.staffing_suggestions, filters, as_of)
ui.scorecards(staffing.staffing_scorecards(projects, suggestions), per_row=5)
bad_note = volunteering.bad_rows_note(ctx.query(volunteering.bad_rows))
if bad_note:
    st.caption(bad_note)

gaps = staffing.understaffed(projects)
if gaps.empty:
    st.success("No running project in this view is short of volunteers.", icon=":material/check:")
else:
    st.subheader("Open seats by state", help=staffing.OPEN_SEATS_HELP)
    ui.chart(volunteer_charts.open_seats_chart, staffing.open_seats_by_state(gaps), width="stretch")

    st.subheader("Who to ask", help=staffing.RANKING_HELP)
    table = staffing.who_to_ask(suggestions)
    ctx.download_csv(
        table,
        f"tfc-who-to-ask-{as_of.isoformat()}.csv",
        "Download who to ask (CSV)",
        key="who_to_ask_csv",
    )
    shown = staffing.for_display(table.head(staffing.MAX_ROWS_SHOWN))
    if len(table) > len(shown):
        st.caption(f"The first {len(shown):,} of {len(table):,} rows; the CSV has them all.")
    ui.dataframe(
        shown, hide_index=True, key="who_to_ask_table", column_config=staffing.COLUMN_LABELS
    )
