"""Volunteers: whether supply keeps up with demand, and how fast volunteers are placed."""

import streamlit as st

from tfc_dash.charts import volunteer_charts
from tfc_dash.core.text import day_label
from tfc_dash.figures import staffing, volunteering
from tfc_dash.figures.filters import Filters
from tfc_dash.web import ui

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of
people = volunteering.for_volunteers(filters)

st.title("Volunteers")
st.caption(
    f"{volunteering.describe_scope(filters)} · as of {day_label(as_of)}",
    help=volunteering.SCOPE_NOTE,
)

# What the page draws is derived from its queries once per store version (see ui.q, ui.d).
weekly = ui.q(volunteering.pool_weeks, people, as_of)
cohorts = ui.q(volunteering.placement_cohorts, people, as_of)
completion = ui.q(volunteering.assignment_completion, people, as_of)
ui.scorecards(
    ctx.get(ui.d(volunteering.volunteer_scorecards, weekly, cohorts, completion, as_of)),
    per_row=4,
)

bad = ctx.query(volunteering.bad_rows)
message = volunteering.bad_data_message(bad)
if message:
    st.warning(message, icon=":material/report:")
    with st.expander("Which rows"):
        ui.dataframe(
            volunteering.bad_row_summary(bad),
            hide_index=True,
            key="bad_rows_table",
            column_config=volunteering.BAD_ROW_LABELS,
        )

# Supply against demand: answers "are we short of volunteers, and where?"
gaps = ui.d(staffing.understaffed, ui.q(staffing.running_projects, filters, as_of))
bench_skills = ui.q(volunteering.pool_by, Filters(), as_of, "skills")
supplied = ui.d(staffing.supply_and_demand, bench_skills, gaps, filters.categories)
short, summary = ctx.get(ui.d(staffing.shortage_summary, supplied, gaps))
supply = ctx.get(supplied)
st.subheader("Supply and demand by skill", help=staffing.SUPPLY_HELP)
(st.warning if short else st.success)(summary, icon=":material/groups:")
for which, column in enumerate(st.columns(2)):
    ui.chart(volunteer_charts.supply_demand_chart, supply, which, into=column, width="stretch")
if ctx.viewer.may_open("staffing"):
    st.page_link(
        "pages/staffing.py", label="Who to ask for each project", icon=":material/person_search:"
    )

st.subheader("Deployed and bench, week by week", help=volunteering.HELP["pool"])
ui.chart(
    volunteer_charts.pool_chart,
    ctx.get(ui.d(volunteering.pool_chart_frame, weekly)),
    width="stretch",
)

left, right = st.columns(2)
with left:
    st.subheader("By skill", help=volunteering.HELP["by_skill"])
    by_skill = ctx.get(
        ui.d(
            volunteering.breakdown_by_skill,
            ui.q(volunteering.pool_by, people, as_of, "skills"),
            only=volunteering.skills_in_view(people),
        )
    )
    if by_skill.empty:
        st.info("No active volunteers in this view.")
    else:
        ui.chart(volunteer_charts.pool_breakdown_chart, by_skill, "Skill", width="stretch")
with right:
    st.subheader("By home state", help=volunteering.HELP["by_home_state"])
    by_state = ctx.get(
        ui.d(
            volunteering.breakdown_by_home_state,
            ui.q(volunteering.pool_by, people, as_of, "home_state"),
        )
    )
    if by_state.empty:
        st.info("No active volunteers in this view.")
    else:
        ui.chart(volunteer_charts.pool_breakdown_chart, by_state, "Home state", width="stretch")

st.subheader("Time to first placement by sign-up month", help=volunteering.HELP["placement"])
trend = ctx.get(ui.d(volunteering.placement_trend, cohorts))
if trend["placed"].sum() == 0:
    st.info("Nobody in this view was placed by the as-of date.")
else:
    ui.chart(volunteer_charts.placement_trend_chart, trend, width="stretch")
